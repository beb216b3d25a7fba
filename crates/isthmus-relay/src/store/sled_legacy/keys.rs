//! The layout of every sled key and queue value the old relay wrote, both ways: built by the
//! test-only writer ([`super::SledStore`]) and read by the export, in one place. The layouts
//! themselves are documented on [`super::Tree`].

#[cfg(feature = "testing")]
use isthmus_proto::NetworkName;
use isthmus_proto::{Address, UserName};

use super::Tree;
#[cfg(feature = "testing")]
use crate::store::{DeviceKey, ReportRecord};
use crate::store::{Result, StoreError};

fn corrupt(tree: Tree) -> StoreError {
    StoreError::Corrupt { what: tree.name() }
}

#[cfg(feature = "testing")]
pub(super) fn name_key(name: &UserName) -> Vec<u8> {
    name.as_str().as_bytes().to_vec()
}

/// `name 0x00`: the prefix of an account's prekeys.
#[cfg(feature = "testing")]
pub(super) fn prekey_prefix(name: &UserName) -> Vec<u8> {
    let mut key = name_key(name);
    key.push(0);
    key
}

#[cfg(feature = "testing")]
pub(super) fn prekey_key(name: &UserName, id: u32) -> Vec<u8> {
    let mut key = prekey_prefix(name);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

#[cfg(feature = "testing")]
pub(super) fn queue_key(device: &DeviceKey, seq: u64) -> Vec<u8> {
    let mut key = device.to_bytes();
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

#[cfg(feature = "testing")]
pub(super) fn queue_id_key(device: &DeviceKey, id: &[u8]) -> Vec<u8> {
    let mut key = device.to_bytes();
    key.extend_from_slice(id);
    key
}

#[cfg(feature = "testing")]
pub(super) fn nonce_key(origin: &NetworkName, nonce: &str) -> Vec<u8> {
    let mut key = origin.as_str().as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(nonce.as_bytes());
    key
}

/// `owner 0x00 name@network`: one member of an account's block, contact, request or
/// correspondent set. The device is left out: these are about people.
#[cfg(feature = "testing")]
pub(super) fn member_key(owner: &UserName, address: &Address) -> Vec<u8> {
    let mut key = prekey_prefix(owner);
    key.extend_from_slice(address.account().as_bytes());
    key
}

/// Received time, then a counter that grows across restarts, so that two reports within one
/// millisecond still list in the order they arrived.
#[cfg(feature = "testing")]
pub(super) fn report_key(report: &ReportRecord, seq: u64) -> Vec<u8> {
    let mut key = report.received_at_ms.to_be_bytes().to_vec();
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

#[cfg(feature = "testing")]
pub(super) fn queue_value(id: &[u8], envelope: &[u8]) -> Result<Vec<u8>> {
    let id_len = u8::try_from(id.len()).map_err(|_| StoreError::Backend("envelope id over 255 bytes".into()))?;
    let mut value = Vec::with_capacity(1 + id.len() + envelope.len());
    value.push(id_len);
    value.extend_from_slice(id);
    value.extend_from_slice(envelope);
    Ok(value)
}

/// Splits `owner 0x00 rest` (names never hold a 0x00).
pub(super) fn split_owner(tree: Tree, key: &[u8]) -> Result<(UserName, Vec<u8>)> {
    let at = key.iter().position(|&byte| byte == 0).ok_or_else(|| corrupt(tree))?;
    let owner =
        std::str::from_utf8(&key[..at]).ok().and_then(|raw| UserName::parse(raw).ok()).ok_or_else(|| corrupt(tree))?;
    Ok((owner, key[at + 1..].to_vec()))
}

pub(super) fn id_of(tree: Tree, bytes: &[u8]) -> Result<u32> {
    let array: [u8; 4] = bytes.try_into().map_err(|_| corrupt(tree))?;
    Ok(u32::from_be_bytes(array))
}

pub(super) fn address_of(tree: Tree, bytes: &[u8]) -> Result<Address> {
    std::str::from_utf8(bytes).ok().and_then(|raw| raw.parse::<Address>().ok()).ok_or_else(|| corrupt(tree))
}

pub(super) fn split_queue_value(value: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let corrupt = || StoreError::Corrupt { what: Tree::Queue.name() };
    let (&id_len, rest) = value.split_first().ok_or_else(corrupt)?;
    let id_len = usize::from(id_len);
    if rest.len() < id_len {
        return Err(corrupt());
    }
    Ok((rest[..id_len].to_vec(), rest[id_len..].to_vec()))
}
