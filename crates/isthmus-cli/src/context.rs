//! The context every command runs in: the profile, its passphrase, and printing other people's
//! text safely.

use std::path::PathBuf;

use anyhow::Result;
use isthmus_core::{untrusted_text, Engine, Profile};
use isthmus_proto::Address;
use serde::Serialize;

use crate::passphrase;

/// What every command needs: where the profile is, how to read its passphrase, and how to print.
pub(crate) struct CliContext {
    pub(crate) json: bool,
    pub(crate) profile_dir: PathBuf,
    passphrase_file: Option<PathBuf>,
}

impl CliContext {
    pub(crate) fn new(json: bool, profile_dir: Option<PathBuf>, passphrase_file: Option<PathBuf>) -> Self {
        Self { json, profile_dir: profile_dir.unwrap_or_else(default_profile_dir), passphrase_file }
    }

    pub(crate) fn passphrase(&self, confirm: bool) -> Result<String> {
        passphrase::read(self.passphrase_file.as_deref(), "ISTHMUS_PASSPHRASE", confirm)
    }

    pub(crate) fn unlock(&self) -> Result<Profile> {
        let passphrase = self.passphrase(false)?;
        Ok(Profile::unlock(&self.profile_dir, &passphrase).map_err(isthmus_core::Error::from)?)
    }

    pub(crate) fn engine(&self) -> Result<Engine> {
        Ok(Engine::open(self.unlock()?)?)
    }

    /// The engine with the clients of the Matrix accounts that are on running, for commands
    /// that may act on a Matrix chat (send, requests, blocks, listen).
    pub(crate) async fn engine_with_matrix(&self) -> Result<Engine> {
        let engine = self.engine()?;
        isthmus_matrix::start_all(&engine).await?;
        Ok(engine)
    }

    /// Prints `value` as one JSON line, or `human` for people. Much of it is other people's
    /// text (bodies, names, previews): every control and format character is printed as a
    /// visible escape, so nobody can send a terminal an escape sequence through us. Bodies go
    /// through [`shown`] as well, to stay on their line.
    pub(crate) fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
            println!("{}", untrusted_text::json_for_terminal(&json));
        } else {
            println!("{}", untrusted_text::for_terminal(&human(), false));
        }
    }
}

/// Someone else's text on one line of human output (see `CliContext::print`).
pub(crate) fn shown(text: &str) -> String {
    untrusted_text::one_line(text)
}

fn default_profile_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("isthmus/profile")
}

pub(crate) fn address(raw: &str) -> Result<Address> {
    raw.parse::<Address>().map_err(|e| isthmus_core::Error::from(e).into())
}
