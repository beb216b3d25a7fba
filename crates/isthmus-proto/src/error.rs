/// Why a wire value could not become a domain value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("invalid account name: {0}")]
    InvalidName(&'static str),
    #[error("invalid network name: {0}")]
    InvalidNetwork(&'static str),
    #[error("invalid address: expected name@network")]
    InvalidAddress,
    #[error("missing field: {0}")]
    MissingField(&'static str),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
