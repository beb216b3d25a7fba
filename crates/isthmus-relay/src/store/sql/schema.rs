//! The schema's versions: sqlx migrations embedded in the binary, one folder per engine.

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::{AnyConnection, AnyPool, Row as _};

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

/// Brings the database up to this relay's schema, in order; each migration commits on its own.
/// A database that has a migration this relay does not know is from a newer relay, and is left
/// alone: running on it could ignore what the newer relay keeps.
pub(super) async fn migrate(conn: &mut AnyConnection, engine: Engine) -> Result<()> {
    migrator(engine).run(conn).await.map_err(|error| match error {
        MigrateError::VersionMissing(found) => StoreError::SchemaTooNew { found, known: known(engine) },
        other => StoreError::Backend(format!("migrating the schema: {other}")),
    })
}

/// For readers that must not upgrade anything: the database's schema must be this relay's.
pub(super) async fn check(pool: &AnyPool, engine: Engine) -> Result<()> {
    let known = known(engine);
    let found: i64 = match sqlx::query("SELECT MAX(version) FROM _sqlx_migrations WHERE success").fetch_one(pool).await
    {
        Ok(row) => row.try_get::<Option<i64>, _>(0)?.unwrap_or(0),
        // No migrations table: a database no relay has set up yet.
        Err(sqlx::Error::Database(_)) => 0,
        Err(error) => return Err(error.into()),
    };
    match found.cmp(&known) {
        std::cmp::Ordering::Greater => Err(StoreError::SchemaTooNew { found, known }),
        std::cmp::Ordering::Less => Err(StoreError::SchemaTooOld { found, known }),
        std::cmp::Ordering::Equal => Ok(()),
    }
}
