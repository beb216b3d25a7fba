//! Creating an account's keys and keeping its one-time prekeys topped up on the relay.
//! Runs on the crypto worker.

use std::cell::RefCell;
use std::rc::Rc;

use isthmus_proto::Address;

use crate::account::{self, account_key, AccountRecord};
use crate::keys;
use crate::signal_store::{LocalIdentity, SignalStore};
use crate::store::Tree;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};
use isthmus_proto::api::{IdentityKeys, KeysUpload, RegisterRequest};

/// Generates a full key set for `local`'s identity (signed and last-resort prekeys, and a batch
/// of one-time prekeys of each kind from the given ids), staging the private halves in `store`.
fn fresh_keys(store: &SignalStore, local: &LocalIdentity, first_prekey: u32, first_kyber: u32) -> Result<IdentityKeys> {
    Ok(IdentityKeys {
        registration_id: local.registration_id,
        identity_key: store.identity().identity_key().serialize().to_vec(),
        signed_prekey: keys::signed_prekey(store, keys::SIGNED_PREKEY_ID)?,
        kyber_last_resort: keys::kyber_prekey(store, keys::KYBER_LAST_RESORT_ID, true)?,
        prekeys: keys::one_time_prekeys(store, first_prekey, keys::PREKEY_BATCH)?,
        kyber_prekeys: keys::one_time_kyber_prekeys(store, first_kyber, keys::PREKEY_BATCH)?,
    })
}

/// Generates a new account's keys. Nothing is written: the staged `Tx` is committed by
/// `finish` only once the relay has accepted the registration.
pub fn prepare(state: &mut WorkerState, address: &Address) -> Result<(Tx, LocalIdentity, RegisterRequest)> {
    if account::load(&state.store, address)?.is_some() {
        return Err(Error::relay(isthmus_proto::api::ErrorCode::NameTaken, "this profile already has that account"));
    }
    let local = keys::new_identity();
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let store = SignalStore::new(tx.clone(), account_key(&state.store, address), &local)?;
    let keys = fresh_keys(&store, &local, keys::FIRST_ONE_TIME_ID, keys::FIRST_ONE_TIME_ID)?;
    let request = RegisterRequest { name: address.name.to_string(), invite: None, keys };
    drop(store);
    let tx = Rc::try_unwrap(tx).map_err(|_| Error::Crypto("key store still borrowed".into()))?.into_inner();
    Ok((tx, local, request))
}

/// Stores the registered account with the keys `prepare` staged.
pub fn finish(state: &mut WorkerState, mut tx: Tx, local: &LocalIdentity, record: &AccountRecord) -> Result<()> {
    let key = account_key(&state.store, &record.address);
    tx.put_json(Tree::LocalIdentity, key.to_vec(), local)?;
    account::save(&mut tx, record)?;
    tx.commit()?;
    state.durable();
    Ok(())
}

/// Generates and stores `count` new one-time prekeys of each kind; returns the upload.
pub fn top_up(state: &mut WorkerState, address: &Address, count: u32) -> Result<KeysUpload> {
    let mut record = account::load(&state.store, address)?.ok_or_else(|| Error::NoSuchAccount(address.to_string()))?;
    let local = state.local_identity(address)?;
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let store = SignalStore::new(tx.clone(), account_key(&state.store, address), &local)?;
    let upload = KeysUpload {
        signed_prekey: None,
        kyber_last_resort: None,
        prekeys: keys::one_time_prekeys(&store, record.next_prekey_id, count)?,
        kyber_prekeys: keys::one_time_kyber_prekeys(&store, record.next_kyber_prekey_id, count)?,
    };
    record.next_prekey_id += count;
    record.next_kyber_prekey_id += count;
    account::save(&mut tx.borrow_mut(), &record)?;
    tx.borrow_mut().commit()?;
    // The private halves must be on disk before the public ones are handed out.
    state.durable();
    Ok(upload)
}

/// Generates a new identity key with fresh prekeys (a reinstall, or a user who wants a new
/// key). Staged only: `finish_new_identity` commits it once the relay has accepted it. Existing
/// sessions are dropped with the old key.
pub fn prepare_new_identity(state: &mut WorkerState, address: &Address) -> Result<(Tx, LocalIdentity, IdentityKeys)> {
    let mut record = account::load(&state.store, address)?.ok_or_else(|| Error::NoSuchAccount(address.to_string()))?;
    let local = keys::new_identity();
    let key = account_key(&state.store, address);
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let store = SignalStore::new(tx.clone(), key, &local)?;
    let replacement = fresh_keys(&store, &local, record.next_prekey_id, record.next_kyber_prekey_id)?;
    drop(store);
    let mut tx = Rc::try_unwrap(tx).map_err(|_| Error::Crypto("key store still borrowed".into()))?.into_inner();
    for (session, _) in state.store.raw().scan_prefix(Tree::Sessions, &key)? {
        tx.remove(Tree::Sessions, session);
    }
    record.next_prekey_id += keys::PREKEY_BATCH;
    record.next_kyber_prekey_id += keys::PREKEY_BATCH;
    record.registration_id = local.registration_id;
    account::save(&mut tx, &record)?;
    tx.put_json(Tree::LocalIdentity, key.to_vec(), &local)?;
    Ok((tx, local, replacement))
}

/// Commits a new identity the relay has accepted.
pub fn finish_new_identity(state: &mut WorkerState, mut tx: Tx, address: &Address) -> Result<()> {
    tx.commit()?;
    state.durable();
    state.forget_identity(address);
    Ok(())
}
