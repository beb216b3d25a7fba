//! At-least-once delivery, exactly-once display: a thousand messages to someone offline all
//! arrive, in order, once; killing the relay process midway loses none; a repeated envelope
//! shows up once.

use anyhow::{Context, Result};
use isthmus_core::{Event, MessageStatus};
use isthmus_e2e::process::RelayProcess;
use isthmus_e2e::raw::{bearer, RawClient};
use isthmus_e2e::{relay, Person, PATIENCE};
use isthmus_proto::wire;

const RELAY: &str = env!("CARGO_BIN_EXE_relay-under-test");
const COUNT: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_messages_survive_a_relay_kill_and_arrive_in_order_once() -> Result<()> {
    let data = tempfile::tempdir()?;
    let first = RelayProcess::start(RELAY, "meadow.test", "127.0.0.1:0", data.path())?;
    let url = first.url.clone();
    let listen = first.listen_address().to_owned();
    let relay_at = isthmus_e2e::RemoteRelay { url: url.clone() };

    let mut alice = Person::join(&relay_at, "alice").await?;
    let mut bob = Person::join(&relay_at, "bob").await?;
    // Bob accepted alice: a stranger could queue only a handful while its request is pending.
    alice.engine.send_text(&alice.address, &bob.address, "hello").await?;
    bob.receives(&alice.address, "hello").await?;
    bob.accepts(&alice.address).await?;
    bob.engine.stop();
    alice.forget_events();

    for n in 0..COUNT {
        alice.engine.send_text(&alice.address, &bob.address, format!("m{n:04}")).await?;
    }
    // Let about a third go out, then kill the relay without warning.
    let mut sent = 0;
    alice
        .wait_for("a third of the messages to be sent", |event| {
            if matches!(event, Event::MessageUpdated { message } if message.status == MessageStatus::Sent) {
                sent += 1;
            }
            (sent >= COUNT / 3).then_some(())
        })
        .await?;
    assert!(sent < COUNT, "the kill must come while messages are still on their way");
    first.kill()?;
    let _second = RelayProcess::start(RELAY, "meadow.test", &listen, data.path())?;

    // Alice's client reconnects by itself and sends the rest.
    alice
        .wait_for("every message to be sent", |event| {
            if matches!(event, Event::MessageUpdated { message } if message.status == MessageStatus::Sent) {
                sent += 1;
            }
            (sent >= COUNT).then_some(())
        })
        .await?;

    bob.forget_events();
    bob.engine.connect(&bob.address)?;
    let bob_name = bob.address.to_string();
    bob.wait_for("bob's backlog", |event| match event {
        Event::QueueDrained { account } if *account == bob_name => Some(()),
        _ => None,
    })
    .await?;

    let conversation = bob.engine.conversation_id(&bob.address, &alice.address);
    let page = bob.engine.messages(&conversation, None, COUNT + 10)?;
    let bodies: Vec<String> =
        page.items.iter().rev().map(|m| m.body.clone()).filter(|body| body.as_str() != "hello").collect();
    let expected: Vec<String> = (0..COUNT).map(|n| format!("m{n:04}")).collect();
    assert_eq!(bodies.len(), COUNT, "every message arrives exactly once (none lost, none doubled)");
    assert_eq!(bodies, expected, "messages arrive in the order they were sent");
    Ok(())
}

#[tokio::test]
async fn an_envelope_delivered_twice_shows_up_once() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    bob.engine.stop();
    let first = alice.engine.send_text(&alice.address, &bob.address, "only once").await?;
    alice.sees_status(first.id, MessageStatus::Sent).await?;

    // Capture the envelope as the relay pushes it, without acking.
    let mut peek = RawClient::connect(&meadow.url(), Some(&bearer(&bob.engine, &bob.address)?)).await?;
    let captured = peek.drain_without_ack().await?.pop().context("the envelope is queued")?;
    peek.close().await;

    bob.engine.connect(&bob.address)?;
    bob.receives(&alice.address, "only once").await?;

    // The same envelope (same id) comes again, as after a lost ack.
    let mut replay = RawClient::connect(&meadow.url(), Some(&bearer(&alice.engine, &alice.address)?)).await?;
    replay.drain_without_ack().await?;
    replay
        .send_frame(wire::ClientFrame {
            frame: Some(wire::client_frame::Frame::Send(wire::Send { request_id: 7, envelope: Some(captured) })),
        })
        .await?;
    let answer = replay.next_frame().await?;
    assert!(
        matches!(answer.frame, Some(wire::server_frame::Frame::SendResult(ref r)) if r.error_code.is_empty()),
        "the relay queues the repeat: dropping duplicates is the client's job ({answer:?})"
    );
    // A marker message after the repeat: once it is in, the repeat has been processed.
    alice.engine.send_text(&alice.address, &bob.address, "marker").await?;
    bob.receives(&alice.address, "marker").await?;

    let conversation = bob.engine.conversation_id(&bob.address, &alice.address);
    let bodies: Vec<String> =
        bob.engine.messages(&conversation, None, 10)?.items.iter().rev().map(|m| m.body.clone()).collect();
    assert_eq!(bodies, vec!["only once", "marker"], "the repeated envelope was dropped by id");
    let _ = PATIENCE;
    Ok(())
}
