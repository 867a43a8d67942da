//! The four workloads every whole-proof benchmark proves: their AIRs,
//! statements and witnesses at a chosen size.

use backend_api::{Fp, HostMatrix};
use stark::examples::{FibWide, KeccakF, Lookup, Vm};
use stark::{Air, AirError, Options, ProverError};

/// A workload and its size.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `fib-wide`: `cols` columns of `2^log_rows` rows.
    FibWide {
        /// Columns.
        cols: usize,
        /// log2 of the rows.
        log_rows: u32,
    },
    /// `lookup`: source and sink of `2^log_rows` rows, a range table of
    /// `2^min(log_rows, 16)`.
    Lookup {
        /// log2 of the source and sink rows.
        log_rows: u32,
    },
    /// `keccak`: `floor(2^log_rows / 24)` permutations.
    Keccak {
        /// log2 of the rows.
        log_rows: u32,
    },
    /// `vm`: the program's loop for as many iterations as `2^log_rows`
    /// cpu rows hold.
    Vm {
        /// log2 of the cpu table's rows.
        log_rows: u32,
    },
}

/// A workload's AIR, public inputs and traces.
pub struct Instance {
    /// The AIR.
    pub air: Box<dyn Air>,
    /// Its public inputs.
    pub public: Vec<Fp>,
    /// One trace per table.
    pub traces: Vec<HostMatrix<Fp>>,
}

impl Instance {
    /// Main-trace cells over all tables.
    pub fn cells(&self) -> usize {
        self.traces.iter().map(|t| t.width() * t.height()).sum()
    }

    /// Base-field cells a proof extends and commits over the trace domains
    /// with `options`: per table, its main columns, its LogUp aux columns
    /// and its composition parts (3 base cells per extension cell), times
    /// its height. Errors: the AIR's layout does not fit `options` (as the
    /// prover reports it).
    pub fn committed_cells(&self, options: &Options) -> Result<usize, ProverError> {
        let air = self.air.as_ref();
        let layouts = stark::layout::layouts(&air.tables(), options, air.num_public_inputs())?;
        Ok(layouts
            .iter()
            .map(|t| (t.width + 3 * (t.aux_width + t.parts)) * t.height())
            .sum())
    }
}

impl Workload {
    /// The workload's AIR name.
    pub fn name(&self) -> &'static str {
        match self {
            Workload::FibWide { .. } => stark::examples::fib_wide::NAME,
            Workload::Lookup { .. } => stark::examples::lookup::NAME,
            Workload::Keccak { .. } => stark::examples::keccak::NAME,
            Workload::Vm { .. } => stark::examples::vm::NAME,
        }
    }

    /// A one-line description of the size.
    pub fn describe(&self) -> String {
        match *self {
            Workload::FibWide { cols, log_rows } => format!("fib-wide {cols} x 2^{log_rows}"),
            Workload::Lookup { log_rows } => format!("lookup 2^{log_rows}"),
            Workload::Keccak { log_rows } => format!(
                "keccak 2^{log_rows} rows, {} permutations",
                (1usize << log_rows) / stark::examples::keccak::ROUNDS
            ),
            Workload::Vm { log_rows } => format!(
                "vm 2^{log_rows} cpu rows, {} iterations",
                Vm::max_iterations(log_rows).min(u16::MAX as usize)
            ),
        }
    }

    /// The AIR, statement and witness. Errors: sizes the AIR rejects.
    pub fn generate(&self) -> Result<Instance, AirError> {
        let boxed = |air: Box<dyn Air>, public, traces| Instance {
            air,
            public,
            traces,
        };
        Ok(match *self {
            Workload::FibWide { cols, log_rows } => {
                let (air, public, trace) = FibWide::generate(cols, log_rows)?;
                boxed(Box::new(air), public, vec![trace])
            }
            Workload::Lookup { log_rows } => {
                let (air, public, traces) = Lookup::generate(log_rows, log_rows.min(16), 1)?;
                boxed(Box::new(air), public, traces)
            }
            Workload::Keccak { log_rows } => {
                let (air, public, trace) = KeccakF::generate(log_rows, 1)?;
                boxed(Box::new(air), public, vec![trace])
            }
            Workload::Vm { log_rows } => {
                let n = Vm::max_iterations(log_rows).min(u16::MAX as usize);
                let (air, public, traces) = Vm::generate(log_rows, n)?;
                boxed(Box::new(air), public, traces)
            }
        })
    }
}
