//! Conversations and their timelines in the sealed store.
//!
//! Keys: a conversation is `Conversations[conv_id]`; its messages are
//! `Messages[conv_id ++ seq_be]` so a prefix scan walks the timeline in order, and
//! `MessageIndex[conv_id ++ message_id] = seq` finds a message named by a reply, reaction,
//! edit, delete or receipt. `conv_id` is a keyed hash: no key names a person.

use crate::may_send::{ChatState, SendState};
use isthmus_proto::Address;

use crate::ids::{ConversationId, MessageId};
use crate::model::{Conversation, Direction, Message, MessageStatus, Page};
use crate::store::{SealedStore, Tree};
use crate::time::now_ms;
use crate::tx::{decode_json, Tx};
use crate::Result;

pub fn conversation_id(store: &SealedStore, account: &Address, peer: &Address) -> ConversationId {
    let label = format!("{}\n{}", account.account(), peer.account());
    ConversationId(store.name_key("conversation", label.as_bytes()))
}

pub(crate) fn message_key(conversation: &ConversationId, seq: u64) -> Vec<u8> {
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

/// Whether `account` has a chat (or a request) with `peer`.
pub fn exists_with(tx: &Tx, account: &Address, peer: &Address) -> Result<bool> {
    Ok(load(tx, &conversation_id(tx.store(), account, peer))?.is_some())
}

pub fn load_or_create(tx: &Tx, account: &Address, peer: &Address) -> Result<Conversation> {
    Ok(load_or_new(tx, account, peer)?.0)
}

/// The chat of `account` with `peer`, and whether it existed (`false`: a new one, not saved yet).
pub fn load_or_new(tx: &Tx, account: &Address, peer: &Address) -> Result<(Conversation, bool)> {
    let id = conversation_id(tx.store(), account, peer);
    if let Some(existing) = load(tx, &id)? {
        return Ok((existing, true));
    }
    Ok((blank(id, account, peer), false))
}

/// A chat with nothing in it yet, created now (not saved).
pub fn blank(id: ConversationId, account: &Address, peer: &Address) -> Conversation {
    let now = now_ms();
    Conversation {
        id,
        account: account.clone(),
        peer: peer.clone(),
        created_at: now,
        last_activity: now,
        last_preview: String::new(),
        last_status: None,
        unread: 0,
        next_seq: 1,
        request: false,
        read_only: false,
        send_refusal: None,
        group: None,
        title: None,
        matrix: None,
    }
}

pub fn save(tx: &mut Tx, conversation: &Conversation) -> Result<()> {
    tx.put_json(Tree::Conversations, conversation.id.0.to_vec(), conversation)
}

/// Removes a conversation with its whole timeline (a deleted or blocked request).
pub fn remove(tx: &mut Tx, id: &ConversationId) -> Result<()> {
    crate::search::index::unindex_conversation(tx, id)?;
    for (key, _) in tx.store().raw().scan_prefix(Tree::Messages, &id.0)? {
        tx.remove(Tree::Messages, key);
    }
    for (key, _) in tx.store().raw().scan_prefix(Tree::MessageIndex, &id.0)? {
        tx.remove(Tree::MessageIndex, key);
    }
    tx.remove(Tree::Conversations, id.0.to_vec());
    crate::drafts::remove(tx, id);
    Ok(())
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
    conversation.last_status = own_status(&message);
    crate::search::pending::mark(tx, &conversation.id, message.seq);
    tx.put_json(Tree::Messages, message_key(&conversation.id, message.seq), &message)?;
    tx.put(Tree::MessageIndex, index_key(&conversation.id, &message.id), message.seq.to_be_bytes().to_vec());
    save(tx, conversation)?;
    Ok(message)
}

/// The inbox shows delivery marks for the user's own messages only: an incoming message that
/// was read would otherwise show the "read" ticks meant for the other person reading yours.
fn own_status(message: &Message) -> Option<MessageStatus> {
    (message.direction == Direction::Outgoing).then_some(message.status)
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

/// The message at `seq` in a conversation's timeline.
pub fn at(store: &SealedStore, conversation: &ConversationId, seq: u64) -> Result<Option<Message>> {
    Ok(store.get_json(Tree::Messages, &message_key(conversation, seq))?)
}

/// A page of the timeline, oldest first, starting after `after` (a `seq`): what follows a
/// message that "jump to message" opened the chat at.
pub fn messages_after(
    store: &SealedStore,
    conversation: &ConversationId,
    after: u64,
    limit: usize,
) -> Result<Page<Message>> {
    let cursor = message_key(conversation, after);
    let rows = store.scan_page(Tree::Messages, &conversation.0, Some(&cursor), limit, false)?;
    let items = rows.into_iter().map(|(_, bytes)| decode_json::<Message>(&bytes)).collect::<Result<Vec<_>>>()?;
    let next_cursor = if items.len() == limit { items.last().map(|m| m.seq) } else { None };
    Ok(Page { items, next_cursor })
}

/// Writes a changed message back, and refreshes the inbox preview if it is the newest one.
pub fn update(tx: &mut Tx, message: &Message) -> Result<Option<Conversation>> {
    crate::search::pending::mark(tx, &message.conversation, message.seq);
    tx.put_json(Tree::Messages, message_key(&message.conversation, message.seq), message)?;
    let Some(mut conversation) = load(tx, &message.conversation)? else {
        return Ok(None);
    };
    if message.seq + 1 == conversation.next_seq {
        conversation.last_preview = preview(message);
        conversation.last_status = own_status(message);
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
    let accounts = crate::account::load_all(store)?;
    for conversation in &mut conversations {
        fill_in(store, conversation, &accounts);
    }
    conversations.sort_by_key(|c| std::cmp::Reverse(c.last_activity));
    Ok(conversations)
}

/// Fills in what a conversation does not store but every answer about it carries: whether it
/// is read-only, and why it may not send (from the contact's record in `store`).
pub fn fill_in(store: &SealedStore, conversation: &mut Conversation, accounts: &[crate::account::AccountRecord]) {
    if conversation.is_matrix() {
        // A profile has few Matrix accounts: reading them here keeps one signature for all chats.
        let matrix = crate::matrix_link::accounts::load_all(store).unwrap_or_default();
        crate::matrix_link::rules::fill_in(store, conversation, &matrix);
        return;
    }
    if let Some(group) = &conversation.group {
        let refusal = crate::groups::reach::refusal_code(store, &conversation.account, group, accounts);
        conversation.read_only = refusal.is_some();
        conversation.send_refusal = refusal;
        return;
    }
    conversation.read_only = is_read_only(conversation, accounts);
    // An unreadable contact record leaves the rule to what the chat itself says; sending checks
    // the record again and fails with its error.
    let contact =
        crate::consent::contacts::load_committed(store, &conversation.account, &conversation.peer).unwrap_or_default();
    let chat = if conversation.request { ChatState::Request } else { ChatState::Open };
    let state = SendState::of(&contact, conversation.is_cross_network(), !conversation.read_only, chat);
    conversation.send_refusal = crate::may_send::refusal(&state);
}

/// `fill_in` for one conversation, reading the accounts it needs.
pub fn filled(store: &SealedStore, mut conversation: Conversation) -> Result<Conversation> {
    fill_in(store, &mut conversation, &crate::account::load_all(store)?);
    Ok(conversation)
}

/// Whether the account has withdrawn consent for the conversation's network.
pub fn is_read_only(conversation: &Conversation, accounts: &[crate::account::AccountRecord]) -> bool {
    conversation.is_cross_network()
        && accounts
            .iter()
            .find(|a| a.address == conversation.account)
            .is_some_and(|a| !a.interop.contains(&conversation.peer.network))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(status: MessageStatus) -> Message {
        Message {
            direction: Direction::Outgoing,
            status,
            ..Message::received("alice@meadow.test".into(), "hi".into(), 0)
        }
    }

    #[test]
    fn status_only_moves_forward() {
        let mut m = message(MessageStatus::Pending);
        assert!(advance_status(&mut m, MessageStatus::Sent));
        assert!(advance_status(&mut m, MessageStatus::Read), "a read receipt may come before the delivered one");
        assert!(!advance_status(&mut m, MessageStatus::Delivered), "a late delivered receipt must not undo read");
        assert_eq!(m.status, MessageStatus::Read);
        let mut failed = message(MessageStatus::Failed);
        assert!(!advance_status(&mut failed, MessageStatus::Sent), "a failed message stays failed");
    }

    #[test]
    fn timelines_page_newest_first_and_lookups_find_messages() {
        let profile = crate::store::Profile::in_memory();
        let store = profile.store();
        let account: Address = "alice@meadow.test".parse().expect("valid");
        let peer: Address = "bob@harbor.test".parse().expect("valid");
        let mut tx = Tx::new(store.clone());
        let mut conversation = load_or_create(&tx, &account, &peer).expect("new");
        let mut ids = Vec::new();
        for n in 0..25 {
            let mut m = message(MessageStatus::Sent);
            m.body = format!("m{n}");
            ids.push(append(&mut tx, &mut conversation, m).expect("append").id);
        }
        tx.commit().expect("commit");

        let first = messages(&store, &conversation.id, None, 10).expect("page");
        assert_eq!(first.items[0].body, "m24", "newest first");
        assert_eq!(first.items.len(), 10);
        let second = messages(&store, &conversation.id, first.next_cursor, 10).expect("page");
        assert_eq!(second.items[0].body, "m14", "the cursor continues where the last page ended");
        let last = messages(&store, &conversation.id, Some(6), 10).expect("page");
        assert_eq!(last.items.len(), 5);
        assert_eq!(last.next_cursor, None, "no cursor after the oldest message");

        let tx = Tx::new(store.clone());
        assert_eq!(find(&tx, &conversation.id, &ids[3]).expect("find").map(|m| m.body), Some("m3".into()));
        let listed = list(&store, Some(&account)).expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].last_preview, "m24");
        assert!(list(&store, Some(&peer)).expect("list").is_empty(), "conversations belong to their account");
    }

    #[test]
    fn the_inbox_shows_delivery_marks_for_the_users_own_messages_only() {
        let profile = crate::store::Profile::in_memory();
        let account: Address = "alice@meadow.test".parse().expect("valid");
        let peer: Address = "bob@harbor.test".parse().expect("valid");
        let mut tx = Tx::new(profile.store());
        let mut conversation = load_or_create(&tx, &account, &peer).expect("new");
        append(&mut tx, &mut conversation, message(MessageStatus::Sent)).expect("append");
        assert_eq!(conversation.last_status, Some(MessageStatus::Sent));

        let mut incoming = message(MessageStatus::Received);
        incoming.direction = Direction::Incoming;
        let mut incoming = append(&mut tx, &mut conversation, incoming).expect("append");
        assert_eq!(conversation.last_status, None, "an incoming message has no delivery mark");
        incoming.status = MessageStatus::Read;
        let changed = update(&mut tx, &incoming).expect("update").expect("the newest message changed");
        assert_eq!(changed.last_status, None, "reading it does not give it the ticks of a message the peer read");
    }
}
