//! Relay-to-relay traffic: signed requests to peered relays (`outbound`), the routes that answer
//! them (`inbound`), and the signature scheme both share (`signature`).

pub mod inbound;
pub mod outbound;
pub mod signature;

pub use outbound::FederationClient;

/// The federation routes, so that no path is spelled twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FederationRoute {
    Deliver,
    Bundle,
    Directory,
}

impl FederationRoute {
    pub fn path(self) -> &'static str {
        match self {
            FederationRoute::Deliver => "/federation/v1/deliver",
            FederationRoute::Bundle => "/federation/v1/bundle",
            FederationRoute::Directory => "/federation/v1/directory",
        }
    }
}

/// The content type of federation bodies.
pub const PROTOBUF_CONTENT_TYPE: &str = "application/x-protobuf";
