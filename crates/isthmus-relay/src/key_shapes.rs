//! Shape checks for the public keys and signatures clients upload.
//!
//! Identity keys and EC prekeys are libsignal-serialized Curve25519 public keys (33 bytes, type byte
//! 0x05); Kyber prekeys are libsignal-serialized Kyber1024 public keys (1569 bytes, type byte 0x08);
//! signatures are 64 bytes. The relay checks these shapes only. It does not verify the prekey
//! signatures: they are XEdDSA signatures that need libsignal, which the relay deliberately does not
//! depend on. Clients verify them when they process a bundle (libsignal's `process_prekey_bundle`
//! refuses a bundle whose signatures do not match the identity key), so a bad upload hurts nobody
//! but its uploader.

use crate::error_code::ApiError;

pub const EC_PUBLIC_KEY_LEN: usize = 33;
pub const EC_KEY_TYPE: u8 = 0x05;
pub const KYBER1024_PUBLIC_KEY_LEN: usize = 1569;
pub const KYBER1024_KEY_TYPE: u8 = 0x08;
pub const SIGNATURE_LEN: usize = 64;

pub fn check_ec_public_key(field: &str, key: &[u8]) -> Result<(), ApiError> {
    if key.len() != EC_PUBLIC_KEY_LEN || key[0] != EC_KEY_TYPE {
        return Err(ApiError::bad_request(format!(
            "{field} must be a 33-byte Curve25519 public key starting with 0x05"
        )));
    }
    Ok(())
}

pub fn check_kyber_public_key(field: &str, key: &[u8]) -> Result<(), ApiError> {
    if key.len() != KYBER1024_PUBLIC_KEY_LEN || key[0] != KYBER1024_KEY_TYPE {
        return Err(ApiError::bad_request(format!(
            "{field} must be a 1569-byte Kyber1024 public key starting with 0x08"
        )));
    }
    Ok(())
}

pub fn check_signature(field: &str, signature: &[u8]) -> Result<(), ApiError> {
    if signature.len() != SIGNATURE_LEN {
        return Err(ApiError::bad_request(format!("{field} must be a 64-byte signature")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_checked() {
        let mut ec = vec![0u8; 33];
        ec[0] = 0x05;
        assert!(check_ec_public_key("k", &ec).is_ok());
        ec[0] = 0x08;
        assert!(check_ec_public_key("k", &ec).is_err(), "the type byte tells libsignal the curve");
        assert!(check_ec_public_key("k", &[]).is_err(), "an empty key must not reach the store");
        let mut kyber = vec![0u8; 1569];
        kyber[0] = 0x08;
        assert!(check_kyber_public_key("k", &kyber).is_ok());
        assert!(check_kyber_public_key("k", &kyber[..1568]).is_err(), "Kyber1024 keys are 1569 bytes");
        assert!(check_signature("s", &[0; 64]).is_ok());
        assert!(check_signature("s", &[0; 63]).is_err());
    }
}
