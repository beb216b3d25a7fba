//! Words, as search sees them: split by Unicode's word boundaries (UAX #29), folded so that case
//! and accents do not matter ("Crème" is found by "creme"), and cut to a bounded length.
//!
//! One set of rules serves the index, the query and the snippet, so a word that is found is
//! always the word that is highlighted.

use std::collections::BTreeSet;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Terms are indexed up to this many characters. A longer word (a link, a pasted key) is
/// indexed by its start; a query word that is longer is checked against the message itself.
pub const MAX_TERM_CHARS: usize = 32;

/// At most this many distinct terms of one message are indexed: a pasted book is found by its
/// first few thousand words, and cannot make one message cost the index without bound.
pub const MAX_TERMS_PER_MESSAGE: usize = 4096;

/// `word` without case or accents: NFKD, combining marks dropped, lower case, and "ß" as "ss"
/// (German writes both).
pub fn fold(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    for c in word.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        match c {
            'ß' => folded.push_str("ss"),
            c => folded.push(c),
        }
    }
    folded
}

/// The words of `text` with their byte offsets, as written.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.unicode_word_indices()
}

/// A folded word cut to [`MAX_TERM_CHARS`] characters.
pub fn truncate(folded: &str) -> &str {
    match folded.char_indices().nth(MAX_TERM_CHARS) {
        Some((end, _)) => &folded[..end],
        None => folded,
    }
}

/// The distinct terms of `text`, folded and cut, at most [`MAX_TERMS_PER_MESSAGE`].
pub fn terms(text: &str) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for (_, word) in words(text) {
        if terms.len() == MAX_TERMS_PER_MESSAGE {
            break;
        }
        let folded = fold(word);
        terms.insert(truncate(&folded).to_owned());
    }
    terms
}

/// A query word shorter than this matches whole words only; from this length on it matches
/// the start of words. A prefix of one or two letters names a large part of any history ("th"
/// starts most English messages' words), and ordering that many results costs seconds
/// (docs/benchmarks.md, "Search"); CJK text is one word per ideograph, so it is searched by
/// whole words anyway.
pub const MIN_PREFIX_CHARS: usize = 3;

/// The prefixes under which `term` is found: every start of [`MIN_PREFIX_CHARS`] characters
/// or more, and the term itself.
pub fn prefixes(term: &str) -> Vec<&str> {
    let ends = term.char_indices().map(|(i, _)| i).skip(MIN_PREFIX_CHARS).chain([term.len()]);
    let mut prefixes: Vec<&str> = ends.map(|end| &term[..end]).collect();
    prefixes.dedup();
    prefixes
}

/// Whether a folded word of a message matches a folded query word: starts with it, or, for a
/// query word shorter than [`MIN_PREFIX_CHARS`], is it.
pub fn matches(word: &str, query: &str) -> bool {
    if query.chars().count() < MIN_PREFIX_CHARS {
        word == query
    } else {
        word.starts_with(query)
    }
}

/// The words of a query, folded, in order, without repeats. Every one must start a word of a
/// message for the message to match.
pub fn query_words(query: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    words(query).map(|(_, word)| fold(word)).filter(|word| seen.insert(word.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Crème"), "creme");
        assert_eq!(fold("ÅNGSTRÖM"), "angstrom");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ﬁsh"), "fish", "compatibility forms fold too");
        assert_eq!(fold("Ζεύς"), "ζευς");
    }

    #[test]
    fn terms_are_distinct_folded_words() {
        let terms = terms("Café, café and CAFE! Meet at 3.14 near the café-bar.");
        assert!(terms.contains("cafe"));
        assert!(terms.contains("meet"));
        assert!(terms.contains("3.14"), "a number with a decimal point stays one word: {terms:?}");
        assert!(!terms.iter().any(|t| t.contains(',') || t.contains('!')));
        assert_eq!(terms.iter().filter(|t| *t == "cafe").count(), 1);
    }

    #[test]
    fn long_words_are_cut() {
        let long = "a".repeat(100);
        let terms = terms(&long);
        assert_eq!(terms.iter().next().map(|t| t.chars().count()), Some(MAX_TERM_CHARS));
    }

    #[test]
    fn a_message_indexes_a_bounded_number_of_terms() {
        let text: String = (0..10_000).map(|n| format!("w{n} ")).collect();
        assert_eq!(terms(&text).len(), MAX_TERMS_PER_MESSAGE);
    }

    #[test]
    fn prefixes_start_at_three_letters_and_short_words_are_their_own() {
        assert_eq!(prefixes("harbor"), vec!["har", "harb", "harbo", "harbor"]);
        assert_eq!(prefixes("har"), vec!["har"]);
        assert_eq!(prefixes("a"), vec!["a"]);
        assert_eq!(prefixes("日"), vec!["日"]);
        assert_eq!(prefixes("ün"), vec!["ün"]);
        assert_eq!(prefixes("über"), vec!["übe", "über"], "counted in characters, not bytes");
    }

    #[test]
    fn short_query_words_match_whole_words() {
        assert!(matches("to", "to") && !matches("tomorrow", "to"));
        assert!(matches("tomorrow", "tom") && !matches("atom", "tom"));
    }

    #[test]
    fn query_words_are_folded_and_distinct() {
        assert_eq!(query_words("  Crème  brûlée crème "), vec!["creme", "brulee"]);
        assert!(query_words(" ,.! ").is_empty());
    }

    #[test]
    fn ideographs_are_words_of_their_own() {
        assert_eq!(query_words("東京"), vec!["東", "京"]);
    }
}
