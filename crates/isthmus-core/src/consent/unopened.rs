//! First contacts that could not be opened: random bytes, a broken or hostile client. Shown
//! nowhere as a chat, they would fill the person's request slots at the relay for good, so each
//! one frees its slot at once (the connection tells the relay) and is counted here per sender,
//! for the person to see ("3 messages from x could not be opened") and block or report.

use isthmus_proto::Address;
use serde::{Deserialize, Serialize};

use crate::account::account_key;
use crate::store::Tree;
use crate::tx::Tx;
use crate::Result;

/// Senders remembered per account; past it the one heard from longest ago is forgotten.
const MAX_SENDERS: usize = 200;

/// Someone whose first contacts could not be opened.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnopenedSender {
    /// `name@network`.
    pub address: String,
    /// How many of their envelopes could not be opened.
    pub count: u32,
    /// When the last one arrived (ms since the epoch, the relay's time).
    pub last_at_ms: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    senders: Vec<UnopenedSender>,
}

fn key(tx: &Tx, account: &Address) -> Vec<u8> {
    let mut key = b"unopened_first_contacts/".to_vec();
    key.extend_from_slice(&account_key(tx.store(), account));
    key
}

/// Counts one more envelope from `sender` that could not be opened.
pub fn record(tx: &mut Tx, account: &Address, sender: &Address, at_ms: u64) -> Result<()> {
    let key = key(tx, account);
    let mut record: Record = tx.get_json(Tree::Meta, &key)?.unwrap_or_default();
    let address = sender.account();
    match record.senders.iter_mut().find(|known| known.address == address) {
        Some(known) => {
            known.count = known.count.saturating_add(1);
            known.last_at_ms = known.last_at_ms.max(at_ms);
        }
        None => record.senders.push(UnopenedSender { address, count: 1, last_at_ms: at_ms }),
    }
    record.senders.sort_by_key(|sender| std::cmp::Reverse(sender.last_at_ms));
    record.senders.truncate(MAX_SENDERS);
    tx.put_json(Tree::Meta, key, &record)
}

/// The account's senders, heard from most recently first.
pub fn list(tx: &Tx, account: &Address) -> Result<Vec<UnopenedSender>> {
    Ok(tx.get_json::<Record>(Tree::Meta, &key(tx, account))?.unwrap_or_default().senders)
}

/// Forgets `sender` (blocked, or the person dismissed the note).
pub fn forget(tx: &mut Tx, account: &Address, sender: &Address) -> Result<()> {
    let key = key(tx, account);
    let mut record: Record = tx.get_json(Tree::Meta, &key)?.unwrap_or_default();
    let address = sender.account();
    record.senders.retain(|known| known.address != address);
    tx.put_json(Tree::Meta, key, &record)
}
