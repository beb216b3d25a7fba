//! Sandbox mode (`--sandbox` or ISTHMUS_SANDBOX=1): two peered relays in this process with demo
//! people, and a throwaway profile on them, unlocked, so the app opens on the inbox. The demo
//! people welcome the user at once: a message request and a group are waiting on first run.

use isthmus_core::{Engine, KdfParams, Profile};
use isthmus_proto::Address;
use isthmus_sandbox::{Options, Sandbox, HARBOR, HISTORY_SENDER, MEADOW};
use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// The sandbox profile's passphrase, for testers who lock and unlock it.
pub const PASSPHRASE: &str = "sandbox";
/// The sandbox user's name on meadow.test.
pub const USER: &str = "me";

pub struct SandboxMode {
    pub sandbox: Sandbox,
    /// The user's account, `me@meadow.test`.
    pub account: Address,
    /// The profile's temporary folder; removed when the app exits.
    root: tempfile::TempDir,
}

/// Why sandbox mode could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(transparent)]
    Sandbox(#[from] isthmus_sandbox::Error),
    #[error(transparent)]
    Engine(#[from] isthmus_core::Error),
    #[error("no temporary folder for the sandbox profile: {0}")]
    Io(#[from] std::io::Error),
}

impl SandboxMode {
    /// Starts the relays and demo people, creates the profile with its one account, and returns
    /// it unlocked. The demo people are told the user arrived: finch's message request and
    /// robin's group wait on the relay until the engine goes online. Needs a Tokio runtime (the
    /// relays run on it). `history` is how many messages `seed_history` will be asked for, so
    /// the relays make room for them.
    pub async fn start(history: usize) -> Result<(SandboxMode, Engine), SandboxError> {
        let sandbox = Sandbox::start_with(None, "127.0.0.1:0", "127.0.0.1:0", Options { history }).await?;
        let root = tempfile::Builder::new().prefix("isthmus-desktop-sandbox-").tempdir()?;
        let profile = Profile::create(&root.path().join("profile"), PASSPHRASE, KdfParams::default())
            .map_err(isthmus_core::Error::from)?;
        let engine = Engine::open(profile)?;
        let address =
            engine.add_account(&sandbox.meadow.url(), USER, isthmus_core::RelayTrust::default()).await?.address;
        let account: Address = address.parse().map_err(isthmus_core::Error::InvalidAddress)?;
        sandbox.welcome(&account);
        Ok((SandboxMode { sandbox, account, root }, engine))
    }

    pub fn profile_dir(&self) -> std::path::PathBuf {
        self.root.path().join("profile")
    }

    /// What testers need to join from the CLI; printed to stdout at start.
    pub fn summary(&self) -> String {
        let mut text = String::from("Isthmus sandbox: two peered networks in this app.\n");
        text.push_str(&format!(
            "  {MEADOW}  relay {}\n  {HARBOR}  relay {}\n",
            self.sandbox.meadow.url(),
            self.sandbox.harbor.url()
        ));
        text.push_str(&format!("You are {} (profile passphrase: {PASSPHRASE}).\nDemo people:\n", self.account));
        for person in &self.sandbox.people {
            text.push_str(&format!("  {:<24} {}\n", person.address.to_string(), person.role));
        }
        text.push_str(&format!(
            "Join with the CLI: isthmus-cli account add --relay {} --name YOU (see `isthmus-cli sandbox --help`)\n",
            self.sandbox.meadow.url()
        ));
        text
    }

    /// Called when the user let another network in: the demo people hear that the user allowed
    /// harbor.test (the sandbox's only other network), and wren, who sends requests from there,
    /// writes (now that the relay lets it through).
    pub fn user_allowed_interop(&self, account: &Address) {
        if account == &self.account {
            self.sandbox.introduce(account);
        }
    }
}

/// Has robin send the user `count` messages in the background, once the app is up: the inbox
/// shows them arriving like any others, and robin's chat holds them all, read and accepted,
/// when its preview reads `count/count` (`isthmus_sandbox::history_number`). Says on stdout
/// when it is done, and logs why if it could not be (the numbers only: these are demo people).
pub fn seed_history_in_background(app: AppHandle, count: usize) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Some(sandbox) = state.sandbox.as_ref() else { return };
        let engine = match state.engine().await {
            Ok(engine) => engine,
            Err(error) => {
                tracing::warn!(%error, "the sandbox history was not seeded");
                return;
            }
        };
        match sandbox.sandbox.seed_history(&engine, &sandbox.account, count).await {
            Ok(_) => println!("Sandbox history: {HISTORY_SENDER}@{MEADOW} sent {count} messages, read and accepted."),
            Err(error) => tracing::warn!(%error, "the sandbox history was not seeded"),
        }
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use isthmus_core::Event;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_first_run_a_message_request_and_the_demo_group_are_waiting() {
        let (mode, engine) = SandboxMode::start(0).await.expect("sandbox mode starts");
        let mut events = engine.subscribe();
        engine.start().expect("the user goes online");
        let (mut finch, mut robin) = (None, false);
        let arrived = async {
            while finch.is_none() || !robin {
                match events.recv().await {
                    Ok(Event::MessageAdded { message }) => {
                        if message.author == "finch@meadow.test" {
                            finch = Some(message.conversation);
                        }
                        robin |= message.author == "robin@meadow.test";
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(error) => panic!("event stream ended: {error}"),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(60), arrived)
            .await
            .expect("finch writes and robin starts the group without the user doing anything");
        let finch = finch.expect("finch wrote");
        assert!(
            engine.conversation(&finch).expect("read").expect("finch's chat").request,
            "finch writes first: the first run has a message request to handle"
        );
        assert_eq!(engine.groups(&mode.account).expect("groups").len(), 1, "robin's demo group is there");
        engine.shutdown().await.expect("offline");
    }
}
