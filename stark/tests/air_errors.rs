//! Malformed AIRs and traces are prover errors, reported before any proof
//! work, naming the table and what is wrong.

use backend_api::expr::{ConstraintSystem, ExprError, RowSet};
use backend_api::{Fp, HostMatrix, Interaction, InteractionKind, RowExpr};
use backend_cpu::CpuDevice;
use stark::{Air, AirError, Options, Prover, ProverError, TableSpec};

/// One column `x` with `x^degree = x` on every row (a boolean-like check),
/// and whatever a test breaks.
#[derive(Clone, Default)]
struct Power {
    degree: usize,
    bad_column: bool,
    /// Squarings of `x` appended as an extra constraint.
    squarings: usize,
    periodic: Vec<Vec<Fp>>,
    preprocessed_width: usize,
    preprocessed: Option<HostMatrix<Fp>>,
    interactions: Vec<Interaction>,
}

impl Air for Power {
    fn name(&self) -> String {
        "power".into()
    }
    fn num_public_inputs(&self) -> usize {
        0
    }
    fn tables(&self) -> Vec<TableSpec> {
        let mut cs = ConstraintSystem::new(1, 0, 0, 0)
            .with_preprocessed(self.preprocessed_width)
            .with_periodic(self.periodic.len());
        let x = cs.main(if self.bad_column { 3 } else { 0 });
        let mut p = x;
        for _ in 1..self.degree {
            p = cs.mul(p, x);
        }
        let c = cs.sub(p, x);
        cs.constrain(c, RowSet::EveryRow);
        let mut s = x;
        for _ in 0..self.squarings {
            s = cs.mul(s, s);
        }
        if self.squarings > 0 {
            cs.constrain(s, RowSet::FirstRow);
        }
        let mut t = TableSpec::new("power", 3, cs)
            .with_periodic(self.periodic.clone())
            .with_interactions(self.interactions.clone());
        t.preprocessed_width = self.preprocessed_width;
        vec![t]
    }
    fn preprocessed_trace(&self, _: usize) -> Option<HostMatrix<Fp>> {
        self.preprocessed.clone()
    }
}

fn power(degree: usize) -> Power {
    Power {
        degree,
        ..Power::default()
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

#[track_caller]
fn bad_table(air: &Power, needle: &str) {
    match prover(2).setup(air) {
        Err(ProverError::Air(AirError::BadTable { table, reason })) => {
            assert_eq!(table, "power");
            assert!(
                reason.contains(needle),
                "`{reason}` does not mention `{needle}`"
            );
        }
        Err(e) => panic!("expected a bad-table error about {needle}, got {e}"),
        Ok(_) => panic!("expected a bad-table error about {needle}, got a key"),
    }
}

#[test]
fn constraint_degree_beyond_the_blowup_is_an_error() {
    // Degree 4 on every row: quotient degree 3(n-1) + ... needs 4 parts.
    let air = power(4);
    let err = prover(1).prove(&air, &[], &[trace(8)]).unwrap_err();
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
    prover(2).prove(&air, &[], &[trace(8)]).unwrap();
}

#[test]
fn an_expression_squared_seventy_times_is_a_degree_overflow_not_one_part() {
    let air = Power {
        squarings: 70,
        ..power(2)
    };
    let err = prover(2).setup(&air).unwrap_err();
    assert!(
        matches!(
            err,
            ProverError::Constraints {
                source: ExprError::DegreeOverflow { .. },
                ..
            }
        ),
        "{err}"
    );
    // Forty squarings fit a usize but need far more parts than any blowup.
    let air = Power {
        squarings: 40,
        ..power(2)
    };
    let err = prover(2).setup(&air).unwrap_err();
    assert!(matches!(err, ProverError::BlowupTooSmall { .. }), "{err}");
}

#[test]
fn out_of_range_columns_and_wrong_traces_are_errors() {
    let air = Power {
        bad_column: true,
        ..power(2)
    };
    assert!(matches!(
        prover(2).prove(&air, &[], &[trace(8)]),
        Err(ProverError::Constraints { .. })
    ));
    let air = power(2);
    assert!(matches!(
        prover(2).prove(&air, &[], &[trace(16)]),
        Err(ProverError::TraceShape { .. })
    ));
    let mut bad = trace(8);
    bad.column_mut(0)[3] = Fp::from(5u32);
    assert!(matches!(
        prover(2).prove(&air, &[], &[bad]),
        Err(ProverError::ConstraintsNotSatisfied { .. })
    ));
}

#[test]
fn periodic_patterns_must_divide_the_height() {
    for len in [3, 16] {
        let air = Power {
            periodic: vec![vec![Fp::ONE; len]],
            ..power(2)
        };
        bad_table(&air, "periodic column 0");
    }
}

#[test]
fn preprocessed_traces_must_exist_and_fit() {
    let air = Power {
        preprocessed_width: 1,
        ..power(2)
    };
    bad_table(&air, "no preprocessed trace");
    let air = Power {
        preprocessed_width: 1,
        preprocessed: Some(trace(4)),
        ..power(2)
    };
    bad_table(&air, "preprocessed trace is 1 x 4");
}

#[test]
fn interactions_reading_past_a_width_are_errors() {
    let send = |multiplicity| Interaction {
        bus: 0,
        kind: InteractionKind::Send,
        values: vec![RowExpr::main(0)],
        multiplicity,
    };
    let air = Power {
        interactions: vec![send(RowExpr::preprocessed(0))],
        ..power(2)
    };
    bad_table(&air, "preprocessed column past");
    let air = Power {
        interactions: vec![send(RowExpr::main(1))],
        ..power(2)
    };
    bad_table(&air, "main column past");
}

#[test]
fn invalid_options_are_rejected() {
    let mut o = Options::insecure_test();
    o.shift = Fp::ONE;
    assert!(Prover::with_options(CpuDevice::new(), o).is_err());
    let mut o = Options::insecure_test();
    o.num_queries = 0;
    assert!(Prover::with_options(CpuDevice::new(), o).is_err());
    for name in ["blowup2", "blowup4", "blowup8", "blowup16"] {
        let o = Options::by_name(name).unwrap();
        o.validate().unwrap();
        assert_eq!(
            o.query_bits(),
            (o.num_queries as u32) * o.log_blowup + o.grinding_bits
        );
        assert!(o.query_bits() >= 100, "{name}");
    }
}
