//! Envelopes queued while the recipient's socket is open: pushed at once, each exactly once and
//! in queue order, whether the socket takes them as they are queued or reads them back; and what
//! the device acked stays gone on its next socket, although acks are applied beside the socket.

mod common;

use std::collections::HashSet;

use common::*;
use isthmus_relay::{RelayConfig, RunningRelay};

const SENDERS: u8 = 4;
const EACH: u8 = 60;

fn config(dir: Option<&std::path::Path>) -> RelayConfig {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = dir.map(std::path::Path::to_path_buf);
    // Every sender here is a pending request for bob; the test is about pushing, not that limit.
    config.limits.envelopes_per_pending_request_per_hour = 10_000;
    config
}

async fn many_senders_to_one_open_socket(relay: RunningRelay) {
    let bob = register(&relay, "bob").await;
    let mut bob_socket = bob.connect().await.expect("bob connects");
    expect_queue_empty(&mut bob_socket).await;

    let mut sending = Vec::new();
    for sender in 0..SENDERS {
        let account = register(&relay, &format!("alice{sender}")).await;
        sending.push(tokio::spawn(async move {
            let mut socket = connect_idle(&account).await;
            for n in 0..EACH {
                let result =
                    send_and_wait(&mut socket, u64::from(n), envelope_to("bob@meadow.example", &[sender, n])).await;
                assert_eq!(result.error_code, "", "sender {sender}'s envelope {n} is queued");
            }
        }));
    }

    let mut seen = HashSet::new();
    let mut next = [0u8; SENDERS as usize];
    for _ in 0..u32::from(SENDERS) * u32::from(EACH) {
        let pushed = expect_push(&mut bob_socket).await;
        assert!(seen.insert(pushed.id.clone()), "an envelope was pushed twice on one socket");
        let (sender, n) = (pushed.ciphertext[0], pushed.ciphertext[1]);
        assert_eq!(n, next[usize::from(sender)], "sender {sender}'s envelopes arrive in the order they were queued");
        next[usize::from(sender)] += 1;
        ack(&mut bob_socket, vec![pushed.id]).await.expect("ack sent");
    }
    for task in sending {
        task.await.expect("every sender finished");
    }
    // An Ack has no answer; a later send's result shows the relay has read the acks before it
    // (frames are read in order), though it applies them beside the socket.
    let probe = send_and_wait(&mut bob_socket, 1, envelope_to("alice0@meadow.example", b"probe")).await;
    assert_eq!(probe.error_code, "");
    bob_socket.close(None).await.expect("closes");

    // The next socket reads the queue only once the last one's acks are in: nothing comes back.
    let mut again = bob.connect().await.expect("reconnects");
    expect_queue_empty(&mut again).await;
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_disk_every_envelope_arrives_once_in_order_and_acked_ones_stay_gone() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    many_senders_to_one_open_socket(relay_with(config(Some(dir.path()))).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_every_envelope_arrives_once_in_order_and_acked_ones_stay_gone() {
    many_senders_to_one_open_socket(relay_with(config(None)).await).await;
}
