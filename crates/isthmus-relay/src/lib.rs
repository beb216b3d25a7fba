//! An Isthmus network's relay: accounts, prekeys, per-device queues, and federation with the
//! relays of peered networks.
//!
//! The HTTP and WebSocket contract is docs/relay-api.md (machine-readable: docs/openapi.yaml).
//! Start one with [`start`]; end-to-end tests start several in one process on 127.0.0.1:0 and
//! peer them with [`RunningRelay::set_peers`].
#![deny(unsafe_code)]

mod admin;
mod bundle;
pub mod cli;
pub mod clock;
pub mod config;
pub mod consent;
pub mod coordination;
pub mod credentials;
mod delivery;
mod error;
pub mod error_code;
pub mod federation;
pub mod groups;
pub mod http;
pub mod hub;
pub mod key_shapes;
pub mod media;
pub mod metrics;
pub mod net;
pub mod openapi;
pub mod rate_limit;
pub mod registration;
pub mod relay_key;
mod server;
mod state;
pub mod store;
pub mod window_limit;
pub mod ws;

pub use config::{ConfigFile, Limits, Peer, PeerEntry, Rate, RelayConfig, DEFAULT_MAX_MEDIA_BYTES};
pub use error::{Error, Result};
pub use error_code::{ApiError, ErrorBody, ErrorCode};
pub use registration::RegistrationPolicy;
pub use server::{start, RunningRelay};
