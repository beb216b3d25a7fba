//! The relay's pending requests against the client's: after each drained backlog, a request the
//! relay still holds for someone the client has no chat with is freed at the relay. That is a
//! first contact that was dropped (it could not be opened, and telling the relay failed), or a
//! request the person deleted while the relay was unreachable. Either way it would hold a slot
//! that nobody can see or delete.

use isthmus_proto::Address;

use crate::conversations;
use crate::relay_client::{Credentials, RelayClient};
use crate::time::now_ms;
use crate::tx::Tx;
use crate::worker::Worker;
use crate::Result;

/// Requests younger than this are left alone: their first message may still be on its way to
/// the client (and the two clocks may differ by as much).
const SETTLING_MS: u64 = 10 * 60 * 1000;

/// Frees the relay's requests that the client shows nowhere; returns how many.
pub(crate) async fn reconcile(
    account: &Address,
    relay: &RelayClient,
    credentials: &Credentials,
    worker: &Worker,
) -> Result<usize> {
    let listed = relay.pending_requests(credentials).await?;
    let settled = now_ms().saturating_sub(SETTLING_MS);
    let senders: Vec<Address> = listed
        .requests
        .into_iter()
        .filter(|request| request.since_ms < settled)
        .filter_map(|request| request.address.parse().ok())
        .collect();
    if senders.is_empty() {
        return Ok(0);
    }
    let owner = account.clone();
    let unseen = worker
        .call(move |state| {
            Box::pin(async move {
                let tx = Tx::new(state.store.clone());
                let mut unseen = Vec::new();
                for sender in senders {
                    if !conversations::exists_with(&tx, &owner, &sender)? {
                        unseen.push(sender);
                    }
                }
                Ok(unseen)
            })
        })
        .await?;
    for sender in &unseen {
        relay.delete_request(credentials, sender).await?;
    }
    Ok(unseen.len())
}
