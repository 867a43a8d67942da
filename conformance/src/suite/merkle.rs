//! Merkle commitment and opening checks.

use super::util::{ok, rng, sample_positions, zero_matrix, Harness};
use super::SuiteConfig;
use backend_api::{
    hash_leaf, hash_node, hash_tables_leaf, verify_opening, DeviceElem, Fp, Fp3, HostMatrix,
    MerkleTree, ProverDevice,
};

/// Commits `hosts` on the device and on the reference; compares roots and
/// shapes, then opens every leaf (reversed, with a repeat) and compares the
/// openings, each of which must verify against the device's root.
fn compare_one<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    hosts: &[HostMatrix<T>],
    rows_per_leaf: usize,
) {
    let widths: Vec<usize> = hosts.iter().map(|m| m.width()).collect();
    let case = format!(
        "merkle {:?} widths {widths:?} height {} rows_per_leaf {rows_per_leaf}",
        T::KIND,
        hosts[0].height()
    );
    let dms: Vec<_> = hosts.iter().map(|m| h.up(m)).collect();
    let drefs: Vec<_> = dms.iter().collect();
    let hrefs: Vec<_> = hosts.iter().collect();
    let tree = ok(h.dev.merkle_commit(&h.ctx, &drefs, rows_per_leaf), &case);
    let rtree = ok(h.rf.merkle_commit(&(), &hrefs, rows_per_leaf), &case);
    assert_eq!(tree.shape(), rtree.shape(), "{case}: shape");
    assert_eq!(tree.root(), rtree.root(), "{case}: root");
    let leaves = rtree.shape().num_leaves();
    let mut indices: Vec<usize> = (0..leaves).rev().collect();
    indices.push(0);
    let got = ok(h.dev.merkle_open(&h.ctx, &tree, &drefs, &indices), &case);
    let want = ok(h.rf.merkle_open(&(), &rtree, &hrefs, &indices), &case);
    assert_eq!(got.len(), want.len(), "{case}: number of openings");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{case}: opening {i} (leaf {})", indices[i]);
        assert_eq!(
            verify_opening(&tree.root(), leaves, g),
            Ok(()),
            "{case}: opening {i} does not verify"
        );
    }
}

fn every_shape<T: DeviceElem, D: ProverDevice>(dev: &D, cfg: &SuiteConfig, salt: u64) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    for log in cfg.ref_logs() {
        let height = 1usize << log;
        // [16] (Fp) and [11] (Fp3) fill whole sponge blocks (16 + 1 and
        // 33 + 1 lanes with the prefix): their last block is padding alone.
        let mut width_sets = vec![
            vec![1],
            vec![3],
            vec![3, 7],
            vec![2, 1, 5],
            vec![16],
            vec![11],
        ];
        if log <= 3 {
            width_sets.push(vec![64]);
        }
        for widths in &width_sets {
            for rows_per_leaf in [1, 2, 4].into_iter().filter(|&r| r <= height) {
                let hosts: Vec<HostMatrix<T>> =
                    widths.iter().map(|&w| rng.matrix(w, height)).collect();
                compare_one(&h, &hosts, rows_per_leaf);
            }
        }
    }
}

/// Fp trees: heights 1..2^ref, one to three matrices (widths 1 to 16, and
/// 64), rows per leaf 1, 2, 4; roots and all openings equal the
/// reference's.
pub fn check_merkle_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_shape::<Fp, D>(dev, cfg, 301);
}

/// The same shapes over Fp3.
pub fn check_merkle_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_shape::<Fp3, D>(dev, cfg, 302);
}

/// All-zero matrices.
pub fn check_merkle_zeros<D: ProverDevice>(dev: &D, _cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    compare_one(&h, &[zero_matrix::<Fp>(3, 16), zero_matrix::<Fp>(1, 16)], 2);
    compare_one(&h, &[zero_matrix::<Fp3>(2, 8)], 1);
}

/// The largest size: the root equals one computed sequentially on the host
/// with `hash_leaf` / `hash_node`, and random openings verify and carry the
/// right rows.
pub fn check_merkle_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 303);
    let height = 1usize << cfg.max_log_height;
    let rows_per_leaf = 2;
    let hosts = [rng.matrix::<Fp>(2, height), rng.matrix::<Fp>(1, height)];
    let leaf_values = |leaf: usize| -> Vec<Fp> {
        let mut v = Vec::new();
        for r in leaf * rows_per_leaf..(leaf + 1) * rows_per_leaf {
            for m in &hosts {
                v.extend(m.row(r));
            }
        }
        v
    };
    let leaves = height / rows_per_leaf;
    let mut level: Vec<_> = (0..leaves).map(|j| hash_leaf(&leaf_values(j))).collect();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash_node(&p[0], &p[1])).collect();
    }
    let dms: Vec<_> = hosts.iter().map(|m| h.up(m)).collect();
    let drefs: Vec<_> = dms.iter().collect();
    let tree = ok(
        h.dev.merkle_commit(&h.ctx, &drefs, rows_per_leaf),
        "merkle large",
    );
    assert_eq!(
        tree.root(),
        level[0],
        "merkle root at 2^{} differs from the host's",
        cfg.max_log_height
    );
    let indices = sample_positions(&mut rng, leaves, 6);
    let openings = ok(
        h.dev.merkle_open(&h.ctx, &tree, &drefs, &indices),
        "merkle large open",
    );
    for (o, &j) in openings.iter().zip(&indices) {
        assert_eq!(o.leaf_index, j, "opening index");
        assert_eq!(o.values, leaf_values(j), "values of leaf {j}");
        assert_eq!(
            verify_opening(&level[0], leaves, o),
            Ok(()),
            "opening of leaf {j}"
        );
    }
}

/// Commits `hosts` as tables on the device and on the reference; compares
/// shapes and roots, then every leaf's opening (reversed, with a repeat),
/// each of which must verify against the device's root by its shape.
fn compare_tables<T: DeviceElem, D: ProverDevice>(h: &Harness<D>, hosts: &[HostMatrix<T>]) {
    let shapes: Vec<(usize, usize)> = hosts.iter().map(|m| (m.width(), m.height())).collect();
    let case = format!("merkle tables {:?} (width, height) {shapes:?}", T::KIND);
    let dms: Vec<_> = hosts.iter().map(|m| h.up(m)).collect();
    let drefs: Vec<_> = dms.iter().collect();
    let hrefs: Vec<_> = hosts.iter().collect();
    let tree = ok(h.dev.merkle_commit_tables(&h.ctx, &drefs), &case);
    let rtree = ok(h.rf.merkle_commit_tables(&(), &hrefs), &case);
    assert_eq!(tree.shape(), rtree.shape(), "{case}: shape");
    assert_eq!(tree.root(), rtree.root(), "{case}: root");
    let shape = rtree.shape();
    let mut indices: Vec<usize> = (0..shape.num_leaves()).rev().collect();
    indices.push(indices.len() / 2);
    let got = ok(h.dev.merkle_open(&h.ctx, &tree, &drefs, &indices), &case);
    let want = ok(h.rf.merkle_open(&(), &rtree, &hrefs, &indices), &case);
    assert_eq!(got, want, "{case}: openings");
    for (i, g) in got.iter().enumerate() {
        assert_eq!(
            shape.verify(&tree.root(), g),
            Ok(()),
            "{case}: opening {i} does not verify"
        );
    }
}

fn every_table_shape<T: DeviceElem, D: ProverDevice>(dev: &D, cfg: &SuiteConfig, salt: u64) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    let top = cfg.ref_log_height;
    let sets: Vec<Vec<(usize, u32)>> = vec![
        vec![(2, 0), (1, 0)],
        vec![(3, top), (1, top)],
        vec![(3, top), (2, 0), (5, top.saturating_sub(2)), (1, top)],
        vec![(1, 1), (7, top)],
        vec![(64, 3), (4, 2), (9, 3)],
    ];
    for set in sets {
        let hosts: Vec<HostMatrix<T>> = set
            .iter()
            .map(|&(w, log)| rng.matrix(w, 1 << log))
            .collect();
        compare_tables(&h, &hosts);
    }
}

/// Fp tables trees (`merkle_commit_tables`): two to four matrices of
/// heights 1 to `2^ref`, equal and mixed, in any order; roots and all
/// openings equal the reference's and verify by the tree's shape.
pub fn check_merkle_tables_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_table_shape::<Fp, D>(dev, cfg, 304);
}

/// The same shapes over Fp3.
pub fn check_merkle_tables_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_table_shape::<Fp3, D>(dev, cfg, 305);
}

/// The largest size, from the definitions alone: three tables of heights
/// `2^max`, `2^(max - 3)` and 2; the root equals one computed on the host
/// with `hash_leaf`, `hash_tables_leaf` and `hash_node`; random openings
/// carry each table's row at `leaf >> log2(ratio)`; one table alone gives
/// `merkle_commit`'s tree of one row per leaf.
pub fn check_merkle_tables_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 306);
    let log = cfg.max_log_height.max(3);
    let hosts = [
        rng.matrix::<Fp>(3, 1 << log),
        rng.matrix::<Fp>(2, 1 << (log - 3)),
        rng.matrix::<Fp>(1, 2),
    ];
    let row_of = |m: &HostMatrix<Fp>, leaf: usize| leaf >> (log - m.height().trailing_zeros());
    let leaves = 1usize << log;
    let leaf_digest = |leaf: usize| {
        let rows: Vec<_> = hosts
            .iter()
            .map(|m| hash_leaf(&m.row(row_of(m, leaf))))
            .collect();
        hash_tables_leaf(&rows)
    };
    let mut level: Vec<_> = (0..leaves).map(leaf_digest).collect();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| hash_node(&p[0], &p[1])).collect();
    }
    let dms: Vec<_> = hosts.iter().map(|m| h.up(m)).collect();
    let drefs: Vec<_> = dms.iter().collect();
    let tree = ok(h.dev.merkle_commit_tables(&h.ctx, &drefs), "tables large");
    assert_eq!(
        tree.root(),
        level[0],
        "tables root at 2^{log} differs from the host's"
    );
    let indices = sample_positions(&mut rng, leaves, 6);
    let openings = ok(
        h.dev.merkle_open(&h.ctx, &tree, &drefs, &indices),
        "tables large open",
    );
    for (o, &j) in openings.iter().zip(&indices) {
        let values: Vec<Fp> = hosts.iter().flat_map(|m| m.row(row_of(m, j))).collect();
        assert_eq!(o.values, values, "values of leaf {j}");
        assert_eq!(
            tree.shape().verify(&level[0], o),
            Ok(()),
            "opening of leaf {j}"
        );
    }
    let one = ok(h.dev.merkle_commit_tables(&h.ctx, &drefs[..1]), "one table");
    let plain = ok(h.dev.merkle_commit(&h.ctx, &drefs[..1], 1), "plain tree");
    assert_eq!(one.shape(), plain.shape(), "one table: shape");
    assert_eq!(one.root(), plain.root(), "one table: root");
}
