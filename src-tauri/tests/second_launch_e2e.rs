//! A second launch shows the running app instead of starting another: the real binary, twice,
//! under Xvfb with a private D-Bus session bus (where tauri-plugin-single-instance claims its
//! name). The second process must hand over to the first and exit at once with success; the
//! first must hear of it and keep running. A launch on another profile is no second launch.
//!
//! Runs only when ISTHMUS_DESKTOP_E2E is set (scripts/test sets it), because it needs Xvfb and
//! dbus-daemon.

#[allow(dead_code)] // this test uses only the display
#[path = "e2e/harness.rs"]
mod harness;
#[allow(dead_code)] // nor does it need a notification server
#[path = "e2e/session_bus.rs"]
mod session_bus;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use session_bus::Stopped;

const APP: &str = env!("CARGO_BIN_EXE_isthmus-desktop");
/// The line the running app logs when it is launched again (second_launch.rs).
const HANDED_OVER: &str = "launched again: showing the window";
/// Long enough for a debug build to start on a slow machine.
const START: Duration = Duration::from_secs(90);

/// Everything an app launched here needs: the display, the bus, and folders of the test's own
/// (the window state goes to the config folder).
struct Desktop {
    display: String,
    bus: String,
    home: tempfile::TempDir,
}

impl Desktop {
    fn launch(&self, profile: &Path, log: &Path) -> Child {
        let log = std::fs::File::create(log).expect("a log file");
        Command::new(APP)
            .arg("--profile")
            .arg(profile)
            .env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("NO_AT_BRIDGE", "1")
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("ISTHMUS_LOG", "info")
            .stdout(Stdio::from(log.try_clone().expect("log file")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the app starts")
    }

    /// The names on the bus that start with the app's identifier.
    fn app_names(&self) -> Vec<String> {
        session_bus::names(&self.bus).into_iter().filter(|name| name.starts_with("test.isthmus.desktop")).collect()
    }

    /// Waits until `count` instances hold their names on the bus (each holds one once its
    /// plugins are set up).
    fn wait_for_instances(&self, count: usize, app: &mut Child, log: &Path) {
        let deadline = Instant::now() + START;
        while Instant::now() < deadline {
            if self.app_names().len() >= count {
                return;
            }
            if let Ok(Some(status)) = app.try_wait() {
                panic!("the app exited ({status}) before it was up:\n{}", read(log));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("no Isthmus instance appeared on the bus: {:?}\n{}", self.app_names(), read(log));
    }
}

fn read(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

fn wait_for_exit(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn a_second_launch_hands_over_to_the_running_app_and_another_profile_runs_beside_it() {
    if std::env::var_os("ISTHMUS_DESKTOP_E2E").is_none() {
        println!("SKIPPED second-launch test: set ISTHMUS_DESKTOP_E2E=1 (needs xvfb and dbus-daemon)");
        return;
    }
    let (_xvfb, display) = harness::start_xvfb();
    let (_bus_daemon, bus) = session_bus::start();
    let root = tempfile::tempdir().expect("temp dir");
    let desktop = Desktop { display, bus, home: tempfile::tempdir().expect("temp dir") };
    let profile: PathBuf = root.path().join("profile");
    let logs = |name: &str| root.path().join(format!("{name}.log"));

    let mut first = desktop.launch(&profile, &logs("first"));
    desktop.wait_for_instances(1, &mut first, &logs("first"));
    let first = Stopped(first);

    let mut second = desktop.launch(&profile, &logs("second"));
    let status = wait_for_exit(&mut second, START);
    let _second = Stopped(second);
    assert!(
        status.is_some_and(|status| status.success()),
        "a second launch on the same profile hands over and exits successfully ({status:?}), instead of \
         waiting on the profile lock and failing:\n{}",
        read(&logs("second"))
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    while !read(&logs("first")).contains(HANDED_OVER) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        read(&logs("first")).contains(HANDED_OVER),
        "the running app was told and brought its window forward:\n{}",
        read(&logs("first"))
    );
    let mut first = first;
    assert!(matches!(first.0.try_wait(), Ok(None)), "the running app keeps running");

    // Another profile is another app: it starts and holds a name of its own.
    let mut other = desktop.launch(&root.path().join("other"), &logs("other"));
    desktop.wait_for_instances(2, &mut other, &logs("other"));
    let mut other = Stopped(other);
    assert!(matches!(other.0.try_wait(), Ok(None)), "a launch on another profile is not handed over");
    assert_eq!(read(&logs("first")).matches(HANDED_OVER).count(), 1, "the first heard of one second launch only");
}
