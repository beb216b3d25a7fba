//! Two peered relays in one process: remote look-ups, bundles and deliveries, consent, and the
//! checks every federation request must pass.

mod common;

use common::*;
use ed25519_dalek::SigningKey;
use isthmus_proto::{wire, Message as _};
use isthmus_relay::federation::signature::{self, RequestLine};
use isthmus_relay::{Peer, RelayConfig, RunningRelay};
use serde_json::Value;

/// Meadow's key is fixed so that tests can sign requests as meadow.
const MEADOW_SEED: [u8; 32] = [11; 32];

async fn peered_pair() -> (RunningRelay, RunningRelay) {
    let mut meadow_config = RelayConfig::new(network("meadow.example"));
    meadow_config.signing_key = Some(MEADOW_SEED);
    let meadow = relay_with(meadow_config).await;
    let harbor = memory_relay("harbor.example").await;
    // Both bound port 0, so each learns the other's URL only now.
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    (meadow, harbor)
}

#[tokio::test]
async fn remote_lookups_bundles_and_deliveries_need_consent_and_otherwise_look_unknown() {
    let (meadow, harbor) = peered_pair().await;
    let alice = register(&meadow, "alice").await;
    let bob = register(&harbor, "bob").await;

    // Before bob allows meadow, he must look exactly like someone who does not exist.
    for path in ["/v1/directory/", "/v1/keys/"] {
        let hidden = error_body(alice.get(&format!("{path}bob@harbor.example")).await.expect("request")).await;
        let missing = error_body(alice.get(&format!("{path}nobody@harbor.example")).await.expect("request")).await;
        assert_eq!(hidden.0, 404, "{path}: an account that has not allowed meadow is not found");
        assert_eq!(hidden.1["code"], "unknown_account");
        assert_eq!(hidden, missing, "{path}: same status and body as a missing account, so nothing can be probed");
    }
    let mut alice_socket = connect_idle(&alice).await;
    let hidden = send_and_wait(&mut alice_socket, 1, envelope_to("bob@harbor.example", b"hi")).await;
    let missing = send_and_wait(&mut alice_socket, 2, envelope_to("nobody@harbor.example", b"hi")).await;
    assert_eq!(hidden.error_code, "unknown_account", "a delivery to someone who did not allow meadow is refused");
    assert_eq!(
        (hidden.error_code, hidden.error_message),
        (missing.error_code, missing.error_message),
        "and refused exactly like one to nobody"
    );
    let counts: Value = bob.get("/v1/keys/count").await.expect("request").json().await.expect("json");
    assert_eq!(counts["prekeys"], 2, "a refused network must not have consumed any of bob's one-time keys");

    bob.allow(&["meadow.example"]).await.expect("bob allows meadow");
    let entry: Value =
        alice.get("/v1/directory/bob@harbor.example").await.expect("request").json().await.expect("json");
    assert_eq!(entry["address"], "bob@harbor.example", "once allowed, bob is found through alice's own relay");
    let bundle: Value = alice.get("/v1/keys/bob@harbor.example").await.expect("request").json().await.expect("json");
    assert_eq!(bundle["prekey"]["id"], 1, "the remote relay hands out one of bob's one-time keys");
    assert_eq!(bundle["identity_key"], entry["identity_key"], "bundle and directory agree on the identity key");

    let envelope = envelope_to("bob@harbor.example", b"across the water");
    let id = envelope.id.clone();
    let result = send_and_wait(&mut alice_socket, 3, envelope).await;
    assert_eq!(result.error_code, "", "the send succeeds once harbor has queued it durably");
    let mut bob_socket = bob.connect().await.expect("bob connects");
    let pushed = expect_push(&mut bob_socket).await;
    assert_eq!(pushed.id, id);
    assert_eq!(pushed.ciphertext, b"across the water");
    let source = pushed.source.expect("the source is set");
    assert_eq!(
        (source.name.as_str(), source.network.as_str()),
        ("alice", "meadow.example"),
        "the source is alice on meadow, as meadow's relay vouched"
    );

    // Consent is only about other networks: bob's own network reaches him regardless.
    let carol = register(&harbor, "carol").await;
    bob.allow(&[]).await.expect("bob withdraws");
    let mut carol_socket = connect_idle(&carol).await;
    assert_eq!(send_and_wait(&mut carol_socket, 1, envelope_to("bob@harbor.example", b"x")).await.error_code, "");
    let withdrawn = send_and_wait(&mut alice_socket, 4, envelope_to("bob@harbor.example", b"x")).await;
    assert_eq!(withdrawn.error_code, "unknown_account", "withdrawn consent takes effect at once");
    meadow.shutdown().await;
    harbor.shutdown().await;
}

#[tokio::test]
async fn a_dead_peer_is_peer_unavailable() {
    let meadow = memory_relay("meadow.example").await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        listener.local_addr().expect("has an address").port()
    };
    meadow.set_peers(vec![Peer::new(
        network("harbor.example"),
        format!("http://127.0.0.1:{port}"),
        SigningKey::from_bytes(&[3; 32]).verifying_key().to_bytes(),
    )]);
    let alice = register(&meadow, "alice").await;
    let (status, body) = error_body(alice.get("/v1/keys/bob@harbor.example").await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (502, Some("peer_unavailable")), "nobody answers on that port");
    let mut socket = connect_idle(&alice).await;
    let result = send_and_wait(&mut socket, 1, envelope_to("bob@harbor.example", b"x")).await;
    assert_eq!(result.error_code, "peer_unavailable", "a send is not acknowledged when the peer did not queue it");
    meadow.shutdown().await;
}

/// A raw federation request to `relay`, signed (or not) as the test says.
struct RawRequest {
    path: &'static str,
    body: Vec<u8>,
    origin: &'static str,
    key: Option<SigningKey>,
    timestamp_ms: u64,
    nonce: String,
}

impl RawRequest {
    fn directory(requester: &str, name: &str) -> Self {
        let body = wire::FederatedDirectoryRequest {
            requester: Some(wire::Address { name: requester.into(), network: "meadow.example".into(), device: 1 }),
            name: name.into(),
        }
        .encode_to_vec();
        Self {
            path: "/federation/v1/directory",
            body,
            origin: "meadow.example",
            key: Some(SigningKey::from_bytes(&MEADOW_SEED)),
            timestamp_ms: isthmus_relay::clock::now_ms(),
            nonce: signature::new_nonce(),
        }
    }

    async fn send(&self, relay: &RunningRelay) -> reqwest::Response {
        let mut request = reqwest::Client::new()
            .post(format!("{}{}", relay.url(), self.path))
            .header("content-type", "application/x-protobuf")
            .body(self.body.clone());
        if let Some(key) = &self.key {
            let line = RequestLine {
                method: "POST",
                path: self.path,
                origin: self.origin,
                destination: relay.domain().as_str(),
                timestamp_ms: self.timestamp_ms,
                nonce: &self.nonce,
            };
            let headers = signature::sign(key, &line, &self.body);
            request = request
                .header(signature::HEADER_ORIGIN, headers.origin)
                .header(signature::HEADER_TIMESTAMP, headers.timestamp_ms.to_string())
                .header(signature::HEADER_NONCE, headers.nonce)
                .header(signature::HEADER_SIGNATURE, headers.signature);
        }
        request.send().await.expect("the relay answers")
    }
}

async fn assert_forbidden(response: reqwest::Response, why: &str) {
    let (status, body) = error_body(response).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{why}");
}

#[tokio::test]
async fn federation_requests_must_be_signed_fresh_and_unique() {
    let (_meadow, harbor) = peered_pair().await;
    let bob = register(&harbor, "bob").await;
    bob.allow(&["meadow.example"]).await.expect("allowed");

    let good = RawRequest::directory("alice", "bob");
    let response = good.send(&harbor).await;
    assert_eq!(response.status(), 200, "a correctly signed request from a peer is answered");
    let found = wire::FederatedDirectoryResult::decode(response.bytes().await.expect("body").as_ref()).expect("proto");
    assert!(found.found, "bob allowed meadow, so meadow may find him");

    assert_forbidden(good.send(&harbor).await, "the same nonce a second time is a replay").await;

    let unsigned = RawRequest { key: None, ..RawRequest::directory("alice", "bob") };
    assert_forbidden(unsigned.send(&harbor).await, "an unsigned request").await;

    let stranger = RawRequest { origin: "stranger.example", ..RawRequest::directory("alice", "bob") };
    assert_forbidden(stranger.send(&harbor).await, "an origin harbor has no agreement with").await;

    let wrong_key =
        RawRequest { key: Some(SigningKey::from_bytes(&[99; 32])), ..RawRequest::directory("alice", "bob") };
    assert_forbidden(wrong_key.send(&harbor).await, "a signature by another key than meadow's").await;

    let mut stale = RawRequest::directory("alice", "bob");
    stale.timestamp_ms -= 6 * 60 * 1000;
    assert_forbidden(stale.send(&harbor).await, "a timestamp six minutes old").await;

    let mut future = RawRequest::directory("alice", "bob");
    future.timestamp_ms += 6 * 60 * 1000;
    assert_forbidden(future.send(&harbor).await, "a timestamp six minutes ahead").await;
}

#[tokio::test]
async fn a_peer_can_only_speak_for_its_own_users() {
    let (_meadow, harbor) = peered_pair().await;
    let bob = register(&harbor, "bob").await;
    bob.allow(&["meadow.example"]).await.expect("allowed");

    let mut envelope = envelope_to("bob@harbor.example", b"forged");
    envelope.source = Some(wire::Address { name: "carol".into(), network: "harbor.example".into(), device: 1 });
    let body = wire::FederatedDelivery { envelopes: vec![envelope] }.encode_to_vec();
    let forged = RawRequest { path: "/federation/v1/deliver", body, ..RawRequest::directory("alice", "bob") };
    assert_forbidden(forged.send(&harbor).await, "meadow may not deliver envelopes from harbor's users").await;

    let mut envelope = envelope_to("bob@harbor.example", b"genuine");
    envelope.source = Some(wire::Address { name: "alice".into(), network: "meadow.example".into(), device: 1 });
    let body = wire::FederatedDelivery { envelopes: vec![envelope] }.encode_to_vec();
    let genuine = RawRequest { path: "/federation/v1/deliver", body, ..RawRequest::directory("alice", "bob") };
    let response = genuine.send(&harbor).await;
    assert_eq!(response.status(), 200);
    let result = wire::FederatedDeliveryResult::decode(response.bytes().await.expect("body").as_ref()).expect("proto");
    assert_eq!(result.error_codes, vec![String::new()], "an envelope from meadow's own user is queued");

    let bundle_for_other = wire::FederatedBundleRequest {
        requester: Some(wire::Address { name: "carol".into(), network: "harbor.example".into(), device: 1 }),
        name: "bob".into(),
        device: 1,
    };
    let request = RawRequest {
        path: "/federation/v1/bundle",
        body: bundle_for_other.encode_to_vec(),
        ..RawRequest::directory("alice", "bob")
    };
    assert_forbidden(request.send(&harbor).await, "meadow may not ask on behalf of someone on another network").await;
}
