//! The engine's group API: create, change, message, invitations and who may add the account.
//!
//! What the own relay must know goes to it first (joining, leaving, the "who can add me"
//! setting), so it enforces the decision before anything is recorded locally.

use isthmus_proto::api::GroupAdds;
use isthmus_proto::Address;

use crate::engine::Engine;
use crate::groups::{records, Group, GroupChange, Membership};
use crate::ids::GroupId;
use crate::model::Message;
use crate::send::Outgoing;
use crate::tx::Tx;
use crate::{Error, Result};

/// The largest group typing indicators are sent to.
pub const TYPING_MEMBERS_MAX: usize = 20;

impl Engine {
    /// Creates a group named `name` with `members` (people on this network or on networks the
    /// account allows; at most 255 besides the account). Each member's own relay decides from
    /// their "who can add me" setting whether they become a member or get an invitation.
    pub async fn create_group(&self, account: &Address, name: &str, members: &[Address]) -> Result<Group> {
        let name = records::checked_name(name)?;
        let members = self.checked_new_members(account, members, 1)?;
        let record = self.account(account)?;
        let id = GroupId::random();
        self.relay(&record)?.join_group(&Self::credentials(&record), &id).await?;
        let owner = account.clone();
        let group = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::groups::changes::create(state, &owner, id, name, members).await })
            })
            .await?;
        self.wake_sender(account);
        Ok(group)
    }

    /// Adds people to a group (admins only).
    pub async fn add_group_members(&self, account: &Address, group: GroupId, members: &[Address]) -> Result<Group> {
        let current = self.group(account, group)?.ok_or(Error::NoSuchGroup)?;
        let members = self.checked_new_members(account, members, current.members.len())?;
        self.change_group(account, group, GroupChange::Add(members)).await
    }

    /// Removes a member (admins only). The account's sender key is replaced, so the removed
    /// member cannot read what follows; the other members replace theirs when they learn of it.
    pub async fn remove_group_member(&self, account: &Address, group: GroupId, member: &Address) -> Result<Group> {
        self.change_group(account, group, GroupChange::Remove(member.clone())).await
    }

    pub async fn rename_group(&self, account: &Address, group: GroupId, name: &str) -> Result<Group> {
        self.change_group(account, group, GroupChange::Rename(name.to_owned())).await
    }

    pub async fn make_group_admin(&self, account: &Address, group: GroupId, member: &Address) -> Result<Group> {
        self.change_group(account, group, GroupChange::MakeAdmin(member.clone())).await
    }

    /// Leaves a group: the members are told, the relay stops taking the group's traffic for the
    /// account, and the chat stays, read-only.
    pub async fn leave_group(&self, account: &Address, group: GroupId) -> Result<Group> {
        let left = self.change_group(account, group, GroupChange::Leave).await?;
        let record = self.account(account)?;
        self.relay(&record)?.leave_group(&Self::credentials(&record), &group).await?;
        Ok(left)
    }

    async fn change_group(&self, account: &Address, group: GroupId, change: GroupChange) -> Result<Group> {
        let owner = account.clone();
        let changed = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::groups::changes::change(state, &owner, group, change).await })
            })
            .await?;
        self.wake_sender(account);
        Ok(changed)
    }

    /// Sends text, a reply, a reaction, an edit or a delete to a group: encrypted once with the
    /// account's sender key, one copy per member.
    pub async fn send_group(&self, account: &Address, group: GroupId, outgoing: Outgoing) -> Result<Option<Message>> {
        let owner = account.clone();
        let message = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::groups::send::queue(state, &owner, group, outgoing).await })
            })
            .await?;
        self.wake_sender(account);
        Ok(message)
    }

    pub async fn send_group_text(&self, account: &Address, group: GroupId, body: impl Into<String>) -> Result<Message> {
        self.send_group(account, group, Outgoing::Text { body: body.into(), quote: None })
            .await?
            .ok_or_else(|| Error::Protocol("text produced no message".into()))
    }

    /// Sends the file at `path` to a group, as `send_file` does to a chat: uploaded once to the
    /// own relay (which hosts it for every member's network), then sealed once for everyone.
    pub async fn send_group_file(
        &self,
        account: &Address,
        group: GroupId,
        path: &std::path::Path,
        caption: &str,
        as_file: bool,
    ) -> Result<Message> {
        let record = self.prepared_attachment(account, path, as_file).await?;
        let (owner, caption) = (account.clone(), caption.to_owned());
        let message = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::groups::send::queue_attachment(state, &owner, group, caption, record) })
            })
            .await?;
        self.wake_sender(account);
        Ok(message)
    }

    /// Tries to open a group envelope (as the relay pushes it) with the account's keys as they
    /// are, storing and advancing nothing: the body, or `Err(Crypto)` when the profile holds no
    /// key that opens it. For testers: what a removed member's own profile can still read.
    pub async fn peek_group_envelope(&self, account: &Address, envelope: Vec<u8>) -> Result<String> {
        let owner = account.clone();
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::groups::receive::peek(state, &owner, &envelope).await }))
            .await
    }

    /// How far one of the user's messages in a group got with each member (delivered, read);
    /// members not listed have not said they have it.
    pub fn group_message_receipts(
        &self,
        account: &Address,
        group: GroupId,
        message: crate::ids::MessageId,
    ) -> Result<Vec<crate::groups::MemberReceipt>> {
        let group = self.group(account, group)?.ok_or(Error::NoSuchGroup)?;
        crate::groups::receipts::load(&self.inner.store, &group.conversation, &message)
    }

    /// Tells the group that the user started or stopped typing, sealed once like a message.
    /// Dropped while offline, while the user turned typing indicators off, and in groups of more
    /// than `TYPING_MEMBERS_MAX`: each copy costs the account one of its relay's sends (see
    /// docs/benchmarks.md, "One message to a 100-member group"), and a big group's typing would
    /// spend its allowance on indicators.
    pub async fn send_group_typing(&self, account: &Address, group: GroupId, started: bool) -> Result<()> {
        if !self.privacy()?.typing_indicators || !self.is_online(account) {
            return Ok(());
        }
        if self.group(account, group)?.ok_or(Error::NoSuchGroup)?.members.len() > TYPING_MEMBERS_MAX {
            return Ok(());
        }
        let owner = account.clone();
        self.inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::groups::send::queue_typing(state, &owner, group, started).await })
            })
            .await?;
        self.wake_sender(account);
        Ok(())
    }

    /// How many entries wait in the account's outbox (messages, receipts, group updates): a
    /// front end that exits after queueing waits for none to be left.
    pub fn outbox_len(&self, account: &Address) -> Result<usize> {
        let key = crate::account::account_key(&self.inner.store, account);
        Ok(crate::outbox::pending(&self.inner.store, &key)?.len())
    }

    /// The account's groups (those it is in, invited to, left or was removed from), by name.
    pub fn groups(&self, account: &Address) -> Result<Vec<Group>> {
        records::list(&self.inner.store, account)
    }

    pub fn group(&self, account: &Address, group: GroupId) -> Result<Option<Group>> {
        Ok(records::load(&Tx::new(self.inner.store.clone()), account, &group)?.map(|record| record.group))
    }

    /// Invitations to groups waiting for the user's answer.
    pub fn group_invitations(&self, account: &Address) -> Result<Vec<Group>> {
        Ok(self.groups(account)?.into_iter().filter(|g| matches!(g.membership, Membership::Invited { .. })).collect())
    }

    /// Accepts an invitation: the relay lets the group's traffic through from now on.
    pub async fn accept_group_invitation(&self, account: &Address, group: GroupId) -> Result<Group> {
        let current = self.group(account, group)?.ok_or(Error::NoSuchGroup)?;
        if !matches!(current.membership, Membership::Invited { .. }) {
            return Err(Error::InvalidGroup("there is no invitation to this group".into()));
        }
        let record = self.account(account)?;
        self.relay(&record)?.join_group(&Self::credentials(&record), &group).await?;
        let owner = account.clone();
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::groups::changes::accept(state, &owner, group) }))
            .await
    }

    /// Declines an invitation. The group is told nothing: to it the account answers as before.
    pub async fn decline_group_invitation(&self, account: &Address, group: GroupId) -> Result<()> {
        let current = self.group(account, group)?.ok_or(Error::NoSuchGroup)?;
        if !matches!(current.membership, Membership::Invited { .. }) {
            return Err(Error::InvalidGroup("there is no invitation to this group".into()));
        }
        let record = self.account(account)?;
        self.relay(&record)?.leave_group(&Self::credentials(&record), &group).await?;
        let owner = account.clone();
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::groups::changes::decline(state, &owner, group) }))
            .await
    }

    /// Who may add the account to groups: people on networks it allows (the default), its
    /// contacts only, or nobody. Anyone else's add arrives as an invitation.
    pub async fn group_adds(&self, account: &Address) -> Result<GroupAdds> {
        let record = self.account(account)?;
        self.relay(&record)?.group_adds(&Self::credentials(&record)).await
    }

    pub async fn set_group_adds(&self, account: &Address, who_can_add: GroupAdds) -> Result<()> {
        let record = self.account(account)?;
        self.relay(&record)?.set_group_adds(&Self::credentials(&record), who_can_add).await
    }

    /// People to add: not the account, each once, on a network the account allows, not blocked,
    /// and no more than the group has room for (`already` members counted).
    fn checked_new_members(&self, account: &Address, members: &[Address], already: usize) -> Result<Vec<Address>> {
        let reach = crate::groups::reach::Reach::of(&self.inner.store, account)?;
        let tx = Tx::new(self.inner.store.clone());
        let mut checked: Vec<Address> = Vec::with_capacity(members.len());
        for member in members {
            if member.account() == account.account() || checked.iter().any(|m| m.account() == member.account()) {
                continue;
            }
            if !reach.allows_network(&member.network) {
                return Err(Error::InteropOff(member.network.to_string()));
            }
            if crate::consent::contacts::load(&tx, account, member)?.blocked {
                return Err(Error::Blocked(member.to_string()));
            }
            checked.push(member.clone());
        }
        if already + checked.len() > records::MAX_MEMBERS {
            return Err(Error::InvalidGroup(format!("a group has at most {} members", records::MAX_MEMBERS)));
        }
        Ok(checked)
    }
}
