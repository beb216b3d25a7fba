//! The first message to someone sets up a post-quantum (PQXDH) session: it travels as a
//! PreKeySignalMessage carrying a Kyber ciphertext; the relay sees no plaintext.

use anyhow::Result;
use isthmus_e2e::raw::{bearer, RawClient};
use isthmus_e2e::{relay, Person};
use isthmus_proto::wire;
use libsignal_protocol::PreKeySignalMessage;

#[tokio::test]
async fn the_first_message_is_a_pqxdh_prekey_message() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    // Bob goes offline so that what alice sends waits in the relay's queue for us to inspect.
    bob.engine.stop();
    let bob_bearer = bearer(&bob.engine, &bob.address)?;

    let first = alice.engine.send_text(&alice.address, &bob.address, "one").await?;
    alice.sees_status(first.id, isthmus_core::MessageStatus::Sent).await?;
    let second = alice.engine.send_text(&alice.address, &bob.address, "two").await?;
    alice.sees_status(second.id, isthmus_core::MessageStatus::Sent).await?;

    let mut peek = RawClient::connect(&meadow.url(), Some(&bob_bearer)).await?;
    let queued = peek.drain_without_ack().await?;
    peek.close().await;
    assert_eq!(queued.len(), 2, "both messages wait for bob");
    assert_eq!(queued[0].kind, wire::CiphertextKind::Prekey as i32, "the first message starts the session");
    let prekey_message = PreKeySignalMessage::try_from(queued[0].ciphertext.as_slice())?;
    assert!(prekey_message.kyber_pre_key_id().is_some(), "the session used a Kyber prekey: PQXDH, not X3DH");
    assert!(prekey_message.kyber_ciphertext().is_some(), "the first message carries the KEM ciphertext");
    assert!(!queued[0].ciphertext.windows(3).any(|w| w == b"one"), "the relay sees no plaintext");

    // Nothing was acked, so bob's own client still gets both, in order.
    bob.engine.connect(&bob.address)?;
    bob.receives(&alice.address, "one").await?;
    bob.receives(&alice.address, "two").await?;
    Ok(())
}
