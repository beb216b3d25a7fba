//! `SendToMembers`: one group message sealed once, queued for each member it names, each copy
//! checked and answered as a `Send` of its own would be. The copies are delivered together, so
//! the local ones share the store's group commit and the remote ones travel to each peer in one
//! signed batch.

use isthmus_proto::{wire, Address};

use crate::delivery;
use crate::error_code::ApiError;
use crate::state::RelayState;

/// Checks what all copies share: a group message (a group id, not an add) and no more copies
/// than `max`. `Err` answers every copy alike.
pub fn check(envelope: Option<&wire::Envelope>, copies: usize, max: usize) -> Result<(), ApiError> {
    let envelope = envelope.ok_or_else(|| ApiError::bad_request("the send has no envelope"))?;
    if envelope.group_id.is_empty() || envelope.group_add || envelope.group_invitation {
        return Err(ApiError::bad_request("only group traffic goes to several members at once"));
    }
    if copies > max {
        return Err(ApiError::too_large(format!("at most {max} copies at once")));
    }
    Ok(())
}

/// Delivers each copy of `template` from `sender`; returns each copy's request id and outcome.
pub async fn deliver(
    state: &RelayState,
    sender: &Address,
    template: &wire::Envelope,
    copies: Vec<wire::send_to_members::Copy>,
) -> Vec<(u64, Result<u64, ApiError>)> {
    let deliveries = copies.into_iter().map(|copy| async move {
        let envelope = wire::Envelope { id: copy.envelope_id, destination: copy.destination, ..template.clone() };
        (copy.request_id, delivery::send_from_client(state, sender, envelope).await)
    });
    futures_util::future::join_all(deliveries).await
}
