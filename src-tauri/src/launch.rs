//! How the app was started: the command line and the environment, parsed once at launch.

use std::path::PathBuf;

/// What the app does at start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Launch {
    /// Start two in-process relays with demo people and open a throwaway profile on them.
    pub sandbox: bool,
    /// Where the profile lives; the platform's app data folder when not given.
    pub profile: Option<PathBuf>,
}

/// Why the command line was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    #[error("--profile needs a folder")]
    MissingProfile,
    #[error("unknown argument {0:?}; use --sandbox or --profile FOLDER")]
    Unknown(String),
}

/// The environment variables the app reads.
pub const SANDBOX_ENV: &str = "ISTHMUS_SANDBOX";
pub const PROFILE_ENV: &str = "ISTHMUS_PROFILE";

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
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--sandbox" => launch.sandbox = true,
                "--profile" => launch.profile = Some(args.next().ok_or(LaunchError::MissingProfile)?.into()),
                other if other.starts_with("--profile=") => {
                    launch.profile = Some(other["--profile=".len()..].into());
                }
                // Switches that launchers add and the app has no use for: WebKitWebDriver starts
                // the app with `--automation`, old macOS Finder with `-psn_...`.
                "--automation" => {}
                other if other.starts_with("-psn_") => {}
                other => return Err(LaunchError::Unknown(other.to_owned())),
            }
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
    fn a_test_driver_s_switches_are_accepted() {
        assert!(parse(&["--automation", "--sandbox"], &[]).expect("WebKitWebDriver adds --automation").sandbox);
    }
}
