//! What the relay enforces for an account's consent, beyond the interop setting: blocks, contacts,
//! message requests and their limits, and purging envelopes the account no longer accepts.
//!
//! A delivery to an account runs under that account's consent lock (`Coordination::lock_account`,
//! held on every node of the network), and so do blocking, accepting, deleting requests and
//! changing the interop setting. So a block cannot pass a delivery that checked just before it
//! and then queues behind the purge, on this node or another, and two first contacts cannot both
//! take the last request slot.

use std::collections::BTreeSet;

use isthmus_proto::{wire, Address, Message as _, NetworkName, UserName};

use crate::clock::now_ms;
use crate::coordination::Window;
use crate::error_code::ApiError;
use crate::state::RelayState;
use crate::store::{DeliveryFacts, DeviceKey, Standing};

/// The key first contacts are counted under: the sender's `name@network`, device left out.
pub fn sender_key(sender: &Address) -> String {
    sender.account()
}

/// Whether `asker` may look `target` up (its directory entry, its key bundle): not when `target`
/// blocked them, and, when `target` is discoverable by its contacts only, only for an address it
/// wrote to, accepted or exchanged messages with. A `false` answers exactly as a missing account.
pub async fn may_discover(state: &RelayState, target: &UserName, asker: &Address) -> Result<bool, ApiError> {
    if state.store.is_blocked(target, asker).await? {
        return Ok(false);
    }
    if asker.network == state.domain && &asker.name == target {
        return Ok(true);
    }
    if !state.store.contacts_only_discovery(target).await? {
        return Ok(true);
    }
    Ok(state.store.standing(target, asker).await? == Standing::Contact
        || state.store.is_correspondent(target, asker).await?)
}

/// Look-ups of accounts that turn out missing, counted per asker and distinct name: someone who
/// tries name after name is enumerating. Past `missing_lookups_per_hour` every look-up of theirs
/// is `rate_limited`, found or not, so the refusal itself tells nothing about who exists.
pub mod lookups {
    use std::future::Future;

    use isthmus_proto::Address;

    use crate::coordination::Window;
    use crate::error_code::{ApiError, ErrorCode};
    use crate::state::RelayState;

    /// Runs `asker`'s look-up of `target`: refused once the asker's allowance of missing names
    /// is spent, and counted against it when it answers "no such account".
    pub async fn counted<T>(
        state: &RelayState,
        asker: &Address,
        target: &Address,
        look_up: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let coordination = &state.coordination;
        let asker = asker.account();
        coordination.check(Window::MissingLookups, &asker).await?.map_err(ApiError::rate_limited)?;
        let outcome = look_up.await;
        if matches!(&outcome, Err(error) if error.code == ErrorCode::UnknownAccount) {
            let pair = format!("{asker} {}", target.account());
            if coordination.check(Window::MissingSeen, &pair).await?.is_ok() {
                coordination.record(Window::MissingSeen, &pair).await?;
                coordination.record(Window::MissingLookups, &asker).await?;
            }
        }
        outcome
    }
}

/// What a delivery to a local account is, once admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// From a contact or from oneself: nothing to count.
    Known,
    /// From a sender whose request is pending: counts against what that sender may queue for
    /// the account before it answers.
    Pending,
    /// A first contact: counts against the sender's hour and takes a request slot.
    FirstContact,
    /// A group add from someone not a contact: counts against the sender's hour like a first
    /// contact, but takes no request slot (`crate::groups`).
    GroupAdd,
}

/// The key a pending sender's envelopes are counted under: the recipient and the sender.
fn pending_key(recipient: &UserName, sender: &Address) -> String {
    format!("{recipient} {}", sender_key(sender))
}

/// Decides whether `sender` may deliver to `recipient` now, from the recipient's `facts` read
/// under its lock. A block answers exactly like a missing account.
pub async fn admit(
    state: &RelayState,
    recipient: &UserName,
    sender: &Address,
    facts: &DeliveryFacts,
) -> Result<Admission, ApiError> {
    if facts.blocked {
        return Err(ApiError::unknown_account());
    }
    if sender.network == state.domain && &sender.name == recipient {
        return Ok(Admission::Known);
    }
    match facts.standing {
        Standing::Contact => Ok(Admission::Known),
        // A stranger with one pending request could otherwise fill the account's whole queue,
        // and its real contacts would get `queue_full`.
        Standing::Requested => {
            let key = pending_key(recipient, sender);
            state.coordination.check(Window::PendingEnvelopes, &key).await?.map_err(ApiError::rate_limited)?;
            Ok(Admission::Pending)
        }
        Standing::Stranger => {
            let key = sender_key(sender);
            state.coordination.check(Window::FirstContacts, &key).await?.map_err(ApiError::first_contacts_exhausted)?;
            if state.store.request_count(recipient).await? >= state.limits.pending_requests_per_recipient {
                return Err(ApiError::recipient_busy());
            }
            Ok(Admission::FirstContact)
        }
    }
}

/// Counts an envelope queued by a sender whose request is pending.
pub async fn record_pending(state: &RelayState, recipient: &UserName, sender: &Address) -> Result<(), ApiError> {
    Ok(state.coordination.record(Window::PendingEnvelopes, &pending_key(recipient, sender)).await?)
}

/// Records an admitted first contact once its envelope is queued: a pending request, one event of
/// the sender's hour, and (for a sender on another network) that the two have corresponded, so
/// that the recipient's replies are not first contacts on the way back.
pub async fn record_first_contact(
    state: &RelayState,
    recipient: &UserName,
    sender: &Address,
    federated: bool,
) -> Result<(), ApiError> {
    record_first_contact_hour(state, sender).await?;
    record_pending(state, recipient, sender).await?;
    state.store.add_request(recipient, sender, now_ms()).await?;
    if federated {
        state.store.add_correspondent(recipient, sender).await?;
    }
    Ok(())
}

/// Counts one event of the sender's hour of first contacts.
pub async fn record_first_contact_hour(state: &RelayState, sender: &Address) -> Result<(), ApiError> {
    Ok(state.coordination.record(Window::FirstContacts, &sender_key(sender)).await?)
}

fn source_of(envelope: &[u8]) -> Option<Address> {
    let envelope = wire::Envelope::decode(envelope).ok()?;
    Address::try_from(envelope.source.as_ref()?).ok()
}

/// Deletes from `account`'s queue what `blocked` sent. Call under the account's lock.
pub async fn purge_sender(state: &RelayState, account: &Address, blocked: &Address) -> Result<usize, ApiError> {
    let device = DeviceKey::new(account.name.clone(), account.device);
    let blocked = blocked.account();
    let doomed = move |bytes: &[u8]| source_of(bytes).is_some_and(|source| source.account() == blocked);
    Ok(state.store.purge(&device, &doomed).await?)
}

/// Deletes from `account`'s queue what came from other networks no longer in `allowed`: it was
/// accepted under consent that has since been withdrawn. Call under the account's lock.
pub async fn purge_revoked(
    state: &RelayState,
    account: &Address,
    allowed: &BTreeSet<NetworkName>,
) -> Result<usize, ApiError> {
    let device = DeviceKey::new(account.name.clone(), account.device);
    let home = state.domain.clone();
    let allowed = allowed.clone();
    let doomed = move |bytes: &[u8]| {
        source_of(bytes).is_some_and(|source| source.network != home && !allowed.contains(&source.network))
    };
    Ok(state.store.purge(&device, &doomed).await?)
}
