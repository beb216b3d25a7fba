//! The processes the desktop end-to-end test needs: Xvfb on a free display and tauri-driver
//! (which starts WebKitWebDriver, which starts the app) on free loopback ports. Each stops
//! when its guard drops, so a failed assertion leaves nothing running.

use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed (and reaped) on drop, with its whole process group when it leads
/// one: tauri-driver starts WebKitWebDriver, which would outlive a plain kill.
pub struct Running {
    child: Child,
    group: bool,
}

impl Running {
    fn alone(child: Child) -> Self {
        Running { child, group: false }
    }

    fn group(child: Child) -> Self {
        Running { child, group: true }
    }

    /// The process id, to find what the process started (the memory benchmark measures the app
    /// that tauri-driver's WebKitWebDriver launched).
    #[allow(dead_code)] // the end-to-end test has no use for it
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    /// Asks first (SIGTERM), so Xvfb removes its lock file and socket; a killed Xvfb leaves them
    /// behind, and after enough runs every display looks taken. Kills what is still there after
    /// two seconds.
    fn drop(&mut self) {
        let target = if self.group { format!("-{}", self.child.id()) } else { self.child.id().to_string() };
        let _ = Command::new("kill").args(["-TERM", "--", &target]).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether display `n` is free: no lock file, or one whose X server is gone (a server that was
/// killed leaves its lock and socket behind; those are removed so the display can be used).
fn display_is_free(n: u32) -> bool {
    let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    let Ok(content) = std::fs::read_to_string(&lock) else { return !socket.exists() };
    let alive = content.trim().parse::<u32>().is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
    if alive {
        return false;
    }
    let _ = std::fs::remove_file(&lock);
    let _ = std::fs::remove_file(&socket);
    true
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free loopback port")
}

/// Finds `program` on PATH or in ~/.cargo/bin (where `cargo install` puts tauri-driver).
pub fn find_program(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|dir| dir.join(program)).find(|path| path.is_file())
}

/// Starts Xvfb on the first display from :90 whose socket and lock are free, as large as the
/// app's window (tauri.conf.json), so screenshots show the app and nothing else.
pub fn start_xvfb() -> (Running, String) {
    let xvfb = find_program("Xvfb").expect("Xvfb is installed (Debian: xvfb)");
    for n in 90..140 {
        if !display_is_free(n) {
            continue;
        }
        let display = format!(":{n}");
        let child = Command::new(&xvfb)
            .args([display.as_str(), "-screen", "0", "1180x780x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut running = Running::alone(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (running, display);
            }
            if let Ok(Some(_)) = running.child.try_wait() {
                break; // lost a race for this display; try the next
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("no free X display for Xvfb between :90 and :139");
}

/// Starts tauri-driver on `port`, with WebKitWebDriver on `native_port`, on `display`.
pub fn start_tauri_driver(port: u16, native_port: u16, display: &str, log: &Path) -> Running {
    start_tauri_driver_with(port, native_port, display, log, &[])
}

/// [`start_tauri_driver`], with `env` set for it and so for the app it starts (a session bus).
pub fn start_tauri_driver_with(
    port: u16,
    native_port: u16,
    display: &str,
    log: &Path,
    env: &[(&str, &str)],
) -> Running {
    let driver = find_program("tauri-driver").expect("tauri-driver is installed (cargo install tauri-driver --locked)");
    let native = find_program("WebKitWebDriver").expect("WebKitWebDriver is installed (Debian: webkit2gtk-driver)");
    let log = std::fs::File::create(log).expect("a log file for tauri-driver");
    let child = Command::new(driver)
        // Its own process group, so WebKitWebDriver (its child) goes with it.
        .process_group(0)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .arg("--native-driver")
        .arg(native)
        .env("DISPLAY", display)
        // No accessibility bus under Xvfb; without this GTK waits for one.
        .env("NO_AT_BRIDGE", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::from(log.try_clone().expect("log file")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("tauri-driver starts");
    Running::group(child)
}

/// Waits until tauri-driver answers on its port.
pub async fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("tauri-driver did not listen on 127.0.0.1:{port}");
}

/// Captures the whole virtual screen (ImageMagick's `import`), for docs/screenshots.
pub fn screenshot(display: &str, file: &Path) {
    let status = Command::new("import").args(["-display", display, "-window", "root"]).arg(file).status();
    assert!(status.is_ok_and(|s| s.success()), "import (ImageMagick) captured {}", file.display());
}
