//! Property tests: what a client or a peer relay sends (frames, signature headers, federation
//! bodies, media ids) gets an answer or a refusal, never a panic, and the relay stays up.

mod common;

use common::*;
use futures_util::SinkExt as _;
use isthmus_proto::NetworkName;
use isthmus_relay::federation::signature::{self, ReceivedHeaders};
use isthmus_relay::media::MediaId;
use isthmus_relay::Peer;
use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn header() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("\\PC{0,120}")
}

proptest! {
    #[test]
    fn no_forged_federation_signature_is_accepted(
        origin in header(), timestamp in header(), nonce in header(), sig in header(),
        method in "[A-Z]{0,8}", path in "\\PC{0,60}", body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let known = Peer::new(NetworkName::parse("harbor.example").expect("valid"), "https://harbor.example", [7; 32]);
        let headers = ReceivedHeaders {
            origin: origin.as_deref(),
            timestamp: timestamp.as_deref(),
            nonce: nonce.as_deref(),
            signature: sig.as_deref(),
        };
        let destination = NetworkName::parse("meadow.example").expect("valid");
        let verdict = signature::verify(
            |network| (network == &known.domain).then(|| known.clone()),
            &destination, &method, &path, &headers, &body, isthmus_relay::clock::now_ms(),
        );
        prop_assert!(verdict.is_err(), "nothing but a real signature passes");
    }

    #[test]
    fn a_media_id_is_exactly_32_lowercase_hex_characters(text in "\\PC{0,40}|[0-9a-fA-F]{30,34}") {
        if let Some(id) = MediaId::parse(&text) {
            prop_assert_eq!(id.to_string(), text);
        }
    }
}

#[test]
fn garbage_frames_get_an_error_or_a_closed_socket_and_the_relay_stays_up() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async {
        let relay = memory_relay("meadow.example").await;
        let account = register(&relay, "fuzzer").await;
        let mut runner =
            proptest::test_runner::TestRunner::new(ProptestConfig { cases: 48, ..ProptestConfig::default() });
        let frames = proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..600), 1..6);
        for _ in 0..48 {
            let batch = frames.new_tree(&mut runner).expect("a value").current();
            let mut socket = account.connect().await.expect("connects");
            for frame in batch {
                if socket.send(WsMessage::Binary(frame.into())).await.is_err() {
                    break;
                }
            }
            drop(socket);
        }
        let health = reqwest::get(format!("{}/healthz", relay.url())).await.expect("the relay answers");
        assert_eq!(health.status(), 200, "the relay is still up after every batch of garbage");
        let mut socket = connect_idle(&account).await;
        register(&relay, "other").await;
        let envelope = envelope_to("other@meadow.example", b"still here");
        assert_eq!(send_and_wait(&mut socket, 1, envelope).await.error_code, "", "and still delivers");
        relay.shutdown().await;
    });
}
