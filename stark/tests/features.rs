//! The AIR features zkVM tables need, each with a satisfied witness (proves
//! and verifies), an unsatisfied one (the prover refuses) and a forged
//! proof (made by a prover that cheats on the feature; the verifier, given
//! the real AIR and key, rejects it):
//!
//! * preprocessed columns (`lookup`'s range table, `squares`' selectors);
//! * periodic columns (`squares`' round constants);
//! * bus interactions with expression-valued multiplicities (selectors);
//! * public bus contributions (`squares`' input and output).

use backend_api::{Fp, HostMatrix};
use backend_cpu::CpuDevice;
use stark::examples::{Lookup, Squares};
use stark::{
    verify_with_key, Air, Options, Prover, ProverError, PublicInteraction, SecurityPolicy,
    TableSpec, VerifyingKey,
};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

fn policy() -> SecurityPolicy {
    SecurityPolicy::insecure_for_tests(16)
}

/// What a cheating prover changes about an AIR it claims to prove.
#[derive(Clone)]
enum Cheat {
    /// Other periodic patterns.
    Periodic(Vec<Vec<Fp>>),
    /// Other preprocessed columns.
    Preprocessed(HostMatrix<Fp>),
    /// No public bus messages (the bus then balances without them).
    NoPublicMessages,
    /// Every interaction's multiplicity replaced by the constant 0.
    SilentBuses,
}

/// `air` as a cheating prover sees it: the same name, parameters and
/// public inputs, one feature changed.
struct Cheating<A> {
    air: A,
    cheat: Cheat,
}

impl<A: Air> Air for Cheating<A> {
    fn name(&self) -> String {
        self.air.name()
    }
    fn params(&self) -> Vec<u64> {
        self.air.params()
    }
    fn num_public_inputs(&self) -> usize {
        self.air.num_public_inputs()
    }
    fn tables(&self) -> Vec<TableSpec> {
        let mut tables = self.air.tables();
        match &self.cheat {
            Cheat::Periodic(p) => tables[0].periodic = p.clone(),
            Cheat::SilentBuses => {
                for it in tables.iter_mut().flat_map(|t| &mut t.interactions) {
                    it.multiplicity = backend_api::RowExpr::constant(Fp::ZERO);
                }
            }
            _ => {}
        }
        tables
    }
    fn preprocessed_trace(&self, table: usize) -> Option<HostMatrix<Fp>> {
        match &self.cheat {
            Cheat::Preprocessed(m) if table == 0 => Some(m.clone()),
            _ => self.air.preprocessed_trace(table),
        }
    }
    fn public_interactions(&self, public: &[Fp]) -> Vec<PublicInteraction> {
        match self.cheat {
            Cheat::NoPublicMessages => Vec::new(),
            _ => self.air.public_interactions(public),
        }
    }
}

/// Proves with the cheating AIR (checking that its own verifier accepts),
/// then verifies under the real AIR and key: must be rejected.
fn forged_is_rejected<A: Air + Clone>(
    real: &A,
    cheat: Cheat,
    public: &[Fp],
    traces: &[HostMatrix<Fp>],
    real_vk: &VerifyingKey,
) {
    let cheating = Cheating {
        air: real.clone(),
        cheat,
    };
    let p = prover();
    let key = p.setup(&cheating).unwrap();
    let (proof, _) = p.prove_with_key(&key, public, traces).unwrap();
    verify_with_key(&cheating, key.verifying_key(), public, &proof, &policy())
        .expect("the cheating AIR's own verifier accepts its proof");
    let res = verify_with_key(real, real_vk, public, &proof, &policy());
    assert!(res.is_err(), "a forged proof was accepted");
}

fn real_key<A: Air>(air: &A) -> VerifyingKey {
    prover().setup(air).unwrap().verifying_key().clone()
}

/// `lookup` traces for source values `a`, `b` (the sink holds the same
/// rows) against a range table holding `table`.
fn lookup_traces(a: &[u64], b: &[u64], table: &[u64]) -> Vec<HostMatrix<Fp>> {
    let counts = table
        .iter()
        .map(|t| Fp::new(a.iter().chain(b).filter(|v| *v == t).count() as u64))
        .collect();
    let fp = |v: &[u64]| v.iter().map(|&x| Fp::new(x)).collect::<Vec<_>>();
    let c: Vec<u64> = a.iter().zip(b).map(|(x, y)| x + y).collect();
    let rows = HostMatrix::from_columns(&[fp(a), fp(b), fp(&c)]).unwrap();
    vec![
        HostMatrix::from_columns(&[counts]).unwrap(),
        rows.clone(),
        rows,
    ]
}

#[test]
fn preprocessed_columns() {
    // Satisfied: lookup's range table (0..8) is preprocessed.
    let air = Lookup::new(4, 3).unwrap();
    let vk = real_key(&air);
    let a: Vec<u64> = (0..16).map(|i| i % 8).collect();
    let b: Vec<u64> = (0..16).map(|i| (3 * i + 1) % 8).collect();
    let real_table: Vec<u64> = (0..8).collect();
    let (proof, _) = prover()
        .prove(&air, &[], &lookup_traces(&a, &b, &real_table))
        .unwrap();
    verify_with_key(&air, &vk, &[], &proof, &policy()).unwrap();
    // Unsatisfied: values 1..=8; 8 is not in the range table.
    let shifted = |v: &[u64]| v.iter().map(|x| x + 1).collect::<Vec<_>>();
    let (a1, b1) = (shifted(&a), shifted(&b));
    assert!(matches!(
        prover().prove(&air, &[], &lookup_traces(&a1, &b1, &real_table)),
        Err(ProverError::UnbalancedBuses(_))
    ));
    // Forged: the cheater's range table is 1..=8, so its buses balance; the
    // real key commits to 0..8.
    let cheat_table: Vec<u64> = (1..=8).collect();
    let cheat = Cheat::Preprocessed(
        HostMatrix::from_columns(&[cheat_table.iter().map(|&v| Fp::new(v)).collect()]).unwrap(),
    );
    forged_is_rejected(
        &air,
        cheat,
        &[],
        &lookup_traces(&a1, &b1, &cheat_table),
        &vk,
    );
}

#[test]
fn periodic_columns() {
    let (air, public, trace) = Squares::generate(4, Fp::new(2)).unwrap();
    let vk = real_key(&air);
    let (proof, _) = prover()
        .prove(&air, &public, std::slice::from_ref(&trace))
        .unwrap();
    verify_with_key(&air, &vk, &public, &proof, &policy()).unwrap();
    // Unsatisfied: a trace built with the round constants 1, 1, 1, 1.
    let n = trace.height();
    let mut x = vec![Fp::new(2)];
    for r in 1..n {
        x.push(x[r - 1] * x[r - 1] + Fp::ONE);
    }
    let other_public = vec![x[0], x[n - 1]];
    let ones = HostMatrix::from_columns(&[x]).unwrap();
    assert!(matches!(
        prover().prove(&air, &other_public, std::slice::from_ref(&ones)),
        Err(ProverError::ConstraintsNotSatisfied { .. })
    ));
    // Forged: the cheater claims the constants are all 1.
    let cheat = Cheat::Periodic(vec![vec![Fp::ONE]]);
    forged_is_rejected(&air, cheat, &other_public, &[ones], &vk);
}

#[test]
fn expression_valued_bus_multiplicities() {
    // Squares' buses are switched by preprocessed selectors: a witness
    // whose first row is not the public input unbalances bus 0.
    let (air, mut public, trace) = Squares::generate(3, Fp::new(4)).unwrap();
    let vk = real_key(&air);
    public[0] += Fp::ONE;
    assert!(matches!(
        prover().prove(&air, &public, std::slice::from_ref(&trace)),
        Err(ProverError::UnbalancedBuses(_))
    ));
    // Forged: the cheater silences the buses (multiplicity 0) and drops
    // the public messages, so any start and end "balance".
    let cheating_public = public.clone();
    let cheat_both = Cheating {
        air: Cheating {
            air: air.clone(),
            cheat: Cheat::SilentBuses,
        },
        cheat: Cheat::NoPublicMessages,
    };
    let p = prover();
    let key = p.setup(&cheat_both).unwrap();
    let (proof, _) = p.prove_with_key(&key, &cheating_public, &[trace]).unwrap();
    assert!(verify_with_key(&air, &vk, &cheating_public, &proof, &policy()).is_err());
}

#[test]
fn public_bus_contributions() {
    let (air, public, trace) = Squares::generate(5, Fp::new(11)).unwrap();
    let vk = real_key(&air);
    let (proof, _) = prover()
        .prove(&air, &public, std::slice::from_ref(&trace))
        .unwrap();
    verify_with_key(&air, &vk, &public, &proof, &policy()).unwrap();
    // Unsatisfied: another claimed output.
    let wrong = vec![public[0], public[1] + Fp::ONE];
    assert!(matches!(
        prover().prove(&air, &wrong, std::slice::from_ref(&trace)),
        Err(ProverError::UnbalancedBuses(_))
    ));
    // Forged: the cheater drops the public messages and silences the buses,
    // so the trace "proves" the wrong output.
    let cheating = Cheating {
        air: Cheating {
            air: air.clone(),
            cheat: Cheat::NoPublicMessages,
        },
        cheat: Cheat::SilentBuses,
    };
    let p = prover();
    let key = p.setup(&cheating).unwrap();
    let (proof, _) = p.prove_with_key(&key, &wrong, &[trace]).unwrap();
    assert!(verify_with_key(&air, &vk, &wrong, &proof, &policy()).is_err());
}
