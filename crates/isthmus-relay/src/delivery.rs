//! Putting envelopes into queues: from this relay's own clients (local or through federation) and
//! from peered relays.

use isthmus_proto::{wire, Address, Message as _, NetworkName};

use crate::clock::now_ms;
use crate::consent::{self, Admission};
use crate::coordination::Window;
use crate::error_code::ApiError;
use crate::federation::outbound;
use crate::groups::{self, GroupPart};
use crate::state::RelayState;
use crate::store::{DeviceKey, QueueEntry};

/// Envelope ids are 16 random bytes (envelope.proto).
pub const ENVELOPE_ID_LEN: usize = 16;

/// Checks what the relay relies on in an envelope and returns its destination.
pub fn check_envelope(state: &RelayState, envelope: &wire::Envelope) -> Result<Address, ApiError> {
    if envelope.id.len() != ENVELOPE_ID_LEN {
        return Err(ApiError::bad_request("the envelope id must be 16 bytes"));
    }
    if envelope.ciphertext.len() > state.limits.max_ciphertext_bytes {
        return Err(ApiError::too_large(format!("the ciphertext is over {} bytes", state.limits.max_ciphertext_bytes)));
    }
    GroupPart::of(envelope)?;
    let destination =
        envelope.destination.as_ref().ok_or_else(|| ApiError::bad_request("the envelope has no destination"))?;
    Address::try_from(destination).map_err(|_| ApiError::bad_request("the destination is not a valid address"))
}

/// Sends an envelope from one of this relay's clients. The relay stamps the source (from the
/// credentials, never from the client) and the time, then queues it locally or hands it to the
/// destination's relay. Returns the server timestamp once the envelope is durably queued.
pub async fn send_from_client(
    state: &RelayState,
    sender: &Address,
    mut envelope: wire::Envelope,
) -> Result<u64, ApiError> {
    let destination = check_envelope(state, &envelope)?;
    let timestamp = now_ms();
    envelope.source = Some(sender.into());
    envelope.server_timestamp = timestamp;
    if destination.network == state.domain {
        // Same network: always allowed; the interop setting is only about other networks. The
        // recipient's blocks, requests and the sender's first contacts are checked there.
        deliver_local(state, &destination, &envelope, None).await?;
    } else {
        deliver_remote(state, sender, &destination, envelope).await?;
    }
    Ok(timestamp)
}

/// Hands an envelope to a peered relay, counting it against the sender's first contacts on the
/// sending side unless the two have corresponded before (either way), or it is group traffic
/// (members of one group write to each other without being contacts; adds count). The
/// recipient's relay counts again per sender, and decides blocks, request slots and groups.
async fn deliver_remote(
    state: &RelayState,
    sender: &Address,
    destination: &Address,
    envelope: wire::Envelope,
) -> Result<(), ApiError> {
    let group_traffic = GroupPart::of(&envelope)?.is_traffic();
    let first = !group_traffic && !state.store.is_correspondent(&sender.name, destination).await?;
    if first {
        let key = consent::sender_key(sender);
        state.coordination.check(Window::FirstContacts, &key).await?.map_err(ApiError::first_contacts_exhausted)?;
    }
    outbound::deliver(state, destination, envelope).await?;
    if first && state.store.add_correspondent(&sender.name, destination).await? {
        state.coordination.record(Window::FirstContacts, &consent::sender_key(sender)).await?;
    }
    Ok(())
}

/// Queues an envelope for an account on this relay, durably, and wakes the account's socket.
/// `origin` is the sending network when the envelope came through federation: the account must
/// have allowed it, and an account that has not answers exactly like one that does not exist; so
/// does an account that blocked the sender. A first contact must fit the sender's hourly
/// allowance (`rate_limited`) and the recipient's request slots (`recipient_busy`); contacts and
/// pending requests are not counted again. Group traffic reaches members of the group only, and an
/// add becomes an invitation when the recipient's setting does not let the sender add it: this
/// relay sets `group_invitation`, whatever the envelope came with (`crate::groups`).
///
/// The checks and the write happen under the recipient's consent lock, and the write is
/// committed before the lock is released: a block or purge that takes the lock next sees the
/// envelope. Deliveries to other accounts commit alongside (the store's group commit). The
/// recipient's socket is woken wherever it is connected: on this node, or on another node of
/// the network. On a network of one node the envelope is handed to the socket with the wake-up,
/// so a socket that has pushed its queue need not read it back.
pub async fn deliver_local(
    state: &RelayState,
    destination: &Address,
    envelope: &wire::Envelope,
    origin: Option<&NetworkName>,
) -> Result<(), ApiError> {
    let sender = envelope
        .source
        .as_ref()
        .and_then(|raw| Address::try_from(raw).ok())
        .ok_or_else(|| ApiError::bad_request("the envelope has no valid source"))?;
    let device = DeviceKey::new(destination.name.clone(), destination.device);
    let single_node = state.coordination.single_node();
    {
        let _consent = state.coordination.lock_account(&destination.name).await?;
        let facts = state
            .store
            .delivery_facts(&destination.name, &sender)
            .await?
            .filter(|facts| facts.device == destination.device)
            .ok_or_else(ApiError::unknown_account)?;
        if let Some(origin) = origin {
            if !state.store.interop(&destination.name).await?.contains(origin) {
                return Err(ApiError::unknown_account());
            }
        }
        // Only the relay that queues says what an add is: whatever came in is cleared. Copied
        // only when a flag changes (most envelopes are queued as they came).
        let mut envelope = std::borrow::Cow::Borrowed(envelope);
        if envelope.group_invitation {
            envelope.to_mut().group_invitation = false;
        }
        let admission = match GroupPart::of(&envelope)? {
            GroupPart::None => consent::admit(state, &destination.name, &sender, &facts).await?,
            GroupPart::Traffic(group_id) => groups::admit_traffic(state, &destination.name, &facts, &group_id).await?,
            GroupPart::Add(group_id) => {
                let add = groups::admit_add(state, &destination.name, &sender, &facts, &group_id).await?;
                if add.invitation {
                    envelope.to_mut().group_invitation = true;
                }
                add.admission
            }
        };
        // The durable write: what the flush-latency histogram measures.
        let writing = std::time::Instant::now();
        let encoded = envelope.encode_to_vec();
        let seq = state.store.enqueue(&device, &envelope.id, &encoded, state.limits.max_queue_len).await?;
        state.metrics.store_flush(writing.elapsed());
        if single_node {
            // Still under the lock, so the socket gets the device's envelopes in queue order.
            state.hub.hand(&device, QueueEntry { seq, id: envelope.id.clone(), envelope: encoded });
        }
        match admission {
            Admission::FirstContact => {
                consent::record_first_contact(state, &destination.name, &sender, origin.is_some()).await?;
            }
            Admission::Pending => consent::record_pending(state, &destination.name, &sender).await?,
            Admission::GroupAdd => consent::record_first_contact_hour(state, &sender).await?,
            Admission::Known => {}
        }
    }
    if !single_node {
        state.wake(&device).await;
    }
    Ok(())
}
