//! What was wrong with a certificate, found in the error chain of whatever failed to connect.

use rustls::CertificateError;

/// Why a relay's certificate was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateProblem {
    /// It does not chain to a trusted root (a private CA that was not added, a self-signed one).
    Untrusted,
    /// It has expired, or is not valid yet (a wrong clock says the same).
    Expired,
    /// It is for another name than the one connected to.
    WrongName,
    /// Anything else rustls refused about it (revoked, a bad signature, a bad encoding).
    Other(String),
}

impl CertificateProblem {
    /// A sentence for a person, not a developer.
    pub fn explain(&self) -> String {
        match self {
            CertificateProblem::Untrusted => "the relay's certificate is not from an authority this device trusts; if \
                                              the relay belongs to a private deployment, add its CA certificate"
                .into(),
            CertificateProblem::Expired => {
                "the relay's certificate has expired or is not valid yet (check this device's clock)".into()
            }
            CertificateProblem::WrongName => "the relay's certificate is for another name than its address".into(),
            CertificateProblem::Other(what) => format!("the relay's certificate was refused: {what}"),
        }
    }

    fn of(error: &CertificateError) -> Self {
        match error {
            CertificateError::UnknownIssuer => CertificateProblem::Untrusted,
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => CertificateProblem::Expired,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertificateProblem::WrongName
            }
            other => CertificateProblem::Other(format!("{other:?}")),
        }
    }
}

/// Finds a certificate problem anywhere in `error`'s chain of sources (reqwest, hyper,
/// tungstenite and std::io all wrap the rustls error on the way up).
pub fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<CertificateProblem> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(rustls::Error::InvalidCertificate(certificate)) = error.downcast_ref::<rustls::Error>() {
            return Some(CertificateProblem::of(certificate));
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(problem) = certificate_problem(inner) {
                    return Some(problem);
                }
            }
        }
        current = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_rustls_error_is_found() {
        let rustls = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls);
        assert_eq!(certificate_problem(&io), Some(CertificateProblem::Untrusted), "io::Error hides it in get_ref");
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(certificate_problem(&expired), Some(CertificateProblem::Expired));
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(certificate_problem(&plain), None, "a refused connection is not a certificate problem");
    }
}
