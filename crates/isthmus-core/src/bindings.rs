//! TypeScript declarations for everything that crosses to the UI, generated from the Rust
//! types (feature `ts`) and committed as ui/src/bindings.ts. The test fails when the committed
//! file is stale; `UPDATE_BINDINGS=1 cargo test -p isthmus-core --features ts bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::account::AccountInfo;
use crate::consent::{Contact, Decision, Disclosure, LedgerEntry, UnopenedSender, UnsentReport};
use crate::drafts::Draft;
use crate::engine_consent::InboxLayout;
use crate::engine_media::SavedAttachment;
use crate::error::{ErrorCode, UserError};
use crate::events::{ConnectionState, Event, TransferDirection};
use crate::groups::{Group, GroupMember, MemberReceipt, Membership};
use crate::ids::{ConversationId, EnvelopeId, GroupId, MessageId};
use crate::matrix_link::MatrixAccountInfo;
use crate::model::{
    Attachment, Conversation, Direction, GroupChangeKind, GroupNotice, Message, MessageStatus, Page, Quote, Reaction,
};
use crate::safety::SafetyNumber;
use crate::search::{SearchHit, SearchResults, SnippetPart};
use crate::send::Outgoing;

/// The whole bindings file, declarations in a stable order.
pub fn typescript() -> String {
    // Timestamps and sizes are JSON numbers (ms since the epoch fit well within 2^53).
    let cfg = Config::new().with_large_int("number");
    let declarations = [
        isthmus_proto::Address::decl(&cfg),
        isthmus_proto::UserName::decl(&cfg),
        isthmus_proto::NetworkName::decl(&cfg),
        isthmus_proto::api::ReportReason::decl(&cfg),
        isthmus_proto::api::Discoverability::decl(&cfg),
        isthmus_proto::api::GroupAdds::decl(&cfg),
        MessageId::decl(&cfg),
        ConversationId::decl(&cfg),
        GroupId::decl(&cfg),
        EnvelopeId::decl(&cfg),
        Direction::decl(&cfg),
        MessageStatus::decl(&cfg),
        Quote::decl(&cfg),
        Reaction::decl(&cfg),
        Attachment::decl(&cfg),
        GroupChangeKind::decl(&cfg),
        GroupNotice::decl(&cfg),
        Message::decl(&cfg),
        Conversation::decl(&cfg),
        Page::<()>::decl(&cfg),
        ConnectionState::decl(&cfg),
        TransferDirection::decl(&cfg),
        Event::decl(&cfg),
        ErrorCode::decl(&cfg),
        UserError::decl(&cfg),
        AccountInfo::decl(&cfg),
        MatrixAccountInfo::decl(&cfg),
        crate::model::MatrixChat::decl(&cfg),
        SafetyNumber::decl(&cfg),
        Disclosure::decl(&cfg),
        Decision::decl(&cfg),
        LedgerEntry::decl(&cfg),
        Contact::decl(&cfg),
        UnopenedSender::decl(&cfg),
        UnsentReport::decl(&cfg),
        InboxLayout::decl(&cfg),
        SavedAttachment::decl(&cfg),
        Outgoing::decl(&cfg),
        GroupMember::decl(&cfg),
        Membership::decl(&cfg),
        Group::decl(&cfg),
        MemberReceipt::decl(&cfg),
        Draft::decl(&cfg),
        SnippetPart::decl(&cfg),
        SearchHit::decl(&cfg),
        SearchResults::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in isthmus-core and isthmus-proto; do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p isthmus-core --features ts bindings\n\n",
    );
    for declaration in declarations {
        out.push_str("export ");
        out.push_str(&declaration);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
        let generated = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().expect("ui/src")).expect("create ui/src");
            std::fs::write(&path, &generated).expect("write the bindings");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run UPDATE_BINDINGS=1 cargo test -p isthmus-core --features ts bindings"
        );
    }
}
