//! matrix-sdk's errors as the engine's typed errors: a person is told whether the homeserver
//! could not be reached, refused the password, or refused something else.

use isthmus_core::{Error, ErrorCode};
use matrix_sdk::ruma::api::client::error::ErrorKind;

pub(crate) fn from_sdk(error: matrix_sdk::Error) -> Error {
    match error {
        matrix_sdk::Error::Http(http) => from_http(http),
        other => Error::Homeserver { code: ErrorCode::HomeserverRefused, message: other.to_string() },
    }
}

pub(crate) fn from_http(error: matrix_sdk::HttpError) -> Error {
    if let Some(kind) = error.client_api_error_kind() {
        let code = match kind {
            ErrorKind::Forbidden { .. } | ErrorKind::UnknownToken { .. } => ErrorCode::Unauthorized,
            ErrorKind::LimitExceeded { .. } => ErrorCode::RateLimited,
            _ => ErrorCode::HomeserverRefused,
        };
        return Error::Homeserver { code, message: error.to_string() };
    }
    match error {
        matrix_sdk::HttpError::Reqwest(error) => Error::HomeserverUnreachable(explain_reqwest(&error)),
        other => Error::Homeserver { code: ErrorCode::HomeserverRefused, message: other.to_string() },
    }
}

pub(crate) fn from_build(error: matrix_sdk::ClientBuildError) -> Error {
    match error {
        matrix_sdk::ClientBuildError::Http(http) => from_http(http),
        matrix_sdk::ClientBuildError::AutoDiscovery(error) => {
            Error::HomeserverUnreachable(format!("no homeserver found for this server: {error}"))
        }
        other => Error::HomeserverUnreachable(other.to_string()),
    }
}

/// A certificate problem in words (untrusted, expired, another name), otherwise the cause.
fn explain_reqwest(error: &matrix_sdk::reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(problem) = isthmus_tls::certificate_problem(cause) {
            return problem.explain();
        }
        source = cause.source();
    }
    error.to_string()
}

/// An error for a log line: its kind only, never a Matrix id or a message.
pub(crate) fn redacted(error: &dyn std::fmt::Debug) -> String {
    let text = format!("{error:?}");
    text.split(['(', '{', ' ']).next().unwrap_or("error").to_owned()
}
