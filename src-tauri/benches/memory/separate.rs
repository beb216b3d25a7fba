//! The app against relays in another process: the sandbox's two relays and demo people run in
//! this benchmark's process, and the app opens a real profile on them with `--profile`, as a
//! user's app would, so what is measured is the app's own memory (in sandbox mode the app's
//! process also holds both relays, the demo people and robin's copy of the history).
//!
//! The history reaches the profile as it reaches any profile (robin sends, the user's engine
//! receives, reads and accepts), with the user's engine run here while the app is closed; the
//! app then opens a profile that already holds it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use isthmus_core::{Engine, KdfParams, Profile, RelayTrust};
use isthmus_proto::Address;
use isthmus_sandbox::{Options, Sandbox};

/// The passphrase of the profiles the benchmark makes.
pub const PASSPHRASE: &str = "bench passphrase";

pub struct Separate {
    pub sandbox: Sandbox,
    folder: tempfile::TempDir,
    pub account: Address,
}

impl Separate {
    /// Starts the relays and demo people, room made for `history` messages, and makes the
    /// user's profile with one account on meadow.test (the default key derivation, as a user's).
    pub async fn start(history: usize) -> Separate {
        let sandbox = Sandbox::start_with(None, "127.0.0.1:0", "127.0.0.1:0", Options { history })
            .await
            .expect("the sandbox relays start");
        let folder = tempfile::Builder::new().prefix("isthmus-bench-separate-").tempdir().expect("a folder");
        let profile = Profile::create(&folder.path().join("profile"), PASSPHRASE, KdfParams::default())
            .expect("a profile is made");
        let engine = Engine::open(profile).expect("the engine opens");
        let info = engine.add_account(&sandbox.meadow.url(), "me", RelayTrust::default()).await.expect("registered");
        let account: Address = info.address.parse().expect("an address");
        engine.shutdown().await.expect("the profile is let go");
        Separate { sandbox, folder, account }
    }

    pub fn profile(&self) -> PathBuf {
        self.folder.path().join("profile")
    }

    /// Robin sends `count` messages to the user, whose engine (here, the app closed) receives
    /// them, reads them and accepts the request. Returns how long it took.
    pub async fn seed(&self, count: usize) -> Duration {
        let started = Instant::now();
        let profile = unlock(&self.profile()).await;
        let engine = Engine::open(profile).expect("the engine opens");
        engine.connect(&self.account).expect("online");
        self.sandbox.seed_history(&engine, &self.account, count).await.expect("the history arrives");
        engine.shutdown().await.expect("the profile is let go");
        started.elapsed()
    }
}

/// Unlocks a profile, waiting for the app that had it open to have let go of its lock.
async fn unlock(folder: &Path) -> Profile {
    let started = Instant::now();
    loop {
        match Profile::unlock(folder, PASSPHRASE) {
            Ok(profile) => return profile,
            Err(_) if started.elapsed() < Duration::from_secs(30) => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(error) => panic!("the profile does not unlock: {error}"),
        }
    }
}

/// What a soak sends: a text every `TEXT_EVERY`, every `PICTURE_EVERY`th of them a picture.
const TEXT_EVERY: Duration = Duration::from_secs(2);
const PICTURE_EVERY: u64 = 15;

impl Separate {
    /// Robin writes to the user for `length`: texts, and now and then a picture, which the
    /// open app receives, shows and answers with receipts. Returns how many were sent.
    pub async fn soak(&self, length: Duration) -> (u64, u64) {
        let robin = self
            .sandbox
            .people
            .iter()
            .find(|person| person.address.name.as_str() == isthmus_sandbox::HISTORY_SENDER)
            .expect("robin is in the sandbox");
        let started = Instant::now();
        let (mut texts, mut pictures) = (0u64, 0u64);
        while started.elapsed() < length {
            let n = texts + pictures + 1;
            if n % PICTURE_EVERY == 0 {
                let caption = format!("soak {n}");
                match self.sandbox.send_picture(isthmus_sandbox::HISTORY_SENDER, &self.account, &caption).await {
                    Ok(()) => pictures += 1,
                    Err(error) => eprintln!("memory: soak picture {n} not sent: {error}"),
                }
            } else {
                match robin.engine.send_text(&robin.address, &self.account, format!("soak {n}")).await {
                    Ok(_) => texts += 1,
                    Err(error) => eprintln!("memory: soak message {n} not sent: {error}"),
                }
            }
            tokio::time::sleep(TEXT_EVERY).await;
        }
        (texts, pictures)
    }
}
