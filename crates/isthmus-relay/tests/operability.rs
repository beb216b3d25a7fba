//! What an operator reads and configures: `/metrics` after real traffic, request ids, and limits
//! that key on the client behind a trusted proxy (IPv6 per /64).

mod common;

use common::*;
use isthmus_relay::net::client_addr::TrustedProxies;
use isthmus_relay::{Rate, RelayConfig};

async fn scrape(relay: &isthmus_relay::RunningRelay) -> String {
    let response = reqwest::get(format!("{}/metrics", relay.url())).await.expect("a scrape");
    assert_eq!(response.status(), 200, "this machine may read the metrics");
    let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "Prometheus text format: {content_type}");
    response.text().await.expect("text")
}

/// The value of the sample whose line starts with `series` (name and labels, as rendered).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn metrics_count_the_deliveries_and_refusals_that_traffic_caused() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut socket = connect_idle(&alice).await;
    for request_id in 1..=3 {
        let result = send_and_wait(&mut socket, request_id, envelope_to(&bob.address, b"hello")).await;
        assert_eq!(result.error_code, "");
    }
    let refused = send_and_wait(&mut socket, 4, envelope_to("nobody@meadow.example", b"hello")).await;
    assert_eq!(refused.error_code, "unknown_account");
    let bad =
        post_json(&format!("{}/v1/accounts", relay.url()), &serde_json::json!({ "name": "x" })).await.expect("sent");
    assert_eq!(bad.status(), 400);

    let text = scrape(&relay).await;
    assert_eq!(sample(&text, "isthmus_deliveries_total{source=\"client\",outcome=\"queued\"}"), Some(3.0), "{text}");
    assert_eq!(sample(&text, "isthmus_deliveries_total{source=\"client\",outcome=\"unknown_account\"}"), Some(1.0));
    assert_eq!(sample(&text, "isthmus_refusals_total{code=\"unknown_account\"}"), Some(1.0), "a refused send");
    assert_eq!(sample(&text, "isthmus_refusals_total{code=\"bad_request\"}"), Some(1.0), "a refused request");
    assert_eq!(sample(&text, "isthmus_queue_depth"), Some(3.0), "bob has not read his three envelopes");
    assert!(sample(&text, "isthmus_open_connections").is_some_and(|open| open >= 1.0), "alice's socket is open");
    assert!(
        sample(&text, "isthmus_http_requests_total{route=\"/v1/accounts\",status=\"201\"}") == Some(2.0),
        "requests are counted by route template and status: {text}"
    );
    assert!(text.contains("isthmus_store_flush_seconds_bucket"), "flush latency is a histogram");
    assert!(!text.contains("alice") && !text.contains("bob"), "metrics never name a person");
}

#[tokio::test]
async fn metrics_are_not_served_through_a_proxy_the_operator_did_not_list() {
    let relay = memory_relay("meadow.example").await;
    let forwarded = reqwest::Client::new()
        .get(format!("{}/metrics", relay.url()))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("answered");
    assert_eq!(forwarded.status(), 400, "a forwarded request from an unlisted proxy is answered as an unknown route");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let relay = memory_relay("meadow.example").await;
    let response = reqwest::get(format!("{}/healthz", relay.url())).await.expect("answered");
    let id = response.headers().get("x-request-id").expect("the relay names the request");
    assert!(!id.is_empty());
    let echoed = reqwest::Client::new()
        .get(format!("{}/healthz", relay.url()))
        .header("x-request-id", "from-the-proxy-42")
        .send()
        .await
        .expect("answered");
    assert_eq!(echoed.headers()["x-request-id"], "from-the-proxy-42", "an id from the proxy is kept for its logs");
}

async fn register_from(relay: &isthmus_relay::RunningRelay, name: &str, client: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/v1/accounts", relay.url()))
        .header("x-forwarded-for", client)
        .json(&registration(name, 1, 1))
        .send()
        .await
        .expect("answered")
        .status()
        .as_u16()
}

fn one_registration_each(trusted: &[&str]) -> RelayConfig {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits.registration_rate = Rate { burst: 1, per_minute: 0 };
    config.trusted_proxies = TrustedProxies::parse(trusted).expect("valid");
    config
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_count_the_forwarded_client() {
    let relay = relay_with(one_registration_each(&["127.0.0.1"])).await;
    assert_eq!(register_from(&relay, "a1", "198.51.100.1").await, 201);
    assert_eq!(register_from(&relay, "a2", "198.51.100.2").await, 201, "another client behind the proxy");
    assert_eq!(register_from(&relay, "a3", "198.51.100.1").await, 429, "the first client's allowance is spent");
    assert_eq!(register_from(&relay, "b1", "2001:db8:0:7::1").await, 201);
    assert_eq!(register_from(&relay, "b2", "2001:db8:0:7:abcd::2").await, 429, "one IPv6 /64 is one client");
    assert_eq!(register_from(&relay, "b3", "2001:db8:0:8::1").await, 201, "the next /64 is another");
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_header_changes_nothing() {
    let relay = relay_with(one_registration_each(&[])).await;
    assert_eq!(register_from(&relay, "a1", "198.51.100.1").await, 201);
    assert_eq!(
        register_from(&relay, "a2", "198.51.100.2").await,
        429,
        "a client naming another address in X-Forwarded-For is still counted as itself"
    );
}
