//! The consent ledger: an append-only, encrypted record of every consent decision, in order.
//!
//! Entries are sealed like every other value and keyed by a sequence number, so a prefix scan
//! returns them in the order they were made. There is no API to change or remove an entry.

use serde::{Deserialize, Serialize};

use crate::store::{SealedStore, Tree};
use crate::tx::{decode_json, Tx};
use crate::Result;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    InteropEnabled,
    InteropDisabled,
    RequestAccepted,
    RequestDeleted,
    RequestBlocked,
    RequestReported,
    Blocked,
    Unblocked,
    FirstContactConfirmed,
    KeyChangeAcknowledged,
    Verified,
    Unverified,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// 1, 2, 3, ... in the order decisions were made.
    pub seq: u64,
    /// ms since the epoch.
    pub at: u64,
    /// The account the decision was made for (`name@network`).
    pub account: String,
    /// The person (`name@network`) or network (`harbor.example`) it was about.
    pub counterpart: String,
    pub decision: Decision,
    /// The disclosure the user saw, for interop decisions.
    pub disclosure_version: Option<String>,
}

const NEXT_SEQ: &[u8] = b"ledger_next_seq";

/// Appends an entry in `tx`; returns it with its sequence number.
pub fn append(
    tx: &mut Tx,
    account: &str,
    counterpart: &str,
    decision: Decision,
    disclosure_version: Option<&str>,
) -> Result<LedgerEntry> {
    let seq: u64 = tx.get_json(Tree::Meta, NEXT_SEQ)?.unwrap_or(1);
    let entry = LedgerEntry {
        seq,
        at: crate::time::now_ms(),
        account: account.to_owned(),
        counterpart: counterpart.to_owned(),
        decision,
        disclosure_version: disclosure_version.map(str::to_owned),
    };
    tx.put_json(Tree::ConsentLedger, seq.to_be_bytes().to_vec(), &entry)?;
    tx.put_json(Tree::Meta, NEXT_SEQ.to_vec(), &(seq + 1))?;
    Ok(entry)
}

/// Every entry, oldest first.
pub fn entries(store: &SealedStore) -> Result<Vec<LedgerEntry>> {
    store.scan_prefix(Tree::ConsentLedger, &[])?.into_iter().map(|(_, bytes)| decode_json(&bytes)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_order_and_numbers() {
        let profile = crate::store::Profile::in_memory();
        let store = profile.store();
        for (n, decision) in
            [Decision::InteropEnabled, Decision::RequestAccepted, Decision::InteropDisabled].into_iter().enumerate()
        {
            let mut tx = Tx::new(store.clone());
            let entry = append(&mut tx, "alice@meadow.test", "harbor.test", decision, Some("v1")).expect("append");
            assert_eq!(entry.seq, n as u64 + 1, "sequence numbers count up from 1");
            tx.commit().expect("commit");
        }
        let all = entries(&store).expect("read");
        let decisions: Vec<Decision> = all.iter().map(|e| e.decision.clone()).collect();
        assert_eq!(decisions, vec![Decision::InteropEnabled, Decision::RequestAccepted, Decision::InteropDisabled]);
    }
}
