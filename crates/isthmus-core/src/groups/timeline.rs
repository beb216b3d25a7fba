//! Membership and name changes as lines of the group's timeline.

use crate::conversations;
use crate::events::Event;
use crate::model::{GroupChangeKind, GroupNotice, Message};
use crate::time::now_ms;
use crate::tx::Tx;
use crate::Result;

use super::records::{self, Group};

/// The notice in plain English, for front ends that show text only (the CLI, previews).
pub fn describe(notice: &GroupNotice, me: &str) -> String {
    let who = |address: &str| if address == me { "you".to_owned() } else { address.to_owned() };
    let by = if notice.by == me { "You".to_owned() } else { notice.by.clone() };
    let targets = notice.targets.iter().map(|t| who(t)).collect::<Vec<_>>().join(", ");
    match notice.kind {
        GroupChangeKind::Created => format!("{by} created the group \u{201c}{}\u{201d}", notice.name),
        GroupChangeKind::AddedYou => format!("{by} added you to \u{201c}{}\u{201d}", notice.name),
        GroupChangeKind::InvitedYou => format!("{by} invited you to \u{201c}{}\u{201d}", notice.name),
        GroupChangeKind::Added => format!("{by} added {targets}"),
        GroupChangeKind::Removed => format!("{by} removed {targets}"),
        GroupChangeKind::Left => format!("{by} left"),
        GroupChangeKind::Renamed => format!("{by} renamed the group to \u{201c}{}\u{201d}", notice.name),
        GroupChangeKind::MadeAdmin => format!("{by} made {targets} an admin"),
    }
}

/// Appends `notice` to the group's chat (creating the chat if it is new) and keeps its title.
pub fn note(tx: &mut Tx, events: &mut Vec<Event>, group: &Group, notice: GroupNotice) -> Result<()> {
    let mut conversation = records::conversation(tx, group)?;
    conversation.title = Some(group.name.clone());
    let me = group.account.account();
    if notice.by != me {
        conversation.unread += 1;
    }
    let now = now_ms();
    let body = describe(&notice, &me);
    let message = Message { notice: Some(notice.clone()), ..Message::received(notice.by.clone(), body, now) };
    let message = conversations::append(tx, &mut conversation, message)?;
    events.push(Event::MessageAdded { message });
    events.push(Event::ConversationChanged { conversation });
    Ok(())
}

/// `GroupChangeKind` from the wire's kind (`None` for one this build does not know).
pub fn kind_from_wire(kind: i32) -> Option<GroupChangeKind> {
    use isthmus_proto::wire::group_change::Kind;
    Some(match Kind::try_from(kind).ok()? {
        Kind::Created => GroupChangeKind::Created,
        Kind::Added => GroupChangeKind::Added,
        Kind::Removed => GroupChangeKind::Removed,
        Kind::Left => GroupChangeKind::Left,
        Kind::Renamed => GroupChangeKind::Renamed,
        Kind::MadeAdmin => GroupChangeKind::MadeAdmin,
        Kind::Unspecified => return None,
    })
}

pub fn kind_to_wire(kind: GroupChangeKind) -> isthmus_proto::wire::group_change::Kind {
    use isthmus_proto::wire::group_change::Kind;
    match kind {
        GroupChangeKind::Created => Kind::Created,
        GroupChangeKind::Added | GroupChangeKind::AddedYou | GroupChangeKind::InvitedYou => Kind::Added,
        GroupChangeKind::Removed => Kind::Removed,
        GroupChangeKind::Left => Kind::Left,
        GroupChangeKind::Renamed => Kind::Renamed,
        GroupChangeKind::MadeAdmin => Kind::MadeAdmin,
    }
}
