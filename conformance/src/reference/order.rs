//! Orders by explicit permutation: position `k` of a bit-reversed vector holds
//! natural index `bit_reverse(k, log n)`.

use backend_api::{bit_reverse, Order};

/// Copies `v` (stored in `order`) into natural order.
pub(crate) fn to_natural<T: Copy>(v: &[T], order: Order) -> Vec<T> {
    permute(v, order)
}

/// Copies `v` (natural order) into `order`.
pub(crate) fn from_natural<T: Copy>(v: &[T], order: Order) -> Vec<T> {
    // The bit-reversal permutation is an involution, so both directions read
    // position `k` from `bit_reverse(k)`.
    permute(v, order)
}

fn permute<T: Copy>(v: &[T], order: Order) -> Vec<T> {
    match order {
        Order::Natural => v.to_vec(),
        Order::BitReversed => {
            let log_n = v.len().trailing_zeros();
            (0..v.len()).map(|k| v[bit_reverse(k, log_n)]).collect()
        }
    }
}
