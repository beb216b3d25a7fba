//! Per-device secrets: issued once at registration, kept by the relay only as a SHA-256 hash, and
//! presented as `Authorization: Bearer <name>/<device>/<secret>`.

use base64::Engine as _;
use isthmus_proto::UserName;
use sha2::{Digest as _, Sha256};

/// A device secret as issued to the client (base64url without padding of 32 random bytes).
pub struct IssuedSecret {
    pub text: String,
    pub hash: [u8; 32],
}

pub fn issue_secret() -> IssuedSecret {
    let bytes = rand::random::<[u8; 32]>();
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_secret(&text);
    IssuedSecret { text, hash }
}

/// The hash the relay stores, over the secret's text as the client sends it.
pub fn hash_secret(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Compares two hashes without stopping at the first difference, so timing tells nothing.
pub fn hashes_match(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a bearer token names.
#[derive(Debug, PartialEq, Eq)]
pub struct BearerToken {
    pub name: UserName,
    pub device: u32,
    pub secret: String,
}

/// Parses an `Authorization` header value; `None` for anything malformed.
pub fn parse_bearer(header: &str) -> Option<BearerToken> {
    let token = header.strip_prefix("Bearer ")?.trim();
    let mut parts = token.splitn(3, '/');
    let name = UserName::parse(parts.next()?).ok()?;
    let device = parts.next()?.parse().ok()?;
    let secret = parts.next()?;
    if secret.is_empty() || secret.len() > 128 {
        return None;
    }
    Some(BearerToken { name, device, secret: secret.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_and_secrets_verify() {
        let secret = issue_secret();
        let header = format!("Bearer alice/1/{}", secret.text);
        let token = parse_bearer(&header).expect("a well-formed token parses");
        assert_eq!(token.device, 1);
        assert!(hashes_match(&hash_secret(&token.secret), &secret.hash), "the issued secret must verify");
        assert!(!hashes_match(&hash_secret("other"), &secret.hash), "another secret must not verify");
        assert!(parse_bearer("Basic abc").is_none(), "only bearer tokens are accepted");
        assert!(parse_bearer("Bearer Alice/1/x").is_none(), "names follow the name rules");
        assert!(parse_bearer("Bearer alice/x/y").is_none(), "the device is a number");
        assert!(parse_bearer("Bearer alice/1/").is_none(), "an empty secret is no secret");
    }
}
