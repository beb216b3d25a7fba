//! `isthmus-cli bench relay`: the relay under load, side by side with a forwarder that keeps
//! nothing, in the same run, on this machine; the same across two peered relays; and, given a
//! PostgreSQL database, across two nodes of one network sharing it.

mod forwarder;
mod load;

use std::process::ExitCode;

use anyhow::Result;
use isthmus_proto::NetworkName;
use isthmus_relay::{Limits, Rate, RelayConfig, RunningRelay};

pub use load::Load;
use load::{Endpoint, Outcome};

/// A relay on disk (as deployed), with rate limits and per-address caps out of the benchmark's way: in its own
/// folder, or a node in `node_dir` of a network whose state is in PostgreSQL at `database_url`.
async fn relay(domain: &str, dir: &std::path::Path, database_url: Option<&str>) -> Result<RunningRelay> {
    let mut config = RelayConfig::new(NetworkName::parse(domain)?);
    config.data_dir = Some(dir.to_path_buf());
    config.database_url = database_url.map(str::to_owned);
    let unlimited = Rate { burst: 1_000_000, per_minute: 60_000_000 };
    config.limits = Limits {
        ip_rate: unlimited,
        account_rate: unlimited,
        registration_rate: unlimited,
        peer_rate: unlimited,
        first_contacts_per_sender_per_hour: 1_000_000,
        pending_requests_per_recipient: 1_000_000,
        envelopes_per_pending_request_per_hour: 1_000_000,
        // Every socket of the load comes from one address (loopback).
        max_connections_per_ip: 1_000_000,
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

/// Two nodes of network `pool.test` on one database, signing as one network.
async fn two_nodes(dir: &std::path::Path, database_url: &str) -> Result<(RunningRelay, RunningRelay)> {
    let first = relay("pool.test", &dir.join("pool-1"), Some(database_url)).await?;
    std::fs::create_dir_all(dir.join("pool-2"))?;
    std::fs::copy(dir.join("pool-1/relay.key"), dir.join("pool-2/relay.key"))?;
    let second = relay("pool.test", &dir.join("pool-2"), Some(database_url)).await?;
    Ok((first, second))
}

pub async fn relay_load(load: Load, postgres: Option<&str>, json: bool) -> Result<ExitCode> {
    let Load { pairs, messages, payload, window } = load;
    let dir = tempfile::Builder::new().prefix("isthmus-bench-").tempdir()?;
    let meadow = relay("meadow.test", &dir.path().join("meadow.test"), None).await?;
    let harbor = relay("harbor.test", &dir.path().join("harbor.test"), None).await?;
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
    let nodes = match postgres {
        Some(url) => {
            let (first, second) = two_nodes(dir.path(), url).await?;
            // A tag of its own per run: the database outlives the run, and names must be free.
            let tag = format!("p{:x}", rand::random::<u32>());
            Some(load::run(&on(&first), &on(&second), load, &tag).await?)
        }
        None => None,
    };

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
                "two_postgres_nodes": nodes.as_ref().map(value),
                "two_postgres_nodes_vs_baseline_throughput": nodes.as_ref().map(|o| o.per_second / baseline.per_second),
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
        if let Some(nodes) = &nodes {
            row("two nodes on one PostgreSQL", nodes);
        }
        println!(
            "throughput ratio relay / baseline: {:.2}; cross-network / baseline: {:.2}",
            relay_same.per_second / baseline.per_second,
            relay_cross.per_second / baseline.per_second
        );
        if let Some(nodes) = &nodes {
            println!("two PostgreSQL nodes / baseline: {:.2}", nodes.per_second / baseline.per_second);
        }
    }
    Ok(ExitCode::SUCCESS)
}
