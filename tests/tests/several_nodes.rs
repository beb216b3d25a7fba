//! A network on several relay nodes: two meadow nodes (separate processes) share one PostgreSQL
//! database behind load balancers, and harbor peers with the network, not with a node. People on
//! either node chat, a harbor person reaches both, a block made through one node holds on the
//! other at once, a limit holds across nodes, and when a node is killed in the middle of a
//! stream its clients go on through the other node and every message arrives exactly once, and
//! the file it took before it died downloads through the other.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{ensure, Context, Result};
use base64::Engine as _;
use isthmus_core::MessageStatus;
use isthmus_e2e::balancer::{socket_of, Balancer};
use isthmus_e2e::process::RelayProcess;
use isthmus_e2e::{Person, PATIENCE};
use isthmus_proto::NetworkName;
use isthmus_relay::store::conformance::databases::postgres_schema;
use isthmus_relay::{Peer, RelayConfig};

const RELAY: &str = env!("CARGO_BIN_EXE_relay-under-test");
const STREAM: usize = 1_000;

/// Starts a meadow node: its own folder, the network's shared key, database and media.
fn node(dir: &Path, seed: &[u8; 32], database_url: &str, media: &Path, harbor: &Peer) -> Result<RelayProcess> {
    std::fs::create_dir_all(dir)?;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    // Every node of a network signs as the network: one key, copied to each.
    std::fs::write(dir.join("relay.key"), format!("{}\n", encode(seed)))?;
    std::fs::write(
        dir.join("peers.toml"),
        format!(
            "[[peer]]\ndomain = \"{}\"\nurl = \"{}\"\npublic_key = \"{}\"\n",
            harbor.domain,
            harbor.url,
            encode(&harbor.public_key)
        ),
    )?;
    let config = dir.join("relay.toml");
    std::fs::write(
        &config,
        format!(
            "domain = \"meadow.test\"\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{}\"\ndatabase_url = \"{database_url}\"\n\
             media_url = \"file://{}\"\npeers_file = \"peers.toml\"\n[limits]\nfirst_contacts_per_sender_per_hour = 2\n",
            dir.display(),
            media.display()
        ),
    )?;
    RelayProcess::start_with(RELAY, &[std::ffi::OsStr::new("--config"), config.as_os_str()])
}

/// Waits until `person` has `count` messages from `peer` in their chat, and returns their bodies.
async fn bodies_from(person: &Person, peer: &Person, count: usize) -> Result<Vec<String>> {
    let conversation = person.engine.conversation_id(&person.address, &peer.address);
    let deadline = tokio::time::Instant::now() + PATIENCE * 3;
    loop {
        let mut bodies = Vec::new();
        let mut cursor = None;
        loop {
            let page = person.engine.messages(&conversation, cursor, 1000)?;
            let incoming = page.items.into_iter().filter(|m| m.direction == isthmus_core::Direction::Incoming);
            bodies.extend(incoming.map(|m| m.body));
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        if bodies.len() >= count {
            return Ok(bodies);
        }
        ensure!(tokio::time::Instant::now() < deadline, "{} of {count} messages arrived", bodies.len());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_network_on_two_nodes_over_one_postgres_survives_losing_a_node() -> Result<()> {
    let Some(schema) = postgres_schema().await else { return Ok(()) };
    let folder = tempfile::tempdir()?;
    let seed: [u8; 32] = rand::random();
    let meadow_key = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes();

    let harbor = isthmus_relay::start(RelayConfig::new(NetworkName::parse("harbor.test")?)).await?;
    let media = folder.path().join("shared-media");
    let mut node1 = Some(node(&folder.path().join("node1"), &seed, &schema.url, &media, &harbor.as_peer())?);
    let node2 = node(&folder.path().join("node2"), &seed, &schema.url, &media, &harbor.as_peer())?;
    let (one, two) = (socket_of(&node1.as_ref().context("node one")?.url)?, socket_of(&node2.url)?);
    // Clients and peers reach the network through balancers, each preferring one node.
    let via_one = Balancer::start(vec![one, two]).await?;
    let via_two = Balancer::start(vec![two, one]).await?;
    let network = Balancer::start(vec![one, two]).await?;
    harbor.set_peers(vec![Peer::new(
        NetworkName::parse("meadow.test")?,
        isthmus_e2e::RelayAt::url(&network),
        meadow_key,
    )]);

    let mut alice = Person::join(&via_one, "alice").await?;
    let mut bob = Person::join(&via_two, "bob").await?;
    let hazel = Person::join(&harbor, "hazel").await?;
    let mut mallory = Person::join(&via_one, "mallory").await?;
    let mut spammer = Person::join(&via_one, "spammer").await?;
    let mut targets = Vec::new();
    for name in ["ann", "cal", "dee"] {
        targets.push(Person::join(&via_two, name).await?);
    }

    // Across nodes: what alice's node stores wakes bob's socket on the other node.
    alice.engine.send_text(&alice.address, &bob.address, "hi bob, from node one").await?;
    bob.receives(&alice.address, "hi bob, from node one").await?;
    bob.accepts(&alice.address).await?;
    bob.engine.send_text(&bob.address, &alice.address, "hi alice, from node two").await?;
    alice.receives(&bob.address, "hi alice, from node two").await?;

    // A harbor person reaches people on both nodes.
    for person in [&alice, &bob] {
        person.allows("harbor.test").await?;
    }
    hazel.allows("meadow.test").await?;
    for person in [&alice, &bob] {
        hazel.confirms(&person.address).await?;
        hazel.engine.send_text(&hazel.address, &person.address, "hello from harbor").await?;
    }
    alice.receives(&hazel.address, "hello from harbor").await?;
    bob.receives(&hazel.address, "hello from harbor").await?;

    // A block made through node two holds for a delivery on node one at once.
    mallory.engine.send_text(&mallory.address, &bob.address, "first").await?;
    bob.receives(&mallory.address, "first").await?;
    bob.engine.block(&bob.address, &mallory.address).await?;
    let refused = mallory.engine.send_text(&mallory.address, &bob.address, "after the block").await?;
    mallory.sees_failure(refused.id).await?;

    // Two first contacts through node one spend the sender's hour on every node.
    for target in &targets[..2] {
        let sent = spammer.engine.send_text(&spammer.address, &target.address, "cheap watches").await?;
        spammer.sees_status(sent.id, MessageStatus::Sent).await?;
    }

    // A file uploaded through node one, to be downloaded through node two once node one is gone.
    let file = folder.path().join("notes.bin");
    let contents: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
    std::fs::write(&file, &contents)?;
    let with_file = alice.engine.send_file(&alice.address, &bob.address, &file, "the notes", true).await?;
    alice.sees_status(with_file.id, MessageStatus::Sent).await?;
    let arrived = bob.receives(&alice.address, "the notes").await?;

    // A stream of messages; node one dies in the middle of it.
    let mut sent = Vec::with_capacity(STREAM);
    for n in 0..STREAM {
        sent.push(alice.engine.send_text(&alice.address, &bob.address, &format!("stream {n}")).await?.id);
        if n == STREAM / 3 {
            bodies_from(&bob, &alice, 2 + STREAM / 10).await.context("the stream flows before the kill")?;
            node1.take().context("node one runs")?.kill()?;
        }
    }
    let bodies = bodies_from(&bob, &alice, 2 + STREAM).await?;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for body in bodies.iter().filter(|body| body.starts_with("stream ")) {
        *counts.entry(body.as_str()).or_default() += 1;
    }
    ensure!(counts.len() == STREAM, "every message arrives: {} of {STREAM}", counts.len());
    let twice: Vec<_> = counts.iter().filter(|(_, count)| **count > 1).collect();
    ensure!(twice.is_empty(), "every message arrives once: {twice:?}");
    alice.sees_status(*sent.last().context("sent")?, MessageStatus::Delivered).await?;

    // Media lives where every node sees it: node one's upload outlives node one.
    bob.engine.download_attachment(arrived.conversation, arrived.id, 0).await?;
    let saved = bob.engine.save_attachment(arrived.conversation, arrived.id, 0, folder.path()).await?;
    ensure!(std::fs::read(&saved.path)? == contents, "the file arrives whole through the other node");

    // The spammer is on node two now: its third first contact of the hour is refused there too.
    let third = spammer.engine.send_text(&spammer.address, &targets[2].address, "cheap watches").await?;
    assert_eq!(spammer.sees_failure(third.id).await?, "first_contact_limit", "whichever node takes it");
    drop((node2, harbor));
    schema.drop_schema().await;
    Ok(())
}
