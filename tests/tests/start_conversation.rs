//! Opening a new chat from "New chat": allowed exactly when a message to that person could be
//! sent, and otherwise refused with the reason, before anything is stored.

use anyhow::Result;
use isthmus_core::ErrorCode;
use isthmus_e2e::{peer, relay, Person};
use isthmus_proto::Address;

#[tokio::test]
async fn a_new_chat_opens_only_where_a_message_could_go() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let alice = Person::join(&meadow, "alice").await?;
    let bob: Address = "bob@meadow.test".parse()?;
    let mallory: Address = "mallory@meadow.test".parse()?;
    let carol: Address = "carol@harbor.test".parse()?;
    let me = &alice.address;
    let code = |result: isthmus_core::Result<isthmus_core::Conversation>| result.err().map(|e| e.code());

    assert_eq!(code(alice.engine.start_conversation(me, me)), Some(ErrorCode::Protocol), "not with oneself");
    let with_bob = alice.engine.start_conversation(me, &bob)?;
    assert_eq!(with_bob.id, alice.engine.conversation_id(me, &bob), "someone on the same network: a chat");
    assert!(alice.engine.conversation(&with_bob.id)?.is_none(), "stored only with its first message");

    alice.engine.block(me, &mallory).await?;
    assert_eq!(code(alice.engine.start_conversation(me, &mallory)), Some(ErrorCode::Blocked));

    assert_eq!(code(alice.engine.start_conversation(me, &carol)), Some(ErrorCode::InteropOff), "harbor not allowed");
    alice.allows("harbor.test").await?;
    assert_eq!(code(alice.engine.start_conversation(me, &carol)), Some(ErrorCode::FirstContactRequired));
    alice.confirms(&carol).await?;
    assert_eq!(alice.engine.start_conversation(me, &carol)?.peer, carol, "confirmed: the chat opens");
    Ok(())
}
