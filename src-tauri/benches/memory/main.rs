//! The desktop app's memory (issues 7 and 15): the proportional set size of the real app and of
//! every process it started (WebKit's web and network processes), and its start-up time. It
//! measures and prints; it asserts no goal.
//! - In sandbox mode (the relays and demo people inside the app's process): the inbox with no
//!   history, then with a chat of 10,000 messages that robin sent while the app ran, then with
//!   that chat open.
//! - Against relays in this benchmark's process (`separate.rs`), the app on a real profile of
//!   its own: the same three screens, the history seeded into the profile while the app was
//!   closed. This is the figure of a user's app.
//! - Start-up: launch to the unlock screen, and unlock to the inbox on screen, with no chats and
//!   with 10,000 (and the memory on that inbox).
//!
//! `cargo bench -p isthmus-desktop --bench memory` (`-- --json` for one JSON object).
//! ISTHMUS_BENCH_MESSAGES sets the history (10,000), ISTHMUS_BENCH_CHATS the start-up inbox
//! (10,000), ISTHMUS_BENCH_SETTLE_SECS how long each screen settles before sampling starts (5);
//! a screen is measured once its total has held steady for three samples a second apart. Needs
//! what the desktop end-to-end test needs: Xvfb, WebKitWebDriver, tauri-driver and the UI built
//! into ui/dist. The app is driven as a person would drive it: the history arrives as real
//! traffic from robin, and the chat is opened by clicking it.

#[allow(dead_code)] // shared with the end-to-end test, which uses all of it
#[path = "../../tests/e2e/harness.rs"]
mod harness;
mod processes;
mod report;
mod separate;
#[allow(dead_code)] // shared with the end-to-end test, which uses all of it
#[path = "../../tests/e2e/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use isthmus_core::KdfParams;
use isthmus_sandbox::{history_number, HISTORY_SENDER, MEADOW};
use report::{Measured, Report, Startup};
use webdriver::Driver;

const APP: &str = env!("CARGO_BIN_EXE_isthmus-desktop");
/// The inbox is up: the sidebar's Settings button.
const INBOX: &str = "//nav[@aria-label='Chats']//button[normalize-space()='Settings']";
const UI: Duration = Duration::from_secs(60);
/// How long the history may take to arrive. Seeding 10,000 messages takes a minute or two in
/// a release build; a debug build or a busy machine takes longer.
const SEEDING: Duration = Duration::from_secs(30 * 60);
/// A screen has settled when this many samples, a second apart, lie within `STEADY_KIB`.
const STEADY_SAMPLES: usize = 3;
const STEADY_KIB: u64 = 1024;
/// How long past the settling time sampling goes on before the last sample is taken as it is.
const STEADY_AT_MOST: Duration = Duration::from_secs(60);
/// The unlock screen's button.
const UNLOCK: &str = "//button[normalize-space()='Unlock']";
/// The screen measured at a soak's end (report.rs finds it by this name).
pub const SOAK_END: &str = "separate relays: the chat open after a soak";

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value.trim().parse().unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
        Err(_) => default,
    }
}

fn main() {
    // cargo passes --bench; --json is ours.
    let json = std::env::args().skip(1).any(|arg| arg == "--json");
    let messages = usize::try_from(env_number("ISTHMUS_BENCH_MESSAGES", 10_000)).expect("a history that fits memory");
    let chats = usize::try_from(env_number("ISTHMUS_BENCH_CHATS", 10_000)).expect("chats that fit memory");
    assert!(messages > 0, "ISTHMUS_BENCH_MESSAGES must be at least 1: the benchmark opens the chat they make");
    let settle = Duration::from_secs(env_number("ISTHMUS_BENCH_SETTLE_SECS", 5));
    let soak = Duration::from_secs(env_number("ISTHMUS_BENCH_SOAK_SECS", 0));
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    let page = std::fs::read_to_string(&index).unwrap_or_default();
    assert!(
        !page.is_empty() && !page.contains("has not been built"),
        "the app embeds ui/dist, which must hold the built UI: run `npm --prefix ui run build`, then rebuild"
    );
    processes::check_parsers();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a Tokio runtime");
    let report = runtime.block_on(measure(messages, chats, settle, soak));
    if json {
        println!("{}", report.json());
    } else {
        print!("{}", report.table());
    }
}

/// The machinery around one app: Xvfb's display, tauri-driver and its log.
struct Bench {
    display: String,
    port: u16,
    driver_pid: u32,
    log: PathBuf,
}

impl Bench {
    /// Starts the app with `args` in a WebDriver session; returns the session and the app's id.
    async fn launch(&self, args: &[&str]) -> (Driver, u32) {
        // tauri-driver answers before WebKitWebDriver, which it starts, listens: retry a few times.
        let mut attempt = 0;
        let driver = loop {
            attempt += 1;
            match Driver::start(self.port, APP, args).await {
                Ok(driver) => break driver,
                Err(_) if attempt < 5 => tokio::time::sleep(Duration::from_secs(2)).await,
                Err(error) => panic!("no WebDriver session: {error}\n{}", self.driver_log()),
            }
        };
        let Some(app) = processes::wait_for_app(self.driver_pid, Path::new(APP), UI).await else {
            panic!("the app's process did not turn up below tauri-driver\n{}", self.driver_log())
        };
        (driver, app)
    }

    /// Types the benchmark profiles' passphrase into the unlock screen and unlocks.
    async fn unlock(&self, driver: &Driver) {
        let typed = driver.type_into("input[type='password']", separate::PASSPHRASE, UI).await;
        if let Err(error) = typed.and(driver.click_on(UNLOCK, UI).await) {
            panic!("{}", self.failure(driver, error).await);
        }
    }

    /// Waits for `selector`, or ends the run with what the page showed.
    async fn expect(&self, driver: &Driver, selector: &str) {
        if let Err(error) = driver.wait_for(selector, UI).await {
            panic!("{}", self.failure(driver, error).await);
        }
    }

    fn driver_log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// What went wrong, with what the page showed and what tauri-driver printed (WebKitWebDriver
    /// drops the app's own output); ends the session.
    async fn failure(&self, driver: &Driver, error: String) -> String {
        let text = driver.execute("return document.body.innerText").await.unwrap_or_default();
        let picture = std::env::temp_dir().join(format!("isthmus-bench-memory-failure-{}.png", self.port));
        harness::screenshot(&self.display, &picture);
        driver.quit().await;
        format!(
            "{error}\n--- the page said ---\n{text}\n--- screen: {} ---\n--- tauri-driver output ---\n{}",
            picture.display(),
            self.driver_log()
        )
    }

    /// Ends the session (which closes the app) and waits for the app to be gone, so the next
    /// run shares no pages with it.
    async fn close(&self, driver: Driver, app: u32) {
        driver.quit().await;
        if !processes::wait_for_exit(app, UI).await {
            eprintln!("memory: the app (pid {app}) did not exit after its session ended");
        }
    }
}

/// Measures the app once its memory settled: after `settle`, one sample a second until the last
/// `STEADY_SAMPLES` totals lie within `STEADY_KIB` of each other (WebKit's garbage collector and
/// caches keep moving for a while after a screen changes), or until `STEADY_AT_MOST` more passed.
async fn settled(app: u32, state: String, settle: Duration) -> Measured {
    let started = Instant::now();
    tokio::time::sleep(settle).await;
    let mut totals = Vec::new();
    loop {
        let processes = processes::snapshot(app);
        let ours: Vec<u32> = processes.iter().map(|p| p.pid).collect();
        let measured = Measured {
            state: state.clone(),
            sharing: processes::sharing_webkit(&ours),
            processes,
            after: started.elapsed(),
            spread_kib: 0,
        };
        totals.push(measured.pss_kib());
        let recent = &totals[totals.len().saturating_sub(STEADY_SAMPLES)..];
        let spread = recent.iter().max().copied().unwrap_or(0) - recent.iter().min().copied().unwrap_or(0);
        let steady = recent.len() == STEADY_SAMPLES && spread <= STEADY_KIB;
        if steady || started.elapsed() > settle + STEADY_AT_MOST {
            // Said as it is measured, so a long run's figures are seen before its report.
            eprintln!("memory: {}: {} KiB PSS in all", measured.state, measured.pss_kib());
            return Measured { spread_kib: spread, ..measured };
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn measure(messages: usize, chats: usize, settle: Duration, soak: Duration) -> Report {
    let (_xvfb, display) = harness::start_xvfb();
    let (port, native_port) = (harness::free_port(), harness::free_port());
    let log = std::env::temp_dir().join(format!("isthmus-bench-memory-{port}.log"));
    let driver_process = harness::start_tauri_driver(port, native_port, &display, &log);
    harness::wait_until_listening(port).await;
    let bench = Bench { display, port, driver_pid: driver_process.id(), log };
    let mut measured = Vec::new();

    eprintln!("memory: the app in sandbox mode, on the inbox, no history");
    let (driver, app) = bench.launch(&["--sandbox"]).await;
    if let Err(error) = driver.wait_for(INBOX, UI).await {
        panic!("{}", bench.failure(&driver, error).await);
    }
    measured.push(settled(app, "inbox, no history".into(), settle).await);
    bench.close(driver, app).await;

    eprintln!("memory: the app with robin sending {messages} messages");
    let count = messages.to_string();
    let (driver, app) = bench.launch(&["--sandbox", "--sandbox-history", &count]).await;
    let started = Instant::now();
    // The whole history is there, read and accepted, when robin's chat sits among the chats
    // (not the requests) with the last message as its preview.
    let number = history_number(messages, messages);
    let chat = format!("//*[@role='option'][contains(., '{HISTORY_SENDER}@{MEADOW}')][contains(., '{number} ')]");
    loop {
        match driver.wait_for(&chat, Duration::from_secs(30)).await {
            Ok(_) => break,
            Err(error) if started.elapsed() > SEEDING => panic!("{}", bench.failure(&driver, error).await),
            Err(_) => eprintln!("memory: {:.0} s, robin's messages still arriving", started.elapsed().as_secs_f64()),
        }
    }
    let seeding = started.elapsed();
    eprintln!("memory: the history arrived after {:.0} s", seeding.as_secs_f64());
    measured.push(settled(app, format!("inbox, {messages}-message chat in the profile"), settle).await);

    // Open it as a person would, and wait for the newest message to render.
    let newest = format!("//article[contains(., '{number} ')]");
    if let Err(error) = driver.click_on(&chat, UI).await {
        panic!("{}", bench.failure(&driver, error).await);
    }
    if let Err(error) = driver.wait_for(&newest, UI).await {
        panic!("{}", bench.failure(&driver, error).await);
    }
    measured.push(settled(app, format!("{messages}-message chat open"), settle).await);
    let articles = driver
        .execute("return document.querySelectorAll('article').length")
        .await
        .ok()
        .and_then(|value| value.as_u64())
        .unwrap_or(0);
    let screenshot = std::env::temp_dir().join("isthmus-bench-memory-chat.png");
    harness::screenshot(&bench.display, &screenshot);
    bench.close(driver, app).await;

    // Start-up before the soak, so an hour's run keeps its figures if the soak goes wrong.
    let startup = startup(&bench, chats, settle, &mut measured).await;
    let (separate_seeding, soaked) = against_separate_relays(&bench, messages, settle, soak, &mut measured).await;
    Report { messages, settle, seeding, separate_seeding, soaked, articles, measured, screenshot, startup }
}

/// The same screens with the relays and demo people in this process and the app on a profile
/// of its own (`separate.rs`), then, if `soak` is not zero, a soak of that length with the chat
/// open. Returns how long the history took to seed, and the soak's traffic.
async fn against_separate_relays(
    bench: &Bench,
    messages: usize,
    settle: Duration,
    soak: Duration,
    measured: &mut Vec<Measured>,
) -> (Duration, Option<report::Soak>) {
    eprintln!("memory: the app on its own profile, the relays in another process; no history");
    let relays = separate::Separate::start(messages).await;
    let profile = relays.profile().display().to_string();
    let (driver, app) = bench.launch(&["--profile", &profile]).await;
    bench.unlock(&driver).await;
    bench.expect(&driver, INBOX).await;
    measured.push(settled(app, "separate relays: inbox, no history".into(), settle).await);
    bench.close(driver, app).await;

    eprintln!("memory: robin sends {messages} messages to the closed app's profile");
    let seeding = relays.seed(messages).await;
    eprintln!("memory: the history arrived after {:.0} s", seeding.as_secs_f64());
    let (driver, app) = bench.launch(&["--profile", &profile]).await;
    bench.unlock(&driver).await;
    let number = history_number(messages, messages);
    let chat = format!("//*[@role='option'][contains(., '{HISTORY_SENDER}@{MEADOW}')][contains(., '{number} ')]");
    bench.expect(&driver, &chat).await;
    measured
        .push(settled(app, format!("separate relays: inbox, {messages}-message chat in the profile"), settle).await);
    if let Err(error) = driver.click_on(&chat, UI).await {
        panic!("{}", bench.failure(&driver, error).await);
    }
    bench.expect(&driver, &format!("//article[contains(., '{number} ')]")).await;
    measured.push(settled(app, format!("separate relays: {messages}-message chat open"), settle).await);
    let mut soaked = None;
    if !soak.is_zero() {
        let minutes = soak.as_secs_f64() / 60.0;
        eprintln!("memory: soak, {minutes:.0} min of robin's texts and pictures to the open chat");
        let (texts, pictures) = relays.soak(soak).await;
        measured.push(settled(app, format!("{SOAK_END} ({minutes:.0} min)"), settle).await);
        soaked = Some(report::Soak { length: soak, texts, pictures });
    }
    bench.close(driver, app).await;
    (seeding, soaked)
}

/// Start-up: from launch to the unlock screen, and from the unlock to the inbox on screen, on
/// a profile with no chats and on one with `chats` (bench_support::profile_with_chats; offline:
/// the account's relay never answers, so only the profile's own work is timed).
async fn startup(bench: &Bench, chats: usize, settle: Duration, measured: &mut Vec<Measured>) -> Vec<Startup> {
    let mut timed = Vec::new();
    for count in [0, chats] {
        eprintln!("memory: start-up with {count} chats");
        let folder = tempfile::Builder::new().prefix("isthmus-bench-startup-").tempdir().expect("a folder");
        let profile = folder.path().join("profile");
        let made = profile.clone();
        // It runs the engine's pipeline on a runtime of its own, so off this one.
        tokio::task::spawn_blocking(move || {
            isthmus_core::bench_support::profile_with_chats(&made, separate::PASSPHRASE, KdfParams::default(), count)
        })
        .await
        .expect("the profile maker ran")
        .expect("a profile with chats");
        let profile = profile.display().to_string();
        let launched = Instant::now();
        let (driver, app) = bench.launch(&["--profile", &profile]).await;
        bench.expect(&driver, UNLOCK).await;
        let to_unlock_screen = launched.elapsed();
        let typed = driver.type_into("input[type='password']", separate::PASSPHRASE, UI).await;
        if let Err(error) = typed {
            panic!("{}", bench.failure(&driver, error).await);
        }
        let unlocking = Instant::now();
        if let Err(error) = driver.click_on(UNLOCK, UI).await {
            panic!("{}", bench.failure(&driver, error).await);
        }
        // The newest chat heads the list; with none, the inbox itself.
        let shown = match count {
            0 => INBOX.to_owned(),
            n => format!("//*[@role='option'][contains(., 'person{}@')]", n - 1),
        };
        bench.expect(&driver, &shown).await;
        let unlock_to_inbox = unlocking.elapsed();
        if count > 0 {
            measured.push(settled(app, format!("inbox, {count} chats (offline)"), settle).await);
        }
        bench.close(driver, app).await;
        timed.push(Startup { chats: count, to_unlock_screen, unlock_to_inbox });
    }
    timed
}
