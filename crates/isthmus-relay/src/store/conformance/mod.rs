//! One conformance suite for every `RelayStore`: memory, SQLite and PostgreSQL must behave the
//! same, or tests passing on one would prove nothing about the others. Behind the `testing`
//! feature so that a store in another crate can run it too:
//!
//! ```ignore
//! isthmus_relay::relay_store_conformance!(my_store, my_crate::fresh_test_store);
//! ```
//!
//! where `fresh_test_store` is an `async fn() -> Option<TestStore>` giving an empty store
//! (`None` skips the tests). Each check is a pub async function over `Arc<dyn RelayStore>`.

pub mod databases;

use std::collections::BTreeSet;
use std::sync::Arc;

use isthmus_proto::api::GroupAdds;
use isthmus_proto::{Address, NetworkName, UserName};

pub use databases::{
    memory, postgres, postgres_schema, sqlite, PostgresSchema, TestStore, POSTGRES_URL_VAR, REQUIRE_POSTGRES_VAR,
};

use super::{
    AccountRecord, DeliveryFacts, DeviceKey, GroupMembership, IdentityKeys, KeyUpdate, NewAccount, PreKey, RelayStore,
    ReportReason, ReportRecord, ReportedMessage, SignedPreKey, Standing, StoreError,
};

// Test data the checks share.

pub fn name(raw: &str) -> UserName {
    UserName::parse(raw).expect("test names are valid")
}

pub fn net(raw: &str) -> NetworkName {
    NetworkName::parse(raw).expect("test networks are valid")
}

pub fn prekey(id: u32) -> PreKey {
    PreKey { id, public_key: vec![5; 33] }
}

pub fn kyber(id: u32) -> SignedPreKey {
    SignedPreKey { id, public_key: vec![8; 1569], signature: vec![1; 64] }
}

pub fn account(raw: &str, prekeys: u32, kybers: u32) -> NewAccount {
    NewAccount {
        record: AccountRecord {
            name: name(raw),
            device: 1,
            secret_hash: [9; 32],
            registration_id: 7,
            identity_key: vec![5; 33],
            signed_prekey: SignedPreKey { id: 1, public_key: vec![5; 33], signature: vec![2; 64] },
            kyber_last_resort: SignedPreKey { id: 999, public_key: vec![8; 1569], signature: vec![3; 64] },
            created_at_ms: 1,
        },
        prekeys: (1..=prekeys).map(prekey).collect(),
        kyber_prekeys: (1..=kybers).map(kyber).collect(),
    }
}

pub fn device(raw: &str) -> DeviceKey {
    DeviceKey::new(name(raw), 1)
}

pub fn addr(raw: &str) -> Address {
    raw.parse().expect("test addresses are valid")
}

pub fn report(id: &str, at: u64) -> ReportRecord {
    ReportRecord {
        id: id.into(),
        reporter: "alice@meadow.example".into(),
        address: "mallory@harbor.example".into(),
        reason: ReportReason::Spam,
        note: "sells fake watches".into(),
        messages: vec![ReportedMessage { id: "00ff".into(), sent_at: 5, body: "cheap watches!".into() }],
        received_at_ms: at,
    }
}

pub async fn accounts_are_unique(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 0, 0)).await.expect("a new name registers");
    let stored = store.account(&name("alice")).await.expect("read").expect("the account exists");
    assert_eq!(stored, account("alice", 0, 0).record, "the record reads back as written");
    assert!(
        matches!(store.create_account(account("alice", 1, 1)).await, Err(StoreError::NameTaken)),
        "a name belongs to one account"
    );
    assert_eq!(
        store.prekey_counts(&name("alice")).await.expect("count").prekeys,
        0,
        "a refused registration must not add its keys to the existing account"
    );
    assert!(store.account(&name("bob")).await.expect("read").is_none(), "unknown names read as none");
}

pub async fn key_updates_replace_and_add(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 2, 1)).await.expect("registers");
    let update = KeyUpdate {
        signed_prekey: Some(SignedPreKey { id: 2, public_key: vec![5; 33], signature: vec![4; 64] }),
        kyber_last_resort: None,
        prekeys: vec![prekey(3), prekey(4)],
        kyber_prekeys: vec![kyber(2)],
    };
    store.update_keys(&name("alice"), update, 100).await.expect("the upload is stored");
    let counts = store.prekey_counts(&name("alice")).await.expect("count");
    assert_eq!((counts.prekeys, counts.kyber_prekeys), (4, 2), "one-time keys add to what is stored");
    let record = store.account(&name("alice")).await.expect("read").expect("exists");
    assert_eq!(record.signed_prekey.id, 2, "the signed prekey is replaced");
    assert_eq!(record.kyber_last_resort.id, 999, "an absent last-resort key is kept");

    let too_many = KeyUpdate { prekeys: (10..20).map(prekey).collect(), ..KeyUpdate::default() };
    assert!(
        matches!(store.update_keys(&name("alice"), too_many, 5).await, Err(StoreError::TooManyPreKeys)),
        "the stored total is capped"
    );
    assert_eq!(store.prekey_counts(&name("alice")).await.expect("count").prekeys, 4, "a refused upload stores nothing");
    assert!(
        matches!(store.update_keys(&name("bob"), KeyUpdate::default(), 5).await, Err(StoreError::UnknownAccount)),
        "keys cannot be uploaded for an account that does not exist"
    );
}

pub async fn bundles_consume_one_time_keys(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 2, 1)).await.expect("registers");
    let first = store.take_bundle(&name("alice")).await.expect("fetch").expect("exists");
    assert_eq!(first.prekey.as_ref().map(|key| key.id), Some(1), "one-time keys go out lowest id first");
    assert_eq!(first.kyber_prekey.id, 1, "a one-time Kyber key is preferred over the last-resort one");
    let second = store.take_bundle(&name("alice")).await.expect("fetch").expect("exists");
    assert_eq!(second.prekey.as_ref().map(|key| key.id), Some(2), "a one-time key is never handed out twice");
    assert_eq!(second.kyber_prekey.id, 999, "without one-time Kyber keys the last-resort key falls in");
    let third = store.take_bundle(&name("alice")).await.expect("fetch").expect("exists");
    assert!(third.prekey.is_none(), "an exhausted account gives a bundle without a one-time EC key");
    assert_eq!(third.kyber_prekey.id, 999, "the last-resort key is never consumed");
    let counts = store.prekey_counts(&name("alice")).await.expect("count");
    assert_eq!((counts.prekeys, counts.kyber_prekeys), (0, 0));
    assert!(store.take_bundle(&name("bob")).await.expect("fetch").is_none(), "no bundle for unknown names");
}

pub async fn concurrent_fetches_never_share_a_key(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 20, 20)).await.expect("registers");
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.take_bundle(&name("alice")).await }));
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        let bundle = task.await.expect("the task ran").expect("fetch").expect("exists");
        let id = bundle.prekey.expect("20 keys for 20 fetches").id;
        assert!(ids.insert(id), "two fetches got one-time key {id}: it would be used for two sessions");
    }
}

pub async fn interop_defaults_to_none(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 0, 0)).await.expect("registers");
    assert!(
        store.interop(&name("alice")).await.expect("read").is_empty(),
        "by default no other network may reach an account"
    );
    let networks = BTreeSet::from([net("harbor.example"), net("cove.example")]);
    store.set_interop(&name("alice"), networks.clone()).await.expect("stored");
    assert_eq!(store.interop(&name("alice")).await.expect("read"), networks);
    store.set_interop(&name("alice"), BTreeSet::new()).await.expect("stored");
    assert!(store.interop(&name("alice")).await.expect("read").is_empty(), "consent can be withdrawn");
    assert!(matches!(store.set_interop(&name("bob"), BTreeSet::new()).await, Err(StoreError::UnknownAccount)));
}

pub async fn queues_keep_order_until_acked(store: Arc<dyn RelayStore>) {
    let alice = device("alice");
    let mut seqs = Vec::new();
    for n in 0u8..5 {
        seqs.push(store.enqueue(&alice, &[n; 16], &[n, n, n], 100).await.expect("enqueued"));
    }
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "sequence numbers grow in arrival order");
    let all = store.queued(&alice, None, 100).await.expect("read");
    assert_eq!(all.iter().map(|entry| entry.envelope[0]).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
    assert_eq!(all[2].id, vec![2; 16], "entries carry their envelope id");
    let page = store.queued(&alice, Some(seqs[1]), 2).await.expect("read");
    assert_eq!(
        page.iter().map(|entry| entry.seq).collect::<Vec<_>>(),
        vec![seqs[2], seqs[3]],
        "reading after a cursor gives the next entries, at most `limit`"
    );
    assert_eq!(store.ack(&alice, &[vec![1; 16], vec![3; 16], vec![7; 16]]).await.expect("ack"), 2);
    // An ack may take effect a moment after it returns; `flush` waits for it.
    store.flush().await.expect("flushed");
    let left = store.queued(&alice, None, 100).await.expect("read");
    assert_eq!(
        left.iter().map(|entry| entry.envelope[0]).collect::<Vec<_>>(),
        vec![0, 2, 4],
        "acked envelopes are gone, the others keep their order"
    );
    assert_eq!(store.queue_len(&alice).await.expect("len"), 3);
    assert_eq!(store.ack(&alice, &[vec![1; 16]]).await.expect("ack"), 0, "acking twice is harmless");
}

pub async fn queues_are_per_device(store: Arc<dyn RelayStore>) {
    // `al` is a prefix of `alice`: their keys must not run into each other.
    store.enqueue(&device("al"), &[1; 16], b"for al", 100).await.expect("enqueued");
    store.enqueue(&device("alice"), &[2; 16], b"for alice", 100).await.expect("enqueued");
    let al = store.queued(&device("al"), None, 100).await.expect("read");
    assert_eq!(al.len(), 1, "a queue holds only its own device's envelopes");
    assert_eq!(al[0].envelope, b"for al");
    assert_eq!(store.ack(&device("al"), &[vec![2; 16]]).await.expect("ack"), 0, "acks cannot reach other queues");
    assert_eq!(store.queue_len(&device("alice")).await.expect("len"), 1);
    assert_eq!(store.queue_depth().await.expect("depth"), 2, "the depth counts every device's queue");
}

pub async fn queues_are_capped_and_idempotent(store: Arc<dyn RelayStore>) {
    let bob = device("bob");
    let first = store.enqueue(&bob, &[1; 16], b"a", 2).await.expect("enqueued");
    let again = store.enqueue(&bob, &[1; 16], b"a", 2).await.expect("a retried id is accepted");
    assert_eq!(first, again, "a retry of the same envelope id is the same queue entry");
    store.enqueue(&bob, &[2; 16], b"b", 2).await.expect("enqueued");
    assert!(
        matches!(store.enqueue(&bob, &[3; 16], b"c", 2).await, Err(StoreError::QueueFull)),
        "a full queue refuses more"
    );
    assert_eq!(store.queue_len(&bob).await.expect("len"), 2, "a refused envelope is not stored");
    store.ack(&bob, &[vec![1; 16]]).await.expect("ack");
    store.enqueue(&bob, &[3; 16], b"c", 2).await.expect("an ack makes room");
}

pub async fn concurrent_enqueues_keep_the_cap(store: Arc<dyn RelayStore>) {
    // Several writers at once (PostgreSQL connections, SQLite's batched writes) must not each
    // see room for one more.
    let bob = device("bob");
    let sends: Vec<_> = (0u8..30)
        .map(|n| {
            let (store, bob) = (store.clone(), bob.clone());
            tokio::spawn(async move { store.enqueue(&bob, &[n; 16], &[n], 10).await })
        })
        .collect();
    let mut stored = 0;
    for send in sends {
        match send.await.expect("the task ran") {
            Ok(_) => stored += 1,
            Err(StoreError::QueueFull) => {}
            Err(other) => panic!("an enqueue failed: {other}"),
        }
    }
    assert_eq!(stored, 10, "exactly the limit was accepted");
    assert_eq!(store.queue_len(&bob).await.expect("len"), 10, "and the count agrees with what is stored");
    assert_eq!(store.queued(&bob, None, 100).await.expect("read").len(), 10, "nothing refused was stored");
}

pub async fn concurrent_retries_store_one_envelope(store: Arc<dyn RelayStore>) {
    let bob = device("bob");
    let retries: Vec<_> = (0..20)
        .map(|_| {
            let (store, bob) = (store.clone(), bob.clone());
            tokio::spawn(async move { store.enqueue(&bob, &[7; 16], b"once", 100).await })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for retry in retries {
        seqs.insert(retry.await.expect("the task ran").expect("a retry is accepted"));
    }
    assert_eq!(seqs.len(), 1, "every retry of one envelope id is told the same queue entry: {seqs:?}");
    assert_eq!(store.queue_len(&bob).await.expect("len"), 1, "and it is queued once");
}

pub async fn sequence_numbers_are_never_reused(store: Arc<dyn RelayStore>) {
    // A socket's cursor sits on the last envelope it pushed; a new envelope must sort after it
    // even when that envelope was acked and the queue is empty.
    let bob = device("bob");
    let first = store.enqueue(&bob, &[1; 16], b"a", 10).await.expect("enqueued");
    store.ack(&bob, &[vec![1; 16]]).await.expect("acked");
    let second = store.enqueue(&bob, &[2; 16], b"b", 10).await.expect("enqueued");
    assert!(second > first, "seq {second} after {first} was acked would be skipped by a cursor at {first}");
    assert_eq!(store.queued(&bob, Some(first), 10).await.expect("read").len(), 1);
    assert!(store.queued(&bob, Some(u64::MAX), 10).await.expect("read").is_empty(), "nothing sorts after the end");
}

pub async fn concurrent_uploads_keep_the_key_cap(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 0, 0)).await.expect("registers");
    let uploads: Vec<_> = (0u32..10)
        .map(|batch| {
            let store = store.clone();
            let update =
                KeyUpdate { prekeys: (batch * 10..batch * 10 + 10).map(prekey).collect(), ..KeyUpdate::default() };
            tokio::spawn(async move { store.update_keys(&name("alice"), update, 35).await })
        })
        .collect();
    let mut accepted = 0;
    for upload in uploads {
        match upload.await.expect("the task ran") {
            Ok(()) => accepted += 1,
            Err(StoreError::TooManyPreKeys) => {}
            Err(other) => panic!("an upload failed: {other}"),
        }
    }
    assert_eq!(accepted, 3, "three batches of ten fit under 35");
    assert_eq!(store.prekey_counts(&name("alice")).await.expect("count").prekeys, 30, "refused batches stored nothing");
}

pub async fn concurrent_blocks_keep_the_cap(store: Arc<dyn RelayStore>) {
    let alice = name("alice");
    let blocks: Vec<_> = (0..10)
        .map(|n| {
            let (store, alice) = (store.clone(), alice.clone());
            tokio::spawn(async move { store.block(&alice, &addr(&format!("spammer{n}@harbor.example")), 4).await })
        })
        .collect();
    let mut accepted = 0;
    for block in blocks {
        match block.await.expect("the task ran") {
            Ok(()) => accepted += 1,
            Err(StoreError::TooManyBlocks) => {}
            Err(other) => panic!("a block failed: {other}"),
        }
    }
    assert_eq!(accepted, 4, "the cap holds under concurrent blocks");
    assert_eq!(store.blocks(&alice).await.expect("read").len(), 4);
}

pub async fn bundles_of_unknown_accounts_take_nothing(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 1, 1)).await.expect("registers");
    assert!(store.take_bundle(&name("al")).await.expect("fetch").is_none(), "no bundle for a name's prefix");
    let counts = store.prekey_counts(&name("alice")).await.expect("count");
    assert_eq!((counts.prekeys, counts.kyber_prekeys), (1, 1), "alice's keys are untouched");
}

pub async fn identity_reset_replaces_every_key(store: Arc<dyn RelayStore>) {
    store.create_account(account("alice", 3, 3)).await.expect("registers");
    let keys = IdentityKeys {
        registration_id: 8,
        identity_key: vec![6; 33],
        signed_prekey: SignedPreKey { id: 50, public_key: vec![5; 33], signature: vec![4; 64] },
        kyber_last_resort: SignedPreKey { id: 51, public_key: vec![8; 1569], signature: vec![4; 64] },
        prekeys: vec![prekey(100)],
        kyber_prekeys: vec![],
    };
    store.replace_identity(&name("alice"), keys).await.expect("replaced");
    let record = store.account(&name("alice")).await.expect("read").expect("exists");
    assert_eq!(record.identity_key, vec![6; 33], "the identity key is the new one");
    assert_eq!((record.registration_id, record.signed_prekey.id), (8, 50), "so are the registration id and signed key");
    assert_eq!(record.secret_hash, [9; 32], "the device keeps its credentials");
    let counts = store.prekey_counts(&name("alice")).await.expect("count");
    assert_eq!(
        (counts.prekeys, counts.kyber_prekeys),
        (1, 0),
        "old one-time keys are deleted: they belong to the old identity and would fail to decrypt"
    );
    let bundle = store.take_bundle(&name("alice")).await.expect("fetch").expect("exists");
    assert_eq!(bundle.prekey.map(|key| key.id), Some(100), "only the new one-time key is handed out");
    assert_eq!(bundle.kyber_prekey.id, 51, "the new last-resort key falls in");
    let missing = store.replace_identity(&name("bob"), IdentityKeys { prekeys: vec![], ..dummy_keys() }).await;
    assert!(matches!(missing, Err(StoreError::UnknownAccount)), "there is no identity to replace");
}

fn dummy_keys() -> IdentityKeys {
    IdentityKeys {
        registration_id: 1,
        identity_key: vec![5; 33],
        signed_prekey: SignedPreKey { id: 1, public_key: vec![5; 33], signature: vec![1; 64] },
        kyber_last_resort: SignedPreKey { id: 2, public_key: vec![8; 1569], signature: vec![1; 64] },
        prekeys: vec![],
        kyber_prekeys: vec![],
    }
}

pub async fn blocks_are_a_capped_set(store: Arc<dyn RelayStore>) {
    let alice = name("alice");
    let mallory = addr("mallory@harbor.example");
    store.add_request(&alice, &mallory, 1).await.expect("a request");
    store.block(&alice, &mallory, 2).await.expect("blocked");
    store.block(&alice, &mallory, 2).await.expect("blocking twice is harmless");
    assert!(store.is_blocked(&alice, &mallory).await.expect("read"));
    assert!(!store.is_blocked(&name("bob"), &mallory).await.expect("read"), "blocks are per account");
    assert_eq!(
        store.standing(&alice, &mallory).await.expect("read"),
        Standing::Stranger,
        "a block ends the pending request, freeing its slot"
    );
    store.block(&alice, &addr("eve@meadow.example"), 2).await.expect("second block");
    assert!(
        matches!(store.block(&alice, &addr("trent@cove.example"), 2).await, Err(StoreError::TooManyBlocks)),
        "the number of blocks is capped"
    );
    store.block(&alice, &mallory, 2).await.expect("re-blocking an address already blocked is not a new block");
    assert_eq!(
        store.blocks(&alice).await.expect("read"),
        vec![addr("eve@meadow.example"), addr("mallory@harbor.example")],
        "the list is sorted and holds what was blocked, nothing refused"
    );
    store.unblock(&alice, &mallory).await.expect("unblocked");
    store.unblock(&alice, &mallory).await.expect("unblocking twice is harmless");
    assert!(!store.is_blocked(&alice, &mallory).await.expect("read"), "an unblock lifts the block");
}

pub async fn requests_and_contacts_track_first_contacts(store: Arc<dyn RelayStore>) {
    let bob = name("bob");
    let alice = addr("alice@meadow.example");
    let carol = addr("carol@harbor.example");
    assert_eq!(store.standing(&bob, &alice).await.expect("read"), Standing::Stranger);
    store.add_request(&bob, &alice, 10).await.expect("a request");
    store.add_request(&bob, &alice, 20).await.expect("a second message is the same request");
    store.add_request(&bob, &carol, 30).await.expect("another request");
    assert_eq!(store.request_count(&bob).await.expect("count"), 2, "requests are counted per sender");
    assert_eq!(store.standing(&bob, &alice).await.expect("read"), Standing::Requested);
    store.add_contact(&bob, &alice, 10).await.expect("accepted");
    assert_eq!(store.standing(&bob, &alice).await.expect("read"), Standing::Contact);
    assert_eq!(store.request_count(&bob).await.expect("count"), 1, "accepting frees the request slot");
    store.add_request(&bob, &alice, 40).await.expect("harmless");
    assert_eq!(
        store.standing(&bob, &alice).await.expect("read"),
        Standing::Contact,
        "a contact's messages never turn it back into a request"
    );
    store.delete_request(&bob, &carol).await.expect("deleted");
    assert_eq!(store.standing(&bob, &carol).await.expect("read"), Standing::Stranger, "deleting makes a stranger");
    assert_eq!(store.request_count(&bob).await.expect("count"), 0, "and frees the slot");
    assert!(
        matches!(store.add_contact(&bob, &carol, 1).await, Err(StoreError::TooManyContacts)),
        "the number of contacts is capped"
    );
    store.add_contact(&bob, &alice, 1).await.expect("an existing contact is not a new one");
    assert!(store.add_correspondent(&bob, &carol).await.expect("new"), "the first exchange is new");
    assert!(!store.add_correspondent(&bob, &carol).await.expect("known"), "the second is not");
    assert!(store.is_correspondent(&bob, &carol).await.expect("read"));
    assert!(!store.is_correspondent(&name("carol"), &addr("bob@meadow.example")).await.expect("read"));
}

/// The one read every delivery makes answers as the reads it stands for, case by case.
pub async fn delivery_facts_match_the_reads_they_stand_for(store: Arc<dyn RelayStore>) {
    let mallory = addr("mallory@harbor.example");
    assert_eq!(store.delivery_facts(&name("nobody"), &mallory).await.expect("read"), None, "no such account");
    store.create_account(account("bob", 0, 0)).await.expect("created");
    let bob = name("bob");
    let facts = |blocked, standing| Some(DeliveryFacts { device: 1, blocked, standing });
    assert_eq!(store.delivery_facts(&bob, &mallory).await.expect("read"), facts(false, Standing::Stranger));
    store.add_request(&bob, &mallory, 1).await.expect("a request");
    assert_eq!(store.delivery_facts(&bob, &mallory).await.expect("read"), facts(false, Standing::Requested));
    store.add_contact(&bob, &mallory, 10).await.expect("accepted");
    assert_eq!(store.delivery_facts(&bob, &mallory).await.expect("read"), facts(false, Standing::Contact));
    store.block(&bob, &mallory, 10).await.expect("blocked");
    assert_eq!(
        store.delivery_facts(&bob, &mallory).await.expect("read"),
        facts(true, Standing::Contact),
        "a block is reported beside the standing it wins over"
    );
    let carol = addr("carol@meadow.example");
    assert_eq!(
        store.delivery_facts(&bob, &carol).await.expect("read"),
        facts(false, Standing::Stranger),
        "facts are per sender"
    );
}

pub async fn requests_are_listed_and_expire(store: Arc<dyn RelayStore>) {
    let bob = name("bob");
    store.add_request(&bob, &addr("old@harbor.example"), 100).await.expect("a request");
    store.add_request(&bob, &addr("new@meadow.example"), 300).await.expect("a request");
    store.add_request(&name("carol"), &addr("old@harbor.example"), 100).await.expect("another account's");
    assert_eq!(
        store.requests(&bob).await.expect("listed"),
        vec![("old@harbor.example".to_owned(), 100), ("new@meadow.example".to_owned(), 300)],
        "oldest first, with when each arrived"
    );
    assert_eq!(store.expire_requests(200).await.expect("expired"), 2, "every account's old requests end");
    assert_eq!(store.requests(&bob).await.expect("listed"), vec![("new@meadow.example".to_owned(), 300)]);
    assert_eq!(store.standing(&bob, &addr("old@harbor.example")).await.expect("read"), Standing::Stranger);
    assert_eq!(store.request_count(&name("carol")).await.expect("count"), 0, "and free their slots");
    assert!(store.requests(&name("nobody")).await.expect("listed").is_empty());
}

pub async fn invites_are_single_use_and_expire(store: Arc<dyn RelayStore>) {
    store.add_invite("aa", 1_000).await.expect("stored");
    store.add_invite("bb", 1_000).await.expect("stored");
    assert_eq!(store.take_invite("zz", 10).await.expect("read"), None, "a token never issued");
    assert_eq!(store.take_invite("aa", 10).await.expect("used"), Some(1_000));
    assert_eq!(store.take_invite("aa", 10).await.expect("read"), None, "single use");
    assert_eq!(store.take_invite("bb", 2_000).await.expect("read"), None, "an expired one is refused");
    assert_eq!(store.take_invite("bb", 10).await.expect("read"), None, "and gone");
    store.add_invite("aa", 5_000).await.expect("given back after a failed registration");
    assert_eq!(store.take_invite("aa", 10).await.expect("used"), Some(5_000));
}

pub async fn discoverability_is_kept_per_account(store: Arc<dyn RelayStore>) {
    let (bob, carol) = (name("bob"), name("carol"));
    assert!(!store.contacts_only_discovery(&bob).await.expect("read"), "everyone may find an account by default");
    store.set_contacts_only_discovery(&bob, true).await.expect("set");
    store.set_contacts_only_discovery(&bob, true).await.expect("idempotent");
    assert!(store.contacts_only_discovery(&bob).await.expect("read"));
    assert!(!store.contacts_only_discovery(&carol).await.expect("read"), "per account");
    store.set_contacts_only_discovery(&bob, false).await.expect("set");
    assert!(!store.contacts_only_discovery(&bob).await.expect("read"));
}

pub async fn group_adds_are_kept_per_account(store: Arc<dyn RelayStore>) {
    let (bob, carol) = (name("bob"), name("carol"));
    assert_eq!(
        store.group_adds(&bob).await.expect("read"),
        GroupAdds::Networks,
        "an account that never chose may be added by anyone who may reach it"
    );
    for adds in [GroupAdds::Nobody, GroupAdds::Contacts, GroupAdds::Networks, GroupAdds::Contacts] {
        store.set_group_adds(&bob, adds).await.expect("set");
        assert_eq!(store.group_adds(&bob).await.expect("read"), adds, "the last setting is the one kept");
    }
    assert_eq!(store.group_adds(&carol).await.expect("read"), GroupAdds::Networks, "per account");
}

pub async fn group_networks_are_kept_per_account_and_replaced_whole(store: Arc<dyn RelayStore>) {
    let (bob, carol) = (name("bob"), name("carol"));
    assert!(store.group_networks(&bob).await.expect("read").is_empty(), "no network may add anyone by default");
    let harbor = NetworkName::parse("harbor.test").expect("valid");
    let cove = NetworkName::parse("cove.test").expect("valid");
    store.set_group_networks(&bob, [harbor.clone(), cove.clone()].into()).await.expect("set");
    assert_eq!(store.group_networks(&bob).await.expect("read"), [harbor.clone(), cove].into());
    store.set_group_networks(&bob, [harbor.clone()].into()).await.expect("set");
    assert_eq!(store.group_networks(&bob).await.expect("read"), [harbor].into(), "replaced, not merged");
    assert!(store.group_networks(&carol).await.expect("read").is_empty(), "per account");
}

pub async fn group_memberships_are_a_capped_set(store: Arc<dyn RelayStore>) {
    let (bob, carol) = (name("bob"), name("carol"));
    let (first, second, third) = ([1u8; 16], [2u8; 16], [3u8; 16]);
    assert_eq!(store.group_membership(&bob, &first).await.expect("read"), None, "in no group at first");
    store.set_group_membership(&bob, &first, GroupMembership::Invited, 2).await.expect("invited");
    assert_eq!(store.group_membership(&bob, &first).await.expect("read"), Some(GroupMembership::Invited));
    store.set_group_membership(&bob, &second, GroupMembership::Member, 2).await.expect("a member");
    assert!(
        matches!(
            store.set_group_membership(&bob, &third, GroupMembership::Member, 2).await,
            Err(StoreError::TooManyGroups)
        ),
        "a group new to the account is refused past the cap"
    );
    assert_eq!(store.group_membership(&bob, &third).await.expect("read"), None, "and nothing is written");
    store
        .set_group_membership(&bob, &first, GroupMembership::Member, 2)
        .await
        .expect("accepting an invitation changes a row: it never counts against the cap");
    assert_eq!(store.group_membership(&bob, &first).await.expect("read"), Some(GroupMembership::Member));
    assert_eq!(store.group_membership(&carol, &first).await.expect("read"), None, "memberships are per account");
    store.set_group_membership(&carol, &third, GroupMembership::Member, 2).await.expect("another account's cap");
    assert!(store.remove_group_membership(&bob, &first).await.expect("left"), "leaving forgets the membership");
    assert!(!store.remove_group_membership(&bob, &first).await.expect("read"), "leaving twice finds nothing");
    assert_eq!(store.group_membership(&bob, &first).await.expect("read"), None);
    store.set_group_membership(&bob, &third, GroupMembership::Invited, 2).await.expect("leaving frees a place");
}

pub async fn reports_list_newest_first(store: Arc<dyn RelayStore>) {
    store.add_report(report("aa", 100)).await.expect("stored");
    store.add_report(report("bb", 300)).await.expect("stored");
    store.add_report(report("cc", 200)).await.expect("stored");
    store.add_report(report("00", 200)).await.expect("stored");
    let all = store.reports(10).await.expect("read");
    assert_eq!(
        all.iter().map(|report| report.id.as_str()).collect::<Vec<_>>(),
        vec!["bb", "00", "cc", "aa"],
        "operators read the newest first; within one millisecond, the later arrival first"
    );
    assert_eq!(all[0], report("bb", 300), "a report reads back as written, message text included");
    assert_eq!(store.reports(1).await.expect("read").len(), 1, "the limit is honoured");
}

pub async fn purge_removes_only_what_is_picked(store: Arc<dyn RelayStore>) {
    let bob = device("bob");
    for n in 0u8..5 {
        store.enqueue(&bob, &[n; 16], &[n], 100).await.expect("enqueued");
    }
    let odd = |bytes: &[u8]| bytes[0] % 2 == 1;
    assert_eq!(store.purge(&bob, &odd).await.expect("purged"), 2, "two odd envelopes were queued");
    let left = store.queued(&bob, None, 100).await.expect("read");
    assert_eq!(
        left.iter().map(|entry| entry.envelope[0]).collect::<Vec<_>>(),
        vec![0, 2, 4],
        "the rest stay, in order"
    );
    assert_eq!(store.queue_len(&bob).await.expect("len"), 3, "the queue count follows the purge");
    assert_eq!(store.purge(&bob, &odd).await.expect("purged"), 0, "purging again finds nothing");
}

pub async fn nonces_are_single_use(store: Arc<dyn RelayStore>) {
    let meadow = net("meadow.example");
    assert!(store.remember_nonce(&meadow, "00ff", 1_000).await.expect("stored"), "a new nonce is fresh");
    assert!(!store.remember_nonce(&meadow, "00ff", 1_000).await.expect("read"), "a seen nonce is a replay");
    assert!(
        store.remember_nonce(&net("harbor.example"), "00ff", 1_000).await.expect("stored"),
        "nonces are per origin"
    );
    assert_eq!(store.prune_nonces(500).await.expect("prune"), 0, "unexpired nonces are kept");
    assert_eq!(store.prune_nonces(2_000).await.expect("prune"), 2, "expired nonces are forgotten");
}

/// Every check, as `#[tokio::test]`s in a module named `$backend`, each on a fresh store from
/// `$open` (an `async fn() -> Option<TestStore>`; `None` skips). The calling crate needs tokio
/// with the `macros` and `rt-multi-thread` features.
#[macro_export]
macro_rules! relay_store_conformance {
    ($backend:ident, $open:path) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;

            $crate::relay_store_conformance!(@tests $open;
                accounts_are_unique,
                key_updates_replace_and_add,
                bundles_consume_one_time_keys,
                concurrent_fetches_never_share_a_key,
                bundles_of_unknown_accounts_take_nothing,
                interop_defaults_to_none,
                queues_keep_order_until_acked,
                queues_are_per_device,
                queues_are_capped_and_idempotent,
                concurrent_enqueues_keep_the_cap,
                concurrent_retries_store_one_envelope,
                sequence_numbers_are_never_reused,
                concurrent_uploads_keep_the_key_cap,
                identity_reset_replaces_every_key,
                blocks_are_a_capped_set,
                concurrent_blocks_keep_the_cap,
                requests_and_contacts_track_first_contacts,
                delivery_facts_match_the_reads_they_stand_for,
                requests_are_listed_and_expire,
                invites_are_single_use_and_expire,
                discoverability_is_kept_per_account,
                group_adds_are_kept_per_account,
                group_networks_are_kept_per_account_and_replaced_whole,
                group_memberships_are_a_capped_set,
                reports_list_newest_first,
                purge_removes_only_what_is_picked,
                nonces_are_single_use
            );
        }
    };
    (@tests $open:path; $($test:ident),+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let Some(test_store) = $open().await else { return };
                $crate::store::conformance::$test(test_store.store.clone()).await;
                test_store.finish().await;
            }
        )+
    };
}
