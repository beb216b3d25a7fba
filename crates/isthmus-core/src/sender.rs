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
        let mut retry = false;
        let mut waiting = 0;
        // Peers whose earlier entry failed for now: their later entries wait too (order per
        // peer is kept), while everyone else's go. One unreachable network, or one recipient's
        // full queue, must not hold up every other chat.
        let mut stalled: std::collections::HashSet<isthmus_proto::Address> = std::collections::HashSet::new();
        for (key, entry) in entries {
            if stalled.contains(&entry.peer) {
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
                waiting += 1;
                continue;
            }
            let peer = entry.peer.clone();
            match deliver(&context, key.clone(), entry).await {
                Ok(()) => {}
                Err(crate::Error::KeyChangeUnacknowledged(_)) => waiting += 1,
                // The own relay is out of reach: nothing else can go either.
                Err(crate::Error::Unreachable(_)) => {
                    retry = true;
                    break;
                }
                Err(error) if error.is_transient() => {
                    retry = true;
                    stalled.insert(peer);
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
