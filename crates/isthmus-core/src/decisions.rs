//! Consent decisions, applied on the crypto worker: each changes state and appends to the
//! ledger in one atomic write. The engine talks to the relay before calling these, so the
//! relay never enforces less than the client shows.

use isthmus_proto::api::{self, ReportReason, ReportRequest, ReportedMessage};
use isthmus_proto::{wire, Address, NetworkName};

use crate::account::{self, account_key};
use crate::consent::{contacts, ledger, unsent_reports, Decision};
use crate::conversations;
use crate::events::Event;
use crate::ids::{ConversationId, MessageId};
use crate::model::{Conversation, Direction, MessageStatus};
use crate::outbox;
use crate::outbox::queue_receipt;
use crate::store::Tree;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};

fn commit(state: &mut WorkerState, mut tx: Tx, mut events: Vec<Event>, entry: ledger::LedgerEntry) -> Result<()> {
    tx.commit()?;
    state.durable();
    events.push(Event::ConsentRecorded { entry });
    state.emit(events);
    Ok(())
}

/// Records interop turned on or off for `network`, after the relay accepted the change.
pub fn record_interop(
    state: &mut WorkerState,
    address: &Address,
    network: &NetworkName,
    enabled: bool,
    disclosure_version: Option<&str>,
) -> Result<account::AccountRecord> {
    let mut record = account::load(&state.store, address)?.ok_or_else(|| Error::NoSuchAccount(address.to_string()))?;
    record.interop.retain(|n| n != network);
    if enabled {
        record.interop.push(network.clone());
        record.interop.sort();
    }
    let mut tx = Tx::new(state.store.clone());
    account::save(&mut tx, &record)?;
    let decision = if enabled { Decision::InteropEnabled } else { Decision::InteropDisabled };
    let entry = ledger::append(&mut tx, &address.account(), network.as_str(), decision, disclosure_version)?;
    commit(state, tx, Vec::new(), entry)?;
    Ok(record)
}

fn request(tx: &Tx, id: &ConversationId) -> Result<Conversation> {
    conversations::load(tx, id)?.ok_or(Error::NoSuchConversation)
}

/// Accepts a message request: it becomes a normal chat, and the receipts that were held back
/// (delivered, and read for what the user already read) go out now.
pub fn accept_request(state: &mut WorkerState, id: ConversationId) -> Result<Conversation> {
    let mut tx = Tx::new(state.store.clone());
    let mut conversation = request(&tx, &id)?;
    conversation.request = false;
    conversations::save(&mut tx, &conversation)?;
    let incoming: Vec<_> = conversations::messages(&state.store, &id, None, 1000)?
        .items
        .into_iter()
        .filter(|m| m.direction == Direction::Incoming && !m.deleted)
        .collect();
    let key = account_key(&state.store, &conversation.account);
    let delivered: Vec<MessageId> = incoming.iter().map(|m| m.id).collect();
    let read: Vec<MessageId> = incoming.iter().filter(|m| m.status == MessageStatus::Read).map(|m| m.id).collect();
    for (kind, ids) in [(wire::receipt_message::Kind::Delivered, delivered), (wire::receipt_message::Kind::Read, read)]
    {
        // A Matrix chat has no Signal receipts; its client answers for itself once joined.
        if !ids.is_empty() && !conversation.is_matrix() {
            queue_receipt(&mut tx, &key, &conversation.peer, kind, ids)?;
        }
    }
    let entry = ledger::append(
        &mut tx,
        &conversation.account.account(),
        &conversation.peer.account(),
        Decision::RequestAccepted,
        None,
    )?;
    commit(state, tx, vec![Event::ConversationChanged { conversation: conversation.clone() }], entry)?;
    Ok(conversation)
}

/// Deletes a request and everything in it; a later message opens a new request.
pub fn delete_request(state: &mut WorkerState, id: ConversationId) -> Result<Conversation> {
    let mut tx = Tx::new(state.store.clone());
    let conversation = request(&tx, &id)?;
    conversations::remove(&mut tx, &id)?;
    let entry = ledger::append(
        &mut tx,
        &conversation.account.account(),
        &conversation.peer.account(),
        Decision::RequestDeleted,
        None,
    )?;
    commit(state, tx, vec![Event::ConversationRemoved { conversation: id }], entry)?;
    Ok(conversation)
}

/// Blocks `peer` for `account`: nothing of theirs is shown from now on. A pending request from
/// them is removed; an accepted chat stays, read-only while blocked. Queued sends to them are dropped.
pub fn block(state: &mut WorkerState, address: &Address, peer: &Address) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    contacts::update(&mut tx, address, peer, |c| c.blocked = true)?;
    crate::consent::unopened::forget(&mut tx, address, peer)?;
    let id = conversations::conversation_id(&state.store, address, peer);
    let mut events = Vec::new();
    let mut decision = Decision::Blocked;
    if let Some(conversation) = conversations::load(&tx, &id)? {
        if conversation.request {
            conversations::remove(&mut tx, &id)?;
            events.push(Event::ConversationRemoved { conversation: id });
            decision = Decision::RequestBlocked;
        }
    }
    for (key, entry) in outbox::pending(&state.store, &account_key(&state.store, address))? {
        if &entry.peer == peer {
            tx.remove(Tree::Outbox, key);
        }
    }
    let entry = ledger::append(&mut tx, &address.account(), &peer.account(), decision, None)?;
    commit(state, tx, events, entry)
}

pub fn unblock(state: &mut WorkerState, address: &Address, peer: &Address) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    contacts::update(&mut tx, address, peer, |c| c.blocked = false)?;
    let entry = ledger::append(&mut tx, &address.account(), &peer.account(), Decision::Unblocked, None)?;
    commit(state, tx, Vec::new(), entry)
}

/// Builds a report with the messages the user chose, cut to what every relay accepts: the newest
/// [`api::MAX_REPORT_MESSAGES`] of the other person's, each body at most
/// [`api::MAX_REPORT_MESSAGE_CHARS`] (with a mark where it was cut), the note likewise. Nothing
/// is recorded: the ledger hears of the report once the relay took it ([`record_report`]).
pub fn build_report(
    state: &WorkerState,
    id: ConversationId,
    reported: Option<&Address>,
    message_ids: Vec<MessageId>,
    reason: ReportReason,
    note: &str,
) -> Result<(Conversation, ReportRequest)> {
    let tx = Tx::new(state.store.clone());
    let conversation = conversations::load(&tx, &id)?.ok_or(Error::NoSuchConversation)?;
    // The chat's other person, or in a group the member named.
    let reported = reported.unwrap_or(&conversation.peer).account();
    let mut chosen = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for message_id in message_ids.into_iter().filter(|id| seen.insert(*id)) {
        let message = conversations::find(&tx, &id, &message_id)?.ok_or(Error::NoSuchMessage)?;
        // Only what the reported person wrote can be reported.
        if message.direction == Direction::Incoming && message.author == reported && message.notice.is_none() {
            chosen.push(message);
        }
    }
    chosen.sort_by_key(|message| std::cmp::Reverse(message.sent_at));
    chosen.truncate(api::MAX_REPORT_MESSAGES);
    chosen.reverse();
    let messages = chosen
        .into_iter()
        .map(|message| ReportedMessage {
            id: message.id.to_string(),
            // The sender chose this time; one past what a report may carry must not sink it.
            sent_at: message.sent_at.min(api::integers::MAX_TIMESTAMP_MS),
            body: api::cut_report_body(&message.body, api::MAX_REPORT_MESSAGE_CHARS),
        })
        .collect();
    let report = ReportRequest {
        address: reported,
        reason,
        note: api::cut_report_body(note, api::MAX_REPORT_NOTE_CHARS),
        messages,
    };
    Ok((conversation, report))
}

/// Records that the relay took a report about `peer`.
pub fn record_report(state: &mut WorkerState, address: &Address, peer: &Address) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let entry = ledger::append(&mut tx, &address.account(), &peer.account(), Decision::RequestReported, None)?;
    commit(state, tx, Vec::new(), entry)
}

/// Keeps a report the relay could not take now, to be sent after the next connection
/// (`report_retry`): after "and block" its messages are gone, so it could not be built again.
pub fn keep_unsent_report(state: &mut WorkerState, address: &Address, report: ReportRequest) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    unsent_reports::keep(&mut tx, address, report, crate::time::now_ms())?;
    tx.commit()?;
    state.durable();
    Ok(())
}

/// A kept report leaves the queue, recorded in the ledger if the relay took it (`taken`), in the same
/// commit that forgets it, so it is never reported twice by the client nor recorded without
/// having been sent.
pub(crate) fn settle_kept_report(
    state: &mut WorkerState,
    address: &Address,
    kept: &unsent_reports::Kept,
    taken: bool,
) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    unsent_reports::forget(&mut tx, address, kept)?;
    if !taken {
        tx.commit()?;
        state.durable();
        return Ok(());
    }
    let entry = ledger::append(&mut tx, &address.account(), &kept.report.address, Decision::RequestReported, None)?;
    commit(state, tx, Vec::new(), entry)
}

/// The user confirmed writing to `peer` on another network: the chat exists from now on.
pub fn confirm_first_contact(state: &mut WorkerState, address: &Address, peer: &Address) -> Result<Conversation> {
    let mut tx = Tx::new(state.store.clone());
    contacts::update(&mut tx, address, peer, |c| c.first_contact_confirmed = true)?;
    let mut conversation = conversations::load_or_create(&tx, address, peer)?;
    conversation.request = false;
    conversations::save(&mut tx, &conversation)?;
    let entry = ledger::append(&mut tx, &address.account(), &peer.account(), Decision::FirstContactConfirmed, None)?;
    commit(state, tx, vec![Event::ConversationChanged { conversation: conversation.clone() }], entry)?;
    Ok(conversation)
}

pub fn acknowledge_key_change(state: &mut WorkerState, address: &Address, peer: &Address) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    contacts::update(&mut tx, address, peer, |c| c.key_change_held = false)?;
    let entry = ledger::append(&mut tx, &address.account(), &peer.account(), Decision::KeyChangeAcknowledged, None)?;
    commit(state, tx, Vec::new(), entry)
}

pub fn set_verified(state: &mut WorkerState, address: &Address, peer: &Address, verified: bool) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    contacts::update(&mut tx, address, peer, |c| c.verified = verified)?;
    let decision = if verified { Decision::Verified } else { Decision::Unverified };
    let entry = ledger::append(&mut tx, &address.account(), &peer.account(), decision, None)?;
    commit(state, tx, Vec::new(), entry)
}
