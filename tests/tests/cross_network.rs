//! Two peered networks: nobody on harbor can be reached from meadow until they allow meadow,
//! and until then they look exactly like someone who does not exist.

use anyhow::Result;
use isthmus_core::{Engine, MessageStatus};
use isthmus_e2e::raw::bearer;
use isthmus_e2e::{peer, peer_of, relay, Person};
use isthmus_proto::Address;

/// What meadow's relay answers alice when she looks `who` up, as (HTTP status, body).
async fn lookup(engine: &Engine, me: &Address, relay_url: &str, path: &str) -> Result<(u16, String)> {
    let response =
        reqwest::Client::new().get(format!("{relay_url}{path}")).bearer_auth(bearer(engine, me)?).send().await?;
    Ok((response.status().as_u16(), response.text().await?))
}

#[tokio::test]
async fn carol_is_unreachable_until_she_allows_meadow_then_chats_both_ways() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut carol = Person::join(&harbor, "carol").await?;
    let nobody: Address = "nobody@harbor.test".parse()?;
    assert_eq!(
        alice.engine.peered_networks(&alice.address).await?,
        vec!["harbor.test"],
        "meadow offers what it peers with"
    );

    // Alice cannot write to harbor at all before she allows it herself.
    let refused = alice.engine.send_text(&alice.address, &carol.address, "too early").await;
    assert_eq!(
        refused.err().map(|e| e.code()),
        Some(isthmus_core::ErrorCode::InteropOff),
        "sending to a network the account has not allowed is refused before anything leaves"
    );
    alice.allows("harbor.test").await?;
    // Writing to someone on another network for the first time takes a confirmation.
    let unconfirmed = alice.engine.send_text(&alice.address, &carol.address, "too early").await;
    assert_eq!(unconfirmed.err().map(|e| e.code()), Some(isthmus_core::ErrorCode::FirstContactRequired));
    alice.confirms(&carol.address).await?;
    alice.confirms(&nobody).await?;

    // Carol has not allowed meadow: every way of asking about her answers as for nobody.
    for kind in ["keys", "directory"] {
        let about_carol =
            lookup(&alice.engine, &alice.address, &meadow.url(), &format!("/v1/{kind}/{}", carol.address)).await?;
        let about_nobody =
            lookup(&alice.engine, &alice.address, &meadow.url(), &format!("/v1/{kind}/{nobody}")).await?;
        assert_eq!(about_carol.0, 404, "{kind}: carol is not reachable from meadow yet");
        assert_eq!(
            about_carol, about_nobody,
            "{kind}: the answer for carol must not differ from the answer for nobody"
        );
    }
    let to_carol = alice.engine.send_text(&alice.address, &carol.address, "hi carol").await?;
    let to_nobody = alice.engine.send_text(&alice.address, &nobody, "hi nobody").await?;
    let carol_failure = alice.sees_failure(to_carol.id).await?;
    let nobody_failure = alice.sees_failure(to_nobody.id).await?;
    assert_eq!(carol_failure, "unknown_account");
    assert_eq!(carol_failure, nobody_failure, "a send to carol fails exactly as a send to nobody");

    // Carol allows meadow.
    carol.allows("meadow.test").await?;
    assert_eq!(carol.engine.accounts()?[0].interop, vec!["meadow.test".to_owned()]);

    let hello = alice.engine.send_text(&alice.address, &carol.address, "hello from meadow").await?;
    carol.receives(&alice.address, "hello from meadow").await?;
    carol.accepts(&alice.address).await?;
    alice.sees_status(hello.id, MessageStatus::Delivered).await?;
    let conversation = carol.engine.conversation_id(&carol.address, &alice.address);
    assert!(
        carol.engine.conversation(&conversation)?.expect("carol has the chat").is_cross_network(),
        "the chat is marked as being with another network"
    );

    // Carol's reply goes harbor relay -> meadow relay -> alice, who allowed harbor.
    let reply = carol.engine.send_text(&carol.address, &alice.address, "hello from harbor").await?;
    alice.receives(&carol.address, "hello from harbor").await?;
    carol.sees_status(reply.id, MessageStatus::Delivered).await?;
    Ok(())
}

#[tokio::test]
async fn a_reply_to_someone_who_has_not_allowed_the_network_fails_cleanly() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let alice = Person::join(&meadow, "alice").await?;
    let mut carol = Person::join(&harbor, "carol").await?;
    carol.allows("meadow.test").await?;
    carol.confirms(&alice.address).await?;

    // Alice has not allowed harbor: carol cannot reach her, whatever carol allowed.
    let attempt = carol.engine.send_text(&carol.address, &alice.address, "can you hear me?").await?;
    assert_eq!(carol.sees_failure(attempt.id).await?, "unknown_account");
    let _ = alice;
    Ok(())
}

#[tokio::test]
async fn a_peer_network_that_is_down_holds_up_only_the_chats_with_it() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&harbor, "bob").await?;
    let mut carol = Person::join(&meadow, "carol").await?;
    bob.allows("meadow.test").await?;
    alice.allows("harbor.test").await?;
    alice.confirms(&bob.address).await?;

    // Harbor goes away (as far as meadow can tell): its peer entry now leads nowhere.
    let mut gone = peer_of(&harbor);
    gone.url = "http://127.0.0.1:9".into();
    meadow.set_peers(vec![gone]);
    let to_bob = alice.engine.send_text(&alice.address, &bob.address, "while harbor is down").await?;
    alice.engine.send_text(&alice.address, &carol.address, "hello carol, same network").await?;

    // Carol's message does not wait behind bob's: only the chat with harbor is held up.
    carol.receives(&alice.address, "hello carol, same network").await?;
    let held = alice.engine.messages(&to_bob.conversation, None, 10)?;
    assert_eq!(
        held.items.iter().find(|m| m.id == to_bob.id).map(|m| m.status),
        Some(MessageStatus::Pending),
        "bob's message waits (a network that does not answer is a failure for now, not for good)"
    );

    // Harbor is back: bob's message goes out on a retry.
    peer(&meadow, &harbor);
    bob.receives(&alice.address, "while harbor is down").await?;
    Ok(())
}
