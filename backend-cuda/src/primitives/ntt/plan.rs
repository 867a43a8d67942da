//! How an NTT of `2^log_n` is split into shared-memory passes (see the header
//! of `kernels/ntt.cu` for the math).
//!
//! A pass handles a sub-problem of size `2^log_m` whose indices are
//! `i = i1 * stride + i2` with `i1 < 2^log_g`: it runs the `log_g` radix-2
//! stages over `i1` for `2^log_c` lines (values of `i2`, or whole contiguous
//! groups) per block, so that a block's tile is `2^(log_g + log_c)` elements.

/// The shape of one pass.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct PassShape {
    /// log2 of the sub-problem this pass splits (`log_n` for the first DIF pass).
    pub log_m: u32,
    /// Stages done by this pass (1 ..= tile_log).
    pub log_g: u32,
    /// log2 of the lines per block.
    pub log_c: u32,
}

/// The fewest lines a block takes in a strided pass: 2^2 consecutive
/// elements, 32 bytes (one DRAM sector) for `Fp`, per strided access.
const MIN_STRIDED_LOG_C: u32 = 2;

/// Passes of a DIF transform of `2^log_n` (`1 <= log_n`), top index bits
/// first; a DIT transform runs the same passes in reverse order. Every pass
/// but the last is strided (`log_g < log_m`, and `log_c <= log_m - log_g`:
/// a block's lines are consecutive `i2` of one group, which the kernel's
/// addressing relies on); the last one works on contiguous groups of up to
/// `2^tile_log` elements.
pub(crate) fn dif_passes(log_n: u32, tile_log: u32) -> Vec<PassShape> {
    debug_assert!(log_n >= 1 && tile_log > MIN_STRIDED_LOG_C);
    if log_n <= tile_log {
        return vec![PassShape {
            log_m: log_n,
            log_g: log_n,
            log_c: tile_log - log_n,
        }];
    }
    let strided_bits = log_n - tile_log;
    let max_g = tile_log - MIN_STRIDED_LOG_C;
    let count = strided_bits.div_ceil(max_g);
    let mut passes = Vec::with_capacity(count as usize + 1);
    let mut log_m = log_n;
    for k in 0..count {
        // split as evenly as possible, larger groups first
        let log_g = strided_bits / count + u32::from(k < strided_bits % count);
        passes.push(PassShape {
            log_m,
            log_g,
            log_c: tile_log - log_g,
        });
        log_m -= log_g;
    }
    passes.push(PassShape {
        log_m,
        log_g: log_m,
        log_c: 0,
    });
    passes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_cover_every_bit_once_and_fit_the_tile() {
        for tile_log in [11, 12] {
            for log_n in 1..=32 {
                let passes = dif_passes(log_n, tile_log);
                let mut log_m = log_n;
                for (i, p) in passes.iter().enumerate() {
                    assert_eq!(p.log_m, log_m, "log_n {log_n} pass {i}");
                    assert!(p.log_g >= 1 && p.log_g + p.log_c == tile_log);
                    if i + 1 < passes.len() {
                        assert!(p.log_c >= MIN_STRIDED_LOG_C);
                        assert!(p.log_g < p.log_m);
                        // the kernel relies on a block's lines lying in one group
                        assert!(p.log_c <= p.log_m - p.log_g, "log_n {log_n} pass {i}");
                    }
                    log_m -= p.log_g;
                }
                assert_eq!(log_m, 0, "log_n {log_n}: stages do not add up");
            }
        }
    }

    #[test]
    fn the_benchmark_sizes_take_two_passes() {
        assert_eq!(dif_passes(20, 12).len(), 2);
        assert_eq!(dif_passes(22, 12).len(), 2);
        assert_eq!(dif_passes(12, 12).len(), 1);
    }
}
