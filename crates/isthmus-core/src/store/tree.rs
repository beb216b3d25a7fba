//! Every tree (table) of the profile database, named in one place.
//!
//! A tree's name is part of every value's associated data, so renaming one is a migration.

/// The trees of the local store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tree {
    /// Schema version and other profile-wide settings.
    Meta,
    /// One record per account in the profile (keyed by a name hash of `name@network`).
    Accounts,
    /// This account's identity key pair and registration id.
    LocalIdentity,
    /// One-time EC prekeys (private halves).
    PreKeys,
    /// Signed EC prekeys.
    SignedPreKeys,
    /// Kyber (post-quantum) prekeys, one-time and last resort.
    KyberPreKeys,
    /// libsignal session records, per remote address.
    Sessions,
    /// Remote identity keys, per remote address.
    RemoteIdentities,
    /// Conversation records.
    Conversations,
    /// Messages, keyed by conversation hash and sequence number.
    Messages,
    /// Maps a message id to its conversation and sequence number.
    MessageIndex,
    /// Envelope ids already processed, for duplicate suppression.
    SeenEnvelopes,
    /// Messages waiting to be sent; survives restarts.
    Outbox,
    /// What the user decided about each person: verified, blocked, key change held, first contact confirmed.
    Contacts,
    /// The append-only record of every consent decision.
    ConsentLedger,
    /// Per attachment: its key, digest, pointer and local (encrypted) file.
    Attachments,
    /// One record per group an account is in or invited to (keyed by account and group id).
    Groups,
    /// libsignal sender keys: the account's own per group, and every member's it received.
    SenderKeys,
    /// Per message of the user's in a group: how far it got with each member.
    MemberReceipts,
    /// What the user started writing in a chat and has not sent, per conversation.
    Drafts,
    /// Search index: per indexed message (a keyed hash of its conversation and id), where it is,
    /// when it was sent and which terms it holds, so it can be unindexed.
    SearchDocs,
    /// Search index: `term ++ doc` markers, one per distinct term of a message. Keys only.
    SearchPostings,
    /// Search index: `prefix ++ term` markers, from every prefix of a known term to the term.
    /// Keys only.
    SearchPrefixes,
    /// Search index: `conversation ++ seq` markers of messages stored or changed and not yet
    /// (re)indexed. Keys only.
    SearchPending,
    /// Accounts on networks the engine reaches through a linked client (Matrix): who, where, the
    /// client's session and whether the user turned the network on. Keyed by a name hash.
    LinkedAccounts,
    /// A linked network's event ids and the messages they are: `e ++ hash(event)` names the
    /// message, `m ++ conversation ++ message` (and `r ++ … ++ emoji` for the user's own
    /// reactions) names the event. Sealed values; the keys are keyed hashes.
    LinkedEvents,
}

impl Tree {
    pub const ALL: [Tree; 26] = [
        Tree::Meta,
        Tree::Accounts,
        Tree::LocalIdentity,
        Tree::PreKeys,
        Tree::SignedPreKeys,
        Tree::KyberPreKeys,
        Tree::Sessions,
        Tree::RemoteIdentities,
        Tree::Conversations,
        Tree::Messages,
        Tree::MessageIndex,
        Tree::SeenEnvelopes,
        Tree::Outbox,
        Tree::Contacts,
        Tree::ConsentLedger,
        Tree::Attachments,
        Tree::Groups,
        Tree::SenderKeys,
        Tree::MemberReceipts,
        Tree::Drafts,
        Tree::SearchDocs,
        Tree::SearchPostings,
        Tree::SearchPrefixes,
        Tree::SearchPending,
        Tree::LinkedAccounts,
        Tree::LinkedEvents,
    ];

    /// The on-disk name. Short and meaningless on purpose: it says nothing about the user.
    pub fn name(self) -> &'static str {
        match self {
            Tree::Meta => "meta",
            Tree::Accounts => "accounts",
            Tree::LocalIdentity => "local_identity",
            Tree::PreKeys => "prekeys",
            Tree::SignedPreKeys => "signed_prekeys",
            Tree::KyberPreKeys => "kyber_prekeys",
            Tree::Sessions => "sessions",
            Tree::RemoteIdentities => "remote_identities",
            Tree::Conversations => "conversations",
            Tree::Messages => "messages",
            Tree::MessageIndex => "message_index",
            Tree::SeenEnvelopes => "seen_envelopes",
            Tree::Outbox => "outbox",
            Tree::Contacts => "contacts",
            Tree::ConsentLedger => "consent_ledger",
            Tree::Attachments => "attachments",
            Tree::Groups => "groups",
            Tree::SenderKeys => "sender_keys",
            Tree::MemberReceipts => "member_receipts",
            Tree::Drafts => "drafts",
            Tree::SearchDocs => "search_docs",
            Tree::SearchPostings => "search_postings",
            Tree::SearchPrefixes => "search_prefixes",
            Tree::SearchPending => "search_pending",
            Tree::LinkedAccounts => "linked_accounts",
            Tree::LinkedEvents => "linked_events",
        }
    }
}
