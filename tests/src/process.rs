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
        let mut child = Command::new(binary)
            .args(["run", "--domain", domain, "--listen", listen, "--data-dir"])
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("start the relay process")?;
        let stdout = child.stdout.take().context("relay stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(url) = line.split_whitespace().find(|word| word.starts_with("http://")) else {
            let _ = child.kill();
            bail!("the relay did not say where it listens: {line:?}");
        };
        Ok(Self { url: url.to_owned(), child })
    }

    /// The `host:port` the relay listens on.
    pub fn listen_address(&self) -> &str {
        self.url.trim_start_matches("http://")
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
