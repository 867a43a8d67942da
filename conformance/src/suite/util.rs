//! Shared helpers of the suite.

pub(crate) use crate::fixtures::{horner, horner_ext};
use crate::ReferenceDevice;
use backend_api::rng::SplitMix64;
use backend_api::{DeviceElem, DeviceMatrix, DeviceResult, Fp, HostMatrix, ProverDevice};
use std::fmt::Display;

/// The value, or a panic naming the case and the error.
#[track_caller]
pub(crate) fn ok<T>(r: DeviceResult<T>, case: impl Display) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{case}: unexpected error: {e}"),
    }
}

/// Panics at the first element whose canonical bytes differ.
#[track_caller]
pub(crate) fn assert_same<T: DeviceElem>(case: impl Display, device: &[T], reference: &[T]) {
    assert_eq!(
        device.len(),
        reference.len(),
        "{case}: device returned {} elements, expected {}",
        device.len(),
        reference.len()
    );
    let bytes = backend_api::elems_to_bytes;
    if bytes(device) != bytes(reference) {
        let i = (0..device.len())
            .find(|&i| device[i] != reference[i])
            .expect("byte strings differ, so some element does");
        panic!(
            "{case}: first difference at element {i}: device {:?}, expected {:?}",
            device[i], reference[i]
        );
    }
}

/// A device, one of its contexts, and the reference.
pub(crate) struct Harness<'d, D: ProverDevice> {
    pub dev: &'d D,
    pub ctx: D::DeviceCtx,
    pub rf: ReferenceDevice,
}

impl<'d, D: ProverDevice> Harness<'d, D> {
    #[track_caller]
    pub fn new(dev: &'d D) -> Self {
        Harness {
            dev,
            ctx: ok(dev.new_ctx(), "new_ctx"),
            rf: ReferenceDevice,
        }
    }

    #[track_caller]
    pub fn up<T: DeviceElem>(&self, m: &HostMatrix<T>) -> DeviceMatrix<D, T> {
        ok(self.dev.upload_matrix(&self.ctx, m), "upload_matrix")
    }

    #[track_caller]
    pub fn down<T: DeviceElem>(&self, m: &DeviceMatrix<D, T>) -> HostMatrix<T> {
        ok(self.dev.download_matrix(&self.ctx, m), "download_matrix")
    }
}

pub(crate) fn rng(cfg_seed: u64, salt: u64) -> SplitMix64 {
    SplitMix64::new(cfg_seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

pub(crate) fn zero_matrix<T: DeviceElem>(width: usize, height: usize) -> HostMatrix<T> {
    HostMatrix::new(vec![T::ZERO; width * height], width, height).expect("sized")
}

/// `count` positions in `0..n`, the ends included.
pub(crate) fn sample_positions(rng: &mut SplitMix64, n: usize, count: usize) -> Vec<usize> {
    let mut v = vec![0, n - 1];
    v.extend((0..count).map(|_| (rng.next_u64() % n as u64) as usize));
    v
}

pub(crate) const SHIFTS: [Fp; 2] = [Fp::ONE, Fp::GENERATOR];
