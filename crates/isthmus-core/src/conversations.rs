//! Conversations and their timelines in the sealed store.
//!
//! Keys: a conversation is `Conversations[conv_id]`; its messages are
//! `Messages[conv_id ++ seq_be]` so a prefix scan walks the timeline in order, and
//! `MessageIndex[conv_id ++ message_id] = seq` finds a message named by a reply, reaction,
//! edit, delete or receipt. `conv_id` is a keyed hash: no key names a person.

use isthmus_proto::Address;

use crate::ids::{ConversationId, MessageId};
use crate::model::{Conversation, Message, MessageStatus, Page};
use crate::store::{SealedStore, Tree};
use crate::time::now_ms;
use crate::tx::{decode_json, Tx};
use crate::Result;

pub fn conversation_id(store: &SealedStore, account: &Address, peer: &Address) -> ConversationId {
    let label = format!("{}\n{}", account.account(), peer.account());
    ConversationId(store.name_key("conversation", label.as_bytes()))
}

fn message_key(conversation: &ConversationId, seq: u64) -> Vec<u8> {
    let mut key = conversation.0.to_vec();
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

fn index_key(conversation: &ConversationId, id: &MessageId) -> Vec<u8> {
    let mut key = conversation.0.to_vec();
    key.extend_from_slice(&id.0);
    key
}

pub fn load(tx: &Tx, id: &ConversationId) -> Result<Option<Conversation>> {
    tx.get_json(Tree::Conversations, &id.0)
}

pub fn load_or_create(tx: &Tx, account: &Address, peer: &Address) -> Result<Conversation> {
    let id = conversation_id(tx.store(), account, peer);
    if let Some(existing) = load(tx, &id)? {
        return Ok(existing);
    }
    let now = now_ms();
    Ok(Conversation {
        id,
        account: account.clone(),
        peer: peer.clone(),
        created_at: now,
        last_activity: now,
        last_preview: String::new(),
        last_status: None,
        unread: 0,
        next_seq: 1,
    })
}

pub fn save(tx: &mut Tx, conversation: &Conversation) -> Result<()> {
    tx.put_json(Tree::Conversations, conversation.id.0.to_vec(), conversation)
}

/// What the inbox shows for a message.
pub fn preview(message: &Message) -> String {
    if message.deleted {
        return "Message deleted".to_owned();
    }
    if message.body.is_empty() && !message.attachments.is_empty() {
        return format!("Attachment: {}", message.attachments[0].file_name);
    }
    message.body.chars().take(120).collect()
}

/// Adds a new message at the end of the timeline; fills in `seq` and updates the conversation.
pub fn append(tx: &mut Tx, conversation: &mut Conversation, mut message: Message) -> Result<Message> {
    message.seq = conversation.next_seq;
    message.conversation = conversation.id;
    conversation.next_seq += 1;
    conversation.last_activity = message.stored_at.max(conversation.last_activity);
    conversation.last_preview = preview(&message);
    conversation.last_status = Some(message.status);
    tx.put_json(Tree::Messages, message_key(&conversation.id, message.seq), &message)?;
    tx.put(Tree::MessageIndex, index_key(&conversation.id, &message.id), message.seq.to_be_bytes().to_vec());
    save(tx, conversation)?;
    Ok(message)
}

pub fn find(tx: &Tx, conversation: &ConversationId, id: &MessageId) -> Result<Option<Message>> {
    let Some(seq) = tx.get(Tree::MessageIndex, &index_key(conversation, id))? else {
        return Ok(None);
    };
    let seq = u64::from_be_bytes(
        seq.as_slice().try_into().map_err(|_| crate::store::Error::Corrupt("message index entry".into()))?,
    );
    tx.get_json(Tree::Messages, &message_key(conversation, seq))
}

/// Writes a changed message back, and refreshes the inbox preview if it is the newest one.
pub fn update(tx: &mut Tx, message: &Message) -> Result<Option<Conversation>> {
    tx.put_json(Tree::Messages, message_key(&message.conversation, message.seq), message)?;
    let Some(mut conversation) = load(tx, &message.conversation)? else {
        return Ok(None);
    };
    if message.seq + 1 == conversation.next_seq {
        conversation.last_preview = preview(message);
        conversation.last_status = Some(message.status);
        save(tx, &conversation)?;
        return Ok(Some(conversation));
    }
    Ok(None)
}

/// Moves an outgoing message forward (pending -> sent -> delivered -> read), never back.
pub fn advance_status(message: &mut Message, status: MessageStatus) -> bool {
    let rank = |s: MessageStatus| match s {
        MessageStatus::Pending => 0,
        MessageStatus::Sent => 1,
        MessageStatus::Delivered => 2,
        MessageStatus::Read => 3,
        MessageStatus::Failed | MessageStatus::Received => u8::MAX,
    };
    if rank(message.status) == u8::MAX || rank(status) <= rank(message.status) {
        return false;
    }
    message.status = status;
    true
}

/// All conversations, most recent first; optionally only one account's.
pub fn list(store: &SealedStore, account: Option<&Address>) -> Result<Vec<Conversation>> {
    let mut conversations = store
        .scan_prefix(Tree::Conversations, &[])?
        .into_iter()
        .map(|(_, bytes)| decode_json::<Conversation>(&bytes))
        .filter(|c| match (c, account) {
            (Ok(c), Some(account)) => &c.account == account,
            _ => true,
        })
        .collect::<Result<Vec<_>>>()?;
    conversations.sort_by(|a, b| b.last_activity.cmp(&a.last_activity));
    Ok(conversations)
}

/// A page of the timeline, newest first, starting before `before` (a `seq`) if given.
pub fn messages(
    store: &SealedStore,
    conversation: &ConversationId,
    before: Option<u64>,
    limit: usize,
) -> Result<Page<Message>> {
    let cursor = before.map(|seq| message_key(conversation, seq));
    let rows = store.scan_page(Tree::Messages, &conversation.0, cursor.as_deref(), limit, true)?;
    let items = rows.into_iter().map(|(_, bytes)| decode_json::<Message>(&bytes)).collect::<Result<Vec<_>>>()?;
    let next_cursor = if items.len() == limit { items.last().map(|m| m.seq) } else { None };
    Ok(Page { items, next_cursor })
}
