//! One inverse at a time, zero mapped to zero.

use backend_api::DeviceElem;

pub(crate) fn batch_inverse<T: DeviceElem>(values: &mut [T]) {
    for v in values.iter_mut() {
        *v = v.inverse_or_zero();
    }
}
