//! Opening a device never panics: on a machine without a GPU or driver the
//! constructor returns an error, and an ordinal past the last device is
//! rejected on any machine. Runs everywhere (no device needed).

use backend_api::DeviceError;
use backend_cuda::CudaDevice;

#[test]
fn missing_device_is_an_error_not_a_panic() {
    // With no GPU this is the driver's error (e.g. CUDA_ERROR_NO_DEVICE);
    // with a GPU, device 0 opens.
    match CudaDevice::new(0) {
        Ok(dev) => assert!(dev.properties().sm_count > 0),
        Err(DeviceError::Backend { code, name, .. }) => {
            assert_ne!(code, 0, "a failure must carry the driver's code");
            assert!(!name.is_empty());
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

#[test]
fn ordinal_past_the_last_device_is_rejected() {
    let err = CudaDevice::new(1 << 20).expect_err("no machine has 2^20 GPUs");
    match err {
        DeviceError::InvalidArgument { argument, .. } => assert_eq!(argument, "ordinal"),
        DeviceError::Backend { code, .. } => assert_ne!(code, 0),
        other => panic!("unexpected error kind: {other}"),
    }
}
