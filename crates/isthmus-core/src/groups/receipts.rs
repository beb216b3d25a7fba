//! How far each of the user's group messages got with each member: members send delivered and
//! read receipts over their pairwise sessions; the message shows delivered once every member it
//! went to has it, and read once every one of them read it.
//!
//! Keys: `MemberReceipts[conversation_id ++ message_id]`, a list of (member, status).

use serde::{Deserialize, Serialize};

use crate::conversations;
use crate::events::Event;
use crate::ids::{ConversationId, MessageId};
use crate::message_changes;
use crate::model::{Direction, MessageStatus};
use crate::store::{SealedStore, Tree};
use crate::tx::Tx;
use crate::Result;

use super::records::Group;

/// One member's state of one of the user's group messages.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReceipt {
    /// `name@network`.
    pub member: String,
    /// `delivered` or `read`.
    pub status: MessageStatus,
}

fn key(conversation: &ConversationId, message: &MessageId) -> Vec<u8> {
    let mut key = conversation.0.to_vec();
    key.extend_from_slice(&message.0);
    key
}

pub fn load(store: &SealedStore, conversation: &ConversationId, message: &MessageId) -> Result<Vec<MemberReceipt>> {
    Ok(store.get_json(Tree::MemberReceipts, &key(conversation, message))?.unwrap_or_default())
}

/// `member` got (or read) the user's messages `ids` in `group`: recorded per member, and each
/// message's own status moves on once every other member is that far.
pub fn record(
    tx: &mut Tx,
    events: &mut Vec<Event>,
    group: &Group,
    member: &str,
    status: MessageStatus,
    ids: &[MessageId],
) -> Result<()> {
    let others: Vec<String> = group.others().iter().map(|m| m.account()).collect();
    for id in ids {
        let Some(mut message) = conversations::find(tx, &group.conversation, id)? else { continue };
        if message.direction != Direction::Outgoing {
            continue;
        }
        let key = key(&group.conversation, id);
        let mut receipts: Vec<MemberReceipt> = tx.get_json(Tree::MemberReceipts, &key)?.unwrap_or_default();
        match receipts.iter_mut().find(|r| r.member == member) {
            Some(existing) if existing.status == MessageStatus::Read => continue,
            Some(existing) => existing.status = status,
            None => receipts.push(MemberReceipt { member: member.to_owned(), status }),
        }
        tx.put_json(Tree::MemberReceipts, key, &receipts)?;
        let at_least = |wanted: MessageStatus| {
            others.iter().all(|other| {
                receipts.iter().any(|r| &r.member == other && (r.status == wanted || r.status == MessageStatus::Read))
            })
        };
        let everyone = if at_least(MessageStatus::Read) {
            Some(MessageStatus::Read)
        } else if at_least(MessageStatus::Delivered) {
            Some(MessageStatus::Delivered)
        } else {
            None
        };
        if let Some(everyone) = everyone {
            if conversations::advance_status(&mut message, everyone) {
                message_changes::save(tx, events, &message)?;
            }
        }
    }
    Ok(())
}
