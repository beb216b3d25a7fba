//! Certificates renew: the relay binary reads its certificate and key again on SIGHUP and serves
//! the new certificate to new connections, without a restart. A bad file keeps the old one.

use std::ffi::OsStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use isthmus_e2e::process::RelayProcess;
use isthmus_e2e::tls::{TestCa, LOOPBACK_NAMES};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};

const BINARY: &str = env!("CARGO_BIN_EXE_relay-under-test");

/// The leaf certificate the relay at `address` presents to a new connection.
async fn served_certificate(address: &str, ca_pem: &str) -> Result<Vec<u8>> {
    let config = isthmus_tls::client_config(Some(ca_pem.as_bytes()))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(address).await?;
    let tls = connector.connect(ServerName::try_from("localhost")?, tcp).await?;
    let (_, session) = tls.get_ref();
    let chain = session.peer_certificates().context("the relay presents a certificate")?;
    Ok(chain[0].to_vec())
}

fn der(pem: &str) -> Result<Vec<u8>> {
    Ok(CertificateDer::from_pem_slice(pem.as_bytes())?.to_vec())
}

#[tokio::test]
async fn sighup_reloads_the_certificate_and_a_bad_file_keeps_the_old_one() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let ca = TestCa::new("Isthmus test CA")?;
    let files = ca.write(dir.path(), "relay", &LOOPBACK_NAMES)?;
    let first = der(&std::fs::read_to_string(&files.cert)?)?;
    let args: Vec<&OsStr> = vec![
        OsStr::new("--domain"),
        OsStr::new("meadow.test"),
        OsStr::new("--listen"),
        OsStr::new("127.0.0.1:0"),
        OsStr::new("--ephemeral"),
        OsStr::new("--tls-cert"),
        files.cert.as_os_str(),
        OsStr::new("--tls-key"),
        files.key.as_os_str(),
    ];
    let relay = RelayProcess::start_with(BINARY, &args)?;
    assert!(relay.url.starts_with("https://"), "the relay announces an https URL: {}", relay.url);
    let address = relay.listen_address().to_owned();
    assert_eq!(served_certificate(&address, &ca.pem()).await?, first);

    // A renewal: new files in place, then SIGHUP.
    let (renewed_pem, renewed_key) = ca.issue(&LOOPBACK_NAMES)?;
    std::fs::write(&files.cert, &renewed_pem)?;
    std::fs::write(&files.key, &renewed_key)?;
    relay.signal("HUP")?;
    let renewed = der(&renewed_pem)?;
    let deadline = tokio::time::Instant::now() + isthmus_e2e::PATIENCE;
    while served_certificate(&address, &ca.pem()).await? != renewed {
        assert!(tokio::time::Instant::now() < deadline, "the renewed certificate is served after SIGHUP");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A half-written renewal: the relay keeps serving what it had.
    std::fs::write(&files.cert, "-----BEGIN CERTIFICATE-----\ngarbage\n")?;
    relay.signal("HUP")?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(served_certificate(&address, &ca.pem()).await?, renewed, "a bad file does not take the relay down");
    Ok(())
}
