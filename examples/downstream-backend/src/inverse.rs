//! Batch inversion (`ProverDevice::batch_inverse`): Montgomery's trick, one
//! field inversion for the whole slice; zeros are skipped and stay zero.

use backend_api::DeviceElem;

pub(crate) fn batch_inverse<T: DeviceElem>(values: &mut [T]) {
    // prefix[i] = product of the non-zero values before position i.
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = T::ONE;
    for &v in values.iter() {
        prefix.push(acc);
        if !v.is_zero() {
            acc *= v;
        }
    }
    // acc is a product of non-zero values, so it is non-zero.
    let mut inv = acc.inverse_or_zero();
    for (v, before) in values.iter_mut().zip(prefix).rev() {
        if !v.is_zero() {
            let next = inv * *v;
            *v = inv * before;
            inv = next;
        }
    }
}
