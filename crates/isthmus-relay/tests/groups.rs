//! Groups across networks (issue 16), enforced by the member's own relay: who may add an account
//! to a group (the rest of the adds arrive as invitations), and that nothing else of a group
//! reaches an account that is not a member, which answers exactly like a missing account.

mod common;

use common::*;
use isthmus_proto::wire;
use isthmus_relay::{Limits, RelayConfig, RunningRelay};
use serde_json::{json, Value};

const BOOK_CLUB: [u8; 16] = [0xb0; 16];
const CHOIR: [u8; 16] = [0xc0; 16];

fn hex(group_id: &[u8]) -> String {
    group_id.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// An add of `to` to the group, carrying (in a real client) the group's state.
fn add(to: &str, group_id: [u8; 16]) -> wire::Envelope {
    wire::Envelope { group_id: group_id.to_vec(), group_add: true, ..envelope_to(to, b"you are in") }
}

/// Group traffic: a group message (sender keys, updates and receipts travel the same way).
fn traffic(to: &str, group_id: [u8; 16], text: &[u8]) -> wire::Envelope {
    wire::Envelope {
        group_id: group_id.to_vec(),
        kind: wire::CiphertextKind::SenderKey as i32,
        ..envelope_to(to, text)
    }
}

async fn status(response: anyhow::Result<reqwest::Response>) -> u16 {
    response.expect("the relay answers").status().as_u16()
}

async fn set_adds(account: &Account, who: &str) {
    let response = account.put("/v1/account/groups/adds", &json!({ "who_can_add": who })).await.expect("answers");
    assert_eq!(response.status().as_u16(), 200, "the setting is stored");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body, json!({ "who_can_add": who }), "and answered as stored");
}

async fn join(account: &Account, group_id: [u8; 16]) {
    let path = format!("/v1/account/groups/{}", hex(&group_id));
    assert_eq!(status(account.put_empty(&path).await).await, 204, "joining a group answers 204");
}

async fn meadow_with(limits: Limits) -> RunningRelay {
    relay_with(RelayConfig { limits, ..RelayConfig::new(network("meadow.example")) }).await
}

async fn peered_pair_with(meadow_limits: Limits, harbor_limits: Limits) -> (RunningRelay, RunningRelay) {
    let meadow = meadow_with(meadow_limits).await;
    let harbor = relay_with(RelayConfig { limits: harbor_limits, ..RelayConfig::new(network("harbor.example")) }).await;
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    (meadow, harbor)
}

#[tokio::test]
async fn by_default_an_add_makes_a_member_and_the_groups_traffic_follows_from_anyone_in_it() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let carol = register(&relay, "carol").await;
    let read: Value = bob.get("/v1/account/groups/adds").await.expect("answers").json().await.expect("json");
    assert_eq!(read, json!({"who_can_add": "networks"}), "an account that never chose may be added by anyone");
    let mut bob_socket = connect_idle(&bob).await;
    let mut alice_socket = connect_idle(&alice).await;
    assert_eq!(send_and_wait(&mut alice_socket, 1, add("bob@meadow.example", BOOK_CLUB)).await.error_code, "");
    let added = expect_push(&mut bob_socket).await;
    assert!(added.group_add, "bob gets the add");
    assert!(!added.group_invitation, "as a member: his setting lets anyone on his network add him");
    assert_eq!(added.group_id, BOOK_CLUB.to_vec());

    assert_eq!(
        send_and_wait(&mut alice_socket, 2, traffic("bob@meadow.example", BOOK_CLUB, b"hi all")).await.error_code,
        ""
    );
    assert_eq!(expect_push(&mut bob_socket).await.ciphertext, b"hi all", "the group's messages reach a member");
    let mut carol_socket = connect_idle(&carol).await;
    let from_carol = send_and_wait(&mut carol_socket, 1, traffic("bob@meadow.example", BOOK_CLUB, b"me too")).await;
    assert_eq!(from_carol.error_code, "", "another member writes to bob without being his contact");
    assert_eq!(expect_push(&mut bob_socket).await.ciphertext, b"me too");
    let requests: Value = bob.get("/v1/account/requests").await.expect("answers").json().await.expect("json");
    assert_eq!(requests, json!({"requests": []}), "neither the add nor the group's traffic is a message request");

    let elsewhere = send_and_wait(&mut carol_socket, 2, traffic("bob@meadow.example", CHOIR, b"psst")).await;
    let nobody = send_and_wait(&mut carol_socket, 3, traffic("nobody@meadow.example", CHOIR, b"psst")).await;
    assert_eq!(elsewhere.error_code, "unknown_account", "a group bob is not in reaches nothing");
    assert_eq!(
        (&elsewhere.error_code, &elsewhere.error_message),
        (&nobody.error_code, &nobody.error_message),
        "and is refused exactly as for a missing account"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn under_contacts_a_strangers_add_is_an_invitation_and_nothing_of_the_group_arrives_until_the_join() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let dave = register(&relay, "dave").await;
    set_adds(&bob, "contacts").await;
    let read: Value = bob.get("/v1/account/groups/adds").await.expect("answers").json().await.expect("json");
    assert_eq!(read, json!({"who_can_add": "contacts"}), "the setting reads back");
    assert_eq!(status(bob.put_empty("/v1/account/contacts/dave@meadow.example").await).await, 204);
    let mut bob_socket = connect_idle(&bob).await;
    let mut alice_socket = connect_idle(&alice).await;

    assert_eq!(send_and_wait(&mut alice_socket, 1, add("bob@meadow.example", BOOK_CLUB)).await.error_code, "");
    let invitation = expect_push(&mut bob_socket).await;
    assert!(invitation.group_add && invitation.group_invitation, "a stranger's add arrives flagged as an invitation");
    let before = send_and_wait(&mut alice_socket, 2, traffic("bob@meadow.example", BOOK_CLUB, b"early")).await;
    let nobody = send_and_wait(&mut alice_socket, 3, traffic("nobody@meadow.example", BOOK_CLUB, b"early")).await;
    assert_eq!(before.error_code, "unknown_account", "nothing else of the group arrives before bob accepts");
    assert_eq!(
        (&before.error_code, &before.error_message),
        (&nobody.error_code, &nobody.error_message),
        "refused exactly as for a missing account"
    );
    let mut dave_socket = connect_idle(&dave).await;
    let from_contact = send_and_wait(&mut dave_socket, 1, traffic("bob@meadow.example", BOOK_CLUB, b"hey")).await;
    assert_eq!(from_contact.error_code, "unknown_account", "not even from a contact: bob is not in the group");

    join(&bob, BOOK_CLUB).await;
    assert_eq!(
        send_and_wait(&mut alice_socket, 4, traffic("bob@meadow.example", BOOK_CLUB, b"welcome")).await.error_code,
        ""
    );
    assert_eq!(expect_push(&mut bob_socket).await.ciphertext, b"welcome", "once bob joined, the group reaches him");

    assert_eq!(send_and_wait(&mut dave_socket, 2, add("bob@meadow.example", CHOIR)).await.error_code, "");
    let by_contact = expect_push(&mut bob_socket).await;
    assert!(by_contact.group_add && !by_contact.group_invitation, "a contact's add makes bob a member");
    assert_eq!(send_and_wait(&mut dave_socket, 3, traffic("bob@meadow.example", CHOIR, b"la")).await.error_code, "");
    assert_eq!(expect_push(&mut bob_socket).await.ciphertext, b"la");
    relay.shutdown().await;
}

#[tokio::test]
async fn under_nobody_even_a_contacts_add_is_an_invitation() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    set_adds(&bob, "nobody").await;
    assert_eq!(status(bob.put_empty("/v1/account/contacts/alice@meadow.example").await).await, 204);
    let mut bob_socket = connect_idle(&bob).await;
    let mut alice_socket = connect_idle(&alice).await;
    assert_eq!(send_and_wait(&mut alice_socket, 1, add("bob@meadow.example", BOOK_CLUB)).await.error_code, "");
    assert!(expect_push(&mut bob_socket).await.group_invitation, "with `nobody` every add is an invitation");
    let before = send_and_wait(&mut alice_socket, 2, traffic("bob@meadow.example", BOOK_CLUB, b"x")).await;
    assert_eq!(before.error_code, "unknown_account", "and the group stays out until bob joins");

    // bob adds himself (as his other devices will): the answer and the push come in either order.
    send_envelope(&mut bob_socket, 1, add("bob@meadow.example", CHOIR)).await.expect("sent");
    let mut own = None;
    for _ in 0..2 {
        match next_frame(&mut bob_socket).await.expect("a frame") {
            wire::server_frame::Frame::SendResult(result) => assert_eq!(result.error_code, "", "bob may add himself"),
            wire::server_frame::Frame::Push(envelope) => own = Some(envelope),
            other => panic!("unexpected frame {other:?}"),
        }
    }
    let own = own.expect("bob's own add reaches him");
    assert!(!own.group_invitation, "an account adding itself (its other devices) is always a member");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_forged_invitation_flag_is_cleared_by_the_recipients_relay() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut bob_socket = connect_idle(&bob).await;
    let mut alice_socket = connect_idle(&alice).await;
    let forged = wire::Envelope { group_invitation: true, ..add("bob@meadow.example", BOOK_CLUB) };
    assert_eq!(send_and_wait(&mut alice_socket, 1, forged).await.error_code, "");
    let arrived = expect_push(&mut bob_socket).await;
    assert!(arrived.group_add, "the add arrives");
    assert!(!arrived.group_invitation, "as the add bob's setting allows: only his relay sets the flag");
    let forged = wire::Envelope { group_invitation: true, ..traffic("bob@meadow.example", BOOK_CLUB, b"m") };
    assert_eq!(send_and_wait(&mut alice_socket, 2, forged).await.error_code, "");
    assert!(!expect_push(&mut bob_socket).await.group_invitation, "nor on the group's other traffic");
    relay.shutdown().await;
}

#[tokio::test]
async fn malformed_group_fields_and_ids_are_bad_requests() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    register(&relay, "bob").await;
    let mut socket = connect_idle(&alice).await;
    let short = wire::Envelope { group_id: vec![1; 5], ..envelope_to("bob@meadow.example", b"x") };
    let add_alone = wire::Envelope { group_add: true, ..envelope_to("bob@meadow.example", b"x") };
    let invitation_alone = wire::Envelope { group_invitation: true, ..envelope_to("bob@meadow.example", b"x") };
    for (n, envelope) in [short, add_alone, invitation_alone].into_iter().enumerate() {
        let result = send_and_wait(&mut socket, n as u64, envelope).await;
        assert_eq!(result.error_code, "bad_request", "case {n}: a group id is 16 bytes, and adds name their group");
    }
    for path in
        ["/v1/account/groups/xyz", "/v1/account/groups/b0b0", &format!("/v1/account/groups/{}zz", "b0".repeat(15))]
    {
        let (code, body) = error_body(alice.put_empty(path).await.expect("answers")).await;
        assert_eq!((code, body["code"].as_str()), (400, Some("bad_request")), "{path}: not a group id");
    }
    let bad_setting = alice.put("/v1/account/groups/adds", &json!({"who_can_add": "everyone"})).await;
    assert_eq!(status(bad_setting).await, 400, "only networks, contacts or nobody");
    relay.shutdown().await;
}

#[tokio::test]
async fn leaving_deletes_what_of_the_group_is_queued_and_refuses_what_follows() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut alice_socket = connect_idle(&alice).await;
    for (n, envelope) in [
        add("bob@meadow.example", BOOK_CLUB),
        traffic("bob@meadow.example", BOOK_CLUB, b"one"),
        envelope_to("bob@meadow.example", b"just to you"),
        traffic("bob@meadow.example", BOOK_CLUB, b"two"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            send_and_wait(&mut alice_socket, n as u64, envelope).await.error_code,
            "",
            "queued while bob is away"
        );
    }
    let path = format!("/v1/account/groups/{}", hex(&BOOK_CLUB).to_uppercase());
    assert_eq!(status(bob.delete(&path).await).await, 204, "bob leaves (ids in either case)");
    let mut bob_socket = bob.connect().await.expect("bob connects");
    assert_eq!(
        expect_push(&mut bob_socket).await.ciphertext,
        b"just to you",
        "the group's queued envelopes are gone, the rest stays"
    );
    expect_queue_empty(&mut bob_socket).await;
    let after = send_and_wait(&mut alice_socket, 9, traffic("bob@meadow.example", BOOK_CLUB, b"three")).await;
    assert_eq!(after.error_code, "unknown_account", "a group bob left reaches him no more");
    assert_eq!(status(bob.delete(&path).await).await, 204, "leaving again, or a group never joined, is no error");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_block_still_refuses_a_members_group_traffic_and_adds() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    join(&bob, BOOK_CLUB).await;
    assert_eq!(status(bob.put_empty("/v1/account/blocks/alice@meadow.example").await).await, 204);
    let mut socket = connect_idle(&alice).await;
    let blocked = send_and_wait(&mut socket, 1, traffic("bob@meadow.example", BOOK_CLUB, b"hi")).await;
    let nobody = send_and_wait(&mut socket, 2, traffic("nobody@meadow.example", BOOK_CLUB, b"hi")).await;
    assert_eq!(blocked.error_code, "unknown_account", "being in bob's group does not pass his block");
    assert_eq!((&blocked.error_code, &blocked.error_message), (&nobody.error_code, &nobody.error_message));
    let blocked_add = send_and_wait(&mut socket, 3, add("bob@meadow.example", CHOIR)).await;
    assert_eq!(blocked_add.error_code, "unknown_account", "nor can a blocked sender add him to anything");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_strangers_add_counts_as_a_first_contact_but_takes_no_request_slot() {
    let relay = meadow_with(Limits { first_contacts_per_sender_per_hour: 2, ..Limits::default() }).await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    for name in ["carol", "dave"] {
        register(&relay, name).await;
    }
    let mut socket = connect_idle(&alice).await;
    assert_eq!(send_and_wait(&mut socket, 1, add("bob@meadow.example", BOOK_CLUB)).await.error_code, "");
    assert_eq!(send_and_wait(&mut socket, 2, add("carol@meadow.example", BOOK_CLUB)).await.error_code, "");
    let third = send_and_wait(&mut socket, 3, add("dave@meadow.example", BOOK_CLUB)).await;
    assert_eq!(third.error_code, "first_contact_limit", "adding strangers is spent from the same hour as writing them");
    let requests: Value = bob.get("/v1/account/requests").await.expect("answers").json().await.expect("json");
    assert_eq!(requests, json!({"requests": []}), "an add is no message request");
    let members = send_and_wait(&mut socket, 4, traffic("bob@meadow.example", BOOK_CLUB, b"hi")).await;
    assert_eq!(members.error_code, "", "the group's traffic to a member is never a first contact");
    relay.shutdown().await;
}

#[tokio::test]
async fn across_networks_the_members_relay_decides_and_the_senders_relay_counts_no_group_traffic() {
    let one = Limits { first_contacts_per_sender_per_hour: 1, ..Limits::default() };
    let (meadow, harbor) = peered_pair_with(one, Limits::default()).await;
    let alice = register(&meadow, "alice").await;
    alice.allow(&["harbor.example"]).await.expect("alice allows harbor");
    let mut harbor_accounts = Vec::new();
    for name in ["bob", "h1", "h2", "h3", "erin", "frank"] {
        let account = register(&harbor, name).await;
        account.allow(&["meadow.example"]).await.expect("allowed");
        allow_groups(&account, &["meadow.example"]).await;
        harbor_accounts.push(account);
    }
    let bob = &harbor_accounts[0];
    set_adds(bob, "contacts").await;
    let mut bob_socket = connect_idle(bob).await;
    let mut alice_socket = connect_idle(&alice).await;

    // gus allowed meadow before he was told what groups do across networks: to meadow's adds he
    // answers as an account that does not exist, until he is asked again.
    let gus = register(&harbor, "gus").await;
    gus.allow(&["meadow.example"]).await.expect("allowed");
    let refused = send_and_wait(&mut alice_socket, 30, add("gus@harbor.example", BOOK_CLUB)).await;
    assert_eq!(refused.error_code, "unknown_account", "no group consent for meadow yet");
    allow_groups(&gus, &["meadow.example"]).await;
    let networks: Value = gus.get("/v1/account/groups/networks").await.expect("answers").json().await.expect("json");
    assert_eq!(networks, json!({"networks": ["meadow.example"]}));

    // bob's relay decides, with bob's setting.
    let first = add("bob@harbor.example", BOOK_CLUB);
    assert_eq!(
        send_and_wait(&mut alice_socket, 1, first).await.error_code,
        "",
        "the add counts alice's one first contact"
    );
    assert!(expect_push(&mut bob_socket).await.group_invitation, "harbor flags a stranger's add for bob");
    let before = send_and_wait(&mut alice_socket, 2, traffic("bob@harbor.example", BOOK_CLUB, b"early")).await;
    assert_eq!(before.error_code, "unknown_account", "harbor keeps the group out until bob joins");
    join(bob, BOOK_CLUB).await;
    assert_eq!(
        send_and_wait(&mut alice_socket, 3, traffic("bob@harbor.example", BOOK_CLUB, b"in")).await.error_code,
        ""
    );
    assert_eq!(expect_push(&mut bob_socket).await.ciphertext, b"in");

    // meadow counts no group traffic as alice's first contacts: three members she never wrote to
    // are reached although her hour (one) is spent.
    for (n, member) in harbor_accounts[1..4].iter().enumerate() {
        join(member, CHOIR).await;
        let to = format!("{}@harbor.example", member.name);
        let result = send_and_wait(&mut alice_socket, 10 + n as u64, traffic(&to, CHOIR, b"la")).await;
        assert_eq!(result.error_code, "", "group traffic to {to} is no first contact on either side");
    }
    let plain = send_and_wait(&mut alice_socket, 20, envelope_to("erin@harbor.example", b"hi")).await;
    assert_eq!(
        plain.error_code, "first_contact_limit",
        "a plain first message is still counted, and the hour is spent"
    );
    let forwarded = send_and_wait(&mut alice_socket, 21, add("frank@harbor.example", CHOIR)).await;
    assert_eq!(forwarded.error_code, "first_contact_limit", "so is an add to someone alice never wrote to");
    meadow.shutdown().await;
    harbor.shutdown().await;
}

/// The other networks whose people may add `account` to groups.
async fn allow_groups(account: &common::Account, networks: &[&str]) {
    let response = account.put("/v1/account/groups/networks", &json!({ "networks": networks })).await.expect("answers");
    let status = response.status();
    assert!(status.is_success(), "setting group networks: {status} {}", response.text().await.unwrap_or_default());
}

/// A `SendToMembers` frame: `template` to each of `to`, request ids from `first`.
fn to_members(template: wire::Envelope, to: &[&str], first: u64) -> wire::client_frame::Frame {
    let copies = to
        .iter()
        .enumerate()
        .map(|(n, address)| {
            let one = envelope_to(address, b"");
            wire::send_to_members::Copy {
                request_id: first + n as u64,
                destination: one.destination,
                envelope_id: one.id,
            }
        })
        .collect();
    wire::client_frame::Frame::SendToMembers(wire::SendToMembers { envelope: Some(template), copies })
}

/// The `SendResult`s of `count` copies, by request id.
async fn results(socket: &mut Socket, count: usize) -> std::collections::BTreeMap<u64, String> {
    let mut results = std::collections::BTreeMap::new();
    while results.len() < count {
        let result = expect_send_result(socket).await;
        results.insert(result.request_id, result.error_code);
    }
    results
}

#[tokio::test]
async fn a_group_message_to_several_members_is_one_send_answered_per_copy_and_only_members_get_it() {
    // Two requests per account (joining or connecting, then one send): alice's frame with three
    // copies spends one token, so her next frame finds none.
    let limits = Limits { account_rate: isthmus_relay::Rate { burst: 2, per_minute: 1 }, ..Limits::default() };
    let relay = meadow_with(limits).await;
    let health: Value =
        reqwest::get(format!("{}/healthz", relay.url())).await.expect("answers").json().await.expect("json");
    assert!(health["features"].as_array().is_some_and(|f| f.iter().any(|f| f == "send_to_members")), "{health}");
    let alice = register(&relay, "alice").await;
    let (bob, carol, dan) =
        (register(&relay, "bob").await, register(&relay, "carol").await, register(&relay, "dan").await);
    join(&bob, BOOK_CLUB).await;
    join(&carol, BOOK_CLUB).await;
    let (mut bob_socket, mut carol_socket) = (connect_idle(&bob).await, connect_idle(&carol).await);
    let mut socket = connect_idle(&alice).await;
    let _ = &dan;

    let template = wire::Envelope {
        destination: None,
        id: Vec::new(),
        ..traffic("bob@meadow.example", BOOK_CLUB, b"one for all")
    };
    let to = ["bob@meadow.example", "carol@meadow.example", "dan@meadow.example"];
    send_frame(&mut socket, to_members(template.clone(), &to, 1)).await.expect("sent");
    let answers = results(&mut socket, 3).await;
    assert_eq!(answers[&1], "", "bob is a member");
    assert_eq!(answers[&2], "", "so is carol");
    assert_eq!(answers[&3], "unknown_account", "dan is not: the answer a missing account gets");
    for member in [&mut bob_socket, &mut carol_socket] {
        let copy = expect_push(member).await;
        assert_eq!((copy.ciphertext.as_slice(), copy.group_id.as_slice()), (&b"one for all"[..], &BOOK_CLUB[..]));
        assert_eq!(copy.source.map(|s| s.name), Some("alice".to_owned()), "the relay stamps the source");
    }

    // The account's one token is spent: the next frame is refused for every copy alike.
    send_frame(&mut socket, to_members(template, &to[..2], 10)).await.expect("sent");
    let answers = results(&mut socket, 2).await;
    assert!(answers.values().all(|code| code == "rate_limited"), "{answers:?}");

    // Only group traffic may go to several people at once: anything else is refused per copy.
    let plain = wire::Envelope { destination: None, id: Vec::new(), ..envelope_to("bob@meadow.example", b"hi") };
    send_frame(&mut socket, to_members(plain, &to[..2], 20)).await.expect("sent");
    let answers = results(&mut socket, 2).await;
    assert!(answers.values().all(|code| code == "bad_request"), "{answers:?}");
    relay.shutdown().await;
}
