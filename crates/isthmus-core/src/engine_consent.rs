//! The engine's consent and safety API: interop under a disclosure, message requests,
//! blocking, reports, first contacts, key changes, verification, the ledger, the inbox layout.
//!
//! Every decision reaches the relay first (where the relay enforces it) and is then recorded
//! locally, in the same write as its ledger entry.

use isthmus_proto::api::{Discoverability, ReportReason};
use isthmus_proto::{Address, NetworkName};
use serde::{Deserialize, Serialize};

use crate::account::AccountInfo;
use crate::consent::{
    contacts, disclosure, ledger, Contact, Disclosure, LedgerEntry, UnopenedSender, UnsentReport, DISCLOSURE_VERSION,
};
use crate::engine::Engine;
use crate::ids::{ConversationId, MessageId};
use crate::model::Conversation;
use crate::store::Tree;
use crate::tx::Tx;
use crate::{Error, Result};

/// How the inbox shows chats with other networks.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxLayout {
    /// One inbox for everything, each chat marked with its network.
    #[default]
    Combined,
    /// Chats with other networks in a separate "Other networks" folder.
    Separate,
}

const INBOX_LAYOUT: &[u8] = b"inbox_layout";

impl Engine {
    /// The disclosure to show before interop with `network` is turned on.
    pub fn disclosure(&self, network: &NetworkName) -> Disclosure {
        disclosure::disclosure(network.as_str())
    }

    /// The other networks `account`'s relay is peered with: the ones interop can be turned on for.
    pub async fn peered_networks(&self, account: &Address) -> Result<Vec<String>> {
        let record = self.account(account)?;
        self.relay(&record)?.peers(&Self::credentials(&record)).await
    }

    /// Lets `network` reach `account`. `disclosure_version` names the disclosure the user was
    /// shown; anything but the current one is refused, so consent is always informed.
    pub async fn enable_interop(
        &self,
        account: &Address,
        network: &NetworkName,
        disclosure_version: &str,
    ) -> Result<AccountInfo> {
        if disclosure_version != DISCLOSURE_VERSION {
            return Err(Error::DisclosureOutdated {
                given: disclosure_version.to_owned(),
                current: DISCLOSURE_VERSION.to_owned(),
            });
        }
        if network == &account.network {
            return Err(Error::Protocol("interop is about other networks; this is the account's own".into()));
        }
        self.change_interop(account, network, true, Some(disclosure_version)).await
    }

    /// Stops `network` from reaching `account`, at once: the relay refuses it, and chats with
    /// it become read-only.
    pub async fn disable_interop(&self, account: &Address, network: &NetworkName) -> Result<AccountInfo> {
        self.change_interop(account, network, false, None).await
    }

    async fn change_interop(
        &self,
        account: &Address,
        network: &NetworkName,
        enabled: bool,
        version: Option<&str>,
    ) -> Result<AccountInfo> {
        let record = self.account(account)?;
        let mut networks: Vec<NetworkName> = record.interop.iter().filter(|n| *n != network).cloned().collect();
        if enabled {
            networks.push(network.clone());
        }
        let relay = self.relay(&record)?;
        relay.set_interop(&Self::credentials(&record), &networks).await?;
        // The networks whose people may add the account to groups: those allowed under the
        // current disclosure, which says what groups do across networks.
        let mut groups = self.networks_under_current_disclosure(account)?;
        groups.retain(|n| n != network);
        if enabled {
            groups.push(network.clone());
        }
        relay.set_group_networks(&Self::credentials(&record), &groups).await?;
        let (address, network, version) = (account.clone(), network.clone(), version.map(str::to_owned));
        let record = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move {
                    crate::decisions::record_interop(state, &address, &network, enabled, version.as_deref())
                })
            })
            .await?;
        self.wake_sender(account);
        Ok(AccountInfo::from(&record))
    }

    /// The networks `account` allowed under an older disclosure than the current one: the person
    /// is asked again (the disclosure shown, `enable_interop` with the current version) before
    /// people there can add them to groups. Until then their relay refuses those adds.
    pub fn interop_to_review(&self, account: &Address) -> Result<Vec<NetworkName>> {
        let current = self.networks_under_current_disclosure(account)?;
        Ok(self.account(account)?.interop.into_iter().filter(|n| !current.contains(n)).collect())
    }

    fn networks_under_current_disclosure(&self, account: &Address) -> Result<Vec<NetworkName>> {
        let names = ledger::consented_under(&self.inner.store, &account.account(), DISCLOSURE_VERSION)?;
        Ok(names.iter().filter_map(|name| NetworkName::parse(name).ok()).collect())
    }

    /// Pending message requests, most recent first.
    pub fn requests(&self, account: Option<&Address>) -> Result<Vec<Conversation>> {
        Ok(self.conversations(account)?.into_iter().filter(|c| c.request).collect())
    }

    fn conversation_or_fail(&self, id: &ConversationId) -> Result<Conversation> {
        self.conversation(id)?.ok_or(Error::NoSuchConversation)
    }

    pub async fn accept_request(&self, id: ConversationId) -> Result<Conversation> {
        let conversation = self.conversation_or_fail(&id)?;
        if conversation.is_matrix() {
            self.matrix_decide_request(&conversation, true).await?;
            return self
                .inner
                .worker
                .call(move |state| Box::pin(async move { crate::decisions::accept_request(state, id) }))
                .await;
        }
        let record = self.account(&conversation.account)?;
        self.relay(&record)?.add_contact(&Self::credentials(&record), &conversation.peer).await?;
        let accepted = self
            .inner
            .worker
            .call(move |state| Box::pin(async move { crate::decisions::accept_request(state, id) }))
            .await?;
        self.wake_sender(&conversation.account);
        Ok(accepted)
    }

    pub async fn delete_request(&self, id: ConversationId) -> Result<()> {
        let conversation = self.conversation_or_fail(&id)?;
        if conversation.is_matrix() {
            self.matrix_decide_request(&conversation, false).await?;
        } else {
            let record = self.account(&conversation.account)?;
            self.relay(&record)?.delete_request(&Self::credentials(&record), &conversation.peer).await?;
        }
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::decisions::delete_request(state, id) }))
            .await?;
        Ok(())
    }

    /// Who may find `account` (its directory entry and key bundle, which a first message needs),
    /// on its own network as on every other: everyone, or only people it wrote to, accepted or
    /// exchanged messages with. Anyone else finds it exactly as a missing account.
    pub async fn discoverability(&self, account: &Address) -> Result<Discoverability> {
        let record = self.account(account)?;
        self.relay(&record)?.discoverability(&Self::credentials(&record)).await
    }

    pub async fn set_discoverability(&self, account: &Address, discoverable_by: Discoverability) -> Result<()> {
        let record = self.account(account)?;
        self.relay(&record)?.set_discoverability(&Self::credentials(&record), discoverable_by).await
    }

    /// People whose first contacts to `account` could not be opened, most recent first, with how
    /// many: shown so the person can block or report them (their request slots were freed).
    pub fn unopened_first_contacts(&self, account: &Address) -> Result<Vec<UnopenedSender>> {
        crate::consent::unopened::list(&Tx::new(self.inner.store.clone()), account)
    }

    /// Blocks `peer`: the relay refuses them from every network, and the client drops them too.
    pub async fn block(&self, account: &Address, peer: &Address) -> Result<()> {
        if let Some(matrix) = self.matrix_by_address(account)? {
            self.matrix_set_blocked(&matrix, peer, true).await?;
        } else {
            let record = self.account(account)?;
            self.relay(&record)?.block(&Self::credentials(&record), peer).await?;
        }
        let (address, peer) = (account.clone(), peer.clone());
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::decisions::block(state, &address, &peer) }))
            .await
    }

    pub async fn unblock(&self, account: &Address, peer: &Address) -> Result<()> {
        if let Some(matrix) = self.matrix_by_address(account)? {
            self.matrix_set_blocked(&matrix, peer, false).await?;
        } else {
            let record = self.account(account)?;
            self.relay(&record)?.unblock(&Self::credentials(&record), peer).await?;
        }
        let (address, peer) = (account.clone(), peer.clone());
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::decisions::unblock(state, &address, &peer) }))
            .await
    }

    /// Reports the person of a conversation to the user's own relay, with the messages the
    /// user chose to include (only the other person's; the newest that fit a report, see
    /// `decisions::build_report`). With `and_block` they are blocked as well, and blocked even
    /// when the report cannot be sent: the person asked not to hear from them again. A report
    /// the relay cannot take now (unreachable, busy) is kept in the profile as built, since a
    /// block deletes the messages it carries, and sent after the next connection
    /// (`report_retry`). The ledger records only what happened; a report that failed answers
    /// `report_not_sent`, saying whether the block took and whether the report was kept.
    pub async fn report(
        &self,
        id: ConversationId,
        message_ids: Vec<MessageId>,
        reason: ReportReason,
        note: &str,
        and_block: bool,
    ) -> Result<()> {
        let conversation = self.conversation_or_fail(&id)?;
        let peer = conversation.peer.clone();
        if conversation.is_matrix() {
            // Matrix takes reports at the user's own homeserver, about events it knows.
            self.matrix_report(&conversation, &message_ids, reason).await?;
            let address = conversation.account.clone();
            let about = peer.clone();
            self.inner
                .worker
                .call(move |state| Box::pin(async move { crate::decisions::record_report(state, &address, &about) }))
                .await?;
            if and_block {
                self.block(&conversation.account, &peer).await?;
            }
            return Ok(());
        }
        self.report_in(conversation, peer, message_ids, reason, note, and_block).await
    }

    /// Reports a member of a group (or the person who invited the user to it), with messages of
    /// theirs in the group's chat the user chose, as `report` does for a chat's other person.
    #[allow(clippy::too_many_arguments)]
    pub async fn report_group_member(
        &self,
        account: &Address,
        group: crate::ids::GroupId,
        member: &Address,
        message_ids: Vec<MessageId>,
        reason: ReportReason,
        note: &str,
        and_block: bool,
    ) -> Result<()> {
        let group = self.group(account, group)?.ok_or(Error::NoSuchGroup)?;
        let conversation = self.conversation_or_fail(&group.conversation)?;
        self.report_in(conversation, member.clone(), message_ids, reason, note, and_block).await
    }

    /// Reports `reported` from `conversation` (see `report`).
    async fn report_in(
        &self,
        conversation: Conversation,
        reported: Address,
        message_ids: Vec<MessageId>,
        reason: ReportReason,
        note: &str,
        and_block: bool,
    ) -> Result<()> {
        let record = self.account(&conversation.account)?;
        let (id, note, about) = (conversation.id, note.to_owned(), reported.clone());
        let (_, report) = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(
                    async move { crate::decisions::build_report(state, id, Some(&about), message_ids, reason, &note) },
                )
            })
            .await?;
        let sent = self.relay(&record)?.report(&Self::credentials(&record), &report).await;
        let address = conversation.account.clone();
        let kept = match &sent {
            Ok(()) => {
                let peer = reported.clone();
                self.inner
                    .worker
                    .call(move |state| Box::pin(async move { crate::decisions::record_report(state, &address, &peer) }))
                    .await?;
                false
            }
            Err(error) if error.is_transient() => {
                self.inner
                    .worker
                    .call(move |state| {
                        Box::pin(async move { crate::decisions::keep_unsent_report(state, &address, report) })
                    })
                    .await?;
                true
            }
            Err(_) => false,
        };
        let blocked = if and_block {
            match (self.block(&conversation.account, &reported).await, &sent) {
                (Ok(()), _) => true,
                (Err(error), Ok(())) => return Err(error),
                (Err(error), Err(_)) => {
                    tracing::info!(code = ?error.code(), "blocking after a failed report failed as well");
                    false
                }
            }
        } else {
            false
        };
        sent.map_err(|cause| Error::ReportNotSent { blocked, kept, cause: Box::new(cause) })
    }

    /// Reports of `account`'s that the relay could not take yet, oldest first: each is sent
    /// after the next connection drains its backlog.
    pub fn unsent_reports(&self, account: &Address) -> Result<Vec<UnsentReport>> {
        crate::consent::unsent_reports::list(&Tx::new(self.inner.store.clone()), account)
    }

    /// The user confirmed writing to `peer`, on another network, for the first time.
    pub async fn confirm_first_contact(&self, account: &Address, peer: &Address) -> Result<Conversation> {
        let record = self.account(account)?;
        if peer.network == record.address.network {
            return Err(Error::Protocol("first-contact confirmation is for people on other networks".into()));
        }
        if !record.interop.contains(&peer.network) {
            return Err(Error::InteropOff(peer.network.to_string()));
        }
        if let Err(error) = self.relay(&record)?.add_contact(&Self::credentials(&record), peer).await {
            tracing::info!(code = ?error.code(), "could not record the contact at the relay");
        }
        let (address, peer) = (account.clone(), peer.clone());
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::decisions::confirm_first_contact(state, &address, &peer) }))
            .await
    }

    /// The user saw that `peer`'s safety number changed; sending to them resumes.
    pub async fn acknowledge_key_change(&self, account: &Address, peer: &Address) -> Result<()> {
        let (address, who) = (account.clone(), peer.clone());
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::decisions::acknowledge_key_change(state, &address, &who) }))
            .await?;
        self.wake_sender(account);
        Ok(())
    }

    pub async fn set_verified(&self, account: &Address, peer: &Address, verified: bool) -> Result<()> {
        let (address, peer) = (account.clone(), peer.clone());
        self.inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::decisions::set_verified(state, &address, &peer, verified) })
            })
            .await
    }

    /// What the user decided about `peer` so far.
    pub fn contact(&self, account: &Address, peer: &Address) -> Result<Contact> {
        contacts::load(&Tx::new(self.inner.store.clone()), account, peer)
    }

    /// Every consent decision ever made in this profile, oldest first.
    pub fn ledger(&self) -> Result<Vec<LedgerEntry>> {
        ledger::entries(&self.inner.store)
    }

    /// The ledger as a JSON document, for the user to keep or hand over.
    pub fn export_ledger(&self) -> Result<String> {
        let export = serde_json::json!({
            "format": "isthmus-consent-ledger-v1",
            "exported_at": crate::time::now_ms(),
            "entries": self.ledger()?,
        });
        serde_json::to_string_pretty(&export).map_err(|e| Error::Protocol(e.to_string()))
    }

    /// Replaces the account's identity key (and all its prekeys) at the relay and locally.
    /// Everyone who talks to this account will see a key change.
    pub async fn reset_identity(&self, account: &Address) -> Result<()> {
        let record = self.account(account)?;
        let address = account.clone();
        let (tx, _local, replacement) = self
            .inner
            .worker
            .call(move |state| Box::pin(async move { crate::account_setup::prepare_new_identity(state, &address) }))
            .await?;
        self.relay(&record)?.replace_identity(&Self::credentials(&record), &replacement).await?;
        let address = account.clone();
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::account_setup::finish_new_identity(state, tx, &address) }))
            .await
    }

    pub fn inbox_layout(&self) -> Result<InboxLayout> {
        Ok(self.inner.store.get_json(Tree::Meta, INBOX_LAYOUT)?.unwrap_or_default())
    }

    pub fn set_inbox_layout(&self, layout: InboxLayout) -> Result<()> {
        self.inner.store.put_json(Tree::Meta, INBOX_LAYOUT, &layout)?;
        self.inner.store.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_inbox_layout_is_combined_until_changed_and_stays_changed() {
        let engine = Engine::open(crate::store::Profile::in_memory()).expect("engine");
        assert_eq!(engine.inbox_layout().expect("read"), InboxLayout::Combined, "one inbox by default");
        engine.set_inbox_layout(InboxLayout::Separate).expect("write");
        assert_eq!(engine.inbox_layout().expect("read"), InboxLayout::Separate, "the choice is stored in the profile");
    }

    #[tokio::test]
    async fn interop_without_the_current_disclosure_is_refused_before_any_call() {
        let engine = Engine::open(crate::store::Profile::in_memory()).expect("engine");
        let account: Address = "alice@meadow.test".parse().expect("valid");
        let network = NetworkName::parse("harbor.test").expect("valid");
        let error = engine.enable_interop(&account, &network, "").await.expect_err("no disclosure, no interop");
        assert_eq!(error.code(), crate::ErrorCode::DisclosureOutdated);
        assert!(engine.ledger().expect("read").is_empty(), "a refused decision is not recorded");
    }
}
