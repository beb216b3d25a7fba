//! Spam limits at the relay, seen from clients; and reports that land on the reporter's own
//! relay with exactly the messages the user chose.

use anyhow::{Context, Result};
use isthmus_e2e::{relay, Person};
use isthmus_proto::NetworkName;
use isthmus_relay::RelayConfig;

const RELAY: &str = env!("CARGO_BIN_EXE_relay-under-test");

async fn strict_relay(domain: &str, first_contacts: u32, pending: usize) -> Result<isthmus_relay::RunningRelay> {
    let mut config = RelayConfig::new(NetworkName::parse(domain)?);
    config.limits.first_contacts_per_sender_per_hour = first_contacts;
    config.limits.pending_requests_per_recipient = pending;
    Ok(isthmus_relay::start(config).await?)
}

#[tokio::test]
async fn a_sender_writing_to_too_many_new_people_is_slowed_down() -> Result<()> {
    let meadow = strict_relay("meadow.test", 2, 100).await?;
    let mut spammer = Person::join(&meadow, "spammer").await?;
    let mut targets = Vec::new();
    for name in ["ann", "ben", "cal"] {
        targets.push(Person::join(&meadow, name).await?);
    }
    for target in &targets[..2] {
        let sent = spammer.engine.send_text(&spammer.address, &target.address, "cheap watches").await?;
        spammer.sees_status(sent.id, isthmus_core::MessageStatus::Sent).await?;
    }
    let third = spammer.engine.send_text(&spammer.address, &targets[2].address, "cheap watches").await?;
    assert_eq!(
        spammer.sees_failure(third.id).await?,
        "first_contact_limit",
        "the third first contact within the hour is refused"
    );
    // Someone already written to is no first contact: the conversation goes on.
    let follow_up = spammer.engine.send_text(&spammer.address, &targets[0].address, "still interested?").await?;
    spammer.sees_status(follow_up.id, isthmus_core::MessageStatus::Sent).await?;
    Ok(())
}

#[tokio::test]
async fn a_recipient_with_too_many_pending_requests_is_shielded_until_they_clear_some() -> Result<()> {
    let meadow = strict_relay("meadow.test", 20, 2).await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let mut strangers = Vec::new();
    for name in ["s1", "s2", "s3"] {
        strangers.push(Person::join(&meadow, name).await?);
    }
    for stranger in &strangers[..2] {
        stranger.engine.send_text(&stranger.address, &bob.address, "hello").await?;
        bob.receives(&stranger.address, "hello").await?;
    }
    let third = &mut strangers[2];
    let refused = third.engine.send_text(&third.address, &bob.address, "hello").await?;
    assert_eq!(third.sees_failure(refused.id).await?, "recipient_busy", "bob already has two pending requests");

    let first = bob.engine.conversation_id(&bob.address, &strangers[0].address);
    bob.engine.delete_request(first).await?;
    let third = &mut strangers[2];
    let retry = third.engine.send_text(&third.address, &bob.address, "hello again").await?;
    third.sees_status(retry.id, isthmus_core::MessageStatus::Sent).await?;
    bob.receives(&strangers[2].address, "hello again").await?;
    Ok(())
}

#[tokio::test]
async fn a_report_reaches_the_own_relay_with_only_the_chosen_messages() -> Result<()> {
    let data = tempfile::tempdir()?;
    let meadow = isthmus_e2e::durable_relay("meadow.test", data.path()).await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let scammer = Person::join(&meadow, "scammer").await?;
    scammer.engine.send_text(&scammer.address, &bob.address, "send me your bank password").await?;
    let chosen = bob.receives(&scammer.address, "send me your bank password").await?;
    scammer.engine.send_text(&scammer.address, &bob.address, "unrelated small talk").await?;
    bob.receives(&scammer.address, "unrelated small talk").await?;

    bob.engine.report(chosen.conversation, vec![chosen.id], "fraud", "asked for my password", true).await?;
    assert!(bob.engine.contact(&bob.address, &scammer.address)?.blocked, "report and block blocks too");
    assert_eq!(
        bob.engine.ledger()?.iter().map(|e| e.decision.clone()).collect::<Vec<_>>(),
        vec![isthmus_core::Decision::RequestReported, isthmus_core::Decision::RequestBlocked]
    );

    meadow.shutdown().await;
    let output =
        std::process::Command::new(RELAY).args(["reports", "--json", "--data-dir"]).arg(data.path()).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let report = reports.as_array().and_then(|r| r.first()).context("one report")?.to_string();
    assert!(report.contains("scammer@meadow.test"), "the report names who is reported: {report}");
    assert!(report.contains("send me your bank password"), "it holds the message the user chose");
    assert!(!report.contains("unrelated small talk"), "and nothing the user did not choose");
    let _ = relay;
    Ok(())
}
