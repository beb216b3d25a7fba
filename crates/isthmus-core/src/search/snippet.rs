//! The line of a message a search result shows: the words that matched, marked, with a little
//! of what surrounds the first of them.

use serde::Serialize;

use super::terms::{fold, matches, words};

/// Characters of context shown before the first match.
const BEFORE: usize = 32;
/// Characters a snippet holds at most (ellipses aside).
const LENGTH: usize = 160;

/// A run of a snippet's text; `hit` marks a word that starts with a query word.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// The snippet of `text` for the folded `query` words, or `None` if some query word starts no
/// word of the text (the index matched a cut term, or the message changed since).
pub fn snippet(text: &str, query: &[String]) -> Option<Vec<SnippetPart>> {
    let mut matched = vec![false; query.len()];
    let mut hits = Vec::new();
    for (start, word) in words(text) {
        let folded = fold(word);
        let mut hit = false;
        for (index, q) in query.iter().enumerate() {
            if matches(&folded, q) {
                matched[index] = true;
                hit = true;
            }
        }
        if hit {
            hits.push(start..start + word.len());
        }
    }
    if !matched.iter().all(|m| *m) {
        return None;
    }
    let first = hits.first()?.start;
    let from = char_start_before(text, first, BEFORE);
    let to = char_end_after(text, from, LENGTH);
    let mut parts = Vec::new();
    let mut at = from;
    if from > 0 {
        push(&mut parts, "…", false);
    }
    for hit in hits.iter().filter(|hit| hit.start >= from && hit.start < to) {
        push(&mut parts, &text[at..hit.start], false);
        let end = hit.end.min(to);
        push(&mut parts, &text[hit.start..end], true);
        at = end;
    }
    push(&mut parts, &text[at..to], false);
    if to < text.len() {
        push(&mut parts, "…", false);
    }
    Some(parts)
}

/// Adds `text` (line breaks as spaces: a snippet is one line), joining runs of the same kind.
fn push(parts: &mut Vec<SnippetPart>, text: &str, hit: bool) {
    if text.is_empty() {
        return;
    }
    let text = text.replace(['\n', '\r'], " ");
    match parts.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(&text),
        _ => parts.push(SnippetPart { text, hit }),
    }
}

/// The byte offset `chars` characters before `at`, moved forward to the start of a word so the
/// snippet does not open in the middle of one.
fn char_start_before(text: &str, at: usize, chars: usize) -> usize {
    let start = text[..at].char_indices().rev().nth(chars.saturating_sub(1)).map_or(0, |(i, _)| i);
    if start == 0 {
        return 0;
    }
    words(&text[start..at]).nth(1).map_or(at, |(offset, _)| start + offset)
}

/// The byte offset `chars` characters after `from` (or the end).
fn char_end_after(text: &str, from: usize, chars: usize) -> usize {
    text[from..].char_indices().nth(chars).map_or(text.len(), |(i, _)| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::terms::query_words;

    fn render(parts: &[SnippetPart]) -> String {
        parts.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect()
    }

    #[test]
    fn matching_words_are_marked_as_written() {
        let parts = snippet("Meet me at the Crème café", &query_words("creme CAF")).expect("matches");
        assert_eq!(render(&parts), "Meet me at the [Crème] [café]");
    }

    #[test]
    fn every_query_word_must_start_a_word() {
        assert!(snippet("harbor lights", &query_words("arbor")).is_none(), "inside a word is not a prefix");
        assert!(snippet("harbor lights", &query_words("harbor boats")).is_none());
    }

    #[test]
    fn a_long_message_is_cut_around_the_first_match() {
        let text = format!("{} needle {}", "hay ".repeat(100), "straw ".repeat(100));
        let rendered = render(&snippet(&text, &query_words("needle")).expect("matches"));
        assert!(rendered.starts_with('…') && rendered.ends_with('…'), "{rendered}");
        assert!(rendered.contains("[needle]"));
        assert!(rendered.chars().count() <= LENGTH + 4, "two ellipses and the brackets of one hit");
        assert!(rendered.starts_with("…hay "), "starts at a word: {rendered}");
    }

    #[test]
    fn line_breaks_become_spaces() {
        let parts = snippet("first line\nsecond line", &query_words("second")).expect("matches");
        assert_eq!(render(&parts), "first line [second] line");
    }
}
