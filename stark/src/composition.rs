//! Host evaluation of the composition polynomial over the LDE (the contract
//! of primitive 9, see `backend_api::expr::CompositionDomain`), used until
//! devices provide it.
//!
//! `out[k] = sum_c alpha^c * C_c(x_k) / Z_c(x_k)` for positions `k < M`,
//! where `C_c` reads the LDE rows at positions `k` and `next_position(k)`.

use backend_api::expr::{CompositionDomain, ConstraintSystem, Node};
use backend_api::{Fp, Fp3, HostMatrix};

/// Evaluates the composition of `cs` over `domain` (see the module doc).
/// Shapes must have been checked by the caller: `main` (and `aux`, present
/// iff `cs.aux_width > 0`) of height `2^log_lde` and the system's widths.
pub fn evaluate_composition_host(
    cs: &ConstraintSystem,
    main: &HostMatrix<Fp>,
    aux: Option<&HostMatrix<Fp3>>,
    domain: &CompositionDomain,
    challenges: &[Fp3],
    public: &[Fp],
    alpha: Fp3,
) -> Vec<Fp3> {
    let m = 1usize << domain.log_eval;
    let n = 1u64 << domain.log_n;
    let g_last = Fp::root_of_unity(domain.log_n)
        .expect("log_n <= 32")
        .pow(n - 1);
    let base = cs.base_field_nodes();
    let mut powers = Vec::with_capacity(cs.constraints.len());
    let mut p = Fp3::ONE;
    for _ in &cs.constraints {
        powers.push(p);
        p *= alpha;
    }
    let omega = Fp::root_of_unity(domain.log_eval).expect("log_eval <= 32");
    let mut points: Vec<Fp> = Vec::with_capacity(m);
    let mut x = domain.shift;
    for _ in 0..m {
        points.push(x);
        x *= omega;
    }
    let mut vals = vec![Fp3::ZERO; cs.nodes.len()];
    let mut out = Vec::with_capacity(m);
    for k in 0..m {
        let x = points[backend_api::bit_reverse(k, domain.log_eval)];
        let next = domain.next_position(k);
        let x_n = x.pow(n);
        // Zerofier inverses indexed by RowSet::tag; x lies off H_n.
        let inv_first = (x - Fp::ONE).inverse_or_zero();
        let last_factor = x - g_last;
        let inv_last = last_factor.inverse_or_zero();
        let inv_every = (x_n - Fp::ONE).inverse_or_zero();
        let zinv = [inv_first, inv_last, last_factor * inv_every, inv_every];
        for (i, node) in cs.nodes.iter().enumerate() {
            vals[i] = match *node {
                Node::Const(c) => Fp3::from_base(c),
                Node::Main { col, next: nx } => {
                    Fp3::from_base(main.get(if nx { next } else { k }, col))
                }
                Node::Aux { col, next: nx } => aux
                    .expect("aux present")
                    .get(if nx { next } else { k }, col),
                Node::Challenge(c) => challenges[c],
                Node::Public(c) => Fp3::from_base(public[c]),
                Node::Add(a, b) => vals[a.index()] + vals[b.index()],
                Node::Sub(a, b) => vals[a.index()] - vals[b.index()],
                Node::Mul(a, b) => {
                    let (va, vb) = (vals[a.index()], vals[b.index()]);
                    match (base[a.index()], base[b.index()]) {
                        (true, true) => Fp3::from_base(va.0[0] * vb.0[0]),
                        (true, false) => vb.mul_base(va.0[0]),
                        (false, true) => va.mul_base(vb.0[0]),
                        (false, false) => va * vb,
                    }
                }
                Node::Neg(a) => -vals[a.index()],
            };
        }
        let mut acc = Fp3::ZERO;
        for (c, power) in cs.constraints.iter().zip(&powers) {
            let q = vals[c.expr.index()].mul_base(zinv[c.rows.tag() as usize]);
            acc += *power * q;
        }
        out.push(acc);
    }
    out
}
