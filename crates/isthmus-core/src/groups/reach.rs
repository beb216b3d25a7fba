//! Which members the account writes to: the same rules as one-to-one chats. Another network
//! only while the account allows it (so revoking interop with a network makes its groups
//! read-only), and nobody the user blocked.

use std::collections::BTreeSet;

use isthmus_proto::{Address, NetworkName};

use crate::store::SealedStore;
use crate::tx::Tx;
use crate::{Error, Result};

use super::records::Group;

pub struct Reach {
    account: Address,
    allowed: BTreeSet<NetworkName>,
}

impl Reach {
    pub fn of(store: &SealedStore, account: &Address) -> Result<Self> {
        let record = crate::account::load(store, account)?.ok_or_else(|| Error::NoSuchAccount(account.to_string()))?;
        Ok(Self::from_record(&record))
    }

    pub fn from_record(record: &crate::account::AccountRecord) -> Self {
        Self { account: record.address.clone(), allowed: record.interop.iter().cloned().collect() }
    }

    pub fn allows_network(&self, network: &NetworkName) -> bool {
        network == &self.account.network || self.allowed.contains(network)
    }

    pub fn may_write(&self, tx: &Tx, member: &Address) -> Result<bool> {
        Ok(self.allows_network(&member.network) && !crate::consent::contacts::load(tx, &self.account, member)?.blocked)
    }

    /// Why the account may not write in `group` now, if it may not: it is not a member, or the
    /// group's home network (its creator's) is one the account no longer allows.
    pub fn refusal(&self, group: &Group) -> Option<Error> {
        if group.membership != super::records::Membership::Member {
            return Some(Error::NotGroupMember);
        }
        let home: Address = group.creator.parse().ok()?;
        (!self.allows_network(&home.network)).then(|| Error::InteropOff(home.network.to_string()))
    }
}

/// Why a group chat may not send now, for what queries fill in (`Conversation::send_refusal`):
/// from the committed group record and the profile's accounts.
pub fn refusal_code(
    store: &SealedStore,
    account: &Address,
    group: &crate::ids::GroupId,
    accounts: &[crate::account::AccountRecord],
) -> Option<crate::ErrorCode> {
    let record = super::records::load_committed(store, account, group).ok().flatten();
    let Some(record) = record else { return Some(crate::ErrorCode::UnknownGroup) };
    let reach = accounts.iter().find(|a| &a.address == account).map(Reach::from_record)?;
    reach.refusal(&record.group).map(|error| error.code())
}
