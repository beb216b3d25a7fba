//! A D-Bus session bus of a test's own, and a notification server on it, so the app's
//! single-instance name and notifications meet no desktop's running Isthmus or server.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::harness;

/// A process stopped (SIGTERM, then SIGKILL) and reaped on drop.
pub struct Stopped(pub Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a session bus; returns it with its address.
pub fn start() -> (Stopped, String) {
    let daemon = harness::find_program("dbus-daemon").expect("dbus-daemon is installed (Debian: dbus-daemon)");
    let mut child = Command::new(daemon)
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon starts");
    let mut address = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut address)
        .expect("dbus-daemon prints its address");
    (Stopped(child), address.trim().to_owned())
}

/// Starts dunst, a notification server that supports actions, on `display` and the bus at
/// `bus`; returns once it owns the notification service's name.
pub fn start_notification_server(display: &str, bus: &str) -> Stopped {
    let dunst = harness::find_program("dunst").expect("dunst is installed (Debian: dunst)");
    let child = Command::new(dunst)
        .env("DISPLAY", display)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dunst starts");
    let server = Stopped(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if names(bus).iter().any(|name| name == "org.freedesktop.Notifications") {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("dunst did not take org.freedesktop.Notifications");
}

/// The names on the bus at `bus`.
pub fn names(bus: &str) -> Vec<String> {
    let output = Command::new("dbus-send")
        .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
        .arg("org.freedesktop.DBus.ListNames")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .expect("dbus-send runs");
    String::from_utf8_lossy(&output.stdout).split('"').skip(1).step_by(2).map(str::to_owned).collect()
}
