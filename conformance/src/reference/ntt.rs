//! Naive O(n^2) DFT per column ([`crate::fixtures::naive_dft`]).

use crate::fixtures::{from_natural, naive_dft, naive_idft, to_natural};
use backend_api::{DeviceElem, DeviceResult, Fp, HostMatrix, NttDirection, Order};

pub(crate) fn ntt<T: DeviceElem>(
    m: &mut HostMatrix<T>,
    direction: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) -> DeviceResult<()> {
    for c in 0..m.width() {
        let natural = to_natural(m.column(c), input);
        let result = match direction {
            NttDirection::Forward => naive_dft(&natural, shift),
            NttDirection::Inverse => naive_idft(&natural, shift),
        };
        m.column_mut(c)
            .copy_from_slice(&from_natural(&result, output));
    }
    Ok(())
}
