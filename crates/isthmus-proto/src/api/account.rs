//! The small bodies of the account routes and of `/healthz`.

use serde::{Deserialize, Serialize};

/// `GET`/`PUT /v1/account/interop`: the other networks the account has said yes to. Nobody on a
/// network missing from the list can reach or find the account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interop {
    /// At most 64 (the relay's default limit).
    #[cfg_attr(feature = "openapi", schema(max_items = 64))]
    pub networks: Vec<crate::NetworkName>,
}

/// `200` to `GET /v1/account/blocks`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocks {
    /// `name@network` of every blocked address.
    pub addresses: Vec<String>,
}

/// `200` to `GET /v1/networks`: this network and the ones it is peered with, the only ones
/// interop can be offered for (a message to any other could never be carried).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Networks {
    pub network: String,
    pub peers: Vec<String>,
}

/// `200` to `GET /healthz`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok`: a relay that cannot serve does not answer.
    pub status: String,
    pub network: String,
    /// The wire protocol version (`isthmus_proto::PROTOCOL_VERSION`).
    pub protocol: u32,
    /// Additions to the protocol this relay takes, for clients to use when present:
    /// `send_to_members` (a `SendToMembers` frame).
    #[serde(default)]
    pub features: Vec<String>,
}

/// `Health::features`: the relay takes `SendToMembers` frames.
pub const FEATURE_SEND_TO_MEMBERS: &str = "send_to_members";
