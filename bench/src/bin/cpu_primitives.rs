//! CPU backend figures, with Plonky3's coset LDE measured side by side.
//!
//! `cargo run --release -p stark-hal-bench --bin cpu_primitives [-- OPTIONS]`
//!
//! Options (defaults are the sizes):
//!   --log-n K        LDE input height 2^K (20)
//!   --width W        LDE columns (64)
//!   --blowup B       LDE blowup (4)
//!   --log-vec K      batch-inverse and FRI-fold length 2^K (22)
//!   --log-logup K    LogUp rows 2^K (20), 8 interactions
//!   --runs R         timed runs per figure, median reported (5)
//!   --quick          small sizes: --log-n 14 --width 16 --log-vec 16 --log-logup 14 --runs 3
//!   --merkle-only    only the Merkle commit comparison (the LDE is computed
//!                    once, untimed, and the other primitives are skipped)
//!
//! The LDE is evaluations over H_n (natural order) to shift * H_{n*B} with
//! shift = 7, stored bit-reversed: what Plonky3's `Radix2DitParallel`
//! returns (a bit-reversed matrix behind a natural-order view). The two
//! results are compared on a small input before timing.
//!
//! The Merkle commit compares ours (`merkle_commit`, one row per leaf) on
//! our LDE with Plonky3's `MerkleTreeMmcs` (see
//! `stark_hal_bench::p3_keccak_merkle`) on Plonky3's LDE: the same values in
//! the same (bit-reversed) row order, row-major in its case. Both are
//! binary Keccak-256 trees with one leaf per 64-element row.

use backend_api::rng::SplitMix64;
use backend_api::{
    bit_reverse, Fp, Fp3, HostMatrix, Interaction, InteractionKind, LogUpChallenges, Matrix, Order,
    ProverDevice, RowExpr, TraceColumns,
};
use backend_cpu::CpuDevice;
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_field::PrimeField64;
use p3_goldilocks::Goldilocks;
use p3_matrix::bitrev::BitReversibleMatrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Matrix as _;
use stark_hal_bench::p3_keccak_merkle::{expected_p3_root, p3_commit_root, p3_keccak_mmcs};
use std::time::{Duration, Instant};

struct Args {
    log_n: u32,
    width: usize,
    blowup: usize,
    log_vec: u32,
    log_logup: u32,
    runs: usize,
    merkle_only: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        log_n: 20,
        width: 64,
        blowup: 4,
        log_vec: 22,
        log_logup: 20,
        runs: 5,
        merkle_only: false,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let value = |i: usize| -> u64 {
        argv.get(i + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{} needs a number", argv[i]))
    };
    while i < argv.len() {
        match argv[i].as_str() {
            "--quick" => {
                a = Args {
                    log_n: 14,
                    width: 16,
                    blowup: 4,
                    log_vec: 16,
                    log_logup: 14,
                    runs: 3,
                    merkle_only: a.merkle_only,
                };
                i += 1;
                continue;
            }
            "--merkle-only" => {
                a.merkle_only = true;
                i += 1;
                continue;
            }
            "--log-n" => a.log_n = value(i) as u32,
            "--width" => a.width = value(i) as usize,
            "--blowup" => a.blowup = value(i) as usize,
            "--log-vec" => a.log_vec = value(i) as u32,
            "--log-logup" => a.log_logup = value(i) as u32,
            "--runs" => a.runs = value(i) as usize,
            other => panic!(
                "unknown option {other} (see the doc comment at the top of cpu_primitives.rs)"
            ),
        }
        i += 2;
    }
    a
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Our column-major matrix as Plonky3's row-major one.
fn to_p3(m: &HostMatrix<Fp>) -> RowMajorMatrix<Goldilocks> {
    let (w, h) = (m.width(), m.height());
    let mut values = Vec::with_capacity(w * h);
    for r in 0..h {
        for c in 0..w {
            values.push(Goldilocks::new(m.get(r, c).value()));
        }
    }
    RowMajorMatrix::new(values, w)
}

fn lde_ours(dev: &CpuDevice, m: &HostMatrix<Fp>, blowup: usize) -> HostMatrix<Fp> {
    dev.coset_lde(
        &(),
        m,
        Order::Natural,
        blowup,
        Fp::GENERATOR,
        Order::BitReversed,
    )
    .expect("valid LDE arguments")
}

fn random_matrix(seed: u64, width: usize, height: usize) -> HostMatrix<Fp> {
    Matrix::new(SplitMix64::new(seed).elems(width * height), width, height).expect("shape")
}

/// Our LDE and Plonky3's agree value for value on a small input.
fn agreement_check(dev: &CpuDevice, p3: &Radix2DitParallel<Goldilocks>) -> bool {
    let (w, log_n, blowup) = (5, 8, 4);
    let m = random_matrix(1, w, 1 << log_n);
    let ours = lde_ours(dev, &m, blowup);
    let theirs = p3.coset_lde_batch(to_p3(&m), 2, Goldilocks::new(Fp::GENERATOR.value()));
    let log_big = log_n + 2;
    (0..1usize << log_big).all(|r| {
        (0..w).all(|c| {
            // Ours is stored bit-reversed; their view reads in natural order.
            let mine = ours.get(bit_reverse(r, log_big), c).value();
            let p = theirs.get(r, c).expect("in range").as_canonical_u64();
            mine == p
        })
    })
}

/// Our Keccak Merkle commit and Plonky3's, alternating run by run.
fn merkle_comparison(
    dev: &CpuDevice,
    lde: &HostMatrix<Fp>,
    p3_lde: &RowMajorMatrix<Goldilocks>,
    runs: usize,
) {
    let same_values = (0..lde.height()).step_by(lde.height() / 64 + 1).all(|r| {
        (0..lde.width())
            .all(|c| lde.get(r, c).value() == p3_lde.values[r * lde.width() + c].as_canonical_u64())
    });
    println!(
        "check: both Merkle commits get the same values in the same row order (sampled rows): {}",
        if same_values { "yes" } else { "NO" }
    );
    assert!(same_values, "the committed matrices differ");
    let mmcs = p3_keccak_mmcs();
    let small = to_p3(&random_matrix(5, 7, 1 << 6));
    let p3_ok = p3_commit_root(&mmcs, small.as_view()) == expected_p3_root(&small);
    println!(
        "check: Plonky3's tree is Keccak-256 of the row's 8-byte LE words, then Keccak-256(left || right) (7 x 2^6): {}",
        if p3_ok { "yes" } else { "NO" }
    );
    assert!(p3_ok, "Plonky3's tree is not the configuration we describe");

    let (mut ours_t, mut p3_t) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let tree = dev.merkle_commit(&(), &[lde], 1).expect("valid commit");
        ours_t.push(t.elapsed());
        drop(tree);
        let t = Instant::now();
        let root = p3_commit_root(&mmcs, p3_lde.as_view());
        p3_t.push(t.elapsed());
        std::hint::black_box(root);
    }
    let (o, p) = (median(ours_t), median(p3_t));
    println!(
        "Keccak-256 Merkle commit of that LDE ({} x 2^{}, one row per leaf, binary): ours {}, Plonky3 MerkleTreeMmcs {}, ratio ours/Plonky3 {:.3}",
        lde.width(),
        lde.height().trailing_zeros(),
        ms(o),
        ms(p),
        o.as_secs_f64() / p.as_secs_f64()
    );
}

fn main() {
    let a = parse_args();
    let dev = CpuDevice::new();
    let p3 = Radix2DitParallel::<Goldilocks>::default();
    println!(
        "cpu_primitives: {} rayon threads, {} runs per figure (median)",
        rayon::current_num_threads(),
        a.runs
    );
    let agree = agreement_check(&dev, &p3);
    println!(
        "check: our coset LDE equals Plonky3's coset_lde_batch on 5 x 2^8, blowup 4: {}",
        if agree { "yes" } else { "NO" }
    );
    assert!(
        agree,
        "the compared LDEs differ; the ratio would be meaningless"
    );

    // Coset LDE, ours and Plonky3 alternating in one run.
    let n = 1usize << a.log_n;
    let m = random_matrix(2, a.width, n);
    let p3_input = to_p3(&m);
    let added_bits = a.blowup.trailing_zeros() as usize;
    let shift = Goldilocks::new(Fp::GENERATOR.value());
    // Warm both twiddle caches outside the timings.
    drop(lde_ours(&dev, &m, a.blowup));
    drop(p3.coset_lde_batch(p3_input.clone(), added_bits, shift));
    let (mut ours_t, mut p3_t) = (Vec::new(), Vec::new());
    let (mut lde, mut p3_lde) = (None, None);
    let lde_runs = if a.merkle_only { 1 } else { a.runs };
    for _ in 0..lde_runs {
        drop(lde.take());
        drop(p3_lde.take());
        let t = Instant::now();
        let out = lde_ours(&dev, &m, a.blowup);
        ours_t.push(t.elapsed());
        lde = Some(out);
        let input = p3_input.clone();
        let t = Instant::now();
        let out = p3.coset_lde_batch(input, added_bits, shift);
        p3_t.push(t.elapsed());
        p3_lde = Some(out);
    }
    let (o, p) = (median(ours_t), median(p3_t));
    if !a.merkle_only {
        println!(
            "coset LDE {} x 2^{} blowup {}: ours {}, Plonky3 {}, ratio ours/Plonky3 {:.3}",
            a.width,
            a.log_n,
            a.blowup,
            ms(o),
            ms(p),
            o.as_secs_f64() / p.as_secs_f64()
        );
    }
    drop(p3_input);
    drop(m);

    let lde = lde.expect("at least one run");
    // Plonky3's storage order, without its natural-order view: bit-reversed
    // rows, like ours.
    let p3_lde: RowMajorMatrix<Goldilocks> = p3_lde.expect("at least one run").bit_reverse_rows();
    merkle_comparison(&dev, &lde, &p3_lde, a.runs);
    drop(p3_lde);
    drop(lde);
    if a.merkle_only {
        return;
    }

    let len = 1usize << a.log_vec;
    let mut rng = SplitMix64::new(3);
    let v: Vec<Fp3> = rng.elems(len);
    let mut times = Vec::new();
    for _ in 0..a.runs {
        let mut x = v.clone();
        let t = Instant::now();
        dev.batch_inverse(&(), &mut x).expect("any length");
        times.push(t.elapsed());
    }
    println!("batch inverse 2^{} Fp3: {}", a.log_vec, ms(median(times)));

    let cw = Matrix::new(v, 1, len).expect("one column");
    let beta = rng.fp3();
    let mut times = Vec::new();
    for _ in 0..a.runs {
        let t = Instant::now();
        let out = dev
            .fri_fold(&(), &cw, Fp::GENERATOR, beta)
            .expect("valid fold");
        times.push(t.elapsed());
        drop(out);
    }
    println!("FRI fold 2^{} Fp3: {}", a.log_vec, ms(median(times)));
    drop(cw);

    // LogUp: 16 main columns, 8 interactions of two values each, with a
    // column as multiplicity, alternating send and receive.
    let rows = 1usize << a.log_logup;
    let main = random_matrix(4, 16, rows);
    let interactions: Vec<Interaction> = (0..8)
        .map(|k| Interaction {
            bus: k as u32 % 3,
            kind: if k % 2 == 0 {
                InteractionKind::Send
            } else {
                InteractionKind::Receive
            },
            values: vec![RowExpr::main(2 * k), RowExpr::main(2 * k + 1)],
            multiplicity: RowExpr::main((k + 5) % 16),
        })
        .collect();
    let ch = LogUpChallenges {
        z: rng.fp3(),
        alpha: rng.fp3(),
    };
    let mut times = Vec::new();
    for _ in 0..a.runs {
        let t = Instant::now();
        let out = dev
            .logup_aux_trace(&(), TraceColumns::main_only(&main), &interactions, &ch)
            .expect("valid");
        times.push(t.elapsed());
        drop(out);
    }
    println!(
        "LogUp aux trace 2^{} rows x 8 interactions: {}",
        a.log_logup,
        ms(median(times))
    );
}
