//! Group steps as a scenario file says them. A group is named by a label the file chooses
//! (`group = "weekend"`); `create_group` binds the label to the id the engine returns, and every
//! later step that names the label means that group, for every person.

use serde::Deserialize;

/// One group `do = "..."` entry. `person` and `from` (of `send_group`) are people of the file;
/// `members`, `member`, `by` and `from` (of expectations) are people or `name@network` addresses.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum GroupAction {
    SetGroupAdds {
        person: String,
        /// `networks`, `contacts` or `nobody`.
        who_can_add: isthmus_proto::api::GroupAdds,
        expect: Option<String>,
    },
    CreateGroup {
        person: String,
        group: String,
        name: String,
        members: Vec<String>,
        expect: Option<String>,
    },
    AddToGroup {
        person: String,
        group: String,
        members: Vec<String>,
        expect: Option<String>,
    },
    RemoveFromGroup {
        person: String,
        group: String,
        member: String,
        expect: Option<String>,
    },
    LeaveGroup {
        person: String,
        group: String,
        expect: Option<String>,
    },
    RenameGroup {
        person: String,
        group: String,
        name: String,
        expect: Option<String>,
    },
    MakeGroupAdmin {
        person: String,
        group: String,
        member: String,
        expect: Option<String>,
    },
    AcceptInvitation {
        person: String,
        group: String,
        expect: Option<String>,
    },
    DeclineInvitation {
        person: String,
        group: String,
        expect: Option<String>,
    },
    SendGroup {
        from: String,
        group: String,
        text: String,
        expect: Option<String>,
    },
    ExpectGroupMember {
        person: String,
        group: String,
        admin: Option<bool>,
    },
    ExpectGroupInvitation {
        person: String,
        group: String,
        by: Option<String>,
    },
    ExpectNotAdded {
        person: String,
        group: String,
        by: Option<String>,
    },
    ExpectNoGroup {
        person: String,
        group: String,
    },
    ExpectRemoved {
        person: String,
        group: String,
    },
    ExpectLeft {
        person: String,
        group: String,
    },
    ExpectGroupMembers {
        person: String,
        group: String,
        members: Vec<String>,
    },
    ExpectGroupMessage {
        person: String,
        group: String,
        from: String,
        text: String,
    },
    ExpectNoGroupMessage {
        person: String,
        group: String,
        from: String,
        text: String,
    },
    ExpectGroupNotice {
        person: String,
        group: String,
        /// `created`, `added_you`, `invited_you`, `added`, `removed`, `left`, `renamed` or `made_admin`.
        kind: isthmus_core::GroupChangeKind,
        by: Option<String>,
        about: Option<String>,
    },
}

/// Every group step's `do` name, as written in files.
pub const GROUP_STEPS: [&str; 20] = [
    "set_group_adds",
    "create_group",
    "add_to_group",
    "remove_from_group",
    "leave_group",
    "rename_group",
    "make_group_admin",
    "accept_invitation",
    "decline_invitation",
    "send_group",
    "expect_group_member",
    "expect_group_invitation",
    "expect_not_added",
    "expect_no_group",
    "expect_removed",
    "expect_left",
    "expect_group_members",
    "expect_group_message",
    "expect_no_group_message",
    "expect_group_notice",
];

impl GroupAction {
    /// The `do` name, as written in files (one of `GROUP_STEPS`).
    pub fn name(&self) -> &'static str {
        match self {
            GroupAction::SetGroupAdds { .. } => "set_group_adds",
            GroupAction::CreateGroup { .. } => "create_group",
            GroupAction::AddToGroup { .. } => "add_to_group",
            GroupAction::RemoveFromGroup { .. } => "remove_from_group",
            GroupAction::LeaveGroup { .. } => "leave_group",
            GroupAction::RenameGroup { .. } => "rename_group",
            GroupAction::MakeGroupAdmin { .. } => "make_group_admin",
            GroupAction::AcceptInvitation { .. } => "accept_invitation",
            GroupAction::DeclineInvitation { .. } => "decline_invitation",
            GroupAction::SendGroup { .. } => "send_group",
            GroupAction::ExpectGroupMember { .. } => "expect_group_member",
            GroupAction::ExpectGroupInvitation { .. } => "expect_group_invitation",
            GroupAction::ExpectNotAdded { .. } => "expect_not_added",
            GroupAction::ExpectNoGroup { .. } => "expect_no_group",
            GroupAction::ExpectRemoved { .. } => "expect_removed",
            GroupAction::ExpectLeft { .. } => "expect_left",
            GroupAction::ExpectGroupMembers { .. } => "expect_group_members",
            GroupAction::ExpectGroupMessage { .. } => "expect_group_message",
            GroupAction::ExpectNoGroupMessage { .. } => "expect_no_group_message",
            GroupAction::ExpectGroupNotice { .. } => "expect_group_notice",
        }
    }

    /// Whether the step is an expectation (it looks) rather than an action (it changes something).
    pub fn is_expectation(&self) -> bool {
        self.name().starts_with("expect_")
    }

    /// Who acts (a person of the file), and whom it is about (people or addresses).
    pub fn participants(&self) -> (&str, Vec<&str>) {
        match self {
            GroupAction::SetGroupAdds { person, .. }
            | GroupAction::LeaveGroup { person, .. }
            | GroupAction::RenameGroup { person, .. }
            | GroupAction::AcceptInvitation { person, .. }
            | GroupAction::DeclineInvitation { person, .. }
            | GroupAction::ExpectGroupMember { person, .. }
            | GroupAction::ExpectNoGroup { person, .. }
            | GroupAction::ExpectRemoved { person, .. }
            | GroupAction::ExpectLeft { person, .. } => (person, Vec::new()),
            GroupAction::CreateGroup { person, members, .. }
            | GroupAction::AddToGroup { person, members, .. }
            | GroupAction::ExpectGroupMembers { person, members, .. } => {
                (person, members.iter().map(String::as_str).collect())
            }
            GroupAction::RemoveFromGroup { person, member, .. }
            | GroupAction::MakeGroupAdmin { person, member, .. } => (person, vec![member]),
            GroupAction::ExpectGroupInvitation { person, by, .. } | GroupAction::ExpectNotAdded { person, by, .. } => {
                (person, by.iter().map(String::as_str).collect())
            }
            GroupAction::SendGroup { from, .. } => (from, Vec::new()),
            GroupAction::ExpectGroupMessage { person, from, .. }
            | GroupAction::ExpectNoGroupMessage { person, from, .. } => (person, vec![from]),
            GroupAction::ExpectGroupNotice { person, by, about, .. } => {
                (person, by.iter().chain(about).map(String::as_str).collect())
            }
        }
    }

    /// The group label the step names (`None` for `set_group_adds`).
    pub fn label(&self) -> Option<&str> {
        match self {
            GroupAction::SetGroupAdds { .. } => None,
            GroupAction::CreateGroup { group, .. }
            | GroupAction::AddToGroup { group, .. }
            | GroupAction::RemoveFromGroup { group, .. }
            | GroupAction::LeaveGroup { group, .. }
            | GroupAction::RenameGroup { group, .. }
            | GroupAction::MakeGroupAdmin { group, .. }
            | GroupAction::AcceptInvitation { group, .. }
            | GroupAction::DeclineInvitation { group, .. }
            | GroupAction::SendGroup { group, .. }
            | GroupAction::ExpectGroupMember { group, .. }
            | GroupAction::ExpectGroupInvitation { group, .. }
            | GroupAction::ExpectNotAdded { group, .. }
            | GroupAction::ExpectNoGroup { group, .. }
            | GroupAction::ExpectRemoved { group, .. }
            | GroupAction::ExpectLeft { group, .. }
            | GroupAction::ExpectGroupMembers { group, .. }
            | GroupAction::ExpectGroupMessage { group, .. }
            | GroupAction::ExpectNoGroupMessage { group, .. }
            | GroupAction::ExpectGroupNotice { group, .. } => Some(group),
        }
    }

    /// The `expect` of an action other than `send_group` (which has outcomes of its own).
    pub fn action_expect(&self) -> Option<&Option<String>> {
        match self {
            GroupAction::SetGroupAdds { expect, .. }
            | GroupAction::CreateGroup { expect, .. }
            | GroupAction::AddToGroup { expect, .. }
            | GroupAction::RemoveFromGroup { expect, .. }
            | GroupAction::LeaveGroup { expect, .. }
            | GroupAction::RenameGroup { expect, .. }
            | GroupAction::MakeGroupAdmin { expect, .. }
            | GroupAction::AcceptInvitation { expect, .. }
            | GroupAction::DeclineInvitation { expect, .. } => Some(expect),
            _ => None,
        }
    }

    /// One line for the report: what the step does or expects.
    pub fn describe(&self) -> String {
        let list = |names: &[String]| names.join(", ");
        match self {
            GroupAction::SetGroupAdds { person, who_can_add, .. } => {
                format!("{person} lets {} add them to groups", adds_in_words(*who_can_add))
            }
            GroupAction::CreateGroup { person, group, name, members, .. } => {
                format!("{person} creates {group} ({name:?}) with {}", list(members))
            }
            GroupAction::AddToGroup { person, group, members, .. } => {
                format!("{person} adds {} to {group}", list(members))
            }
            GroupAction::RemoveFromGroup { person, group, member, .. } => {
                format!("{person} removes {member} from {group}")
            }
            GroupAction::LeaveGroup { person, group, .. } => format!("{person} leaves {group}"),
            GroupAction::RenameGroup { person, group, name, .. } => format!("{person} renames {group} to {name:?}"),
            GroupAction::MakeGroupAdmin { person, group, member, .. } => {
                format!("{person} makes {member} an admin of {group}")
            }
            GroupAction::AcceptInvitation { person, group, .. } => {
                format!("{person} accepts the invitation to {group}")
            }
            GroupAction::DeclineInvitation { person, group, .. } => {
                format!("{person} declines the invitation to {group}")
            }
            GroupAction::SendGroup { from, group, text, expect } => {
                format!("{from} sends {text:?} to {group}, expecting {}", expect.as_deref().unwrap_or("sent"))
            }
            GroupAction::ExpectGroupMember { person, group, admin } => {
                let role = match admin {
                    Some(true) => " and an admin",
                    Some(false) => " and not an admin",
                    None => "",
                };
                format!("{person} is a member of {group}{role}")
            }
            GroupAction::ExpectGroupInvitation { person, group, by } => {
                let by = by.as_ref().map(|by| format!(" by {by}")).unwrap_or_default();
                format!("{person} is invited to {group}{by}, not added")
            }
            GroupAction::ExpectNotAdded { person, group, by } => {
                let by = by.as_ref().map(|by| format!(" from {by}")).unwrap_or_default();
                format!("{person} is neither in {group} nor invited, after a sync point{by}")
            }
            GroupAction::ExpectNoGroup { person, group } => format!("{person} has no {group}"),
            GroupAction::ExpectRemoved { person, group } => format!("{person} is removed from {group}, read-only"),
            GroupAction::ExpectLeft { person, group } => format!("{person} has left {group}, read-only"),
            GroupAction::ExpectGroupMembers { person, group, members } => {
                format!("{person}'s {group} has members [{}]", list(members))
            }
            GroupAction::ExpectGroupMessage { person, group, from, text } => {
                format!("{person} has {text:?} from {from} in {group}")
            }
            GroupAction::ExpectNoGroupMessage { person, group, from, text } => {
                format!("{person} does not have {text:?} from {from} in {group}")
            }
            GroupAction::ExpectGroupNotice { person, group, kind, by, about } => {
                let kind = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned));
                let by = by.as_ref().map(|by| format!(" by {by}")).unwrap_or_default();
                let about = about.as_ref().map(|about| format!(" about {about}")).unwrap_or_default();
                format!("{person}'s {group} shows a notice of kind {}{by}{about}", kind.unwrap_or_default())
            }
        }
    }
}

fn adds_in_words(adds: isthmus_proto::api::GroupAdds) -> &'static str {
    use isthmus_proto::api::GroupAdds;
    match adds {
        GroupAdds::Networks => "people on networks they allow",
        GroupAdds::Contacts => "only contacts",
        GroupAdds::Nobody => "nobody",
    }
}
