//! The closed set of error codes a relay answers with, and the `{code, message}` body that
//! carries them, over HTTP and inside WebSocket frames.

use serde::{Deserialize, Serialize};

/// Every code a relay answers with (docs/relay-api.md, "Errors"). Clients switch on these, never
/// on the message, which is for humans and never holds user data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    InvalidName,
    Unauthorized,
    Forbidden,
    UnknownAccount,
    NetworkNotPeered,
    NameTaken,
    TooLarge,
    RateLimited,
    /// A sender's first contacts (messages to people who have not accepted them) for the hour
    /// are spent. Apart from `rate_limited`, because retrying soon cannot help: the client
    /// should tell the user rather than try again in the background.
    FirstContactLimit,
    QueueFull,
    RecipientBusy,
    /// No such medium, or one that expired. Apart from `unknown_account`, which is about accounts.
    NotFound,
    /// The account's stored media would exceed its quota. Apart from `too_large`, because the
    /// upload itself may be fine: it fits once older media expires.
    QuotaExceeded,
    PeerUnavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::BadRequest,
        ErrorCode::InvalidName,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::UnknownAccount,
        ErrorCode::NetworkNotPeered,
        ErrorCode::NameTaken,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::FirstContactLimit,
        ErrorCode::QueueFull,
        ErrorCode::RecipientBusy,
        ErrorCode::NotFound,
        ErrorCode::QuotaExceeded,
        ErrorCode::PeerUnavailable,
        ErrorCode::Internal,
    ];

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::UnknownAccount => "unknown_account",
            ErrorCode::NetworkNotPeered => "network_not_peered",
            ErrorCode::NameTaken => "name_taken",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::FirstContactLimit => "first_contact_limit",
            ErrorCode::QueueFull => "queue_full",
            ErrorCode::RecipientBusy => "recipient_busy",
            ErrorCode::NotFound => "not_found",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::PeerUnavailable => "peer_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// Reads a code from the wire; a code this build does not know (a newer relay's) is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == raw)
    }

    /// The HTTP status every answer with this code has.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::InvalidName => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::UnknownAccount | ErrorCode::NetworkNotPeered | ErrorCode::NotFound => 404,
            ErrorCode::NameTaken | ErrorCode::RecipientBusy => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited | ErrorCode::FirstContactLimit => 429,
            ErrorCode::QueueFull | ErrorCode::QuotaExceeded => 507,
            ErrorCode::PeerUnavailable => 502,
            ErrorCode::Internal => 500,
        }
    }

    /// Whether the same request may succeed later without the user doing anything: the relay
    /// was busy or failed, not the request.
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::QueueFull | ErrorCode::PeerUnavailable | ErrorCode::Internal)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The message every "no such account" answer carries, so that an account hidden by its interop
/// setting cannot be told apart from one that does not exist, not even by the message text.
pub const UNKNOWN_ACCOUNT_MESSAGE: &str = "no such account";

/// The JSON body of every error answer. `code` stays a string on the way in, so that a client
/// can still read the message of a code it does not know yet.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[cfg_attr(feature = "openapi", schema(value_type = ErrorCode))]
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code: code.as_str().to_owned(), message: message.into() }
    }

    /// The code, when this build knows it.
    pub fn known_code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_wire_names() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code), "peers' codes must be readable");
            let json = serde_json::to_string(&code).expect("a code serializes");
            assert_eq!(json, format!("\"{}\"", code.as_str()), "serde and as_str must agree");
            assert!((400..600).contains(&code.http_status()), "every code is an error status");
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }

    #[test]
    fn a_body_with_an_unknown_code_still_reads() {
        let body: ErrorBody = serde_json::from_str(r#"{"code":"from_the_future","message":"m"}"#).expect("reads");
        assert_eq!((body.known_code(), body.message.as_str()), (None, "m"));
    }
}
