//! What the nodes of a network share (`isthmus_relay::coordination`): every limit's counters, the
//! consent lock per account, and wake-ups. In memory for one node; on PostgreSQL, two
//! coordinations on one database stand for two nodes, and must behave as one.

use std::sync::Arc;
use std::time::Duration;

use isthmus_proto::UserName;
use isthmus_relay::coordination::local::LocalCoordination;
use isthmus_relay::coordination::postgres::PgCoordination;
use isthmus_relay::coordination::{Bucket, Coordination, Window};
use isthmus_relay::hub::DeviceHub;
use isthmus_relay::store::conformance::databases::{postgres_schema, PostgresSchema};
use isthmus_relay::store::{Access, DeviceKey, SqlStore};
use isthmus_relay::{Limits, Rate};
use sqlx::Connection as _;

fn limits() -> Limits {
    Limits {
        account_rate: Rate { burst: 3, per_minute: 1 },
        registration_rate: Rate { burst: 1, per_minute: 0 },
        first_contacts_per_sender_per_hour: 2,
        ..Limits::default()
    }
}

fn name(text: &str) -> UserName {
    UserName::parse(text).expect("a valid name")
}

/// Two nodes of one network on a fresh schema (the store migrates it, as a relay does).
async fn two_pg_nodes() -> Option<(PostgresSchema, PgCoordination, PgCoordination)> {
    let schema = postgres_schema().await?;
    let store = SqlStore::open_postgres(&schema.url, Access::ReadWrite).await.expect("PostgreSQL opens");
    store.close().await;
    let a = PgCoordination::connect(&schema.url, &limits()).await.expect("node a");
    let b = PgCoordination::connect(&schema.url, &limits()).await.expect("node b");
    Some((schema, a, b))
}

/// One coordination's limits: what one node, and every node together, must hold to.
async fn limits_hold(a: &dyn Coordination, b: &dyn Coordination) {
    for node in [a, b, a] {
        assert_eq!(node.take_token(Bucket::Account, "alice").await.expect("counted"), Ok(()));
    }
    let refused = b.take_token(Bucket::Account, "alice").await.expect("counted");
    assert!(matches!(refused, Err(seconds) if (1..=60).contains(&seconds)), "the burst is spent: {refused:?}");
    assert_eq!(a.take_token(Bucket::Account, "bob").await.expect("counted"), Ok(()), "keys have buckets of their own");
    assert_eq!(a.take_token(Bucket::Ip, "alice").await.expect("counted"), Ok(()), "and so do kinds");

    let sender = "spammer@harbor.example";
    for node in [a, b] {
        assert_eq!(node.check(Window::FirstContacts, sender).await.expect("counted"), Ok(()));
        node.record(Window::FirstContacts, sender).await.expect("recorded");
    }
    for node in [a, b] {
        let refused = node.check(Window::FirstContacts, sender).await.expect("counted");
        assert!(matches!(refused, Err(seconds) if seconds > 3500), "the hour's allowance is spent: {refused:?}");
    }
    assert_eq!(a.check(Window::Reports, sender).await.expect("counted"), Ok(()), "windows are counted apart");
    a.prune(isthmus_relay::clock::now_ms()).await.expect("pruned");
    assert!(b.check(Window::FirstContacts, sender).await.expect("counted").is_err(), "pruning keeps what counts");
    // A bucket that never refills is kept by every prune, however late: deleting it would hand
    // out a fresh burst.
    assert_eq!(a.take_token(Bucket::Registration, "192.0.2.1").await.expect("counted"), Ok(()));
    assert!(b.take_token(Bucket::Registration, "192.0.2.1").await.expect("counted").is_err(), "spent");
    a.prune(isthmus_relay::clock::now_ms() + 2 * 3_600_000).await.expect("pruned");
    assert!(
        b.take_token(Bucket::Registration, "192.0.2.1").await.expect("counted").is_err(),
        "pruning keeps a bucket that has not refilled"
    );
}

/// While one holder has an account's lock, another waits, however many nodes there are.
async fn locks_exclude(a: Arc<dyn Coordination>, b: Arc<dyn Coordination>) {
    let held = a.lock_account(&name("alice")).await.expect("locked");
    let waiting = tokio::spawn(async move { b.lock_account(&name("alice")).await.map(drop) });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "a second holder waits");
    let other = a.lock_account(&name("bob")).await.expect("another account's lock is free");
    drop(other);
    drop(held);
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the lock passes on once released")
        .expect("the task ran")
        .expect("locked");
}

#[tokio::test]
async fn one_node_keeps_its_limits_and_locks_in_memory() {
    let node = Arc::new(LocalCoordination::new(&limits()));
    limits_hold(node.as_ref(), node.as_ref()).await;
    locks_exclude(node.clone(), node).await;
}

#[tokio::test]
async fn two_nodes_on_postgres_share_every_limit() {
    let Some((schema, a, b)) = two_pg_nodes().await else { return };
    limits_hold(&a, &b).await;
    schema.drop_schema().await;
}

#[tokio::test]
async fn an_account_locked_on_one_node_waits_on_the_other() {
    let Some((schema, a, b)) = two_pg_nodes().await else { return };
    locks_exclude(Arc::new(a), Arc::new(b)).await;
    schema.drop_schema().await;
}

fn bob() -> DeviceKey {
    DeviceKey::new(name("bob"), 1)
}

/// Waits until the attachment hears of its queue.
async fn woken(attachment: &mut isthmus_relay::hub::Attachment, what: &str) {
    tokio::time::timeout(Duration::from_secs(10), attachment.enqueued.changed())
        .await
        .unwrap_or_else(|_| panic!("{what}"))
        .expect("the hub lives");
}

#[tokio::test]
async fn a_delivery_on_one_node_wakes_the_socket_on_the_other_and_a_lost_listener_rescans() {
    let Some((schema, a, b)) = two_pg_nodes().await else { return };
    let (a, b) = (Arc::new(a), Arc::new(b));
    let hub = Arc::new(DeviceHub::default());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let listening = tokio::spawn({
        let (b, hub) = (b.clone(), hub.clone());
        async move { b.listen(&hub, stopped).await }
    });
    let mut attachment = hub.attach(bob());
    // The listener's first connection counts as a reconnect: everyone looks once.
    woken(&mut attachment, "the first listen makes every socket look at its queue").await;
    attachment.enqueued.mark_unchanged();

    a.announce(&bob()).await.expect("announced");
    woken(&mut attachment, "node b's socket for bob hears of node a's delivery").await;
    attachment.enqueued.mark_unchanged();

    b.announce(&bob()).await.expect("announced");
    a.announce(&DeviceKey::new(name("carol"), 1)).await.expect("announced");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !attachment.enqueued.has_changed().expect("the hub lives"),
        "a node skips its own announcements (its hub was woken directly) and other devices'"
    );

    // The database drops the listener: what was announced meanwhile is lost, so every socket
    // looks again once it is back.
    let mut admin = sqlx::PgConnection::connect(&schema.url).await.expect("connects");
    let dropped: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE query LIKE 'LISTEN %' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()",
    )
    .bind(&schema.name)
    .fetch_all(&mut admin)
    .await
    .expect("terminated");
    assert!(!dropped.is_empty(), "the listener's connection was found");
    woken(&mut attachment, "after the listener reconnects every socket rescans its queue").await;

    stop.send_replace(true);
    listening.await.expect("the listener stops with the relay");
    schema.drop_schema().await;
}
