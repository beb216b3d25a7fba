//! The closed set of error codes clients switch on, and the `{code, message}` answer that carries them.
//!
//! Every error a client or a peer relay can see, over HTTP or inside a WebSocket frame, is one of
//! [`ErrorCode`]; the message is for humans only and never contains user data.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// Every code the relay answers with (docs/relay-api.md, "Errors").
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

    /// Reads a code from the wire (a peer relay's answer); unknown codes give `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == raw)
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::BadRequest | ErrorCode::InvalidName => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::UnknownAccount | ErrorCode::NetworkNotPeered | ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::NameTaken | ErrorCode::RecipientBusy => StatusCode::CONFLICT,
            ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::RateLimited | ErrorCode::FirstContactLimit => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::QueueFull | ErrorCode::QuotaExceeded => StatusCode::INSUFFICIENT_STORAGE,
            ErrorCode::PeerUnavailable => StatusCode::BAD_GATEWAY,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
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

/// An error as a client or peer sees it: a code, a human message, and for `rate_limited` when to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_secs: Option<u64>,
}

/// The JSON body of every error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), retry_after_secs: None }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::TooLarge, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn unknown_account() -> Self {
        Self::new(ErrorCode::UnknownAccount, UNKNOWN_ACCOUNT_MESSAGE)
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "missing or wrong credentials")
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "internal error")
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            code: ErrorCode::RateLimited,
            message: "too many requests".into(),
            retry_after_secs: Some(retry_after_secs.max(1)),
        }
    }

    /// A sender's first-contact budget for the hour is spent.
    pub fn first_contacts_exhausted(retry_after_secs: u64) -> Self {
        Self {
            code: ErrorCode::FirstContactLimit,
            message: "too many first contacts (messages to people who have not accepted this sender) in the last \
                      hour; try again later"
                .into(),
            retry_after_secs: Some(retry_after_secs.max(1)),
        }
    }

    /// The recipient has as many pending message requests as the relay keeps.
    pub fn recipient_busy() -> Self {
        Self::new(
            ErrorCode::RecipientBusy,
            "the recipient has too many unanswered message requests; try again after they answer some",
        )
    }

    /// No such medium, or an expired one: the two answer alike.
    pub fn media_not_found() -> Self {
        Self::new(ErrorCode::NotFound, "no such medium (it may have expired)")
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { code: self.code.as_str().into(), message: self.message.clone() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), axum::Json(self.body())).into_response();
        // For the metrics layer, which counts refusals by code without reading bodies.
        response.extensions_mut().insert(self.code);
        if let Some(secs) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match error {
            StoreError::NameTaken => ApiError::new(ErrorCode::NameTaken, "this name is taken"),
            StoreError::UnknownAccount => ApiError::unknown_account(),
            StoreError::QueueFull => ApiError::new(ErrorCode::QueueFull, "the recipient's queue is full"),
            StoreError::TooManyPreKeys => {
                ApiError::too_large("the account would hold more one-time prekeys than allowed")
            }
            StoreError::TooManyBlocks => ApiError::too_large("the account blocks as many addresses as allowed"),
            StoreError::TooManyContacts => ApiError::too_large("the account has as many contacts as allowed"),
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::internal()
            }
        }
    }
}

impl From<crate::media::MediaError> for ApiError {
    fn from(error: crate::media::MediaError) -> Self {
        tracing::error!(%error, "media store failure");
        ApiError::internal()
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
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }
}
