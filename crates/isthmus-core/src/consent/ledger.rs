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

/// The other networks `account` allows now under the disclosure `version`: those whose latest
/// interop decision is "enabled" under that version. A network allowed under an older
/// disclosure is not among them: the person has not been told what that version says.
pub fn consented_under(
    store: &SealedStore,
    account: &str,
    version: &str,
) -> Result<std::collections::BTreeSet<String>> {
    let mut latest = std::collections::BTreeMap::new();
    for entry in entries(store)?.into_iter().filter(|entry| entry.account == account) {
        match entry.decision {
            Decision::InteropEnabled => {
                latest.insert(entry.counterpart, entry.disclosure_version.as_deref() == Some(version));
            }
            Decision::InteropDisabled => {
                latest.remove(&entry.counterpart);
            }
            _ => {}
        }
    }
    Ok(latest.into_iter().filter(|(_, current)| *current).map(|(network, _)| network).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_counts_under_the_version_of_its_latest_decision_only() {
        let profile = crate::store::Profile::in_memory();
        let store = profile.store();
        let decide = |network: &str, decision: Decision, version: Option<&str>| {
            let mut tx = Tx::new(store.clone());
            append(&mut tx, "alice@meadow.test", network, decision, version).expect("append");
            tx.commit().expect("commit");
        };
        decide("harbor.test", Decision::InteropEnabled, Some("v1"));
        decide("cove.test", Decision::InteropEnabled, Some("v1"));
        decide("cove.test", Decision::InteropEnabled, Some("v2"));
        decide("bay.test", Decision::InteropEnabled, Some("v2"));
        decide("bay.test", Decision::InteropDisabled, None);
        let mut tx = Tx::new(store.clone());
        append(&mut tx, "bob@meadow.test", "harbor.test", Decision::InteropEnabled, Some("v2")).expect("append");
        tx.commit().expect("commit");
        let current = consented_under(&store, "alice@meadow.test", "v2").expect("read");
        assert_eq!(
            current.into_iter().collect::<Vec<_>>(),
            vec!["cove.test".to_owned()],
            "harbor was allowed under v1 only, bay was turned off again, bob's decisions are his"
        );
    }

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
