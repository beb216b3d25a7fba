//! Sync points: what makes "not delivered" and "no receipt" real instead of "not yet".
//!
//! A sync point between a sender and a receiver has two halves:
//! 1. the sender's outbox (first in, first out, durable) holds nothing more for the receiver:
//!    every message and receipt queued for them was handed to the sender's relay and the relay
//!    answered (it took it, which means it sits in the receiver's queue, or it refused it);
//! 2. the receiver goes offline and online again and waits until the relay says its queue is
//!    drained (`QueueDrained`): everything the relay held for them has been received and stored.
//!
//! After both, whatever the receiver does not have was never going to arrive.
//!
//! Matrix has no such point that the runner can reach: a Matrix send is answered by the
//! homeserver before the step goes on (there is no outbox to settle), but the engine does not
//! say how far the receiver's Matrix client has synced. Between Matrix people the runner
//! watches for `MATRIX_SETTLE` instead, a weaker check, documented as such.

use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Result};
use isthmus_core::store::Tree;
use isthmus_core::{ConnectionState, Event};
use isthmus_proto::Address;
use tokio::sync::broadcast::error::RecvError;

use super::world::{Person, World};

/// How often a waiting step looks again.
const POLL: Duration = Duration::from_millis(20);

/// How long a negative expectation between Matrix people waits before it looks: several times
/// what a homeserver on this machine takes to hand a running client an event (about a second
/// at most), short enough for a scenario.
pub const MATRIX_SETTLE: Duration = Duration::from_secs(5);

/// What a step is waiting for, so that a timeout can say so.
#[derive(Default)]
pub struct Progress(Mutex<String>);

impl Progress {
    pub fn set(&self, what: impl Into<String>) {
        if let Ok(mut current) = self.0.lock() {
            *current = what.into();
        }
    }

    pub fn get(&self) -> String {
        self.0.lock().map(|current| current.clone()).unwrap_or_default()
    }
}

/// Looks again every few milliseconds until `check` gives a value (the step's timeout bounds it).
pub async fn until<T>(mut check: impl FnMut() -> Result<Option<T>>) -> Result<T> {
    loop {
        if let Some(found) = check()? {
            return Ok(found);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The entries of `person`'s outbox addressed to `toward`, as (sealed for sending yet?) flags.
fn queued_for(person: &Person, toward: &Address) -> Result<Vec<bool>> {
    let store = person.engine.store();
    let account = isthmus_core::account::account_key(store, &person.address);
    let mut found = Vec::new();
    for (_, bytes) in store.scan_prefix(Tree::Outbox, &account)? {
        let entry: serde_json::Value = serde_json::from_slice(&bytes)?;
        let peer: Address = serde_json::from_value(entry["peer"].clone())?;
        if &peer == toward {
            found.push(!entry["envelope"].is_null());
        }
    }
    Ok(found)
}

/// Waits until `sender`'s outbox holds nothing for `receiver`. Entries held for a key change
/// the sender has not acknowledged count as settled: they cannot leave until then.
pub async fn outbox_settled(progress: &Progress, sender: &Person, receiver: &Address) -> Result<()> {
    progress.set(format!("{}'s outbox to hold nothing more for {receiver}", sender.address));
    until(|| {
        if sender.engine.contact(&sender.address, receiver)?.key_change_held {
            return Ok(Some(()));
        }
        Ok(queued_for(sender, receiver)?.is_empty().then_some(()))
    })
    .await
}

/// Waits until every entry of `sender`'s outbox for `receiver` has been sealed, that is handed
/// to the connection at least once.
pub async fn outbox_attempted(progress: &Progress, sender: &Person, receiver: &Address) -> Result<()> {
    progress.set(format!("{}'s outbox to have tried everything for {receiver}", sender.address));
    until(|| Ok(queued_for(sender, receiver)?.iter().all(|sealed| *sealed).then_some(()))).await
}

/// Takes `person` offline and online again, and waits until their relay has pushed everything
/// it held for them and the engine has stored it.
pub async fn drain_queue(progress: &Progress, person: &Person) -> Result<()> {
    if person.matrix.is_some() {
        bail!("{} is a Matrix person: there is no relay queue to drain", person.address);
    }
    progress.set(format!("{}'s relay queue to be drained", person.address));
    person.engine.stop();
    let mut events = person.engine.subscribe();
    person.engine.connect(&person.address)?;
    let account = person.address.account();
    // Only a drain reported after the new connection is up counts: the old connection may
    // still have been finishing an earlier batch.
    let mut connected = false;
    loop {
        match events.recv().await {
            Ok(Event::Connection { account: who, state: ConnectionState::Connected, .. }) if who == account => {
                connected = true;
            }
            Ok(Event::QueueDrained { account: drained }) if connected && drained == account => return Ok(()),
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => bail!("{account}'s engine stopped"),
        }
    }
}

/// The full sync point from `sender` to `receiver` (either may be an address outside the
/// scenario, whose half is then skipped). Between Matrix people: the settle wait. Answers which
/// of the two it was, for the report.
pub async fn settle(world: &World, progress: &Progress, sender: &Address, receiver: &Address) -> Result<&'static str> {
    let matrix = [sender, receiver].iter().any(|a| world.person_at(a).is_some_and(|p| p.matrix.is_some()));
    if matrix {
        progress.set(format!("the Matrix settle wait ({} s) from {sender} to {receiver}", MATRIX_SETTLE.as_secs()));
        tokio::time::sleep(MATRIX_SETTLE).await;
        return Ok("the Matrix settle wait");
    }
    if let Some(sender) = world.person_at(sender) {
        outbox_settled(progress, sender, receiver).await?;
    }
    if let Some(receiver) = world.person_at(receiver) {
        drain_queue(progress, receiver).await?;
    }
    Ok("the sync point")
}
