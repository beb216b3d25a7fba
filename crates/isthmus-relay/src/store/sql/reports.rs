//! Reports users filed: the one place the relay keeps message text, by the reporter's choice.

use super::db::{query, Conn, Row};
use super::rows::{read_u64, stored_u64, stored_usize};
use super::{Result, StoreError};
use crate::store::{ReportReason, ReportRecord, ReportedMessage};

fn corrupt() -> StoreError {
    StoreError::Corrupt { what: "reports" }
}

pub(super) async fn add(conn: &mut Conn<'_>, report: &ReportRecord) -> Result<()> {
    let messages = serde_json::to_string(&report.messages).map_err(|error| StoreError::Backend(error.to_string()))?;
    query(
        "INSERT INTO reports (id, reporter, address, reason, note, messages, received_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(report.id.as_str())
    .bind(report.reporter.as_str())
    .bind(report.address.as_str())
    .bind(report.reason.as_str())
    .bind(report.note.as_str())
    .bind(messages)
    .bind(stored_u64(report.received_at_ms))
    .execute(conn)
    .await?;
    Ok(())
}

fn decode(row: &Row) -> Result<ReportRecord> {
    let reason: String = row.try_get(3)?;
    let messages: String = row.try_get(5)?;
    Ok(ReportRecord {
        id: row.try_get(0)?,
        reporter: row.try_get(1)?,
        address: row.try_get(2)?,
        reason: ReportReason::parse(&reason).ok_or_else(corrupt)?,
        note: row.try_get(4)?,
        messages: serde_json::from_str::<Vec<ReportedMessage>>(&messages).map_err(|_| corrupt())?,
        received_at_ms: read_u64(row.try_get(6)?, "reports")?,
    })
}

/// Newest first; within one millisecond, the later arrival first.
pub(super) async fn list(conn: &mut Conn<'_>, limit: usize) -> Result<Vec<ReportRecord>> {
    let rows = query(
        "SELECT id, reporter, address, reason, note, messages, received_at_ms FROM reports \
         ORDER BY received_at_ms DESC, seq DESC LIMIT $1",
    )
    .bind(stored_usize(limit))
    .fetch_all(conn)
    .await?;
    rows.iter().map(decode).collect()
}
