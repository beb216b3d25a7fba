//! The `{code, message}` answer that carries the relay's error codes.
//!
//! The codes themselves and the body's shape are the contract both ends share
//! (`isthmus_proto::api`); this is how the relay answers with them over HTTP. The message is for
//! humans only and never contains user data.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub use isthmus_proto::api::{ErrorBody, ErrorCode, UNKNOWN_ACCOUNT_MESSAGE};

/// The HTTP status an answer with `code` has.
pub fn status(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// An error as a client or peer sees it: a code, a human message, and for `rate_limited` when to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_secs: Option<u64>,
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
        ErrorBody::new(self.code, self.message.clone())
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
        let mut response = (status(self.code), axum::Json(self.body())).into_response();
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
            StoreError::TooManyGroups => ApiError::too_large("the account is in as many groups as allowed"),
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
