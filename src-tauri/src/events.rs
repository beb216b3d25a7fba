//! Forwards the engine's events to the page as "isthmus://events", in batches (event_batch.rs),
//! and keeps the unread count in the window title. The engine names nothing; the shell names
//! the event.

use std::collections::HashMap;

use isthmus_core::{ConversationId, Engine, Event};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::event_batch;

use crate::error::CommandResult;

/// The Tauri event name the UI listens to (tauri.ts, checked by tests/contract.rs): its payload
/// is an array of engine events, in the engine's order.
pub const EVENT_NAME: &str = "isthmus://events";

const TITLE: &str = "Isthmus";

/// Tells the page that engine events were lost on the way (the forwarder fell more than the
/// engine's channel holds behind, as when thousands of messages are marked read at once). The
/// page then queries again everything it shows (backend.ts); the payload is how many were lost.
pub const RESYNC_EVENT: &str = "isthmus://resync";

/// What the forwarder does with one receive from the engine's channel.
#[derive(Debug)]
enum Forward {
    Event(Box<Event>),
    /// Events were lost: recount the title, tell the page to query again.
    Resync(u64),
    /// The engine stopped.
    Stop,
}

fn forward(received: Result<Event, RecvError>) -> Forward {
    match received {
        Ok(event) => Forward::Event(Box::new(event)),
        Err(RecvError::Lagged(missed)) => Forward::Resync(missed),
        Err(RecvError::Closed) => Forward::Stop,
    }
}

/// Subscribes before the engine goes online, so no event of the first connection is missed.
/// The task ends when the engine stops (its channel closes).
pub fn spawn_forwarder(app: AppHandle, engine: &Engine) -> CommandResult<JoinHandle<()>> {
    let mut events = engine.subscribe();
    let mut unread = UnreadCount::from_conversations(&engine.conversations(None)?);
    set_title(&app, unread.total());
    let engine = engine.clone();
    Ok(tauri::async_runtime::spawn(async move {
        loop {
            let (batch, then) = gather(&mut events).await;
            if !batch.is_empty() {
                // Every event is applied (no short cut): the count must see them all.
                let changed = batch.iter().filter(|event| unread.apply(event)).count() > 0;
                if changed {
                    set_title(&app, unread.total());
                }
                if let Err(error) = app.emit(EVENT_NAME, event_batch::coalesce(batch)) {
                    tracing::error!(%error, "could not forward engine events to the page");
                }
            }
            match then {
                Some(Forward::Resync(missed)) => {
                    tracing::warn!(missed, "the page missed engine events; it will query again");
                    if let Ok(conversations) = engine.conversations(None) {
                        unread = UnreadCount::from_conversations(&conversations);
                        set_title(&app, unread.total());
                    }
                    if let Err(error) = app.emit(RESYNC_EVENT, missed) {
                        tracing::error!(%error, "could not tell the page to query again");
                    }
                }
                Some(Forward::Stop) => return,
                Some(Forward::Event(_)) | None => {}
            }
        }
    }))
}

/// Waits for an event, then gathers what follows within [`event_batch::WINDOW`] (at most
/// [`event_batch::MAX_EVENTS`]). Returns the batch, and lost events or a stopped engine if one
/// of them ended it, for the caller to handle after sending the batch.
async fn gather(events: &mut Receiver<Event>) -> (Vec<Event>, Option<Forward>) {
    let mut batch = Vec::new();
    let first = match forward(events.recv().await) {
        Forward::Event(event) => *event,
        other => return (batch, Some(other)),
    };
    batch.push(first);
    let deadline = tokio::time::Instant::now() + event_batch::WINDOW;
    while batch.len() < event_batch::MAX_EVENTS {
        let Ok(received) = tokio::time::timeout_at(deadline, events.recv()).await else { break };
        match forward(received) {
            Forward::Event(event) => batch.push(*event),
            other => return (batch, Some(other)),
        }
    }
    (batch, None)
}

fn set_title(app: &AppHandle, unread: u64) {
    if let Some(window) = app.get_webview_window("main") {
        let title = if unread == 0 { TITLE.to_owned() } else { format!("{TITLE} ({unread})") };
        // A window that is closing cannot take a title; nothing to report.
        let _ = window.set_title(&title);
    }
}

/// Unread messages per conversation, kept current from events, so the title needs no query.
#[derive(Debug, Default)]
pub struct UnreadCount(HashMap<ConversationId, u32>);

impl UnreadCount {
    pub fn from_conversations(conversations: &[isthmus_core::Conversation]) -> Self {
        UnreadCount(conversations.iter().map(|c| (c.id, c.unread)).collect())
    }

    /// Whether the total may have changed.
    pub fn apply(&mut self, event: &Event) -> bool {
        match event {
            Event::ConversationChanged { conversation } => {
                self.0.insert(conversation.id, conversation.unread) != Some(conversation.unread)
            }
            Event::ConversationRemoved { conversation } => self.0.remove(conversation).is_some(),
            _ => false,
        }
    }

    pub fn total(&self) -> u64 {
        self.0.values().map(|&n| u64::from(n)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures;

    fn conversation(unread: u32) -> isthmus_core::Conversation {
        test_fixtures::conversation(ConversationId::random(), unread)
    }

    #[test]
    fn lost_events_make_the_page_query_again_and_a_closed_channel_ends_the_forwarder() {
        assert!(matches!(forward(Err(RecvError::Lagged(12))), Forward::Resync(12)));
        assert!(matches!(forward(Err(RecvError::Closed)), Forward::Stop));
        let event = Event::ConversationRemoved { conversation: ConversationId::random() };
        assert!(
            matches!(forward(Ok(event)), Forward::Event(boxed) if matches!(*boxed, Event::ConversationRemoved { .. }))
        );
    }

    #[tokio::test]
    async fn what_arrives_within_a_frame_goes_as_one_batch_and_lost_events_end_it() {
        let (sender, mut events) = tokio::sync::broadcast::channel(16);
        for _ in 0..5 {
            sender.send(Event::QueueDrained { account: "me@meadow.test".into() }).expect("sent");
        }
        let (batch, then) = gather(&mut events).await;
        assert_eq!(batch.len(), 5, "a burst is one batch");
        assert!(then.is_none(), "the window ended it");

        let later = {
            let sender = sender.clone();
            tokio::spawn(async move {
                sender.send(Event::QueueDrained { account: "a".into() }).expect("sent");
                tokio::time::sleep(event_batch::WINDOW * 4).await;
                sender.send(Event::QueueDrained { account: "b".into() }).expect("sent");
            })
        };
        let (batch, _) = gather(&mut events).await;
        assert_eq!(batch.len(), 1, "an event after the window waits for the next batch");
        let (batch, _) = gather(&mut events).await;
        assert_eq!(batch.len(), 1);
        later.await.expect("joined");

        for _ in 0..20 {
            sender.send(Event::QueueDrained { account: "me@meadow.test".into() }).expect("sent");
        }
        let (batch, then) = gather(&mut events).await;
        assert!(batch.is_empty() && matches!(then, Some(Forward::Resync(4))), "lost events are said first");
        let (batch, _) = gather(&mut events).await;
        assert_eq!(batch.len(), 16, "then what the channel kept");
        drop(sender);
        assert!(matches!(gather(&mut events).await, (batch, Some(Forward::Stop)) if batch.is_empty()));
    }

    #[test]
    fn the_title_count_follows_conversation_events() {
        let (mut a, b) = (conversation(2), conversation(1));
        let mut count = UnreadCount::from_conversations(&[a.clone(), b.clone()]);
        assert_eq!(count.total(), 3, "starts from what the profile holds");
        a.unread = 0;
        assert!(count.apply(&Event::ConversationChanged { conversation: a.clone() }), "reading changes the count");
        assert_eq!(count.total(), 1);
        assert!(!count.apply(&Event::ConversationChanged { conversation: a }), "an unchanged count needs no title");
        assert!(count.apply(&Event::ConversationRemoved { conversation: b.id }), "a deleted request leaves the count");
        assert_eq!(count.total(), 0);
    }
}
