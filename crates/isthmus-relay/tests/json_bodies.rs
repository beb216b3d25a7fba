//! Every JSON body the relay reads is one JSON object sent as `application/json`; anything else
//! is `bad_request` in the relay's error shape, and nothing is stored.

mod common;

use common::*;
use serde_json::json;

async fn put_raw(account: &Account, path: &str, content_type: Option<&str>, body: &str) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .put(format!("{}{path}", account.base_url))
        .header("authorization", account.authorization())
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn arrays_other_types_and_integral_floats() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let interop = r#"{"networks": ["harbor.example"]}"#;

    // serde reads a struct from an array too; the relay does not.
    let (status, body) = put_raw(&alice, "/v1/keys", Some("application/json"), "[null, null]").await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "{body}");
    let (status, body) = put_raw(&alice, "/v1/account/interop", None, interop).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "no Content-Type: {body}");
    let (status, _) = put_raw(&alice, "/v1/account/interop", Some("text/plain"), interop).await;
    assert_eq!(status, 400);
    let settings: serde_json::Value = alice.get("/v1/account/interop").await.unwrap().json().await.unwrap();
    assert_eq!(settings["networks"], json!([]), "nothing refused was stored");

    let (status, _) = put_raw(&alice, "/v1/account/interop", Some("application/json; charset=utf-8"), interop).await;
    assert_eq!(status, 200, "parameters of the type are fine");
    let (status, body) =
        put_raw(&alice, "/v1/account/interop", Some("application/json"), r#"{"networks": [""]}"#).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "a network is a domain name");

    // JSON Schema's integers: 7.0 is 7, 7.5 is not an integer.
    let before: serde_json::Value = alice.get("/v1/keys/count").await.unwrap().json().await.unwrap();
    let mut keys = json!({ "prekeys": [{ "id": 7.0, "public_key": ec_key() }] });
    assert_eq!(put_raw(&alice, "/v1/keys", Some("application/json"), &keys.to_string()).await.0, 204);
    keys["prekeys"][0]["id"] = json!(7.5);
    assert_eq!(put_raw(&alice, "/v1/keys", Some("application/json"), &keys.to_string()).await.0, 400);
    let counts: serde_json::Value = alice.get("/v1/keys/count").await.unwrap().json().await.unwrap();
    assert_eq!(
        counts["prekeys"].as_u64(),
        before["prekeys"].as_u64().map(|n| n + 1),
        "only the integral id was stored"
    );
    relay.shutdown().await;
}
