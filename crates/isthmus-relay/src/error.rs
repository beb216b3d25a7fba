//! The library's error type: what can stop a relay from starting or running.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("configuration: {0}")]
    Config(String),
    #[error("relay key: {0}")]
    Key(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("media: {0}")]
    Media(#[from] crate::media::MediaError),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("http client: {0}")]
    HttpClient(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
