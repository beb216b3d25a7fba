//! Groups across two peered networks over real relays: messages sealed once with sender keys,
//! reactions, membership changes in the timeline, and consent for being added, decided by each
//! member's own relay.

use std::time::Duration;

use anyhow::{Context as _, Result};
use isthmus_core::{ConversationId, Event, GroupChangeKind, GroupId, Membership, MessageStatus, Outgoing};
use isthmus_e2e::raw::{bearer, RawClient};
use isthmus_e2e::{peer, relay, Person};
use isthmus_proto::api::GroupAdds;
use isthmus_proto::{wire, Message as _};

/// Long enough for anything that was going to arrive on loopback to have arrived, after a sync
/// point that shows the channel works; only used to show that something does not happen.
const QUIET: Duration = Duration::from_millis(1500);

const PHOTO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/photo-with-gps.jpg");

/// Waits until `person` learns of a group (an add or an invitation) and returns its id.
async fn added_to_group(person: &mut Person, name: &str) -> Result<(GroupId, ConversationId)> {
    let name = name.to_owned();
    let conversation = person
        .wait_for(&format!("being added to {name}"), |event| match event {
            Event::MessageAdded { message }
                if message.notice.as_ref().is_some_and(|n| {
                    matches!(n.kind, GroupChangeKind::AddedYou | GroupChangeKind::InvitedYou) && n.name == name
                }) =>
            {
                Some(message.conversation)
            }
            _ => None,
        })
        .await?;
    let group = person
        .engine
        .groups(&person.address)?
        .into_iter()
        .find(|g| g.conversation == conversation)
        .context("the group is stored")?;
    Ok((group.id, conversation))
}

fn bodies(person: &Person, conversation: &ConversationId) -> Result<Vec<String>> {
    Ok(person.engine.messages(conversation, None, 100)?.items.into_iter().rev().map(|m| m.body).collect())
}

#[tokio::test]
async fn a_group_on_meadow_and_harbor_exchanges_messages_reactions_and_a_picture() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let mut carol = Person::join(&harbor, "carol").await?;
    alice.allows("harbor.test").await?;
    bob.allows("harbor.test").await?;
    carol.allows("meadow.test").await?;

    let group =
        alice.engine.create_group(&alice.address, "Weekend", &[bob.address.clone(), carol.address.clone()]).await?;
    assert_eq!(group.members.len(), 3);
    assert!(group.is_admin(&alice.address.account()), "the creator is an admin");
    let (bob_group, bob_chat) = added_to_group(&mut bob, "Weekend").await?;
    let (carol_group, carol_chat) = added_to_group(&mut carol, "Weekend").await?;
    assert_eq!((bob_group, carol_group), (group.id, group.id), "everyone names the group by one id");
    let carols = carol.engine.group(&carol.address, group.id)?.context("carol has the group")?;
    assert_eq!(carols.membership, Membership::Member, "carol's relay let meadow add her (her setting is the default)");
    assert!(
        carol.engine.requests(Some(&carol.address))?.is_empty(),
        "being added by someone her setting allows is no request"
    );

    let hello = alice.engine.send_group_text(&alice.address, group.id, "hello group").await?;
    bob.receives(&alice.address, "hello group").await?;
    carol.receives(&alice.address, "hello group").await?;
    // Delivered once every member has it, read once every member read it; per member on request.
    alice.sees_status(hello.id, MessageStatus::Delivered).await?;
    bob.engine.mark_read(bob_chat).await?;
    carol.engine.mark_read(carol_chat).await?;
    alice.sees_status(hello.id, MessageStatus::Read).await?;
    let receipts = alice.engine.group_message_receipts(&alice.address, group.id, hello.id)?;
    let mut read_by: Vec<(String, MessageStatus)> = receipts.into_iter().map(|r| (r.member, r.status)).collect();
    read_by.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        read_by,
        vec![("bob@meadow.test".into(), MessageStatus::Read), ("carol@harbor.test".into(), MessageStatus::Read)]
    );

    // Typing reaches the others, sealed once like a message.
    bob.engine.send_group_typing(&bob.address, group.id, true).await?;
    let alice_chat = group.conversation;
    alice
        .wait_for("bob typing in the group", |event| match event {
            Event::Typing { conversation, author, started: true }
                if *conversation == alice_chat && author == "bob@meadow.test" =>
            {
                Some(())
            }
            _ => None,
        })
        .await?;

    carol.engine.send_group_text(&carol.address, group.id, "hi from harbor").await?;
    alice.receives(&carol.address, "hi from harbor").await?;
    bob.receives(&carol.address, "hi from harbor").await?;

    bob.engine
        .send_group(&bob.address, group.id, Outgoing::Reaction { target: hello.id, emoji: "🎉".into(), remove: false })
        .await?;
    let bob_name = bob.address.to_string();
    for person in [&mut alice, &mut carol] {
        person
            .wait_for("bob's reaction in the group", |event| match event {
                Event::MessageUpdated { message }
                    if message.id == hello.id && message.reactions.iter().any(|r| r.author == bob_name) =>
                {
                    Some(())
                }
                _ => None,
            })
            .await?;
    }
    // A picture from harbor: hosted by carol's network, fetched by each reader through their own
    // relay, checked against its digest.
    let photo = std::path::Path::new(PHOTO);
    let sent = carol.engine.send_group_file(&carol.address, group.id, photo, "the view", false).await?;
    carol.sees_status(sent.id, MessageStatus::Sent).await?;
    for person in [&mut alice, &mut bob] {
        let arrived = person.receives(&carol.address, "the view").await?;
        let picture = arrived.attachments.first().context("the picture is announced")?;
        assert_eq!((picture.origin_network.as_str(), picture.width, picture.height), ("harbor.test", 1200, 1600));
        let downloaded = person.engine.download_attachment(arrived.conversation, arrived.id, 0).await?;
        assert!(downloaded.attachments[0].downloaded, "{} fetched it through meadow", person.address);
    }
    assert_eq!(
        bodies(&bob, &bob_chat)?,
        vec!["alice@meadow.test added you to \u{201c}Weekend\u{201d}", "hello group", "hi from harbor", "the view"],
        "bob's timeline: the add, then the messages in order"
    );
    assert_eq!(bodies(&carol, &carol_chat)?.len(), 4);
    // No one-to-one chat was opened by the group's traffic.
    assert_eq!(bob.engine.conversations(Some(&bob.address))?.len(), 1, "only the group's chat");
    Ok(())
}

#[tokio::test]
async fn someone_who_takes_adds_from_contacts_only_gets_an_invitation_and_nothing_before_accepting() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut dave = Person::join(&harbor, "dave").await?;
    alice.allows("harbor.test").await?;
    dave.allows("meadow.test").await?;
    dave.engine.set_group_adds(&dave.address, GroupAdds::Contacts).await?;
    assert_eq!(dave.engine.group_adds(&dave.address).await?, GroupAdds::Contacts);

    let group = alice.engine.create_group(&alice.address, "Book club", &[dave.address.clone()]).await?;
    let (_, dave_chat) = added_to_group(&mut dave, "Book club").await?;
    let invitations = dave.engine.group_invitations(&dave.address)?;
    assert_eq!(invitations.len(), 1, "alice is no contact of dave's: her add is an invitation");
    assert_eq!(invitations[0].membership, Membership::Invited { by: alice.address.account() });
    let chat = dave.engine.conversation(&dave_chat)?.context("the invitation shows")?;
    assert!(chat.request && chat.read_only, "an invitation is a request, and nothing can be written in it");
    let refused = dave.engine.send_group_text(&dave.address, group.id, "can I talk?").await;
    assert_eq!(refused.err().map(|e| e.code()), Some(isthmus_core::ErrorCode::NotGroupMember));

    let early = alice.engine.send_group_text(&alice.address, group.id, "before you accept").await?;
    // Dave's relay refuses the group's traffic until he accepts: his only copy fails.
    let failure = alice.sees_failure(early.id).await?;
    assert_eq!(failure, "unknown_account", "the refusal looks like a missing account's");

    dave.engine.accept_group_invitation(&dave.address, group.id).await?;
    let after = dave.engine.conversation(&dave_chat)?.context("the chat")?;
    assert!(!after.request && !after.read_only, "accepted: a chat like any other");
    alice.engine.send_group_text(&alice.address, group.id, "welcome").await?;
    dave.receives(&alice.address, "welcome").await?;
    dave.engine.send_group_text(&dave.address, group.id, "thanks").await?;
    alice.receives(&dave.address, "thanks").await?;
    assert!(
        !bodies(&dave, &dave_chat)?.iter().any(|body| body == "before you accept"),
        "what was sent before he accepted never reached him"
    );
    Ok(())
}

#[tokio::test]
async fn nobody_may_add_means_even_a_contact_invites_and_declining_tells_the_group_nothing() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut erin = Person::join(&meadow, "erin").await?;
    // They are contacts: erin wrote to alice and alice answered.
    erin.engine.send_text(&erin.address, &alice.address, "hi").await?;
    alice.receives(&erin.address, "hi").await?;
    alice.accepts(&erin.address).await?;
    erin.engine.set_group_adds(&erin.address, GroupAdds::Nobody).await?;

    let group = alice.engine.create_group(&alice.address, "Surprise", &[erin.address.clone()]).await?;
    added_to_group(&mut erin, "Surprise").await?;
    assert!(matches!(
        erin.engine.group(&erin.address, group.id)?.map(|g| g.membership),
        Some(Membership::Invited { .. })
    ));
    erin.engine.decline_group_invitation(&erin.address, group.id).await?;
    assert!(erin.engine.group(&erin.address, group.id)?.is_none(), "declined: the group is gone from erin's profile");

    let after = alice.engine.send_group_text(&alice.address, group.id, "still there?").await?;
    assert_eq!(alice.sees_failure(after.id).await?, "unknown_account", "as for an account that does not exist");
    assert!(
        erin.wait_for_at_most(QUIET, |event| {
            matches!(event, Event::MessageAdded { message } if message.body == "still there?").then_some(())
        })
        .await
        .is_none(),
        "nothing of the declined group reaches erin"
    );
    Ok(())
}

#[tokio::test]
async fn a_removed_member_cannot_open_what_follows_and_a_blocked_member_is_hidden_only_for_the_blocker() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let mut frank = Person::join(&meadow, "frank").await?;
    let group =
        alice.engine.create_group(&alice.address, "Team", &[bob.address.clone(), frank.address.clone()]).await?;
    let (_, frank_chat) = added_to_group(&mut frank, "Team").await?;
    let (_, bob_chat) = added_to_group(&mut bob, "Team").await?;
    alice.engine.send_group_text(&alice.address, group.id, "m1").await?;
    frank.receives(&alice.address, "m1").await?;
    bob.receives(&alice.address, "m1").await?;

    // Bob blocks frank: frank's messages are hidden for bob, and only for him.
    bob.engine.block(&bob.address, &frank.address).await?;
    frank.engine.send_group_text(&frank.address, group.id, "from frank").await?;
    alice.receives(&frank.address, "from frank").await?;

    alice.engine.remove_group_member(&alice.address, group.id, &frank.address).await?;
    frank
        .wait_for("being removed", |event| match event {
            Event::MessageAdded { message }
                if message.notice.as_ref().is_some_and(|n| n.kind == GroupChangeKind::Removed) =>
            {
                Some(())
            }
            _ => None,
        })
        .await?;
    let franks = frank.engine.group(&frank.address, group.id)?.context("frank keeps the chat")?;
    assert_eq!(franks.membership, Membership::Removed);
    assert!(frank.engine.conversation(&frank_chat)?.is_some_and(|c| c.read_only), "his chat is read-only now");
    assert_eq!(
        frank.engine.send_group_text(&frank.address, group.id, "still here").await.err().map(|e| e.code()),
        Some(isthmus_core::ErrorCode::NotGroupMember)
    );

    // Bob is offline, so his copy of the next message waits at the relay, where we take it.
    bob.engine.stop();
    let m2 = alice.engine.send_group_text(&alice.address, group.id, "m2").await?;
    alice.sees_status(m2.id, MessageStatus::Sent).await?;
    let mut raw = RawClient::connect(&meadow.url(), Some(&bearer(&bob.engine, &bob.address)?)).await?;
    let copy = raw
        .drain_without_ack()
        .await?
        .into_iter()
        .find(|envelope| envelope.kind == wire::CiphertextKind::SenderKey as i32)
        .context("bob's copy of m2 is queued")?;
    raw.close().await;
    // Even a client that ignored its removal could not read it: frank's profile has no key for it.
    let franks_try = frank.engine.peek_group_envelope(&frank.address, copy.encode_to_vec()).await;
    let error = franks_try.expect_err("frank's profile must not open what was sent after his removal");
    assert_eq!(error.code(), isthmus_core::ErrorCode::Crypto);
    assert!(error.to_string().contains("missing sender key"), "no sender key for it, not some other failure: {error}");
    let mut bob = Person::rejoin(bob).await?;
    bob.receives(&alice.address, "m2").await?;
    assert!(
        frank
            .wait_for_at_most(QUIET, |event| matches!(event, Event::MessageAdded { message } if message.body == "m2")
                .then_some(()))
            .await
            .is_none(),
        "what follows the removal does not reach frank"
    );
    assert!(!bodies(&bob, &bob_chat)?.iter().any(|b| b == "from frank"), "bob blocked frank: his message is hidden");
    Ok(())
}

#[tokio::test]
async fn leaving_renaming_and_admins_show_in_every_timeline() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let mut grace = Person::join(&meadow, "grace").await?;
    let group =
        alice.engine.create_group(&alice.address, "Choir", &[bob.address.clone(), grace.address.clone()]).await?;
    let (_, bob_chat) = added_to_group(&mut bob, "Choir").await?;
    added_to_group(&mut grace, "Choir").await?;

    let not_admin = bob.engine.rename_group(&bob.address, group.id, "Bob's choir").await;
    assert_eq!(not_admin.err().map(|e| e.code()), Some(isthmus_core::ErrorCode::NotGroupAdmin));
    alice.engine.make_group_admin(&alice.address, group.id, &bob.address).await?;
    bob.wait_for("being made admin", |event| match event {
        Event::MessageAdded { message }
            if message.notice.as_ref().is_some_and(|n| n.kind == GroupChangeKind::MadeAdmin) =>
        {
            Some(())
        }
        _ => None,
    })
    .await?;
    bob.engine.rename_group(&bob.address, group.id, "Evening choir").await?;
    alice
        .wait_for("the new name", |event| match event {
            Event::ConversationChanged { conversation } if conversation.title.as_deref() == Some("Evening choir") => {
                Some(())
            }
            _ => None,
        })
        .await?;
    grace.engine.leave_group(&grace.address, group.id).await?;
    for person in [&mut alice, &mut bob] {
        person
            .wait_for("grace leaving", |event| match event {
                Event::MessageAdded { message }
                    if message.notice.as_ref().is_some_and(|n| n.kind == GroupChangeKind::Left) =>
                {
                    Some(())
                }
                _ => None,
            })
            .await?;
    }
    let alices = alice.engine.group(&alice.address, group.id)?.context("the group")?;
    assert_eq!(alices.name, "Evening choir");
    assert!(alices.member(&grace.address.account()).is_none(), "grace is gone from the members");
    assert_eq!(alices.revision, 3, "created, made admin, renamed: leaving orders nothing");
    assert_eq!(
        bodies(&bob, &bob_chat)?,
        vec![
            "alice@meadow.test added you to \u{201c}Choir\u{201d}".to_owned(),
            "alice@meadow.test made you an admin".to_owned(),
            "You renamed the group to \u{201c}Evening choir\u{201d}".to_owned(),
            "grace@meadow.test left".to_owned(),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_member_is_reported_with_their_group_messages_and_blocked_for_the_reporter() -> Result<()> {
    use isthmus_proto::api::ReportReason;
    let data = tempfile::tempdir()?;
    let meadow = isthmus_e2e::durable_relay("meadow.test", data.path()).await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let mut mallory = Person::join(&meadow, "mallory").await?;
    let group =
        alice.engine.create_group(&alice.address, "Market", &[bob.address.clone(), mallory.address.clone()]).await?;
    added_to_group(&mut bob, "Market").await?;
    added_to_group(&mut mallory, "Market").await?;
    mallory.engine.send_group_text(&mallory.address, group.id, "send me your bank password").await?;
    let scam = bob.receives(&mallory.address, "send me your bank password").await?;
    alice.receives(&mallory.address, "send me your bank password").await?;

    bob.engine
        .report_group_member(&bob.address, group.id, &mallory.address, vec![scam.id], ReportReason::Fraud, "", true)
        .await?;
    assert!(bob.engine.contact(&bob.address, &mallory.address)?.blocked, "reported and blocked");
    meadow.shutdown().await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_relay-under-test"))
        .args(["reports", "--json", "--data-dir"])
        .arg(data.path())
        .output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let reports: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)?;
    let text = serde_json::to_string(&reports)?;
    assert_eq!(reports.len(), 1);
    assert!(text.contains("mallory@meadow.test"), "the report names the member: {text}");
    assert!(text.contains("send me your bank password"), "and carries the message bob chose");
    Ok(())
}

#[tokio::test]
async fn turning_off_the_home_network_makes_its_groups_read_only() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let alice = Person::join(&meadow, "alice").await?;
    let mut carol = Person::join(&harbor, "carol").await?;
    alice.allows("harbor.test").await?;
    carol.allows("meadow.test").await?;
    let group = alice.engine.create_group(&alice.address, "Ferry", &[carol.address.clone()]).await?;
    let (_, chat) = added_to_group(&mut carol, "Ferry").await?;
    assert!(!carol.engine.conversation(&chat)?.context("the chat")?.read_only);

    carol.engine.disable_interop(&carol.address, &isthmus_proto::NetworkName::parse("meadow.test")?).await?;
    let after = carol.engine.conversation(&chat)?.context("the chat stays")?;
    assert!(after.read_only, "the group's home is meadow, which carol no longer allows");
    assert_eq!(after.send_refusal, Some(isthmus_core::ErrorCode::InteropOff));
    let refused = carol.engine.send_group_text(&carol.address, group.id, "still here?").await;
    assert_eq!(refused.err().map(|e| e.code()), Some(isthmus_core::ErrorCode::InteropOff));
    Ok(())
}
