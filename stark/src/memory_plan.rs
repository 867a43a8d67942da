//! The device memory a proof needs, planned from its layout before any
//! work: what each table's buffers hold round by round, the trees and FRI
//! layers, and the working memory the device says its calls need
//! ([`backend_api::ProverDevice::working_memory`]).
//!
//! The plan follows the prover's rounds (docs/PROTOCOL.md). Held from the
//! round that makes them: per table the main trace and LDE (round 1), the
//! aux trace and LDE (2), the composition parts' values and LDE (3); the
//! round trees (1-3). Round 4 may release the traces and the parts' values
//! (later rounds read only LDEs). Round 5 adds each table's DEEP codeword,
//! then the FRI layers. At each step the peak is what is held plus the
//! step's working memory: the sum over tables when they run concurrently,
//! the largest when they run in turn. A one-table proof may instead do
//! round 1 in one call that hashes the rows while it extends them, with
//! that call's working memory. A [`Schedule`] picks all three choices.

use crate::error::ProverError;
use crate::fri_layout::FriLayout;
use crate::layout::TableLayout;
use backend_api::{CallShape, ElemKind};

/// A device's working memory per call shape
/// ([`backend_api::ProverDevice::working_memory`]).
pub type Working<'a> = dyn Fn(CallShape<'_>) -> u64 + 'a;

/// Bytes of an `Fp` / `Fp3` on the device.
const FP: u64 = 8;
const FP3: u64 = 24;
/// Bytes of a digest.
const DIGEST: u64 = 32;
/// Points the columns are opened at (`z`, `z g`).
const OOD_POINTS: usize = 2;

/// One table's share of a proof's device memory, in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableMemory {
    /// The table's name.
    pub name: String,
    /// Round 1 on: the main trace (to round 4 when released, see
    /// [`Schedule::release`]) and its LDE.
    pub main: (u64, u64),
    /// Round 2 on: the aux trace (as the main trace) and its LDE; zero
    /// without interactions.
    pub aux: (u64, u64),
    /// Round 3 on: the composition parts' values (as the main trace) and
    /// LDE.
    pub parts: (u64, u64),
    /// Round 5: the DEEP codeword, until the proof's FRI is done.
    pub deep: u64,
    /// Rounds 1 to 5: the most working memory one of the table's calls of
    /// that round needs.
    pub working: [u64; 5],
}

impl TableMemory {
    fn new(t: &TableLayout, working: &Working<'_>) -> TableMemory {
        let (n, big) = (t.height() as u64, t.lde_height() as u64);
        let main_w = t.width as u64;
        let aux_w = t.aux_width as u64;
        let q = t.parts as u64;
        let log_eval = t.log_n + t.parts.trailing_zeros();
        let extend = |kind, width| CallShape::Extend {
            kind,
            width,
            log_n: t.log_n,
        };
        let ood = |width, points| CallShape::Ood {
            log_n: t.log_n,
            width,
            points,
        };
        let logup = match t.aux_width {
            0 => 0,
            _ => working(CallShape::LogUp {
                log_n: t.log_n,
                interactions: t.interactions,
            })
            .max(working(extend(ElemKind::Ext, t.aux_width))),
        };
        let constraints = CallShape::Constraints {
            system: &t.system,
            log_eval,
        };
        let composition = working(constraints).max(working(extend(ElemKind::Ext, t.parts)));
        let ood = [
            ood(t.width, OOD_POINTS),
            ood(t.pre_width, OOD_POINTS),
            ood(t.aux_width, OOD_POINTS),
            ood(t.parts, 1),
        ]
        .into_iter()
        .map(working)
        .max()
        .unwrap_or(0);
        let deep = CallShape::Deep {
            log_n: t.log_lde,
            points: OOD_POINTS,
        };
        TableMemory {
            name: t.name.clone(),
            main: (main_w * n * FP, main_w * big * FP),
            aux: (aux_w * n * FP3, aux_w * big * FP3),
            parts: (q * n * FP3, q * big * FP3),
            deep: big * FP3,
            working: [
                working(extend(ElemKind::Base, t.width)),
                logup,
                composition,
                ood,
                working(deep),
            ],
        }
    }

    /// Everything the table holds at the end of round 3 (its peak of held
    /// memory).
    pub fn held(&self) -> u64 {
        self.main.0 + self.main.1 + self.aux.0 + self.aux.1 + self.parts.0 + self.parts.1
    }
}

/// The device memory of a proof, in bytes, before any work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryPlan {
    /// Per table, in table order.
    pub tables: Vec<TableMemory>,
    /// The trees of rounds 1 (main), 2 (aux; zero without) and 3 (parts),
    /// each with the working memory of its commit.
    pub trees: [(u64, u64); 3],
    /// Round 5's FRI: every layer's codeword and tree, and the folds.
    pub fri: u64,
    /// The peak with each round's tables run concurrently, nothing
    /// released before the end (the prover's default schedule for several
    /// tables; one table commits round 1 while extending when it fits).
    pub concurrent: u64,
    /// The peak with them run in turn ([`crate::Prover::tables_in_turn`]).
    pub in_turn: u64,
    /// [`concurrent`](Self::concurrent) and [`in_turn`](Self::in_turn)
    /// when round 4 releases the traces and the parts' values.
    pub releasing: (u64, u64),
    /// With one table: the working memory of round 1 as one
    /// `upload_lde_commit`, which hashes the LDE's rows while it extends
    /// them ([`Schedule::commit_while_extending`]); `None` with several
    /// tables. The peaks above are those of `upload_lde` then the commit.
    pub commit_while_extending: Option<u64>,
}

/// How a proof runs within its memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Each round's tables run concurrently (else in turn).
    pub concurrent: bool,
    /// Round 4 releases the traces and the parts' values. Else they stay to
    /// the end of the proof: releasing them early measured 2-3% slower on
    /// the H200 host (the stream-ordered pool then places the next proof's
    /// buffers worse), so it is done only when memory needs it.
    pub release: bool,
    /// A one-table proof commits round 1 with `upload_lde_commit` (the
    /// rows hashed while the columns are extended; more working memory on
    /// some devices), else with `upload_lde` then the commit.
    pub commit_while_extending: bool,
}

impl MemoryPlan {
    /// The plan of a proof over `tables` with `fri` on a device whose
    /// calls of each shape need `working` bytes for themselves.
    pub fn new(tables: &[TableLayout], fri: &FriLayout, working: &Working<'_>) -> MemoryPlan {
        let per_table: Vec<_> = tables
            .iter()
            .map(|t| TableMemory::new(t, working))
            .collect();
        let tree = |heights: Vec<usize>| {
            let leaves = heights.iter().copied().max().unwrap_or(0) as u64;
            let digests = (2 * leaves).saturating_sub(1) * DIGEST;
            let working = match heights.is_empty() {
                true => 0,
                false => working(CallShape::CommitTables { heights: &heights }),
            };
            (digests, working)
        };
        let heights = |with: fn(&TableLayout) -> bool| {
            let h = tables.iter().filter(|t| with(t)).map(|t| t.lde_height());
            h.collect::<Vec<_>>()
        };
        let trees = [
            tree(heights(|_| true)),
            tree(heights(|t| t.aux_width > 0)),
            tree(heights(|_| true)),
        ];
        let commit_while_extending = match tables {
            [t] => Some(working(CallShape::ExtendCommit {
                kind: ElemKind::Base,
                width: t.width,
                log_n: t.log_n,
                log_blowup: t.log_lde - t.log_n,
            })),
            _ => None,
        };
        let mut plan = MemoryPlan {
            concurrent: 0,
            in_turn: 0,
            releasing: (0, 0),
            tables: per_table,
            trees,
            fri: fri_bytes(fri),
            commit_while_extending,
        };
        let schedule = |concurrent, release| Schedule {
            concurrent,
            release,
            commit_while_extending: false,
        };
        plan.concurrent = plan.peak(schedule(true, false));
        plan.in_turn = plan.peak(schedule(false, false));
        plan.releasing = (
            plan.peak(schedule(true, true)),
            plan.peak(schedule(false, true)),
        );
        plan
    }

    /// The table holding the most (for an error that names it).
    pub fn largest_table(&self) -> Option<&TableMemory> {
        self.tables.iter().max_by_key(|t| t.held())
    }

    /// The peak of a proof run with `schedule` (committing round 1 while
    /// extending only counts with one table).
    pub fn peak(&self, schedule: Schedule) -> u64 {
        let sum: fn(&[u64]) -> u64 = |w| w.iter().sum();
        let max: fn(&[u64]) -> u64 = |w| w.iter().copied().max().unwrap_or(0);
        let combine = if schedule.concurrent { sum } else { max };
        let fused = self
            .commit_while_extending
            .filter(|_| schedule.commit_while_extending);
        peak(
            &self.tables,
            &self.trees,
            self.fri,
            combine,
            schedule.release,
            fused,
        )
    }

    /// The first schedule that fits `available` bytes, in this order:
    /// tables concurrently (only if `concurrently`) keeping everything,
    /// concurrently releasing, in turn keeping, in turn releasing; each
    /// first committing round 1 while extending (one table only), then
    /// not. Errors: [`ProverError::OutOfMemory`] when none fits.
    pub fn schedule(&self, concurrently: bool, available: u64) -> Result<Schedule, ProverError> {
        let candidates = [(true, false), (true, true), (false, false), (false, true)];
        let fused = [true, false];
        let peaks: Vec<(Schedule, u64)> = candidates
            .into_iter()
            .flat_map(|c| fused.map(|f| (c, f)))
            .map(|((concurrent, release), fused)| Schedule {
                concurrent,
                release,
                commit_while_extending: fused,
            })
            .filter(|s| concurrently || !s.concurrent)
            .filter(|s| self.commit_while_extending.is_some() || !s.commit_while_extending)
            .map(|s| (s, self.peak(s)))
            .collect();
        if let Some(&(schedule, _)) = peaks.iter().find(|&&(_, peak)| peak <= available) {
            return Ok(schedule);
        }
        let largest = self.largest_table();
        Err(ProverError::OutOfMemory {
            needed: peaks.iter().map(|&(_, peak)| peak).min().unwrap_or(0),
            available,
            table: largest.map_or_else(String::new, |t| t.name.clone()),
            table_bytes: largest.map_or(0, TableMemory::held),
        })
    }
}

/// Every FRI layer's codeword (Fp3) and tree (`2^a` values per leaf), plus
/// the folds of the layer being folded (each half the size before).
fn fri_bytes(fri: &FriLayout) -> u64 {
    let sizes = fri.sizes();
    let layers: u64 = sizes
        .iter()
        .zip(&fri.log_arities)
        .map(|(&log, &a)| {
            let codeword = (1u64 << log) * FP3;
            let tree = (2 * (1u64 << (log - a))).saturating_sub(1) * DIGEST;
            codeword + tree
        })
        .sum();
    let folds = (1u64 << fri.log_lde) * FP3;
    let last = (1u64 << fri.final_log_size) * FP3;
    layers + folds + last
}

/// The largest of the steps' held-plus-working memory; `combine` adds up
/// the tables' working memory of one round (sum: concurrently; max: in
/// turn); with `release`, round 4 frees the traces and parts' values; with
/// `fused` working memory, round 1 is one `upload_lde_commit` (its tree
/// and the LDE held with it).
fn peak(
    tables: &[TableMemory],
    trees: &[(u64, u64); 3],
    fri: u64,
    combine: fn(&[u64]) -> u64,
    release: bool,
    fused: Option<u64>,
) -> u64 {
    let round = |r: usize| combine(&tables.iter().map(|t| t.working[r]).collect::<Vec<_>>());
    let sum = |f: fn(&TableMemory) -> u64| tables.iter().map(f).sum::<u64>();
    let main = sum(|t| t.main.0 + t.main.1);
    let aux = sum(|t| t.aux.0 + t.aux.1);
    let parts = sum(|t| t.parts.0 + t.parts.1);
    let [(main_tree, main_commit), (aux_tree, aux_commit), (parts_tree, parts_commit)] = *trees;
    let released = match release {
        true => sum(|t| t.main.0 + t.aux.0 + t.parts.0),
        false => 0,
    };
    let ldes_and_trees = main + aux + parts - released + main_tree + aux_tree + parts_tree;
    let deep = sum(|t| t.deep);
    let (round1_extend, round1_commit) = match fused {
        Some(working) => (0, main + main_tree + working),
        None => (main + round(0), main + main_tree + main_commit),
    };
    let steps = [
        round1_extend,
        round1_commit,
        main + main_tree + aux + round(1),
        main + main_tree + aux + aux_tree + aux_commit,
        main + main_tree + aux + aux_tree + parts + round(2),
        main + main_tree + aux + aux_tree + parts + parts_tree + parts_commit,
        main + main_tree + aux + aux_tree + parts + parts_tree + round(3),
        ldes_and_trees + deep + round(4),
        ldes_and_trees + deep + fri,
    ];
    steps.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::{FibWide, Lookup};
    use crate::layout::layouts;
    use crate::{Air, Options};

    fn plan(air: &dyn Air, working: &Working<'_>) -> MemoryPlan {
        let options = Options::blowup4();
        let t = layouts(&air.tables(), &options, air.num_public_inputs()).unwrap();
        MemoryPlan::new(&t, &FriLayout::new(&t, &options), working)
    }

    /// One table of 64 columns of 2^10 rows, blowup 4, no working memory:
    /// the buffers' sizes by their formulas, and the peak where round 3
    /// holds everything.
    #[test]
    fn one_table_holds_its_buffers_by_their_formulas() {
        let p = plan(&FibWide::new(64, 10).unwrap(), &|_| 0);
        let t = &p.tables[0];
        assert_eq!(t.main, (64 * 1024 * 8, 64 * 4096 * 8));
        assert_eq!(t.aux, (0, 0));
        assert_eq!(t.parts.1, t.parts.0 * 4);
        assert_eq!(t.deep, 4096 * 24);
        assert_eq!(p.trees[0], ((2 * 4096 - 1) * 32, 0));
        assert_eq!(p.trees[1], (0, 0), "no aux tree");
        let round3 = t.held() + p.trees[0].0 + p.trees[2].0;
        assert!(p.concurrent >= round3);
        assert_eq!(p.concurrent, p.in_turn, "one table: nothing to run in turn");
    }

    /// Working memory adds to the peak; with several tables, running them
    /// concurrently adds theirs up, in turn only the largest.
    #[test]
    fn concurrent_tables_add_their_working_memory() {
        let air = Lookup::new(12, 10).unwrap();
        let bare = plan(&air, &|_| 0);
        // Far more than the buffers, so that a round's working memory makes
        // the peak: one table's in turn, three tables' concurrently.
        let gib = plan(&air, &|_| 1 << 30);
        assert!(gib.in_turn > bare.in_turn);
        assert!(gib.in_turn >= 1 << 30);
        assert!(gib.in_turn < bare.in_turn + 2 * (1 << 30));
        assert!(gib.concurrent >= gib.in_turn + 2 * (1 << 30));
        assert_eq!(bare.concurrent, bare.in_turn);
        assert!(
            bare.tables.iter().any(|t| t.aux.1 > 0),
            "lookup has aux tables"
        );
        assert!(bare.trees[1].0 > 0, "and an aux tree");
    }

    /// One table: round 1 is committed while extending where that call's
    /// working memory fits, else extended then committed; several tables
    /// never commit while extending.
    #[test]
    fn one_table_commits_while_extending_where_it_fits() {
        let working = |s: CallShape<'_>| match s {
            CallShape::ExtendCommit { .. } => 1 << 30,
            _ => 0,
        };
        let p = plan(&FibWide::new(64, 10).unwrap(), &working);
        let fused = Schedule {
            concurrent: false,
            release: false,
            commit_while_extending: true,
        };
        let separate = Schedule {
            commit_while_extending: false,
            ..fused
        };
        let peak = p.peak(fused);
        assert_eq!(p.peak(separate), p.in_turn);
        assert!(peak >= 1 << 30 && peak > p.in_turn);
        assert_eq!(p.schedule(false, peak).unwrap(), fused);
        assert_eq!(p.schedule(false, peak - 1).unwrap(), separate);
        let lookup = plan(&Lookup::new(12, 10).unwrap(), &working);
        assert_eq!(lookup.commit_while_extending, None);
        let s = lookup.schedule(true, u64::MAX).unwrap();
        assert!(!s.commit_while_extending, "several tables: {s:?}");
    }

    /// A device whose fused round 1 needs less than extending alone: a
    /// refusal names the smallest peak of every schedule, the fused one.
    #[test]
    fn a_refusal_names_the_smallest_peak() {
        let working = |s: CallShape<'_>| match s {
            CallShape::Extend {
                kind: ElemKind::Base,
                ..
            } => 1 << 30,
            _ => 0,
        };
        let p = plan(&FibWide::new(64, 10).unwrap(), &working);
        let fused = p.peak(Schedule {
            concurrent: false,
            release: true,
            commit_while_extending: true,
        });
        assert!(fused < p.releasing.1);
        match p.schedule(false, fused - 1) {
            Err(ProverError::OutOfMemory { needed, .. }) => assert_eq!(needed, fused),
            other => panic!("expected OutOfMemory, got {other:?}"),
        }
    }

    /// The first schedule that fits, in order: concurrently keeping,
    /// concurrently releasing, in turn keeping, in turn releasing; less
    /// than the last: an error naming the largest table and the figures.
    /// (No working memory: the peak is in round 5, which releasing lowers.)
    #[test]
    fn the_budget_picks_a_schedule_or_refuses() {
        let p = plan(&Lookup::new(12, 10).unwrap(), &|_| 0);
        let s = |concurrent, release| Schedule {
            concurrent,
            release,
            commit_while_extending: false,
        };
        assert!(p.releasing.0 < p.concurrent && p.releasing.1 < p.in_turn);
        assert_eq!(p.schedule(true, p.concurrent).unwrap(), s(true, false));
        assert_eq!(p.schedule(false, p.concurrent).unwrap(), s(false, false));
        assert_eq!(p.schedule(true, p.concurrent - 1).unwrap(), s(true, true));
        assert_eq!(p.schedule(false, p.concurrent - 1).unwrap(), s(false, true));
        match p.schedule(true, p.releasing.1 - 1) {
            Err(ProverError::OutOfMemory {
                needed,
                available,
                table,
                table_bytes,
            }) => {
                let largest = p.largest_table().unwrap();
                assert_eq!((needed, available), (p.releasing.1, p.releasing.1 - 1));
                assert_eq!((table, table_bytes), (largest.name.clone(), largest.held()));
            }
            other => panic!("expected OutOfMemory, got {other:?}"),
        }
    }
}
