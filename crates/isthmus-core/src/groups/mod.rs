//! Groups across networks (issue 16): records, the user's changes, group messages sealed once
//! with libsignal's sender keys, and what arrives. See ARCHITECTURE.md, "Groups", for where a
//! group's state lives, who orders changes and what each relay learns.

pub mod changes;
pub mod outcome;
pub mod reach;
pub mod receipts;
pub mod receive;
pub mod records;
pub mod send;
pub mod timeline;

pub use changes::GroupChange;
pub use receipts::MemberReceipt;
pub use records::{Group, GroupMember, Membership};
