//! Search over a long history (issue 17): how long indexing takes, how fast a query answers,
//! and how large the index is, on a real profile on disk.
//!
//! Not criterion: building a 100,000-message profile takes minutes, so each figure is the median
//! of a few runs, printed beside its baseline from the same run:
//! - storing the messages (what a user pays on receive: a mark per message), indexing what was
//!   marked (behind the writes), a rebuild, and, as the baseline, reading every message back
//!   (the floor of any rebuild, which must open them all);
//! - each query against a search without an index (open every message and match it);
//! - the index's size against the messages' own.
//!
//! `ISTHMUS_BENCH_SEARCH_MESSAGES` (default 100000) sets the history's length.

use std::time::{Duration, Instant};

use isthmus_core::bench_search::SearchCorpus;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CHATS: usize = 200;
const VOCABULARY: usize = 20_000;
/// The message that holds the one rare word, counted from the newest.
const NEEDLE_FROM_END: usize = 5_000;

fn main() {
    let messages: usize =
        std::env::var("ISTHMUS_BENCH_SEARCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut rng = StdRng::seed_from_u64(17);
    let vocabulary = vocabulary(&mut rng);
    let corpus = SearchCorpus::on_disk(CHATS).expect("a profile on disk");
    let bodies: Vec<(usize, String, u64)> = (0..messages)
        .map(|n| {
            let body = if n == messages.saturating_sub(NEEDLE_FROM_END) {
                "the quokka from the ferry, remember?".to_owned()
            } else {
                sentence(&mut rng, &vocabulary)
            };
            (rng.random_range(0..CHATS), body, 1_700_000_000_000 + n as u64 * 1_000)
        })
        .collect();

    let started = Instant::now();
    corpus.store_messages(bodies).expect("stored");
    let stored = started.elapsed();
    let started = Instant::now();
    corpus.index_marked().expect("indexed");
    let indexed = started.elapsed();
    let rebuild = time(1, || corpus.rebuild().expect("rebuilt"));
    let read = time(3, || corpus.read_all().expect("read"));
    let sizes = corpus.sizes().expect("sizes");

    println!("search over {messages} messages in {CHATS} chats, vocabulary {VOCABULARY} words, profile on disk");
    println!();
    println!("| step | time | per message |");
    println!("|---|---|---|");
    for (what, took) in [
        ("store the messages (each marked for indexing)", stored),
        ("index the marked messages, behind the writes", indexed),
        ("rebuild the index", rebuild),
        ("baseline: read and open every message", read),
    ] {
        println!("| {what} | {:.2} s | {:.1} µs |", took.as_secs_f64(), took.as_secs_f64() * 1e6 / messages as f64);
    }
    println!();
    println!(
        "index {:.1} MB ({:.0} B per message), messages {:.1} MB: {:.2}x; profile folder {:.1} MB",
        mb(sizes.index_bytes),
        sizes.index_bytes as f64 / messages as f64,
        mb(sizes.messages_bytes),
        sizes.index_bytes as f64 / sizes.messages_bytes as f64,
        mb(sizes.folder_bytes)
    );
    println!();
    println!("| query | matches | first page of 20 (median of 5) | without an index | speed-up |");
    println!("|---|---|---|---|---|");
    let common = &vocabulary[3];
    let queries = [
        ("quokka".to_owned(), "one message, 5,000 from the end"),
        (vocabulary[VOCABULARY / 2].clone(), "a rare word"),
        (format!("{} {}", vocabulary[40], vocabulary[90]), "two words"),
        (common[..3].to_owned(), "a three-letter prefix"),
        (common[..2].to_owned(), "two letters: whole words only"),
        (common.clone(), "a common word"),
    ];
    for (query, what) in &queries {
        let mut total = 0;
        let indexed = time(5, || total = corpus.search(query, 20).expect("search").total);
        let mut scanned_matches = 0;
        let scanned = time(1, || scanned_matches = corpus.scan(query).expect("scan"));
        assert_eq!(total, scanned_matches, "the index and the scan agree on {query:?}");
        println!(
            "| {what} (\"{query}\") | {total} | {:.2} ms | {:.0} ms | {:.0}x |",
            indexed.as_secs_f64() * 1e3,
            scanned.as_secs_f64() * 1e3,
            scanned.as_secs_f64() / indexed.as_secs_f64()
        );
    }
}

/// The median of `runs` runs of `step`.
fn time<T>(runs: usize, mut step: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(step());
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Pronounceable words of 2 to 5 syllables, some with accents, none equal to another.
fn vocabulary(rng: &mut StdRng) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ne", "ro", "sa", "ti", "vu", "ber", "dan", "fel", "gor", "hal", "jin", "kor", "lum", "mar",
        "nor", "pé", "qui", "rä", "sol", "tor", "wen",
    ];
    let mut seen = std::collections::HashSet::new();
    let mut words = Vec::with_capacity(VOCABULARY);
    while words.len() < VOCABULARY {
        let length = rng.random_range(2..=5);
        let word: String = (0..length).map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())]).collect();
        if word != "quokka" && seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

/// 4 to 20 words, the common ones far more often (roughly Zipf's law, as in real chat).
fn sentence(rng: &mut StdRng, vocabulary: &[String]) -> String {
    let length = rng.random_range(4..=20);
    (0..length)
        .map(|_| {
            let u: f64 = rng.random();
            vocabulary[((u * u * u) * vocabulary.len() as f64) as usize].as_str()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
