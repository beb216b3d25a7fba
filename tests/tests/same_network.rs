//! Two people on one network: a PQXDH session on the first message, then a conversation both
//! ways with receipts, replies, reactions, edits and deletes.

use anyhow::{Context as _, Result};
use isthmus_core::{Event, MessageStatus, Outgoing};
use isthmus_e2e::{relay, Person};

#[tokio::test]
async fn alice_and_bob_exchange_messages_both_ways() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;

    let hello = alice.engine.send_text(&alice.address, &bob.address, "hello bob").await?;
    assert_eq!(hello.status, MessageStatus::Pending, "a message is stored as pending before it leaves");
    bob.receives(&alice.address, "hello bob").await?;
    bob.accepts(&alice.address).await?;
    alice.sees_status(hello.id, MessageStatus::Delivered).await?;

    let reply = bob.engine.send_text(&bob.address, &alice.address, "hi alice").await?;
    alice.receives(&bob.address, "hi alice").await?;
    bob.sees_status(reply.id, MessageStatus::Delivered).await?;

    // Reading sends a read receipt back.
    let conversation = alice.engine.conversation_id(&alice.address, &bob.address);
    assert_eq!(alice.engine.conversation(&conversation)?.map(|c| c.unread), Some(1), "bob's reply is unread");
    alice.engine.mark_read(conversation).await?;
    bob.sees_status(reply.id, MessageStatus::Read).await?;
    assert_eq!(alice.engine.conversation(&conversation)?.map(|c| c.unread), Some(0));
    Ok(())
}

#[tokio::test]
async fn replies_reactions_edits_and_deletes_reach_the_other_side() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;

    let original = alice.engine.send_text(&alice.address, &bob.address, "lunch at noon?").await?;
    bob.receives(&alice.address, "lunch at noon?").await?;
    bob.accepts(&alice.address).await?;

    let reply = bob
        .engine
        .send(&bob.address, &alice.address, Outgoing::Text { body: "yes!".into(), quote: Some(original.id) })
        .await?
        .expect("text makes a message");
    let received = alice.receives(&bob.address, "yes!").await?;
    let quote = received.quote.expect("the reply carries its quote");
    assert_eq!(quote.message_id, original.id, "the quote names the original message");
    assert_eq!(quote.text, "lunch at noon?");
    let _ = reply;

    bob.engine
        .send(
            &bob.address,
            &alice.address,
            Outgoing::Reaction { target: original.id, emoji: "👍".into(), remove: false },
        )
        .await?;
    let bob_name = bob.address.to_string();
    alice
        .wait_for("bob's reaction", |event| match event {
            Event::MessageUpdated { message }
                if message.id == original.id
                    && message.reactions.iter().any(|r| r.author == bob_name && r.emoji == "👍") =>
            {
                Some(())
            }
            _ => None,
        })
        .await?;

    alice
        .engine
        .send(&alice.address, &bob.address, Outgoing::Edit { target: original.id, body: "lunch at one?".into() })
        .await?;
    bob.wait_for("the edit", |event| match event {
        Event::MessageUpdated { message }
            if message.id == original.id && message.edited && message.body == "lunch at one?" =>
        {
            Some(())
        }
        _ => None,
    })
    .await?;

    alice.engine.send(&alice.address, &bob.address, Outgoing::Delete { target: original.id }).await?;
    let deleted = bob
        .wait_for("the delete", |event| match event {
            Event::MessageUpdated { message } if message.id == original.id && message.deleted => Some(message.clone()),
            _ => None,
        })
        .await?;
    assert!(deleted.body.is_empty(), "a deleted message keeps no text");

    // Only the author may edit: bob trying to edit alice's message is refused locally.
    let refused = bob
        .engine
        .send(&bob.address, &alice.address, Outgoing::Edit { target: original.id, body: "hacked".into() })
        .await;
    assert!(refused.is_err(), "nobody edits someone else's message");
    // A deleted message has nothing left to edit, for its author either.
    let after_delete = alice
        .engine
        .send(&alice.address, &bob.address, Outgoing::Edit { target: original.id, body: "back again".into() })
        .await;
    assert_eq!(after_delete.err().map(|error| error.code()), Some(isthmus_core::ErrorCode::UnknownMessage));
    Ok(())
}

#[tokio::test]
async fn typing_indicators_arrive() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    // A first message sets up the session and proves both are online.
    alice.engine.send_text(&alice.address, &bob.address, "hey").await?;
    bob.receives(&alice.address, "hey").await?;
    bob.accepts(&alice.address).await?;

    alice.engine.send_typing(&alice.address, &bob.address, true).await?;
    let alice_name = alice.address.to_string();
    bob.wait_for("alice typing", |event| match event {
        Event::Typing { author, started: true, .. } if *author == alice_name => Some(()),
        _ => None,
    })
    .await?;
    Ok(())
}

#[tokio::test]
async fn the_safety_number_is_the_same_on_both_sides() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    alice.engine.send_text(&alice.address, &bob.address, "hey").await?;
    bob.receives(&alice.address, "hey").await?;
    bob.accepts(&alice.address).await?;

    let seen_by_alice = alice.engine.safety_number(&alice.address, &bob.address).await?;
    let seen_by_bob = bob.engine.safety_number(&bob.address, &alice.address).await?;
    assert_eq!(seen_by_alice.digits, seen_by_bob.digits, "both sides compute the same 60 digits");
    assert_eq!(seen_by_alice.digits.len(), 60);
    assert_ne!(seen_by_alice.scannable, seen_by_bob.scannable, "scannable codes are directional");
    Ok(())
}

#[tokio::test]
async fn a_timeline_is_a_page_and_every_change_after_it() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    alice.engine.send_text(&alice.address, &bob.address, "first").await?;
    bob.receives(&alice.address, "first").await?;
    let chat = bob.engine.conversation_id(&bob.address, &alice.address);
    let mut timeline = bob.engine.timeline(&chat, 50)?;
    assert_eq!(timeline.page.items.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), vec!["first"]);
    alice.engine.send_text(&alice.address, &bob.address, "second").await?;
    let arrived = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Event::MessageAdded { message } = timeline.changes.recv().await? {
                if message.conversation == chat {
                    return anyhow::Ok(message);
                }
            }
        }
    })
    .await??;
    assert_eq!(arrived.body, "second", "what comes after the page arrives on the timeline's changes");
    Ok(())
}

#[tokio::test]
async fn editing_or_deleting_the_newest_message_changes_the_inbox_preview_for_good() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let bob = Person::join(&meadow, "bob").await?;
    let sent = alice.engine.send_text(&alice.address, &bob.address, "see you").await?;
    let preview = |alice: &Person| -> Result<String> {
        let inbox = alice.engine.conversations(None)?;
        Ok(inbox.into_iter().find(|chat| chat.peer == bob.address).context("the chat with bob")?.last_preview)
    };
    assert_eq!(preview(&alice)?, "see you");

    alice
        .engine
        .send(&alice.address, &bob.address, Outgoing::Edit { target: sent.id, body: "see you soon".into() })
        .await?;
    assert_eq!(preview(&alice)?, "see you soon", "the stored chat shows the edit, not the text before it");

    alice.engine.send(&alice.address, &bob.address, Outgoing::Delete { target: sent.id }).await?;
    assert_eq!(preview(&alice)?, "Message deleted");
    Ok(())
}

#[tokio::test]
async fn a_chat_marked_unread_counts_as_unread_until_it_is_read() -> anyhow::Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let hello = alice.engine.send_text(&alice.address, &bob.address, "hello").await?;
    bob.receives(&alice.address, "hello").await?;
    bob.accepts(&alice.address).await?;
    let chat = bob.engine.conversation_id(&bob.address, &alice.address);
    bob.engine.mark_read(chat).await?;
    alice.sees_status(hello.id, MessageStatus::Read).await?;

    bob.engine.mark_unread(chat).await?;
    assert_eq!(bob.engine.conversation(&chat)?.map(|c| c.unread), Some(1), "a reminder: unread again");
    bob.engine.mark_unread(chat).await?;
    assert_eq!(bob.engine.conversation(&chat)?.map(|c| c.unread), Some(1), "marking twice is once");
    bob.engine.mark_read(chat).await?;
    assert_eq!(bob.engine.conversation(&chat)?.map(|c| c.unread), Some(0));
    let unknown = bob.engine.mark_unread(isthmus_core::ConversationId([9; 32])).await;
    assert_eq!(unknown.err().map(|e| e.code()), Some(isthmus_core::ErrorCode::UnknownConversation));
    Ok(())
}
