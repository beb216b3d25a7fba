//! What the memory benchmark prints: a table per measured screen and a summary against the goal,
//! or the same as one JSON object.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;

use crate::processes::ProcessMemory;

/// Issue 7's goal for the app and its WebKit processes together: 250 MB (decimal megabytes).
pub const GOAL_BYTES: u64 = 250_000_000;

/// What the app held on one screen.
pub struct Measured {
    pub state: String,
    pub processes: Vec<ProcessMemory>,
    /// From the screen's change until this sample.
    pub after: Duration,
    /// How far the totals of the last samples lay apart; over 1 MiB, the screen never settled.
    pub spread_kib: u64,
    /// Other processes that mapped WebKit's libraries meanwhile (`processes::sharing_webkit`).
    pub sharing: Vec<u32>,
}

impl Measured {
    pub fn pss_kib(&self) -> u64 {
        self.processes.iter().map(|p| p.pss_kib).sum()
    }

    fn rss_kib(&self) -> u64 {
        self.processes.iter().map(|p| p.rss_kib).sum()
    }

    fn pss_anon_kib(&self) -> u64 {
        self.processes.iter().map(|p| p.pss_anon_kib).sum()
    }
}

pub struct Report {
    pub messages: usize,
    pub settle: Duration,
    /// From the app's start until robin's chat showed the whole history, accepted.
    pub seeding: Duration,
    /// `article` elements in the page with the chat open (the timeline is virtualized).
    pub articles: u64,
    /// Baseline first: the inbox with no history.
    pub measured: Vec<Measured>,
    pub screenshot: std::path::PathBuf,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn mb(kib: u64) -> f64 {
    (kib * 1024) as f64 / 1e6
}

impl Report {
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Desktop app memory: isthmus-desktop --sandbox under Xvfb; history of {} messages seeded in {:.0} s; \
             sampling from {} s after each screen",
            self.messages,
            self.seeding.as_secs_f64(),
            self.settle.as_secs()
        );
        for measured in &self.measured {
            let _ = writeln!(
                out,
                "\n{} (measured after {:.0} s; the last samples within {:.1} MiB)",
                measured.state,
                measured.after.as_secs_f64(),
                mib(measured.spread_kib)
            );
            let _ =
                writeln!(out, "  {:>7}  {:<22} {:>9} {:>9} {:>9}", "pid", "process", "PSS MiB", "anon MiB", "RSS MiB");
            for p in &measured.processes {
                let _ = writeln!(
                    out,
                    "  {:>7}  {:<22} {:>9.1} {:>9.1} {:>9.1}",
                    p.pid,
                    p.name,
                    mib(p.pss_kib),
                    mib(p.pss_anon_kib),
                    mib(p.rss_kib)
                );
            }
            if !measured.sharing.is_empty() {
                let _ = writeln!(
                    out,
                    "  warning: other processes map WebKit's libraries ({:?}): PSS splits those pages with \
                     them, so the PSS figures are low; anon is not affected",
                    measured.sharing
                );
            }
            let _ = writeln!(
                out,
                "  {:>7}  {:<22} {:>9.1} {:>9.1} {:>9.1}",
                "",
                "total",
                mib(measured.pss_kib()),
                mib(measured.pss_anon_kib()),
                mib(measured.rss_kib())
            );
        }
        let baseline = self.measured.first().map_or(0, Measured::pss_kib);
        let goal_kib = GOAL_BYTES / 1024;
        let _ = writeln!(out, "\nSummary (PSS of the app and every process it started; goal under 250 MB = 238.4 MiB)");
        let _ = writeln!(
            out,
            "  {:<44} {:>9} {:>7} {:>11} {:>9} {:>9}",
            "screen", "PSS MiB", "MB", "vs inbox", "goal", "anon MiB"
        );
        for measured in &self.measured {
            let total = measured.pss_kib();
            let verdict = if total < goal_kib { "within" } else { "over" };
            let _ = writeln!(
                out,
                "  {:<44} {:>9.1} {:>7.1} {:>+7.1} MiB {:>9} {:>9.1}",
                measured.state,
                mib(total),
                mb(total),
                mib(total) - mib(baseline),
                verdict,
                mib(measured.pss_anon_kib())
            );
        }
        let _ = writeln!(out, "\n{} article elements in the page with the chat open", self.articles);
        let _ = writeln!(out, "Screenshot of the open chat: {}", self.screenshot.display());
        out
    }

    pub fn json(&self) -> serde_json::Value {
        let states: Vec<_> = self
            .measured
            .iter()
            .map(|measured| {
                let processes: Vec<_> = measured
                    .processes
                    .iter()
                    .map(|p| {
                        json!({
                            "pid": p.pid,
                            "name": p.name,
                            "pss_bytes": p.pss_kib * 1024,
                            "pss_anon_bytes": p.pss_anon_kib * 1024,
                            "rss_bytes": p.rss_kib * 1024,
                        })
                    })
                    .collect();
                json!({
                    "state": measured.state,
                    "measured_after_seconds": measured.after.as_secs_f64(),
                    "spread_bytes": measured.spread_kib * 1024,
                    "other_webkit_pids": measured.sharing,
                    "pss_anon_total_bytes": measured.pss_anon_kib() * 1024,
                    "pss_total_bytes": measured.pss_kib() * 1024,
                    "rss_total_bytes": measured.rss_kib() * 1024,
                    "within_goal": measured.pss_kib() * 1024 < GOAL_BYTES,
                    "processes": processes,
                })
            })
            .collect();
        json!({
            "benchmark": "desktop_memory",
            "messages": self.messages,
            "seeding_seconds": self.seeding.as_secs_f64(),
            "settle_seconds": self.settle.as_secs(),
            "goal_bytes": GOAL_BYTES,
            "articles_in_open_chat": self.articles,
            "screenshot": self.screenshot.display().to_string(),
            "states": states,
        })
    }
}
