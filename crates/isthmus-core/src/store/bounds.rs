//! Key ranges for prefix scans and paged scans, shared by every engine so they agree exactly.

use std::ops::Bound;

/// A half-open key range: `start` is inclusive or exclusive, `end` is exclusive or unbounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyRange {
    pub start: Bound<Vec<u8>>,
    pub end: Bound<Vec<u8>>,
}

impl KeyRange {
    /// Every key that starts with `prefix`.
    pub fn prefix(prefix: &[u8]) -> KeyRange {
        KeyRange {
            start: Bound::Included(prefix.to_vec()),
            end: prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded),
        }
    }

    /// Keys with `prefix` strictly after `after` (forwards) or strictly before it (`reverse`).
    /// Returns `None` when no key can match, so callers never build an inverted range (which
    /// `BTreeMap::range` would panic on).
    pub fn page(prefix: &[u8], after: Option<&[u8]>, reverse: bool) -> Option<KeyRange> {
        let mut range = KeyRange::prefix(prefix);
        if let Some(cursor) = after {
            if reverse {
                let cursor_is_lower = match &range.end {
                    Bound::Excluded(end) => cursor < end.as_slice(),
                    _ => true,
                };
                if cursor_is_lower {
                    range.end = Bound::Excluded(cursor.to_vec());
                }
            } else if cursor >= prefix {
                range.start = Bound::Excluded(cursor.to_vec());
            }
        }
        (!range.is_empty()).then_some(range)
    }

    fn is_empty(&self) -> bool {
        let start = match &self.start {
            Bound::Included(start) | Bound::Excluded(start) => start,
            Bound::Unbounded => return false,
        };
        match &self.end {
            // A start equal to an exclusive end leaves nothing, whatever the start's kind.
            Bound::Excluded(end) => end <= start,
            Bound::Included(end) => end < start,
            Bound::Unbounded => false,
        }
    }

    pub fn as_bounds(&self) -> (Bound<&[u8]>, Bound<&[u8]>) {
        (as_ref(&self.start), as_ref(&self.end))
    }
}

fn as_ref(bound: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(key) => Bound::Included(key.as_slice()),
        Bound::Excluded(key) => Bound::Excluded(key.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// The smallest key greater than every key starting with `prefix`, or `None` when there is none
/// (the prefix is empty or all 0xFF).
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_skips_trailing_ff() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()), "the last byte is incremented");
        assert_eq!(
            prefix_end(&[1, 0xFF]),
            Some(vec![2]),
            "a trailing 0xFF cannot be incremented, so the byte before it is"
        );
        assert_eq!(prefix_end(&[0xFF, 0xFF]), None, "no key bounds an all-0xFF prefix from above");
        assert_eq!(prefix_end(b""), None, "the empty prefix covers every key");
    }

    #[test]
    fn page_outside_the_prefix_is_empty() {
        assert!(
            KeyRange::page(b"m", Some(b"z"), false).is_none(),
            "a forward cursor past the prefix leaves nothing to return"
        );
        assert!(
            KeyRange::page(b"m", Some(b"a"), true).is_none(),
            "a reverse cursor before the prefix leaves nothing to return"
        );
        assert!(
            KeyRange::page(b"m", Some(b"m"), true).is_none(),
            "the prefix itself is the smallest key, so nothing lies before it"
        );
    }

    #[test]
    fn cursor_on_the_far_side_is_ignored() {
        assert_eq!(
            KeyRange::page(b"m", Some(b"a"), false),
            Some(KeyRange::prefix(b"m")),
            "a forward cursor before the prefix does not narrow it"
        );
        assert_eq!(
            KeyRange::page(b"m", Some(b"z"), true),
            Some(KeyRange::prefix(b"m")),
            "a reverse cursor after the prefix does not narrow it"
        );
    }
}
