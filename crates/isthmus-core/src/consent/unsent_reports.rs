//! Reports that could not reach the relay, kept in the profile until they do. "Report and block"
//! deletes the request and its messages, so a report that failed could not be built again: it
//! is kept as built, sealed like the rest of the profile, and sent after the next connection
//! drains its backlog (`report_retry`). The ledger hears of it once the relay took it.

use isthmus_proto::api::{ReportReason, ReportRequest};
use isthmus_proto::Address;
use serde::{Deserialize, Serialize};

use crate::account::account_key;
use crate::store::Tree;
use crate::tx::Tx;
use crate::Result;

/// Reports kept per account; past it the oldest is dropped (a person who reported this many
/// people while their relay was unreachable has been told each time that it was not sent).
const MAX_UNSENT: usize = 100;

/// A report waiting to be sent, as the UI and the CLI show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsentReport {
    /// `name@network` of the reported person.
    pub address: String,
    pub reason: ReportReason,
    /// How many of their messages the report carries.
    pub messages: u32,
    /// When the person asked for it (ms since the epoch, this device's time).
    pub queued_at_ms: u64,
}

/// One kept report: the body exactly as the relay will receive it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Kept {
    /// Tells two kept reports apart (of one person, say, in one millisecond).
    pub id: u64,
    pub report: ReportRequest,
    pub queued_at_ms: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    reports: Vec<Kept>,
}

fn key(tx: &Tx, account: &Address) -> Vec<u8> {
    let mut key = b"unsent_reports/".to_vec();
    key.extend_from_slice(&account_key(tx.store(), account));
    key
}

/// Keeps `report` to be sent later.
pub(crate) fn keep(tx: &mut Tx, account: &Address, report: ReportRequest, queued_at_ms: u64) -> Result<()> {
    let key = key(tx, account);
    let mut record: Record = tx.get_json(Tree::Meta, &key)?.unwrap_or_default();
    record.reports.push(Kept { id: rand::random(), report, queued_at_ms });
    let excess = record.reports.len().saturating_sub(MAX_UNSENT);
    record.reports.drain(..excess);
    tx.put_json(Tree::Meta, key, &record)
}

/// The account's kept reports, oldest first.
pub(crate) fn kept(tx: &Tx, account: &Address) -> Result<Vec<Kept>> {
    Ok(tx.get_json::<Record>(Tree::Meta, &key(tx, account))?.unwrap_or_default().reports)
}

/// The account's kept reports as the person sees them, oldest first.
pub fn list(tx: &Tx, account: &Address) -> Result<Vec<UnsentReport>> {
    Ok(kept(tx, account)?
        .into_iter()
        .map(|kept| UnsentReport {
            address: kept.report.address,
            reason: kept.report.reason,
            messages: u32::try_from(kept.report.messages.len()).unwrap_or(u32::MAX),
            queued_at_ms: kept.queued_at_ms,
        })
        .collect())
}

/// Forgets the kept report that the relay took.
pub(crate) fn forget(tx: &mut Tx, account: &Address, sent: &Kept) -> Result<()> {
    let key = key(tx, account);
    let mut record: Record = tx.get_json(Tree::Meta, &key)?.unwrap_or_default();
    record.reports.retain(|kept| kept.id != sent.id);
    tx.put_json(Tree::Meta, key, &record)
}
