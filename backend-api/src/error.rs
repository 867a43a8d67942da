//! The one error type every device method returns.

use thiserror::Error;

/// Why a device call failed. Every variant names what went wrong; none is a
/// catch-all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceError {
    /// An allocation did not fit. `available` is what the device reported as
    /// free at the time (bytes), or 0 if it could not be queried.
    #[error("out of device memory: requested {requested} bytes, {available} available")]
    OutOfMemory { requested: usize, available: usize },

    /// The backend does not implement this operation or shape.
    #[error("{primitive} is not supported by this backend: {reason}")]
    Unsupported {
        primitive: &'static str,
        reason: String,
    },

    /// An argument violates the method's contract; nothing was launched.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        argument: &'static str,
        reason: String,
    },

    /// The driver or runtime underneath reported an error.
    #[error("backend error {code} ({name}): {message}")]
    Backend {
        code: i64,
        name: String,
        message: String,
    },

    /// Two backends run side by side (see `conformance::Dual`) disagreed.
    #[error("backends disagree in {primitive} at {index}: {detail}")]
    Mismatch {
        primitive: &'static str,
        index: usize,
        detail: String,
    },
}

impl DeviceError {
    /// Shorthand for [`DeviceError::InvalidArgument`].
    pub fn invalid(argument: &'static str, reason: impl Into<String>) -> DeviceError {
        DeviceError::InvalidArgument {
            argument,
            reason: reason.into(),
        }
    }

    /// The argument name if this is an `InvalidArgument`.
    pub fn invalid_argument(&self) -> Option<&'static str> {
        match self {
            DeviceError::InvalidArgument { argument, .. } => Some(argument),
            _ => None,
        }
    }
}

/// `Result` with [`DeviceError`].
pub type DeviceResult<T> = Result<T, DeviceError>;
