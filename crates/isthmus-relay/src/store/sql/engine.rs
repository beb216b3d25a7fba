//! Where SQLite and PostgreSQL need different statements.
//!
//! On SQLite one writer runs every write, so nothing else can change a row between an op's
//! check and its write. On PostgreSQL several writers (connections, and relay processes) run at
//! once under READ COMMITTED, so an op that counts before it writes, or that must not hand the
//! same row to two callers, first locks what it is about to decide on.

use super::db::{query, Conn};
use super::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Holds off, until this transaction ends, every other writer that takes the same owner's
    /// lock: for the checks that count an account's keys, blocks or contacts before adding, and
    /// for replacing a set (interop) as a whole.
    pub(crate) async fn lock_owner(self, conn: &mut Conn<'_>, owner: &str) -> Result<()> {
        if self == Engine::Postgres {
            query("SELECT pg_advisory_xact_lock(hashtextextended('isthmus-owner:' || $1, 0))")
                .bind(owner)
                .execute(conn)
                .await?;
        }
        Ok(())
    }

    /// Locks a device's queue-length row (enqueues take it first too), so that an ack and a
    /// retried enqueue of the same envelope always take their locks in the same order.
    pub(crate) async fn lock_queue(self, conn: &mut Conn<'_>, name: &str, device: i64) -> Result<()> {
        if self == Engine::Postgres {
            query("SELECT len FROM queue_lengths WHERE name = $1 AND device = $2 FOR UPDATE")
                .bind(name)
                .bind(device)
                .execute(conn)
                .await?;
        }
        Ok(())
    }

    /// Deletes and returns an account's lowest-numbered one-time EC prekey. On PostgreSQL a row
    /// another fetch is taking is skipped, so concurrent fetches get different keys at once.
    pub(crate) fn take_prekey(self) -> &'static str {
        match self {
            Engine::Sqlite => {
                "DELETE FROM prekeys WHERE name = $1 AND id = (SELECT MIN(id) FROM prekeys WHERE name = $1) \
                 RETURNING id, public_key"
            }
            Engine::Postgres => {
                "DELETE FROM prekeys WHERE name = $1 AND id = \
                 (SELECT id FROM prekeys WHERE name = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, public_key"
            }
        }
    }

    /// `take_prekey` for one-time Kyber prekeys.
    pub(crate) fn take_kyber_prekey(self) -> &'static str {
        match self {
            Engine::Sqlite => {
                "DELETE FROM kyber_prekeys WHERE name = $1 \
                 AND id = (SELECT MIN(id) FROM kyber_prekeys WHERE name = $1) \
                 RETURNING id, public_key, signature"
            }
            Engine::Postgres => {
                "DELETE FROM kyber_prekeys WHERE name = $1 AND id = \
                 (SELECT id FROM kyber_prekeys WHERE name = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, public_key, signature"
            }
        }
    }

    /// A statement that returns a row when the database has the migrations table.
    pub(crate) fn migrations_table(self) -> &'static str {
        match self {
            Engine::Sqlite => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            Engine::Postgres => "SELECT 1 WHERE to_regclass('_sqlx_migrations') IS NOT NULL",
        }
    }
}
