//! Constraint evaluation (primitive 9) on the GPU against `CpuDevice`, value
//! for value (canonical values, so byte for byte), at what only the GPU
//! backend has: `conformance::fixtures`' sample system (every row set,
//! public inputs, challenges, aux, preprocessed and periodic columns) and
//! random systems of a few hundred nodes over every leaf kind at LDE heights
//! up to 2^20 (2^22 in the timed case), and a wide system whose live values
//! exceed the local-memory kernels (global scratch, several chunks). Small
//! domains against the reference and the invalid-argument checks are the
//! conformance suite's.

use backend_api::expr::{CompositionDomain, ConstraintSystem, ExprId, RowSet};
use backend_api::rng::SplitMix64 as Rng;
use backend_api::{Fp, ProverDevice};
use backend_cpu::CpuDevice;
use backend_cuda::{CudaCtx, CudaDevice, EventTimer};
use conformance::fixtures::{random_inputs, random_system, sample_system_with, SystemShape};

fn device() -> (CudaDevice, CudaCtx) {
    let dev = CudaDevice::new(0).expect("a CUDA device");
    let ctx = dev.new_ctx().expect("a context");
    (dev, ctx)
}

fn domain(log_n: u32, log_lde: u32, log_eval: u32) -> CompositionDomain {
    CompositionDomain {
        log_n,
        log_lde,
        log_eval,
        shift: Fp::GENERATOR,
    }
}

/// Evaluates on both backends and asserts equal outputs; returns the GPU
/// time of the evaluation call in milliseconds.
fn compare(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    system: &ConstraintSystem,
    d: &CompositionDomain,
    seed: u64,
) -> f32 {
    let mut rng = Rng::new(seed);
    let inp = random_inputs(&mut rng, system, d);
    let params = inp.params();
    let want = CpuDevice::new()
        .evaluate_constraints(&(), system, inp.trace(), inp.aux.as_ref(), d, &params)
        .unwrap();

    let gmain = dev.upload_matrix(ctx, &inp.main).unwrap();
    let gpre = inp.pre.as_ref().map(|p| dev.upload_matrix(ctx, p).unwrap());
    let gaux = inp.aux.as_ref().map(|a| dev.upload_matrix(ctx, a).unwrap());
    let gtrace = backend_api::TraceColumns {
        main: &gmain,
        preprocessed: gpre.as_ref(),
    };
    let timer = EventTimer::new(ctx).unwrap();
    let (got, ms) = timer
        .time(|| dev.evaluate_constraints(ctx, system, gtrace, gaux.as_ref(), d, &params))
        .unwrap();
    assert_eq!((got.width(), got.height()), (1, 1usize << d.log_eval));
    let got = dev.download(ctx, got.buffer()).unwrap();
    let want = want.buffer();
    assert_eq!(got.len(), want.len());
    if let Some(k) = (0..got.len()).find(|&k| got[k] != want[k]) {
        panic!(
            "{d:?}: first difference at position {k}: gpu {:?} cpu {:?}",
            got[k], want[k]
        );
    }
    ms
}

#[test]
#[ignore = "needs a CUDA device"]
fn sample_system_matches_cpu() {
    let (dev, ctx) = device();
    let s = sample_system_with(true, true);
    for (i, d) in [
        domain(1, 1, 1),
        domain(3, 5, 4),
        domain(4, 6, 6),
        domain(10, 13, 12),
        domain(16, 18, 17),
        domain(18, 20, 20),
    ]
    .iter()
    .enumerate()
    {
        compare(&dev, &ctx, &s, d, 100 + i as u64);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn random_systems_match_cpu() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(42);
    for (case, &(nodes, cons, log_n, log_lde, log_eval)) in [
        (30, 4, 3, 5, 5),
        (120, 12, 8, 11, 10),
        (300, 30, 12, 15, 14),
        (100, 10, 18, 20, 20),
    ]
    .iter()
    .enumerate()
    {
        let s = random_system(&mut rng, &SystemShape::every_leaf(6), nodes, cons);
        compare(
            &dev,
            &ctx,
            &s,
            &domain(log_n, log_lde, log_eval),
            200 + case as u64,
        );
    }
}

/// 64 leaves read before any is consumed: more live values than the
/// local-memory kernels hold, so the global-scratch kernel runs, at 2^18
/// positions in more than one chunk.
#[test]
#[ignore = "needs a CUDA device"]
fn wide_system_uses_global_scratch() {
    let (dev, ctx) = device();
    let mut s = ConstraintSystem::new(64, 1, 1, 0);
    let leaves: Vec<ExprId> = (0..64).map(|c| s.main_next(c)).collect();
    let z = s.aux(0);
    let c = s.challenge(0);
    let mut acc = s.mul(z, c);
    for (i, &l) in leaves.iter().enumerate().rev() {
        let t = if i % 2 == 0 {
            s.mul(acc, l)
        } else {
            s.add(acc, l)
        };
        acc = t;
        if i % 16 == 0 {
            s.constrain(acc, RowSet::Transition);
        }
    }
    s.constrain(acc, RowSet::EveryRow);
    compare(&dev, &ctx, &s, &domain(16, 18, 18), 300);
    compare(&dev, &ctx, &s, &domain(4, 6, 5), 301);
}

#[test]
#[ignore = "needs a CUDA device"]
fn empty_system_gives_zeros() {
    let (dev, ctx) = device();
    let s = ConstraintSystem::new(1, 0, 0, 0);
    compare(&dev, &ctx, &s, &domain(4, 6, 6), 400);
}

/// Timing (printed with --nocapture, not asserted): 2^22 LDE rows, ~100 nodes,
/// 16 main columns, checked against the CPU like every other case.
#[test]
#[ignore = "needs a CUDA device"]
fn timed_2_22_rows_100_nodes() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(77);
    let s = random_system(&mut rng, &SystemShape::every_leaf(16), 100, 12);
    let d = domain(20, 22, 22);
    let first = compare(&dev, &ctx, &s, &d, 500);
    let again = compare(&dev, &ctx, &s, &d, 501);
    println!(
        "evaluate_constraints 2^22 positions, {} nodes, {} constraints on {}: {first:.3} ms, {again:.3} ms",
        s.nodes.len(),
        s.constraints.len(),
        dev.name()
    );
}
