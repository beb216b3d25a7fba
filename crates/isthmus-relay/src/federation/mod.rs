//! Relay-to-relay traffic: signed requests to peered relays (`outbound`, with deliveries batched
//! per peer in `batch`), the routes that answer them (`inbound`), and the signature scheme both
//! share (`signature`).

pub mod batch;
pub mod inbound;
pub mod media;
pub mod outbound;
pub mod signature;

pub use outbound::FederationClient;

/// The federation routes, so that no path is spelled twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FederationRoute {
    Deliver,
    Bundle,
    Directory,
    /// `GET`, with the medium's id in the path.
    Media,
}

impl FederationRoute {
    pub fn path(self) -> &'static str {
        match self {
            FederationRoute::Deliver => "/federation/v1/deliver",
            FederationRoute::Bundle => "/federation/v1/bundle",
            FederationRoute::Directory => "/federation/v1/directory",
            FederationRoute::Media => "/federation/v1/media/{id}",
        }
    }

    /// The route's name in metrics.
    pub fn label(self) -> &'static str {
        match self {
            FederationRoute::Deliver => "deliver",
            FederationRoute::Bundle => "bundle",
            FederationRoute::Directory => "directory",
            FederationRoute::Media => "media",
        }
    }

    /// The route whose template is `template` (what axum's `MatchedPath` holds).
    pub fn from_template(template: &str) -> Option<Self> {
        [Self::Deliver, Self::Bundle, Self::Directory, Self::Media].into_iter().find(|route| route.path() == template)
    }

    /// The path of one medium on the `Media` route.
    pub fn media_path(id: crate::media::MediaId) -> String {
        format!("/federation/v1/media/{id}")
    }
}

/// The content type of federation bodies.
pub const PROTOBUF_CONTENT_TYPE: &str = "application/x-protobuf";
