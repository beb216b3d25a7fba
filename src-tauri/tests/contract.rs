//! The UI's `Backend` interface (ui/src/backend/backend.ts) is the contract: every method but
//! those that listen to the shell's events (`subscribe`, `listen`, `onOpenConversation`,
//! `onFileDrop`) is a command named as the method in snake_case. This keeps the two from
//! drifting apart in either direction.

use std::collections::BTreeSet;

const BACKEND_TS: &str = include_str!("../../ui/src/backend/backend.ts");
const TAURI_TS: &str = include_str!("../../ui/src/backend/tauri.ts");

/// Methods not invoked as commands: `subscribe` and `listen` listen to "isthmus://events",
/// `onOpenConversation` to "isthmus://open-conversation", `onFileDrop` to "isthmus://file-drop".
const NOT_COMMANDS: &[&str] = &["subscribe", "listen", "onOpenConversation", "onFileDrop"];

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The method names declared in `export interface Backend { ... }`: lines that start (after
/// indentation) with `name(`.
fn backend_methods(source: &str) -> BTreeSet<String> {
    let start = source.find("export interface Backend {").expect("backend.ts declares the Backend interface");
    let body = &source[start..];
    let end = body.find("\n}").expect("the Backend interface ends");
    body[..end]
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let name: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            (!name.is_empty() && line[name.len()..].starts_with('(')).then_some(name)
        })
        .filter(|name| !NOT_COMMANDS.contains(&name.as_str()))
        .map(|name| snake_case(&name))
        .collect()
}

#[test]
fn every_backend_method_is_a_registered_command_and_nothing_else_is() {
    let methods = backend_methods(BACKEND_TS);
    assert!(methods.len() > 20, "the parser found the interface's methods: {methods:?}");
    let commands: BTreeSet<String> = isthmus_desktop::commands::NAMES.iter().map(|s| (*s).to_owned()).collect();
    let missing: Vec<_> = methods.difference(&commands).collect();
    let extra: Vec<_> = commands.difference(&methods).collect();
    assert!(missing.is_empty(), "backend.ts methods with no command in src-tauri: {missing:?}");
    assert!(extra.is_empty(), "commands that backend.ts does not declare (the page cannot call them): {extra:?}");
}

#[test]
fn command_names_are_unique() {
    let names = isthmus_desktop::commands::NAMES;
    let unique: BTreeSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "a command registered twice");
}

#[test]
fn the_parser_reads_multi_line_signatures() {
    let source = "export interface Backend {\n  readonly kind: \"tauri\";\n  report(\n    a: string,\n  ): Promise<void>;\n  markRead(id: string): Promise<void>;\n}\n";
    let found: Vec<_> = backend_methods(source).into_iter().collect();
    assert_eq!(found, ["mark_read", "report"], "properties are no methods; camelCase becomes snake_case");
}

#[test]
fn the_page_uses_the_event_and_header_names_of_the_shell() {
    for (constant, name) in [
        ("EVENT_NAME", isthmus_desktop::events::EVENT_NAME),
        ("RESYNC_EVENT", isthmus_desktop::events::RESYNC_EVENT),
        ("OPEN_CONVERSATION_EVENT", isthmus_desktop::notification_click::OPEN_CONVERSATION_EVENT),
        ("FILE_DROP_EVENT", isthmus_desktop::file_drop::FILE_DROP_EVENT),
        ("FILE_NAME_HEADER", isthmus_desktop::commands::media::FILE_NAME_HEADER),
    ] {
        let declared = format!("export const {constant} = \"{name}\";");
        assert!(TAURI_TS.contains(&declared), "tauri.ts must declare `{declared}`");
    }
}
