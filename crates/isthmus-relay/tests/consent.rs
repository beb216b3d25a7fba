//! Consent and safety at the relay: blocks, message requests and their limits, withdrawn interop,
//! identity resets. Reports are in `reports.rs`.

mod common;

use common::*;
use isthmus_relay::{Limits, RelayConfig, RunningRelay};
use serde_json::{json, Value};

async fn peered_pair_with(meadow_limits: Limits, harbor_limits: Limits) -> (RunningRelay, RunningRelay) {
    let mut meadow_config = RelayConfig::new(network("meadow.example"));
    meadow_config.limits = meadow_limits;
    let mut harbor_config = RelayConfig::new(network("harbor.example"));
    harbor_config.limits = harbor_limits;
    let meadow = relay_with(meadow_config).await;
    let harbor = relay_with(harbor_config).await;
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    (meadow, harbor)
}

async fn status(response: anyhow::Result<reqwest::Response>) -> u16 {
    response.expect("the relay answers").status().as_u16()
}

async fn lookup(account: &Account, path: &str) -> (u16, Value) {
    error_body(account.get(path).await.expect("the relay answers")).await
}

#[tokio::test]
async fn a_blocked_address_finds_the_account_missing_from_any_network_until_unblocked() {
    let (meadow, harbor) = peered_pair_with(Limits::default(), Limits::default()).await;
    let alice = register(&meadow, "alice").await;
    let bob = register(&harbor, "bob").await;
    let eve = register(&harbor, "eve").await;
    bob.allow(&["meadow.example"]).await.expect("bob allows meadow");
    assert_eq!(status(bob.put_empty("/v1/account/blocks/alice@meadow.example").await).await, 204);
    assert_eq!(status(bob.put_empty("/v1/account/blocks/eve@harbor.example").await).await, 204);
    assert_eq!(
        status(bob.put_empty("/v1/account/blocks/eve@harbor.example").await).await,
        204,
        "blocking twice is idempotent"
    );
    let listed: Value = bob.get("/v1/account/blocks").await.expect("request").json().await.expect("json");
    assert_eq!(
        listed,
        json!({"addresses": ["alice@meadow.example", "eve@harbor.example"]}),
        "the account can see whom it blocks"
    );

    // From the peered network: sends, bundles and look-ups all answer as for nobody.
    let mut alice_socket = connect_idle(&alice).await;
    let blocked = send_and_wait(&mut alice_socket, 1, envelope_to("bob@harbor.example", b"hi")).await;
    let missing = send_and_wait(&mut alice_socket, 2, envelope_to("nobody@harbor.example", b"hi")).await;
    assert_eq!(blocked.error_code, "unknown_account", "a blocked sender's delivery is refused");
    assert_eq!(
        (&blocked.error_code, &blocked.error_message),
        (&missing.error_code, &missing.error_message),
        "and refused exactly like one to nobody, so a block cannot be told from absence"
    );
    for path in ["/v1/directory/", "/v1/keys/"] {
        let hidden = lookup(&alice, &format!("{path}bob@harbor.example")).await;
        let absent = lookup(&alice, &format!("{path}nobody@harbor.example")).await;
        assert_eq!(hidden.1["code"], "unknown_account", "{path}: bob is hidden from alice");
        assert_eq!(hidden, absent, "{path}: with the same status and body as a missing account");
    }

    // From bob's own network: the same.
    let mut eve_socket = connect_idle(&eve).await;
    let blocked = send_and_wait(&mut eve_socket, 1, envelope_to("bob@harbor.example", b"hi")).await;
    let missing = send_and_wait(&mut eve_socket, 2, envelope_to("nobody@harbor.example", b"hi")).await;
    assert_eq!(blocked.error_code, "unknown_account", "a block holds on the account's own network too");
    assert_eq!(
        (&blocked.error_code, &blocked.error_message),
        (&missing.error_code, &missing.error_message),
        "indistinguishable from absence locally as well"
    );
    for path in ["/v1/directory/", "/v1/keys/"] {
        let hidden = lookup(&eve, &format!("{path}bob@harbor.example")).await;
        let absent = lookup(&eve, &format!("{path}nobody@harbor.example")).await;
        assert_eq!(hidden, absent, "{path}: a local look-up by a blocked address finds nothing either");
    }
    let counts: Value = bob.get("/v1/keys/count").await.expect("request").json().await.expect("json");
    assert_eq!(counts["prekeys"], 2, "blocked addresses must not have consumed any of bob's one-time keys");

    assert_eq!(status(bob.delete("/v1/account/blocks/alice@meadow.example").await).await, 204);
    let result = send_and_wait(&mut alice_socket, 3, envelope_to("bob@harbor.example", b"sorry")).await;
    assert_eq!(result.error_code, "", "after the unblock alice reaches bob again");
    assert_eq!(lookup(&alice, "/v1/directory/bob@harbor.example").await.0, 200, "and finds him");
    let still = send_and_wait(&mut eve_socket, 3, envelope_to("bob@harbor.example", b"hi")).await;
    assert_eq!(still.error_code, "unknown_account", "unblocking one address leaves the other blocked");
    meadow.shutdown().await;
    harbor.shutdown().await;
}

#[tokio::test]
async fn blocking_deletes_what_the_blocked_address_already_queued() {
    let relay = memory_relay("meadow.example").await;
    let bob = register(&relay, "bob").await;
    let mallory = register(&relay, "mallory").await;
    let carol = register(&relay, "carol").await;
    let mut mallory_socket = connect_idle(&mallory).await;
    let mut carol_socket = connect_idle(&carol).await;
    for n in 0..3 {
        let result = send_and_wait(&mut mallory_socket, n, envelope_to("bob@meadow.example", b"spam")).await;
        assert_eq!(result.error_code, "", "before the block mallory's envelopes are queued");
    }
    let kept = envelope_to("bob@meadow.example", b"hello");
    let kept_id = kept.id.clone();
    assert_eq!(send_and_wait(&mut carol_socket, 1, kept).await.error_code, "");

    assert_eq!(status(bob.put_empty("/v1/account/blocks/mallory@meadow.example").await).await, 204);
    let mut bob_socket = bob.connect().await.expect("bob connects");
    assert_eq!(expect_push(&mut bob_socket).await.id, kept_id, "only carol's envelope is left for bob");
    expect_queue_empty(&mut bob_socket).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn first_contacts_are_limited_per_sender_per_hour_and_contacts_are_exempt() {
    let limits = Limits { first_contacts_per_sender_per_hour: 2, ..Limits::default() };
    let relay = relay_with(RelayConfig { limits, ..RelayConfig::new(network("meadow.example")) }).await;
    let alice = register(&relay, "alice").await;
    for name in ["r1", "r2", "r3"] {
        register(&relay, name).await;
    }
    let r4 = register(&relay, "r4").await;
    let mut socket = connect_idle(&alice).await;
    assert_eq!(send_and_wait(&mut socket, 1, envelope_to("r1@meadow.example", b"hi")).await.error_code, "");
    assert_eq!(send_and_wait(&mut socket, 2, envelope_to("r2@meadow.example", b"hi")).await.error_code, "");
    let third = send_and_wait(&mut socket, 3, envelope_to("r3@meadow.example", b"hi")).await;
    assert_eq!(third.error_code, "first_contact_limit", "a third first contact within the hour is over the limit of 2");
    assert!(third.error_message.contains("first contacts"), "the message says which limit: {}", third.error_message);
    let again = send_and_wait(&mut socket, 4, envelope_to("r1@meadow.example", b"still there?")).await;
    assert_eq!(again.error_code, "", "a second message to a pending request is not a first contact");

    assert_eq!(status(r4.put_empty("/v1/account/contacts/alice@meadow.example").await).await, 204);
    let contact = send_and_wait(&mut socket, 5, envelope_to("r4@meadow.example", b"hi")).await;
    assert_eq!(contact.error_code, "", "a recipient's contacts may always reach it, whatever the sender's budget");
    relay.shutdown().await;
}

#[tokio::test]
async fn federated_first_contacts_are_counted_on_both_sides() {
    let small = Limits { first_contacts_per_sender_per_hour: 2, ..Limits::default() };
    let (meadow, harbor) = peered_pair_with(Limits::default(), small.clone()).await;
    let alice = register(&meadow, "alice").await;
    for name in ["h1", "h2", "h3"] {
        register(&harbor, name).await.allow(&["meadow.example"]).await.expect("allowed");
    }
    let mut socket = connect_idle(&alice).await;
    for (n, name) in ["h1", "h2"].iter().enumerate() {
        let result = send_and_wait(&mut socket, n as u64, envelope_to(&format!("{name}@harbor.example"), b"hi")).await;
        assert_eq!(result.error_code, "");
    }
    let third = send_and_wait(&mut socket, 9, envelope_to("h3@harbor.example", b"hi")).await;
    assert_eq!(
        third.error_code, "first_contact_limit",
        "harbor counts first contacts per sender address, even though meadow's own limit is higher"
    );
    meadow.shutdown().await;
    harbor.shutdown().await;

    // Now the sending side: meadow's limit is the small one.
    let (meadow, harbor) = peered_pair_with(small, Limits::default()).await;
    let alice = register(&meadow, "alice").await;
    for name in ["h1", "h2", "h3"] {
        register(&harbor, name).await.allow(&["meadow.example"]).await.expect("allowed");
    }
    alice.allow(&["harbor.example"]).await.expect("alice allows harbor");
    let mut socket = connect_idle(&alice).await;
    assert_eq!(send_and_wait(&mut socket, 1, envelope_to("h1@harbor.example", b"hi")).await.error_code, "");
    assert_eq!(send_and_wait(&mut socket, 2, envelope_to("h2@harbor.example", b"hi")).await.error_code, "");
    let third = send_and_wait(&mut socket, 3, envelope_to("h3@harbor.example", b"hi")).await;
    assert_eq!(
        third.error_code, "first_contact_limit",
        "meadow counts its own senders' first contacts to other networks"
    );
    let again = send_and_wait(&mut socket, 4, envelope_to("h1@harbor.example", b"hi again")).await;
    assert_eq!(again.error_code, "", "someone alice has already written to is not counted again");
    meadow.shutdown().await;
    harbor.shutdown().await;
}

#[tokio::test]
async fn replies_to_someone_who_wrote_first_are_not_first_contacts() {
    let small = Limits { first_contacts_per_sender_per_hour: 1, ..Limits::default() };
    let (meadow, harbor) = peered_pair_with(small, Limits::default()).await;
    let alice = register(&meadow, "alice").await;
    alice.allow(&["harbor.example"]).await.expect("alice allows harbor");
    let h1 = register(&harbor, "h1").await;
    let h2 = register(&harbor, "h2").await;
    for account in [&h1, &h2] {
        account.allow(&["meadow.example"]).await.expect("allowed");
    }
    let mut h2_socket = connect_idle(&h2).await;
    assert_eq!(send_and_wait(&mut h2_socket, 1, envelope_to("alice@meadow.example", b"hello")).await.error_code, "");
    let mut socket = alice.connect().await.expect("alice connects");
    assert_eq!(expect_push(&mut socket).await.ciphertext, b"hello", "h2 wrote first, as a request alice sees");
    expect_queue_empty(&mut socket).await;
    assert_eq!(send_and_wait(&mut socket, 1, envelope_to("h1@harbor.example", b"hi")).await.error_code, "");
    let reply = send_and_wait(&mut socket, 2, envelope_to("h2@harbor.example", b"hi back")).await;
    assert_eq!(reply.error_code, "", "answering someone who wrote first costs nothing, though the budget is spent");
    meadow.shutdown().await;
    harbor.shutdown().await;
}

#[tokio::test]
async fn pending_requests_are_limited_per_recipient_and_deleting_one_frees_a_slot() {
    let limits = Limits { pending_requests_per_recipient: 2, ..Limits::default() };
    let relay = relay_with(RelayConfig { limits, ..RelayConfig::new(network("meadow.example")) }).await;
    let bob = register(&relay, "bob").await;
    let mut sockets = Vec::new();
    for name in ["s1", "s2", "s3", "s4", "friend"] {
        let account = register(&relay, name).await;
        sockets.push(connect_idle(&account).await);
    }
    assert_eq!(status(bob.put_empty("/v1/account/contacts/friend@meadow.example").await).await, 204);
    let to_bob = || envelope_to("bob@meadow.example", b"hi");
    assert_eq!(send_and_wait(&mut sockets[0], 1, to_bob()).await.error_code, "", "s1 takes the first slot");
    assert_eq!(send_and_wait(&mut sockets[1], 1, to_bob()).await.error_code, "", "s2 takes the second");
    let busy = send_and_wait(&mut sockets[2], 1, to_bob()).await;
    assert_eq!(busy.error_code, "recipient_busy", "a third stranger finds bob's request slots full");
    assert_eq!(
        send_and_wait(&mut sockets[0], 2, to_bob()).await.error_code,
        "",
        "a sender whose request is pending may go on writing: it does not take another slot"
    );
    assert_eq!(
        send_and_wait(&mut sockets[4], 1, to_bob()).await.error_code,
        "",
        "a contact reaches bob however full his requests are"
    );

    assert_eq!(status(bob.delete("/v1/account/requests/s1@meadow.example").await).await, 204);
    assert_eq!(send_and_wait(&mut sockets[2], 2, to_bob()).await.error_code, "", "deleting s1's request freed a slot");
    assert_eq!(status(bob.put_empty("/v1/account/contacts/s2@meadow.example").await).await, 204);
    assert_eq!(send_and_wait(&mut sockets[3], 1, to_bob()).await.error_code, "", "accepting s2 freed another");
    assert_eq!(
        send_and_wait(&mut sockets[0], 3, to_bob()).await.error_code,
        "recipient_busy",
        "after its request was deleted, s1's next message is a first contact again"
    );
    assert_eq!(status(bob.put_empty("/v1/account/blocks/s3@meadow.example").await).await, 204);
    assert_eq!(send_and_wait(&mut sockets[0], 4, to_bob()).await.error_code, "", "blocking s3 freed its slot");
    relay.shutdown().await;
}

#[tokio::test]
async fn withdrawing_a_network_deletes_what_it_had_queued() {
    let (meadow, harbor) = peered_pair_with(Limits::default(), Limits::default()).await;
    let alice = register(&meadow, "alice").await;
    let bob = register(&harbor, "bob").await;
    let carol = register(&harbor, "carol").await;
    bob.allow(&["meadow.example"]).await.expect("bob allows meadow");
    let mut alice_socket = connect_idle(&alice).await;
    for n in 0..2 {
        let result = send_and_wait(&mut alice_socket, n, envelope_to("bob@harbor.example", b"from meadow")).await;
        assert_eq!(result.error_code, "", "accepted while bob allowed meadow");
    }
    let mut carol_socket = connect_idle(&carol).await;
    let local = envelope_to("bob@harbor.example", b"from home");
    let local_id = local.id.clone();
    assert_eq!(send_and_wait(&mut carol_socket, 1, local).await.error_code, "");

    bob.allow(&[]).await.expect("bob withdraws");
    let mut bob_socket = bob.connect().await.expect("bob connects");
    assert_eq!(
        expect_push(&mut bob_socket).await.id,
        local_id,
        "what meadow queued under withdrawn consent is gone; bob's own network is untouched"
    );
    expect_queue_empty(&mut bob_socket).await;
    meadow.shutdown().await;
    harbor.shutdown().await;
}

#[tokio::test]
async fn an_identity_reset_replaces_the_key_and_every_prekey() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let before: Value =
        bob.get("/v1/directory/alice@meadow.example").await.expect("request").json().await.expect("json");

    let mut reset = registration("alice", 0, 0);
    reset.as_object_mut().expect("an object").remove("name");
    reset["prekeys"] = json!([{"id": 50, "public_key": ec_key()}]);
    let new_identity = reset["identity_key"].clone();
    assert_eq!(status(alice.put("/v1/account/identity", &reset).await).await, 204);

    let bundle: Value = bob.get("/v1/keys/alice@meadow.example").await.expect("request").json().await.expect("json");
    assert_eq!(bundle["identity_key"], new_identity, "the bundle carries the new identity key");
    assert_ne!(bundle["identity_key"], before["identity_key"], "so other clients see a key change");
    assert_eq!(bundle["prekey"]["id"], 50, "the new one-time key is handed out");
    assert_eq!(
        bundle["kyber_prekey"]["id"], 1000,
        "no old one-time Kyber key is left: the new last-resort one is used"
    );
    let next: Value = bob.get("/v1/keys/alice@meadow.example").await.expect("request").json().await.expect("json");
    assert_eq!(next["prekey"], Value::Null, "the old one-time keys (ids 1 and 2) were deleted with the old identity");
    let after: Value =
        bob.get("/v1/directory/alice@meadow.example").await.expect("request").json().await.expect("json");
    assert_eq!(after["identity_key"], new_identity, "the directory agrees");

    let mut bad = reset.clone();
    bad["identity_key"] = json!(b64(&[1; 10]));
    let (code, body) = error_body(alice.put("/v1/account/identity", &bad).await.expect("request")).await;
    assert_eq!((code, body["code"].as_str()), (400, Some("bad_request")), "a malformed key is refused");
    let still: Value =
        bob.get("/v1/directory/alice@meadow.example").await.expect("request").json().await.expect("json");
    assert_eq!(still["identity_key"], new_identity, "a refused reset changes nothing");
    // Unknown fields are ignored (a newer client may send more), and a name is not one a reset
    // knows: it cannot rename the account.
    let mut named = reset.clone();
    named["name"] = json!("mallory");
    assert_eq!(status(alice.put("/v1/account/identity", &named).await).await, 204);
    let renamed = bob.get("/v1/directory/mallory@meadow.example").await.expect("request");
    assert_eq!(renamed.status(), 404, "the reset renamed nothing");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_sender_whose_request_is_pending_cannot_fill_the_queue_until_it_is_answered() {
    let limits = Limits { envelopes_per_pending_request_per_hour: 3, ..Limits::default() };
    let relay = relay_with(RelayConfig { limits, ..RelayConfig::new(network("meadow.example")) }).await;
    let bob = register(&relay, "bob").await;
    let mut stranger = connect_idle(&register(&relay, "stranger").await).await;
    let mut friend = connect_idle(&register(&relay, "friend").await).await;
    assert_eq!(status(bob.put_empty("/v1/account/contacts/friend@meadow.example").await).await, 204);
    let to_bob = || envelope_to("bob@meadow.example", b"buy now");
    for n in 1..=3 {
        assert_eq!(send_and_wait(&mut stranger, n, to_bob()).await.error_code, "", "envelope {n} of the first three");
    }
    let refused = send_and_wait(&mut stranger, 4, to_bob()).await;
    assert_eq!(refused.error_code, "rate_limited", "a pending request holds a handful of envelopes, not the queue");
    for n in 1..=5 {
        assert_eq!(send_and_wait(&mut friend, n, to_bob()).await.error_code, "", "bob's contacts are not held up");
    }
    assert_eq!(status(bob.put_empty("/v1/account/contacts/stranger@meadow.example").await).await, 204);
    assert_eq!(send_and_wait(&mut stranger, 5, to_bob()).await.error_code, "", "once bob answers, no cap");
    relay.shutdown().await;
}

#[tokio::test]
async fn an_account_discoverable_by_its_contacts_only_is_missing_for_everyone_else_on_every_network() {
    let (meadow, harbor) = peered_pair_with(Limits::default(), Limits::default()).await;
    let bob = register(&meadow, "bob").await;
    let friend = register(&meadow, "friend").await;
    let stranger = register(&meadow, "stranger").await;
    let faraway = register(&harbor, "faraway").await;
    bob.allow(&["harbor.example"]).await.expect("bob allows harbor");
    assert_eq!(status(bob.put_empty("/v1/account/contacts/friend@meadow.example").await).await, 204);
    let setting: Value = bob.get("/v1/account/discoverability").await.expect("answers").json().await.expect("json");
    assert_eq!(setting, json!({"discoverable_by": "everyone"}), "everyone may find an account by default");
    assert_eq!(lookup(&stranger, "/v1/directory/bob@meadow.example").await.0, 200);

    let answer =
        bob.put("/v1/account/discoverability", &json!({"discoverable_by": "contacts"})).await.expect("answers");
    assert_eq!(answer.status(), 200);
    for path in ["/v1/directory/", "/v1/keys/"] {
        let hidden = lookup(&stranger, &format!("{path}bob@meadow.example")).await;
        let missing = lookup(&stranger, &format!("{path}nobody@meadow.example")).await;
        assert_eq!(hidden, missing, "{path}: on bob's own network a stranger finds him as nobody");
        assert_eq!(hidden.0, 404);
        let far_hidden = lookup(&faraway, &format!("{path}bob@meadow.example")).await;
        let far_missing = lookup(&faraway, &format!("{path}nobody@meadow.example")).await;
        assert_eq!(far_hidden, far_missing, "{path}: and so does a stranger on a network bob allowed");
        assert_eq!(lookup(&friend, &format!("{path}bob@meadow.example")).await.0, 200, "{path}: his contact does");
    }
    assert_eq!(lookup(&bob, "/v1/directory/bob@meadow.example").await.0, 200, "bob finds himself");
    let refused = bob.put("/v1/account/discoverability", &json!({"discoverable_by": "nobody"})).await.expect("answers");
    assert_eq!(refused.status(), 400, "only the two settings exist");
    meadow.shutdown().await;
    harbor.shutdown().await;
}

#[tokio::test]
async fn someone_trying_name_after_name_is_slowed_down_and_then_learns_nothing() {
    let limits = Limits { missing_lookups_per_hour: 3, ..Limits::default() };
    let relay = relay_with(RelayConfig { limits, ..RelayConfig::new(network("meadow.example")) }).await;
    register(&relay, "alice").await;
    let prober = register(&relay, "prober").await;
    let honest = register(&relay, "honest").await;
    for name in ["nobody1", "nobody2", "nobody2"] {
        let (status, _) = lookup(&prober, &format!("/v1/directory/{name}@meadow.example")).await;
        assert_eq!(status, 404, "{name}: missing, and a repeat is not a new name");
    }
    assert_eq!(lookup(&prober, "/v1/keys/alice@meadow.example").await.0, 200, "existing names cost nothing");
    assert_eq!(lookup(&prober, "/v1/directory/nobody3@meadow.example").await.0, 404, "the third distinct missing name");
    let (after, body) = lookup(&prober, "/v1/directory/alice@meadow.example").await;
    assert_eq!(
        (after, body["code"].as_str()),
        (429, Some("rate_limited")),
        "past it, found or not, the answer is the same"
    );
    assert_eq!(lookup(&prober, "/v1/keys/nobody9@meadow.example").await.0, 429);
    assert_eq!(lookup(&honest, "/v1/directory/alice@meadow.example").await.0, 200, "others are not held up");
    relay.shutdown().await;
}
