//! Merkle, batch inverse, FRI, LogUp, grinding, OOD and DEEP against
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas
//! straightforward references written here (sequential hashing through
//! backend-api's sha3-based definitions, one-by-one inverses, direct
//! formulas, linear nonce search, Horner evaluation).

mod common;
use backend_api::{
    bit_reverse, hash_leaf, hash_node, pow_is_valid, verify_opening, Coset, DeepOpening,
    DeviceElem, Fp, Fp3, HostMatrix, Interaction, InteractionKind, LogUpChallenges, Matrix,
    MerkleTree, NttDirection, Order, ProverDevice, RowExpr, TraceColumns,
};
use backend_cpu::CpuDevice;
use common::*;

/// Sequential reference root.
fn naive_root<T: DeviceElem>(ms: &[&HostMatrix<T>], rpl: usize) -> [u8; 32] {
    let h = ms[0].height();
    let mut layer: Vec<[u8; 32]> = (0..h / rpl)
        .map(|j| {
            let mut vals = Vec::new();
            for r in j * rpl..(j + 1) * rpl {
                for m in ms {
                    vals.extend(m.row(r));
                }
            }
            hash_leaf(&vals)
        })
        .collect();
    while layer.len() > 1 {
        layer = layer.chunks(2).map(|p| hash_node(&p[0], &p[1])).collect();
    }
    layer[0]
}

fn check_merkle<T: DeviceElem>(h: usize, widths: &[usize], rpl: usize) {
    let dev = CpuDevice::new();
    let ms: Vec<HostMatrix<T>> = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| random_matrix(i as u64 + 50, w, h))
        .collect();
    let refs: Vec<&HostMatrix<T>> = ms.iter().collect();
    let tree = dev.merkle_commit(&(), &refs, rpl).unwrap();
    assert_eq!(
        tree.root(),
        naive_root(&refs, rpl),
        "h={h} widths={widths:?} rpl={rpl}"
    );
    let leaves = h / rpl;
    let idx: Vec<usize> = [0, leaves - 1, leaves / 2, 0].into_iter().collect();
    let openings = dev.merkle_open(&(), &tree, &refs, &idx).unwrap();
    for (o, &i) in openings.iter().zip(&idx) {
        assert_eq!(o.leaf_index, i);
        verify_opening(&tree.root(), leaves, o).unwrap();
    }
}

#[test]
fn merkle_matches_sequential_reference() {
    for h in [1, 2, 4, 8, 64] {
        check_merkle::<Fp>(h, &[1], 1);
        check_merkle::<Fp>(h, &[3, 5], 1);
        check_merkle::<Fp3>(h, &[2], h.min(2));
    }
    // Above the sequential threshold, odd widths spanning several sponge blocks.
    check_merkle::<Fp>(4096, &[17, 1], 2);
    check_merkle::<Fp3>(2048, &[7], 1);
}

#[test]
fn merkle_bad_arguments() {
    let dev = CpuDevice::new();
    let a = random_matrix::<Fp>(1, 2, 8);
    let b = random_matrix::<Fp>(2, 2, 4);
    let e = dev.merkle_commit(&(), &[&a, &b], 1).unwrap_err();
    assert_eq!(e.invalid_argument(), Some("matrices"));
    let e = dev.merkle_commit::<Fp>(&(), &[], 1).unwrap_err();
    assert_eq!(e.invalid_argument(), Some("matrices"));
    let e = dev.merkle_commit(&(), &[&a], 16).unwrap_err();
    assert_eq!(e.invalid_argument(), Some("rows_per_leaf"));
    let tree = dev.merkle_commit(&(), &[&a], 2).unwrap();
    let e = dev.merkle_open(&(), &tree, &[&a], &[4]).unwrap_err();
    assert_eq!(e.invalid_argument(), Some("leaf_indices"));
}

#[test]
fn batch_inverse_matches_one_by_one() {
    let dev = CpuDevice::new();
    for len in [0usize, 1, 2, 3, 1023, 1024, 1025, 5000] {
        let mut v: Vec<Fp3> = rng(len as u64).elems(len);
        let mut w: Vec<Fp> = rng(len as u64 + 1).elems(len);
        for i in (0..len).step_by(7) {
            v[i] = Fp3::ZERO;
            w[i] = Fp::ZERO;
        }
        let (v0, w0) = (v.clone(), w.clone());
        dev.batch_inverse(&(), &mut v).unwrap();
        dev.batch_inverse(&(), &mut w).unwrap();
        for i in 0..len {
            assert_eq!(v[i], v0[i].inverse_or_zero());
            assert_eq!(w[i], w0[i].inverse_or_zero());
        }
    }
}

#[test]
fn fri_fold_matches_formula_and_halves_degree() {
    let dev = CpuDevice::new();
    let two_inv = Fp::TWO.inverse().unwrap();
    for log_n in [1u32, 2, 5, 14] {
        let n = 1usize << log_n;
        let shift = Fp::new(7);
        let cw: Vec<Fp3> = rng(log_n as u64).elems(n);
        let beta = rng(99).fp3();
        let m = Matrix::new(cw.clone(), 1, n).unwrap();
        let out = dev.fri_fold(&(), &m, shift, beta).unwrap();
        assert_eq!(out.height(), n / 2);
        let w = Fp::root_of_unity(log_n).unwrap();
        for i in 0..n / 2 {
            let x = shift * w.pow(bit_reverse(i, log_n - 1) as u64);
            let (a, b) = (cw[2 * i], cw[2 * i + 1]);
            let want = (a + b).mul_base(two_inv)
                + beta * (a - b).mul_base((x * Fp::TWO).inverse().unwrap());
            assert_eq!(out.buffer()[i], want, "log_n={log_n} i={i}");
        }
    }
    // A codeword of a polynomial of degree < n/2 folds to one of degree < n/4.
    let n = 64;
    let coeffs: Vec<Fp3> = rng(5).elems(n / 2);
    let mut padded = coeffs.clone();
    padded.resize(n, Fp3::ZERO);
    let mut m = Matrix::new(padded, 1, n).unwrap();
    let s = Fp::GENERATOR;
    dev.ntt(
        &(),
        &mut m,
        NttDirection::Forward,
        s,
        Order::Natural,
        Order::BitReversed,
    )
    .unwrap();
    let folded = dev.fri_fold(&(), &m, s, rng(6).fp3()).unwrap();
    let mut g = folded.clone();
    dev.ntt(
        &(),
        &mut g,
        NttDirection::Inverse,
        s * s,
        Order::BitReversed,
        Order::Natural,
    )
    .unwrap();
    assert!(g.buffer()[n / 4..].iter().all(|c| c.is_zero()));
    let e = dev.fri_fold(
        &(),
        &Matrix::new(vec![Fp3::ONE], 1, 1).unwrap(),
        s,
        Fp3::ONE,
    );
    assert_eq!(e.unwrap_err().invalid_argument(), Some("codeword"));
}

fn interactions(width: usize) -> Vec<Interaction> {
    (0..5)
        .map(|k| Interaction {
            bus: k as u32,
            kind: if k % 2 == 0 {
                InteractionKind::Send
            } else {
                InteractionKind::Receive
            },
            values: vec![
                RowExpr::main(k % width),
                RowExpr::linear(
                    &[
                        ((k + 1) % width, Fp::new(3)),
                        ((k + 2) % width, Fp::NEG_ONE),
                    ],
                    Fp::new(k as u64),
                ),
            ],
            multiplicity: RowExpr::main((k + 3) % width),
        })
        .collect()
}

#[test]
fn logup_matches_direct_formulas() {
    let dev = CpuDevice::new();
    for h in [1usize, 2, 8, 3000usize.next_power_of_two()] {
        let width = 4;
        let main = random_matrix::<Fp>(h as u64, width, h);
        let its = interactions(width);
        let ch = LogUpChallenges {
            z: rng(1).fp3(),
            alpha: rng(2).fp3(),
        };
        let trace = TraceColumns::main_only(&main);
        let fps = dev.logup_fingerprints(&(), trace, &its, &ch).unwrap();
        let aux = dev.logup_aux_trace(&(), trace, &its, &ch).unwrap();
        assert_eq!((aux.aux.width(), aux.aux.height()), (4, h));
        let mut phi = Fp3::ZERO;
        for r in 0..h {
            let row = |c: usize| main.get(r, c);
            let pre = |_: usize| unreachable!("no preprocessed columns");
            let mut row_sum = Fp3::ZERO;
            for j in 0..3 {
                let mut t = Fp3::ZERO;
                for a in [2 * j, 2 * j + 1] {
                    if a < its.len() {
                        let f = its[a].fingerprint(row, pre, &ch);
                        assert_eq!(fps.get(r, a), f);
                        t += f
                            .inverse_or_zero()
                            .mul_base(its[a].signed_multiplicity(row, pre));
                    }
                }
                assert_eq!(aux.aux.get(r, j), t, "h={h} r={r} j={j}");
                row_sum += t;
            }
            phi += row_sum;
            assert_eq!(aux.aux.get(r, 3), phi, "running sum h={h} r={r}");
        }
        assert_eq!(aux.total, phi);
    }
    let main = random_matrix::<Fp>(1, 2, 4);
    let e = dev.logup_aux_trace(
        &(),
        TraceColumns::main_only(&main),
        &interactions(4),
        &LogUpChallenges {
            z: Fp3::ONE,
            alpha: Fp3::ONE,
        },
    );
    assert_eq!(e.unwrap_err().invalid_argument(), Some("interactions"));
}

#[test]
fn grinding_finds_the_smallest_nonce() {
    let dev = CpuDevice::new();
    for (seed_byte, bits) in [(1u8, 0u32), (2, 1), (3, 6), (4, 10)] {
        let seed = [seed_byte; 32];
        let nonce = dev.grind(&(), &seed, bits).unwrap();
        let linear = (0u64..).find(|&n| pow_is_valid(&seed, n, bits)).unwrap();
        assert_eq!(nonce, linear, "bits={bits}");
    }
    assert_eq!(
        dev.grind(&(), &[0; 32], 65).unwrap_err().invalid_argument(),
        Some("bits")
    );
}

#[test]
fn ood_matches_horner() {
    let dev = CpuDevice::new();
    for log_n in [0u32, 1, 3, 10] {
        let n = 1usize << log_n;
        let coeffs = random_matrix::<Fp>(log_n as u64, 3, n);
        let coeffs3 = random_matrix::<Fp3>(log_n as u64, 2, n);
        let mut evals = coeffs.clone();
        dev.ntt(
            &(),
            &mut evals,
            NttDirection::Forward,
            Fp::ONE,
            Order::Natural,
            Order::Natural,
        )
        .unwrap();
        let mut evals3 = coeffs3.clone();
        dev.ntt(
            &(),
            &mut evals3,
            NttDirection::Forward,
            Fp::ONE,
            Order::Natural,
            Order::Natural,
        )
        .unwrap();
        let points = [rng(8).fp3(), rng(9).fp3()];
        let got = dev.ood_evaluate(&(), &evals, &points).unwrap();
        let got3 = dev.ood_evaluate(&(), &evals3, &points).unwrap();
        for (p, &z) in points.iter().enumerate() {
            for c in 0..3 {
                let want = coeffs
                    .column(c)
                    .iter()
                    .rev()
                    .fold(Fp3::ZERO, |acc, &k| acc * z + Fp3::from_base(k));
                assert_eq!(got[p][c], want);
            }
            for c in 0..2 {
                let want = coeffs3
                    .column(c)
                    .iter()
                    .rev()
                    .fold(Fp3::ZERO, |acc, &k| acc * z + k);
                assert_eq!(got3[p][c], want);
            }
        }
    }
    let evals = random_matrix::<Fp>(1, 1, 4);
    let e = dev.ood_evaluate(&(), &evals, &[Fp3::ONE]).unwrap_err();
    assert_eq!(e.invalid_argument(), Some("points"));
}

#[test]
fn deep_matches_term_by_term_sum() {
    let dev = CpuDevice::new();
    for (log_n, order) in [
        (0u32, Order::Natural),
        (3, Order::BitReversed),
        (11, Order::Natural),
        (11, Order::BitReversed),
    ] {
        let n = 1usize << log_n;
        let domain = Coset::new(log_n, Fp::GENERATOR, order);
        let a = random_matrix::<Fp>(1, 3, n);
        let b = random_matrix::<Fp3>(2, 2, n);
        let points = [rng(3).fp3(), rng(4).fp3()];
        let gamma = rng(5).fp3();
        let va: Vec<Fp3> = rng(6).elems(3);
        let va2: Vec<Fp3> = rng(7).elems(3);
        let vb: Vec<Fp3> = rng(8).elems(2);
        let base = [DeepOpening {
            matrix: &a,
            evaluations: vec![(0, va.clone()), (1, va2.clone())],
        }];
        let ext = [DeepOpening {
            matrix: &b,
            evaluations: vec![(1, vb.clone())],
        }];
        let out = dev
            .deep_composition(&(), domain, &points, gamma, &base, &ext)
            .unwrap();
        for k in 0..n {
            let x = Fp3::from_base(domain.point(k));
            let mut want = Fp3::ZERO;
            let mut g = Fp3::ONE;
            let mut term = |f: Fp3, v: Fp3, z: Fp3| {
                want += g * (f - v) * (x - z).inverse().unwrap();
                g *= gamma;
            };
            for c in 0..3 {
                term(Fp3::from_base(a.get(k, c)), va[c], points[0]);
            }
            for c in 0..3 {
                term(Fp3::from_base(a.get(k, c)), va2[c], points[1]);
            }
            for c in 0..2 {
                term(b.get(k, c), vb[c], points[1]);
            }
            assert_eq!(out.buffer()[k], want, "log_n={log_n} {order:?} k={k}");
        }
        let bad = [DeepOpening {
            matrix: &a,
            evaluations: vec![(2, va.clone())],
        }];
        let e = dev
            .deep_composition(&(), domain, &points, gamma, &bad, &[])
            .unwrap_err();
        assert_eq!(e.invalid_argument(), Some("openings"));
    }
}
