//! Text that came from another person, made safe for the place it is shown: a terminal, a
//! notification server that reads markup, a file name. The raw text stays as it was in the store
//! and on the page (React escapes it); these are for the places that interpret what they print.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};

/// Whether `c` is invisible and changes how the text around it shows: controls (C0, DEL, C1) and
/// format characters (bidi embeddings, overrides and isolates, zero-width joiners...). An
/// `invoice\u{2067}fdp.exe\u{2069}` shows as "invoiceexe.pdf" in a right-to-left isolate.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || c.general_category() == GeneralCategory::Format
}

/// For a terminal: every hidden character as a visible escape (`\u{1b}` for ESC), and a line
/// break as `\n` too when `one_line` (a message body that fakes a second line of output). What
/// the terminal gets can neither move its cursor, change its title nor reorder the text.
pub fn for_terminal(text: &str, one_line: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if !one_line => out.push('\n'),
            '\t' if !one_line => out.push('\t'),
            '\\' => out.push_str("\\\\"),
            c if is_hidden(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Someone's text on one line of our own output: line breaks as visible symbols (␤), so a
/// message body cannot fake a line that looks like the tool's. Combine with [`for_terminal`].
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", "\u{2424}").replace(['\n', '\r'], "\u{2424}")
}

/// JSON text (`serde_json` output) with every hidden character that JSON allows raw (DEL, C1
/// controls, bidi and other format characters) written as a `\uXXXX` escape: the same JSON
/// value, and nothing a terminal or a log viewer would act on.
pub fn json_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Without its hidden characters: for a notification's title, which servers show as plain text.
pub fn without_hidden(text: &str) -> String {
    text.chars().filter(|&c| !is_hidden(c)).collect()
}

/// For a desktop notification's body: notification servers may read a subset of HTML (the freedesktop
/// `body-markup` capability), so `&`, `<`, `>` and quotes are entities; hidden characters go.
pub fn for_notification(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push('\n'),
            c if is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_sees_escapes_not_control_sequences() {
        let hostile = "hi\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m";
        let shown = for_terminal(hostile, true);
        assert!(!shown.chars().any(|c| c.is_control()), "nothing a terminal interprets: {shown:?}");
        assert!(shown.contains("\\u{1b}"), "ESC is shown as a visible escape: {shown:?}");
        assert_eq!(for_terminal("two\nlines", true), "two\\u{a}lines", "a body cannot fake a line of output");
        assert_eq!(for_terminal("two\nlines", false), "two\nlines", "our own layout keeps its lines");
        assert_eq!(for_terminal("a\\u{1b}", true), "a\\\\u{1b}", "a typed backslash cannot pose as an escape");
        assert_eq!(for_terminal("Grüße, 你好 👋", true), "Grüße, 你好 👋", "ordinary text of any script is kept");
    }

    #[test]
    fn json_output_keeps_its_value_and_loses_its_raw_controls() {
        let value = serde_json::json!({ "body": "a\u{9b}31m\u{202e}b\u{7f}\u{e0001}\n" });
        let json = json_for_terminal(&serde_json::to_string(&value).expect("serializes"));
        assert!(!json.chars().any(is_hidden), "{json}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&json).expect("still JSON"), value, "the same value");
    }

    #[test]
    fn bidi_and_format_characters_are_hidden_ones() {
        for c in
            ['\u{202e}', '\u{202d}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200e}', '\u{200b}', '\u{feff}']
        {
            assert!(is_hidden(c), "{:?} reorders or hides text", c);
        }
        assert!(!is_hidden('a') && !is_hidden('é') && !is_hidden('\u{05d0}'), "letters of any script are not");
    }

    #[test]
    fn a_notification_body_cannot_carry_markup() {
        let shown = for_notification("<a href=\"https://evil.example\">win</a> & <b>more</b>\u{202e}");
        assert_eq!(shown, "&lt;a href=&quot;https://evil.example&quot;&gt;win&lt;/a&gt; &amp; &lt;b&gt;more&lt;/b&gt;");
    }
}
