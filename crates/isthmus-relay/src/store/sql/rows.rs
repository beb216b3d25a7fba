//! Between Rust's integers and SQL's: both engines store signed 64-bit integers.

use super::{Result, StoreError};

/// A u64 as stored: values past `i64::MAX` (a nonce "kept forever") are kept as `i64::MAX`,
/// which keeps every comparison with a real time the same.
pub(super) fn stored_u64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A count or limit as stored; `usize::MAX` ("no limit") becomes `i64::MAX`.
pub(super) fn stored_usize(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn read_u64(value: i64, what: &'static str) -> Result<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt { what })
}

pub(super) fn read_u32(value: i64, what: &'static str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt { what })
}

pub(super) fn read_usize(value: i64, what: &'static str) -> Result<usize> {
    usize::try_from(value).map_err(|_| StoreError::Corrupt { what })
}

/// Builds `prefix VALUES ($1, $2, ...), (...), ... suffix` for `rows` rows of `columns` values:
/// several rows in one statement, with the `$n` placeholders both engines read.
pub(super) fn multi_row_insert(prefix: &str, columns: usize, rows: usize, suffix: &str) -> String {
    let mut sql = String::with_capacity(prefix.len() + suffix.len() + rows * columns * 6);
    sql.push_str(prefix);
    sql.push_str(" VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
        }
        sql.push(')');
    }
    sql.push(' ');
    sql.push_str(suffix);
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_inserts_number_their_placeholders_across_rows() {
        assert_eq!(
            multi_row_insert("INSERT INTO t (a, b)", 2, 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }

    #[test]
    fn values_past_i64_are_kept_at_its_maximum() {
        assert_eq!(stored_u64(u64::MAX), i64::MAX, "a nonce kept forever stays after every prune");
        assert_eq!(stored_usize(usize::MAX), i64::MAX);
        assert!(read_u32(-1, "test").is_err(), "a negative id is corruption, not a wrapped number");
    }
}
