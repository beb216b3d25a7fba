//! Relays talk only to relays their operator peered with, and only in signed, fresh, unique
//! requests. The requests here are built by hand from docs/relay-api.md, so the test also
//! pins the documented signing format.

use anyhow::Result;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use isthmus_proto::{wire, Message as _, NetworkName};
use isthmus_relay::{Peer, RelayConfig};
use sha2::{Digest as _, Sha256};

const PATH: &str = "/federation/v1/directory";

struct Request {
    origin: &'static str,
    timestamp_ms: u64,
    nonce: String,
    body: Vec<u8>,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_millis() as u64
}

fn fresh_request(origin: &'static str) -> Request {
    let body = wire::FederatedDirectoryRequest {
        requester: Some(wire::Address { name: "alice".into(), network: origin.into(), device: 1 }),
        name: "carol".into(),
    }
    .encode_to_vec();
    Request { origin, timestamp_ms: now_ms(), nonce: hex::encode(rand::random::<[u8; 16]>()), body }
}

/// The bytes a relay signs, exactly as docs/relay-api.md gives them.
fn signed_bytes(request: &Request, destination: &str) -> Vec<u8> {
    format!(
        "isthmus-federation-v1\nPOST\n{PATH}\n{}\n{destination}\n{}\n{}\n{}",
        request.origin,
        request.timestamp_ms,
        request.nonce,
        hex::encode(Sha256::digest(&request.body))
    )
    .into_bytes()
}

async fn send(url: &str, request: &Request, signature: &[u8]) -> Result<u16> {
    let response = reqwest::Client::new()
        .post(format!("{url}{PATH}"))
        .header("Isthmus-Origin", request.origin)
        .header("Isthmus-Timestamp", request.timestamp_ms.to_string())
        .header("Isthmus-Nonce", &request.nonce)
        .header("Isthmus-Signature", base64::engine::general_purpose::STANDARD.encode(signature))
        .header("content-type", "application/x-protobuf")
        .body(request.body.clone())
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn only_fresh_unique_requests_signed_by_a_peer_get_through() -> Result<()> {
    let meadow_key = SigningKey::from_bytes(&[7u8; 32]);
    let stranger_key = SigningKey::from_bytes(&[9u8; 32]);
    let mut config = RelayConfig::new(NetworkName::parse("harbor.test")?);
    config.peers = vec![Peer::new(
        NetworkName::parse("meadow.test")?,
        "http://127.0.0.1:9",
        meadow_key.verifying_key().to_bytes(),
    )];
    let harbor = isthmus_relay::start(config).await?;
    let url = harbor.url();

    // A correct request from the peer is answered (404: carol does not exist, which is fine).
    let good = fresh_request("meadow.test");
    let status = send(&url, &good, &meadow_key.sign(&signed_bytes(&good, "harbor.test")).to_bytes()).await?;
    assert_ne!(status, 403, "a fresh request signed by a peer is not refused as forbidden");
    assert!(status == 200 || status == 404, "it gets a real answer, got {status}");

    // The same request again: a replayed nonce.
    let status = send(&url, &good, &meadow_key.sign(&signed_bytes(&good, "harbor.test")).to_bytes()).await?;
    assert_eq!(status, 403, "a replayed nonce is refused");

    // A relay harbor never peered with, correctly signed with its own key.
    let stranger = fresh_request("stranger.test");
    let status = send(&url, &stranger, &stranger_key.sign(&signed_bytes(&stranger, "harbor.test")).to_bytes()).await?;
    assert_eq!(status, 403, "an unpeered relay is refused");

    // Claiming to be meadow without meadow's key.
    let forged = fresh_request("meadow.test");
    let status = send(&url, &forged, &stranger_key.sign(&signed_bytes(&forged, "harbor.test")).to_bytes()).await?;
    assert_eq!(status, 403, "a bad signature is refused");

    // Signed for another destination: a request cannot be replayed against another relay.
    let elsewhere = fresh_request("meadow.test");
    let status = send(&url, &elsewhere, &meadow_key.sign(&signed_bytes(&elsewhere, "other.test")).to_bytes()).await?;
    assert_eq!(status, 403, "a signature for another destination is refused");

    // Ten minutes old.
    let mut stale = fresh_request("meadow.test");
    stale.timestamp_ms -= 10 * 60 * 1000;
    let status = send(&url, &stale, &meadow_key.sign(&signed_bytes(&stale, "harbor.test")).to_bytes()).await?;
    assert_eq!(status, 403, "a stale timestamp is refused");

    // A body changed after signing.
    let mut tampered = fresh_request("meadow.test");
    let signature = meadow_key.sign(&signed_bytes(&tampered, "harbor.test")).to_bytes();
    tampered.body.push(0);
    let status = send(&url, &tampered, &signature).await?;
    assert_eq!(status, 403, "a body that does not match the signed digest is refused");

    let unsigned = reqwest::Client::new().post(format!("{url}{PATH}")).body(good.body.clone()).send().await?;
    assert_eq!(unsigned.status().as_u16(), 403, "an unsigned request is refused");
    Ok(())
}
