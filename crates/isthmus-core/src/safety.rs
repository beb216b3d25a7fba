//! Safety numbers: libsignal's fingerprint of two identity keys, as digits and scannable bytes.

use libsignal_protocol::{Fingerprint, IdentityKey};
use serde::Serialize;

use crate::Result;

/// Version 2 of the scannable format and 5200 hash iterations, as Signal uses.
const FINGERPRINT_VERSION: u32 = 2;
const FINGERPRINT_ITERATIONS: u32 = 5200;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SafetyNumber {
    /// 60 digits, the same on both sides; shown in groups of five.
    pub digits: String,
    /// The bytes to put in a QR code, hex-encoded; the other side compares them with its own.
    pub scannable: String,
}

pub fn safety_number(
    local_address: &str,
    local_key: &IdentityKey,
    remote_address: &str,
    remote_key: &IdentityKey,
) -> Result<SafetyNumber> {
    let fingerprint = Fingerprint::new(
        FINGERPRINT_VERSION,
        FINGERPRINT_ITERATIONS,
        local_address.as_bytes(),
        local_key,
        remote_address.as_bytes(),
        remote_key,
    )
    .map_err(|e| crate::Error::Crypto(e.to_string()))?;
    Ok(SafetyNumber {
        digits: fingerprint.display_string().map_err(|e| crate::Error::Crypto(e.to_string()))?,
        scannable: hex::encode(fingerprint.scannable.serialize().map_err(|e| crate::Error::Crypto(e.to_string()))?),
    })
}
