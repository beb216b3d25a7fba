//! Plain `http://` is for relays on this machine only: anywhere else the device secret and every
//! envelope would cross the network readable and forgeable.

use std::net::IpAddr;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlPolicyError {
    #[error("{0:?} is not an http:// or https:// URL")]
    NotHttp(String),
    #[error("http:// is only for relays on this machine; use https://")]
    InsecureRemote,
}

/// `localhost`, and addresses in 127.0.0.0/8 or `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|address| address.is_loopback())
}

/// Checks a relay's base URL: `https://` anywhere, `http://` on loopback, or anywhere when the
/// user said explicitly that an insecure connection is what they want.
pub fn check_url(base_url: &str, allow_insecure: bool) -> Result<(), UrlPolicyError> {
    let parsed = url::Url::parse(base_url).map_err(|_| UrlPolicyError::NotHttp(base_url.to_owned()))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure || parsed.host_str().is_some_and(is_loopback_host) => Ok(()),
        "http" => Err(UrlPolicyError::InsecureRemote),
        _ => Err(UrlPolicyError::NotHttp(base_url.to_owned())),
    }
}

/// Whether `base_url` is an `http(s)://` URL whose host is this machine.
pub fn is_loopback_url(base_url: &str) -> bool {
    url::Url::parse(base_url).ok().and_then(|url| url.host_str().map(is_loopback_host)).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_this_machine_only() {
        assert_eq!(check_url("https://meadow.example", false), Ok(()));
        assert_eq!(check_url("http://127.0.0.1:7070", false), Ok(()));
        assert_eq!(check_url("http://[::1]:7070", false), Ok(()));
        assert_eq!(check_url("http://localhost:7070", false), Ok(()));
        assert_eq!(check_url("http://meadow.example", false), Err(UrlPolicyError::InsecureRemote));
        assert_eq!(check_url("http://192.0.2.7", false), Err(UrlPolicyError::InsecureRemote), "a LAN is not loopback");
        assert_eq!(check_url("http://meadow.example", true), Ok(()), "unless the user asked for it by name");
        assert!(matches!(check_url("ftp://meadow.example", true), Err(UrlPolicyError::NotHttp(_))));
        assert!(matches!(check_url("meadow.example", false), Err(UrlPolicyError::NotHttp(_))));
    }
}
