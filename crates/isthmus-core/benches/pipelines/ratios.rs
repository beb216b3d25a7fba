//! Reads criterion's estimates after the groups ran and prints the ratios against the goals.
//!
//! Only estimates written by this run count: a benchmark filtered out (or failed) shows as
//! "not run" rather than borrowing a number from an earlier run.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One benchmark: its group and function name, and how many messages one iteration carries.
#[derive(Clone, Copy)]
pub struct Bench {
    pub group: &'static str,
    pub name: &'static str,
    pub per_iteration: u32,
}

/// A ratio of a benchmark's per-message median to a baseline, and the goal it is held against.
/// The baseline is the sum of its terms' per-message medians (bare encryption plus a share of
/// one fsync, say: the fsync term's `per_iteration` is the batch that shares it).
pub struct Ratio {
    pub label: &'static str,
    pub measured: Bench,
    pub baseline: Vec<Bench>,
    pub goal: f64,
}

/// Where criterion writes: `$CRITERION_HOME`, else `<target dir>/criterion`. The target dir is
/// `$CARGO_TARGET_DIR`, else the one this binary was built in (`<target>/release/deps/`).
pub fn output_directory() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let exe = std::env::current_exe().expect("the bench binary knows its path");
    match exe.ancestors().nth(3) {
        Some(target) => target.join("criterion"),
        None => PathBuf::from("target/criterion"),
    }
}

/// The median time per message in nanoseconds, if this run measured it.
fn per_message_ns(dir: &Path, bench: Bench, since: SystemTime) -> Option<f64> {
    let file = dir.join(bench.group).join(bench.name).join("new").join("estimates.json");
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok()?;
    if modified < since {
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    let median = estimates.get("median")?.get("point_estimate")?.as_f64()?;
    Some(median / f64::from(bench.per_iteration))
}

fn human(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.1} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// One benchmark's median on its own line (a baseline term worth stating, such as the fsync).
pub fn print_one(dir: &Path, since: SystemTime, label: &str, bench: Bench) {
    match per_message_ns(dir, bench, since) {
        Some(ns) => println!("{label:<52} {:>11}", human(ns)),
        None => println!("{label:<52} {:>11}  not run", "-"),
    }
}

pub fn print(dir: &Path, since: SystemTime, ratios: &[Ratio]) {
    println!();
    println!("Ratios (criterion medians, per message; goals are targets to report, not assertions)");
    println!("{:<52} {:>11} {:>11} {:>8} {:>6}  where it stands", "ratio", "measured", "baseline", "ratio", "goal");
    for ratio in ratios {
        let measured = per_message_ns(dir, ratio.measured, since);
        let baseline = ratio.baseline.iter().map(|term| per_message_ns(dir, *term, since)).sum::<Option<f64>>();
        match (measured, baseline) {
            (Some(measured), Some(baseline)) => {
                let value = measured / baseline;
                let stands = if value <= ratio.goal { "within the goal" } else { "over the goal" };
                println!(
                    "{:<52} {:>11} {:>11} {:>7.2}x {:>5.2}x  {stands}",
                    ratio.label,
                    human(measured),
                    human(baseline),
                    value,
                    ratio.goal
                );
            }
            _ => println!("{:<52} {:>11} {:>11} {:>8} {:>5.2}x  not run", ratio.label, "-", "-", "-", ratio.goal),
        }
    }
    println!("(estimates in {})", dir.display());
}
