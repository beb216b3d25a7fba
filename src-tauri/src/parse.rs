//! Turning the page's arguments into engine types. Addresses and networks cross as strings
//! (`name@network`, `harbor.example`); anything malformed is `invalid_address`.

use isthmus_core::ErrorCode;
use isthmus_proto::api::ReportReason;
use isthmus_proto::{Address, NetworkName};

use crate::error::{CommandError, CommandResult};

pub fn address(raw: &str) -> CommandResult<Address> {
    Ok(raw.trim().parse::<Address>()?)
}

pub fn network(raw: &str) -> CommandResult<NetworkName> {
    Ok(NetworkName::parse(raw.trim())?)
}

/// Why a report is filed: the one list the relay accepts (the UI's `ReportReason` binding).
pub fn report_reason(raw: &str) -> CommandResult<ReportReason> {
    raw.parse().map_err(|unknown: isthmus_proto::api::UnknownReason| {
        CommandError::new(ErrorCode::Protocol, unknown.to_string())
    })
}

/// Only web links leave the app: no `file:`, `javascript:` or custom schemes.
pub fn web_link(raw: &str) -> CommandResult<tauri::Url> {
    let url = tauri::Url::parse(raw.trim())
        .map_err(|_| CommandError::new(ErrorCode::Protocol, "that is not a web address"))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        _ => Err(CommandError::new(ErrorCode::Protocol, "only http and https links open in the browser")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_from_name_at_network() {
        let parsed = address(" robin@meadow.test ").expect("valid");
        assert_eq!(parsed.to_string(), "robin@meadow.test", "surrounding space from a text field is no part of it");
        assert_eq!(address("robin").expect_err("no network").code(), ErrorCode::InvalidAddress);
        assert_eq!(address("").expect_err("empty").code(), ErrorCode::InvalidAddress);
    }

    #[test]
    fn networks_parse_as_domains() {
        assert_eq!(network("harbor.test").expect("valid").as_str(), "harbor.test");
        assert_eq!(network("not a domain").expect_err("spaces").code(), ErrorCode::InvalidAddress);
    }

    #[test]
    fn report_reasons_are_a_closed_set() {
        for reason in ReportReason::ALL {
            assert_eq!(report_reason(reason.as_str()).expect("valid"), reason, "every reason the relay takes");
        }
        for old in ["scam", "abuse", "because"] {
            assert_eq!(report_reason(old).expect_err("unknown").code(), ErrorCode::Protocol, "{old} is no reason");
        }
    }

    #[test]
    fn only_web_links_open() {
        assert!(web_link("https://example.org/a?b").is_ok());
        for bad in ["file:///etc/passwd", "javascript:alert(1)", "isthmus://x", "https://", "nonsense"] {
            assert!(web_link(bad).is_err(), "{bad} must not reach the system's opener");
        }
    }
}
