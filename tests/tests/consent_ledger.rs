//! The consent record: every decision, in order, surviving a restart, encrypted on disk, and
//! refused when it would not be informed.

use anyhow::Result;
use isthmus_core::{Decision, ErrorCode};
use isthmus_e2e::{contains, files_under, peer, relay, Person};
use isthmus_proto::NetworkName;

#[tokio::test]
async fn the_ledger_lists_every_decision_in_order_survives_a_restart_and_is_encrypted() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let folder = tempfile::tempdir()?;
    let dir = folder.path().join("carol");
    let mut carol = Person::join_on_disk(&dir, &harbor, "carol").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mallory = Person::join(&harbor, "mallory").await?;
    let meadow_net = NetworkName::parse("meadow.test")?;

    // Interop needs the current disclosure: an outdated or made-up version is refused.
    let uninformed = carol.engine.enable_interop(&carol.address, &meadow_net, "interop-disclosure-v0").await;
    assert_eq!(uninformed.err().map(|e| e.code()), Some(ErrorCode::DisclosureOutdated));
    carol.allows("meadow.test").await?;
    alice.allows("harbor.test").await?;
    alice.confirms(&carol.address).await?;
    alice.engine.send_text(&alice.address, &carol.address, "hi carol").await?;
    carol.receives(&alice.address, "hi carol").await?;
    carol.accepts(&alice.address).await?;
    mallory.engine.send_text(&mallory.address, &carol.address, "you won a prize").await?;
    carol.receives(&mallory.address, "you won a prize").await?;
    carol.engine.block(&carol.address, &mallory.address).await?;
    carol.engine.disable_interop(&carol.address, &meadow_net).await?;

    let expected = [
        (Decision::InteropEnabled, "meadow.test"),
        (Decision::RequestAccepted, "alice@meadow.test"),
        (Decision::RequestBlocked, "mallory@harbor.test"),
        (Decision::InteropDisabled, "meadow.test"),
    ];
    let summary = |entries: &[isthmus_core::LedgerEntry]| -> Vec<(Decision, String)> {
        entries.iter().map(|e| (e.decision.clone(), e.counterpart.clone())).collect()
    };
    let want: Vec<(Decision, String)> = expected.iter().map(|(d, c)| (d.clone(), (*c).to_owned())).collect();
    let ledger = carol.engine.ledger()?;
    assert_eq!(summary(&ledger), want, "every decision, in the order it was made");
    assert_eq!(
        ledger[0].disclosure_version.as_deref(),
        Some(isthmus_core::DISCLOSURE_VERSION),
        "interop names its disclosure"
    );
    assert!(ledger.windows(2).all(|w| w[0].seq < w[1].seq && w[0].at <= w[1].at));
    let export: serde_json::Value = serde_json::from_str(&carol.engine.export_ledger()?)?;
    assert_eq!(export["entries"].as_array().map(Vec::len), Some(4), "the export holds every entry");

    let address = carol.address.clone();
    carol.engine.shutdown().await?;
    for (path, bytes) in files_under(&dir)? {
        for needle in [&b"interop_enabled"[..], b"request_blocked", b"mallory", b"interop-disclosure"] {
            assert!(
                !contains(&bytes, needle),
                "{} holds {:?} in plaintext",
                path.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    let reopened = Person::reopen(&dir, address).await?;
    assert_eq!(summary(&reopened.engine.ledger()?), want, "the ledger survives a restart unchanged");
    Ok(())
}
