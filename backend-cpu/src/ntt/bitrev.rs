//! Cache-blocked bit-reversal copy: `dst[bit_reverse(i, log_n)] = src[i]`.
//!
//! Write `i = (a, m, b)` with `a` the top `T` bits, `b` the bottom `T`
//! bits and `m` the middle; then `bit_reverse(i) = (rev(b), rev(m), rev(a))`.
//! For a fixed `m`, the `2^T x 2^T` tile over `(a, b)` reads `2^T` runs of
//! `2^T` consecutive values and writes `2^T` such runs, so every cache line
//! touched is used whole, unlike a plain scatter over the whole column.

use backend_api::bit_reverse;

/// Tile side `2^T` (16 values: two cache lines).
const T: u32 = 4;

/// `dst[bit_reverse(i, log_n)] = src[i]` for `i < 2^log_n`.
pub fn bit_reverse_copy(src: &[u64], dst: &mut [u64], log_n: u32) {
    let n = 1usize << log_n;
    assert!(src.len() == n && dst.len() == n);
    if log_n < 2 * T {
        for (i, &v) in src.iter().enumerate() {
            dst[bit_reverse(i, log_n)] = v;
        }
        return;
    }
    let side = 1usize << T;
    let log_mid = log_n - 2 * T;
    let high = log_n - T;
    let rev_t: Vec<usize> = (0..side).map(|x| bit_reverse(x, T)).collect();
    for m in 0..1usize << log_mid {
        let m_rev = bit_reverse(m, log_mid);
        for a in 0..side {
            let row = &src[(a << high) | (m << T)..][..side];
            let col = (m_rev << T) | rev_t[a];
            for (b, &v) in row.iter().enumerate() {
                dst[(rev_t[b] << high) | col] = v;
            }
        }
    }
}
