//! What the user decided about each person, per account.

use isthmus_proto::Address;
use serde::{Deserialize, Serialize};

use crate::account::{account_key, peer_key};
use crate::store::{SealedStore, Tree};
use crate::tx::Tx;
use crate::Result;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The user compared safety numbers and marked this person verified.
    pub verified: bool,
    /// Blocked: nothing from this person reaches the user, from any network.
    pub blocked: bool,
    /// This person's identity key changed and the user has not acknowledged it yet;
    /// sending to them waits until they do.
    pub key_change_held: bool,
    /// The user confirmed writing to this person on another network.
    pub first_contact_confirmed: bool,
}

pub fn key(store: &SealedStore, account: &Address, peer: &Address) -> Vec<u8> {
    let mut key = account_key(store, account).to_vec();
    key.extend_from_slice(&peer_key(store, peer));
    key
}

pub fn load(tx: &Tx, account: &Address, peer: &Address) -> Result<Contact> {
    Ok(tx.get_json(Tree::Contacts, &key(tx.store(), account, peer))?.unwrap_or_default())
}

/// `load` outside a transaction: what is committed.
pub fn load_committed(store: &SealedStore, account: &Address, peer: &Address) -> Result<Contact> {
    match store.get(Tree::Contacts, &key(store, account, peer))? {
        Some(bytes) => crate::tx::decode_json(&bytes),
        None => Ok(Contact::default()),
    }
}

pub fn save(tx: &mut Tx, account: &Address, peer: &Address, contact: &Contact) -> Result<()> {
    let key = key(tx.store(), account, peer);
    tx.put_json(Tree::Contacts, key, contact)
}

/// Changes one person's record in `tx`.
pub fn update(tx: &mut Tx, account: &Address, peer: &Address, change: impl FnOnce(&mut Contact)) -> Result<Contact> {
    let mut contact = load(tx, account, peer)?;
    change(&mut contact);
    save(tx, account, peer, &contact)?;
    Ok(contact)
}

/// A contact's identity key changed: verification no longer holds, and sending to them waits
/// until the user acknowledges the new key.
pub fn hold_for_key_change(tx: &mut Tx, account: &Address, peer: &Address) -> Result<()> {
    crate::consent::contacts::update(tx, account, peer, |contact| {
        contact.verified = false;
        contact.key_change_held = true;
    })?;
    let account_key = crate::account::account_key(tx.store(), account);
    crate::outbox::unseal_to(tx, &account_key, peer)
}
