//! A long chat on demand: robin writes a number of messages to a sandbox user through the
//! relay, and the user reads them and accepts the request. The chat is made the way every chat
//! is made (encrypted, queued, delivered, decrypted, stored), not written into a store, so the
//! app holds it exactly as it would hold a real one. The desktop app's memory benchmark opens a
//! chat of 10,000 messages made this way.

use std::time::{Duration, Instant};

use isthmus_core::{ConversationId, Engine};
use isthmus_proto::Address;
use isthmus_relay::Limits;

use crate::{Sandbox, MEADOW};

/// The demo person who sends the history: robin on meadow.test. Robin answers only messages
/// from someone else, and the user sends none while seeding, so nothing answers the history.
pub const HISTORY_SENDER: &str = "robin";

/// Room beyond the history for the sender's other requests (contacts, bundles, receipts).
const HEADROOM: usize = 100;

/// How long seeding waits without a single new message before it gives up.
const STALL: Duration = Duration::from_secs(60);

/// How often the user's chat is looked at while the history arrives.
const POLL: Duration = Duration::from_millis(100);

/// What robin says, in turn, after the message's number. Lengths vary as in a real chat.
const LINES: [&str; 8] = [
    "Are you coming to the market on Saturday?",
    "The ferry was late again, so I walked along the harbour wall and watched the boats come in.",
    "ok",
    "Did you see the photos from the hike? The view from the ridge was unreal.",
    "I'll bring the bread if you bring the cheese.",
    "Running ten minutes late, sorry!",
    "That reminds me: the library wants its books back by Friday, and I still have two of yours.",
    "Good night 🌙",
];

/// Why the history could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("the sandbox has no demo person {HISTORY_SENDER}@{MEADOW}")]
    NoSender,
    #[error("the history could not be sent: {0}")]
    Send(isthmus_core::Error),
    #[error("the history could not be read or accepted: {0}")]
    Receive(isthmus_core::Error),
    #[error("the history stopped arriving at {arrived} of {expected} messages")]
    Stalled { arrived: u64, expected: u64 },
}

/// The number the `n`th message of a history of `count` starts with: whoever watches the inbox
/// knows the history is complete when the chat's preview starts with `history_number(count, count)`.
pub fn history_number(n: usize, count: usize) -> String {
    format!("{n}/{count}")
}

/// What the first message of a history says: the one word of the chat found nowhere else, so
/// a search test knows exactly where a hit must land.
pub const FIRST_LINE: &str = "Remember the quokka we saw from the ferry?";

/// The `n`th message of a history of `count`.
fn history_line(n: usize, count: usize) -> String {
    let line = if n == 1 { FIRST_LINE } else { LINES[n % LINES.len()] };
    format!("{} {}", history_number(n, count), line)
}

/// The relays' limits for a sandbox that will seed `history` messages: a public relay's
/// defaults, except that one account may send the whole history at once, before its request is
/// accepted, and the recipient's queue may hold all of it. With the defaults robin would be throttled to 50 messages a
/// second after the first 500, and 10,000 messages would take minutes to seed.
pub(crate) fn relay_limits(history: usize) -> Limits {
    let mut limits = Limits::default();
    if history == 0 {
        return limits;
    }
    let room = history.saturating_add(HEADROOM);
    limits.account_rate.burst = limits.account_rate.burst.max(u32::try_from(room).unwrap_or(u32::MAX));
    limits.max_queue_len = limits.max_queue_len.max(room);
    // Robin's request is accepted once the whole history is in.
    limits.envelopes_per_pending_request_per_hour =
        limits.envelopes_per_pending_request_per_hour.max(u32::try_from(room).unwrap_or(u32::MAX));
    limits
}

impl Sandbox {
    /// Has robin write `count` messages to `account` (an account of `me`, on meadow.test)
    /// through the relay, waits until all of them arrived, marks them read and accepts robin's
    /// message request. Returns the chat, which then holds `count` more messages.
    ///
    /// This exists to measure the app with a long chat made of real traffic. Robin queues every
    /// message without waiting for its delivery, as anyone's outbox does; start the sandbox
    /// with room for them ([`crate::Options::history`]) or the relay throttles robin. The chat
    /// ends read, as a long history is, so opening it shows a history rather than a first
    /// reading of `count` new messages (with its read receipts).
    pub async fn seed_history(
        &self,
        me: &Engine,
        account: &Address,
        count: usize,
    ) -> Result<ConversationId, HistoryError> {
        let sender = self
            .people
            .iter()
            .find(|person| person.address.name.as_str() == HISTORY_SENDER && person.address.network.as_str() == MEADOW)
            .ok_or(HistoryError::NoSender)?;
        let chat = me.conversation_id(account, &sender.address);
        let before = timeline_length(me, &chat)?;
        for n in 1..=count {
            sender
                .engine
                .send_text(&sender.address, account, history_line(n, count))
                .await
                .map_err(HistoryError::Send)?;
        }
        wait_for_timeline(me, &chat, before + count as u64).await?;
        me.mark_read(chat).await.map_err(HistoryError::Receive)?;
        let request = me.conversation(&chat).map_err(HistoryError::Receive)?.is_some_and(|c| c.request);
        if request {
            me.accept_request(chat).await.map_err(HistoryError::Receive)?;
        }
        Ok(chat)
    }
}

/// How many messages the chat's timeline holds (0 before it exists).
fn timeline_length(me: &Engine, chat: &ConversationId) -> Result<u64, HistoryError> {
    Ok(me.conversation(chat).map_err(HistoryError::Receive)?.map_or(0, |c| c.next_seq.saturating_sub(1)))
}

/// Waits until the chat's timeline holds `expected` messages, for as long as they keep coming.
async fn wait_for_timeline(me: &Engine, chat: &ConversationId, expected: u64) -> Result<(), HistoryError> {
    let mut arrived = timeline_length(me, chat)?;
    let mut last_progress = Instant::now();
    while arrived < expected {
        tokio::time::sleep(POLL).await;
        let now = timeline_length(me, chat)?;
        if now > arrived {
            arrived = now;
            last_progress = Instant::now();
        } else if last_progress.elapsed() > STALL {
            return Err(HistoryError::Stalled { arrived, expected });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use isthmus_core::{Direction, Profile, RelayTrust};

    use super::*;
    use crate::Options;

    #[test]
    fn the_relays_make_room_for_a_history_only_when_one_is_asked_for() {
        assert_eq!(relay_limits(0), Limits::default(), "an ordinary sandbox keeps a public relay's limits");
        let roomy = relay_limits(10_000);
        assert!(roomy.account_rate.burst >= 10_000, "robin sends the whole history without being throttled");
        assert!(roomy.max_queue_len >= 10_000, "the user's queue can hold the whole history if the app lags");
        assert!(roomy.envelopes_per_pending_request_per_hour >= 10_000, "all of it before the request is accepted");
        assert_eq!(
            Limits {
                account_rate: Limits::default().account_rate,
                max_queue_len: Limits::default().max_queue_len,
                envelopes_per_pending_request_per_hour: Limits::default().envelopes_per_pending_request_per_hour,
                ..roomy
            },
            Limits::default(),
            "nothing else changes"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_seeded_history_is_one_accepted_read_chat_of_that_many_messages_from_robin() {
        const COUNT: usize = 30;
        let sandbox = Sandbox::start_with(None, "127.0.0.1:0", "127.0.0.1:0", Options { history: COUNT })
            .await
            .expect("the sandbox starts");
        let me = Engine::open(Profile::in_memory()).expect("engine");
        let address: Address = me
            .add_account(&sandbox.meadow.url(), "reader", RelayTrust::default())
            .await
            .expect("account")
            .address
            .parse()
            .expect("address");
        me.connect(&address).expect("online");

        let chat = sandbox.seed_history(&me, &address, COUNT).await.expect("the history arrives");

        let conversation = me.conversation(&chat).expect("read").expect("robin's chat exists");
        assert!(!conversation.request, "accepted: an ordinary chat, not a request left waiting");
        assert_eq!(conversation.unread, 0, "read, as a long history is");
        let messages = me.messages(&chat, None, 1000).expect("read").items;
        assert_eq!(messages.len(), COUNT, "the chat holds exactly the history");
        assert!(
            messages.iter().all(|m| m.direction == Direction::Incoming && m.author == "robin@meadow.test"),
            "every message came from robin through the relay"
        );
        assert!(messages[0].body.starts_with("30/30 "), "the newest says the history is complete");

        // Robin would answer 600 ms after a message from the user, and wren writes to newcomers
        // it hears of: neither may happen, or the history would not be what was asked for.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(me.messages(&chat, None, 1000).expect("read").items.len(), COUNT, "nobody answered the history");
        assert_eq!(me.conversations(None).expect("read").len(), 1, "no other demo person wrote");
    }
}
