//! Two networks as an operator deploys them: each relay terminates TLS with a certificate from a
//! private CA, they are peered over https, and clients that were given the CA register, chat
//! across the networks over `wss://` and exchange a picture. A client without the CA is told
//! what is wrong and keeps nothing.

use std::path::Path;

use anyhow::{Context as _, Result};
use isthmus_core::{Engine, ErrorCode, MessageStatus, Profile, RelayTrust};
use isthmus_e2e::tls::{write_pair, TestCa, TrustedRelay, LOOPBACK_NAMES};
use isthmus_e2e::Person;
use isthmus_proto::NetworkName;
use isthmus_relay::net::tls::TlsFiles;
use isthmus_relay::{RelayConfig, RunningRelay};

const PHOTO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/photo-with-gps.jpg");

async fn tls_relay(domain: &str, files: TlsFiles) -> Result<RunningRelay> {
    isthmus_e2e::init_logging();
    let mut config = RelayConfig::new(NetworkName::parse(domain)?);
    config.tls = Some(files);
    Ok(isthmus_relay::start(config).await?)
}

/// A relay whose certificate comes from `ca` for the loopback names.
async fn relay_certified_by(ca: &TestCa, dir: &Path, domain: &str) -> Result<RunningRelay> {
    tls_relay(domain, ca.write(dir, domain, &LOOPBACK_NAMES)?).await
}

/// What adding an account to a fresh profile answers, and how many accounts it holds after.
async fn try_to_join(url: &str, trust: RelayTrust) -> (Option<ErrorCode>, String, usize) {
    let engine = Engine::open(Profile::in_memory()).expect("an in-memory engine opens");
    let outcome = engine.add_account(url, "dana", trust).await;
    let accounts = engine.accounts().expect("accounts are readable").len();
    match outcome {
        Ok(_) => (None, String::new(), accounts),
        Err(error) => (Some(error.code()), error.to_string(), accounts),
    }
}

#[tokio::test]
async fn two_tls_networks_peered_over_https_carry_messages_and_a_picture() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let ca = TestCa::new("Isthmus test CA")?;
    let meadow = relay_certified_by(&ca, dir.path(), "meadow.test").await?;
    let harbor = relay_certified_by(&ca, dir.path(), "harbor.test").await?;
    assert!(meadow.url().starts_with("https://"), "a relay that terminates TLS says so in its URL");
    // Each operator trusts the other's private CA for federation only.
    meadow.set_peers(vec![harbor.as_peer().with_ca(ca.pem().into_bytes())]);
    harbor.set_peers(vec![meadow.as_peer().with_ca(ca.pem().into_bytes())]);

    let mut alice = Person::join(&TrustedRelay { relay: &meadow, ca_pem: ca.pem() }, "alice").await?;
    let mut carol = Person::join(&TrustedRelay { relay: &harbor, ca_pem: ca.pem() }, "carol").await?;
    assert!(alice.engine.accounts()?[0].private_ca, "the account remembers that it trusts a private CA");
    alice.allows("harbor.test").await?;
    carol.allows("meadow.test").await?;
    alice.confirms(&carol.address).await?;

    // Over wss:// to meadow, https:// meadow -> harbor, wss:// to carol.
    let hello = alice.engine.send_text(&alice.address, &carol.address, "hello over TLS").await?;
    carol.receives(&alice.address, "hello over TLS").await?;
    carol.accepts(&alice.address).await?;
    alice.sees_status(hello.id, MessageStatus::Delivered).await?;
    carol.engine.send_text(&carol.address, &alice.address, "and back").await?;
    alice.receives(&carol.address, "and back").await?;

    // The picture is hosted by harbor and fetched by meadow for alice, both over https.
    let sent = carol.engine.send_file(&carol.address, &alice.address, Path::new(PHOTO), "the view", false).await?;
    carol.sees_status(sent.id, MessageStatus::Sent).await?;
    let arrived = alice.receives(&carol.address, "the view").await?;
    let downloaded = alice.engine.download_attachment(arrived.conversation, arrived.id, 0).await?;
    assert!(downloaded.attachments[0].downloaded, "the picture came through both relays over TLS");
    let folder = tempfile::tempdir()?;
    let saved = alice.engine.save_attachment(arrived.conversation, arrived.id, 0, folder.path()).await?;
    let saved_bytes = std::fs::metadata(&saved.path).context("the saved picture")?.len();
    assert!(saved_bytes > 0, "the engine checked the digest before saving; the picture is there");
    Ok(())
}

#[tokio::test]
async fn a_client_without_the_ca_is_told_the_certificate_is_untrusted_and_keeps_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let ca = TestCa::new("Isthmus test CA")?;
    let meadow = relay_certified_by(&ca, dir.path(), "meadow.test").await?;
    let (code, message, accounts) = try_to_join(&meadow.url(), RelayTrust::default()).await;
    assert_eq!(code, Some(ErrorCode::TlsUntrusted), "the certificate failure has its own code: {message}");
    assert!(message.contains("not from an authority this device trusts"), "a person is told what is wrong: {message}");
    assert_eq!(accounts, 0, "nothing is stored when the relay could not be trusted");

    let other = TestCa::new("Someone else's CA")?;
    let wrong_ca = RelayTrust { ca_pem: Some(other.pem()), allow_insecure_http: false };
    let (code, _, accounts) = try_to_join(&meadow.url(), wrong_ca).await;
    assert_eq!(code, Some(ErrorCode::TlsUntrusted), "a CA the certificate does not come from does not help");
    assert_eq!(accounts, 0);

    let garbage = RelayTrust { ca_pem: Some("not a certificate".into()), allow_insecure_http: false };
    let (code, _, accounts) = try_to_join(&meadow.url(), garbage).await;
    assert_eq!(code, Some(ErrorCode::InvalidCaCertificate), "a CA file that is no certificate is refused first");
    assert_eq!(accounts, 0);
    Ok(())
}

#[tokio::test]
async fn expired_and_misnamed_certificates_are_refused_with_a_reason() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let ca = TestCa::new("Isthmus test CA")?;
    let trusted = RelayTrust { ca_pem: Some(ca.pem()), allow_insecure_http: false };

    let (certificate, key) = ca.issue_expired(&LOOPBACK_NAMES)?;
    let expired = tls_relay("meadow.test", write_pair(dir.path(), "expired", &certificate, &key)?).await?;
    let (code, message, accounts) = try_to_join(&expired.url(), trusted.clone()).await;
    assert_eq!(code, Some(ErrorCode::TlsUntrusted));
    assert!(message.contains("expired"), "the reason is the date: {message}");
    assert_eq!(accounts, 0);

    let misnamed = tls_relay("harbor.test", ca.write(dir.path(), "misnamed", &["relay.elsewhere.example"])?).await?;
    let (code, message, accounts) = try_to_join(&misnamed.url(), trusted).await;
    assert_eq!(code, Some(ErrorCode::TlsUntrusted));
    assert!(message.contains("another name"), "the reason is the name: {message}");
    assert_eq!(accounts, 0);
    Ok(())
}

#[tokio::test]
async fn plain_http_is_refused_for_a_relay_on_another_machine_unless_asked_for_by_name() -> Result<()> {
    // 192.0.2.0/24 is reserved for documentation: nothing answers there, and nothing is tried.
    let (code, message, accounts) = try_to_join("http://192.0.2.7:7070", RelayTrust::default()).await;
    assert_eq!(code, Some(ErrorCode::InsecureRelay), "{message}");
    assert_eq!(accounts, 0);
    let insecure = RelayTrust { ca_pem: None, allow_insecure_http: true };
    let (code, _, _) = try_to_join("http://192.0.2.7:9", insecure).await;
    assert_ne!(code, Some(ErrorCode::InsecureRelay), "the explicit option lets the attempt go out");
    Ok(())
}
