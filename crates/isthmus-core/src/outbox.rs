//! The outbox: everything waiting to go out, durable across restarts.
//!
//! An entry starts as plaintext `Content`. It is encrypted when it is queued if a session
//! exists (or else just before its first send), and the envelope is stored in the entry,
//! atomically with the session change. A retry after a crash
//! or a dropped connection resends that very envelope (same id), so the receiver's duplicate
//! check sees a repeat, never a second copy.

use isthmus_proto::wire;
use isthmus_proto::Address;
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, GroupId, MessageId};
use crate::store::{SealedStore, Tree};
use crate::tx::{decode_json, Tx};
use crate::Result;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum OutboxKind {
    /// A message shown in the timeline; its status follows the send.
    Message { conversation: ConversationId, message_id: MessageId },
    /// A reaction, edit, delete or receipt: nothing in the timeline waits on it.
    Control,
    /// One member's copy of a group message (sealed once with the sender key for all of them,
    /// so a key change of the member does not unseal it): the message shows sent once one copy
    /// is, and failed only when every copy failed.
    /// A reaction, edit or delete in a group has no `message_id` to follow.
    GroupCopy { conversation: ConversationId, message_id: Option<MessageId> },
    /// The account's sender key for a group, or a group update, to one member over the pairwise
    /// session. If the member's relay refuses it (they have not accepted yet, or left), the
    /// member is taken off the group's key holders so that the key goes again next time.
    GroupControl { group: GroupId },
    /// A group message with an attachment, waiting for its upload: once the file is on the own
    /// relay, `groups::send::post` seals it and replaces this entry with the members' copies.
    /// Its `peer` is the account itself.
    GroupPost { group: GroupId, conversation: ConversationId, message_id: MessageId },
}

/// The group fields of an envelope sealed over a pairwise session (see envelope.proto).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct GroupTag {
    pub id: GroupId,
    /// This envelope adds the recipient to the group.
    pub add: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub peer: Address,
    pub kind: OutboxKind,
    /// The encoded `Content` to encrypt.
    #[serde(with = "crate::serde_bytes_b64")]
    pub content: Vec<u8>,
    /// The encoded `Envelope`, once encrypted.
    #[serde(default, with = "option_b64")]
    pub envelope: Option<Vec<u8>>,
    /// An attachment to upload before the message can be sealed: (conversation, message, index).
    #[serde(default)]
    pub pending_upload: Option<(ConversationId, MessageId, u32)>,
    /// Group traffic over the pairwise session: the group id (and add flag) the envelope carries.
    #[serde(default)]
    pub group: Option<GroupTag>,
}

impl OutboxEntry {
    /// An entry carrying `content` (padded and encoded here) to `peer`.
    pub fn new(peer: &Address, kind: OutboxKind, content: wire::Content) -> Self {
        Self {
            peer: peer.clone(),
            kind,
            content: encode_content(content),
            envelope: None,
            pending_upload: None,
            group: None,
        }
    }
}

/// Outbox keys: the account key, then a time-ordered sequence, so a prefix scan is FIFO.
pub fn entry_key(account: &[u8; 32], sequence: u64) -> Vec<u8> {
    let mut key = account.to_vec();
    key.extend_from_slice(&sequence.to_be_bytes());
    key
}

/// Adds an entry at the end of the account's outbox.
pub fn push(tx: &mut Tx, account: &[u8; 32], entry: &OutboxEntry) -> Result<Vec<u8>> {
    // Micro-seconds since the epoch keep FIFO order across restarts; ties are broken below.
    let mut sequence = crate::time::now_ms() * 1000;
    if let Some(key) = tx.store().last_key(Tree::Outbox, account)? {
        let tail: [u8; 8] = key[32..].try_into().unwrap_or([0; 8]);
        sequence = sequence.max(u64::from_be_bytes(tail) + 1);
    }
    // Entries staged in this same transaction are not visible to the scan above.
    while tx.get(Tree::Outbox, &entry_key(account, sequence))?.is_some() {
        sequence += 1;
    }
    let key = entry_key(account, sequence);
    tx.put_json(Tree::Outbox, key.clone(), entry)?;
    Ok(key)
}

/// The account's pending entries, oldest first.
pub fn pending(store: &SealedStore, account: &[u8; 32]) -> Result<Vec<(Vec<u8>, OutboxEntry)>> {
    store.scan_prefix(Tree::Outbox, account)?.into_iter().map(|(key, bytes)| Ok((key, decode_json(&bytes)?))).collect()
}

/// Drops the envelopes sealed for `peer` that have not gone out yet, so they are sealed again
/// with the session that replaces the one they were sealed with: after a key change, the old
/// session's ciphertexts could only reach a device the peer no longer has.
pub fn unseal_to(tx: &mut Tx, account: &[u8; 32], peer: &Address) -> Result<()> {
    for (key, mut entry) in pending(tx.store(), account)? {
        if &entry.peer == peer && !matches!(entry.kind, OutboxKind::GroupCopy { .. }) && entry.envelope.take().is_some()
        {
            tx.put_json(Tree::Outbox, key, &entry)?;
        }
    }
    Ok(())
}

/// Encodes `Content` with padding to a multiple of 64 bytes, so that relays cannot tell
/// message lengths apart finely.
pub fn encode_content(mut content: wire::Content) -> Vec<u8> {
    use isthmus_proto::Message as _;
    // The padding field's own tag and length bytes count too, so grow it until the total fits.
    content.padding.clear();
    while !content.encoded_len().is_multiple_of(64) {
        content.padding.push(0);
    }
    content.encode_to_vec()
}

mod option_b64 {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_some(&STANDARD.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => STANDARD.decode(text).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// Queues a receipt (delivered or read) for messages of `peer`.
pub fn queue_receipt(
    tx: &mut Tx,
    account: &[u8; 32],
    peer: &Address,
    kind: wire::receipt_message::Kind,
    ids: Vec<MessageId>,
) -> Result<()> {
    queue_receipt_in(tx, account, peer, None, kind, ids)
}

/// `queue_receipt` for messages of `peer` in `group` (or a one-to-one chat): a group's receipt
/// goes over the pairwise session, marked as the group's traffic.
pub fn queue_receipt_in(
    tx: &mut Tx,
    account: &[u8; 32],
    peer: &Address,
    group: Option<GroupId>,
    kind: wire::receipt_message::Kind,
    ids: Vec<MessageId>,
) -> Result<()> {
    let receipt = wire::ReceiptMessage { kind: kind as i32, message_ids: ids.iter().map(|id| id.0.to_vec()).collect() };
    let content = wire::Content {
        body: Some(wire::content::Body::Receipt(receipt)),
        group_id: group.map(|id| id.0.to_vec()).unwrap_or_default(),
        ..Default::default()
    };
    let mut entry = OutboxEntry::new(peer, OutboxKind::Control, content);
    entry.group = group.map(|id| GroupTag { id, add: false });
    push(tx, account, &entry)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use isthmus_proto::Message as _;

    #[test]
    fn content_is_padded_to_a_multiple_of_64_bytes() {
        for length in [0, 1, 50, 63, 64, 65, 500] {
            let data = wire::DataMessage { body: "x".repeat(length), ..Default::default() };
            let encoded =
                encode_content(wire::Content { body: Some(wire::content::Body::Data(data)), ..Default::default() });
            assert_eq!(encoded.len() % 64, 0, "a {length}-byte body must not reveal its length to the byte");
            let decoded = wire::Content::decode(encoded.as_slice()).expect("padding keeps it decodable");
            assert!(matches!(decoded.body, Some(wire::content::Body::Data(d)) if d.body.len() == length));
        }
    }

    #[test]
    fn entries_come_back_in_the_order_they_were_pushed() {
        let profile = crate::store::Profile::in_memory();
        let account = [7u8; 32];
        let mut tx = Tx::new(profile.store());
        let peer: Address = "bob@meadow.test".parse().expect("valid");
        for n in 0..5u8 {
            let entry = OutboxEntry {
                peer: peer.clone(),
                kind: OutboxKind::Control,
                content: vec![n],
                envelope: None,
                pending_upload: None,
                group: None,
            };
            push(&mut tx, &account, &entry).expect("push");
        }
        tx.commit().expect("commit");
        let contents: Vec<u8> =
            pending(&profile.store(), &account).expect("read").iter().map(|(_, e)| e.content[0]).collect();
        assert_eq!(contents, vec![0, 1, 2, 3, 4], "the outbox is first in, first out, even within one transaction");
        assert!(
            pending(&profile.store(), &[8u8; 32]).expect("read").is_empty(),
            "other accounts' outboxes are separate"
        );
    }

    #[test]
    fn a_key_change_unseals_what_waits_for_that_peer_and_nothing_else() {
        let profile = crate::store::Profile::in_memory();
        let account: Address = "me@meadow.test".parse().expect("valid");
        let account_key = crate::account::account_key(&profile.store(), &account);
        let (bob, carol): (Address, Address) =
            ("bob@meadow.test".parse().expect("valid"), "carol@meadow.test".parse().expect("valid"));
        let mut tx = Tx::new(profile.store());
        for (peer, sealed) in [(&bob, true), (&carol, true), (&bob, false)] {
            let mut entry = OutboxEntry::new(peer, OutboxKind::Control, wire::Content::default());
            entry.envelope = sealed.then(|| vec![1, 2, 3]);
            push(&mut tx, &account_key, &entry).expect("push");
        }
        tx.commit().expect("commit");

        let mut tx = Tx::new(profile.store());
        crate::consent::contacts::hold_for_key_change(&mut tx, &account, &bob).expect("held");
        tx.commit().expect("commit");
        let sealed: Vec<(String, bool)> = pending(&profile.store(), &account_key)
            .expect("read")
            .into_iter()
            .map(|(_, e)| (e.peer.account(), e.envelope.is_some()))
            .collect();
        assert_eq!(
            sealed,
            vec![
                ("bob@meadow.test".into(), false),
                ("carol@meadow.test".into(), true),
                ("bob@meadow.test".into(), false)
            ],
            "bob's sealed entry is sealed again with the new session; carol's keeps its envelope; order is kept"
        );
    }
}
