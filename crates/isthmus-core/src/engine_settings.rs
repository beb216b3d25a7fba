//! Profile-wide settings: the privacy switches the engine itself honours, and a front end's own
//! preferences, which the engine keeps (sealed, like everything in the profile) without reading.
//!
//! Read receipts and typing indicators tell the other side something about the user. When the
//! user turns them off the engine stops sending them, rather than trusting every front end to
//! remember: a receipt that escaped once cannot be taken back.

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::store::{SealedStore, Tree};
use crate::Result;

/// What the user lets the engine tell the people they talk to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Privacy {
    /// Send read receipts when a conversation is marked read (never for pending requests).
    pub read_receipts: bool,
    /// Send typing indicators (never for pending requests).
    pub typing_indicators: bool,
}

impl Default for Privacy {
    /// Both on, as in the messengers people know; each can be turned off in the settings.
    fn default() -> Self {
        Privacy { read_receipts: true, typing_indicators: true }
    }
}

const PRIVACY: &[u8] = b"privacy";
const FRONT_END_SETTINGS: &[u8] = b"front_end_settings";

/// The stored privacy switches, for code on the crypto worker that holds only the store.
pub(crate) fn privacy(store: &SealedStore) -> Result<Privacy> {
    Ok(store.get_json(Tree::Meta, PRIVACY)?.unwrap_or_default())
}

impl Engine {
    pub fn privacy(&self) -> Result<Privacy> {
        privacy(self.store())
    }

    /// Takes effect at once: the next `mark_read` or `send_typing` follows it.
    pub fn set_privacy(&self, privacy: Privacy) -> Result<()> {
        self.store().put_json(Tree::Meta, PRIVACY, &privacy)?;
        self.store().flush()?;
        Ok(())
    }

    /// A front end's own preferences (theme, notifications, chat list state) as one JSON
    /// document, or `None` if it never stored any.
    pub fn front_end_settings(&self) -> Result<Option<serde_json::Value>> {
        Ok(self.store().get_json(Tree::Meta, FRONT_END_SETTINGS)?)
    }

    pub fn set_front_end_settings(&self, settings: &serde_json::Value) -> Result<()> {
        self.store().put_json(Tree::Meta, FRONT_END_SETTINGS, settings)?;
        self.store().flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use isthmus_proto::Address;

    use super::*;
    use crate::ids::ConversationId;
    use crate::model::Message;
    use crate::store::Profile;
    use crate::tx::Tx;

    /// Stores one unread incoming message from `peer` and returns its conversation.
    fn receive_one(engine: &Engine, account: &Address, peer: &Address) -> ConversationId {
        let mut tx = Tx::new(engine.store().clone());
        let mut conversation = crate::conversations::load_or_create(&tx, account, peer).expect("conversation");
        let message = Message::received(peer.to_string(), "hello".into(), 1);
        crate::conversations::append(&mut tx, &mut conversation, message).expect("append");
        conversation.unread += 1;
        crate::conversations::save(&mut tx, &conversation).expect("save");
        tx.commit().expect("commit");
        conversation.id
    }

    fn queued(engine: &Engine, account: &Address) -> usize {
        let key = crate::account::account_key(engine.store(), account);
        crate::outbox::pending(engine.store(), &key).expect("outbox").len()
    }

    #[tokio::test]
    async fn privacy_is_on_until_changed_and_the_change_is_stored() {
        let engine = Engine::open(Profile::in_memory()).expect("engine");
        assert_eq!(engine.privacy().expect("read"), Privacy::default(), "receipts and typing are on by default");
        let off = Privacy { read_receipts: false, typing_indicators: false };
        engine.set_privacy(off).expect("write");
        assert_eq!(engine.privacy().expect("read"), off, "the choice is kept in the profile");
    }

    #[tokio::test]
    async fn with_read_receipts_off_marking_read_queues_no_receipt() {
        let engine = Engine::open(Profile::in_memory()).expect("engine");
        let account: Address = "alice@meadow.test".parse().expect("valid");
        let peer: Address = "bob@meadow.test".parse().expect("valid");

        engine.set_privacy(Privacy { read_receipts: false, ..Privacy::default() }).expect("write");
        let chat = receive_one(&engine, &account, &peer);
        engine.mark_read(chat).await.expect("mark read");
        let read = engine.conversation(&chat).expect("read").expect("chat");
        assert_eq!(read.unread, 0, "the chat is read locally whatever the setting");
        assert_eq!(queued(&engine, &account), 0, "no read receipt may leave while they are off");

        engine.set_privacy(Privacy::default()).expect("write");
        receive_one(&engine, &account, &peer);
        engine.mark_read(chat).await.expect("mark read");
        assert_eq!(queued(&engine, &account), 1, "with receipts on, one receipt goes back");
    }

    #[tokio::test]
    async fn front_end_settings_round_trip_untouched() {
        let engine = Engine::open(Profile::in_memory()).expect("engine");
        assert_eq!(engine.front_end_settings().expect("read"), None, "nothing stored yet");
        let settings = serde_json::json!({ "theme": "dark", "pinned": ["abc"] });
        engine.set_front_end_settings(&settings).expect("write");
        assert_eq!(engine.front_end_settings().expect("read"), Some(settings), "stored as given");
    }
}
