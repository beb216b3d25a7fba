//! Registration, authentication and the limits on the control plane.

mod common;

use common::*;
use isthmus_relay::{Limits, Rate, RelayConfig};
use serde_json::json;

#[tokio::test]
async fn registration_issues_an_address_and_a_working_secret() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    assert_eq!(alice.address, "alice@meadow.example", "the address names the relay's network");
    let response = alice.get("/v1/keys/count").await.expect("request");
    assert_eq!(response.status(), 200, "the issued secret must authenticate the device");
    let counts: serde_json::Value = response.json().await.expect("json");
    assert_eq!(counts, json!({"prekeys": 2, "kyber_prekeys": 2}), "the registration's one-time keys are stored");
    relay.shutdown().await;
}

#[tokio::test]
async fn bad_and_taken_names_are_refused() {
    let relay = memory_relay("meadow.example").await;
    let url = format!("{}/v1/accounts", relay.url());
    for bad in ["", "Alice", "9lives", "al ice", "alïce", &"a".repeat(33)] {
        let (status, body) = error_body(post_json(&url, &registration(bad, 0, 0)).await.expect("request")).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_name")), "{bad:?} breaks the name rules");
    }
    register(&relay, "alice").await;
    let (status, body) = error_body(post_json(&url, &registration("alice", 0, 0)).await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("name_taken")), "a name belongs to one account");
    relay.shutdown().await;
}

#[tokio::test]
async fn malformed_keys_are_refused() {
    let relay = memory_relay("meadow.example").await;
    let url = format!("{}/v1/accounts", relay.url());
    let mut short_identity = registration("alice", 0, 0);
    short_identity["identity_key"] = json!(b64(&[5; 32]));
    let mut not_base64 = registration("alice", 0, 0);
    not_base64["signed_prekey"]["public_key"] = json!("***");
    let mut ec_as_kyber = registration("alice", 0, 0);
    ec_as_kyber["kyber_last_resort"]["public_key"] = json!(ec_key());
    let mut short_signature = registration("alice", 0, 0);
    short_signature["signed_prekey"]["signature"] = json!(b64(&[1; 63]));
    for (why, body) in [
        ("an identity key is 33 bytes", short_identity),
        ("keys are base64", not_base64),
        ("the last-resort key is a Kyber1024 key", ec_as_kyber),
        ("signatures are 64 bytes", short_signature),
    ] {
        let (status, error) = error_body(post_json(&url, &body).await.expect("request")).await;
        assert_eq!((status, error["code"].as_str()), (400, Some("bad_request")), "{why}");
    }
    let (status, error) = error_body(
        reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!((status, error["code"].as_str()), (400, Some("bad_request")), "malformed JSON is a bad request");
    relay.shutdown().await;
}

#[tokio::test]
async fn requests_without_valid_credentials_are_refused() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let client = reqwest::Client::new();
    let url = format!("{}/v1/keys/count", relay.url());
    let wrong_secret = format!("Bearer alice/1/{}", "A".repeat(43));
    for (why, header) in [
        ("a missing header", None),
        ("a wrong secret", Some(wrong_secret)),
        ("another account's name", Some(format!("Bearer bob/1/{}", alice.secret))),
        ("another device", Some(format!("Bearer alice/2/{}", alice.secret))),
        ("a malformed token", Some("Bearer nonsense".to_owned())),
    ] {
        let mut request = client.get(&url);
        if let Some(header) = header {
            request = request.header("authorization", header);
        }
        let (status, body) = error_body(request.send().await.expect("request")).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{why} must not authenticate");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn the_relay_stores_only_the_secret_hash() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = Some(dir.path().to_path_buf());
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    relay.shutdown().await;

    let mut files = Vec::new();
    let mut folders = vec![dir.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(std::fs::read(&path).expect("readable"));
            }
        }
    }
    let contains = |needle: &[u8]| files.iter().any(|file| file.windows(needle.len()).any(|window| window == needle));
    let raw_secret = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &alice.secret)
        .expect("the secret is base64url");
    let hash = sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), alice.secret.as_bytes()));
    assert!(contains(&hash), "the hash must be found (SQLite keeps it raw), or this scan proves nothing");
    assert!(!contains(alice.secret.as_bytes()), "the secret's text must never reach the disk");
    assert!(!contains(&raw_secret), "nor its raw bytes");
}

#[tokio::test]
async fn an_oversized_json_body_is_too_large() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { max_json_body_bytes: 4 * 1024, ..Limits::default() };
    let relay = relay_with(config).await;
    let body = registration("alice", 20, 5);
    assert!(body.to_string().len() > 4 * 1024, "the test body must be over the limit");
    let (status, error) =
        error_body(post_json(&format!("{}/v1/accounts", relay.url()), &body).await.expect("request")).await;
    assert_eq!((status, error["code"].as_str()), (413, Some("too_large")), "bodies over the limit are refused");
    relay.shutdown().await;
}

#[tokio::test]
async fn too_many_prekeys_in_one_upload_are_too_large() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { max_prekeys_per_upload: 3, ..Limits::default() };
    let relay = relay_with(config).await;
    let (status, error) = error_body(
        post_json(&format!("{}/v1/accounts", relay.url()), &registration("alice", 4, 0)).await.expect("request"),
    )
    .await;
    assert_eq!((status, error["code"].as_str()), (413, Some("too_large")), "a batch over the limit is refused");
    let alice = register(&relay, "alice").await;
    let batch: Vec<_> = (10..14).map(|id| json!({"id": id, "public_key": ec_key()})).collect();
    let (status, error) = error_body(alice.put("/v1/keys", &json!({"prekeys": batch})).await.expect("request")).await;
    assert_eq!((status, error["code"].as_str()), (413, Some("too_large")), "uploads have the same limit");
    relay.shutdown().await;
}

#[tokio::test]
async fn registrations_over_the_rate_are_limited() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { registration_rate: Rate { burst: 2, per_minute: 1 }, ..Limits::default() };
    let relay = relay_with(config).await;
    register(&relay, "alice").await;
    register(&relay, "bob").await;
    let response =
        post_json(&format!("{}/v1/accounts", relay.url()), &registration("carol", 0, 0)).await.expect("request");
    let retry_after = response.headers().get("retry-after").and_then(|value| value.to_str().ok()).map(str::to_owned);
    let (status, error) = error_body(response).await;
    assert_eq!((status, error["code"].as_str()), (429, Some("rate_limited")), "the burst of two is used up");
    let retry_after: u64 = retry_after.expect("a rate-limited answer says when to retry").parse().expect("seconds");
    assert!(retry_after >= 1, "Retry-After is a positive number of seconds");
    relay.shutdown().await;
}

#[tokio::test]
async fn requests_over_the_account_rate_are_limited() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { account_rate: Rate { burst: 3, per_minute: 1 }, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    for _ in 0..3 {
        assert_eq!(alice.get("/v1/keys/count").await.expect("request").status(), 200, "within the burst");
    }
    let (status, error) = error_body(alice.get("/v1/keys/count").await.expect("request")).await;
    assert_eq!((status, error["code"].as_str()), (429, Some("rate_limited")), "the account's bucket is empty");
    relay.shutdown().await;
}

#[tokio::test]
async fn health_reports_the_network() {
    let relay = memory_relay("meadow.example").await;
    let body: serde_json::Value =
        reqwest::get(format!("{}/healthz", relay.url())).await.expect("request").json().await.expect("json");
    assert_eq!(
        body,
        json!({"status": "ok", "network": "meadow.example", "protocol": 1, "features": ["send_to_members"]}),
        "the documented shape"
    );
    relay.shutdown().await;
}

const BIN: &str = env!("CARGO_BIN_EXE_isthmus-relay");

/// `isthmus-relay invite create` against the relay's data folder, beside the running relay.
fn invite_tokens(data_dir: &std::path::Path, count: u32) -> Vec<String> {
    let output = std::process::Command::new(BIN)
        .args(["invite", "create", "--count", &count.to_string(), "--data-dir"])
        .arg(data_dir)
        .output()
        .expect("the relay binary runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8").lines().map(str::to_owned).collect()
}

async fn relay_with_policy(
    policy: isthmus_relay::RegistrationPolicy,
    dir: &std::path::Path,
) -> isthmus_relay::RunningRelay {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = Some(dir.to_path_buf());
    config.registration = policy;
    relay_with(config).await
}

/// A registration attempt's status and exact body.
async fn attempt(url: &str, name: &str, invite: Option<&str>) -> (u16, String) {
    let mut body = registration(name, 0, 0);
    if let Some(invite) = invite {
        body["invite"] = json!(invite);
    }
    let response = post_json(url, &body).await.expect("request");
    (response.status().as_u16(), response.text().await.expect("a body"))
}

#[tokio::test]
async fn on_an_invite_network_a_taken_name_answers_exactly_as_a_free_one_without_an_invitation() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let relay = relay_with_policy(isthmus_relay::RegistrationPolicy::Invite, dir.path()).await;
    let url = format!("{}/v1/accounts", relay.url());
    let tokens = invite_tokens(dir.path(), 2);
    assert_eq!(tokens.len(), 2);
    assert_eq!(attempt(&url, "hidden", Some(&tokens[0])).await.0, 201, "an invitation lets someone in");

    let taken = attempt(&url, "hidden", None).await;
    let free = attempt(&url, "nobodyhere", None).await;
    assert_eq!(taken, free, "without an invitation nobody can tell who exists");
    assert_eq!(taken.0, 403);
    assert_eq!(attempt(&url, "hidden", Some("isthmus-invite-00000000000000000000000000000000")).await, free);
    assert_eq!(attempt(&url, "Not A Name", None).await, free, "not even by a name's validity");
    assert_eq!(attempt(&url, "other", Some(&tokens[0])).await, free, "an invitation is used once");

    let (status, body) = attempt(&url, "hidden", Some(&tokens[1])).await;
    assert_eq!(status, 409, "with a valid invitation, a taken name is said to be taken: {body}");
    assert_eq!(attempt(&url, "second", Some(&tokens[1])).await.0, 201, "and the invitation was given back");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_closed_network_registers_nobody_and_an_open_one_anyone() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let relay = relay_with_policy(isthmus_relay::RegistrationPolicy::Closed, dir.path()).await;
    let url = format!("{}/v1/accounts", relay.url());
    let tokens = invite_tokens(dir.path(), 1);
    assert_eq!(attempt(&url, "alice", None).await.0, 403);
    assert_eq!(attempt(&url, "alice", Some(&tokens[0])).await.0, 403, "not even with an invitation");
    relay.shutdown().await;
    let open = memory_relay("harbor.example").await;
    assert_eq!(attempt(&format!("{}/v1/accounts", open.url()), "alice", None).await.0, 201, "open is the default");
    open.shutdown().await;
}
