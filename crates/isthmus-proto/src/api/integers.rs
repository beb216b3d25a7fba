//! Integers in request bodies as JSON Schema counts them: `7` and `7.0` are the same integer
//! (OpenAPI's `type: integer` allows both, and some JSON encoders write every number with a
//! fraction). Anything with a fractional part, negative or out of range is refused.

use serde::de::{Deserializer, Error, Unexpected, Visitor};

/// The largest integer every JSON reader holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// The last millisecond of the year 9999: the bound of a timestamp.
pub const MAX_TIMESTAMP_MS: u64 = 253_402_300_799_999;

struct Bounded(u64);

impl Visitor<'_> for Bounded {
    type Value = u64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "an integer from 0 to {}", self.0)
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<u64, E> {
        if value > self.0 {
            return Err(E::custom(format_args!("{value} is over {}", self.0)));
        }
        Ok(value)
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value).map_err(|_| E::custom("a negative number")).and_then(|value| self.visit_u64(value))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<u64, E> {
        if value.fract() != 0.0 || !(0.0..=MAX_SAFE_INTEGER as f64).contains(&value) {
            return Err(E::invalid_value(Unexpected::Float(value), &self));
        }
        // Integral and within 2^53: the conversion is exact.
        self.visit_u64(value as u64)
    }
}

/// A `u32` (key ids, registration ids).
pub fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let value = d.deserialize_any(Bounded(u64::from(u32::MAX)))?;
    Ok(u32::try_from(value).unwrap_or(u32::MAX))
}

/// Milliseconds since the epoch, at most [`MAX_TIMESTAMP_MS`].
pub fn timestamp_ms<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(Bounded(MAX_TIMESTAMP_MS))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Id {
        #[serde(deserialize_with = "super::u32")]
        id: u32,
    }

    fn id(json: &str) -> Result<u32, String> {
        serde_json::from_str::<Id>(json).map(|parsed| parsed.id).map_err(|error| error.to_string())
    }

    #[test]
    fn integral_numbers_are_integers_and_nothing_else_is() {
        assert_eq!(id(r#"{"id": 7}"#), Ok(7));
        assert_eq!(id(r#"{"id": 7.0}"#), Ok(7));
        assert_eq!(id(r#"{"id": 4294967295}"#), Ok(u32::MAX));
        for bad in [r#"{"id": 7.5}"#, r#"{"id": -1}"#, r#"{"id": 4294967296}"#, r#"{"id": 1e300}"#, r#"{"id": "7"}"#] {
            assert!(id(bad).is_err(), "{bad}");
        }
    }
}
