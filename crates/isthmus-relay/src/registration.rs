//! Who may register on this network, and the invitations that let someone in.
//!
//! `open` lets anyone register (rate-limited per client address, IPv6 per /64), and so answers
//! anyone whether a name is taken: on an open network the names of its accounts are not secret.
//! `invite` asks for a single-use token an operator issued (`isthmus-relay invite create`) and
//! checks it before anything else, so that without one every name answers alike: a name that is
//! taken, hidden or free cannot be told apart. `closed` registers nobody.

use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error_code::ApiError;
use crate::state::RelayState;
use crate::store::{RelayStore, StoreError};

/// A network's registration policy (`registration` in the configuration file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationPolicy {
    #[default]
    Open,
    Invite,
    Closed,
}

/// Prefix of every invitation token, so that one is recognisable where it is pasted.
const TOKEN_PREFIX: &str = "isthmus-invite-";

/// A new invitation token: 128 random bits.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// What the store keeps of a token: its SHA-256, so that a copy of the database lets nobody in.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Issues an invitation valid until `expires_at_ms`: stores its hash, returns the token, which
/// exists nowhere else from then on.
pub async fn issue(store: &dyn RelayStore, expires_at_ms: u64) -> Result<String, StoreError> {
    let token = new_token();
    store.add_invite(&token_hash(&token), expires_at_ms).await?;
    Ok(token)
}

/// The refusal for a registration without a valid invitation: the same whatever the name.
fn needs_invitation() -> ApiError {
    ApiError::forbidden("registration on this network needs a valid invitation")
}

/// An invitation used for one registration: given back if the registration does not happen.
pub struct UsedInvite {
    hash: String,
    expires_at_ms: u64,
}

/// Checks the policy before anything about the name is looked at. On `invite` the token is used
/// up here (so two registrations cannot share it); [`give_back`] returns it when the
/// registration then fails (a name that is taken, say).
pub async fn admit(state: &RelayState, invite: Option<&str>, now_ms: u64) -> Result<Option<UsedInvite>, ApiError> {
    match state.registration {
        RegistrationPolicy::Open => Ok(None),
        RegistrationPolicy::Closed => Err(needs_invitation()),
        RegistrationPolicy::Invite => {
            let Some(token) = invite.filter(|token| !token.trim().is_empty()) else { return Err(needs_invitation()) };
            let hash = token_hash(token);
            match state.store.take_invite(&hash, now_ms).await? {
                Some(expires_at_ms) => Ok(Some(UsedInvite { hash, expires_at_ms })),
                None => Err(needs_invitation()),
            }
        }
    }
}

/// Returns an invitation whose registration failed, so that it can be used again.
pub async fn give_back(state: &RelayState, used: Option<UsedInvite>) {
    if let Some(used) = used {
        if let Err(error) = state.store.add_invite(&used.hash, used.expires_at_ms).await {
            tracing::error!(%error, "could not give back an invitation after a failed registration");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 32);
        assert_eq!(token_hash(&a), token_hash(&format!(" {a}\n")), "pasting with spaces still works");
        assert!(!token_hash(&a).contains(&a[TOKEN_PREFIX.len()..]), "the hash does not contain the token");
    }
}
