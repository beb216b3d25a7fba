//! What an operator configures: the network's name, where to listen and store, TLS, the proxies
//! in front, the peered relays and the limits. Read from TOML files by the binary, built in code
//! by tests and the sandbox.

mod limits;
mod peers;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::net::client_addr::TrustedProxies;
use crate::net::tls::TlsFiles;
use crate::{Error, Result};
use isthmus_proto::NetworkName;

pub use limits::{Limits, Rate, DEFAULT_MAX_MEDIA_BYTES};
pub use peers::{Peer, PeerEntry};

/// Everything a relay needs to start.
#[derive(Clone)]
pub struct RelayConfig {
    /// The network this relay serves, such as `meadow.example`.
    pub domain: NetworkName,
    /// Where the HTTP and WebSocket server listens; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The folder for the SQLite database, media and the relay key; `None` keeps everything in
    /// memory.
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL URL: the relay's store is that database instead of SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where media lives when several nodes share it (`s3://bucket/prefix`, `file:///shared`);
    /// needs `database_url`, which keeps the media records. `None` keeps media in `data_dir`.
    pub media_url: Option<String>,
    /// The relays this one has an agreement with. Can change at run time (`RunningRelay::set_peers`).
    pub peers: Vec<Peer>,
    pub limits: Limits,
    /// The certificate and key when the relay terminates TLS itself; `None` serves plain HTTP
    /// (on loopback, or behind a proxy that terminates TLS).
    pub tls: Option<TlsFiles>,
    /// The operator's proxies: only their `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// Who may read `/metrics` besides this machine.
    pub metrics_allow: TrustedProxies,
    /// Who may register: anyone (the default), holders of an invitation, or nobody.
    pub registration: crate::RegistrationPolicy,
    /// The Ed25519 seed that signs federation requests. `None` loads or creates `data_dir/relay.key`,
    /// or, without a data folder, makes a fresh key for this run.
    pub signing_key: Option<[u8; 32]>,
}

/// Written by hand so that the signing key never lands in a log line.
impl std::fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayConfig")
            .field("domain", &self.domain)
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "<redacted>"))
            .field("media_url", &self.media_url)
            .field("peers", &self.peers)
            .field("limits", &self.limits)
            .field("tls", &self.tls)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_allow", &self.metrics_allow)
            .field("registration", &self.registration)
            .field("signing_key", &self.signing_key.map(|_| "<redacted>"))
            .finish()
    }
}

impl RelayConfig {
    /// An in-memory relay for `domain` on a free loopback port with default limits.
    pub fn new(domain: NetworkName) -> Self {
        Self {
            domain,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            database_url: None,
            media_url: None,
            peers: Vec::new(),
            limits: Limits::default(),
            tls: None,
            trusted_proxies: TrustedProxies::default(),
            registration: crate::RegistrationPolicy::default(),
            metrics_allow: TrustedProxies::default(),
            signing_key: None,
        }
    }
}

/// The relay's TOML configuration file. Relative paths are read against the file's folder.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub domain: Option<String>,
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    /// `postgres://...`: keep the relay's state in PostgreSQL.
    pub database_url: Option<String>,
    /// `s3://bucket/prefix` or `file:///shared/folder`: media that every node of the network
    /// sees (needs `database_url`).
    pub media_url: Option<String>,
    pub peers_file: Option<PathBuf>,
    /// PEM certificate chain, when the relay terminates TLS (with `tls_key`).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Addresses or networks (`10.0.0.0/8`) of the proxies in front of the relay.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Addresses or networks besides loopback that may read `/metrics`.
    #[serde(default)]
    pub metrics_allow: Vec<String>,
    /// `open` (the default), `invite` or `closed`.
    #[serde(default)]
    pub registration: crate::RegistrationPolicy,
    #[serde(default)]
    pub limits: Limits,
}

/// Written by hand so that a password in `database_url` never lands in a log line.
impl std::fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFile")
            .field("domain", &self.domain)
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "<redacted>"))
            .field("media_url", &self.media_url)
            .field("peers_file", &self.peers_file)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_allow", &self.metrics_allow)
            .field("limits", &self.limits)
            .finish()
    }
}

impl ConfigFile {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::Config(format!("cannot read {}: {error}", path.display())))?;
        let mut file: ConfigFile =
            toml::from_str(&text).map_err(|error| Error::Config(format!("{}: {error}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let relative = |path: Option<PathBuf>| path.map(|path| base.join(path));
        file.data_dir = relative(file.data_dir);
        file.peers_file = relative(file.peers_file);
        file.tls_cert = relative(file.tls_cert);
        file.tls_key = relative(file.tls_key);
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_fill_in_defaults() {
        let file: ConfigFile = toml::from_str("domain = \"meadow.example\"\n[limits]\nmax_queue_len = 5\n")
            .expect("a partial [limits] table parses");
        assert_eq!(file.limits.max_queue_len, 5);
        assert_eq!(file.limits.max_frame_bytes, Limits::default().max_frame_bytes, "unset limits keep their defaults");
    }

    #[test]
    fn paths_are_read_against_the_files_folder() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("relay.toml");
        std::fs::write(
            &path,
            "tls_cert = \"certs/relay.pem\"\ntls_key = \"/etc/relay.key\"\ntrusted_proxies = [\"10.0.0.1\"]\n",
        )
        .expect("written");
        let file = ConfigFile::load(&path).expect("loads");
        assert_eq!(file.tls_cert, Some(dir.path().join("certs/relay.pem")));
        assert_eq!(file.tls_key, Some(PathBuf::from("/etc/relay.key")), "absolute paths stay");
        assert_eq!(file.trusted_proxies, vec!["10.0.0.1".to_owned()]);
    }
}
