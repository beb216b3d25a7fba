//! The roots every connection trusts: the operating system's store and the bundled web roots.

use std::sync::OnceLock;

use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

/// The system's roots, read once per process: reading the store takes milliseconds and the
/// store does not change under a running program often enough to matter.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let loaded = rustls_native_certs::load_native_certs();
        if !loaded.errors.is_empty() {
            tracing::debug!(errors = loaded.errors.len(), "some of the system's root certificates could not be read");
        }
        loaded.certs
    })
}

/// A fresh store with the system's roots and the bundled web roots. A system root that rustls
/// cannot use is skipped, as browsers do.
pub fn system_and_web_roots() -> RootCertStore {
    let mut store = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let (_added, skipped) = store.add_parsable_certificates(system_roots().iter().cloned());
    if skipped > 0 {
        tracing::debug!(skipped, "system root certificates rustls cannot use were skipped");
    }
    store
}
