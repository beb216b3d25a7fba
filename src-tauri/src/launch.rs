//! How the app was started: the command line and the environment, parsed once at launch.

use std::path::PathBuf;

/// What the app does at start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Launch {
    /// Start two in-process relays with demo people and open a throwaway profile on them.
    pub sandbox: bool,
    /// Where the profile lives; the platform's app data folder when not given.
    pub profile: Option<PathBuf>,
    /// In the sandbox, how many messages robin sends the user once the app is up (0: none), so
    /// a long chat made of real traffic can be opened: the memory benchmark's 10,000.
    pub sandbox_history: usize,
}

/// Why the command line was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    #[error("--profile needs a folder")]
    MissingProfile,
    #[error("--sandbox-history needs a number of messages")]
    MissingHistory,
    #[error("the sandbox history must be a number of messages, not {0:?}")]
    BadHistory(String),
    #[error("a sandbox history needs the sandbox (--sandbox)")]
    HistoryWithoutSandbox,
    #[error("unknown argument {0:?}; use --sandbox [--sandbox-history N] or --profile FOLDER")]
    Unknown(String),
}

/// The environment variables the app reads.
pub const SANDBOX_ENV: &str = "ISTHMUS_SANDBOX";
pub const PROFILE_ENV: &str = "ISTHMUS_PROFILE";
pub const SANDBOX_HISTORY_ENV: &str = "ISTHMUS_SANDBOX_HISTORY";

fn history_count(value: &str) -> Result<usize, LaunchError> {
    value.parse().map_err(|_| LaunchError::BadHistory(value.to_owned()))
}

impl Launch {
    /// Parses the arguments after the program name. `env` looks up environment variables (passed
    /// in so tests need not change the process environment). Arguments win over variables.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LaunchError> {
        let mut launch = Launch {
            sandbox: env(SANDBOX_ENV).is_some_and(|value| !matches!(value.as_str(), "" | "0" | "false")),
            profile: env(PROFILE_ENV).filter(|value| !value.is_empty()).map(PathBuf::from),
            sandbox_history: match env(SANDBOX_HISTORY_ENV).filter(|value| !value.is_empty()) {
                Some(value) => history_count(&value)?,
                None => 0,
            },
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--sandbox" => launch.sandbox = true,
                "--profile" => launch.profile = Some(args.next().ok_or(LaunchError::MissingProfile)?.into()),
                other if other.starts_with("--profile=") => {
                    launch.profile = Some(other["--profile=".len()..].into());
                }
                "--sandbox-history" => {
                    launch.sandbox_history = history_count(&args.next().ok_or(LaunchError::MissingHistory)?)?;
                }
                other if other.starts_with("--sandbox-history=") => {
                    launch.sandbox_history = history_count(&other["--sandbox-history=".len()..])?;
                }
                // Switches that launchers add and the app has no use for: WebKitWebDriver starts
                // the app with `--automation`, old macOS Finder with `-psn_...`.
                "--automation" => {}
                other if other.starts_with("-psn_") => {}
                other => return Err(LaunchError::Unknown(other.to_owned())),
            }
        }
        // Seeding writes to the sandbox's own demo people; a real profile has nobody to ask.
        if launch.sandbox_history > 0 && !launch.sandbox {
            return Err(LaunchError::HistoryWithoutSandbox);
        }
        Ok(launch)
    }

    /// From this process's command line and environment.
    pub fn from_process() -> Result<Self, LaunchError> {
        Self::parse(std::env::args().skip(1), |name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Launch, LaunchError> {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Launch::parse(args.iter().map(|a| (*a).to_owned()), move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn no_arguments_open_the_real_profile() {
        assert_eq!(parse(&[], &[]), Ok(Launch::default()), "the default is never the sandbox");
    }

    #[test]
    fn the_sandbox_comes_from_the_flag_or_the_environment() {
        assert!(parse(&["--sandbox"], &[]).expect("valid").sandbox);
        assert!(parse(&[], &[(SANDBOX_ENV, "1")]).expect("valid").sandbox);
        assert!(!parse(&[], &[(SANDBOX_ENV, "0")]).expect("valid").sandbox, "0 means off");
        assert!(!parse(&[], &[(SANDBOX_ENV, "")]).expect("valid").sandbox, "empty means off");
    }

    #[test]
    fn the_profile_folder_comes_from_the_flag_over_the_environment() {
        let launch = parse(&["--profile", "/tmp/a"], &[(PROFILE_ENV, "/tmp/b")]).expect("valid");
        assert_eq!(launch.profile, Some(PathBuf::from("/tmp/a")), "the command line wins");
        let launch = parse(&["--profile=/tmp/c"], &[]).expect("valid");
        assert_eq!(launch.profile, Some(PathBuf::from("/tmp/c")));
        assert_eq!(parse(&[], &[(PROFILE_ENV, "/tmp/b")]).expect("valid").profile, Some(PathBuf::from("/tmp/b")));
    }

    #[test]
    fn mistakes_are_refused_not_ignored() {
        assert_eq!(parse(&["--profile"], &[]), Err(LaunchError::MissingProfile));
        assert_eq!(parse(&["--sandbx"], &[]), Err(LaunchError::Unknown("--sandbx".into())));
    }

    #[test]
    fn the_sandbox_history_comes_from_the_flag_over_the_environment() {
        assert_eq!(parse(&["--sandbox"], &[]).expect("valid").sandbox_history, 0, "no history unless asked");
        let launch = parse(&["--sandbox", "--sandbox-history", "10000"], &[(SANDBOX_HISTORY_ENV, "5")]).expect("valid");
        assert_eq!(launch.sandbox_history, 10_000, "the command line wins");
        assert_eq!(parse(&["--sandbox", "--sandbox-history=20"], &[]).expect("valid").sandbox_history, 20);
        let launch = parse(&[], &[(SANDBOX_ENV, "1"), (SANDBOX_HISTORY_ENV, "30")]).expect("valid");
        assert_eq!(launch.sandbox_history, 30);
        assert_eq!(parse(&["--sandbox"], &[(SANDBOX_HISTORY_ENV, "")]).expect("valid").sandbox_history, 0);
    }

    #[test]
    fn a_sandbox_history_that_cannot_be_made_is_refused() {
        assert_eq!(parse(&["--sandbox", "--sandbox-history"], &[]), Err(LaunchError::MissingHistory));
        assert_eq!(
            parse(&["--sandbox", "--sandbox-history", "many"], &[]),
            Err(LaunchError::BadHistory("many".into()))
        );
        assert_eq!(parse(&["--sandbox-history=-1", "--sandbox"], &[]), Err(LaunchError::BadHistory("-1".into())));
        assert_eq!(
            parse(&["--sandbox-history", "100"], &[]),
            Err(LaunchError::HistoryWithoutSandbox),
            "a real profile has no demo people to send it"
        );
        assert_eq!(parse(&[], &[(SANDBOX_HISTORY_ENV, "100")]), Err(LaunchError::HistoryWithoutSandbox));
    }

    #[test]
    fn a_test_driver_s_switches_are_accepted() {
        assert!(parse(&["--automation", "--sandbox"], &[]).expect("WebKitWebDriver adds --automation").sandbox);
    }
}
