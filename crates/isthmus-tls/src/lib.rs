//! The TLS trust both ends of Isthmus use when they connect out: clients to their relay, relays
//! to their peers.
//!
//! A certificate is trusted when it chains to a root of the operating system's store, to one of
//! the bundled web roots (so a machine with an empty store still reaches public relays), or to
//! the one extra CA a private deployment names. Every connection uses rustls with ring.
//!
//! Certificate failures are told apart ([`CertificateProblem`]) so that a person is told what
//! is wrong ("not from an authority this device trusts", "expired", "for another name") instead
//! of a transport error.
#![deny(unsafe_code)]

mod problem;
mod roots;
mod url_policy;

use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::CertificateDer;
use rustls::ClientConfig;

pub use problem::{certificate_problem, CertificateProblem};
pub use url_policy::{check_url, is_loopback_host, is_loopback_url, UrlPolicyError};

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("the CA certificate is not PEM: {0}")]
    NotPem(String),
    #[error("the CA file holds no certificate")]
    NoCertificate,
    #[error("the CA certificate cannot serve as a root: {0}")]
    Unusable(String),
    #[error("TLS set-up failed: {0}")]
    Setup(String),
}

/// The cryptography for every TLS connection: ring, which builds with a C compiler only.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads the certificates of a PEM file's text (a CA, or a chain of them).
pub fn parse_ca(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| TrustError::NotPem(error.to_string()))?;
    if certificates.is_empty() {
        return Err(TrustError::NoCertificate);
    }
    Ok(certificates)
}

/// A client configuration trusting the system's roots, the bundled web roots and, when given,
/// the CA certificates in `extra_ca_pem`. Speaks HTTP/1.1 (the WebSocket upgrade needs it).
pub fn client_config(extra_ca_pem: Option<&[u8]>) -> Result<ClientConfig, TrustError> {
    let mut store = roots::system_and_web_roots();
    if let Some(pem) = extra_ca_pem {
        for certificate in parse_ca(pem)? {
            store.add(certificate).map_err(|error| TrustError::Unusable(error.to_string()))?;
        }
    }
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| TrustError::Setup(error.to_string()))?
        .with_root_certificates(store)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_must_hold_a_certificate() {
        assert!(matches!(parse_ca(b""), Err(TrustError::NoCertificate)));
        assert!(matches!(parse_ca(b"hello"), Err(TrustError::NoCertificate)), "text without PEM blocks is not a CA");
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(parse_ca(broken), Err(TrustError::NotPem(_))));
    }

    #[test]
    fn without_an_extra_ca_the_web_roots_are_trusted() {
        let config = client_config(None).expect("the default trust builds");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }
}
