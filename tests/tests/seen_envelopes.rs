//! The duplicate check's memory of received envelope ids is bounded: ids older than the
//! retention are forgotten when the engine starts, newer ones stay.

use std::time::{Duration, Instant};

use anyhow::Result;
use isthmus_core::store::{KdfParams, Profile, Tree};
use isthmus_core::Engine;

#[tokio::test]
async fn starting_the_engine_forgets_envelope_ids_past_their_retention() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let profile = Profile::create(&dir.path().join("profile"), "passphrase", KdfParams::insecure_for_tests())?;
    let store = profile.store();
    let now = isthmus_core::time::now_ms();
    let old = now - 40 * 24 * 60 * 60 * 1000;
    store.put(Tree::SeenEnvelopes, b"an envelope from last season", &old.to_be_bytes())?;
    store.put(Tree::SeenEnvelopes, b"an envelope from this morning", &now.to_be_bytes())?;

    let engine = Engine::open(profile)?;
    engine.start()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.get(Tree::SeenEnvelopes, b"an envelope from last season")?.is_some() {
        anyhow::ensure!(Instant::now() < deadline, "the old id was never forgotten");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        store.get(Tree::SeenEnvelopes, b"an envelope from this morning")?.is_some(),
        "a recent id is kept: a redelivery of it must still be dropped unopened"
    );
    engine.shutdown().await?;
    Ok(())
}
