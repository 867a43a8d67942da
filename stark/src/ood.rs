//! The out-of-domain point and the composition check at it (shared by the
//! prover's self-check and the verifier).

use crate::layout::TableLayout;
use crate::options::Options;
use crate::proof::TableOod;
use crate::transcript::Transcript;
use backend_api::expr::{zerofier_inverses, LeafValues};
use backend_api::periodic::periodic_value;
use backend_api::{Fp, Fp3};

/// Squeezes `z` until it lies outside every trace domain (`z^{n_max} != 1`)
/// and every LDE domain (`(z / shift)^{N_max} != 1`); smaller domains are
/// subgroups (cosets with the same shift) of these.
pub fn sample_ood_point(transcript: &mut Transcript, log_n_max: u32, opts: &Options) -> Fp3 {
    let n_max = 1u64 << log_n_max;
    let big_n = n_max << opts.log_blowup;
    let shift_inv = opts.shift.inverse_or_zero();
    loop {
        let z = transcript.challenge_fp3();
        if z.pow(n_max) != Fp3::ONE && z.mul_base(shift_inv).pow(big_n) != Fp3::ONE {
            return z;
        }
    }
}

/// A table's leaves at `z` (or `z g` for next-row leaves), from its OOD
/// values and its periodic columns evaluated at `z`.
struct OodLeaves<'a> {
    ood: &'a TableOod,
    periodic: Vec<Fp3>,
}

impl LeafValues for OodLeaves<'_> {
    fn main(&self, col: usize, next: bool) -> Fp3 {
        if next {
            self.ood.main_zg[col]
        } else {
            self.ood.main_z[col]
        }
    }
    fn preprocessed(&self, col: usize, next: bool) -> Fp3 {
        if next {
            self.ood.pre_zg[col]
        } else {
            self.ood.pre_z[col]
        }
    }
    fn aux(&self, col: usize, next: bool) -> Fp3 {
        if next {
            self.ood.aux_zg[col]
        } else {
            self.ood.aux_z[col]
        }
    }
    fn periodic(&self, i: usize) -> Fp3 {
        self.periodic[i]
    }
}

/// `sum_k alpha^k C_k(z) / Z_k(z) == sum_i z^(i n) Q_i(z)`, with `C_k` read
/// from the OOD values and the periodic columns (`periodic`, their
/// patterns) evaluated at `z`. Shapes must already match the layout.
pub fn composition_matches(
    t: &TableLayout,
    periodic: &[Vec<Fp>],
    ood: &TableOod,
    challenges: &[Fp3],
    public: &[Fp],
    alpha: Fp3,
    z: Fp3,
) -> bool {
    let Some(zinv) = zerofier_inverses(z, t.log_n) else {
        return false;
    };
    let Some(periodic) = periodic
        .iter()
        .map(|p| periodic_value(p, z, t.log_n))
        .collect::<Option<Vec<Fp3>>>()
    else {
        return false;
    };
    let leaves = OodLeaves { ood, periodic };
    let vals = t.system.eval_nodes(&leaves, challenges, public);
    let lhs = t.system.combine(&vals, alpha, &zinv);
    let z_n = z.pow(1u64 << t.log_n);
    let mut rhs = Fp3::ZERO;
    let mut power = Fp3::ONE;
    for q in &ood.parts_z {
        rhs += power * *q;
        power *= z_n;
    }
    lhs == rhs
}
