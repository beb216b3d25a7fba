//! One account's sender: drains the outbox in order through the connection, setting up
//! sessions (fetching bundles through the own relay) as needed, and retrying transient
//! failures with backoff. Permanent failures mark the message failed with the relay's code.

use std::sync::Arc;
use std::time::Duration;

use isthmus_proto::Address;
use tokio::sync::Notify;

use crate::account::account_key;
use crate::connection::ConnectionHandle;
use crate::outbox::{self, OutboxEntry};
use crate::relay_client::{Credentials, RelayClient};
use crate::store::SealedStore;
use crate::worker::Worker;
use crate::Result;

pub struct SenderContext {
    /// The profile's attachment folder, where encrypted files wait for upload.
    pub files: std::path::PathBuf,
    pub events: tokio::sync::broadcast::Sender<crate::events::Event>,
    pub account: Address,
    pub store: Arc<SealedStore>,
    pub relay: RelayClient,
    pub credentials: Credentials,
    pub worker: Worker,
    pub connection: ConnectionHandle,
    pub wake: Arc<Notify>,
}

pub async fn run(mut context: SenderContext) {
    let account_key = account_key(&context.store, &context.account);
    let mut backoff = Duration::from_millis(250);
    loop {
        context.connection.wait_connected().await;
        let entries = match outbox::pending(&context.store, &account_key) {
            Ok(entries) => entries,
            Err(error) => {
                tracing::error!(code = ?error.code(), "cannot read the outbox");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        if entries.is_empty() {
            context.wake.notified().await;
            continue;
        }
        let mut pass = Pass::default();
        // Entries sealed already, for different people, go out together (a group message's
        // copies, say): each is still answered on its own, and no one's order changes, since a
        // person's next entry waits until the run before it is answered.
        let mut run: Vec<(Vec<u8>, OutboxEntry)> = Vec::new();
        for (key, entry) in entries {
            if pass.stalled.contains(&entry.peer) {
                continue;
            }
            // Held for a key change the user has not acknowledged: wait, in order, keep the rest going.
            let held = crate::consent::contacts::load(
                &crate::tx::Tx::new(context.store.clone()),
                &context.account,
                &entry.peer,
            )
            .map(|c| c.key_change_held)
            .unwrap_or(true);
            if held {
                pass.waiting += 1;
                continue;
            }
            let ready = entry.envelope.is_some() && entry.pending_upload.is_none();
            if ready
                && has_room(&run, &entry, context.connection.fans_out())
                && !run.iter().any(|(_, queued)| queued.peer == entry.peer)
            {
                run.push((key, entry));
                continue;
            }
            if !run.is_empty() && pass.record(&context, send_run(&context, std::mem::take(&mut run)).await).await {
                break;
            }
            if ready {
                run.push((key, entry));
                continue;
            }
            let peer = entry.peer.clone();
            let outcome = deliver(&context, key.clone(), entry).await;
            if pass.record(&context, vec![(key, peer, outcome)]).await {
                break;
            }
        }
        if !run.is_empty() && !pass.retry {
            pass.record(&context, send_run(&context, run).await).await;
        }
        let Pass { retry, waiting, .. } = pass;
        if waiting > 0 && !retry {
            // Only held entries are left: sleep until something changes (an acknowledgement wakes us).
            context.wake.notified().await;
            continue;
        }
        if retry {
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = context.wake.notified() => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(30));
        } else {
            backoff = Duration::from_millis(250);
        }
    }
}

/// At most this many sends in flight at once (the relay's default allows 32 per socket).
const RUN: usize = 16;
/// At most this many entries at once when copies of a group message share a frame (the relay's
/// default takes 255 copies in one).
const FAN_OUT_RUN: usize = 255;

/// Whether `entry` may join the run: at most `RUN` sends of their own, and, when the relay takes
/// a group message's copies in one frame, up to `FAN_OUT_RUN` entries with those copies.
fn has_room(run: &[(Vec<u8>, OutboxEntry)], entry: &OutboxEntry, fans_out: bool) -> bool {
    let copy = |entry: &OutboxEntry| fans_out && matches!(entry.kind, crate::outbox::OutboxKind::GroupCopy { .. });
    let singles = run.iter().filter(|(_, queued)| !copy(queued)).count();
    run.len() < FAN_OUT_RUN && (copy(entry) || singles < RUN)
}

/// What one pass over the outbox found.
#[derive(Default)]
struct Pass {
    /// Something failed for now: try again after a pause.
    retry: bool,
    /// Entries held for a key change the user has not acknowledged.
    waiting: usize,
    /// Peers whose earlier entry failed for now: their later entries wait too (order per peer
    /// is kept), while everyone else's go. One unreachable network, or one recipient's full
    /// queue, must not hold up every other chat.
    stalled: std::collections::HashSet<Address>,
}

impl Pass {
    /// Takes in the outcome of each send. Returns true when the own relay is out of reach, so
    /// that nothing else is tried in this pass.
    async fn record(&mut self, context: &SenderContext, outcomes: Vec<(Vec<u8>, Address, Result<()>)>) -> bool {
        let mut unreachable = false;
        for (key, peer, outcome) in outcomes {
            match outcome {
                Ok(()) => {}
                Err(crate::Error::KeyChangeUnacknowledged(_)) => self.waiting += 1,
                Err(crate::Error::Unreachable(_)) => {
                    self.retry = true;
                    unreachable = true;
                }
                Err(error) if error.is_transient() => {
                    self.retry = true;
                    self.stalled.insert(peer);
                }
                Err(error) => {
                    let code = serde_json::to_value(error.code())
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "internal".into());
                    let failed = context
                        .worker
                        .call(move |state| Box::pin(async move { crate::send::complete(state, key, Some(code)) }))
                        .await;
                    if let Err(error) = failed {
                        tracing::error!(code = ?error.code(), "cannot record a failed send");
                    }
                }
            }
        }
        unreachable
    }
}

/// Sends sealed entries (one per peer) at once and records each success; returns every outcome.
async fn send_run(context: &SenderContext, run: Vec<(Vec<u8>, OutboxEntry)>) -> Vec<(Vec<u8>, Address, Result<()>)> {
    let (entries, envelopes): (Vec<_>, Vec<_>) =
        run.into_iter().map(|(key, entry)| ((key, entry.peer), entry.envelope.unwrap_or_default())).unzip();
    let answers = context.connection.send_all(envelopes).await;
    let outcomes: Vec<(Vec<u8>, Address, Result<()>)> =
        entries.into_iter().zip(answers).map(|((key, peer), sent)| (key, peer, sent.map(drop))).collect();
    let done: Vec<Vec<u8>> =
        outcomes.iter().filter(|(_, _, sent)| sent.is_ok()).map(|(key, _, _)| key.clone()).collect();
    if done.is_empty() {
        return outcomes;
    }
    let completed = context
        .worker
        .call(move |state| {
            Box::pin(async move {
                for key in done {
                    crate::send::complete(state, key, None)?;
                }
                Ok(())
            })
        })
        .await;
    match completed {
        Ok(()) => outcomes,
        // Sent but not recorded: the entries stay and go again (the receiver drops the repeats).
        Err(error) => {
            tracing::error!(code = ?error.code(), "cannot record sent messages");
            outcomes.into_iter().map(|(key, peer, _)| (key, peer, Err(crate::Error::Stopped))).collect()
        }
    }
}

async fn deliver(context: &SenderContext, key: Vec<u8>, mut entry: OutboxEntry) -> Result<()> {
    let account = context.account.clone();
    if let Some((conversation, message, index)) = entry.pending_upload {
        upload(context, &key, conversation, message, index).await?;
        entry.pending_upload = None;
    }
    if matches!(entry.kind, crate::outbox::OutboxKind::GroupPost { .. }) {
        return context
            .worker
            .call(move |state| Box::pin(async move { crate::groups::send::post(state, &account, key).await }))
            .await;
    }
    // Most entries were sealed when queued. The rest are sealed now; without a session (a first
    // contact, or a session too old to use) a bundle is fetched through the own relay first.
    let envelope = match entry.envelope {
        Some(envelope) => envelope,
        None => match seal(context, &account, &key).await? {
            Some(envelope) => envelope,
            None => {
                let bundle = context.relay.bundle(&context.credentials, &entry.peer).await?;
                let (owner, peer) = (account.clone(), entry.peer.clone());
                context
                    .worker
                    .call(move |state| {
                        Box::pin(async move { crate::send::process_bundle(state, &owner, &peer, bundle).await })
                    })
                    .await?;
                seal(context, &account, &key)
                    .await?
                    .ok_or_else(|| crate::Error::Crypto("no session after processing the bundle".into()))?
            }
        },
    };
    context.connection.send(envelope).await?;
    context.worker.call(move |state| Box::pin(async move { crate::send::complete(state, key, None) })).await
}

async fn seal(context: &SenderContext, account: &Address, key: &[u8]) -> Result<Option<Vec<u8>>> {
    let (account, key) = (account.clone(), key.to_vec());
    context.worker.call(move |state| Box::pin(async move { crate::send::seal_entry(state, &account, key).await })).await
}

/// Uploads a queued message's attachment to the own relay and records the media id.
async fn upload(
    context: &SenderContext,
    key: &[u8],
    conversation: crate::ids::ConversationId,
    message: crate::ids::MessageId,
    index: u32,
) -> Result<()> {
    let tx = crate::tx::Tx::new(context.store.clone());
    let record =
        crate::media::records::load(&tx, &conversation, &message, index)?.ok_or(crate::Error::NoSuchMessage)?;
    let local = record.local_file.ok_or(crate::Error::NotDownloaded)?;
    let progress = crate::media::transfer::progress_events(
        context.events.clone(),
        conversation,
        message,
        index,
        crate::events::TransferDirection::Upload,
    );
    let id = crate::media::transfer::upload(&context.relay, &context.credentials, &context.files.join(local), progress)
        .await?;
    let key = key.to_vec();
    context.worker.call(move |state| Box::pin(async move { crate::media_ops::finish_upload(state, key, id) })).await
}
