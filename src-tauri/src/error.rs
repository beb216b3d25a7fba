//! The one error shape that crosses to the UI: `{ "code": ..., "message": ... }`, with `code`
//! from isthmus-core's closed `ErrorCode` set. The UI switches on `code`, never on `message`.

use isthmus_core::{ErrorCode, UserError};
use serde::Serialize;

/// What every command rejects with. Serializes exactly as `UserError` (bindings.ts).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub UserError);

pub type CommandResult<T> = Result<T, CommandError>;

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError(UserError { code, message: message.into() })
    }

    /// The profile is locked (or not created yet): nothing but the profile commands work.
    pub fn locked() -> Self {
        Self::new(ErrorCode::ProfileLocked, "the profile is locked: unlock it first")
    }

    /// A file the shell itself reads or writes (staging, saving) failed.
    pub fn io(error: std::io::Error) -> Self {
        Self::new(ErrorCode::Storage, format!("a file operation failed: {}", error.kind()))
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

impl From<isthmus_core::Error> for CommandError {
    fn from(error: isthmus_core::Error) -> Self {
        CommandError(UserError::from(&error))
    }
}

impl From<isthmus_core::store::Error> for CommandError {
    fn from(error: isthmus_core::store::Error) -> Self {
        isthmus_core::Error::Store(error).into()
    }
}

impl From<isthmus_proto::Error> for CommandError {
    fn from(error: isthmus_proto::Error) -> Self {
        isthmus_core::Error::InvalidAddress(error).into()
    }
}

impl From<tauri::Error> for CommandError {
    fn from(error: tauri::Error) -> Self {
        Self::new(ErrorCode::Internal, format!("the app shell failed: {error}"))
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.message)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_as_code_and_message_only() {
        let error = CommandError::from(isthmus_core::Error::RequestPending);
        let json = serde_json::to_value(&error).expect("serializes");
        assert_eq!(json["code"], "request_pending", "the UI switches on this code");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()), "a message for people to read");
        assert_eq!(json.as_object().map(|o| o.len()), Some(2), "nothing else crosses: {json}");
    }

    #[test]
    fn relay_codes_map_into_the_closed_set() {
        let error = CommandError::from(isthmus_core::Error::relay(isthmus_proto::api::ErrorCode::NameTaken, "x"));
        assert_eq!(error.code(), ErrorCode::NameTaken, "a taken name is its own code, not a relay rejection");
    }

    #[test]
    fn a_bad_address_is_invalid_address() {
        let error = CommandError::from("no-at-sign".parse::<isthmus_proto::Address>().expect_err("invalid"));
        assert_eq!(serde_json::to_value(&error).expect("serializes")["code"], "invalid_address");
    }

    #[test]
    fn a_locked_profile_has_a_code_of_its_own() {
        // Not `unauthorized`, which the UI explains as a network refusing the account's credentials.
        let error = serde_json::to_value(CommandError::locked()).expect("serializes");
        assert_eq!(error["code"], "profile_locked");
    }
}
