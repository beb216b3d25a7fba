//! TLS the relay terminates itself: a certificate chain and its key from PEM files, read again
//! when the operator asks (certificates renew; the binary asks on SIGHUP).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

use crate::{Error, Result};

/// The certificate chain and key files, as the operator names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM: the relay's certificate first, then the intermediates.
    pub cert: PathBuf,
    /// PEM: the private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// The process-wide choice of cryptography for rustls: ring, which builds with a C compiler only.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|error| Error::Config(format!("cannot read the certificate {}: {error}", path.display())))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|error| Error::Config(format!("the certificate {} is not PEM: {error}", path.display())))?;
    if certificates.is_empty() {
        return Err(Error::Config(format!("{} holds no certificate", path.display())));
    }
    Ok(certificates)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path)
        .map_err(|error| Error::Config(format!("cannot read a private key from {}: {error}", path.display())))
}

impl TlsFiles {
    /// Reads both files and checks that the key belongs to the certificate.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>> {
        let certificates = read_certificates(&self.cert)?;
        let key = read_key(&self.key)?;
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|error| Error::Config(format!("TLS: {error}")))?
            .with_no_client_auth()
            .with_single_cert(certificates, key)
            .map_err(|error| {
                Error::Config(format!(
                    "the key {} does not fit the certificate {}: {error}",
                    self.key.display(),
                    self.cert.display()
                ))
            })?;
        // HTTP/1.1 only: the data plane is a WebSocket upgrade, which HTTP/2 would not carry.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}
