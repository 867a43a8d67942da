//! The constraints tying a table's LogUp auxiliary trace to its main trace.
//!
//! With `k` interactions batched in pairs `(a, b) = (2j, 2j+1)`, the aux trace
//! (see `ProverDevice::logup_aux_trace`) has term columns `t_0 .. t_{T-1}`
//! (`T = ceil(k/2)`) and the running sum `phi` at column `T`. With
//! fingerprints `f` and signed multiplicities `s m` (see `backend_api::logup`):
//!
//! * every row, for a pair: `t_j f_a f_b - (s_a m_a f_b + s_b m_b f_a) = 0`;
//!   for a single last interaction: `t_j f_a - s_a m_a = 0`;
//! * first row: `phi - sum_j t_j = 0`;
//! * transition: `phi' - phi - sum_j t_j' = 0`;
//! * last row: `phi - total = 0`.
//!
//! Challenge slots: [`CH_Z`] = `z`, [`CH_ALPHA`] = `alpha`, [`CH_TOTAL`] =
//! the table's claimed total (from the proof).

use crate::air::PublicInteraction;
use backend_api::expr::{ConstraintSystem, ExprId, RowSet};
use backend_api::logup::logup_aux_width;
use backend_api::{Fp, Fp3, Interaction, LogUpChallenges, RowExpr, RowOp};

/// Challenge slot of the LogUp fingerprint point `z`.
pub const CH_Z: usize = 0;
/// Challenge slot of the LogUp tuple-combining challenge `alpha`.
pub const CH_ALPHA: usize = 1;
/// Challenge slot of the table's claimed LogUp total.
pub const CH_TOTAL: usize = 2;
/// Challenge slots of every table's system.
pub const NUM_CHALLENGES: usize = 3;

/// Appends a row expression's nodes (current-row main and preprocessed
/// leaves); returns the node of its value.
fn row_expr(cs: &mut ConstraintSystem, e: &RowExpr) -> ExprId {
    let mut stack: Vec<ExprId> = Vec::with_capacity(e.stack_depth());
    for &op in e.ops() {
        let id = match op {
            RowOp::Const(k) => cs.constant(k),
            RowOp::Main(c) => cs.main(c),
            RowOp::Preprocessed(c) => cs.preprocessed(c),
            RowOp::Neg => {
                let x = stack.pop().expect("a well-formed row expression");
                cs.neg(x)
            }
            binary => {
                let y = stack.pop().expect("a well-formed row expression");
                let x = stack.pop().expect("a well-formed row expression");
                match binary {
                    RowOp::Add => cs.add(x, y),
                    RowOp::Sub => cs.sub(x, y),
                    RowOp::SubRev => cs.sub(y, x),
                    _ => cs.mul(x, y),
                }
            }
        };
        stack.push(id);
    }
    stack.pop().expect("a well-formed row expression")
}

/// `f = z - (bus + sum_i alpha^i v_i)`.
fn fingerprint(cs: &mut ConstraintSystem, it: &Interaction) -> ExprId {
    let alpha = cs.challenge(CH_ALPHA);
    let mut acc = cs.constant(Fp::from(it.bus));
    let mut power = alpha;
    for (i, v) in it.values.iter().enumerate() {
        let value = row_expr(cs, v);
        let term = cs.mul(power, value);
        acc = cs.add(acc, term);
        if i + 1 < it.values.len() {
            power = cs.mul(power, alpha);
        }
    }
    let z = cs.challenge(CH_Z);
    cs.sub(z, acc)
}

/// `s * m`.
fn signed_multiplicity(cs: &mut ConstraintSystem, it: &Interaction) -> ExprId {
    let m = row_expr(cs, &it.multiplicity);
    let s = cs.constant(it.kind.sign());
    cs.mul(s, m)
}

/// The table's full constraint system: its own constraints, then (if it has
/// interactions) the LogUp constraints above, in the order listed there.
pub fn full_system(own: &ConstraintSystem, interactions: &[Interaction]) -> ConstraintSystem {
    let mut cs = own.clone();
    cs.num_challenges = NUM_CHALLENGES;
    if interactions.is_empty() {
        cs.aux_width = 0;
        return cs;
    }
    cs.aux_width = logup_aux_width(interactions.len());
    let terms = cs.aux_width - 1;
    for (j, pair) in interactions.chunks(2).enumerate() {
        let t = cs.aux(j);
        let f_a = fingerprint(&mut cs, &pair[0]);
        let sm_a = signed_multiplicity(&mut cs, &pair[0]);
        let c = if let Some(b) = pair.get(1) {
            let f_b = fingerprint(&mut cs, b);
            let sm_b = signed_multiplicity(&mut cs, b);
            let tf = cs.mul(t, f_a);
            let lhs = cs.mul(tf, f_b);
            let x = cs.mul(sm_a, f_b);
            let y = cs.mul(sm_b, f_a);
            let rhs = cs.add(x, y);
            cs.sub(lhs, rhs)
        } else {
            let lhs = cs.mul(t, f_a);
            cs.sub(lhs, sm_a)
        };
        cs.constrain(c, RowSet::EveryRow);
    }
    let phi = cs.aux(terms);
    let t_now: Vec<ExprId> = (0..terms).map(|j| cs.aux(j)).collect();
    let sum_now = cs.sum(&t_now);
    let first = cs.sub(phi, sum_now);
    cs.constrain(first, RowSet::FirstRow);
    let phi_next = cs.aux_next(terms);
    let t_next: Vec<ExprId> = (0..terms).map(|j| cs.aux_next(j)).collect();
    let sum_next = cs.sum(&t_next);
    let step = cs.sub(phi_next, phi);
    let transition = cs.sub(step, sum_next);
    cs.constrain(transition, RowSet::Transition);
    let total = cs.challenge(CH_TOTAL);
    let last = cs.sub(phi, total);
    cs.constrain(last, RowSet::LastRow);
    cs
}

/// The verifier's (and prover's) sum over the public bus messages:
/// `sum s m / f` with `f = z - (bus + sum_i alpha^i v_i)`, pseudo-inverses
/// (`1/0 = 0`) as on the device. Added to the tables' totals, the result
/// must be zero.
pub fn public_sum(messages: &[PublicInteraction], ch: &LogUpChallenges) -> Fp3 {
    messages
        .iter()
        .map(|m| {
            let f = Interaction::fingerprint_of(m.bus, &m.values, ch);
            f.inverse_or_zero().mul_base(m.kind.sign() * m.multiplicity)
        })
        .sum()
}
