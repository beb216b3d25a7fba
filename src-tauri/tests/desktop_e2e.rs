//! The real desktop app, end to end: the built binary in sandbox mode (two real relays in the
//! app, demo people on them), driven through tauri-driver and WebKitWebDriver under Xvfb, as a
//! person would use it: lock and unlock, allow the other network through its disclosure,
//! receive a message request, accept it, reply, and see the reply delivered.
//!
//! A second test opens a chat of 5,001 messages and finds its first one through search.
//!
//! Runs only when ISTHMUS_DESKTOP_E2E is set (scripts/test sets it), because it needs Xvfb,
//! WebKitWebDriver, tauri-driver and the UI built into ui/dist. With ISTHMUS_SCREENSHOTS set to
//! a folder it also captures the screens it passes through (docs/screenshots).

#[path = "e2e/harness.rs"]
mod harness;
#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use webdriver::Driver;

const APP: &str = env!("CARGO_BIN_EXE_isthmus-desktop");
const ME: &str = "me@meadow.test";
const OTHER_NETWORK: &str = "harbor.test";
/// The demo person who writes to everyone new (crates/isthmus-sandbox).
const REQUESTER: &str = "wren@harbor.test";

/// Long enough for a debug build's first paint and a federation round trip on a slow machine.
const UI: Duration = Duration::from_secs(60);
const NETWORK: Duration = Duration::from_secs(90);
/// Long enough for a debug build to receive, store and index 5,001 messages on a slow machine.
const HISTORY: Duration = Duration::from_secs(600);

fn xpath_button(text: &str) -> String {
    format!("//button[normalize-space()='{text}']")
}

struct Screens {
    folder: Option<PathBuf>,
    display: String,
}

impl Screens {
    fn capture(&self, name: &str) {
        if let Some(folder) = &self.folder {
            std::fs::create_dir_all(folder).expect("screenshot folder");
            // Let the last change paint before capturing.
            std::thread::sleep(Duration::from_millis(1500));
            harness::screenshot(&self.display, &folder.join(format!("{name}.png")));
        }
    }
}

/// One app at a time: each test starts its own Xvfb, driver and app, and two at once would
/// starve a small machine's cores into timeouts.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

type Drive = for<'a> fn(
    &'a Driver,
    &'a Screens,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = webdriver::Result<()>> + 'a>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_allows_the_other_network_accepts_a_request_and_their_reply_is_delivered() {
    with_app(&["--sandbox"], |driver, screens| Box::pin(drive(driver, screens))).await;
}

/// Search over the engine's index (issue 17): a message 5,000 messages back is found and the
/// chat opens on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_a_message_5000_messages_back_and_lands_on_it() {
    with_app(&["--sandbox", "--sandbox-history", "5001"], |driver, screens| Box::pin(search(driver, screens))).await;
}

/// Starts the built app in sandbox mode with `args` under Xvfb and tauri-driver, runs `steps`,
/// and on failure reports what the person would have seen.
async fn with_app(args: &[&str], steps: Drive) {
    if std::env::var_os("ISTHMUS_DESKTOP_E2E").is_none() {
        println!(
            "SKIPPED desktop end-to-end test: set ISTHMUS_DESKTOP_E2E=1 to drive the real app \
             (needs xvfb, webkit2gtk-driver, tauri-driver and ui/dist built; scripts/test does all that)"
        );
        return;
    }
    let _alone = ONE_APP_AT_A_TIME.lock().await;
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    let page = std::fs::read_to_string(&index).unwrap_or_default();
    assert!(
        !page.is_empty() && !page.contains("has not been built"),
        "the app embeds ui/dist, which must hold the built UI: run `npm --prefix ui run build`, then rebuild"
    );

    let (_xvfb, display) = harness::start_xvfb();
    let (port, native_port) = (harness::free_port(), harness::free_port());
    let log = std::env::temp_dir().join(format!("isthmus-tauri-driver-{port}.log"));
    let _driver_process = harness::start_tauri_driver(port, native_port, &display, &log);
    harness::wait_until_listening(port).await;
    let screens = Screens { folder: std::env::var_os("ISTHMUS_SCREENSHOTS").map(PathBuf::from), display };

    // tauri-driver answers before WebKitWebDriver, which it starts, is listening: on a busy machine
    // the first session request can find nobody there. Try a few times before calling it a failure.
    let app_log = std::env::temp_dir().join(format!("isthmus-desktop-e2e-app-{port}.log"));
    let app = logging_launcher(&app_log);
    let mut attempt = 0;
    let driver = loop {
        attempt += 1;
        match Driver::start(port, &app.to_string_lossy(), args).await {
            Ok(driver) => break driver,
            Err(_) if attempt < 5 => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
            Err(error) => {
                panic!("no WebDriver session: {error}\n{}", std::fs::read_to_string(&log).unwrap_or_default())
            }
        }
    };
    let outcome = steps(&driver, &screens).await;
    if let Err(error) = outcome {
        // What the person would have seen: the page's text and a picture of the screen.
        let text = driver.execute("return document.body.innerText").await.unwrap_or_default();
        // What the engine holds, next to what the page shows: tells a lost event from a lost message.
        let held = driver
            .execute(
                "return window.__TAURI_INTERNALS__.invoke('conversations').then((list) => JSON.stringify(\
                 list.map((c) => ({ peer: c.peer, request: c.request, last_activity: c.last_activity }))))",
            )
            .await
            .unwrap_or_else(|error| serde_json::Value::String(format!("(not read: {error})")));
        let picture = std::env::temp_dir().join(format!("isthmus-desktop-e2e-failure-{port}.png"));
        harness::screenshot(&screens.display, &picture);
        driver.quit().await;
        panic!(
            "{error}\n--- the page said ---\n{text}\n--- the engine's chats ---\n{held}\n--- screen: {} ---\n--- tauri-driver output ---\n{}\n\
             --- the app's log ({}) ---\n{}",
            picture.display(),
            std::fs::read_to_string(&log).unwrap_or_default(),
            app_log.display(),
            std::fs::read_to_string(&app_log).unwrap_or_default()
        );
    }
    driver.quit().await;
}

/// WebKitWebDriver starts the app with its output thrown away. The test starts it through this
/// script instead, which keeps the app's log (at info, which names no user data) for a failure
/// report.
fn logging_launcher(log: &Path) -> tempfile::TempPath {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    let mut script =
        tempfile::Builder::new().prefix("isthmus-desktop-e2e-").suffix(".sh").tempfile().expect("a script");
    writeln!(
        script,
        "#!/bin/sh\nISTHMUS_LOG=\"${{ISTHMUS_LOG:-info}}\" exec '{}' \"$@\" >>'{}' 2>&1",
        APP,
        log.display()
    )
    .expect("the script is written");
    let path = script.into_temp_path();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("the script is executable");
    path
}

async fn drive(driver: &Driver, screens: &Screens) -> webdriver::Result<()> {
    let settings = format!("//nav[@aria-label='Chats']{}", xpath_button("Settings"));
    // Sandbox mode opens unlocked on the inbox: the sidebar with its tools is there.
    driver.wait_for(&settings, UI).await?;
    screens.capture("inbox-empty");

    // Lock, then unlock with the sandbox's passphrase: the profile closes and opens for real.
    driver.click_on(&settings, UI).await?;
    driver.click_on(&xpath_button("Lock now"), UI).await?;
    driver.wait_for(&xpath_button("Unlock"), UI).await?;
    screens.capture("unlock");
    driver.type_into("input[type='password']", "sandbox", UI).await?;
    driver.click_on(&xpath_button("Unlock"), UI).await?;

    // Allow harbor.test for this account, through its disclosure.
    driver.click_on(&settings, UI).await?;
    driver.click_on(&format!("button[aria-label='Turn on {OTHER_NETWORK} for {ME}']"), UI).await.map_err(|error| {
        format!("{error}\n(settings list only the networks the UI knows: harbor.test must be among them)")
    })?;
    let allow = xpath_button(&format!("Allow {OTHER_NETWORK}"));
    driver.wait_for(&allow, UI).await?;
    screens.capture("interop-disclosure");
    driver.click_on(&allow, UI).await?;
    // The row now offers to turn it off again: the relay and the profile both said yes.
    driver.wait_for(&format!("button[aria-label='Turn off {OTHER_NETWORK} for {ME}']"), NETWORK).await?;
    screens.capture("settings");
    driver.click_on("dialog[open] button[aria-label='Close']", UI).await?;

    // Wren, on harbor.test, writes first: a message request appears among the requests.
    driver.click_on("//*[@aria-label='Filter chats']//button[starts-with(normalize-space(), 'Requests')]", UI).await?;
    let request = format!("//*[@role='option'][contains(., '{REQUESTER}')]");
    driver.wait_for(&request, NETWORK).await?;
    screens.capture("inbox-request");
    driver.click_on(&request, UI).await?;
    let accept = format!("//*[@aria-label='Message request']{}", xpath_button("Accept"));
    driver.wait_for(&accept, UI).await?;
    screens.capture("request");
    driver.click_on(&accept, UI).await?;

    // Reply; Enter sends.
    let composer = "textarea[aria-label='Message']";
    driver.type_into(composer, "Hello wren, nice to meet you across the isthmus", UI).await?;
    driver.type_into(composer, "\u{E007}", UI).await?;

    // The reply reaches wren's device on the other network: its mark turns to delivered (or read).
    let delivered = "//article[contains(@class,'message--out')][contains(., 'across the isthmus')]\
                     //*[@role='img'][@aria-label='Delivered' or @aria-label='Read']";
    driver.wait_for(delivered, NETWORK).await?;
    screens.capture("conversation");

    // Accepted, wren's chat is an ordinary one now: it sits in the inbox with everything else.
    driver.click_on("//*[@aria-label='Filter chats']//button[normalize-space()='All']", UI).await?;
    driver.wait_for(&request, UI).await?;
    screens.capture("inbox");
    Ok(())
}

/// Robin's 5,001 messages arrive through the relays; the first, 5,000 messages back, is the only
/// one with "quokka" (isthmus_sandbox::FIRST_LINE). Search finds it from the inbox, and choosing
/// the result opens robin's chat on that message, in view and marked.
async fn search(driver: &Driver, screens: &Screens) -> webdriver::Result<()> {
    // The inbox shows robin's chat ending on the last message once the whole history is in.
    let complete = "//*[@role='option'][contains(., 'robin@meadow.test')][contains(., '5001/5001')]";
    driver.wait_for(complete, HISTORY).await?;
    driver.type_into("#inbox-search", "QUOKK", UI).await?;
    let hit = "//section[contains(@class,'search-hits')]\
               //button[contains(@class,'search-hit')][.//mark[normalize-space()='quokka']]";
    driver.wait_for(hit, NETWORK).await?;
    screens.capture("search");
    driver.click_on(hit, UI).await?;
    let found = "//*[contains(@class,'timeline-row--found')][contains(., '1/5001')][contains(., 'quokka')]";
    let article = driver.wait_for(found, NETWORK).await?;
    if !driver.displayed(&article).await? {
        return Err("the found message is not displayed".into());
    }
    // In view: inside the window, not merely in the page.
    let in_view = driver
        .execute(
            "const box = document.querySelector('.timeline-row--found').getBoundingClientRect();\
             return box.bottom > 0 && box.top < window.innerHeight;",
        )
        .await?;
    if in_view != serde_json::Value::Bool(true) {
        return Err("the found message is not scrolled into view".into());
    }
    screens.capture("search-landed");
    Ok(())
}
