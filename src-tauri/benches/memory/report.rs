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

/// How long the app took to come up on one profile.
pub struct Startup {
    pub chats: usize,
    /// From asking tauri-driver for a session (which starts WebKitWebDriver and the app) to the
    /// unlock screen.
    pub to_unlock_screen: Duration,
    /// From the click on Unlock (the passphrase's key derivation included) to the inbox, its
    /// newest chat on screen.
    pub unlock_to_inbox: Duration,
}

/// A soak's traffic: robin's texts and pictures to the open chat over `length`.
pub struct Soak {
    pub length: Duration,
    pub texts: u64,
    pub pictures: u64,
}

pub struct Report {
    pub messages: usize,
    pub settle: Duration,
    /// From the app's start until robin's chat showed the whole history, accepted.
    pub seeding: Duration,
    /// The same history seeded into the profile the app opens against separate relays.
    pub separate_seeding: Duration,
    pub soaked: Option<Soak>,
    pub startup: Vec<Startup>,
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
    /// The soak's growth in per cent: the open chat before it, against the same screen after.
    fn soak_growth(&self) -> Option<f64> {
        let position = self.measured.iter().position(|m| m.state.starts_with(crate::SOAK_END))?;
        let before = self.measured.get(position.checked_sub(1)?)?.pss_kib();
        let after = self.measured[position].pss_kib();
        Some((after as f64 / before.max(1) as f64 - 1.0) * 100.0)
    }

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
        let _ = writeln!(
            out,
            "\nSeparate relays: the history seeded into the app's profile in {:.0} s",
            self.separate_seeding.as_secs_f64()
        );
        if let Some(soak) = &self.soaked {
            let _ = writeln!(
                out,
                "Soak: {:.0} min, {} texts and {} pictures from robin to the open chat",
                soak.length.as_secs_f64() / 60.0,
                soak.texts,
                soak.pictures
            );
            if let Some(growth) = self.soak_growth() {
                let verdict = if growth.abs() <= 10.0 { "within" } else { "over" };
                let _ = writeln!(out, "  PSS from the soak's start to its end: {growth:+.1}% ({verdict} the 10% goal)");
            }
        }
        let _ = writeln!(out, "\nStart-up (wall clock)");
        let _ = writeln!(out, "  {:<12} {:>22} {:>22}", "chats", "launch to unlock screen", "unlock to inbox");
        for startup in &self.startup {
            let _ = writeln!(
                out,
                "  {:<12} {:>20.2} s {:>20.2} s",
                startup.chats,
                startup.to_unlock_screen.as_secs_f64(),
                startup.unlock_to_inbox.as_secs_f64()
            );
        }
        if let [empty, full] = &self.startup[..] {
            let ratio = full.unlock_to_inbox.as_secs_f64() / empty.unlock_to_inbox.as_secs_f64().max(1e-3);
            let _ = writeln!(out, "  unlock to inbox, {} chats / no chats: {ratio:.2}x", full.chats);
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
            "separate_seeding_seconds": self.separate_seeding.as_secs_f64(),
            "soak": self.soaked.as_ref().map(|s| json!({
                "seconds": s.length.as_secs(),
                "texts": s.texts,
                "pictures": s.pictures,
                "pss_growth_percent": self.soak_growth(),
            })),
            "startup": self.startup.iter().map(|s| json!({
                "chats": s.chats,
                "launch_to_unlock_screen_seconds": s.to_unlock_screen.as_secs_f64(),
                "unlock_to_inbox_seconds": s.unlock_to_inbox.as_secs_f64(),
            })).collect::<Vec<_>>(),
            "settle_seconds": self.settle.as_secs(),
            "goal_bytes": GOAL_BYTES,
            "articles_in_open_chat": self.articles,
            "screenshot": self.screenshot.display().to_string(),
            "states": states,
        })
    }
}
