//! The limits on every input, and the timeouts of every connection, with their defaults.

use serde::{Deserialize, Serialize};

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
    /// Most copies one `SendToMembers` frame may carry (a group's members but the sender).
    pub max_copies_per_send: usize,
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
    /// Most groups one account may be in or invited to; a further add or join gets `too_large`.
    pub max_groups_per_account: usize,
    /// Most first contacts (deliveries to someone who has not accepted the sender and has not heard
    /// from it before) one sender address may make in an hour; more get `rate_limited`.
    pub first_contacts_per_sender_per_hour: u32,
    /// Most pending message requests (distinct senders) one account may have; more get `recipient_busy`.
    pub pending_requests_per_recipient: usize,
    /// Most envelopes a sender whose request is pending may queue for the account in an hour
    /// (the first contact included); more get `rate_limited` until the account answers.
    pub envelopes_per_pending_request_per_hour: u32,
    /// Most distinct missing accounts one account may look up (directory or bundle) in an hour;
    /// past it every look-up is `rate_limited`, found or not, so names cannot be enumerated.
    pub missing_lookups_per_hour: u32,
    /// How long a request nobody answered keeps its slot; then its sender is a stranger again.
    pub request_ttl_ms: u64,
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
    /// Most unexpired media one account may have stored, however small: each costs a file and a
    /// record, so a quota in bytes alone lets one-byte uploads exhaust the disk's inodes.
    pub media_quota_objects: u64,
    /// Days a medium is kept after its upload; 0 expires media at once (for tests).
    pub media_retention_days: u32,
    /// How often expired media is deleted from disk.
    pub media_sweep_interval_secs: u64,
    /// Most connections open at once (upgraded WebSockets included); more are closed on accept.
    pub max_connections: usize,
    /// Most connections open at once from one client address (an IPv6 /64 counts as one);
    /// the operator's `trusted_proxies` are held only to `max_connections`.
    pub max_connections_per_ip: usize,
    /// Time for a TLS handshake.
    pub tls_handshake_timeout_ms: u64,
    /// Time for a request's head (line and headers) to arrive, from the moment the connection is
    /// open or the previous answer went out: also how long a keep-alive connection may idle.
    pub header_read_timeout_ms: u64,
    /// Longest pause between two parts of a request body.
    pub request_body_timeout_ms: u64,
    /// Longest a write to a client may make no progress (an HTTP answer or a WebSocket frame);
    /// then the connection is dropped with what it held.
    pub write_timeout_ms: u64,
    /// Longest a WebSocket may stay silent (clients answer the relay's ping every 30 s).
    pub ws_idle_timeout_ms: u64,
    /// How long a shutdown waits for open requests and sockets before it closes them.
    pub shutdown_grace_ms: u64,
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
            max_copies_per_send: 255,
            federation_timeout_ms: 10_000,
            ip_rate: Rate { burst: 1000, per_minute: 6000 },
            account_rate: Rate { burst: 500, per_minute: 3000 },
            registration_rate: Rate { burst: 100, per_minute: 600 },
            peer_rate: Rate { burst: 5000, per_minute: 60_000 },
            max_blocks_per_account: 10_000,
            max_contacts_per_account: 10_000,
            max_groups_per_account: 1000,
            first_contacts_per_sender_per_hour: 20,
            pending_requests_per_recipient: 100,
            request_ttl_ms: isthmus_proto::api::DEFAULT_REQUEST_TTL_MS,
            envelopes_per_pending_request_per_hour: 10,
            missing_lookups_per_hour: 100,
            max_report_messages: isthmus_proto::api::MAX_REPORT_MESSAGES,
            max_report_note_chars: isthmus_proto::api::MAX_REPORT_NOTE_CHARS,
            max_report_message_chars: isthmus_proto::api::MAX_REPORT_MESSAGE_CHARS,
            reports_per_account_per_hour: 20,
            max_media_bytes: DEFAULT_MAX_MEDIA_BYTES,
            media_quota_bytes: 2 * 1024 * 1024 * 1024,
            media_quota_objects: 10_000,
            media_retention_days: 30,
            media_sweep_interval_secs: 3600,
            max_connections: 10_000,
            max_connections_per_ip: 256,
            tls_handshake_timeout_ms: 10_000,
            header_read_timeout_ms: 10_000,
            request_body_timeout_ms: 30_000,
            write_timeout_ms: 20_000,
            ws_idle_timeout_ms: 90_000,
            shutdown_grace_ms: 10_000,
        }
    }
}
