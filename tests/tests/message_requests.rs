//! Message requests: the first message from someone new, on any network, waits as a request.
//! Until it is accepted nothing goes back (no receipts, no typing); accept, delete and block
//! each do what they say.

use anyhow::{Context, Result};
use isthmus_core::{ErrorCode, Event, MessageStatus};
use isthmus_e2e::raw::{bearer, RawClient};
use isthmus_e2e::{peer, relay, Person};
use isthmus_proto::wire;

#[tokio::test]
async fn a_pending_request_sends_back_no_receipt_and_no_typing() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let mut dave = Person::join(&meadow, "dave").await?;

    let hello = alice.engine.send_text(&alice.address, &bob.address, "hi, we met at the market").await?;
    let received = bob.receives(&alice.address, "hi, we met at the market").await?;
    let conversation = bob.engine.conversation(&received.conversation)?.context("bob has the chat")?;
    assert!(conversation.request, "someone new writing first opens a request");
    assert_eq!(bob.engine.requests(None)?.len(), 1, "it is listed among the requests");
    // Alice goes offline so that whatever bob's client sends her waits in the relay, where we look.
    alice.engine.stop();

    bob.engine.mark_read(received.conversation).await?;
    let typing = bob.engine.send_typing(&bob.address, &alice.address, true).await;
    assert_eq!(typing.err().map(|e| e.code()), Some(ErrorCode::RequestPending), "no typing goes to a requester");
    let reply = bob.engine.send_text(&bob.address, &alice.address, "who is this?").await;
    assert_eq!(reply.err().map(|e| e.code()), Some(ErrorCode::RequestPending), "replying needs accepting first");

    // Bob's outbox is first in, first out: once dave has this, anything queued for alice before
    // it has been handed to the relay too.
    bob.engine.send_text(&bob.address, &dave.address, "sync").await?;
    dave.receives(&bob.address, "sync").await?;
    let mut peek = RawClient::connect(&meadow.url(), Some(&bearer(&alice.engine, &alice.address)?)).await?;
    let waiting = peek.drain_without_ack().await?;
    peek.close().await;
    assert!(
        waiting.is_empty(),
        "bob's client sent alice nothing while the request is pending ({} envelopes)",
        waiting.len()
    );

    // Accepting makes it a normal chat: the held-back delivery receipt goes out.
    let mut alice = Person::rejoin(alice).await?;
    bob.accepts(&alice.address).await?;
    alice.sees_status(hello.id, MessageStatus::Delivered).await?;
    bob.engine.send_text(&bob.address, &alice.address, "oh hi!").await?;
    alice.receives(&bob.address, "oh hi!").await?;
    let _ = wire::Envelope::default();
    Ok(())
}

#[tokio::test]
async fn a_deleted_request_is_gone_and_a_later_message_opens_a_new_one() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    alice.engine.send_text(&alice.address, &bob.address, "first try").await?;
    let first = bob.receives(&alice.address, "first try").await?;
    bob.engine.delete_request(first.conversation).await?;
    assert!(bob.engine.conversation(&first.conversation)?.is_none(), "a deleted request is gone");
    assert!(bob.engine.messages(&first.conversation, None, 10)?.items.is_empty(), "with all its messages");

    alice.engine.send_text(&alice.address, &bob.address, "second try").await?;
    let second = bob.receives(&alice.address, "second try").await?;
    let conversation = bob.engine.conversation(&second.conversation)?.context("a new chat")?;
    assert!(conversation.request, "the later message opens a new request");
    let bodies: Vec<String> =
        bob.engine.messages(&second.conversation, None, 10)?.items.into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, vec!["second try"], "nothing of the deleted request comes back");
    Ok(())
}

#[tokio::test]
async fn a_blocked_sender_reaches_the_client_from_no_network() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let mut bob = Person::join(&meadow, "bob").await?;
    bob.allows("harbor.test").await?;
    let mut near = Person::join(&meadow, "mallory").await?;
    let mut far = Person::join(&harbor, "mallory").await?;
    far.allows("meadow.test").await?;
    far.confirms(&bob.address).await?;

    near.engine.send_text(&near.address, &bob.address, "buy crypto now").await?;
    far.engine.send_text(&far.address, &bob.address, "buy crypto now!!").await?;
    bob.receives_all(&[(&near.address, "buy crypto now"), (&far.address, "buy crypto now!!")]).await?;
    bob.engine.block(&bob.address, &near.address).await?;
    bob.engine.block(&bob.address, &far.address).await?;
    assert!(bob.engine.requests(None)?.is_empty(), "blocked requests are removed");
    assert!(bob.engine.contact(&bob.address, &far.address)?.blocked);

    // Both are refused by bob's relay, exactly as if bob did not exist.
    let again_near = near.engine.send_text(&near.address, &bob.address, "hello?").await?;
    let again_far = far.engine.send_text(&far.address, &bob.address, "hello??").await?;
    assert_eq!(near.sees_failure(again_near.id).await?, "unknown_account", "same network: refused");
    assert_eq!(far.sees_failure(again_far.id).await?, "unknown_account", "other network: refused");
    let nothing = bob
        .wait_for_at_most(std::time::Duration::from_millis(500), |event| match event {
            Event::MessageAdded { message } if message.author.starts_with("mallory@") => Some(()),
            _ => None,
        })
        .await;
    assert!(nothing.is_none(), "nothing from a blocked address reaches bob's client");

    // Unblocking lets them write again (as a new request).
    bob.engine.unblock(&bob.address, &near.address).await?;
    near.engine.send_text(&near.address, &bob.address, "sorry about that").await?;
    bob.receives(&near.address, "sorry about that").await?;
    Ok(())
}

/// Waits until `check` holds, for at most 20 seconds.
async fn eventually(what: &str, mut check: impl FnMut() -> anyhow::Result<bool>) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !check()? {
        anyhow::ensure!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}

#[tokio::test]
async fn garbage_first_contacts_cannot_fill_the_request_slots_and_the_person_sees_who_sent_them() -> anyhow::Result<()>
{
    use isthmus_e2e::raw::{bearer, RawClient};
    use isthmus_proto::wire;
    let mut config = isthmus_relay::RelayConfig::new(isthmus_proto::NetworkName::parse("meadow.test")?);
    config.limits.pending_requests_per_recipient = 5;
    let meadow = isthmus_relay::start(config).await?;
    let mut bob = isthmus_e2e::Person::join(&meadow, "bob").await?;
    // Four times as many throwaway accounts as bob has request slots, each sending random bytes.
    for n in 0..20u8 {
        let spammer = isthmus_e2e::Person::join(&meadow, &format!("junk{n}")).await?;
        // The throwaway account's own client goes offline: the raw socket is its only one.
        let credentials = bearer(&spammer.engine, &spammer.address)?;
        spammer.engine.shutdown().await?;
        let mut raw = RawClient::connect(&meadow.url(), Some(&credentials)).await?;
        let garbage = wire::Envelope {
            id: vec![n + 1; 16],
            destination: Some((&bob.address).into()),
            kind: wire::CiphertextKind::Prekey as i32,
            ciphertext: (0..200).map(|i: u32| (i * 31 + u32::from(n)) as u8).collect(),
            ..Default::default()
        };
        raw.send_frame(wire::ClientFrame {
            frame: Some(wire::client_frame::Frame::Send(wire::Send { request_id: 1, envelope: Some(garbage) })),
        })
        .await?;
        let result = loop {
            match raw.next_frame().await?.frame {
                Some(wire::server_frame::Frame::SendResult(result)) => break result,
                Some(wire::server_frame::Frame::QueueEmpty(_)) => continue,
                other => anyhow::bail!("unexpected answer {other:?}"),
            }
        };
        assert_eq!(result.error_code, "", "garbage number {n} is taken: the slots of earlier ones were freed");
        raw.close().await;
        let expected = usize::from(n) + 1;
        eventually("bob's client counted the garbage", || {
            Ok(bob.engine.unopened_first_contacts(&bob.address)?.len() == expected)
        })
        .await?;
    }
    let unopened = bob.engine.unopened_first_contacts(&bob.address)?;
    assert!(unopened.iter().all(|sender| sender.count == 1 && sender.address.starts_with("junk")), "{unopened:?}");
    assert!(bob.engine.requests(None)?.is_empty(), "no chat was made of garbage");

    let newcomer = isthmus_e2e::Person::join(&meadow, "newcomer").await?;
    newcomer.engine.send_text(&newcomer.address, &bob.address, "hello, a real first contact").await?;
    bob.receives(&newcomer.address, "hello, a real first contact").await?;

    // Blocking one of them forgets the note about them.
    let junk = unopened[0].address.parse()?;
    bob.engine.block(&bob.address, &junk).await?;
    assert_eq!(bob.engine.unopened_first_contacts(&bob.address)?.len(), 19);
    Ok(())
}

#[tokio::test]
async fn the_relay_lists_an_account_s_pending_requests_to_it_alone() -> anyhow::Result<()> {
    let meadow = isthmus_e2e::relay("meadow.test").await?;
    let mut bob = isthmus_e2e::Person::join(&meadow, "bob").await?;
    let stranger = isthmus_e2e::Person::join(&meadow, "stranger").await?;
    stranger.engine.send_text(&stranger.address, &bob.address, "hi").await?;
    bob.receives(&stranger.address, "hi").await?;
    let bearer = isthmus_e2e::raw::bearer(&bob.engine, &bob.address)?;
    let list = || async {
        let response = reqwest::Client::new()
            .get(format!("{}/v1/account/requests", meadow.url()))
            .bearer_auth(&bearer)
            .send()
            .await?;
        anyhow::ensure!(response.status() == 200, "listing answers {}", response.status());
        Ok::<_, anyhow::Error>(response.json::<isthmus_proto::api::PendingRequests>().await?)
    };
    let listed = list().await?;
    assert_eq!(listed.requests.len(), 1, "{listed:?}");
    assert_eq!(listed.requests[0].address, "stranger@meadow.test");
    assert!(listed.requests[0].since_ms > 0, "with when it arrived, for the relay's expiry and the client's check");
    bob.engine.accept_request(bob.engine.conversation_id(&bob.address, &stranger.address)).await?;
    assert!(list().await?.requests.is_empty(), "an accepted request is no longer pending");
    let anonymous = reqwest::get(format!("{}/v1/account/requests", meadow.url())).await?;
    assert_eq!(anonymous.status(), 401, "only the account itself sees its requests");
    Ok(())
}

#[tokio::test]
async fn someone_discoverable_by_contacts_only_cannot_be_written_to_by_a_stranger_but_by_whom_they_wrote_to(
) -> anyhow::Result<()> {
    use isthmus_proto::api::Discoverability;
    let meadow = isthmus_e2e::relay("meadow.test").await?;
    let mut bob = isthmus_e2e::Person::join(&meadow, "bob").await?;
    let mut stranger = isthmus_e2e::Person::join(&meadow, "stranger").await?;
    let friend = isthmus_e2e::Person::join(&meadow, "friend").await?;
    assert_eq!(bob.engine.discoverability(&bob.address).await?, Discoverability::Everyone);
    bob.engine.set_discoverability(&bob.address, Discoverability::Contacts).await?;
    assert_eq!(bob.engine.discoverability(&bob.address).await?, Discoverability::Contacts);

    let refused = stranger.engine.send_text(&stranger.address, &bob.address, "hello?").await?;
    assert_eq!(stranger.sees_failure(refused.id).await?, "unknown_account", "to a stranger bob does not exist");

    // Bob writes to his friend: from then on the friend can find and answer him.
    bob.engine.send_text(&bob.address, &friend.address, "it's me").await?;
    let mut friend = friend;
    friend.receives(&bob.address, "it's me").await?;
    friend.accepts(&bob.address).await?;
    friend.engine.send_text(&friend.address, &bob.address, "hi bob").await?;
    bob.receives(&friend.address, "hi bob").await?;
    Ok(())
}
