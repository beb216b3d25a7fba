//! Content from a peer, converted once and checked on the way in. Everything after this works
//! on these types: a malformed id is refused here, an attachment pointer that could not be
//! opened or checked is dropped here, and nothing further down reads the wire types.

use isthmus_proto::wire;

use crate::ids::MessageId;
use crate::media::records::AttachmentRecord;
use crate::message_changes::Change;
use crate::model::{MessageStatus, Quote};
use crate::{Error, Result};

/// What a peer's content asks for.
#[derive(Debug)]
pub enum Incoming {
    Message(IncomingMessage),
    /// A reaction, edit or delete of an earlier message (applied only if it is the author's
    /// own, for edits and deletes).
    Change {
        target: MessageId,
        change: Change,
    },
    /// The peer got or read these of the user's messages.
    Receipt {
        status: MessageStatus,
        ids: Vec<MessageId>,
    },
    Typing {
        started: bool,
    },
    /// Nothing the client acts on (an empty body, a receipt of a kind it does not know).
    Nothing,
}

#[derive(Debug)]
pub struct IncomingMessage {
    pub id: MessageId,
    pub body: String,
    /// The sender's clock; `None` when it sent none (the relay's time is used then).
    pub sent_at: Option<u64>,
    pub quote: Option<Quote>,
    /// Each attachment with its position in the message as sent: positions of dropped
    /// pointers stay unused, so a position names the same attachment on both sides.
    pub attachments: Vec<(u32, AttachmentRecord)>,
}

fn message_id(raw: &[u8]) -> Result<MessageId> {
    MessageId::from_slice(raw).ok_or_else(|| Error::Protocol("bad message id".into()))
}

impl TryFrom<wire::Content> for Incoming {
    type Error = Error;

    fn try_from(content: wire::Content) -> Result<Self> {
        Ok(match content.body {
            Some(wire::content::Body::Data(data)) => Incoming::try_from(data)?,
            Some(wire::content::Body::Receipt(receipt)) => Incoming::from(receipt),
            Some(wire::content::Body::Typing(typing)) => {
                Incoming::Typing { started: typing.action == wire::typing_message::Action::Started as i32 }
            }
            // Group updates are applied before this (`groups::receive`); one elsewhere means nothing.
            Some(wire::content::Body::GroupUpdate(_)) | None => Incoming::Nothing,
        })
    }
}

impl From<wire::ReceiptMessage> for Incoming {
    fn from(receipt: wire::ReceiptMessage) -> Self {
        let status = match wire::receipt_message::Kind::try_from(receipt.kind) {
            Ok(wire::receipt_message::Kind::Delivered) => MessageStatus::Delivered,
            Ok(wire::receipt_message::Kind::Read) => MessageStatus::Read,
            _ => return Incoming::Nothing,
        };
        // An id that is not one names no message: skipped, the others still count.
        let ids = receipt.message_ids.iter().filter_map(|raw| MessageId::from_slice(raw)).collect();
        Incoming::Receipt { status, ids }
    }
}

impl TryFrom<wire::DataMessage> for Incoming {
    type Error = Error;

    fn try_from(data: wire::DataMessage) -> Result<Self> {
        if let Some(reaction) = data.reaction {
            let change = Change::React { emoji: reaction.emoji, remove: reaction.remove };
            return Ok(Incoming::Change { target: message_id(&reaction.target_message_id)?, change });
        }
        if let Some(edit) = data.edit {
            let change = Change::Edit { body: edit.body };
            return Ok(Incoming::Change { target: message_id(&edit.target_message_id)?, change });
        }
        if let Some(delete) = data.delete {
            return Ok(Incoming::Change { target: message_id(&delete.target_message_id)?, change: Change::Delete });
        }
        let id = message_id(&data.message_id)?;
        let quote = data.quote.and_then(|q| {
            MessageId::from_slice(&q.message_id).map(|message_id| Quote { message_id, author: q.author, text: q.text })
        });
        let attachments = data
            .attachments
            .into_iter()
            .enumerate()
            .filter_map(|(index, pointer)| Some((u32::try_from(index).ok()?, attachment(pointer)?)))
            .collect();
        Ok(Incoming::Message(IncomingMessage {
            id,
            body: data.body,
            sent_at: (data.sent_at != 0).then_some(data.sent_at),
            quote,
            attachments,
        }))
    }
}

/// A pointer as kept, or `None` when it cannot be opened or checked: it is dropped, not stored
/// half-usable. Its id and network go into a URL later, so they must have exactly their shape.
fn attachment(pointer: wire::AttachmentPointer) -> Option<AttachmentRecord> {
    if pointer.key.len() != 32
        || pointer.digest.len() != 32
        || !isthmus_proto::api::is_media_id(&pointer.id)
        || isthmus_proto::NetworkName::parse(&pointer.origin_network).is_err()
    {
        return None;
    }
    let (width, height) = crate::media::images::stated_size(pointer.width, pointer.height);
    let thumbnail =
        if crate::media::images::check_thumbnail(&pointer.thumbnail) { pointer.thumbnail } else { Vec::new() };
    Some(AttachmentRecord {
        origin_network: pointer.origin_network,
        id: pointer.id,
        key: pointer.key,
        digest: pointer.digest,
        size: pointer.size,
        content_type: pointer.content_type,
        file_name: crate::media::names::sanitize(&pointer.file_name),
        width,
        height,
        thumbnail,
        local_file: None,
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(data: wire::DataMessage) -> wire::Content {
        wire::Content { body: Some(wire::content::Body::Data(data)), ..Default::default() }
    }

    #[test]
    fn a_change_goes_out_and_comes_back_as_the_same_change() {
        let target = MessageId::random();
        for change in
            [Change::React { emoji: "👍".into(), remove: false }, Change::Edit { body: "fixed".into() }, Change::Delete]
        {
            let back = Incoming::try_from(data(change.to_wire(&target, "ada@meadow.example"))).expect("valid");
            match back {
                Incoming::Change { target: got, change: came } => {
                    assert_eq!(got, target);
                    assert_eq!(came, change);
                }
                other => panic!("a change came back as {other:?}"),
            }
        }
    }

    #[test]
    fn a_malformed_message_id_is_refused_at_the_edge() {
        let bad = wire::DataMessage { message_id: vec![1, 2, 3], body: "hi".into(), ..Default::default() };
        assert!(matches!(Incoming::try_from(data(bad)), Err(Error::Protocol(_))));
        let bad_edit = wire::DataMessage {
            edit: Some(wire::Edit { target_message_id: vec![9], body: "x".into() }),
            ..Default::default()
        };
        assert!(Incoming::try_from(data(bad_edit)).is_err(), "an edit of no message id is refused too");
    }

    #[test]
    fn unusable_pointers_are_dropped_and_the_others_keep_their_position() {
        let good = wire::AttachmentPointer {
            origin_network: "harbor.example".into(),
            id: "a".repeat(32),
            key: vec![1; 32],
            digest: vec![2; 32],
            size: 10,
            ..Default::default()
        };
        let short_key = wire::AttachmentPointer { key: vec![1; 5], ..good.clone() };
        let message = wire::DataMessage {
            message_id: MessageId::random().0.to_vec(),
            attachments: vec![short_key, good],
            ..Default::default()
        };
        let Incoming::Message(message) = Incoming::try_from(data(message)).expect("valid") else { panic!("a message") };
        assert_eq!(message.attachments.len(), 1, "the pointer with a short key is dropped");
        assert_eq!(message.attachments[0].0, 1, "the kept one is still the second attachment");
        assert_eq!(message.sent_at, None, "no sender clock: the relay's time is used");
    }

    #[test]
    fn a_receipt_of_an_unknown_kind_asks_for_nothing() {
        let receipt = wire::ReceiptMessage { kind: 99, message_ids: vec![MessageId::random().0.to_vec()] };
        let content = wire::Content { body: Some(wire::content::Body::Receipt(receipt)), ..Default::default() };
        assert!(matches!(Incoming::try_from(content), Ok(Incoming::Nothing)));
    }
}
