//! Malformed AIRs and traces are prover errors, reported before any work.

use backend_api::expr::{ConstraintSystem, RowSet};
use backend_api::{Fp, HostMatrix};
use backend_cpu::CpuDevice;
use stark::{Air, AirInstance, Options, Prover, ProverError, TableSpec};

/// One column `x` with `x^degree = x` on every row (a boolean-like check).
struct Power {
    degree: usize,
    bad_column: bool,
}

impl Air for Power {
    fn instance(&self) -> AirInstance {
        AirInstance {
            name: "power".into(),
            params: vec![self.degree as u64],
            public_inputs: vec![],
        }
    }
    fn tables(&self) -> Vec<TableSpec> {
        let mut cs = ConstraintSystem::new(1, 0, 0, 0);
        let x = cs.main(if self.bad_column { 3 } else { 0 });
        let mut p = x;
        for _ in 1..self.degree {
            p = cs.mul(p, x);
        }
        let c = cs.sub(p, x);
        cs.constrain(c, RowSet::EveryRow);
        vec![TableSpec {
            name: "power".into(),
            log_height: 3,
            width: 1,
            constraints: cs,
            interactions: vec![],
        }]
    }
}

fn trace(height: usize) -> HostMatrix<Fp> {
    HostMatrix::from_columns(&[(0..height).map(|i| Fp::from((i % 2) as u32)).collect()]).unwrap()
}

fn prover(log_blowup: u32) -> Prover<CpuDevice> {
    let mut o = Options::insecure_test();
    o.log_blowup = log_blowup;
    Prover::with_options(CpuDevice::new(), o).unwrap()
}

#[test]
fn constraint_degree_beyond_the_blowup_is_an_error() {
    // Degree 4 on every row: quotient degree 3(n-1) + ... needs 4 parts.
    let air = Power {
        degree: 4,
        bad_column: false,
    };
    let err = prover(1).prove(&air, &[trace(8)]).unwrap_err();
    assert!(
        matches!(
            err,
            ProverError::BlowupTooSmall {
                parts: 4,
                blowup: 2,
                ..
            }
        ),
        "{err}"
    );
    // The same AIR proves with blowup 4 (the verifier's registry does not
    // know it, so only proving is checked here).
    prover(2).prove(&air, &[trace(8)]).unwrap();
}

#[test]
fn out_of_range_columns_and_wrong_traces_are_errors() {
    let air = Power {
        degree: 2,
        bad_column: true,
    };
    assert!(matches!(
        prover(2).prove(&air, &[trace(8)]),
        Err(ProverError::Constraints { .. })
    ));
    let air = Power {
        degree: 2,
        bad_column: false,
    };
    assert!(matches!(
        prover(2).prove(&air, &[trace(16)]),
        Err(ProverError::TraceShape { .. })
    ));
    let mut bad = trace(8);
    bad.column_mut(0)[3] = Fp::from(5u32);
    assert!(matches!(
        prover(2).prove(&air, &[bad]),
        Err(ProverError::ConstraintsNotSatisfied { .. })
    ));
}

#[test]
fn invalid_options_are_rejected() {
    let mut o = Options::insecure_test();
    o.shift = Fp::ONE;
    assert!(Prover::with_options(CpuDevice::new(), o).is_err());
    let mut o = Options::insecure_test();
    o.num_queries = 0;
    assert!(Prover::with_options(CpuDevice::new(), o).is_err());
    assert!(Options::default().security_bits() >= 100);
    for name in ["blowup2", "blowup4", "blowup8", "blowup16"] {
        let o = Options::by_name(name).unwrap();
        o.validate().unwrap();
        assert_eq!(
            o.security_bits(),
            (o.num_queries as u32) * o.log_blowup + o.grinding_bits
        );
        assert!(o.security_bits() >= 100, "{name}");
    }
}
