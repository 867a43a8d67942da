//! The one error type every device method returns.

use thiserror::Error;

/// Why a device call failed. Every variant names what went wrong; none is a
/// catch-all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceError {
    /// An allocation did not fit. `available` is what the device reported as
    /// free at the time (bytes), or 0 if it could not be queried.
    #[error("out of device memory: requested {requested} bytes, {available} available")]
    OutOfMemory {
        /// Bytes the failed allocation asked for.
        requested: usize,
        /// Bytes the device reported free, or 0 if unknown.
        available: usize,
    },

    /// The backend does not implement this operation or shape.
    #[error("{primitive} is not supported by this backend: {reason}")]
    Unsupported {
        /// The method, primitive or facility that cannot serve the call, e.g.
        /// `"ntt"`.
        primitive: &'static str,
        /// What about the call is unsupported (operation, shape or size).
        reason: String,
    },

    /// An argument violates the method's contract; nothing was launched.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        /// The name of the offending parameter, as in the method signature.
        argument: &'static str,
        /// Which part of the contract it violates, with the values seen.
        reason: String,
    },

    /// The driver or runtime underneath reported an error.
    #[error("backend error {code} ({name}): {message}")]
    Backend {
        /// The driver's numeric error code, or -1 for a failure the backend
        /// detected itself (e.g. a short download).
        code: i64,
        /// Symbolic name of the code (e.g. `CUDA_ERROR_OUT_OF_MEMORY`), or of
        /// the backend-detected failure.
        name: String,
        /// Which call failed, and the driver's description of why.
        message: String,
    },

    /// The backend returned a result whose shape breaks the method's
    /// contract (a buffer of the wrong length, the wrong number of values,
    /// a tree over another shape, openings of other leaves, an invalid
    /// nonce): the backend's bug, reported instead of handed on.
    #[error("{primitive} returned a result that breaks its contract: {reason}")]
    BadOutput {
        /// The method whose result is wrong.
        primitive: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// Two backends run side by side (see `conformance::Dual`) disagreed.
    #[error("backends disagree in {primitive} at {index}: {detail}")]
    Mismatch {
        /// The method whose results differ.
        primitive: &'static str,
        /// Index of the first differing element (for matrices, into the
        /// column-major buffer), or of the first differing item (e.g. opening)
        /// for results that are not element vectors.
        index: usize,
        /// The two differing values or results, formatted for a human.
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

    /// Shorthand for [`DeviceError::BadOutput`].
    pub fn bad_output(primitive: &'static str, reason: impl Into<String>) -> DeviceError {
        DeviceError::BadOutput {
            primitive,
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
