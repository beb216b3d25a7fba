//! Prekeys and bundles on one relay.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn bundle_fetches_consume_one_time_keys_then_fall_back_to_last_resort() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let fetch = || async { bob.get("/v1/keys/alice@meadow.example").await.expect("request") };

    let first: Value = fetch().await.json().await.expect("json");
    assert_eq!(first["address"], "alice@meadow.example");
    assert_eq!(first["device"], 1);
    assert_eq!(first["registration_id"], 4242, "the registration id is part of the bundle");
    assert_eq!(first["prekey"]["id"], 1, "the first fetch gets the first one-time EC key");
    assert_eq!(first["kyber_prekey"]["id"], 1, "and a one-time Kyber key");
    let second: Value = fetch().await.json().await.expect("json");
    assert_eq!(second["prekey"]["id"], 2, "a one-time key is never handed out twice");
    let third: Value = fetch().await.json().await.expect("json");
    assert_eq!(third["prekey"], Value::Null, "with no one-time EC key left, the bundle has none");
    assert_eq!(third["kyber_prekey"]["id"], 1000, "with no one-time Kyber key left, the last-resort one is used");
    let counts: Value = alice.get("/v1/keys/count").await.expect("request").json().await.expect("json");
    assert_eq!(counts, json!({"prekeys": 0, "kyber_prekeys": 0}), "the owner sees it must replenish");

    let upload = json!({
        "prekeys": [{"id": 7, "public_key": ec_key()}],
        "kyber_prekeys": [{"id": 8, "public_key": kyber_key(), "signature": signature()}],
        "signed_prekey": {"id": 2, "public_key": ec_key(), "signature": signature()},
    });
    assert_eq!(alice.put("/v1/keys", &upload).await.expect("request").status(), 204, "replenishing works");
    let fourth: Value = fetch().await.json().await.expect("json");
    assert_eq!(fourth["prekey"]["id"], 7, "replenished keys are handed out");
    assert_eq!(fourth["kyber_prekey"]["id"], 8);
    assert_eq!(fourth["signed_prekey"]["id"], 2, "the new signed prekey replaced the old one");
    relay.shutdown().await;
}

#[tokio::test]
async fn unknown_accounts_and_networks_have_their_own_codes() {
    let relay = memory_relay("meadow.example").await;
    let bob = register(&relay, "bob").await;
    let (status, body) = error_body(bob.get("/v1/keys/nobody@meadow.example").await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("unknown_account")), "no such account here");
    let (status, body) = error_body(bob.get("/v1/directory/nobody@meadow.example").await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("unknown_account")));
    let (status, body) = error_body(bob.get("/v1/keys/carol@elsewhere.example").await.expect("request")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("network_not_peered")),
        "a network without an agreement cannot be reached"
    );
    let (status, body) = error_body(bob.get("/v1/keys/not-an-address").await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    relay.shutdown().await;
}

#[tokio::test]
async fn the_directory_and_interop_setting_work_locally() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let entry: Value =
        bob.get("/v1/directory/alice@meadow.example").await.expect("request").json().await.expect("json");
    assert_eq!(entry["address"], "alice@meadow.example");
    assert_eq!(entry["identity_key"].as_str().map(str::len), Some(44), "the 33-byte identity key, base64");

    let interop: Value = alice.get("/v1/account/interop").await.expect("request").json().await.expect("json");
    assert_eq!(interop, json!({"networks": []}), "no other network is allowed by default");
    let set: Value = alice
        .put("/v1/account/interop", &json!({"networks": ["harbor.example", "cove.example", "harbor.example"]}))
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(set, json!({"networks": ["cove.example", "harbor.example"]}), "the setting is a set");
    let (status, body) =
        error_body(alice.put("/v1/account/interop", &json!({"networks": ["Not A Domain"]})).await.expect("request"))
            .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "networks are domain names");
    relay.shutdown().await;
}
