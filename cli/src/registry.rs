//! The example AIRs the program knows, by name: how to generate a witness
//! from the command line's flags, and how to rebuild an AIR from the name
//! and parameters a proof carries.

use backend_api::{Fp, HostMatrix};
use clap::ValueEnum;
use stark::examples::{
    fib_wide, keccak, lookup, squares, vm, FibWide, KeccakF, Lookup, Squares, Vm,
};
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
    /// `keccak`: Keccak-f[1600] permutations, one round per row.
    Keccak,
    /// `vm`: a register machine's run, six tables on six buses.
    Vm,
}

/// The flags that shape a generated witness.
#[derive(Clone, Debug)]
pub struct Shape {
    /// fib-wide: columns.
    pub cols: usize,
    /// log2 of the rows (fib-wide, squares, keccak; lookup's source and
    /// sink; vm's cpu table).
    pub log_rows: u32,
    /// lookup: log2 of the range table's height.
    pub range_bits: u32,
    /// lookup, keccak: witness seed; squares: the input `x_0`.
    pub seed: u64,
    /// vm: loop iterations (`None`: as many as the cpu table holds).
    pub iterations: Option<usize>,
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
    /// The `--log-rows` used when none is given: a proof of a few seconds
    /// on two cores.
    pub fn default_log_rows(self) -> u32 {
        match self {
            Example::FibWide | Example::Lookup | Example::Squares => 16,
            Example::Keccak => 10,
            Example::Vm => 14,
        }
    }

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
            Example::Keccak => {
                let (air, public, trace) = KeccakF::generate(s.log_rows, s.seed)?;
                Instance {
                    air: Box::new(air),
                    public,
                    traces: vec![trace],
                }
            }
            Example::Vm => {
                let n = s.iterations.unwrap_or(Vm::max_iterations(s.log_rows));
                let (air, public, traces) = Vm::generate(s.log_rows, n)?;
                Instance {
                    air: Box::new(air),
                    public,
                    traces,
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
        keccak::NAME => KeccakF::from_params(params).map(|a| Box::new(a) as _),
        vm::NAME => Vm::from_params(params).map(|a| Box::new(a) as _),
        other => {
            let known = [
                fib_wide::NAME,
                lookup::NAME,
                squares::NAME,
                keccak::NAME,
                vm::NAME,
            ];
            return Err(format!(
                "unknown AIR `{other}` (this program knows {})",
                known.join(", ")
            ));
        }
    };
    built.map_err(|e| e.to_string())
}
