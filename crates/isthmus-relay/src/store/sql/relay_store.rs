//! `RelayStore` over the ops: reads go to the pool, writes through [`SqlStore::write`].
//!
//! Write ops own their arguments: on SQLite they run on the writer's task.

use std::collections::BTreeSet;

use async_trait::async_trait;
use isthmus_proto::api::GroupAdds;
use isthmus_proto::{Address, NetworkName, UserName};

use super::members::Capped;
use super::{accounts, discovery, groups, interop, invites, members, nonces, queue, reports, Result, SqlStore};
use crate::clock::now_ms;
use crate::store::{
    AccountRecord, DeliveryFacts, DeviceKey, GroupMembership, IdentityKeys, KeyUpdate, NewAccount, PreKeyCounts,
    QueueEntry, RelayStore, ReportRecord, Standing, StoredBundle,
};

/// `owner` and `address` as the member tables key them.
fn member(owner: &UserName, address: &Address) -> (String, String) {
    (owner.as_str().to_owned(), address.account())
}

#[async_trait]
impl RelayStore for SqlStore {
    async fn create_account(&self, account: NewAccount) -> Result<()> {
        self.write(move |conn| Box::pin(async move { accounts::create_account(conn, &account).await })).await
    }

    async fn account(&self, name: &UserName) -> Result<Option<AccountRecord>> {
        accounts::account(&mut self.reader().await?.conn(), name.as_str()).await
    }

    async fn update_keys(&self, name: &UserName, update: KeyUpdate, max_stored: usize) -> Result<()> {
        let (engine, name) = (self.engine(), name.as_str().to_owned());
        self.write(move |conn| {
            Box::pin(async move { accounts::update_keys(conn, engine, &name, &update, max_stored).await })
        })
        .await
    }

    async fn prekey_counts(&self, name: &UserName) -> Result<PreKeyCounts> {
        accounts::prekey_counts(&mut self.reader().await?.conn(), name.as_str()).await
    }

    async fn take_bundle(&self, name: &UserName) -> Result<Option<StoredBundle>> {
        let (engine, name) = (self.engine(), name.as_str().to_owned());
        // A key handed out is deleted durably first, or a crash could hand it out again.
        self.write(move |conn| Box::pin(async move { accounts::take_bundle(conn, engine, &name).await })).await
    }

    async fn interop(&self, name: &UserName) -> Result<BTreeSet<NetworkName>> {
        interop::interop(&mut self.reader().await?.conn(), name.as_str()).await
    }

    async fn set_interop(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()> {
        let (engine, name) = (self.engine(), name.as_str().to_owned());
        self.write(move |conn| Box::pin(async move { interop::set_interop(conn, engine, &name, &networks).await }))
            .await
    }

    async fn enqueue(&self, device: &DeviceKey, id: &[u8], envelope: &[u8], max_len: usize) -> Result<u64> {
        let (device, id, envelope) = (device.clone(), id.to_vec(), envelope.to_vec());
        self.write(move |conn| Box::pin(async move { queue::enqueue(conn, &device, &id, &envelope, max_len).await }))
            .await
    }

    async fn queued(&self, device: &DeviceKey, after: Option<u64>, limit: usize) -> Result<Vec<QueueEntry>> {
        queue::queued(&mut self.reader().await?.conn(), device, after, limit).await
    }

    async fn ack(&self, device: &DeviceKey, ids: &[Vec<u8>]) -> Result<usize> {
        let (engine, device, ids) = (self.engine(), device.clone(), ids.to_vec());
        self.write_soon(move |conn| Box::pin(async move { queue::ack(conn, engine, &device, &ids).await })).await
    }

    async fn queue_len(&self, device: &DeviceKey) -> Result<usize> {
        queue::queue_len(&mut self.reader().await?.conn(), device).await
    }

    async fn queue_depth(&self) -> Result<u64> {
        queue::depth(&mut self.reader().await?.conn()).await
    }

    async fn remember_nonce(&self, origin: &NetworkName, nonce: &str, expires_at_ms: u64) -> Result<bool> {
        let (origin, nonce) = (origin.as_str().to_owned(), nonce.to_owned());
        self.write(move |conn| Box::pin(async move { nonces::remember(conn, &origin, &nonce, expires_at_ms).await }))
            .await
    }

    async fn prune_nonces(&self, now_ms: u64) -> Result<usize> {
        self.write(move |conn| Box::pin(async move { nonces::prune(conn, now_ms).await })).await
    }

    async fn flush(&self) -> Result<()> {
        self.settle().await
    }

    async fn close(&self) -> Result<()> {
        self.settle().await?;
        SqlStore::close(self).await;
        Ok(())
    }

    async fn replace_identity(&self, name: &UserName, keys: IdentityKeys) -> Result<()> {
        let (engine, name) = (self.engine(), name.as_str().to_owned());
        self.write(move |conn| Box::pin(async move { accounts::replace_identity(conn, engine, &name, &keys).await }))
            .await
    }

    async fn block(&self, owner: &UserName, address: &Address, max: usize) -> Result<()> {
        let (engine, (owner, address)) = (self.engine(), member(owner, address));
        self.write(move |conn| {
            Box::pin(
                async move { members::add_capped(conn, engine, Capped::Blocks, &owner, &address, max, now_ms()).await },
            )
        })
        .await
    }

    async fn unblock(&self, owner: &UserName, address: &Address) -> Result<()> {
        let (owner, address) = member(owner, address);
        self.write(move |conn| Box::pin(async move { members::unblock(conn, &owner, &address).await })).await
    }

    async fn is_blocked(&self, owner: &UserName, address: &Address) -> Result<bool> {
        members::is_blocked(&mut self.reader().await?.conn(), owner.as_str(), &address.account()).await
    }

    async fn blocks(&self, owner: &UserName) -> Result<Vec<Address>> {
        members::blocks(&mut self.reader().await?.conn(), owner.as_str()).await
    }

    async fn add_contact(&self, owner: &UserName, address: &Address, max: usize) -> Result<()> {
        let (engine, (owner, address)) = (self.engine(), member(owner, address));
        self.write(move |conn| {
            Box::pin(async move {
                members::add_capped(conn, engine, Capped::Contacts, &owner, &address, max, now_ms()).await
            })
        })
        .await
    }

    async fn standing(&self, owner: &UserName, address: &Address) -> Result<Standing> {
        members::standing(&mut self.reader().await?.conn(), owner.as_str(), &address.account()).await
    }

    async fn delivery_facts(&self, owner: &UserName, sender: &Address) -> Result<Option<DeliveryFacts>> {
        members::delivery_facts(&mut self.reader().await?.conn(), owner.as_str(), &sender.account()).await
    }

    async fn add_request(&self, owner: &UserName, address: &Address, at_ms: u64) -> Result<()> {
        let (owner, address) = member(owner, address);
        self.write(move |conn| Box::pin(async move { members::add_request(conn, &owner, &address, at_ms).await })).await
    }

    async fn delete_request(&self, owner: &UserName, address: &Address) -> Result<()> {
        let (owner, address) = member(owner, address);
        self.write(move |conn| Box::pin(async move { members::delete_request(conn, &owner, &address).await })).await
    }

    async fn request_count(&self, owner: &UserName) -> Result<usize> {
        members::request_count(&mut self.reader().await?.conn(), owner.as_str()).await
    }

    async fn requests(&self, owner: &UserName) -> Result<Vec<(String, u64)>> {
        members::requests(&mut self.reader().await?.conn(), owner.as_str()).await
    }

    async fn add_invite(&self, token_hash: &str, expires_at_ms: u64) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| Box::pin(async move { invites::add(conn, &token_hash, expires_at_ms).await })).await
    }

    async fn take_invite(&self, token_hash: &str, now_ms: u64) -> Result<Option<u64>> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| Box::pin(async move { invites::take(conn, &token_hash, now_ms).await })).await
    }

    async fn contacts_only_discovery(&self, name: &UserName) -> Result<bool> {
        discovery::contacts_only(&mut self.reader().await?.conn(), name.as_str()).await
    }

    async fn set_contacts_only_discovery(&self, name: &UserName, only: bool) -> Result<()> {
        let name = name.as_str().to_owned();
        self.write(move |conn| Box::pin(async move { discovery::set_contacts_only(conn, &name, only).await })).await
    }

    async fn group_adds(&self, name: &UserName) -> Result<GroupAdds> {
        groups::adds(&mut self.reader().await?.conn(), name.as_str()).await
    }

    async fn set_group_adds(&self, name: &UserName, adds: GroupAdds) -> Result<()> {
        let name = name.as_str().to_owned();
        self.write(move |conn| Box::pin(async move { groups::set_adds(conn, &name, adds).await })).await
    }

    async fn group_networks(&self, name: &UserName) -> Result<BTreeSet<NetworkName>> {
        groups::networks(&mut self.reader().await?.conn(), name.as_str()).await
    }

    async fn set_group_networks(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()> {
        let (engine, name) = (self.engine(), name.as_str().to_owned());
        self.write(move |conn| Box::pin(async move { groups::set_networks(conn, engine, &name, &networks).await }))
            .await
    }

    async fn group_membership(&self, owner: &UserName, group_id: &[u8]) -> Result<Option<GroupMembership>> {
        groups::membership(&mut self.reader().await?.conn(), owner.as_str(), group_id).await
    }

    async fn set_group_membership(
        &self,
        owner: &UserName,
        group_id: &[u8],
        membership: GroupMembership,
        max: usize,
    ) -> Result<()> {
        let (engine, owner, group_id) = (self.engine(), owner.as_str().to_owned(), group_id.to_vec());
        self.write(move |conn| {
            Box::pin(async move { groups::set_membership(conn, engine, &owner, &group_id, membership, max).await })
        })
        .await
    }

    async fn remove_group_membership(&self, owner: &UserName, group_id: &[u8]) -> Result<bool> {
        let (owner, group_id) = (owner.as_str().to_owned(), group_id.to_vec());
        self.write(move |conn| Box::pin(async move { groups::remove_membership(conn, &owner, &group_id).await })).await
    }

    async fn expire_requests(&self, before_ms: u64) -> Result<usize> {
        self.write(move |conn| Box::pin(async move { members::expire_requests(conn, before_ms).await })).await
    }

    async fn add_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool> {
        let (owner, address) = member(owner, address);
        self.write(move |conn| Box::pin(async move { members::add_correspondent(conn, &owner, &address).await })).await
    }

    async fn is_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool> {
        members::is_correspondent(&mut self.reader().await?.conn(), owner.as_str(), &address.account()).await
    }

    async fn add_report(&self, report: ReportRecord) -> Result<()> {
        self.write(move |conn| Box::pin(async move { reports::add(conn, &report).await })).await
    }

    async fn reports(&self, limit: usize) -> Result<Vec<ReportRecord>> {
        reports::list(&mut self.reader().await?.conn(), limit).await
    }
}
