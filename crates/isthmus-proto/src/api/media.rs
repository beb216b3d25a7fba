//! `/v1/media`: the shape of a medium's id, which both ends check before it goes near a path or
//! a URL.

/// A medium's id: 16 random bytes as 32 lowercase hex characters.
pub const MEDIA_ID_HEX_CHARS: usize = 32;

/// Whether `text` is exactly a medium id. Anything else (a `../`, a query string, upper case, a
/// longer or shorter string) is refused before a URL or a file name is built from it, since a
/// sender writes the id into the attachment pointer.
pub fn is_media_id(text: &str) -> bool {
    text.len() == MEDIA_ID_HEX_CHARS && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `201` to `POST /v1/media`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MediaCreated {
    /// 32 lowercase hex characters, random: holding it is what lets someone fetch the medium.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{32}$"))]
    pub id: String,
    pub size: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_shape_is_an_id() {
        assert!(is_media_id(&"0a".repeat(16)));
        for bad in [
            "",
            "../../v1/account/blocks",
            &"0A".repeat(16),
            &"0".repeat(31),
            &"0".repeat(33),
            "0123456789abcdef0123456789abcde?",
        ] {
            assert!(!is_media_id(bad), "{bad:?}");
        }
    }
}
