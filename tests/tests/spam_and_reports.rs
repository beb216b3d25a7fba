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

    bob.engine
        .report(
            chosen.conversation,
            vec![chosen.id],
            isthmus_proto::api::ReportReason::Fraud,
            "asked for my password",
            true,
        )
        .await?;
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

/// The reports the relay in `data` holds, as its admin command lists them.
fn stored_reports(data: &std::path::Path) -> Result<Vec<serde_json::Value>> {
    let output = std::process::Command::new(RELAY).args(["reports", "--json", "--data-dir"]).arg(data).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Ok(serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout)?)
}

#[tokio::test]
async fn a_report_with_every_reason_the_client_offers_reaches_the_relay() -> Result<()> {
    use isthmus_proto::api::ReportReason;
    let data = tempfile::tempdir()?;
    let meadow = isthmus_e2e::durable_relay("meadow.test", data.path()).await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let pest = Person::join(&meadow, "pest").await?;
    pest.engine.send_text(&pest.address, &bob.address, "hi").await?;
    let message = bob.receives(&pest.address, "hi").await?;
    for reason in ReportReason::ALL {
        bob.engine.report(message.conversation, vec![message.id], reason, "", false).await?;
    }
    meadow.shutdown().await;
    let mut reasons: Vec<String> =
        stored_reports(data.path())?.iter().filter_map(|r| r["reason"].as_str().map(str::to_owned)).collect();
    reasons.sort();
    let mut expected: Vec<String> = ReportReason::ALL.iter().map(|r| r.as_str().to_owned()).collect();
    expected.sort();
    assert_eq!(reasons, expected, "one list of reasons from the client to the relay's store");
    Ok(())
}

#[tokio::test]
async fn report_and_block_after_a_flood_of_long_messages_blocks_and_files_a_report_cut_to_fit() -> Result<()> {
    use isthmus_proto::api::{ReportReason, CUT_MARK, MAX_REPORT_MESSAGES, MAX_REPORT_MESSAGE_CHARS};
    let data = tempfile::tempdir()?;
    let meadow = isthmus_e2e::durable_relay("meadow.test", data.path()).await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let flooder = Person::join(&meadow, "flooder").await?;
    flooder.engine.send_text(&flooder.address, &bob.address, "hello, friend").await?;
    bob.receives(&flooder.address, "hello, friend").await?;
    bob.accepts(&flooder.address).await?;
    let long = "buy now ".repeat(MAX_REPORT_MESSAGE_CHARS / 4);
    for n in 0..60 {
        let body = if n == 59 { format!("{long} last") } else { format!("offer {n}") };
        flooder.engine.send_text(&flooder.address, &bob.address, &body).await?;
    }
    let last = bob.receives(&flooder.address, &format!("{long} last")).await?;
    let all = bob.engine.messages(&last.conversation, None, 1000)?.items;
    let ids: Vec<_> = all.iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), 61);

    bob.engine.report(last.conversation, ids, ReportReason::Spam, "", true).await?;
    assert!(bob.engine.contact(&bob.address, &flooder.address)?.blocked, "the block is not skipped");
    meadow.shutdown().await;
    let reports = stored_reports(data.path())?;
    let messages = reports.first().and_then(|r| r["messages"].as_array()).context("one report with messages")?;
    assert_eq!(messages.len(), MAX_REPORT_MESSAGES, "the newest that fit a report");
    let bodies: Vec<&str> = messages.iter().filter_map(|m| m["body"].as_str()).collect();
    assert!(!bodies.contains(&"hello, friend"), "the oldest are the ones left out");
    let cut = bodies.last().context("the newest message")?;
    assert!(cut.ends_with(CUT_MARK) && cut.chars().count() == MAX_REPORT_MESSAGE_CHARS, "cut with a mark");
    Ok(())
}

#[tokio::test]
async fn report_and_block_blocks_even_when_the_report_is_refused_and_records_only_the_block() -> Result<()> {
    use isthmus_proto::api::ReportReason;
    let mut config = RelayConfig::new(NetworkName::parse("meadow.test")?);
    config.limits.reports_per_account_per_hour = 0;
    let meadow = isthmus_relay::start(config).await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let pest = Person::join(&meadow, "pest").await?;
    pest.engine.send_text(&pest.address, &bob.address, "hi").await?;
    let message = bob.receives(&pest.address, "hi").await?;

    let error = bob
        .engine
        .report(message.conversation, vec![message.id], ReportReason::Harassment, "", true)
        .await
        .expect_err("the relay takes no reports from bob this hour");
    assert_eq!(error.code(), isthmus_core::ErrorCode::ReportNotSent);
    assert!(error.to_string().contains("blocked"), "the person hears that the block took: {error}");
    assert!(error.to_string().contains("will be sent"), "and that the report is kept: {error}");
    assert!(bob.engine.contact(&bob.address, &pest.address)?.blocked, "blocked all the same");
    assert_eq!(
        bob.engine.ledger()?.iter().map(|e| e.decision.clone()).collect::<Vec<_>>(),
        vec![isthmus_core::Decision::RequestBlocked],
        "the ledger says what happened: a block, no report"
    );
    let kept = bob.engine.unsent_reports(&bob.address)?;
    assert_eq!(kept.len(), 1, "the report waits to be sent: {kept:?}");
    assert_eq!(
        (kept[0].address.as_str(), kept[0].reason, kept[0].messages),
        (pest.address.account().as_str(), ReportReason::Harassment, 1)
    );
    Ok(())
}

/// "Report and block" deletes the request and its messages, so a report that failed must be
/// kept as built: it goes out once the relay answers again, and only then is it in the ledger.
#[tokio::test]
async fn a_report_that_failed_is_sent_when_the_relay_answers_again_with_the_messages_of_a_deleted_request() -> Result<()>
{
    use isthmus_proto::api::ReportReason;
    let data = tempfile::tempdir()?;
    let mut config = RelayConfig::new(NetworkName::parse("meadow.test")?);
    config.data_dir = Some(data.path().to_path_buf());
    config.limits.reports_per_account_per_hour = 0;
    let meadow = isthmus_relay::start(config.clone()).await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let pest = Person::join(&meadow, "pest").await?;
    pest.engine.send_text(&pest.address, &bob.address, "send me your bank password").await?;
    let message = bob.receives(&pest.address, "send me your bank password").await?;
    let error = bob
        .engine
        .report(message.conversation, vec![message.id], ReportReason::Fraud, "asked for money", true)
        .await
        .expect_err("the relay takes no reports this hour");
    assert_eq!(error.code(), isthmus_core::ErrorCode::ReportNotSent);
    assert!(bob.engine.requests(Some(&bob.address))?.is_empty(), "the block deleted the request");

    // The relay comes back where it was, taking reports again.
    let listen = meadow.local_addr();
    meadow.shutdown().await;
    config.listen = listen;
    config.limits.reports_per_account_per_hour = isthmus_relay::Limits::default().reports_per_account_per_hour;
    let meadow = isthmus_relay::start(config).await?;
    let deadline = tokio::time::Instant::now() + isthmus_e2e::PATIENCE;
    while !bob.engine.unsent_reports(&bob.address)?.is_empty() {
        anyhow::ensure!(tokio::time::Instant::now() < deadline, "the kept report was never sent");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        bob.engine.ledger()?.iter().map(|e| e.decision.clone()).collect::<Vec<_>>(),
        vec![isthmus_core::Decision::RequestBlocked, isthmus_core::Decision::RequestReported],
        "the report is in the ledger once the relay took it"
    );
    meadow.shutdown().await;
    let reports = stored_reports(data.path())?;
    assert_eq!(reports.len(), 1, "sent once: {reports:?}");
    let report = reports[0].to_string();
    assert!(report.contains("send me your bank password") && report.contains("asked for money"), "as built: {report}");
    assert_eq!(reports[0]["reason"], "fraud");
    Ok(())
}
