//! Search over all history (issue 17): the engine's index finds a message by the start of any
//! of its words, ignoring case and accents, follows edits and deletes on both sides, opens the
//! chat around a hit, and holds no plaintext on disk.

use anyhow::{Context as _, Result};
use isthmus_core::{Event, Outgoing, SearchResults};
use isthmus_e2e::{contains, files_under, relay, Person};

fn texts(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|hit| hit.snippet.iter().map(|part| part.text.as_str()).collect()).collect()
}

#[tokio::test]
async fn a_message_is_found_among_many_followed_through_edits_and_deletes_and_kept_sealed() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let folder = tempfile::tempdir()?;
    let dir = folder.path().join("alice");
    let mut alice = Person::join_on_disk(&dir, &meadow, "alice").await?;
    let bob = Person::join(&meadow, "bob").await?;

    let needle = bob.engine.send_text(&bob.address, &alice.address, "Meet me at the Zéphyrquai at nine").await?;
    alice.receives(&bob.address, "Meet me at the Zéphyrquai at nine").await?;
    alice.accepts(&bob.address).await?;
    let mut filler = Vec::new();
    for n in 0..40 {
        filler.push(format!("filler message {n}"));
    }
    for body in &filler {
        bob.engine.send_text(&bob.address, &alice.address, body.clone()).await?;
    }
    alice.receives(&bob.address, "filler message 39").await?;
    let mine = alice.engine.send_text(&alice.address, &bob.address, "bring the zephyrquai lanterns").await?;

    let found = alice.engine.search("ZEPHYRQ", None, None, 10).await?;
    assert_eq!(texts(&found), vec!["bring the zephyrquai lanterns", "Meet me at the Zéphyrquai at nine"]);
    assert_eq!(found.total, 2);
    let hit = found.hits.last().context("bob's message")?;
    assert_eq!(hit.author, bob.address.to_string());
    assert!(hit.snippet.iter().any(|part| part.hit && part.text == "Zéphyrquai"), "the matched word is marked");

    // Jump to message: the page before (and including) the hit, and what follows it.
    let conversation = hit.conversation;
    let around = alice.engine.messages(&conversation, Some(hit.seq + 1), 5)?;
    assert_eq!(around.items.first().map(|m| m.id), Some(needle.id), "the hit heads the page before it");
    let after = alice.engine.messages_after(&conversation, hit.seq, 3)?;
    assert_eq!(after.items.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), filler[..3].to_vec());

    // Alice edits her message; bob deletes his.
    alice
        .engine
        .send(&alice.address, &bob.address, Outgoing::Edit { target: mine.id, body: "bring the amber lanterns".into() })
        .await?;
    assert_eq!(texts(&alice.engine.search("amber lan", None, None, 10).await?), vec!["bring the amber lanterns"]);
    bob.engine.send(&bob.address, &alice.address, Outgoing::Delete { target: needle.id }).await?;
    alice
        .wait_for("bob's delete", |event| match event {
            Event::MessageUpdated { message } if message.id == needle.id && message.deleted => Some(()),
            _ => None,
        })
        .await?;
    assert!(alice.engine.search("zephyrquai", None, None, 10).await?.hits.is_empty(), "edited and deleted");
    assert_eq!(alice.engine.search("filler", Some(conversation), None, 100).await?.total, 40);

    let address = alice.address.clone();
    alice.engine.shutdown().await?;
    for (path, bytes) in files_under(&dir)? {
        for secret in [&b"amber"[..], b"Zephyrquai", b"zephyrquai", "Zéphyrquai".as_bytes(), b"filler"] {
            assert!(!contains(&bytes, secret), "{} holds a searched word in plaintext", path.display());
        }
    }

    let alice = Person::reopen(&dir, address).await?;
    assert_eq!(texts(&alice.engine.search("amb", None, None, 10).await?), vec!["bring the amber lanterns"]);
    let indexed = alice.engine.rebuild_search_index().await?;
    assert!(indexed >= 42, "every stored message is visited: {indexed}");
    assert_eq!(alice.engine.search("filler", None, None, 100).await?.total, 40, "the same answers after a rebuild");
    Ok(())
}
