//! The core's pipelines against bare libsignal, and the sealed store against plain sled, in one
//! run so the ratios hold on a noisy machine: `cargo bench -p isthmus-core --bench pipelines`.
//! Method and results: docs/benchmarks.md.

mod bare;
mod ratios;

use std::cell::{Cell, RefCell};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use isthmus_core::bench_support::{Chat, FirstContacts, Storage};
use isthmus_core::store::{Batch, KdfParams, Profile, RawStore, SealedStore, SledStore, Tree};

use ratios::{Bench, Ratio};

/// Pushes the client takes in one run (connection.rs takes up to 64 at once).
const BATCH: usize = 64;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime")
}

fn bare_libsignal(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("libsignal");
    let mut sending = rt.block_on(bare::Pair::new());
    group.bench_function("encrypt", |b| b.iter(|| black_box(rt.block_on(sending.encrypt()))));
    let receiving = RefCell::new(rt.block_on(bare::Pair::new()));
    group.bench_function("decrypt", |b| {
        b.iter_batched(
            || rt.block_on(receiving.borrow_mut().encrypt()),
            |message| black_box(rt.block_on(receiving.borrow_mut().decrypt(&message))),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("first_contact", |b| {
        b.iter_batched(
            || {
                rt.block_on(async {
                    let (sender, _) = bare::party_with_bundle("alice").await;
                    let (peer, bundle) = bare::party_with_bundle("peer").await;
                    (sender, peer, bundle)
                })
            },
            |(mut sender, mut peer, bundle)| rt.block_on(bare::first_contact(&mut sender, &mut peer, &bundle)),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn send_pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("send");
    group.sampling_mode(SamplingMode::Flat);
    for (name, storage) in [("pipeline_disk", Storage::Disk), ("pipeline_memory", Storage::Memory)] {
        // The receiver is not part of this benchmark; its profile can live in memory.
        let mut chat = Chat::new(storage, Storage::Memory).expect("two accounts with a session");
        group.bench_function(name, |b| b.iter(|| black_box(chat.send("a short text message").expect("send"))));
    }
    group.throughput(Throughput::Elements(BATCH as u64));
    for (name, storage) in [("pipeline_disk_batch64", Storage::Disk), ("pipeline_memory_batch64", Storage::Memory)] {
        let mut chat = Chat::new(storage, Storage::Memory).expect("two accounts with a session");
        group.bench_function(name, |b| {
            b.iter(|| {
                let envelopes = chat.send_together((0..BATCH).map(|n| format!("message {n} sent together")));
                assert_eq!(envelopes.expect("send").len(), BATCH, "every message was sealed");
            })
        });
    }
    group.finish();
}

/// One fsync as the file system gives it: 4 KiB written in place and `fdatasync`, in a file
/// in the folder the disk profiles use. The floor under every durable write.
fn bare_fsync(c: &mut Criterion) {
    use std::io::{Seek, SeekFrom, Write};
    let dir = tempfile::Builder::new().prefix("isthmus-bench-fsync-").tempdir().expect("a temporary folder");
    let mut file = std::fs::File::create(dir.path().join("file")).expect("a file");
    let page = [7u8; 4096];
    let mut group = c.benchmark_group("fsync");
    group.bench_function("write_4k_fdatasync", |b| {
        b.iter(|| {
            file.seek(SeekFrom::Start(0)).expect("seek");
            file.write_all(&page).expect("write");
            file.sync_data().expect("fdatasync");
        })
    });
    group.finish();
}

fn receive_pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("receive");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(BATCH as u64));
    for (name, storage) in [("pipeline_disk_batch64", Storage::Disk), ("pipeline_memory_batch64", Storage::Memory)] {
        // The sender only makes input (outside the timing); its profile lives in memory.
        let chat = RefCell::new(Chat::new(Storage::Memory, storage).expect("two accounts with a session"));
        group.bench_function(name, |b| {
            b.iter_batched(
                || chat.borrow_mut().pushes(BATCH).expect("a batch of pushes"),
                |pushes| chat_receive(&mut chat.borrow_mut(), pushes),
                BatchSize::PerIteration,
            )
        });
        let chat = chat.into_inner();
        let (sent, received) = (chat.sent(), u64::from(chat.received().expect("count")));
        assert_eq!(received, sent, "every message sent in set-up was decrypted and stored, so something was measured");
    }
    group.finish();
}

fn chat_receive(chat: &mut Chat, pushes: Vec<Vec<u8>>) -> usize {
    let acked = chat.receive(pushes).expect("receive a batch");
    assert_eq!(acked, BATCH, "the whole batch is acked");
    acked
}

fn first_contact_pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_contact");
    group.sampling_mode(SamplingMode::Flat);
    let contacts = RefCell::new(FirstContacts::new(Storage::Disk).expect("a sender"));
    group.bench_function("pipeline_disk", |b| {
        b.iter_batched(
            || contacts.borrow_mut().new_peer().expect("a new account"),
            |peer| {
                assert_eq!(contacts.borrow_mut().first_message(peer).expect("first message"), 1, "the peer stored it")
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// A timeline key's shape: a 32-byte keyed hash and an 8-byte sequence number.
fn keys(count: u64) -> Vec<Vec<u8>> {
    (0..count)
        .map(|n| {
            let mut key = [7u8; 32].to_vec();
            key.extend_from_slice(&n.to_be_bytes());
            key
        })
        .collect()
}

/// Times `iters` puts with a flush after every `BATCH` of them, as the receive pipeline flushes
/// once per batch. `durable`: the flushes are timed too (what a user waits for). Otherwise only
/// the puts are (sealing plus sled's in-memory insert); the flushes still run, because sled 0.34
/// hung here under a few MiB of unflushed 2 KiB puts, and because unflushed work would spill into
/// whatever is measured next.
fn puts(iters: u64, durable: bool, flush: impl Fn(), mut put: impl FnMut(u64)) -> Duration {
    let mut timed = Duration::ZERO;
    let mut started = Instant::now();
    for n in 1..=iters {
        put(n);
        if n % BATCH as u64 == 0 || n == iters {
            if !durable {
                timed += started.elapsed();
            }
            flush();
            if !durable {
                started = Instant::now();
            }
        }
    }
    if durable {
        timed = started.elapsed();
    }
    timed
}

/// The engine under test: plain sled, or the same sled engine under the profile's sealing.
enum Engine {
    Plain(SledStore),
    /// The profile's store, and the profile that owns its folder.
    Sealed {
        store: Arc<SealedStore>,
        _profile: Profile,
    },
}

impl Engine {
    fn put(&self, key: &[u8], value: &[u8]) {
        match self {
            Engine::Plain(plain) => {
                let mut batch = Batch::default();
                batch.put(Tree::Messages, key, value);
                plain.apply(batch).expect("plain put")
            }
            Engine::Sealed { store, .. } => store.put(Tree::Messages, key, value).expect("sealed put"),
        }
    }

    fn get(&self, key: &[u8]) -> Vec<u8> {
        let value = match self {
            Engine::Plain(plain) => plain.get(Tree::Messages, key),
            Engine::Sealed { store, .. } => store.get(Tree::Messages, key),
        };
        value.expect("get").expect("every key was written")
    }

    fn flush(&self) {
        match self {
            Engine::Plain(plain) => plain.flush().expect("flush"),
            Engine::Sealed { store, .. } => store.flush().expect("flush"),
        }
    }
}

fn store(c: &mut Criterion) {
    let keys = keys(1024);
    let mut group = c.benchmark_group("store");
    // Each unflushed put still pays an untimed flush per 64: keep the wall time down.
    group.measurement_time(Duration::from_secs(1));
    for size in [256usize, 2048] {
        for kind in ["plain", "sealed"] {
            // One sled database open at a time: sled 0.34 can hang with several under write load.
            let dir = tempfile::tempdir().expect("a temporary folder");
            let engine = match kind {
                "plain" => Engine::Plain(SledStore::open(dir.path().join("db")).expect("plain sled")),
                _ => {
                    let profile =
                        Profile::create(&dir.path().join("profile"), "bench", KdfParams::insecure_for_tests())
                            .expect("a sealed profile");
                    Engine::Sealed { store: profile.store(), _profile: profile }
                }
            };
            let value = vec![0x5a; size];
            for key in &keys {
                engine.put(key, &value);
            }
            engine.flush();
            let n = Cell::new(0usize);
            let next = || {
                n.set((n.get() + 1) % keys.len());
                &keys[n.get()]
            };
            // Every put writes a value unlike the last (a counter in its first bytes), as records do.
            let stamped = |n: u64| {
                let mut value = value.clone();
                value[..8].copy_from_slice(&n.to_be_bytes());
                value
            };
            for (op, durable) in [("put", false), ("durable_put", true)] {
                group.bench_function(format!("{kind}_{op}_{size}"), |b| {
                    b.iter_custom(|iters| puts(iters, durable, || engine.flush(), |n| engine.put(next(), &stamped(n))))
                });
            }
            group.bench_function(format!("{kind}_get_{size}"), |b| b.iter(|| black_box(engine.get(next()))));
        }
    }
    group.finish();
}

fn ratio(
    label: &'static str,
    measured: (&'static str, &'static str, u32),
    baseline: (&'static str, &'static str),
    goal: f64,
) -> Ratio {
    Ratio {
        label,
        measured: Bench { group: measured.0, name: measured.1, per_iteration: measured.2 },
        baseline: vec![Bench { group: baseline.0, name: baseline.1, per_iteration: 1 }],
        goal,
    }
}

/// A disk pipeline against bare libsignal plus one fsync shared by the `batch` messages that
/// went to disk together.
fn durable_ratio(
    label: &'static str,
    measured: (&'static str, &'static str, u32),
    bare: (&'static str, &'static str),
    batch: u32,
    goal: f64,
) -> Ratio {
    let mut ratio = ratio(label, measured, bare, goal);
    ratio.baseline.push(Bench { group: "fsync", name: "write_4k_fdatasync", per_iteration: batch });
    ratio
}

fn run() {
    let started = SystemTime::now();
    let output = ratios::output_directory();
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .output_directory(&output)
        .configure_from_args();
    bare_libsignal(&mut c);
    bare_fsync(&mut c);
    send_pipeline(&mut c);
    receive_pipeline(&mut c);
    first_contact_pipeline(&mut c);
    store(&mut c);
    c.final_summary();

    let batch = BATCH as u32;
    let pipeline = 1.5;
    let in_memory = 2.0;
    let sealing = 1.15;
    ratios::print(
        &output,
        started,
        &[
            durable_ratio(
                "send, disk, one message / bare encrypt + 1 fsync",
                ("send", "pipeline_disk", 1),
                ("libsignal", "encrypt"),
                1,
                pipeline,
            ),
            durable_ratio(
                "send, disk, 64 together / bare encrypt + fsync/64",
                ("send", "pipeline_disk_batch64", batch),
                ("libsignal", "encrypt"),
                batch,
                pipeline,
            ),
            ratio(
                "send, memory, one message / bare encrypt",
                ("send", "pipeline_memory", 1),
                ("libsignal", "encrypt"),
                in_memory,
            ),
            ratio(
                "send, memory, 64 together / bare encrypt",
                ("send", "pipeline_memory_batch64", batch),
                ("libsignal", "encrypt"),
                in_memory,
            ),
            durable_ratio(
                "receive, disk, batch of 64 / bare decrypt + fsync/64",
                ("receive", "pipeline_disk_batch64", batch),
                ("libsignal", "decrypt"),
                batch,
                pipeline,
            ),
            ratio(
                "receive, memory, batch of 64 / bare decrypt",
                ("receive", "pipeline_memory_batch64", batch),
                ("libsignal", "decrypt"),
                in_memory,
            ),
            ratio(
                "first contact pipeline, disk / bare PQXDH",
                ("first_contact", "pipeline_disk", 1),
                ("libsignal", "first_contact"),
                pipeline,
            ),
            ratio("sealed / plain put, 256 B", ("store", "sealed_put_256", 1), ("store", "plain_put_256"), sealing),
            ratio("sealed / plain put, 2 KiB", ("store", "sealed_put_2048", 1), ("store", "plain_put_2048"), sealing),
            ratio(
                "sealed / plain durable put (flush per 64), 256 B",
                ("store", "sealed_durable_put_256", 1),
                ("store", "plain_durable_put_256"),
                sealing,
            ),
            ratio(
                "sealed / plain durable put (flush per 64), 2 KiB",
                ("store", "sealed_durable_put_2048", 1),
                ("store", "plain_durable_put_2048"),
                sealing,
            ),
            ratio("sealed / plain get, 256 B", ("store", "sealed_get_256", 1), ("store", "plain_get_256"), sealing),
            ratio("sealed / plain get, 2 KiB", ("store", "sealed_get_2048", 1), ("store", "plain_get_2048"), sealing),
        ],
    );
    ratios::print_one(
        &output,
        started,
        "one fsync (4 KiB, fdatasync)",
        Bench { group: "fsync", name: "write_4k_fdatasync", per_iteration: 1 },
    );
}

fn main() {
    // libsignal's PQXDH code keeps large values on the stack, as the engine's worker knows.
    std::thread::Builder::new()
        .name("pipelines".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(run)
        .expect("the benchmark thread starts")
        .join()
        .expect("the benchmarks ran to the end");
}
