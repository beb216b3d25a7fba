//! Peak memory of attachment transfers: a benchmark, not a test.
//!
//! Each transfer runs in a fresh child process (this binary, re-invoked), so that its peak
//! resident set (VmHWM) is its own: two peered in-process relays with their data on disk, a sender on one network
//! uploading a file of the given size, a receiver on the other downloading it through its own
//! relay's proxy and saving it. Streaming means the peak should not grow with the file.
//!
//! Run: `cargo bench -p isthmus-e2e --bench media_memory` (sizes in MiB: ISTHMUS_BENCH_SIZES,
//! default "1,10,50").

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use isthmus_core::MessageStatus;
use isthmus_e2e::{durable_relay, peer, Person};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn transfer(size_mib: u64) -> anyhow::Result<f64> {
    // Relays on disk, as deployed: an in-memory relay keeps media in memory by design.
    let data = tempfile::tempdir()?;
    let meadow = durable_relay("meadow.test", &data.path().join("meadow")).await?;
    let harbor = durable_relay("harbor.test", &data.path().join("harbor")).await?;
    peer(&meadow, &harbor);
    let mut alice = Person::join(&meadow, "alice").await?;
    let mut carol = Person::join(&harbor, "carol").await?;
    alice.allows("harbor.test").await?;
    carol.allows("meadow.test").await?;
    carol.confirms(&alice.address).await?;
    carol.engine.send_text(&carol.address, &alice.address, "file coming").await?;
    alice.receives(&carol.address, "file coming").await?;
    alice.accepts(&carol.address).await?;

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("payload.bin");
    {
        use std::io::Write as _;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..size_mib {
            file.write_all(&block)?;
        }
    }
    let started = Instant::now();
    let sent = carol.engine.send_file(&carol.address, &alice.address, &path, "payload", true).await?;
    carol.sees_status(sent.id, MessageStatus::Sent).await?;
    let arrived = alice.receives(&carol.address, "payload").await?;
    alice.engine.download_attachment(arrived.conversation, arrived.id, 0).await?;
    let out = tempfile::tempdir()?;
    let saved = alice.engine.save_attachment(arrived.conversation, arrived.id, 0, out.path()).await?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(std::fs::metadata(&saved.path)?.len() == size_mib * 1024 * 1024, "the file arrived whole");
    Ok(seconds)
}

fn main() -> anyhow::Result<()> {
    if let Ok(size) = std::env::var("ISTHMUS_BENCH_CHILD_MIB") {
        let size: u64 = size.parse()?;
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        let seconds = runtime.block_on(transfer(size))?;
        println!("{size} {} {seconds:.3}", peak_rss_kib());
        return Ok(());
    }
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let sizes = std::env::var("ISTHMUS_BENCH_SIZES").unwrap_or_else(|_| "1,10,50".into());
    let me = std::env::current_exe()?;
    println!("attachment transfer (upload + proxied download + save), peak resident memory of the whole process");
    println!("{:>8} {:>14} {:>16} {:>10}", "size MiB", "peak RSS MiB", "vs smallest MiB", "seconds");
    let mut baseline = None;
    for size in sizes.split(',').filter_map(|s| s.trim().parse::<u64>().ok()) {
        let output = Command::new(&me).env("ISTHMUS_BENCH_CHILD_MIB", size.to_string()).output()?;
        anyhow::ensure!(
            output.status.success(),
            "transfer of {size} MiB failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<&str> = line.split_whitespace().collect();
        let peak_kib: f64 = fields.get(1).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let seconds: f64 = fields.get(2).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let peak = peak_kib / 1024.0;
        let base = *baseline.get_or_insert(peak);
        println!("{size:>8} {peak:>14.1} {:>+16.1} {seconds:>10.2}", peak - base);
    }
    let _ = Path::new(".");
    Ok(())
}
