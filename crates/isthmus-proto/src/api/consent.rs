//! `/v1/account/requests`: the message requests a relay holds for an account, so that the
//! client and its relay never disagree about whose first contacts take up its slots.

use serde::{Deserialize, Serialize};

/// How long a request nobody answered holds its slot by default: 30 days.
pub const DEFAULT_REQUEST_TTL_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// One pending request: its sender and when its first message arrived.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    /// `name@network` of the sender.
    pub address: String,
    /// When the relay stored the first contact, ms since the epoch.
    pub since_ms: u64,
}

/// `200` to `GET /v1/account/requests`, oldest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequests {
    pub requests: Vec<PendingRequest>,
}
