//! Matrix in the same inbox, against a real homeserver (Synapse, started by the test command):
//! an Isthmus profile with an Isthmus account and a Matrix account chats, end to end encrypted,
//! with a Matrix user driven by matrix-sdk; an invitation from a stranger is a request that
//! sends nothing back until accepted; nothing readable is left in the profile folder; turning
//! Matrix off makes its chats read-only.

use std::time::Duration;

use anyhow::{Context as _, Result};
use isthmus_core::consent::disclosure::MATRIX_DISCLOSURE_VERSION;
use isthmus_core::{ConnectionState, Decision, ErrorCode, Event, MessageStatus, Outgoing};
use isthmus_e2e::matrix::{Homeserver, MatrixPeer, PeerSaw};
use isthmus_e2e::{contains, files_under, relay, Person};
use isthmus_matrix::SignIn;
use isthmus_proto::Address;
use matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::receipt::ReceiptThread;
use matrix_sdk::ruma::events::relation::Annotation;
use matrix_sdk::ruma::events::room::message::{ReplacementMetadata, RoomMessageEventContent};
use matrix_sdk::ruma::OwnedEventId;

const PHOTO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/photo-with-gps.jpg");

/// An Isthmus person on a relay, in a profile on disk, with a Matrix account signed in and on.
async fn person_with_matrix(dir: &std::path::Path, homeserver: &Homeserver) -> Result<(Person, String, Address)> {
    let meadow = relay("meadow.test").await?;
    let person = Person::join_on_disk(dir, &meadow, "ulla").await?;
    std::mem::forget(meadow); // the relay lives for the whole test
    let (user_id, password) = homeserver.register("ulla").await?;
    let mut sign_in = SignIn::new(&user_id, &password);
    sign_in.homeserver = Some(homeserver.url.clone());
    let info = isthmus_matrix::sign_in(&person.engine, sign_in).await.context("sign in")?;
    assert!(!info.enabled, "a new Matrix account is off until the person turns it on");
    let address: Address = info.address.parse()?;
    Ok((person, user_id, address))
}

async fn turn_on(person: &Person, user_id: &str) -> Result<()> {
    isthmus_matrix::set_enabled(&person.engine, user_id, true, Some(MATRIX_DISCLOSURE_VERSION)).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_matrix_chat_carries_encrypted_text_reactions_edits_receipts_typing_and_pictures() -> Result<()> {
    let Some(homeserver) = Homeserver::from_env()? else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let (mut ulla, user_id, me) = person_with_matrix(dir.path(), &homeserver).await?;
    let vic = MatrixPeer::start(&homeserver, "vic", true).await?;
    let vic_address: Address = isthmus_core::matrix_link::matrix_address(&vic.user_id)?;

    // Off: nothing can be opened or sent, and the disclosure must be the one shown.
    let off = ulla.engine.open_matrix_chat(&user_id, &vic.user_id).await.expect_err("Matrix is off");
    assert_eq!(off.code(), ErrorCode::InteropOff);
    let outdated = isthmus_matrix::set_enabled(&ulla.engine, &user_id, true, Some("matrix-disclosure-v0"))
        .await
        .expect_err("an outdated disclosure is refused");
    assert_eq!(outdated.code(), ErrorCode::DisclosureOutdated);
    turn_on(&ulla, &user_id).await?;
    let ledger = ulla.engine.ledger()?;
    let decision = ledger.last().context("the decision is in the ledger")?;
    assert_eq!((decision.counterpart.as_str(), &decision.decision), ("matrix", &Decision::InteropEnabled));
    assert_eq!(decision.disclosure_version.as_deref(), Some(MATRIX_DISCLOSURE_VERSION));

    // Ulla opens a direct chat; vic joins; both write, end to end encrypted.
    let chat = ulla.engine.open_matrix_chat(&user_id, &vic.user_id).await?;
    let room = chat.matrix.clone().context("a Matrix chat")?;
    assert!(room.encrypted, "a direct chat Isthmus opens is encrypted");
    assert_eq!((chat.account.clone(), chat.peer.clone()), (me.clone(), vic_address.clone()));
    let vic_room = vic.joined(&room.room).await?;

    let hello = ulla.engine.send_text(&me, &vic_address, "quince-marmalade-7781").await?;
    ulla.sees_status(hello.id, MessageStatus::Sent).await?;
    let (hello_event, encrypted) = vic
        .wait_for("ulla's text", |saw| match saw {
            PeerSaw::Message { event, body, encrypted, .. } if body == "quince-marmalade-7781" => {
                Some((event.clone(), *encrypted))
            }
            _ => None,
        })
        .await?;
    assert!(encrypted, "the text reached vic end to end encrypted");

    vic_room.send(RoomMessageEventContent::text_plain("tamarind-lantern-4402")).await?;
    let reply = ulla.receives(&vic_address, "tamarind-lantern-4402").await?;
    let conversation = ulla.engine.conversation(&chat.id)?.context("chat")?;
    assert_eq!(conversation.unread, 1);

    // Reactions both ways.
    ulla.engine
        .send(&me, &vic_address, Outgoing::Reaction { target: reply.id, emoji: "🍐".into(), remove: false })
        .await?;
    vic.wait_for("ulla's reaction", |saw| match saw {
        PeerSaw::Reaction { key, sender, .. } if key == "🍐" && sender == &user_id => Some(()),
        _ => None,
    })
    .await?;
    let hello_event: OwnedEventId = hello_event.as_str().try_into()?;
    vic_room.send(ReactionEventContent::new(Annotation::new(hello_event.clone(), "🎉".into()))).await?;
    let vic_name = vic_address.to_string();
    ulla.wait_for("vic's reaction", |event| match event {
        Event::MessageUpdated { message }
            if message.id == hello.id && message.reactions.iter().any(|r| r.emoji == "🎉" && r.author == vic_name) =>
        {
            Some(())
        }
        _ => None,
    })
    .await?;

    // Edits both ways.
    ulla.engine.send(&me, &vic_address, Outgoing::Edit { target: hello.id, body: "quince-jam-7781".into() }).await?;
    vic.wait_for("ulla's edit", |saw| match saw {
        PeerSaw::Message { body, edits: Some(target), .. }
            if body == "quince-jam-7781" && target == hello_event.as_str() =>
        {
            Some(())
        }
        _ => None,
    })
    .await?;
    let reply_event = vic
        .wait_for("vic's own text", |saw| match saw {
            PeerSaw::Message { event, body, .. } if body == "tamarind-lantern-4402" => Some(event.clone()),
            _ => None,
        })
        .await?;
    let edit = RoomMessageEventContent::text_plain("tamarind-candle-4402")
        .make_replacement(ReplacementMetadata::new(reply_event.as_str().try_into()?, None), None);
    vic_room.send(edit).await?;
    ulla.wait_for("vic's edit", |event| match event {
        Event::MessageUpdated { message }
            if message.id == reply.id && message.body == "tamarind-candle-4402" && message.edited =>
        {
            Some(())
        }
        _ => None,
    })
    .await?;

    // Read receipts both ways.
    vic_room.send_single_receipt(ReceiptType::Read, ReceiptThread::Unthreaded, hello_event.clone()).await?;
    ulla.sees_status(hello.id, MessageStatus::Read).await?;
    ulla.engine.mark_read(chat.id).await?;
    vic.wait_for("ulla's read receipt", |saw| match saw {
        PeerSaw::Read { sender, event } if sender == &user_id && event == &reply_event => Some(()),
        _ => None,
    })
    .await?;

    // Typing both ways.
    vic_room.typing_notice(true).await?;
    ulla.wait_for("vic typing", |event| match event {
        Event::Typing { conversation, author, started: true } if *conversation == chat.id && author == &vic_name => {
            Some(())
        }
        _ => None,
    })
    .await?;
    ulla.engine.send_typing(&me, &vic_address, true).await?;
    vic.wait_for("ulla typing", |saw| match saw {
        PeerSaw::Typing { users } if users.contains(&user_id) => Some(()),
        _ => None,
    })
    .await?;

    // Pictures both ways, through the same cleaning as Isthmus attachments: no camera metadata
    // leaves with ulla's, and what vic's carries is stripped before ulla keeps it.
    let original = std::fs::read(PHOTO)?;
    assert!(contains(&original, b"FixtureCam"), "the fixture really has camera metadata to strip");
    let picture = ulla.engine.send_file(&me, &vic_address, std::path::Path::new(PHOTO), "", false).await?;
    assert_eq!(picture.status, MessageStatus::Sent);
    let (source, encrypted) = vic
        .wait_for("ulla's picture", |saw| match saw {
            PeerSaw::File { sender, source, encrypted, .. } if sender == &user_id => Some((source.clone(), *encrypted)),
            _ => None,
        })
        .await?;
    assert!(encrypted, "the picture's event is end to end encrypted");
    assert!(matches!(source, matrix_sdk::ruma::events::room::MediaSource::Encrypted(_)), "and so is the file");
    let received = vic.download(source).await?;
    assert!(received.starts_with(&[0xFF, 0xD8]), "vic gets a JPEG");
    assert!(!contains(&received, b"Exif") && !contains(&received, b"FixtureCam"), "without its metadata");
    let mime: mime::Mime = "image/jpeg".parse()?;
    vic_room.send_attachment("view.jpg", &mime, original.clone(), Default::default()).await?;
    let arrived = ulla
        .wait_for("vic's picture", |event| match event {
            Event::MessageAdded { message } if message.author == vic_name && !message.attachments.is_empty() => {
                Some(message.clone())
            }
            _ => None,
        })
        .await?;
    let attachment = &arrived.attachments[0];
    assert_eq!((attachment.content_type.as_str(), attachment.width, attachment.height), ("image/jpeg", 1200, 1600));
    assert!(attachment.downloaded && attachment.thumbnail.is_some(), "kept in the profile, with a thumbnail");
    let folder = tempfile::tempdir()?;
    let saved = ulla.engine.save_attachment(arrived.conversation, arrived.id, 0, folder.path()).await?;
    let kept = std::fs::read(&saved.path)?;
    assert!(!contains(&kept, b"Exif") && !contains(&kept, b"FixtureCam"), "vic's picture lost its metadata here");

    // The chat is in the one inbox, beside Isthmus chats, marked as Matrix.
    let inbox = ulla.engine.conversations(None)?;
    assert!(inbox.iter().any(|c| c.id == chat.id && c.is_matrix() && !c.read_only));

    // Off again: the chat stays, read-only, and nothing is sent.
    isthmus_matrix::set_enabled(&ulla.engine, &user_id, false, None).await?;
    let stored = ulla.engine.conversation(&chat.id)?.context("the chat stays")?;
    assert!(stored.read_only, "a Matrix chat is read-only while Matrix is off");
    assert_eq!(stored.send_refusal, Some(ErrorCode::InteropOff));
    let refused = ulla.engine.send_text(&me, &vic_address, "not sent").await.expect_err("read-only");
    assert_eq!(refused.code(), ErrorCode::InteropOff);

    // Nothing of the chat is readable in the profile folder, the Matrix client's store included.
    ulla.engine.clone().shutdown().await?;
    let files = files_under(dir.path())?;
    assert!(
        files.iter().any(|(path, _)| path.to_string_lossy().contains("matrix")),
        "the Matrix store is in the profile"
    );
    // Who and where too: the other person's id and the room's, which the Matrix store keeps
    // only as keyed hashes or sealed values (its store key comes from the profile's data key).
    let vic_id = vic.user_id.clone();
    for secret in [
        "quince-marmalade-7781",
        "quince-jam-7781",
        "tamarind-lantern-4402",
        "tamarind-candle-4402",
        &vic_id,
        &room.room,
    ] {
        for (path, bytes) in &files {
            assert!(!contains(bytes, secret.as_bytes()), "{secret} is readable in {}", path.display());
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_from_a_stranger_is_a_request_until_accepted() -> Result<()> {
    let Some(homeserver) = Homeserver::from_env()? else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let (mut ulla, user_id, me) = person_with_matrix(dir.path(), &homeserver).await?;
    turn_on(&ulla, &user_id).await?;
    // The account's connection is told as a relay connection is: connecting, then connected.
    let account = me.account();
    ulla.wait_for("the Matrix account to connect", |event| match event {
        Event::Connection { account: which, state: ConnectionState::Connected, .. } if *which == account => Some(()),
        _ => None,
    })
    .await?;
    let wren = MatrixPeer::start(&homeserver, "wren", false).await?;
    let wren_address = isthmus_core::matrix_link::matrix_address(&wren.user_id)?;

    // Wren, a stranger, opens a direct chat with ulla and writes.
    let room = wren.client.create_dm(<&matrix_sdk::ruma::UserId>::try_from(user_id.as_str())?).await?;
    room.send(RoomMessageEventContent::text_plain("persimmon-harbor-1203")).await?;
    let request = ulla
        .wait_for("wren's request", |event| match event {
            Event::ConversationChanged { conversation } if conversation.peer == wren_address => {
                Some(conversation.clone())
            }
            _ => None,
        })
        .await?;
    assert!(request.request, "an invitation from someone new is a message request");
    assert_eq!(request.send_refusal, Some(ErrorCode::RequestPending));
    assert!(ulla.engine.requests(None)?.iter().any(|c| c.id == request.id));

    // Nothing goes back before it is accepted: no join, no receipt, no typing, no reply.
    ulla.engine.mark_read(request.id).await?;
    ulla.engine.send_typing(&me, &wren_address, true).await?;
    let refused = ulla.engine.send_text(&me, &wren_address, "too early").await.expect_err("a request");
    assert_eq!(refused.code(), ErrorCode::RequestPending);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let membership = room.get_member_no_sync(<&matrix_sdk::ruma::UserId>::try_from(user_id.as_str())?).await?;
    assert_eq!(
        membership.map(|m| m.membership().clone()),
        Some(matrix_sdk::ruma::events::room::member::MembershipState::Invite),
        "ulla has not joined"
    );
    let sent_back = wren.seen().into_iter().any(|saw| match saw {
        PeerSaw::Read { sender, .. } => sender == user_id,
        PeerSaw::Typing { users } => users.contains(&user_id),
        _ => false,
    });
    assert!(!sent_back, "no receipt and no typing went back");

    // Accepting joins the room: the messages come in, and ulla can answer.
    ulla.engine.accept_request(request.id).await?;
    ulla.receives(&wren_address, "persimmon-harbor-1203").await?;
    ulla.engine.send_text(&me, &wren_address, "hello wren").await?;
    wren.wait_for("ulla's answer", |saw| match saw {
        PeerSaw::Message { body, sender, .. } if body == "hello wren" && sender == &user_id => Some(()),
        _ => None,
    })
    .await?;
    let decisions: Vec<_> = ulla.engine.ledger()?.into_iter().map(|e| (e.counterpart, e.decision)).collect();
    assert!(decisions.contains(&(wren_address.to_string(), Decision::RequestAccepted)));

    // A blocked stranger's invitation is declined and put on Matrix's ignore list.
    let yann = MatrixPeer::start(&homeserver, "yann", false).await?;
    let yann_address = isthmus_core::matrix_link::matrix_address(&yann.user_id)?;
    let yann_room = yann.client.create_dm(<&matrix_sdk::ruma::UserId>::try_from(user_id.as_str())?).await?;
    let yann_request = ulla
        .wait_for("yann's request", |event| match event {
            Event::ConversationChanged { conversation } if conversation.peer == yann_address => {
                Some(conversation.clone())
            }
            _ => None,
        })
        .await?;
    assert!(yann_request.request);
    ulla.engine.block(&me, &yann_address).await?;
    assert!(ulla.engine.conversation(&yann_request.id)?.is_none(), "a blocked request is gone");
    let deadline = tokio::time::Instant::now() + isthmus_e2e::PATIENCE;
    loop {
        let member = yann_room.get_member(<&matrix_sdk::ruma::UserId>::try_from(user_id.as_str())?).await?;
        if member.is_some_and(|m| *m.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Leave) {
            break;
        }
        anyhow::ensure!(tokio::time::Instant::now() < deadline, "ulla never declined yann's invitation");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_says_what_went_wrong_and_keeps_nothing_and_signing_out_keeps_the_chats() -> Result<()> {
    let Some(homeserver) = Homeserver::from_env()? else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let meadow = relay("meadow.test").await?;
    let mut ulla = Person::join_on_disk(dir.path(), &meadow, "ulla").await?;
    let (user_id, password) = homeserver.register("ulla").await?;
    let me = isthmus_core::matrix_link::matrix_address(&user_id)?;
    let attempt = |user: &str, password: &str, url: &str| {
        let mut request = SignIn::new(user, password);
        request.homeserver = Some(url.to_owned());
        isthmus_matrix::sign_in(&ulla.engine, request)
    };

    let wrong = attempt(&user_id, "not the password", &homeserver.url).await.expect_err("a wrong password");
    assert_eq!(wrong.code(), ErrorCode::Unauthorized, "{wrong}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let unreachable =
        attempt(&user_id, &password, &format!("http://127.0.0.1:{closed}")).await.expect_err("nobody there");
    assert_eq!(unreachable.code(), ErrorCode::HomeserverUnreachable, "{unreachable}");
    let invalid = attempt("ulla", &password, &homeserver.url).await.expect_err("not an id");
    assert_eq!(invalid.code(), ErrorCode::InvalidMatrixId);
    let insecure = attempt(&user_id, &password, "http://matrix.example.org").await.expect_err("plain http elsewhere");
    assert_eq!(insecure.code(), ErrorCode::InsecureRelay, "the relays' rule: http:// only on this machine");
    assert!(ulla.engine.matrix_accounts()?.is_empty(), "a failed sign-in keeps nothing");
    assert!(!ulla.engine.matrix_store_dir(&user_id).exists(), "not even the client's store");

    attempt(&user_id, &password, &homeserver.url).await?;
    let twice = attempt(&user_id, &password, &homeserver.url).await.expect_err("signed in already");
    assert_eq!(twice.code(), ErrorCode::MatrixAccountExists);
    turn_on(&ulla, &user_id).await?;
    let vic = MatrixPeer::start(&homeserver, "vic", true).await?;
    let chat = ulla.engine.open_matrix_chat(&user_id, &vic.user_id).await?;
    let vic_room = vic.joined(&chat.matrix.as_ref().context("matrix")?.room).await?;

    // A reaction ulla takes back from another of her devices is gone here too.
    let vic_address = isthmus_core::matrix_link::matrix_address(&vic.user_id)?;
    vic_room.send(RoomMessageEventContent::text_plain("sorrel-bridge-9090")).await?;
    let note = ulla.receives(&vic_address, "sorrel-bridge-9090").await?;
    ulla.engine
        .send(&me, &vic_address, Outgoing::Reaction { target: note.id, emoji: "🌿".into(), remove: false })
        .await?;
    let reaction = vic
        .wait_for("ulla's reaction", |saw| match saw {
            PeerSaw::Reaction { event, sender, key, .. } if sender == &user_id && key == "🌿" => Some(event.clone()),
            _ => None,
        })
        .await?;
    let other_device = MatrixPeer::sign_in(&homeserver, user_id.clone(), &password, false).await?;
    let room_there = other_device.joined(&chat.matrix.as_ref().context("matrix")?.room).await?;
    room_there.redact(<&matrix_sdk::ruma::EventId>::try_from(reaction.as_str())?, None, None).await?;
    ulla.wait_for("the reaction taken back", |event| match event {
        Event::MessageUpdated { message } if message.id == note.id && message.reactions.is_empty() => Some(()),
        _ => None,
    })
    .await?;

    // Signing out: the account and its client's store go, the chat stays, read-only.
    let store = ulla.engine.matrix_store_dir(&user_id);
    assert!(store.exists());
    isthmus_matrix::sign_out(&ulla.engine, &user_id).await?;
    assert!(ulla.engine.matrix_accounts()?.is_empty());
    assert!(!store.exists(), "the Matrix client's store is removed");
    let kept = ulla.engine.conversation(&chat.id)?.context("the chat stays")?;
    assert!(kept.read_only && kept.send_refusal == Some(ErrorCode::InteropOff));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_matrix_accounts_in_one_profile_each_keep_their_own_chats_and_switch() -> Result<()> {
    let Some(homeserver) = Homeserver::from_env()? else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let (ulla, work, work_address) = person_with_matrix(dir.path(), &homeserver).await?;
    let (home, home_password) = homeserver.register("ullahome").await?;
    let mut second = SignIn::new(&home, &home_password);
    second.homeserver = Some(homeserver.url.clone());
    let home_address: Address = isthmus_matrix::sign_in(&ulla.engine, second).await?.address.parse()?;
    turn_on(&ulla, &work).await?;
    turn_on(&ulla, &home).await?;
    assert_eq!(ulla.engine.matrix_accounts()?.len(), 2);

    let vic = MatrixPeer::start(&homeserver, "vic", true).await?;
    let vic_address = isthmus_core::matrix_link::matrix_address(&vic.user_id)?;
    let from_work = ulla.engine.open_matrix_chat(&work, &vic.user_id).await?;
    let from_home = ulla.engine.open_matrix_chat(&home, &vic.user_id).await?;
    assert_ne!(from_work.id, from_home.id, "one chat per account");
    vic.joined(&from_work.matrix.as_ref().context("matrix")?.room).await?;
    vic.joined(&from_home.matrix.as_ref().context("matrix")?.room).await?;
    ulla.engine.send_text(&work_address, &vic_address, "from-work-3141").await?;
    ulla.engine.send_text(&home_address, &vic_address, "from-home-2718").await?;
    for text in ["from-work-3141", "from-home-2718"] {
        vic.wait_for(text, |saw| matches!(saw, PeerSaw::Message { body, .. } if body == text).then_some(())).await?;
    }

    // Off for one account leaves the other's chat writable.
    isthmus_matrix::set_enabled(&ulla.engine, &home, false, None).await?;
    assert!(ulla.engine.conversation(&from_home.id)?.context("home chat")?.read_only);
    assert!(!ulla.engine.conversation(&from_work.id)?.context("work chat")?.read_only);
    let sent = ulla.engine.send_text(&work_address, &vic_address, "still-here-1618").await?;
    assert_eq!(sent.status, MessageStatus::Sent, "the homeserver took it");
    let refused = ulla.engine.send_text(&home_address, &vic_address, "not sent").await.expect_err("off");
    assert_eq!(refused.code(), ErrorCode::InteropOff);
    Ok(())
}
