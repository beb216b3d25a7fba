//! Signing and checking relay-to-relay requests (docs/relay-api.md, "Federation").
//!
//! The signed bytes bind the method, path, both domains, time, nonce and body, so a signature can
//! be neither moved to another request nor replayed to another relay.

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use isthmus_proto::NetworkName;
use sha2::{Digest as _, Sha256};

use crate::config::Peer;

pub const HEADER_ORIGIN: &str = "isthmus-origin";
pub const HEADER_TIMESTAMP: &str = "isthmus-timestamp";
pub const HEADER_NONCE: &str = "isthmus-nonce";
pub const HEADER_SIGNATURE: &str = "isthmus-signature";

/// The first line of the signed bytes: names the scheme so a signature means nothing elsewhere.
pub const SIGNATURE_CONTEXT: &str = "isthmus-federation-v1";

/// How far a request's timestamp may be from the receiver's clock.
pub const MAX_CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

/// What a request is signed over, besides the body.
#[derive(Clone, Debug)]
pub struct RequestLine<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub origin: &'a str,
    pub destination: &'a str,
    pub timestamp_ms: u64,
    pub nonce: &'a str,
}

/// The exact bytes that are signed.
pub fn signed_bytes(line: &RequestLine<'_>, body: &[u8]) -> Vec<u8> {
    let body_hash = hex::encode(Sha256::digest(body));
    [
        SIGNATURE_CONTEXT,
        line.method,
        line.path,
        line.origin,
        line.destination,
        &line.timestamp_ms.to_string(),
        line.nonce,
        &body_hash,
    ]
    .join("\n")
    .into_bytes()
}

/// The four headers of a signed request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeaders {
    pub origin: String,
    pub timestamp_ms: u64,
    pub nonce: String,
    /// Standard base64 of the Ed25519 signature.
    pub signature: String,
}

/// A fresh nonce: 16 random bytes as 32 hex characters.
pub fn new_nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Signs a request from `origin` to `destination`.
pub fn sign(key: &SigningKey, line: &RequestLine<'_>, body: &[u8]) -> SignatureHeaders {
    let signature = key.sign(&signed_bytes(line, body));
    SignatureHeaders {
        origin: line.origin.to_owned(),
        timestamp_ms: line.timestamp_ms,
        nonce: line.nonce.to_owned(),
        signature: base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()),
    }
}

/// Why a federation request was refused. All of them answer 403 `forbidden`; the kind is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("missing or malformed signature headers")]
    Unsigned,
    #[error("unknown origin")]
    UnknownOrigin,
    #[error("timestamp too far from the receiver's clock")]
    Stale,
    #[error("bad signature")]
    BadSignature,
    #[error("replayed nonce")]
    Replayed,
}

/// Raw header values as received; `None` where a header is missing.
#[derive(Clone, Debug, Default)]
pub struct ReceivedHeaders<'a> {
    pub origin: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// A request whose signature checked out; the nonce still has to be recorded as seen.
#[derive(Clone, Debug)]
pub struct VerifiedRequest {
    pub origin: NetworkName,
    pub timestamp_ms: u64,
    pub nonce: String,
}

fn is_valid_nonce(nonce: &str) -> bool {
    nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks everything but the nonce's freshness, which needs the store: origin known, timestamp
/// within [`MAX_CLOCK_SKEW_MS`] of `now_ms`, signature by that origin's key over this request.
pub fn verify(
    peers: impl Fn(&NetworkName) -> Option<Peer>,
    destination: &NetworkName,
    method: &str,
    path: &str,
    headers: &ReceivedHeaders<'_>,
    body: &[u8],
    now_ms: u64,
) -> Result<VerifiedRequest, Rejection> {
    let (Some(origin), Some(timestamp), Some(nonce), Some(signature)) =
        (headers.origin, headers.timestamp, headers.nonce, headers.signature)
    else {
        return Err(Rejection::Unsigned);
    };
    let origin = NetworkName::parse(origin).map_err(|_| Rejection::UnknownOrigin)?;
    let peer = peers(&origin).ok_or(Rejection::UnknownOrigin)?;
    let timestamp_ms: u64 = timestamp.parse().map_err(|_| Rejection::Unsigned)?;
    if !is_valid_nonce(nonce) {
        return Err(Rejection::Unsigned);
    }
    if timestamp_ms.abs_diff(now_ms) > MAX_CLOCK_SKEW_MS {
        return Err(Rejection::Stale);
    }
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(Rejection::BadSignature)?;
    let key = VerifyingKey::from_bytes(&peer.public_key).map_err(|_| Rejection::BadSignature)?;
    let line =
        RequestLine { method, path, origin: origin.as_str(), destination: destination.as_str(), timestamp_ms, nonce };
    key.verify_strict(&signed_bytes(&line, body), &signature).map_err(|_| Rejection::BadSignature)?;
    Ok(VerifiedRequest { origin, timestamp_ms, nonce: nonce.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn setup() -> (SigningKey, HashMap<NetworkName, Peer>, NetworkName) {
        let key = SigningKey::from_bytes(&[7; 32]);
        let origin = NetworkName::parse("meadow.example").expect("valid");
        let peer = Peer::new(origin.clone(), "http://127.0.0.1:1", key.verifying_key().to_bytes());
        let destination = NetworkName::parse("harbor.example").expect("valid");
        (key, HashMap::from([(origin, peer)]), destination)
    }

    fn received(headers: &SignatureHeaders) -> ReceivedHeaders<'_> {
        ReceivedHeaders {
            origin: Some(&headers.origin),
            timestamp: None,
            nonce: Some(&headers.nonce),
            signature: Some(&headers.signature),
        }
    }

    #[test]
    fn a_signed_request_verifies_and_a_changed_one_does_not() {
        let (key, peers, destination) = setup();
        let now = 1_700_000_000_000;
        let nonce = new_nonce();
        let line = RequestLine {
            method: "POST",
            path: "/federation/v1/deliver",
            origin: "meadow.example",
            destination: "harbor.example",
            timestamp_ms: now,
            nonce: &nonce,
        };
        let headers = sign(&key, &line, b"body");
        let timestamp = now.to_string();
        let mut raw = received(&headers);
        raw.timestamp = Some(&timestamp);
        let verified =
            verify(|d| peers.get(d).cloned(), &destination, "POST", "/federation/v1/deliver", &raw, b"body", now)
                .expect("a request signed by the peer's key verifies");
        assert_eq!(verified.origin.as_str(), "meadow.example");
        assert_eq!(
            verify(|d| peers.get(d).cloned(), &destination, "POST", "/federation/v1/deliver", &raw, b"other", now)
                .err(),
            Some(Rejection::BadSignature),
            "the body is signed, so a changed body must fail"
        );
        assert_eq!(
            verify(|d| peers.get(d).cloned(), &destination, "POST", "/federation/v1/bundle", &raw, b"body", now).err(),
            Some(Rejection::BadSignature),
            "the path is signed, so a signature cannot be moved to another route"
        );
        let other = NetworkName::parse("other.example").expect("valid");
        assert_eq!(
            verify(|d| peers.get(d).cloned(), &other, "POST", "/federation/v1/deliver", &raw, b"body", now).err(),
            Some(Rejection::BadSignature),
            "the destination is signed, so a request cannot be replayed to another relay"
        );
        assert_eq!(
            verify(
                |d| peers.get(d).cloned(),
                &destination,
                "POST",
                "/federation/v1/deliver",
                &raw,
                b"body",
                now + MAX_CLOCK_SKEW_MS + 1
            )
            .err(),
            Some(Rejection::Stale),
            "an old request must be refused even with a good signature"
        );
        assert_eq!(
            verify(|_| None, &destination, "POST", "/federation/v1/deliver", &raw, b"body", now).err(),
            Some(Rejection::UnknownOrigin),
            "only peered relays may talk to us"
        );
        assert_eq!(
            verify(
                |d| peers.get(d).cloned(),
                &destination,
                "POST",
                "/federation/v1/deliver",
                &ReceivedHeaders::default(),
                b"body",
                now
            )
            .err(),
            Some(Rejection::Unsigned)
        );
    }
}
