//! What the relay's answer to one member's copy means for the group (called from
//! `send::complete`, on the crypto worker).

use isthmus_proto::Address;

use crate::conversations;
use crate::events::Event;
use crate::ids::{ConversationId, GroupId, MessageId};
use crate::message_changes;
use crate::model::MessageStatus;
use crate::outbox::{self, OutboxKind};
use crate::tx::Tx;
use crate::Result;

/// One member's copy of a group message went out (`sent`) or was refused for good. The message
/// shows sent once a copy is; failed once none is left and none went (a member whose relay
/// refuses, because they have not accepted or left, must not fail the message for the rest).
pub fn copy_done(
    tx: &mut Tx,
    events: &mut Vec<Event>,
    key: &[u8],
    conversation: ConversationId,
    message_id: MessageId,
    sent: bool,
) -> Result<()> {
    let Some(mut message) = conversations::find(tx, &conversation, &message_id)? else { return Ok(()) };
    if sent {
        if conversations::advance_status(&mut message, MessageStatus::Sent) {
            message_changes::save(tx, events, &message)?;
        }
        return Ok(());
    }
    if message.status != MessageStatus::Pending {
        return Ok(());
    }
    let account_key: [u8; 32] = key[..32].try_into().unwrap_or([0; 32]);
    let others_waiting = outbox::pending(tx.store(), &account_key)?.into_iter().any(|(other, entry)| {
        other != key && matches!(entry.kind, OutboxKind::GroupCopy { message_id: Some(id), .. } if id == message_id)
    });
    if !others_waiting {
        message.status = MessageStatus::Failed;
        message.failure = Some("unknown_account".into());
        message_changes::save(tx, events, &message)?;
    }
    Ok(())
}

/// A member's relay refused the account's sender key or a group update: they have not accepted
/// the group (or left it). They are no longer counted as holding the key, so it goes to them
/// again before the next message once they are in.
pub fn control_refused(tx: &mut Tx, key: &[u8], group: &GroupId, member: &Address) -> Result<()> {
    let account_key: [u8; 32] = key[..32].try_into().unwrap_or([0; 32]);
    let Some(mut record) = super::records::load_by_key(tx, &account_key, group)? else { return Ok(()) };
    let member = member.account();
    let before = record.key_holders.len();
    record.key_holders.retain(|holder| holder != &member);
    if record.key_holders.len() != before {
        super::records::save(tx, &record)?;
    }
    Ok(())
}
