//! What a profile folder gives away: nothing. After a real conversation, no message text,
//! address or contact name appears in any file; a wrong passphrase changes nothing.

use anyhow::Result;
use isthmus_core::{ErrorCode, MessageStatus, Profile};
use isthmus_e2e::{contains, files_under, relay, Person, TEST_PASSPHRASE};

#[tokio::test]
async fn no_plaintext_lands_in_the_profile_folder() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let folder = tempfile::tempdir()?;
    let alice_dir = folder.path().join("alice");
    let mut alice = Person::join_on_disk(&alice_dir, &meadow, "quillfeather").await?;
    let mut bob = Person::join(&meadow, "marrowbrook").await?;

    let secret_text = "the zebra crosses at 4471 midnight";
    let sent = alice.engine.send_text(&alice.address, &bob.address, secret_text).await?;
    bob.receives(&alice.address, secret_text).await?;
    bob.accepts(&alice.address).await?;
    alice.sees_status(sent.id, MessageStatus::Delivered).await?;
    let reply_text = "understood, periwinkle lanterns";
    bob.engine.send_text(&bob.address, &alice.address, reply_text).await?;
    alice.receives(&bob.address, reply_text).await?;
    alice.engine.shutdown().await?;

    let files = files_under(&alice_dir)?;
    assert!(files.iter().any(|(_, bytes)| bytes.len() > 1000), "the store really holds data: the check is not vacuous");
    let needles: [&[u8]; 8] = [
        secret_text.as_bytes(),
        reply_text.as_bytes(),
        b"zebra",
        b"periwinkle",
        b"quillfeather",
        b"marrowbrook",
        b"marrowbrook@meadow.test",
        b"meadow.test",
    ];
    for (path, bytes) in &files {
        for needle in needles {
            assert!(
                !contains(bytes, needle),
                "{} holds {:?} in plaintext",
                path.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_wrong_passphrase_is_refused_and_changes_nothing() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let folder = tempfile::tempdir()?;
    let dir = folder.path().join("alice");
    let alice = Person::join_on_disk(&dir, &meadow, "alice").await?;
    let address = alice.address.clone();
    alice.engine.shutdown().await?;
    let before = files_under(&dir)?;

    let error = Profile::unlock(&dir, "not the passphrase").map(|_| ()).map_err(isthmus_core::Error::from);
    let error = error.expect_err("a wrong passphrase must not open the profile");
    assert_eq!(error.code(), ErrorCode::WrongPassphrase, "the error says what went wrong");
    assert_eq!(files_under(&dir)?, before, "a failed unlock leaves every byte as it was");

    let reopened = Person::reopen(&dir, address.clone()).await?;
    assert_eq!(reopened.engine.accounts()?[0].address, address.to_string(), "the right passphrase still opens it");
    let _ = TEST_PASSPHRASE;
    Ok(())
}
