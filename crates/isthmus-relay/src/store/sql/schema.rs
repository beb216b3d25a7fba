//! The schema's versions: migrations embedded in the binary, one folder per engine.
//!
//! Both engines keep the versions applied in sqlx's own table (`_sqlx_migrations`): PostgreSQL
//! through sqlx's migrator, SQLite through [`migrate_sqlite`] on rusqlite, which reads and
//! writes that table the way sqlx did when it ran SQLite too, so a database made by an earlier
//! relay opens as it is.

use std::time::Instant;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::PgConnection;

use super::db::{query, Conn};
use super::{Engine, Result, StoreError};

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

fn migrator(engine: Engine) -> &'static Migrator {
    match engine {
        Engine::Sqlite => &SQLITE,
        Engine::Postgres => &POSTGRES,
    }
}

/// The newest schema version this relay knows.
fn known(engine: Engine) -> i64 {
    migrator(engine).iter().map(|migration| migration.version).max().unwrap_or(0)
}

/// Brings a PostgreSQL database up to this relay's schema, in order; each migration commits on
/// its own. A database that has a migration this relay does not know is from a newer relay, and
/// is left alone: running on it could ignore what the newer relay keeps.
pub(super) async fn migrate_postgres(conn: &mut PgConnection) -> Result<()> {
    POSTGRES.run(conn).await.map_err(|error| match error {
        MigrateError::VersionMissing(found) => StoreError::SchemaTooNew { found, known: known(Engine::Postgres) },
        other => StoreError::Backend(format!("migrating the schema: {other}")),
    })
}

/// [`migrate_postgres`] for SQLite: the same checks (a newer relay's database is left alone, a
/// migration that changed since it was applied or one that failed halfway stops the relay), and
/// each migration with its record in one transaction.
pub(super) fn migrate_sqlite(conn: &mut rusqlite::Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            success BOOLEAN NOT NULL,
            checksum BLOB NOT NULL,
            execution_time BIGINT NOT NULL
        );",
    )?;
    let applied: Vec<(i64, bool, Vec<u8>)> = {
        let mut statement = conn.prepare("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let known = known(Engine::Sqlite);
    for (version, success, checksum) in &applied {
        if !success {
            return Err(StoreError::Backend(format!("migration {version} failed halfway earlier; restore a backup")));
        }
        match SQLITE.iter().find(|migration| migration.version == *version) {
            None => return Err(StoreError::SchemaTooNew { found: *version, known }),
            Some(migration) if migration.checksum.as_ref() != checksum.as_slice() => {
                return Err(StoreError::Backend(format!("migration {version} was changed after it was applied")));
            }
            Some(_) => {}
        }
    }
    for migration in SQLITE.iter().filter(|migration| migration.migration_type.is_up_migration()) {
        if applied.iter().any(|(version, ..)| *version == migration.version) {
            continue;
        }
        let started = Instant::now();
        let tx = conn.transaction()?;
        tx.execute_batch(&migration.sql)
            .map_err(|error| StoreError::Backend(format!("migration {}: {error}", migration.version)))?;
        let took = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?1, ?2, TRUE, ?3, ?4)",
            rusqlite::params![migration.version, migration.description.as_ref(), migration.checksum.as_ref(), took],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// For readers that must not upgrade anything: the database's schema must be this relay's.
pub(super) async fn check(conn: &mut Conn<'_>, engine: Engine) -> Result<()> {
    let known = known(engine);
    let found: i64 = if query(engine.migrations_table()).fetch_optional(&mut *conn).await?.is_none() {
        // No migrations table: a database no relay has set up yet.
        0
    } else {
        query("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(conn)
            .await?
            .try_get::<Option<i64>>(0)?
            .unwrap_or(0)
    };
    match found.cmp(&known) {
        std::cmp::Ordering::Greater => Err(StoreError::SchemaTooNew { found, known }),
        std::cmp::Ordering::Less => Err(StoreError::SchemaTooOld { found, known }),
        std::cmp::Ordering::Equal => Ok(()),
    }
}
