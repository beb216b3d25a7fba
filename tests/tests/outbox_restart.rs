//! The outbox survives a restart: a message written while offline, with the app closed before
//! it could go out, leaves as soon as the profile is opened again.

use anyhow::Result;
use isthmus_core::MessageStatus;
use isthmus_e2e::{relay, Person};

#[tokio::test]
async fn a_message_written_offline_goes_out_after_a_restart() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let folder = tempfile::tempdir()?;
    let dir = folder.path().join("alice");
    let alice = Person::join_on_disk(&dir, &meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;

    alice.engine.stop();
    let queued = alice.engine.send_text(&alice.address, &bob.address, "written on the train").await?;
    assert_eq!(queued.status, MessageStatus::Pending);
    let address = alice.address.clone();
    alice.engine.shutdown().await?;

    let mut alice = Person::reopen(&dir, address).await?;
    bob.receives(&alice.address, "written on the train").await?;
    bob.accepts(&alice.address).await?;
    alice.sees_status(queued.id, MessageStatus::Delivered).await?;
    Ok(())
}
