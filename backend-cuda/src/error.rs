//! Mapping of CUDA driver results to [`DeviceError`].

use backend_api::DeviceError;
use cust::sys as cu;
use std::ffi::CStr;

/// `Ok(())` for `CUDA_SUCCESS`, otherwise [`DeviceError::Backend`] carrying the
/// driver's numeric code, its symbolic name and description, prefixed by
/// `what` (the driver call that failed).
pub(crate) fn check(result: cu::CUresult, what: &str) -> Result<(), DeviceError> {
    if result == cu::CUresult::CUDA_SUCCESS {
        Ok(())
    } else {
        Err(backend_error(result, what))
    }
}

/// The [`DeviceError::Backend`] for a failed driver call.
pub(crate) fn backend_error(result: cu::CUresult, what: &str) -> DeviceError {
    let code = result as i64;
    DeviceError::Backend {
        code,
        name: error_name(result),
        message: format!("{what}: {}", error_description(result)),
    }
}

fn error_name(result: cu::CUresult) -> String {
    let mut ptr = std::ptr::null();
    // SAFETY: cuGetErrorName writes a pointer to a static NUL-terminated string
    // (or leaves it null for an unknown code); it needs no context.
    let ok = unsafe { cu::cuGetErrorName(result, &mut ptr) } == cu::CUresult::CUDA_SUCCESS;
    if ok && !ptr.is_null() {
        // SAFETY: non-null pointer to a static C string, per the driver API.
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    } else {
        format!("{result:?}")
    }
}

fn error_description(result: cu::CUresult) -> String {
    let mut ptr = std::ptr::null();
    // SAFETY: as in `error_name`.
    let ok = unsafe { cu::cuGetErrorString(result, &mut ptr) } == cu::CUresult::CUDA_SUCCESS;
    if ok && !ptr.is_null() {
        // SAFETY: non-null pointer to a static C string, per the driver API.
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    } else {
        "unknown CUDA error".to_string()
    }
}

/// An error for a host-side conversion that would truncate (sizes that do not
/// fit the driver's integer types).
pub(crate) fn too_large(primitive: &'static str, what: impl Into<String>) -> DeviceError {
    DeviceError::Unsupported {
        primitive,
        reason: what.into(),
    }
}
