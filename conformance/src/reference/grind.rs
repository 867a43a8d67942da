//! Linear nonce search from 0.

use backend_api::{pow_is_valid, DeviceError, DeviceResult, Digest};

pub(crate) fn grind(seed: &Digest, bits: u32) -> DeviceResult<u64> {
    (0..=u64::MAX)
        .find(|&nonce| pow_is_valid(seed, nonce, bits))
        .ok_or_else(|| DeviceError::Backend {
            code: -1,
            name: "NoNonce".into(),
            message: format!("no 64-bit nonce meets {bits} bits"),
        })
}
