//! What an operator configures: the network's name, where to listen and store, the peered relays
//! and the limits. Read from TOML files by the binary, built in code by tests and the sandbox.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use isthmus_proto::NetworkName;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Everything a relay needs to start.
#[derive(Clone)]
pub struct RelayConfig {
    /// The network this relay serves, such as `meadow.example`.
    pub domain: NetworkName,
    /// Where the HTTP and WebSocket server listens; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The folder for the sled database and the relay key; `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// The relays this one has an agreement with. Can change at run time (`RunningRelay::set_peers`).
    pub peers: Vec<Peer>,
    pub limits: Limits,
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
            .field("peers", &self.peers)
            .field("limits", &self.limits)
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
            peers: Vec::new(),
            limits: Limits::default(),
            signing_key: None,
        }
    }
}

/// A peered relay: the other half of an agreement between two operators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub domain: NetworkName,
    /// Base URL such as `https://relay.harbor.example` or `http://127.0.0.1:9001`.
    pub url: String,
    /// The peer's Ed25519 public key: requests claiming to come from `domain` must be signed by it.
    pub public_key: [u8; 32],
}

/// A token bucket: up to `burst` requests at once, refilled at `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub burst: u32,
    pub per_minute: u32,
}

/// Limits on every input. The defaults suit a small network; operators tune them in `[limits]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest JSON request body.
    pub max_json_body_bytes: usize,
    /// Largest WebSocket message the relay reads; bigger ones get a `FrameError`. Messages over four
    /// times this size close the socket, so a client cannot make the relay buffer without bound.
    pub max_frame_bytes: usize,
    /// Largest envelope ciphertext.
    pub max_ciphertext_bytes: usize,
    /// Most one-time prekeys (of each kind) in one upload.
    pub max_prekeys_per_upload: usize,
    /// Most one-time prekeys (of each kind) an account may have stored.
    pub max_stored_prekeys: usize,
    /// Most envelopes waiting for one device; more get `queue_full`.
    pub max_queue_len: usize,
    /// Most networks in an account's interop setting.
    pub max_interop_networks: usize,
    /// Largest federation request or answer body.
    pub max_federation_body_bytes: usize,
    /// Most envelopes in one federated delivery.
    pub max_envelopes_per_delivery: usize,
    /// Most `Send` frames one socket may have in flight at once.
    pub max_inflight_sends: usize,
    /// How long the relay waits for a peer relay.
    pub federation_timeout_ms: u64,
    /// Requests per client IP address (all HTTP routes but `/healthz`, and WebSocket upgrades).
    pub ip_rate: Rate,
    /// Requests and sends per authenticated account.
    pub account_rate: Rate,
    /// Registrations per client IP address.
    pub registration_rate: Rate,
    /// Requests per peered relay.
    pub peer_rate: Rate,
    /// Most addresses one account may block.
    pub max_blocks_per_account: usize,
    /// Most addresses one account may mark as contacts.
    pub max_contacts_per_account: usize,
    /// Most first contacts (deliveries to someone who has not accepted the sender and has not heard
    /// from it before) one sender address may make in an hour; more get `rate_limited`.
    pub first_contacts_per_sender_per_hour: u32,
    /// Most pending message requests (distinct senders) one account may have; more get `recipient_busy`.
    pub pending_requests_per_recipient: usize,
    /// Most messages one report may include.
    pub max_report_messages: usize,
    /// Longest report note, in characters.
    pub max_report_note_chars: usize,
    /// Longest message body in a report, in characters.
    pub max_report_message_chars: usize,
    /// Most reports one account may file in an hour.
    pub reports_per_account_per_hour: u32,
    /// Largest media upload (ciphertext), checked against `Content-Length` before the body is
    /// read, and the most a proxied download may carry.
    pub max_media_bytes: u64,
    /// Most bytes of unexpired media one account may have stored; more get `quota_exceeded`.
    pub media_quota_bytes: u64,
    /// Days a medium is kept after its upload; 0 expires media at once (for tests).
    pub media_retention_days: u32,
    /// How often expired media is deleted from disk.
    pub media_sweep_interval_secs: u64,
}

/// 100 MiB of attachment plus 1 MiB for what encryption adds (padding, tag, header).
pub const DEFAULT_MAX_MEDIA_BYTES: u64 = 101 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_json_body_bytes: 1024 * 1024,
            max_frame_bytes: 256 * 1024,
            max_ciphertext_bytes: 128 * 1024,
            max_prekeys_per_upload: 100,
            max_stored_prekeys: 1000,
            max_queue_len: 10_000,
            max_interop_networks: 64,
            max_federation_body_bytes: 4 * 1024 * 1024,
            max_envelopes_per_delivery: 100,
            max_inflight_sends: 32,
            federation_timeout_ms: 10_000,
            ip_rate: Rate { burst: 1000, per_minute: 6000 },
            account_rate: Rate { burst: 500, per_minute: 3000 },
            registration_rate: Rate { burst: 100, per_minute: 600 },
            peer_rate: Rate { burst: 5000, per_minute: 60_000 },
            max_blocks_per_account: 10_000,
            max_contacts_per_account: 10_000,
            first_contacts_per_sender_per_hour: 20,
            pending_requests_per_recipient: 100,
            max_report_messages: 50,
            max_report_note_chars: 2000,
            max_report_message_chars: 4096,
            reports_per_account_per_hour: 20,
            max_media_bytes: DEFAULT_MAX_MEDIA_BYTES,
            media_quota_bytes: 2 * 1024 * 1024 * 1024,
            media_retention_days: 30,
            media_sweep_interval_secs: 3600,
        }
    }
}

/// The relay's TOML configuration file. Relative paths are read against the file's folder.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub domain: Option<String>,
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub peers_file: Option<PathBuf>,
    #[serde(default)]
    pub limits: Limits,
}

impl ConfigFile {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::Config(format!("cannot read {}: {error}", path.display())))?;
        let mut file: ConfigFile =
            toml::from_str(&text).map_err(|error| Error::Config(format!("{}: {error}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        file.data_dir = file.data_dir.map(|dir| base.join(dir));
        file.peers_file = file.peers_file.map(|peers| base.join(peers));
        Ok(file)
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
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PeersFile {
    #[serde(default)]
    peer: Vec<PeerEntry>,
}

impl Peer {
    /// Checks one entry of the peers file.
    pub fn from_entry(entry: &PeerEntry) -> Result<Self> {
        let domain = NetworkName::parse(&entry.domain)
            .map_err(|error| Error::Config(format!("peer domain {:?}: {error}", entry.domain)))?;
        if !(entry.url.starts_with("http://") || entry.url.starts_with("https://")) {
            return Err(Error::Config(format!("peer {domain}: url must start with http:// or https://")));
        }
        let key = base64::engine::general_purpose::STANDARD
            .decode(entry.public_key.trim())
            .map_err(|_| Error::Config(format!("peer {domain}: public_key is not base64")))?;
        let public_key: [u8; 32] =
            key.try_into().map_err(|_| Error::Config(format!("peer {domain}: public_key must be 32 bytes")))?;
        ed25519_dalek::VerifyingKey::from_bytes(&public_key)
            .map_err(|_| Error::Config(format!("peer {domain}: public_key is not an Ed25519 key")))?;
        Ok(Self { domain, url: entry.url.trim_end_matches('/').to_owned(), public_key })
    }

    /// Reads a peers file: `[[peer]] domain = "..." url = "..." public_key = "<base64>"`.
    pub fn load_file(path: &Path) -> Result<Vec<Self>> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::Config(format!("cannot read {}: {error}", path.display())))?;
        Self::parse_file(&text)
    }

    pub fn parse_file(text: &str) -> Result<Vec<Self>> {
        let file: PeersFile = toml::from_str(text).map_err(|error| Error::Config(format!("peers file: {error}")))?;
        let peers = file.peer.iter().map(Self::from_entry).collect::<Result<Vec<_>>>()?;
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

    #[test]
    fn a_peers_file_parses() {
        let text = format!(
            "[[peer]]\ndomain = \"harbor.example\"\nurl = \"http://127.0.0.1:9001/\"\npublic_key = \"{KEY}\"\n"
        );
        let peers = Peer::parse_file(&text).expect("a well-formed peers file parses");
        assert_eq!(peers.len(), 1);
        assert_eq!(peers[0].url, "http://127.0.0.1:9001", "a trailing slash would double in paths");
    }

    #[test]
    fn bad_peer_entries_are_refused() {
        let bad_url = format!("[[peer]]\ndomain = \"harbor.example\"\nurl = \"ftp://x\"\npublic_key = \"{KEY}\"\n");
        assert!(Peer::parse_file(&bad_url).is_err(), "only http(s) peers can be reached");
        let bad_key = "[[peer]]\ndomain = \"harbor.example\"\nurl = \"http://x\"\npublic_key = \"AAAA\"\n";
        assert!(Peer::parse_file(bad_key).is_err(), "a short key could never verify a signature");
        let twice = format!(
            "[[peer]]\ndomain = \"h.example\"\nurl = \"http://x\"\npublic_key = \"{KEY}\"\n\
             [[peer]]\ndomain = \"h.example\"\nurl = \"http://y\"\npublic_key = \"{KEY}\"\n"
        );
        assert!(Peer::parse_file(&twice).is_err(), "two entries for one domain are ambiguous");
    }

    #[test]
    fn limits_fill_in_defaults() {
        let file: ConfigFile = toml::from_str("domain = \"meadow.example\"\n[limits]\nmax_queue_len = 5\n")
            .expect("a partial [limits] table parses");
        assert_eq!(file.limits.max_queue_len, 5);
        assert_eq!(file.limits.max_frame_bytes, Limits::default().max_frame_bytes, "unset limits keep their defaults");
    }
}
