//! Forwards the engine's events to the page as "isthmus://events", in batches (event_batch.rs).
//! The engine names nothing; the shell names the event. (The unread count in the title comes
//! from the page, which knows which chats are muted: `unread.rs`.)

use isthmus_core::{Engine, Event};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::event_batch;

use crate::error::CommandResult;

/// The Tauri event name the UI listens to (tauri.ts, checked by tests/contract.rs): its payload
/// is an array of engine events, in the engine's order.
pub const EVENT_NAME: &str = "isthmus://events";

/// Tells the page that engine events were lost on the way (the forwarder fell more than the
/// engine's channel holds behind, as when thousands of messages are marked read at once). The
/// page then queries again everything it shows (backend.ts); the payload is how many were lost.
pub const RESYNC_EVENT: &str = "isthmus://resync";

/// What the forwarder does with one receive from the engine's channel.
#[derive(Debug)]
enum Forward {
    Event(Box<Event>),
    /// Events were lost: tell the page to query again.
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
    Ok(tauri::async_runtime::spawn(async move {
        loop {
            let (batch, then) = gather(&mut events).await;
            if !batch.is_empty() {
                if let Err(error) = app.emit(EVENT_NAME, event_batch::coalesce(batch)) {
                    tracing::error!(%error, "could not forward engine events to the page");
                }
            }
            match then {
                Some(Forward::Resync(missed)) => {
                    tracing::warn!(missed, "the page missed engine events; it will query again");
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

#[cfg(test)]
mod tests {
    use isthmus_core::ConversationId;

    use super::*;

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
}
