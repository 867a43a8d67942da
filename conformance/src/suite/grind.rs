//! Grinding: the smallest valid nonce, as a linear search finds it.

use super::util::{ok, rng, Harness};
use super::SuiteConfig;
use backend_api::{keccak256, pow_is_valid, ProverDevice};

/// Bits 0 give nonce 0; for 1 ..= `max_grind_bits` bits and several seeds the
/// device returns what a linear search from 0 returns (so it is valid and
/// minimal).
pub fn check_grind<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 701);
    for s in 0..4u64 {
        let seed = keccak256(&rng.next_u64().to_be_bytes());
        assert_eq!(
            ok(h.dev.grind(&h.ctx, &seed, 0), "grind 0 bits"),
            0,
            "0 bits must give nonce 0"
        );
        for bits in
            (1..=cfg.max_grind_bits).filter(|b| b % 3 == s as u32 % 3 || *b == cfg.max_grind_bits)
        {
            let got = ok(
                h.dev.grind(&h.ctx, &seed, bits),
                format!("grind {bits} bits"),
            );
            let want = (0u64..)
                .find(|&n| pow_is_valid(&seed, n, bits))
                .expect("a nonce exists");
            assert_eq!(
                got, want,
                "grind {bits} bits (seed {s}): not the smallest valid nonce"
            );
        }
    }
}
