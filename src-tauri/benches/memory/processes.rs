//! Which processes are the app, and how much memory each holds, read from /proc.
//!
//! The app is the process running the app's binary below tauri-driver; it starts WebKit's web
//! and network processes (and, with WebKit's sandbox, the bubblewrap and D-Bus proxy processes
//! around them), which are its descendants. tauri-driver and WebKitWebDriver are its ancestors:
//! test machinery, never counted.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// One process's memory, from /proc/PID/smaps_rollup, in KiB.
#[derive(Clone, Debug)]
pub struct ProcessMemory {
    pub pid: u32,
    /// The executable's file name (WebKit's are WebKitWebProcess and WebKitNetworkProcess).
    pub name: String,
    /// Proportional set size: resident pages, each shared page divided by the number of
    /// processes that map it, so the sum over processes counts every page once.
    pub pss_kib: u64,
    /// The part of `pss_kib` that is anonymous memory (heaps, JavaScript), not mapped files.
    pub pss_anon_kib: u64,
    /// Resident set size: every resident page in full, shared or not.
    pub rss_kib: u64,
}

/// The parent of `pid` from the text of /proc/PID/stat ("pid (comm) state ppid ..."): the
/// name in parentheses may itself hold spaces and parentheses, so the fields after the last
/// ')' are the ones to count.
fn parent_in_stat(stat: &str) -> Option<u32> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// Every running process's children.
fn children() -> HashMap<u32, Vec<u32>> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return children };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
        // A process may exit between listing and reading; it is then no one's child.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        if let Some(parent) = parent_in_stat(&stat) {
            children.entry(parent).or_default().push(pid);
        }
    }
    children
}

/// `root`'s descendants, nearest first (not `root` itself).
fn descendants(root: u32) -> Vec<u32> {
    let children = children();
    let mut found = Vec::new();
    let mut next = vec![root];
    while let Some(pid) = next.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            found.push(child);
            next.push(child);
        }
    }
    found
}

fn executable(pid: u32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// The app's process: the descendant of `driver` (tauri-driver) that runs `binary`.
pub fn find_app(driver: u32, binary: &Path) -> Option<u32> {
    let binary = binary.canonicalize().ok()?;
    descendants(driver).into_iter().find(|&pid| executable(pid).as_deref() == Some(binary.as_path()))
}

/// Waits up to `timeout` for the app under `driver` to start; its id.
pub async fn wait_for_app(driver: u32, binary: &Path, timeout: Duration) -> Option<u32> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(pid) = find_app(driver, binary) {
            return Some(pid);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits up to `timeout` for `pid` to exit; whether it did.
pub async fn wait_for_exit(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Path::new(&format!("/proc/{pid}")).exists() {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    true
}

/// The value in KiB of the `field` line ("Pss:      1234 kB") of smaps_rollup text.
fn field_kib(rollup: &str, field: &str) -> Option<u64> {
    rollup.lines().find_map(|line| line.strip_prefix(field)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
}

fn memory_of(pid: u32) -> Option<ProcessMemory> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let name = executable(pid)
        .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .or_else(|| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok().map(|comm| comm.trim().to_owned()))
        .unwrap_or_else(|| "?".into());
    Some(ProcessMemory {
        pid,
        name,
        pss_kib: field_kib(&rollup, "Pss")?,
        pss_anon_kib: field_kib(&rollup, "Pss_Anon").unwrap_or(0),
        rss_kib: field_kib(&rollup, "Rss")?,
    })
}

/// The memory of the app and of every process it started, the app first. A process that
/// exits while being read is left out.
pub fn snapshot(app: u32) -> Vec<ProcessMemory> {
    std::iter::once(app).chain(descendants(app)).filter_map(memory_of).collect()
}

/// Processes other than `ours` that map WebKit's own libraries. PSS splits each shared page
/// among everyone who maps it, so while another WebKit app (or another test's app) runs, the
/// app's file-backed PSS comes out lower; its anonymous PSS does not change.
pub fn sharing_webkit(ours: &[u32]) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    let mut sharing: Vec<u32> = entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()))
        .filter(|pid| !ours.contains(pid) && *pid != std::process::id())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/maps"))
                .is_ok_and(|maps| maps.contains("libwebkit2gtk") || maps.contains("libjavascriptcoregtk"))
        })
        .collect();
    sharing.sort_unstable();
    sharing
}

/// Checks the two parsers on text of the shapes the kernel writes, once per run: a benchmark
/// with its own `main` runs no `#[test]`s, and a misread field would print plausible nonsense.
pub fn check_parsers() {
    assert_eq!(parent_in_stat("4242 (Web Content (1)) S 17 4242 17 0 -1"), Some(17), "ppid after the last ')'");
    let rollup = "00400000-7ffc r--p 00000000 00:00 0 [rollup]\nRss:  2048 kB\nPss:  1024 kB\nPss_Anon:  512 kB\n";
    assert_eq!(
        (field_kib(rollup, "Rss"), field_kib(rollup, "Pss"), field_kib(rollup, "Pss_Anon")),
        (Some(2048), Some(1024), Some(512)),
        "Pss must not be read from the Pss_Anon line, nor the other way round"
    );
}
