//! The send rule (`may_send`) for Matrix chats: the same rule, with Matrix's facts. A Matrix chat
//! is always "another network"; it is allowed while the user has Matrix on for the account;
//! Matrix has no key-change hold of Isthmus's kind (its device verification is shown, not
//! enforced) and no first-contact step (opening a direct chat is the user's explicit act).

use isthmus_proto::Address;

use crate::may_send::{refusal, ChatState, SendState};
use crate::model::Conversation;
use crate::store::SealedStore;

use super::accounts::MatrixAccount;

pub fn send_state(
    store: &SealedStore,
    account: Option<&MatrixAccount>,
    peer: &Address,
    address: &Address,
    chat: ChatState,
) -> SendState {
    let contact = crate::consent::contacts::load_committed(store, address, peer).unwrap_or_default();
    SendState {
        cross_network: true,
        network_allowed: account.is_some_and(|a| a.enabled),
        blocked: contact.blocked,
        key_change_held: false,
        chat,
        first_contact_confirmed: true,
    }
}

/// Fills in `read_only` and `send_refusal` of a Matrix chat (see `conversations::fill_in`).
pub fn fill_in(store: &SealedStore, conversation: &mut Conversation, accounts: &[MatrixAccount]) {
    let account = accounts.iter().find(|a| a.address().is_ok_and(|a| a == conversation.account));
    let chat = if conversation.request { ChatState::Request } else { ChatState::Open };
    let state = send_state(store, account, &conversation.peer, &conversation.account, chat);
    conversation.read_only = !state.network_allowed;
    conversation.send_refusal = refusal(&state);
}

/// Why the user may not write now, as the error a send answers (the one mapping of
/// `may_send::refusal_error`, with Matrix as the network).
pub fn refusal_error(state: &SendState, network: &str, peer: &Address) -> Option<crate::Error> {
    refusal(state).map(|code| crate::may_send::refusal_error(code, network, peer))
}
