//! The example AIRs the program knows, by name: how to generate a witness
//! from the command line's flags, and how to rebuild an AIR from the name
//! and parameters a proof carries.

use backend_api::{Fp, HostMatrix};
use clap::ValueEnum;
use stark::examples::{fib_wide, lookup, squares, FibWide, Lookup, Squares};
use stark::{Air, AirError};

/// An example AIR.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Example {
    /// `fib-wide`: W columns of Fibonacci pairs.
    FibWide,
    /// `lookup`: range checks and a permutation across three tables.
    Lookup,
    /// `squares`: periodic and preprocessed columns, public input/output buses.
    Squares,
}

/// The flags that shape a generated witness.
#[derive(Clone, Debug)]
pub struct Shape {
    /// fib-wide: columns.
    pub cols: usize,
    /// log2 of the rows (fib-wide, squares; lookup's source and sink).
    pub log_rows: u32,
    /// lookup: log2 of the range table's height.
    pub range_bits: u32,
    /// lookup: witness seed; squares: the input `x_0`.
    pub seed: u64,
}

/// An AIR with a statement and a witness.
pub struct Instance {
    /// The AIR.
    pub air: Box<dyn Air>,
    /// Its public inputs.
    pub public: Vec<Fp>,
    /// One trace per table.
    pub traces: Vec<HostMatrix<Fp>>,
}

impl Example {
    /// The example's AIR with a generated statement and witness.
    pub fn generate(self, s: &Shape) -> Result<Instance, AirError> {
        Ok(match self {
            Example::FibWide => {
                let (air, public, trace) = FibWide::generate(s.cols, s.log_rows)?;
                Instance {
                    air: Box::new(air),
                    public,
                    traces: vec![trace],
                }
            }
            Example::Lookup => {
                let (air, public, traces) = Lookup::generate(s.log_rows, s.range_bits, s.seed)?;
                Instance {
                    air: Box::new(air),
                    public,
                    traces,
                }
            }
            Example::Squares => {
                let (air, public, trace) = Squares::generate(s.log_rows, Fp::new(s.seed))?;
                Instance {
                    air: Box::new(air),
                    public,
                    traces: vec![trace],
                }
            }
        })
    }
}

/// The AIR named `name` with parameters `params`, as a verifier rebuilds
/// it. Errors: an unknown name, or parameters the AIR rejects.
pub fn air(name: &str, params: &[u64]) -> Result<Box<dyn Air>, String> {
    let built: Result<Box<dyn Air>, AirError> = match name {
        fib_wide::NAME => FibWide::from_params(params).map(|a| Box::new(a) as _),
        lookup::NAME => Lookup::from_params(params).map(|a| Box::new(a) as _),
        squares::NAME => Squares::from_params(params).map(|a| Box::new(a) as _),
        other => {
            return Err(format!(
                "unknown AIR `{other}` (this program knows {}, {} and {})",
                fib_wide::NAME,
                lookup::NAME,
                squares::NAME
            ))
        }
    };
    built.map_err(|e| e.to_string())
}
