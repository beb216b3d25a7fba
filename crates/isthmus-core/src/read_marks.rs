//! Marking a conversation read: incoming messages become read, the unread count goes to zero,
//! and a read receipt goes back to the sender. Runs on the crypto worker.

use isthmus_proto::wire;

use crate::account::account_key;
use crate::conversations;
use crate::events::Event;
use crate::ids::ConversationId;
use crate::model::{Direction, MessageStatus};
use crate::outbox::queue_receipt;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};

pub fn mark_read(state: &mut WorkerState, conversation_id: ConversationId) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let mut conversation = conversations::load(&tx, &conversation_id)?.ok_or(Error::NoSuchConversation)?;
    if conversation.unread == 0 {
        return Ok(());
    }
    let mut events = Vec::new();
    let mut read_ids = Vec::new();
    // In a group, each author gets a receipt for their own messages (notices are nobody's).
    let mut by_author: std::collections::BTreeMap<String, Vec<crate::ids::MessageId>> = Default::default();
    let mut cursor = None;
    // Unread messages are the newest incoming ones: walk back until they are all found.
    'pages: loop {
        let page = conversations::messages(&state.store, &conversation_id, cursor, 200)?;
        for mut message in page.items {
            if message.direction != Direction::Incoming {
                continue;
            }
            if message.status == MessageStatus::Read {
                break 'pages;
            }
            message.status = MessageStatus::Read;
            read_ids.push(message.id);
            if message.notice.is_none() {
                by_author.entry(message.author.clone()).or_default().push(message.id);
            }
            conversations::update(&mut tx, &message)?;
            events.push(Event::MessageUpdated { message });
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    // `update` may have saved a refreshed preview: start from the staged record.
    if let Some(staged) = conversations::load(&tx, &conversation_id)? {
        conversation = staged;
    }
    conversation.unread = 0;
    conversations::save(&mut tx, &conversation)?;
    // A pending request gets no read receipt: the sender must not learn it was seen. Nor does
    // anyone while the user has turned read receipts off.
    // A Matrix chat's receipt goes through its client (`Engine::mark_read`).
    if !read_ids.is_empty()
        && !conversation.request
        && !conversation.is_matrix()
        && crate::engine_settings::privacy(&state.store)?.read_receipts
    {
        let account = account_key(&state.store, &conversation.account);
        let kind = wire::receipt_message::Kind::Read;
        match conversation.group {
            None => queue_receipt(&mut tx, &account, &conversation.peer, kind, read_ids)?,
            Some(group) => {
                for (author, ids) in by_author {
                    if let Ok(author) = author.parse::<isthmus_proto::Address>() {
                        crate::outbox::queue_receipt_in(&mut tx, &account, &author, Some(group), kind, ids)?;
                    }
                }
            }
        }
    }
    tx.commit()?;
    state.durable();
    events.push(Event::ConversationChanged { conversation });
    state.emit(events);
    Ok(())
}

/// Marks a conversation unread again, as a reminder: its unread count becomes at least one. No
/// receipt is taken back (a read receipt that left cannot be), and nothing is sent.
pub fn mark_unread(state: &mut WorkerState, conversation_id: ConversationId) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let mut conversation = conversations::load(&tx, &conversation_id)?.ok_or(Error::NoSuchConversation)?;
    if conversation.unread > 0 {
        return Ok(());
    }
    conversation.unread = 1;
    conversations::save(&mut tx, &conversation)?;
    tx.commit()?;
    state.durable();
    state.emit([Event::ConversationChanged { conversation }]);
    Ok(())
}
