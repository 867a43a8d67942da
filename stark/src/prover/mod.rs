//! The prover, generic over the device. See docs/PROTOCOL.md for the rounds.
//!
//! * [`Prover::setup`] (once per AIR and options): layouts, the
//!   preprocessed columns' LDEs and trees, periodic tables, the verifying
//!   key (module `setup`);
//! * [`Prover::prove_with_key`]: the rounds, one method each (module
//!   `rounds`).
//!
//! The device is a `ProverDevice`: its arguments and the shapes of its
//! results are checked by `backend_api` around every backend call.

mod rounds;
mod setup;

use crate::air::Air;
use crate::error::ProverError;
use crate::fri_layout::FriLayout;
use crate::keys::ProvingKey;
use crate::memory_plan::{MemoryPlan, Schedule};
use crate::options::Options;
use crate::proof::Proof;
use backend_api::{Fp, HostMatrix, ProverDevice};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wall-clock time of each prover phase, in execution order.
#[derive(Clone, Debug, Default)]
pub struct PhaseTimes(pub Vec<(&'static str, Duration)>);

impl PhaseTimes {
    /// The sum of all phase times.
    pub fn total(&self) -> Duration {
        self.0.iter().map(|(_, d)| *d).sum()
    }
}

/// A prover on one device: one context for the proof's rounds, and one
/// per table for the tables' independent work within a round, which runs
/// concurrently (`rounds::ProofRun::per_table`).
pub struct Prover<D: ProverDevice> {
    device: D,
    ctx: D::DeviceCtx,
    /// Made on first need and kept, so that a context's resources (its
    /// streams) serve every proof.
    table_ctxs: Mutex<Vec<D::DeviceCtx>>,
    options: Options,
    progress: Option<ProgressFn>,
    /// Whether a round's per-table work runs concurrently, one context per
    /// table (the default), or in turn on `ctx`.
    concurrent_tables: bool,
    /// Most bytes of device memory a proof may plan for
    /// ([`with_memory_budget`](Self::with_memory_budget)).
    budget: Option<u64>,
}

/// Called with each phase's name as it starts.
type ProgressFn = Box<dyn Fn(&str) + Send + Sync>;

/// Times phases and announces them.
struct Phases<'a> {
    times: PhaseTimes,
    clock: Instant,
    progress: Option<&'a ProgressFn>,
}

impl Phases<'_> {
    fn start(&mut self, name: &str) {
        if let Some(f) = self.progress {
            f(name);
        }
        self.clock = Instant::now();
    }

    fn end(&mut self, name: &'static str) {
        self.times.0.push((name, self.clock.elapsed()));
    }
}

impl<D: ProverDevice> Prover<D> {
    /// A prover with the default options ([`Options::blowup4`]).
    pub fn new(device: D) -> Result<Self, ProverError> {
        Self::with_options(device, Options::default())
    }

    /// A prover with `options`, creating one context on `device`.
    /// Errors: [`ProverError::Options`] if the options are invalid,
    /// [`ProverError::Device`] if the context cannot be created.
    pub fn with_options(device: D, options: Options) -> Result<Self, ProverError> {
        options.validate()?;
        let ctx = device.new_ctx()?;
        Ok(Prover {
            device,
            ctx,
            table_ctxs: Mutex::new(Vec::new()),
            options,
            progress: None,
            concurrent_tables: true,
            budget: None,
        })
    }

    /// Plans every proof to fit `bytes` of device memory (as well as what
    /// the device reports free): before any work, a proof whose
    /// [`MemoryPlan`] does not fit as the prover would run it releases what
    /// later rounds do not read, or runs its tables in turn
    /// ([`MemoryPlan::schedule`]); one that fits no way fails with
    /// [`ProverError::OutOfMemory`]. The budget is the prover's plan; to
    /// hold a device to it as well, use its own limit (for CUDA,
    /// `CudaDevice::set_memory_limit`).
    pub fn with_memory_budget(mut self, bytes: u64) -> Self {
        self.budget = Some(bytes);
        self
    }

    /// The device memory a proof with `pk` needs ([`MemoryPlan`]).
    pub fn memory_plan(&self, pk: &ProvingKey<'_, D>) -> MemoryPlan {
        let fri = FriLayout::new(&pk.layouts, &self.options);
        MemoryPlan::new(&pk.layouts, &fri, &|shape| {
            self.device.working_memory(shape)
        })
    }

    /// How a proof with `pk` runs: its tables as the prover chose, nothing
    /// released early, one table committed while extending, unless memory
    /// (the device's, and the budget) needs otherwise
    /// ([`MemoryPlan::schedule`]); its peak is
    /// [`MemoryPlan::peak`] of it. Errors: `OutOfMemory` when nothing
    /// fits, before any work.
    pub fn schedule(&self, pk: &ProvingKey<'_, D>) -> Result<Schedule, ProverError> {
        let concurrent = self.concurrent_tables && pk.layouts.len() > 1;
        let available = match (self.device.memory_available()?, self.budget) {
            (Some(d), Some(b)) => Some(d.min(b)),
            (d, b) => d.or(b),
        };
        match available {
            Some(a) => self.memory_plan(pk).schedule(concurrent, a),
            None => Ok(Schedule {
                concurrent,
                release: false,
                commit_while_extending: pk.layouts.len() == 1,
            }),
        }
    }

    /// Runs each round's per-table work one table after another on the
    /// prover's one context, instead of concurrently with a context (and a
    /// thread) per table. The proofs are the same bytes; this is for
    /// measuring what the concurrency gains, and for devices where extra
    /// contexts cost more than they give.
    pub fn tables_in_turn(mut self) -> Self {
        self.concurrent_tables = false;
        self
    }

    /// Calls `f` with the name of each phase as it starts.
    pub fn on_phase(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// The options proofs are made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The device the prover runs on.
    pub fn device(&self) -> &D {
        &self.device
    }

    /// `n` contexts for the tables' concurrent work (the pool grows to `n`).
    fn table_ctxs(&self, n: usize) -> Result<Vec<D::DeviceCtx>, ProverError> {
        let mut pool = self.table_ctxs.lock().unwrap_or_else(|e| e.into_inner());
        while pool.len() < n {
            pool.push(self.device.new_ctx()?);
        }
        Ok(pool[..n].to_vec())
    }

    fn phases(&self) -> Phases<'_> {
        Phases {
            times: PhaseTimes::default(),
            clock: Instant::now(),
            progress: self.progress.as_ref(),
        }
    }

    /// Proves that `traces` (one per table, natural row order) satisfy
    /// `air` for the public inputs `public`: [`setup`](Self::setup), then
    /// [`prove_with_key`](Self::prove_with_key). The phase times include
    /// the setup. To prove an AIR with preprocessed columns several times,
    /// set up once and call `prove_with_key`.
    pub fn prove(
        &self,
        air: &dyn Air,
        public: &[Fp],
        traces: &[HostMatrix<Fp>],
    ) -> Result<(Proof, PhaseTimes), ProverError> {
        let start = Instant::now();
        let pk = self.setup(air)?;
        let setup = start.elapsed();
        let (proof, mut times) = self.prove_with_key(&pk, public, traces)?;
        times.0.insert(0, ("setup", setup));
        Ok((proof, times))
    }

    /// Proves with a key from [`setup`](Self::setup) on this prover.
    ///
    /// Errors: [`ProverError::KeyOptions`] for a key made with other
    /// options; [`ProverError::PublicInputCount`], [`ProverError::TraceCount`]
    /// and [`ProverError::TraceShape`] for a statement or witness of the
    /// wrong shape; [`ProverError::UnbalancedBuses`] and
    /// [`ProverError::ConstraintsNotSatisfied`] for a witness that does not
    /// satisfy the AIR; [`ProverError::OutOfMemory`] before any work when
    /// the proof's [`MemoryPlan`] fits neither the device nor the budget;
    /// [`ProverError::Device`] for device failures (including results of
    /// the wrong shape, `DeviceError::BadOutput`).
    pub fn prove_with_key(
        &self,
        pk: &ProvingKey<'_, D>,
        public: &[Fp],
        traces: &[HostMatrix<Fp>],
    ) -> Result<(Proof, PhaseTimes), ProverError> {
        if pk.options != self.options {
            return Err(ProverError::KeyOptions);
        }
        rounds::check_statement(pk, public, traces)?;
        let schedule = self.schedule(pk)?;
        let ctxs = match schedule.concurrent {
            true => self.table_ctxs(pk.layouts.len())?,
            false => Vec::new(),
        };
        let mut phases = self.phases();
        let run = rounds::ProofRun::new(self, pk, public, ctxs, schedule)?;
        let proof = run.prove(traces, &mut phases)?;
        Ok((proof, phases.times))
    }
}
