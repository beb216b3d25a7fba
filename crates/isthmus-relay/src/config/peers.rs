//! The peers file: the relays this one has an agreement with.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use isthmus_proto::NetworkName;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A peered relay: the other half of an agreement between two operators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub domain: NetworkName,
    /// Base URL such as `https://relay.harbor.example`; `http://` only on loopback.
    pub url: String,
    /// The peer's Ed25519 public key: requests claiming to come from `domain` must be signed by it.
    pub public_key: [u8; 32],
    /// PEM of a CA the peer's certificate chains to, for a peer with a private CA; its
    /// certificate is also checked against the system's and the bundled web roots.
    pub ca_pem: Option<Arc<[u8]>>,
}

impl Peer {
    /// A peer reached at `url` and verified against the usual roots.
    pub fn new(domain: NetworkName, url: impl Into<String>, public_key: [u8; 32]) -> Self {
        Self { domain, url: url.into(), public_key, ca_pem: None }
    }

    /// The same peer, whose certificate may chain to the CA in `pem`.
    pub fn with_ca(mut self, pem: impl Into<Arc<[u8]>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }
}

/// One `[[peer]]` entry of the peers file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeerEntry {
    pub domain: String,
    pub url: String,
    /// Standard base64 of the peer's 32-byte Ed25519 public key.
    pub public_key: String,
    /// A PEM CA certificate the peer's TLS certificate chains to (a private CA), read against
    /// the peers file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PeersFile {
    #[serde(default)]
    peer: Vec<PeerEntry>,
}

impl Peer {
    /// Checks one entry of the peers file; relative CA files are read against `base`.
    pub fn from_entry(entry: &PeerEntry, base: &Path) -> Result<Self> {
        let domain = NetworkName::parse(&entry.domain)
            .map_err(|error| Error::Config(format!("peer domain {:?}: {error}", entry.domain)))?;
        isthmus_tls::check_url(&entry.url, false).map_err(|error| Error::Config(format!("peer {domain}: {error}")))?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(entry.public_key.trim())
            .map_err(|_| Error::Config(format!("peer {domain}: public_key is not base64")))?;
        let public_key: [u8; 32] =
            key.try_into().map_err(|_| Error::Config(format!("peer {domain}: public_key must be 32 bytes")))?;
        ed25519_dalek::VerifyingKey::from_bytes(&public_key)
            .map_err(|_| Error::Config(format!("peer {domain}: public_key is not an Ed25519 key")))?;
        let mut peer = Self::new(domain, entry.url.trim_end_matches('/'), public_key);
        if let Some(file) = &entry.ca_file {
            let path = base.join(file);
            let pem = std::fs::read(&path).map_err(|error| {
                Error::Config(format!("peer {}: cannot read {}: {error}", peer.domain, path.display()))
            })?;
            isthmus_tls::parse_ca(&pem)
                .map_err(|error| Error::Config(format!("peer {}: {}: {error}", peer.domain, path.display())))?;
            peer = peer.with_ca(pem);
        }
        Ok(peer)
    }

    /// Reads a peers file: `[[peer]] domain = "..." url = "..." public_key = "<base64>"`.
    pub fn load_file(path: &Path) -> Result<Vec<Self>> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::Config(format!("cannot read {}: {error}", path.display())))?;
        Self::parse_file(&text, path.parent().unwrap_or(Path::new(".")))
    }

    pub fn parse_file(text: &str, base: &Path) -> Result<Vec<Self>> {
        let file: PeersFile = toml::from_str(text).map_err(|error| Error::Config(format!("peers file: {error}")))?;
        let peers = file.peer.iter().map(|entry| Self::from_entry(entry, base)).collect::<Result<Vec<_>>>()?;
        let mut domains: Vec<_> = peers.iter().map(|peer| &peer.domain).collect();
        domains.sort();
        domains.dedup();
        if domains.len() != peers.len() {
            return Err(Error::Config("peers file names a domain twice".into()));
        }
        Ok(peers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=";

    fn parse(text: &str) -> Result<Vec<Peer>> {
        Peer::parse_file(text, Path::new("."))
    }

    #[test]
    fn a_peers_file_parses() {
        let text = format!(
            "[[peer]]\ndomain = \"harbor.example\"\nurl = \"http://127.0.0.1:9001/\"\npublic_key = \"{KEY}\"\n"
        );
        let peers = parse(&text).expect("a well-formed peers file parses");
        assert_eq!(peers.len(), 1);
        assert_eq!(peers[0].url, "http://127.0.0.1:9001", "a trailing slash would double in paths");
        assert_eq!(peers[0].ca_pem, None);
    }

    #[test]
    fn bad_peer_entries_are_refused() {
        let bad_url = format!("[[peer]]\ndomain = \"harbor.example\"\nurl = \"ftp://x\"\npublic_key = \"{KEY}\"\n");
        assert!(parse(&bad_url).is_err(), "only http(s) peers can be reached");
        let bad_key = "[[peer]]\ndomain = \"harbor.example\"\nurl = \"https://x\"\npublic_key = \"AAAA\"\n";
        assert!(parse(bad_key).is_err(), "a short key could never verify a signature");
        let twice = format!(
            "[[peer]]\ndomain = \"h.example\"\nurl = \"https://x\"\npublic_key = \"{KEY}\"\n\
             [[peer]]\ndomain = \"h.example\"\nurl = \"https://y\"\npublic_key = \"{KEY}\"\n"
        );
        assert!(parse(&twice).is_err(), "two entries for one domain are ambiguous");
    }

    #[test]
    fn plain_http_peers_must_be_on_loopback() {
        let remote =
            format!("[[peer]]\ndomain = \"harbor.example\"\nurl = \"http://harbor.example\"\npublic_key = \"{KEY}\"\n");
        let error = parse(&remote).expect_err("federation must not cross a network in the clear");
        assert!(error.to_string().contains("https"), "the operator is told what to use: {error}");
    }

    #[test]
    fn a_ca_file_is_read_against_the_peers_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let text = format!(
            "[[peer]]\ndomain = \"harbor.example\"\nurl = \"https://harbor.example\"\npublic_key = \"{KEY}\"\nca_file = \"harbor-ca.pem\"\n"
        );
        let missing = Peer::parse_file(&text, dir.path()).expect_err("a CA file that is not there");
        assert!(missing.to_string().contains("harbor-ca.pem"), "{missing}");
        std::fs::write(dir.path().join("harbor-ca.pem"), "not a certificate").expect("written");
        assert!(Peer::parse_file(&text, dir.path()).is_err(), "a CA file without a certificate is refused at start");
    }
}
