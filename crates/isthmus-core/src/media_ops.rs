//! Attachment bookkeeping on the crypto worker: queue a message with an attachment, record
//! the finished upload in its outbox entry, and mark a download done.

use isthmus_proto::{wire, Address, Message as _};

use crate::account::account_key;
use crate::conversations;
use crate::events::Event;
use crate::ids::{ConversationId, MessageId};
use crate::media::records::{self, AttachmentRecord};
use crate::model::{Direction, Message, MessageStatus};
use crate::outbox::{self, OutboxEntry, OutboxKind};
use crate::store::Tree;
use crate::time::now_ms;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};

/// Stores a pending message carrying `record` and queues it; the sender uploads first.
pub fn queue_attachment(
    state: &mut WorkerState,
    account: &Address,
    peer: &Address,
    caption: String,
    record: AttachmentRecord,
) -> Result<Message> {
    let mut tx = Tx::new(state.store.clone());
    let mut conversation = conversations::load_or_create(&tx, account, peer)?;
    let (message, content) = store_attachment_message(&mut tx, &mut conversation, account, caption, &record)?;
    let id = message.id;
    let mut entry =
        OutboxEntry::new(peer, OutboxKind::Message { conversation: conversation.id, message_id: id }, content);
    entry.pending_upload = Some((conversation.id, id, 0));
    outbox::push(&mut tx, &account_key(&state.store, account), &entry)?;
    conversations::save(&mut tx, &conversation)?;
    tx.commit()?;
    state.durable();
    state.emit([Event::MessageAdded { message: message.clone() }, Event::ConversationChanged { conversation }]);
    Ok(message)
}

/// Stores a pending message carrying `record` in `conversation` and writes its content for the
/// wire (the pointer's media id is filled in once the upload is done): the same for a chat and a
/// group.
pub(crate) fn store_attachment_message(
    tx: &mut Tx,
    conversation: &mut crate::model::Conversation,
    account: &Address,
    caption: String,
    record: &AttachmentRecord,
) -> Result<(Message, wire::Content)> {
    let id = MessageId::random();
    let now = now_ms();
    let message = Message {
        id,
        conversation: conversation.id,
        seq: 0,
        direction: Direction::Outgoing,
        author: account.account(),
        body: caption.clone(),
        sent_at: now,
        stored_at: now,
        status: MessageStatus::Pending,
        failure: None,
        quote: None,
        reactions: Vec::new(),
        edited: false,
        deleted: false,
        attachments: vec![record.view()],
        notice: None,
    };
    let message = conversations::append(tx, conversation, message)?;
    records::save(tx, &conversation.id, &id, 0, record)?;
    let data = wire::DataMessage {
        message_id: id.0.to_vec(),
        sent_at: now,
        body: caption,
        attachments: vec![record.pointer()],
        ..Default::default()
    };
    let content = wire::Content { body: Some(wire::content::Body::Data(data)), ..Default::default() };
    Ok((message, content))
}

/// The upload is done: the pointer in the queued message gets its media id.
pub fn finish_upload(state: &mut WorkerState, entry_key: Vec<u8>, media_id: String) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let mut entry: OutboxEntry = tx.get_json(Tree::Outbox, &entry_key)?.ok_or(Error::NoSuchMessage)?;
    let Some((conversation, message, index)) = entry.pending_upload.take() else { return Ok(()) };
    let mut record = records::load(&tx, &conversation, &message, index)?.ok_or(Error::NoSuchMessage)?;
    record.id = media_id.clone();
    records::save(&mut tx, &conversation, &message, index, &record)?;
    let mut content = wire::Content::decode(entry.content.as_slice())
        .map_err(|_| Error::Protocol("undecodable outbox content".into()))?;
    if let Some(wire::content::Body::Data(data)) = content.body.as_mut() {
        if let Some(pointer) = data.attachments.get_mut(index as usize) {
            pointer.id = media_id;
        }
    }
    content.padding.clear();
    entry.content = outbox::encode_content(content);
    tx.put_json(Tree::Outbox, entry_key, &entry)?;
    tx.commit()?;
    state.durable();
    Ok(())
}

/// The encrypted file is in the profile now.
pub fn mark_downloaded(
    state: &mut WorkerState,
    conversation: ConversationId,
    message: MessageId,
    index: u32,
    local_file: String,
) -> Result<Message> {
    let mut tx = Tx::new(state.store.clone());
    let mut record = records::load(&tx, &conversation, &message, index)?.ok_or(Error::NoSuchMessage)?;
    record.local_file = Some(local_file);
    records::save(&mut tx, &conversation, &message, index, &record)?;
    let mut shown = conversations::find(&tx, &conversation, &message)?.ok_or(Error::NoSuchMessage)?;
    if let Some(view) = shown.attachments.get_mut(index as usize) {
        *view = record.view();
    }
    conversations::update(&mut tx, &shown)?;
    tx.commit()?;
    state.durable();
    state.emit([Event::MessageUpdated { message: shown.clone() }]);
    Ok(shown)
}
