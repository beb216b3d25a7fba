//! A throwaway certificate authority for tests: relays get certificates from it for the names and
//! addresses they serve on loopback, and clients trust it only when told to.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use isthmus_core::RelayTrust;
use isthmus_relay::net::tls::TlsFiles;
use isthmus_relay::RunningRelay;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};

use crate::RelayAt;

/// The names a relay on loopback answers to.
pub const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> Result<Self> {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
        Ok(Self { issuer })
    }

    /// The CA certificate, as a client or a peers file is given it.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A certificate for `names` (host names and addresses), valid from now for a while.
    pub fn issue(&self, names: &[&str]) -> Result<(String, String)> {
        let params = CertificateParams::new(names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>())?;
        self.sign(params)
    }

    /// A certificate for `names` that expired years ago.
    pub fn issue_expired(&self, names: &[&str]) -> Result<(String, String)> {
        let mut params = CertificateParams::new(names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>())?;
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        self.sign(params)
    }

    fn sign(&self, mut params: CertificateParams) -> Result<(String, String)> {
        params.distinguished_name.push(DnType::CommonName, "isthmus test relay");
        let key = KeyPair::generate()?;
        let certificate = params.signed_by(&key, &self.issuer)?;
        Ok((certificate.pem(), key.serialize_pem()))
    }

    /// Writes a certificate for `names` and its key into `dir` as `{stem}.pem` and `{stem}.key`.
    pub fn write(&self, dir: &Path, stem: &str, names: &[&str]) -> Result<TlsFiles> {
        let (certificate, key) = self.issue(names)?;
        write_pair(dir, stem, &certificate, &key)
    }
}

/// Writes a certificate and its key as files a relay can load.
pub fn write_pair(dir: &Path, stem: &str, certificate: &str, key: &str) -> Result<TlsFiles> {
    let cert: PathBuf = dir.join(format!("{stem}.pem"));
    let key_path: PathBuf = dir.join(format!("{stem}.key"));
    std::fs::write(&cert, certificate).context("writing the certificate")?;
    std::fs::write(&key_path, key).context("writing the key")?;
    Ok(TlsFiles { cert, key: key_path })
}

/// A TLS relay as a client that was given its CA joins it.
pub struct TrustedRelay<'a> {
    pub relay: &'a RunningRelay,
    pub ca_pem: String,
}

impl RelayAt for TrustedRelay<'_> {
    fn url(&self) -> String {
        self.relay.url()
    }

    fn trust(&self) -> RelayTrust {
        RelayTrust { ca_pem: Some(self.ca_pem.clone()), allow_insecure_http: false }
    }
}
