//! Consent: every interop decision is explicit, made under a versioned disclosure, enforced,
//! and recorded in an append-only ledger.
//!
//! - `disclosure`: the facts a user must be told before another network can reach them.
//! - `ledger`: the encrypted, append-only record of every consent decision.
//! - `contacts`: per-person state the decisions leave behind (blocked, verified, key change
//!   held, first contact confirmed).
//! - `unopened`: first contacts that could not be opened, counted per sender.
//! - `unsent_reports`: reports the relay could not take yet, kept until it does.

pub mod contacts;
pub mod disclosure;
pub mod ledger;
pub mod unopened;
pub mod unsent_reports;

pub use contacts::Contact;
pub use disclosure::{Disclosure, DISCLOSURE_VERSION};
pub use ledger::{Decision, LedgerEntry};
pub use unopened::UnopenedSender;
pub use unsent_reports::UnsentReport;
