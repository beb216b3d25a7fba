//! Where the passphrase comes from: a file, an environment variable, or a prompt.

use std::path::Path;

use anyhow::{bail, Context, Result};

pub fn read(file: Option<&Path>, variable: &str, confirm: bool) -> Result<String> {
    if let Some(file) = file {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        return Ok(text.lines().next().unwrap_or_default().to_owned());
    }
    if let Ok(value) = std::env::var(variable) {
        return Ok(value);
    }
    let first = rpassword::prompt_password("Passphrase: ")
        .with_context(|| format!("no passphrase: give --passphrase-file, set {variable}, or run in a terminal"))?;
    if confirm {
        let second = rpassword::prompt_password("Repeat passphrase: ")?;
        if first != second {
            bail!("the passphrases do not match");
        }
    }
    if first.is_empty() {
        bail!("the passphrase is empty");
    }
    Ok(first)
}
