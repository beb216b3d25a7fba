//! The inbox and timelines.

use isthmus_core::{Conversation, ConversationId, Error, Message, Page};
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn conversations(state: State<'_, AppState>) -> CommandResult<Vec<Conversation>> {
    Ok(state.engine().await?.conversations(None)?)
}

#[tauri::command]
pub async fn conversation(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
) -> CommandResult<Option<Conversation>> {
    Ok(state.engine().await?.conversation(&conversation_id)?)
}

/// The stored conversation, or a new empty one (not stored until the first message) when
/// the user may write to `peer`; otherwise the reason they may not.
#[tauri::command]
pub async fn start_conversation(
    state: State<'_, AppState>,
    account: String,
    peer: String,
) -> CommandResult<Conversation> {
    let engine = state.engine().await?;
    let (account, peer) = (parse::address(&account)?, parse::address(&peer)?);
    if account.account() == peer.account() {
        return Err(Error::Protocol("that is this account itself".into()).into());
    }
    let id = engine.conversation_id(&account, &peer);
    if let Some(existing) = engine.conversation(&id)? {
        return Ok(existing);
    }
    let info = engine
        .accounts()?
        .into_iter()
        .find(|info| info.address == account.to_string())
        .ok_or_else(|| Error::NoSuchAccount(account.to_string()))?;
    let contact = engine.contact(&account, &peer)?;
    if contact.blocked {
        return Err(Error::Blocked(peer.to_string()).into());
    }
    if peer.network != account.network {
        if !info.interop.contains(&peer.network.to_string()) {
            return Err(Error::InteropOff(peer.network.to_string()).into());
        }
        if !contact.first_contact_confirmed {
            return Err(Error::FirstContactRequired(peer.to_string()).into());
        }
    }
    let now = isthmus_core::time::now_ms();
    Ok(Conversation {
        id,
        account,
        peer,
        created_at: now,
        last_activity: now,
        last_preview: String::new(),
        last_status: None,
        unread: 0,
        next_seq: 1,
        request: false,
        read_only: false,
    })
}

#[tauri::command]
pub async fn messages(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    before: Option<u64>,
    limit: usize,
) -> CommandResult<Page<Message>> {
    Ok(state.engine().await?.messages(&conversation_id, before, limit)?)
}

/// Read receipts go out only if the privacy settings allow it and the chat is no request;
/// the engine decides.
#[tauri::command]
pub async fn mark_read(state: State<'_, AppState>, conversation_id: ConversationId) -> CommandResult<()> {
    Ok(state.engine().await?.mark_read(conversation_id).await?)
}
