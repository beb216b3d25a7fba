//! Drafts (issue 17): what the user started writing in a chat stays, sealed in the profile,
//! across chat switches, a restart and a lock, and goes once it is sent.

use anyhow::{Context as _, Result};
use isthmus_e2e::{contains, files_under, relay, Person};

#[tokio::test]
async fn a_draft_survives_a_restart_sealed_and_is_gone_once_sent() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let folder = tempfile::tempdir()?;
    let dir = folder.path().join("alice");
    let alice = Person::join_on_disk(&dir, &meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let carol = Person::join(&meadow, "carol").await?;
    let (with_bob, with_carol) = (
        alice.engine.conversation_id(&alice.address, &bob.address),
        alice.engine.conversation_id(&alice.address, &carol.address),
    );

    let secret = "half a thought about the quartz orchard";
    alice.engine.save_draft(with_bob, secret).await?;
    alice.engine.save_draft(with_carol, "see you at").await?;
    alice.engine.save_draft(with_carol, "see you at nine").await?;
    assert_eq!(alice.engine.draft(&with_carol)?.map(|d| d.text), Some("see you at nine".into()), "the last one kept");
    let address = alice.address.clone();
    alice.engine.shutdown().await?;
    for (path, bytes) in files_under(&dir)? {
        assert!(!contains(&bytes, b"quartz orchard"), "{} holds the draft in plaintext", path.display());
    }

    let alice = Person::reopen(&dir, address).await?;
    let draft = alice.engine.draft(&with_bob)?.context("the draft survived the restart")?;
    assert_eq!(draft.text, secret);
    assert_eq!(alice.engine.drafts()?.len(), 2, "one per chat");

    alice.engine.send_text(&alice.address, &bob.address, secret).await?;
    bob.receives(&alice.address, secret).await?;
    assert!(alice.engine.draft(&with_bob)?.is_none(), "sent: the draft is the message now");
    alice.engine.save_draft(with_carol, "   ").await?;
    assert!(alice.engine.drafts()?.is_empty(), "a blank draft is no draft");
    Ok(())
}
