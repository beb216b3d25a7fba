//! Revocation makes the relay refuse a network at once and the chats with it read-only; a
//! contact's key change holds sending until the user acknowledges it.

use anyhow::{Context, Result};
use isthmus_core::{ErrorCode, Event, MessageStatus};
use isthmus_e2e::{peer, relay, Person};
use isthmus_proto::NetworkName;

#[tokio::test]
async fn after_revocation_the_relay_refuses_the_network_and_the_chat_is_read_only() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut carol = Person::join(&harbor, "carol").await?;
    alice.allows("harbor.test").await?;
    carol.allows("meadow.test").await?;
    alice.confirms(&carol.address).await?;
    alice.engine.send_text(&alice.address, &carol.address, "hello carol").await?;
    carol.receives(&alice.address, "hello carol").await?;
    carol.accepts(&alice.address).await?;
    alice.engine.send_text(&alice.address, &carol.address, "still unread").await?;
    carol.receives(&alice.address, "still unread").await?;

    carol.engine.disable_interop(&carol.address, &NetworkName::parse("meadow.test")?).await?;
    let chat = carol.engine.conversation_id(&carol.address, &alice.address);
    let listed = carol.engine.conversations(None)?.into_iter().find(|c| c.id == chat).context("the chat stays")?;
    assert!(listed.read_only, "the chat with a revoked network is read-only");
    assert_eq!(listed.send_refusal, Some(ErrorCode::InteropOff), "and the engine says why it may not send");
    // The chat's next change says so too, as the list does: a screen that follows events must
    // not show the chat writable again.
    carol.engine.mark_read(chat).await?;
    let changed = carol
        .wait_for("the chat marked read", |event| match event {
            Event::ConversationChanged { conversation } if conversation.id == chat && conversation.unread == 0 => {
                Some(conversation.clone())
            }
            _ => None,
        })
        .await?;
    assert!(changed.read_only, "a changed read-only chat is reported read-only");
    assert!(carol.engine.conversation(&chat)?.context("the chat")?.read_only, "and so is one chat read alone");
    let refused = carol.engine.send_text(&carol.address, &alice.address, "still there?").await;
    assert_eq!(refused.err().map(|e| e.code()), Some(ErrorCode::InteropOff), "sending in a read-only chat is refused");
    let bounced = alice.engine.send_text(&alice.address, &carol.address, "are you there?").await?;
    assert_eq!(alice.sees_failure(bounced.id).await?, "unknown_account", "carol's relay refuses meadow at once");

    carol.allows("meadow.test").await?;
    let listed = carol.engine.conversations(None)?.into_iter().find(|c| c.id == chat).context("the chat")?;
    assert!(!listed.read_only, "turning interop on again restores the chat");
    assert_eq!(listed.send_refusal, None, "and it may send again");
    let back = alice.engine.send_text(&alice.address, &carol.address, "welcome back").await?;
    carol.receives(&alice.address, "welcome back").await?;
    alice.sees_status(back.id, MessageStatus::Delivered).await?;
    Ok(())
}

#[tokio::test]
async fn a_key_change_holds_sending_until_acknowledged() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    alice.engine.send_text(&alice.address, &bob.address, "hi bob").await?;
    bob.receives(&alice.address, "hi bob").await?;
    bob.accepts(&alice.address).await?;
    bob.engine.send_text(&bob.address, &alice.address, "hi alice").await?;
    alice.receives(&bob.address, "hi alice").await?;
    let before = alice.engine.safety_number(&alice.address, &bob.address).await?;
    alice.engine.set_verified(&alice.address, &bob.address, true).await?;

    // Bob gets a new identity key (a reinstall) and writes again.
    bob.engine.reset_identity(&bob.address).await?;
    bob.engine.send_text(&bob.address, &alice.address, "new phone, same bob").await?;
    let bob_name = bob.address.to_string();
    alice
        .wait_for("the key change", |event| {
            matches!(event, Event::KeyChanged { peer, .. } if *peer == bob_name).then_some(())
        })
        .await?;
    alice.receives(&bob.address, "new phone, same bob").await?;
    let contact = alice.engine.contact(&alice.address, &bob.address)?;
    assert!(contact.key_change_held, "sending is held");
    assert!(!contact.verified, "a verification of the old key does not carry over");
    assert_ne!(alice.engine.safety_number(&alice.address, &bob.address).await?.digits, before.digits);

    let held = alice.engine.send_text(&alice.address, &bob.address, "is it really you?").await;
    assert_eq!(
        held.err().map(|e| e.code()),
        Some(ErrorCode::KeyChangeUnacknowledged),
        "sending waits for the acknowledgement"
    );
    let chat = alice.engine.conversation_id(&alice.address, &bob.address);
    let listed = alice.engine.conversations(None)?.into_iter().find(|c| c.id == chat).context("the chat")?;
    assert_eq!(listed.send_refusal, Some(ErrorCode::KeyChangeUnacknowledged), "the chat says why it may not send");

    alice.engine.acknowledge_key_change(&alice.address, &bob.address).await?;
    let resumed = alice.engine.send_text(&alice.address, &bob.address, "welcome back").await?;
    bob.receives(&alice.address, "welcome back").await?;
    alice.sees_status(resumed.id, MessageStatus::Delivered).await?;
    Ok(())
}
