//! The index against the timelines it follows: written through `conversations` as the engine
//! writes, on an in-memory profile.

use std::collections::HashSet;

use isthmus_proto::Address;

use super::*;
use crate::conversations;
use crate::ids::ConversationId;
use crate::model::{Message, MessageStatus};
use crate::store::Profile;
use crate::tx::Tx;

struct Fixture {
    store: std::sync::Arc<SealedStore>,
    _profile: Profile,
}

impl Fixture {
    fn new() -> Self {
        let profile = Profile::in_memory();
        Fixture { store: profile.store(), _profile: profile }
    }

    fn chat(&self, account: &str, peer: &str) -> ConversationId {
        let (account, peer) = (address(account), address(peer));
        let mut tx = Tx::new(self.store.clone());
        let conversation = conversations::load_or_create(&tx, &account, &peer).expect("load");
        conversations::save(&mut tx, &conversation).expect("save");
        tx.commit().expect("commit");
        conversation.id
    }

    fn say(&self, chat: ConversationId, body: &str, sent_at: u64) -> Message {
        let mut tx = Tx::new(self.store.clone());
        let mut conversation = conversations::load(&tx, &chat).expect("load").expect("exists");
        let message = conversations::append(&mut tx, &mut conversation, message(body, sent_at)).expect("append");
        tx.commit().expect("commit");
        message
    }

    fn update(&self, message: &Message) {
        let mut tx = Tx::new(self.store.clone());
        conversations::update(&mut tx, message).expect("update");
        tx.commit().expect("commit");
    }

    fn find(&self, text: &str) -> Vec<String> {
        self.page(text, None, None, 100).hits.into_iter().map(|hit| plain(&hit.snippet)).collect()
    }

    /// Indexes what is marked, as the engine does before every query, and searches.
    fn page(&self, text: &str, within: Option<ConversationId>, cursor: Option<&str>, limit: usize) -> SearchResults {
        self.index_marked();
        search(&self.store, &Query { text, within, cursor, limit }).expect("search")
    }

    fn index_marked(&self) {
        while pending::drain_step(&self.store).expect("drain") {}
    }

    fn keys(&self, tree: Tree) -> HashSet<Vec<u8>> {
        self.store.raw().scan_prefix(tree, &[]).expect("scan").into_iter().map(|(key, _)| key).collect()
    }
}

fn address(text: &str) -> Address {
    text.parse().expect("address")
}

fn message(body: &str, sent_at: u64) -> Message {
    Message::received("bob@harbor.test".into(), body.into(), sent_at)
}

fn plain(snippet: &[SnippetPart]) -> String {
    snippet.iter().map(|part| part.text.as_str()).collect()
}

#[test]
fn finds_word_starts_across_chats_and_accounts_ignoring_case_and_accents_newest_first() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let carol = f.chat("alice2@harbor.test", "carol@harbor.test");
    f.say(bob, "The Crème brûlée at the harbour was superb", 10);
    f.say(carol, "creme fraiche for the soup", 20);
    f.say(bob, "nothing to see here", 30);
    f.say(carol, "A ship in the HARBOR tonight", 40);

    assert_eq!(f.find("CREME"), vec!["creme fraiche for the soup", "The Crème brûlée at the harbour was superb"]);
    assert_eq!(f.find("harb"), vec!["A ship in the HARBOR tonight", "The Crème brûlée at the harbour was superb"]);
    assert_eq!(f.find("harb crème"), vec!["The Crème brûlée at the harbour was superb"], "every word must match");
    assert!(f.find("arbor").is_empty(), "the middle of a word is not a match");
    assert!(f.find("harbors").is_empty());
    assert!(f.find("  ,. ").is_empty(), "a query without words finds nothing");
    assert!(f.find("ha").is_empty(), "two letters match whole words only");
    assert_eq!(f.find("at"), vec!["The Crème brûlée at the harbour was superb"]);
    assert_eq!(f.page("harb", Some(carol), None, 10).hits.len(), 1, "within one chat");
}

#[test]
fn results_say_where_they_are() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    f.say(bob, "first", 1);
    let said = f.say(bob, "the quartz orchard", 2);
    let hit = f.page("quartz", None, None, 10).hits.remove(0);
    assert_eq!((hit.conversation, hit.message, hit.seq, hit.sent_at), (bob, said.id, 2, 2));
    assert_eq!(hit.author, "bob@harbor.test");
    assert!(hit.snippet.iter().any(|part| part.hit && part.text == "quartz"));
}

#[test]
fn pages_cover_every_match_once_in_order() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    for n in 0..57u64 {
        f.say(bob, &format!("lantern number {n}"), 1_000 + n % 7);
    }
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = f.page("lantern", None, cursor.as_deref(), 10);
        assert_eq!(page.total, 57);
        assert!(page.hits.len() <= 10);
        seen.extend(page.hits.iter().map(|hit| (hit.sent_at, hit.seq)));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 57);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 57, "no message twice");
    assert!(seen.windows(2).all(|pair| pair[0].0 >= pair[1].0), "newest first");
}

#[test]
fn a_cursor_from_elsewhere_is_a_clear_error() {
    let f = Fixture::new();
    let outcome = search(&f.store, &Query { text: "x", within: None, cursor: Some("yesterday"), limit: 10 });
    assert!(matches!(outcome, Err(crate::Error::InvalidArgument(_))), "{outcome:?}");
}

#[test]
fn edits_and_deletes_change_what_is_found() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let mut message = f.say(bob, "meet at the lighthouse", 1);
    message.body = "meet at the boathouse".into();
    message.edited = true;
    f.update(&message);
    assert!(f.find("lighthouse").is_empty(), "the old text is gone");
    assert_eq!(f.find("boat"), vec!["meet at the boathouse"]);

    message.deleted = true;
    f.update(&message);
    assert!(f.find("boat").is_empty() && f.find("meet").is_empty());
    assert!(f.keys(Tree::SearchDocs).is_empty() && f.keys(Tree::SearchPostings).is_empty(), "nothing of it is left");
}

#[test]
fn a_change_that_keeps_the_text_writes_nothing_to_the_index() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let mut message = f.say(bob, "status only", 1);
    f.index_marked();
    message.status = MessageStatus::Read;
    let mut tx = Tx::new(f.store.clone());
    index::index(&mut tx, &message).expect("index");
    assert!(tx.is_empty(), "no write for a receipt");
}

#[test]
fn file_names_are_found_and_notices_are_not() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let mut with_file = message("", 1);
    with_file.attachments.push(crate::model::Attachment {
        origin_network: "harbor.test".into(),
        size: 1,
        content_type: "application/pdf".into(),
        file_name: "Invoice-March.pdf".into(),
        width: 0,
        height: 0,
        thumbnail: None,
        downloaded: false,
        note: None,
    });
    let mut tx = Tx::new(f.store.clone());
    let mut conversation = conversations::load(&tx, &bob).expect("load").expect("exists");
    conversations::append(&mut tx, &mut conversation, with_file).expect("append");
    let mut notice = message("Bob renamed the group to Picnic", 2);
    notice.notice = Some(crate::model::GroupNotice {
        kind: crate::model::GroupChangeKind::Renamed,
        by: "bob@harbor.test".into(),
        targets: Vec::new(),
        name: "Picnic".into(),
    });
    conversations::append(&mut tx, &mut conversation, notice).expect("append");
    tx.commit().expect("commit");
    assert_eq!(f.find("invoice"), vec![" Invoice-March.pdf"]);
    assert!(f.find("picnic").is_empty(), "notices are not messages anyone wrote");
}

#[test]
fn removing_a_chat_removes_its_messages_from_the_index() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let carol = f.chat("alice@meadow.test", "carol@harbor.test");
    f.say(bob, "spam spam spam", 1);
    f.say(carol, "spam fritters", 2);
    f.index_marked();
    let mut tx = Tx::new(f.store.clone());
    conversations::remove(&mut tx, &bob).expect("remove");
    tx.commit().expect("commit");
    assert_eq!(f.find("spam"), vec!["spam fritters"]);
    assert_eq!(f.keys(Tree::SearchDocs).len(), 1);
}

#[test]
fn a_rebuild_gives_the_index_that_was_kept_current() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let mut edited = f.say(bob, "draft of the plan", 1);
    f.say(bob, "Ünïcödé everywhere", 2);
    edited.body = "final plan".into();
    f.update(&edited);
    f.index_marked();
    let (postings, prefixes) = (f.keys(Tree::SearchPostings), f.keys(Tree::SearchPrefixes));

    while index::clear_step(&f.store).expect("clear") {}
    assert!(f.keys(Tree::SearchPostings).is_empty() && f.keys(Tree::SearchDocs).is_empty());
    assert!(f.find("plan").is_empty());
    let (indexed, next) = index::reindex_page(&f.store, &bob, None, 100, &mut HashSet::new()).expect("reindex");
    assert_eq!((indexed, next), (2, None));
    assert_eq!(f.keys(Tree::SearchPostings), postings);
    assert!(f.keys(Tree::SearchPrefixes).is_subset(&prefixes), "the dropped word's prefixes are gone");
    assert!(!f
        .keys(Tree::SearchPrefixes)
        .contains(&keys::pair(&keys::prefix(&f.store, "dr"), &keys::term(&f.store, "draft"))));
    assert_eq!(f.find("unicode"), vec!["Ünïcödé everywhere"]);
}

#[test]
fn keys_name_nothing() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    f.say(bob, "zephyrquartz", 1);
    f.index_marked();
    for tree in [Tree::SearchDocs, Tree::SearchPostings, Tree::SearchPrefixes] {
        for (key, value) in f.store.raw().scan_prefix(tree, &[]).expect("scan") {
            for bytes in [&key, &value] {
                assert!(!bytes.windows(4).any(|w| w == b"zeph"), "{} holds a word", tree.name());
            }
        }
    }
}

#[test]
fn markers_a_crash_left_behind_are_never_matches() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    let mut message = f.say(bob, "meet at the lighthouse", 1);
    message.body = "meet at the boathouse".into();
    f.update(&message);
    // As if the process died between the edit's record and the removal of its old posting, and
    // while a message that never got stored was being indexed.
    let store = &f.store;
    let doc = keys::doc(store, &bob, &message.id);
    let lighthouse = keys::term(store, "lighthouse");
    let ghost = keys::term(store, "ghost");
    f.index_marked();
    let mut leftovers = crate::store::Batch::default();
    leftovers.put(Tree::SearchPostings, keys::pair(&lighthouse, &doc), Vec::new());
    leftovers.put(Tree::SearchPostings, keys::pair(&ghost, &[9; 16]), Vec::new());
    leftovers.put(Tree::SearchPrefixes, keys::pair(&keys::prefix(store, "ghost"), &ghost), Vec::new());
    store.raw().apply_per_tree(leftovers).expect("apply");

    let stale = f.page("lighthouse", None, None, 10);
    assert!(stale.hits.is_empty() && stale.total == 0, "the record no longer holds the term");
    assert_eq!(f.page("ghost", None, None, 10).total, 0, "a posting with no record");
    assert_eq!(f.find("boathouse"), vec!["meet at the boathouse"]);
}

#[test]
fn storing_a_message_only_marks_it_and_a_step_indexes_what_is_marked() {
    let f = Fixture::new();
    let bob = f.chat("alice@meadow.test", "bob@harbor.test");
    for n in 0..(pending::STEP + 3) {
        f.say(bob, &format!("kettle {n}"), n as u64);
    }
    assert!(f.keys(Tree::SearchPostings).is_empty(), "nothing is indexed on the message's path");
    assert_eq!(f.keys(Tree::SearchPending).len(), pending::STEP + 3);
    assert!(pending::drain_step(&f.store).expect("step"), "a step is bounded; more are left");
    assert_eq!(f.keys(Tree::SearchPending).len(), 3);
    assert!(!pending::drain_step(&f.store).expect("step"));
    assert!(!pending::any(&f.store).expect("any"));
    assert_eq!(
        search(&f.store, &Query { text: "kettle", limit: 10, ..Query::default() }).expect("search").total,
        pending::STEP + 3
    );

    // A mark whose message went with its chat is dropped.
    f.say(bob, "orphan", 99);
    let mut tx = Tx::new(f.store.clone());
    conversations::remove(&mut tx, &bob).expect("remove");
    tx.commit().expect("commit");
    assert!(!pending::drain_step(&f.store).expect("step"));
    assert!(f.keys(Tree::SearchPending).is_empty() && f.keys(Tree::SearchDocs).is_empty());
}
