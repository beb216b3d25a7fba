//! A click on a notification opens its chat, with a real notification server: the app (in the
//! sandbox, driven through tauri-driver under Xvfb) shows a notification naming a chat through
//! its `notify` command; dunst, on a session bus of the test's own, shows it; the test clicks
//! it (`dunstctl action`, the server's default action, as a click on the bubble does); the page
//! must hear "isthmus://open-conversation" with that chat's id.
//!
//! Runs only when ISTHMUS_DESKTOP_E2E is set (scripts/test sets it), because it needs Xvfb,
//! dbus-daemon, dunst, WebKitWebDriver and tauri-driver.

#[allow(dead_code)] // the display and tauri-driver only
#[path = "e2e/harness.rs"]
mod harness;
#[path = "e2e/session_bus.rs"]
mod session_bus;
#[allow(dead_code)] // scripts only
#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use webdriver::Driver;

const APP: &str = env!("CARGO_BIN_EXE_isthmus-desktop");
/// A debug build's first paint on a slow machine.
const UI: Duration = Duration::from_secs(90);

/// Registers a listener for the event (as tauri.ts `onOpenConversation` does), then asks for a
/// notification about chat `cdcd…`.
const NOTIFY: &str = r#"
const T = window.__TAURI_INTERNALS__;
window.__opened = [];
T.invoke("plugin:event|listen", {
  event: "isthmus://open-conversation",
  target: { kind: "Any" },
  handler: T.transformCallback((event) => window.__opened.push(event.payload)),
}).then(() => T.invoke("notify", { title: "robin@meadow.test", body: "hello", conversationId: "cd".repeat(32) }))
  .then(() => { window.__shown = true; }, (error) => { window.__shown = JSON.stringify(error); });
return true;
"#;

fn dunstctl(bus: &str, args: &[&str]) -> String {
    let output =
        Command::new("dunstctl").args(args).env("DBUS_SESSION_BUS_ADDRESS", bus).output().expect("dunstctl runs");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Runs `script` until it returns something `done` accepts, or panics after `within`.
async fn until(driver: &Driver, script: &str, within: Duration, done: impl Fn(&Value) -> bool, what: &str) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let value = driver.execute(script).await.unwrap_or(Value::Null);
        if done(&value) {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: last saw {value}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_notification_tells_the_page_to_open_its_chat() {
    if std::env::var_os("ISTHMUS_DESKTOP_E2E").is_none() {
        println!(
            "SKIPPED notification click test: set ISTHMUS_DESKTOP_E2E=1 (needs xvfb, dbus-daemon, dunst, tauri-driver)"
        );
        return;
    }
    let (_xvfb, display) = harness::start_xvfb();
    let (_bus_daemon, bus) = session_bus::start();
    let _server = session_bus::start_notification_server(&display, &bus);
    let (port, native_port) = (harness::free_port(), harness::free_port());
    let log = std::env::temp_dir().join(format!("isthmus-notification-e2e-driver-{port}.log"));
    let _driver_process = harness::start_tauri_driver_with(
        port,
        native_port,
        &display,
        &log,
        &[("DBUS_SESSION_BUS_ADDRESS", bus.as_str())],
    );
    harness::wait_until_listening(port).await;
    let mut attempt = 0;
    let driver = loop {
        attempt += 1;
        match Driver::start(port, APP, &["--sandbox"]).await {
            Ok(driver) => break driver,
            Err(_) if attempt < 5 => tokio::time::sleep(Duration::from_secs(2)).await,
            Err(error) => {
                panic!("no WebDriver session: {error}\n{}", std::fs::read_to_string(&log).unwrap_or_default())
            }
        }
    };

    until(&driver, "return typeof window.__TAURI_INTERNALS__", UI, |v| v == "object", "the page loads").await;
    driver.execute(NOTIFY).await.expect("the script runs");
    until(
        &driver,
        "return window.__shown === undefined ? null : window.__shown",
        UI,
        |v| !v.is_null(),
        "notify answers",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while dunstctl(&bus, &["count", "displayed"]) != "1" {
        assert!(Instant::now() < deadline, "the server shows the notification");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    dunstctl(&bus, &["action", "0"]);
    let opened = until(
        &driver,
        "return window.__opened",
        Duration::from_secs(20),
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
        "the click reaches the page",
    )
    .await;
    driver.quit().await;
    assert_eq!(
        opened,
        serde_json::json!(["cd".repeat(32)]),
        "the page is asked to open exactly the chat the notification was about"
    );
}
