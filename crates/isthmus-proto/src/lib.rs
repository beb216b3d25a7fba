//! The Isthmus wire protocol.
//!
//! `wire` holds the prost types generated from `proto/isthmus/v1` at build time; they stay
//! inside this crate's namespace and are converted at the edge into the domain types defined
//! here (`Address`, ...), which validate what the raw types cannot.
#![deny(unsafe_code)]

mod address;
pub mod api;
mod error;

pub use address::{Address, NetworkName, UserName, ADDRESS_PATTERN, DEFAULT_DEVICE, NAME_PATTERN, NETWORK_PATTERN};
pub use error::{Error, Result};

/// The protocol version these types implement; relays report it on `/healthz`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Generated prost types for `isthmus.v1`.
#[allow(clippy::all, missing_docs)]
pub mod wire {
    include!(concat!(env!("OUT_DIR"), "/isthmus.v1.rs"));
}

pub use prost::Message;
