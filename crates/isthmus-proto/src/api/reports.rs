//! `POST /v1/reports`: what a person sends their own relay about someone, and its limits.
//!
//! The limits are the relay's defaults and what clients build reports to: a client that cuts its
//! report to them never has a report refused for its size.

use serde::{Deserialize, Serialize};

/// Most messages one report includes; a client keeps the newest of those chosen.
pub const MAX_REPORT_MESSAGES: usize = 50;
/// Longest message body in a report, in characters; longer ones are cut, with [`CUT_MARK`].
pub const MAX_REPORT_MESSAGE_CHARS: usize = 4096;
/// Longest note a reporter writes, in characters.
pub const MAX_REPORT_NOTE_CHARS: usize = 2000;
/// Ends a body that was cut to fit a report, so a moderator knows there was more.
pub const CUT_MARK: &str = " [\u{2026} cut]";

/// Why a person reports someone: one list from the UI's menu to the relay's store.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Unwanted bulk or commercial messages.
    Spam,
    /// Scams, phishing, impersonation for money.
    Fraud,
    /// Harassment, threats or abuse.
    Harassment,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 4] =
        [ReportReason::Spam, ReportReason::Fraud, ReportReason::Harassment, ReportReason::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Fraud => "fraud",
            ReportReason::Harassment => "harassment",
            ReportReason::Other => "other",
        }
    }

    /// The reason `as_str` names.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == raw)
    }
}

/// Not one of [`ReportReason::ALL`]; says which there are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a report's reason is one of spam, fraud, harassment, other")]
pub struct UnknownReason;

impl std::str::FromStr for ReportReason {
    type Err = UnknownReason;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw).ok_or(UnknownReason)
    }
}

impl std::fmt::Display for ReportReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message the reporter chose to include, in plain text.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedMessage {
    /// The envelope id, hex.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-fA-F]{1,64}$"))]
    pub id: String,
    /// When it was sent, ms since the epoch.
    #[serde(deserialize_with = "super::integers::timestamp_ms")]
    #[cfg_attr(feature = "openapi", schema(maximum = 253402300799999_u64))]
    pub sent_at: u64,
    #[cfg_attr(feature = "openapi", schema(max_length = 4096))]
    pub body: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `name@network` of the reported person.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
        )
    )]
    pub address: String,
    pub reason: ReportReason,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub messages: Vec<ReportedMessage>,
}

/// `201` to a report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCreated {
    pub id: String,
}

/// `body` cut to at most `max` characters, ending in [`CUT_MARK`] when anything was cut.
pub fn cut_report_body(body: &str, max: usize) -> String {
    if body.chars().count() <= max {
        return body.to_owned();
    }
    let keep = max.saturating_sub(CUT_MARK.chars().count());
    let mut cut: String = body.chars().take(keep).collect();
    cut.push_str(CUT_MARK);
    cut.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_wire_names() {
        for reason in ReportReason::ALL {
            assert_eq!(ReportReason::parse(reason.as_str()), Some(reason));
            assert_eq!(serde_json::to_string(&reason).expect("serializes"), format!("\"{reason}\""));
        }
        assert_eq!(ReportReason::parse("scam"), None, "one list: the old UI-only names are not reasons");
        let listed: Vec<&str> = ReportReason::ALL.iter().map(|reason| reason.as_str()).collect();
        assert!(UnknownReason.to_string().ends_with(&listed.join(", ")), "the refusal names every reason");
    }

    #[test]
    fn a_long_body_is_cut_to_the_limit_with_a_mark() {
        let long = "é".repeat(MAX_REPORT_MESSAGE_CHARS * 2);
        let cut = cut_report_body(&long, MAX_REPORT_MESSAGE_CHARS);
        assert_eq!(cut.chars().count(), MAX_REPORT_MESSAGE_CHARS, "exactly at the limit, counted in characters");
        assert!(cut.ends_with(CUT_MARK), "a moderator sees that there was more");
        assert_eq!(cut_report_body("short", MAX_REPORT_MESSAGE_CHARS), "short", "a body that fits is untouched");
        assert_eq!(cut_report_body("abcdef", 3).chars().count(), 3, "even a limit shorter than the mark holds");
    }
}
