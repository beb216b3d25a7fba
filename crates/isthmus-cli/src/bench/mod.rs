//! `isthmus-cli bench relay`: the relay under load, side by side with a forwarder that keeps
//! nothing, in the same run, on this machine; and the same across two peered relays.

mod forwarder;
mod load;

use std::process::ExitCode;

use anyhow::Result;
use isthmus_proto::NetworkName;
use isthmus_relay::{Limits, Rate, RelayConfig, RunningRelay};

pub use load::Load;
use load::{Endpoint, Outcome};

/// A relay on disk (as deployed), with rate limits out of the benchmark's way.
async fn relay(domain: &str, dir: &std::path::Path) -> Result<RunningRelay> {
    let mut config = RelayConfig::new(NetworkName::parse(domain)?);
    config.data_dir = Some(dir.join(domain));
    let unlimited = Rate { burst: 1_000_000, per_minute: 60_000_000 };
    config.limits = Limits {
        ip_rate: unlimited,
        account_rate: unlimited,
        registration_rate: unlimited,
        peer_rate: unlimited,
        first_contacts_per_sender_per_hour: 1_000_000,
        pending_requests_per_recipient: 1_000_000,
        envelopes_per_pending_request_per_hour: 1_000_000,
        ..Limits::default()
    };
    Ok(isthmus_relay::start(config).await?)
}

fn row(label: &str, outcome: &Outcome) {
    println!(
        "{label:<34} {:>8} {:>9.2} {:>10.0} {:>8.2} {:>8.2} {:>8.2}",
        outcome.delivered, outcome.seconds, outcome.per_second, outcome.p50_ms, outcome.p95_ms, outcome.p99_ms
    );
}

pub async fn relay_load(load: Load, json: bool) -> Result<ExitCode> {
    let Load { pairs, messages, payload, window } = load;
    let dir = tempfile::Builder::new().prefix("isthmus-bench-").tempdir()?;
    let meadow = relay("meadow.test", dir.path()).await?;
    let harbor = relay("harbor.test", dir.path()).await?;
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    let forwarder = Endpoint {
        url: format!("http://{}", forwarder::start().await?),
        network: "meadow.test".into(),
        register: false,
    };
    let on = |relay: &RunningRelay| Endpoint { url: relay.url(), network: relay.domain().to_string(), register: true };

    let baseline = load::run(&forwarder, &forwarder, load, "b").await?;
    let relay_same = load::run(&on(&meadow), &on(&meadow), load, "m").await?;
    let relay_cross = load::run(&on(&meadow), &on(&harbor), load, "x").await?;

    if json {
        let value = |o: &Outcome| {
            serde_json::json!({ "delivered": o.delivered, "seconds": o.seconds, "per_second": o.per_second,
                "p50_ms": o.p50_ms, "p95_ms": o.p95_ms, "p99_ms": o.p99_ms })
        };
        println!(
            "{}",
            serde_json::json!({
                "pairs": pairs, "messages_per_pair": messages, "payload_bytes": payload, "window": window,
                "baseline_forwarder": value(&baseline), "relay": value(&relay_same), "relay_cross_network": value(&relay_cross),
                "relay_vs_baseline_throughput": relay_same.per_second / baseline.per_second,
                "cross_network_vs_baseline_throughput": relay_cross.per_second / baseline.per_second,
            })
        );
    } else {
        println!(
            "relay load: {pairs} pairs x {messages} messages of {payload} bytes, {window} in flight per sender, \
             WebSocket on loopback, relays on disk"
        );
        println!(
            "{:<34} {:>8} {:>9} {:>10} {:>8} {:>8} {:>8}",
            "", "messages", "seconds", "msg/s", "p50 ms", "p95 ms", "p99 ms"
        );
        row("baseline forwarder (keeps nothing)", &baseline);
        row("relay, same network", &relay_same);
        row("relay, across two peered relays", &relay_cross);
        println!(
            "throughput ratio relay / baseline: {:.2}; cross-network / baseline: {:.2}",
            relay_same.per_second / baseline.per_second,
            relay_cross.per_second / baseline.per_second
        );
    }
    Ok(ExitCode::SUCCESS)
}
