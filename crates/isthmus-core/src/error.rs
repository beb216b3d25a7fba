//! The engine's typed errors and the closed set of codes a UI or script switches on.

use isthmus_proto::api::ErrorCode as RelayCode;
use serde::Serialize;

/// The closed set of error codes that cross to the UI and to `--json` output.
/// Front ends switch on these, never on message text.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    WrongPassphrase,
    ProfileExists,
    ProfileMissing,
    ProfileInUse,
    /// The profile is locked: only creating, unlocking and the profile's state answer until it
    /// is unlocked. (Raised by front ends, which hold the engine only while unlocked.)
    ProfileLocked,
    StorageCorrupt,
    Storage,
    InvalidAddress,
    UnknownAccount,
    UnknownConversation,
    UnknownMessage,
    UnknownGroup,
    /// Only a group's admins may add, remove, rename or make admins.
    NotGroupAdmin,
    /// The account is not (or no longer) a member of the group: it was invited and has not
    /// accepted, left, or was removed. The group's chat is read-only.
    NotGroupMember,
    /// A group name or member list that cannot be used (the message says why).
    InvalidGroup,
    InteropOff,
    DisclosureOutdated,
    FirstContactRequired,
    RequestPending,
    Blocked,
    KeyChangeUnacknowledged,
    RecipientBusy,
    FirstContactLimit,
    AttachmentTampered,
    AttachmentTooLarge,
    /// The origin no longer has the attachment (expired after its retention period).
    AttachmentGone,
    QuotaExceeded,
    NotDownloaded,
    NameTaken,
    NetworkNotPeered,
    RelayUnreachable,
    /// The relay's certificate was not accepted: not from a trusted authority, expired, or for
    /// another name. The message says which.
    TlsUntrusted,
    /// `http://` to a relay on another machine, without the option that allows it.
    InsecureRelay,
    /// The relay's address is not an `https://` (or loopback `http://`) URL.
    InvalidRelayUrl,
    /// The CA certificate given for a relay is not a PEM certificate.
    InvalidCaCertificate,
    RelayRejected,
    /// A report did not reach the relay (the message says why, whether a block asked for with
    /// it took, and whether it is kept to be sent when the relay answers again).
    ReportNotSent,
    /// Registration on this network needs an invitation from its operator.
    InvitationRequired,
    Unauthorized,
    RateLimited,
    TooLarge,
    Crypto,
    Protocol,
    /// A value handed in by a front end that cannot be used (a search cursor from elsewhere).
    InvalidArgument,
    /// A Matrix id that is not `@name:server`, or one an address cannot hold (the message says why).
    InvalidMatrixId,
    /// The Matrix homeserver could not be reached (or found from the id's server).
    HomeserverUnreachable,
    /// The Matrix homeserver refused (the message says what it answered).
    HomeserverRefused,
    /// A Matrix account of this profile is signed in already.
    MatrixAccountExists,
    Internal,
}

/// Errors of the client engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("invalid address: {0}")]
    InvalidAddress(#[from] isthmus_proto::Error),
    #[error("no such account in this profile: {0}")]
    NoSuchAccount(String),
    #[error("no such conversation")]
    NoSuchConversation,
    #[error("no such message")]
    NoSuchMessage,
    #[error("no such group")]
    NoSuchGroup,
    #[error("only the group's admins can do that")]
    NotGroupAdmin,
    #[error("you are not a member of this group (invited, left or removed): its chat is read-only")]
    NotGroupMember,
    #[error("{0}")]
    InvalidGroup(String),
    /// The account has not allowed this network; chats with it are read-only.
    #[error("{0} is not among the networks this account allows; turn interop on for it first")]
    InteropOff(String),
    /// Interop was asked for under a disclosure the user was not shown (another version).
    #[error("the decision names disclosure {given}, but the current disclosure is {current}; show it first")]
    DisclosureOutdated { given: String, current: String },
    #[error("{0} is on another network: confirm writing to them first")]
    FirstContactRequired(String),
    #[error("this chat is a message request: accept it before replying")]
    RequestPending,
    #[error("{0} is blocked")]
    Blocked(String),
    #[error("{0}'s safety number changed: acknowledge the new key before sending")]
    KeyChangeUnacknowledged(String),
    /// The downloaded attachment does not match the digest its message carries.
    #[error("the attachment was altered on the way (its digest does not match); it was discarded")]
    AttachmentTampered,
    #[error("the file is {size} bytes; attachments can be at most {max} bytes")]
    AttachmentTooLarge { size: u64, max: u64 },
    #[error("the attachment has not been downloaded yet")]
    NotDownloaded,
    /// The relay answered with an error from its closed set (see docs/relay-api.md); `None`
    /// for a code this build does not know (a newer relay's).
    #[error("the relay refused: {message} ({})", code.map_or("unknown code", RelayCode::as_str))]
    Relay { code: Option<RelayCode>, message: String },
    /// The network registers new accounts by invitation only, and none (or no valid one) was given.
    #[error("this network takes new accounts by invitation only: ask its operator for an invitation")]
    InvitationRequired,
    /// A report did not reach the relay; with "and block", whether the block took anyway, and
    /// whether it was kept to be sent when the relay answers again (it is, unless the relay
    /// refused it for good).
    #[error(
        "{}the report could not be sent: {cause}{}",
        if *blocked { "They are blocked, but " } else { "" },
        if *kept { ". It is kept and will be sent when the relay answers again" } else { "" }
    )]
    ReportNotSent { blocked: bool, kept: bool, cause: Box<Error> },
    #[error("cannot reach the relay: {0}")]
    Unreachable(String),
    #[error("{}", .0.explain())]
    Tls(isthmus_tls::CertificateProblem),
    #[error("this relay is on another machine and its address starts with http://: the connection would not be encrypted; use https://")]
    InsecureRelay,
    #[error("{0:?} is not a relay address; it looks like https://relay.example")]
    BadRelayUrl(String),
    #[error("the CA certificate cannot be used: {0}")]
    BadCaCertificate(String),
    #[error("encryption failed: {0}")]
    Crypto(String),
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("the engine has stopped")]
    Stopped,
    #[error("{0}")]
    InvalidArgument(String),
    #[error("not a usable Matrix id: {0}")]
    InvalidMatrixId(String),
    #[error("cannot reach the Matrix homeserver: {0}")]
    HomeserverUnreachable(String),
    /// The homeserver answered with an error; a wrong password is `Unauthorized`.
    #[error("the Matrix homeserver refused: {message}")]
    Homeserver { code: ErrorCode, message: String },
    #[error("{0} is signed in already")]
    MatrixAccountExists(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The code a front end switches on.
    pub fn code(&self) -> ErrorCode {
        use crate::store::Error as S;
        match self {
            Error::Store(S::WrongPassphrase) => ErrorCode::WrongPassphrase,
            Error::Store(S::ProfileExists(_)) => ErrorCode::ProfileExists,
            Error::Store(S::ProfileMissing(_)) => ErrorCode::ProfileMissing,
            Error::Store(S::ProfileInUse) => ErrorCode::ProfileInUse,
            Error::Store(S::Corrupt(_)) => ErrorCode::StorageCorrupt,
            Error::Store(_) => ErrorCode::Storage,
            Error::InvalidAddress(_) => ErrorCode::InvalidAddress,
            Error::NoSuchAccount(_) => ErrorCode::UnknownAccount,
            Error::NoSuchConversation => ErrorCode::UnknownConversation,
            Error::NoSuchMessage => ErrorCode::UnknownMessage,
            Error::NoSuchGroup => ErrorCode::UnknownGroup,
            Error::NotGroupAdmin => ErrorCode::NotGroupAdmin,
            Error::NotGroupMember => ErrorCode::NotGroupMember,
            Error::InvalidGroup(_) => ErrorCode::InvalidGroup,
            Error::InteropOff(_) => ErrorCode::InteropOff,
            Error::DisclosureOutdated { .. } => ErrorCode::DisclosureOutdated,
            Error::FirstContactRequired(_) => ErrorCode::FirstContactRequired,
            Error::RequestPending => ErrorCode::RequestPending,
            Error::Blocked(_) => ErrorCode::Blocked,
            Error::KeyChangeUnacknowledged(_) => ErrorCode::KeyChangeUnacknowledged,
            Error::AttachmentTampered => ErrorCode::AttachmentTampered,
            Error::AttachmentTooLarge { .. } => ErrorCode::AttachmentTooLarge,
            Error::NotDownloaded => ErrorCode::NotDownloaded,
            Error::Relay { code: Some(code), .. } => match code {
                RelayCode::UnknownAccount => ErrorCode::UnknownAccount,
                RelayCode::NameTaken => ErrorCode::NameTaken,
                RelayCode::NetworkNotPeered => ErrorCode::NetworkNotPeered,
                RelayCode::Unauthorized => ErrorCode::Unauthorized,
                RelayCode::RateLimited => ErrorCode::RateLimited,
                RelayCode::TooLarge => ErrorCode::TooLarge,
                RelayCode::InvalidName => ErrorCode::InvalidAddress,
                RelayCode::PeerUnavailable => ErrorCode::RelayUnreachable,
                RelayCode::RecipientBusy => ErrorCode::RecipientBusy,
                RelayCode::FirstContactLimit => ErrorCode::FirstContactLimit,
                RelayCode::NotFound => ErrorCode::AttachmentGone,
                RelayCode::QuotaExceeded => ErrorCode::QuotaExceeded,
                RelayCode::BadRequest | RelayCode::Forbidden | RelayCode::QueueFull | RelayCode::Internal => {
                    ErrorCode::RelayRejected
                }
            },
            Error::Relay { code: None, .. } => ErrorCode::RelayRejected,
            Error::ReportNotSent { .. } => ErrorCode::ReportNotSent,
            Error::InvitationRequired => ErrorCode::InvitationRequired,
            Error::Unreachable(_) => ErrorCode::RelayUnreachable,
            Error::Tls(_) => ErrorCode::TlsUntrusted,
            Error::InsecureRelay => ErrorCode::InsecureRelay,
            Error::BadRelayUrl(_) => ErrorCode::InvalidRelayUrl,
            Error::BadCaCertificate(_) => ErrorCode::InvalidCaCertificate,
            Error::Crypto(_) => ErrorCode::Crypto,
            Error::Protocol(_) => ErrorCode::Protocol,
            Error::Stopped => ErrorCode::Internal,
            Error::InvalidArgument(_) => ErrorCode::InvalidArgument,
            Error::InvalidMatrixId(_) => ErrorCode::InvalidMatrixId,
            Error::HomeserverUnreachable(_) => ErrorCode::HomeserverUnreachable,
            Error::Homeserver { code, .. } => *code,
            Error::MatrixAccountExists(_) => ErrorCode::MatrixAccountExists,
        }
    }

    /// Whether trying again later may succeed (the outbox keeps such messages).
    pub fn is_transient(&self) -> bool {
        // A certificate that is refused now may be renewed later: the outbox keeps trying.
        matches!(
            self.code(),
            ErrorCode::RelayUnreachable
                | ErrorCode::HomeserverUnreachable
                | ErrorCode::TlsUntrusted
                | ErrorCode::RateLimited
                | ErrorCode::Internal
        ) || matches!(self, Error::Relay { code: Some(code), .. } if code.is_transient())
    }
}

impl Error {
    /// Checks a server's base URL by the one rule for relays and homeserver alike (`https://`,
    /// or plain `http://` on this machine unless `allow_insecure`), as the error a person sees.
    pub fn check_server_url(base_url: &str, allow_insecure: bool) -> Result<()> {
        isthmus_tls::check_url(base_url, allow_insecure).map_err(|error| match error {
            isthmus_tls::UrlPolicyError::InsecureRemote => Error::InsecureRelay,
            isthmus_tls::UrlPolicyError::NotHttp(_) => Error::BadRelayUrl(base_url.to_owned()),
        })
    }

    /// A refusal with a code from the relay's closed set.
    pub fn relay(code: RelayCode, message: impl Into<String>) -> Self {
        Error::Relay { code: Some(code), message: message.into() }
    }
}

impl From<libsignal_protocol::SignalProtocolError> for Error {
    fn from(error: libsignal_protocol::SignalProtocolError) -> Self {
        Error::Crypto(error.to_string())
    }
}

/// For libsignal results whose error type is not exported (curve errors).
pub(crate) fn crypto(error: impl std::fmt::Display) -> Error {
    Error::Crypto(error.to_string())
}

/// The one error shape that crosses to a UI or a script: `{ "code": ..., "message": ... }`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct UserError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&Error> for UserError {
    fn from(error: &Error) -> Self {
        UserError { code: error.code(), message: error.to_string() }
    }
}
