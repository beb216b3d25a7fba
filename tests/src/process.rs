//! A relay as a separate operating-system process, so that tests can kill it the hard way.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};

pub struct RelayProcess {
    child: Child,
    pub url: String,
}

impl RelayProcess {
    /// Starts `isthmus-relay run` and waits for its "listening" line. `listen` may use port 0.
    pub fn start(binary: &str, domain: &str, listen: &str, data_dir: &Path) -> Result<Self> {
        let args = ["--domain", domain, "--listen", listen, "--data-dir"].map(std::ffi::OsStr::new);
        let mut all: Vec<&std::ffi::OsStr> = args.to_vec();
        all.push(data_dir.as_os_str());
        Self::start_with(binary, &all)
    }

    /// The `host:port` the relay listens on.
    pub fn listen_address(&self) -> &str {
        self.url.trim_start_matches("https://").trim_start_matches("http://")
    }

    /// Starts `isthmus-relay run` with any arguments after `run`, and waits for its line.
    pub fn start_with(binary: &str, args: &[&std::ffi::OsStr]) -> Result<Self> {
        let mut child = Command::new(binary)
            .arg("run")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("start the relay process")?;
        let stdout = child.stdout.take().context("relay stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(url) =
            line.split_whitespace().find(|word| word.starts_with("http://") || word.starts_with("https://"))
        else {
            let _ = child.kill();
            bail!("the relay did not say where it listens: {line:?}");
        };
        Ok(Self { url: url.to_owned(), child })
    }

    /// Sends a signal by name (`HUP`, `TERM`) to the relay process.
    pub fn signal(&self, name: &str) -> Result<()> {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status()?;
        if !status.success() {
            bail!("kill -{name} failed");
        }
        Ok(())
    }

    /// SIGKILL: no shutdown code runs, nothing is flushed on the way out.
    pub fn kill(mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
