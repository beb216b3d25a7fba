//! Sends the reports kept in the profile because the relay could not take them when the person
//! asked (`consent::unsent_reports`): after each drained backlog, when the relay is known to
//! answer. Each one that the relay takes is recorded in the ledger and forgotten; the first
//! that fails again ends the round, to be tried after the next backlog.

use isthmus_proto::Address;

use crate::consent::unsent_reports;
use crate::relay_client::{Credentials, RelayClient};
use crate::tx::Tx;
use crate::worker::Worker;
use crate::Result;

/// Sends the account's kept reports, oldest first; returns how many the relay took.
pub(crate) async fn send_kept(
    account: &Address,
    relay: &RelayClient,
    credentials: &Credentials,
    worker: &Worker,
) -> Result<usize> {
    let owner = account.clone();
    let kept = worker
        .call(move |state| Box::pin(async move { unsent_reports::kept(&Tx::new(state.store.clone()), &owner) }))
        .await?;
    let mut sent = 0;
    for report in kept {
        let taken = match relay.report(credentials, &report.report).await {
            Ok(()) => true,
            // The relay will never take this one: keeping it would hold back every report after it.
            Err(error) if !error.is_transient() => {
                tracing::info!(code = ?error.code(), "the relay refused a kept report for good; dropped");
                false
            }
            Err(error) => return if sent == 0 { Err(error) } else { Ok(sent) },
        };
        let owner = account.clone();
        worker
            .call(move |state| {
                Box::pin(async move { crate::decisions::settle_kept_report(state, &owner, &report, taken) })
            })
            .await?;
        sent += usize::from(taken);
    }
    Ok(sent)
}
