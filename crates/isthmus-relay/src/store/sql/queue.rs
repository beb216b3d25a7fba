//! Per-device queues of envelopes.
//!
//! A device's row in `queue_lengths` is taken first by every enqueue and ack of that device (on
//! PostgreSQL it is a row lock): the length checked against the limit is the length written,
//! two enqueues of one envelope id cannot both insert, and sequence numbers are handed out in
//! the order their rows become visible.

use super::db::{query, Conn, Row};
use super::rows::{read_u64, read_usize, stored_usize};
use super::{Engine, Result, StoreError};
use crate::store::{DeviceKey, QueueEntry};

fn device_of(device: &DeviceKey) -> (&str, i64) {
    (device.name.as_str(), i64::from(device.device))
}

/// Adds `change` to the device's length, creating its row, and returns the new length.
async fn add_to_length(conn: &mut Conn<'_>, name: &str, device: i64, change: i64) -> Result<i64> {
    let row = query(
        "INSERT INTO queue_lengths (name, device, len) VALUES ($1, $2, $3) \
         ON CONFLICT (name, device) DO UPDATE SET len = queue_lengths.len + $3 RETURNING len",
    )
    .bind(name)
    .bind(device)
    .bind(change)
    .fetch_one(conn)
    .await?;
    row.try_get(0)
}

pub(super) async fn enqueue(
    conn: &mut Conn<'_>,
    device: &DeviceKey,
    id: &[u8],
    envelope: &[u8],
    max_len: usize,
) -> Result<u64> {
    let (name, device_id) = device_of(device);
    // Counted in first: the length row is this device's lock from here to the commit.
    let len = add_to_length(conn, name, device_id, 1).await?;
    if len <= stored_usize(max_len) {
        // The insert is the duplicate check: a retried envelope inserts nothing.
        let inserted = query(
            "INSERT INTO queue (name, device, envelope_id, envelope) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name, device, envelope_id) DO NOTHING RETURNING seq",
        )
        .bind(name)
        .bind(device_id)
        .bind(id)
        .bind(envelope)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = inserted {
            return read_u64(row.try_get(0)?, "queue");
        }
    }
    // A retry or a full queue stores nothing: the count goes back, and a retry is told where
    // its envelope is (even when the queue is full now).
    add_to_length(conn, name, device_id, -1).await?;
    let existing = query("SELECT seq FROM queue WHERE name = $1 AND device = $2 AND envelope_id = $3")
        .bind(name)
        .bind(device_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match existing {
        Some(row) => read_u64(row.try_get(0)?, "queue"),
        None => Err(StoreError::QueueFull),
    }
}

fn decode_entry(row: &Row) -> Result<QueueEntry> {
    Ok(QueueEntry { seq: read_u64(row.try_get(0)?, "queue")?, id: row.try_get(1)?, envelope: row.try_get(2)? })
}

pub(super) async fn queued(
    conn: &mut Conn<'_>,
    device: &DeviceKey,
    after: Option<u64>,
    limit: usize,
) -> Result<Vec<QueueEntry>> {
    let after = match after {
        None => 0,
        Some(seq) => match i64::try_from(seq) {
            Ok(seq) => seq,
            // Past every sequence number a database can hold.
            Err(_) => return Ok(Vec::new()),
        },
    };
    let (name, device_id) = device_of(device);
    let rows = query(
        "SELECT seq, envelope_id, envelope FROM queue WHERE name = $1 AND device = $2 AND seq > $3 \
         ORDER BY seq LIMIT $4",
    )
    .bind(name)
    .bind(device_id)
    .bind(after)
    .bind(stored_usize(limit))
    .fetch_all(conn)
    .await?;
    rows.iter().map(decode_entry).collect()
}

pub(super) async fn ack(conn: &mut Conn<'_>, engine: Engine, device: &DeviceKey, ids: &[Vec<u8>]) -> Result<usize> {
    let (name, device_id) = device_of(device);
    engine.lock_queue(conn, name, device_id).await?;
    let mut removed: i64 = 0;
    for id in ids {
        let deleted = query("DELETE FROM queue WHERE name = $1 AND device = $2 AND envelope_id = $3")
            .bind(name)
            .bind(device_id)
            .bind(id.as_slice())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        removed += i64::try_from(deleted).unwrap_or(i64::MAX);
    }
    if removed > 0 {
        query("UPDATE queue_lengths SET len = len - $3 WHERE name = $1 AND device = $2")
            .bind(name)
            .bind(device_id)
            .bind(removed)
            .execute(&mut *conn)
            .await?;
    }
    read_usize(removed, "queue")
}

pub(super) async fn queue_len(conn: &mut Conn<'_>, device: &DeviceKey) -> Result<usize> {
    let (name, device_id) = device_of(device);
    let row = query("SELECT len FROM queue_lengths WHERE name = $1 AND device = $2")
        .bind(name)
        .bind(device_id)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => read_usize(row.try_get(0)?, "queue_lengths"),
        None => Ok(0),
    }
}

/// Envelopes in all queues together: the sum of the kept lengths (one row per device).
pub(super) async fn depth(conn: &mut Conn<'_>) -> Result<u64> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; the cast keeps one integer type for both engines.
    let row = query("SELECT CAST(COALESCE(SUM(len), 0) AS BIGINT) FROM queue_lengths").fetch_one(conn).await?;
    let total: i64 = row.try_get(0)?;
    u64::try_from(total).map_err(|_| StoreError::Corrupt { what: "queue_lengths" })
}

/// For the sled migration: an envelope at the end of its queue, in the order given.
pub(super) async fn import(conn: &mut Conn<'_>, device: &DeviceKey, id: &[u8], envelope: &[u8]) -> Result<()> {
    enqueue(conn, device, id, envelope, usize::MAX).await.map(|_| ())
}
