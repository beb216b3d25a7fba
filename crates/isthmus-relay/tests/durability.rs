//! What a relay acknowledged survives a restart, and a SIGKILL.

mod common;

use common::*;
use isthmus_relay::RelayConfig;

fn disk_config(dir: &std::path::Path) -> RelayConfig {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = Some(dir.to_path_buf());
    config
}

#[tokio::test]
async fn a_restarted_relay_still_has_its_accounts_queue_and_key() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let relay = relay_with(disk_config(dir.path())).await;
    let public_key = relay.public_key();
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut socket = connect_idle(&alice).await;
    let envelope = envelope_to("bob@meadow.example", b"kept across restarts");
    let id = envelope.id.clone();
    assert_eq!(send_and_wait(&mut socket, 1, envelope).await.error_code, "", "the relay acknowledged the send");
    drop(socket);
    relay.shutdown().await;

    let relay = relay_with(disk_config(dir.path())).await;
    assert_eq!(relay.public_key(), public_key, "the relay key lives in the data folder, so agreements survive");
    let bob = Account { base_url: relay.url(), ..bob };
    let mut socket = bob.connect().await.expect("bob's secret still works after the restart");
    let pushed = expect_push(&mut socket).await;
    assert_eq!(pushed.id, id, "an acknowledged envelope is still queued after a restart");
    expect_queue_empty(&mut socket).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn sigkill_loses_nothing_that_was_acknowledged() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data_dir = ["--data-dir".as_ref(), dir.path().as_os_str()];
    let relay = spawn_relay(&data_dir);
    let alice = register_at(&relay.url, "alice").await.expect("registers");
    let bob = register_at(&relay.url, "bob").await.expect("registers");
    let mut socket = connect_idle(&alice).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let envelope = envelope_to("bob@meadow.example", &[n; 32]);
        ids.push(envelope.id.clone());
        assert_eq!(send_and_wait(&mut socket, u64::from(n), envelope).await.error_code, "", "acknowledged");
    }
    drop(relay); // SIGKILL: no shutdown, no checkpoint

    let relay = spawn_relay(&data_dir);
    let bob = Account { base_url: relay.url.clone(), ..bob };
    let mut socket = bob.connect().await.expect("bob connects to the restarted relay");
    for id in &ids {
        assert_eq!(&expect_push(&mut socket).await.id, id, "every acknowledged envelope survived, in order");
    }
    expect_queue_empty(&mut socket).await;
}
