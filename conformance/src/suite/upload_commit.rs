//! `upload_lde_commit`: the upload, its LDE and the LDE's one-table tree
//! from one call.

use super::util::{assert_same, ok, rng, sample_positions, Harness};
use super::SuiteConfig;
use backend_api::{
    DeviceElem, Fp, Fp3, HostMatrix, MerkleOpening, MerkleTree, Order, ProverDevice,
};

/// Widths whose rows (with the leaf prefix lane) end just before, on and
/// just after a sponge block edge (17 lanes): Fp 15, 16, 17, and 33, 50
/// (two and three whole blocks, then a last block of padding alone); Fp3
/// 5 (16 lanes), 11 (34: two whole blocks, then padding alone), 16.
const FP_WIDTHS: [usize; 6] = [1, 15, 16, 17, 33, 50];
const FP3_WIDTHS: [usize; 3] = [5, 11, 16];

/// What one `upload_lde_commit` must equal: the LDE, the tree's root and
/// the openings of `leaves`.
struct Expected<T> {
    lde: HostMatrix<T>,
    root: backend_api::Digest,
    openings: Vec<MerkleOpening<T>>,
}

/// `upload_lde_commit` of `host` (shift: the generator) against `want`:
/// the uploaded matrix, the LDE, the tree's shape (one row per leaf of the
/// LDE), root and openings; each opening verifies against the root.
fn compare<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    (input, blowup, output): (Order, usize, Order),
    against: &str,
    leaves: &[usize],
    want: Expected<T>,
) {
    let case = format!(
        "upload_lde_commit {:?} {}x{} blowup {blowup} {input:?}->{output:?} against {against}",
        T::KIND,
        host.width(),
        host.height()
    );
    let got = h
        .dev
        .upload_lde_commit(&h.ctx, host, input, blowup, Fp::GENERATOR, output);
    let (trace, lde, tree) = ok(got, &case);
    assert_eq!(h.down(&trace), *host, "{case}: the uploaded matrix");
    assert_same(&case, h.down(&lde).buffer(), want.lde.buffer());
    let shape = tree.shape();
    assert_eq!(
        (shape.height, shape.widths.clone(), shape.rows_per_leaf),
        (host.height() * blowup, vec![host.width()], 1),
        "{case}: shape"
    );
    assert_eq!(shape.table_heights, None, "{case}: a one-table tree");
    assert_eq!(tree.root(), want.root, "{case}: root");
    let openings = ok(h.dev.merkle_open(&h.ctx, &tree, &[&lde], leaves), &case);
    assert_eq!(openings, want.openings, "{case}: openings");
    for (o, leaf) in openings.iter().zip(leaves) {
        let verified = shape.verify(&tree.root(), o);
        assert_eq!(verified, Ok(()), "{case}: opening of leaf {leaf}");
    }
}

/// Against the reference's `coset_lde` and `merkle_commit_tables`.
fn against_reference<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    args: (Order, usize, Order),
    leaves: &[usize],
) {
    let (input, blowup, output) = args;
    let lde =
        h.rf.coset_lde(&(), host, input, blowup, Fp::GENERATOR, output);
    let lde = ok(lde, "reference coset_lde");
    let tree = ok(h.rf.merkle_commit_tables(&(), &[&lde]), "reference tree");
    let openings = ok(
        h.rf.merkle_open(&(), &tree, &[&lde], leaves),
        "reference openings",
    );
    let root = tree.root();
    let want = Expected {
        lde,
        root,
        openings,
    };
    compare(h, host, args, "the reference", leaves, want);
}

/// Against the device's own `upload_lde` and `merkle_commit_tables`.
fn against_device<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    args: (Order, usize, Order),
    leaves: &[usize],
) {
    let (input, blowup, output) = args;
    let got = h
        .dev
        .upload_lde(&h.ctx, host, input, blowup, Fp::GENERATOR, output);
    let (_, lde) = ok(got, "the device's upload_lde");
    let tree = ok(
        h.dev.merkle_commit_tables(&h.ctx, &[&lde]),
        "the device's tree",
    );
    let openings = h.dev.merkle_open(&h.ctx, &tree, &[&lde], leaves);
    let want = Expected {
        lde: h.down(&lde),
        root: tree.root(),
        openings: ok(openings, "the device's openings"),
    };
    compare(
        h,
        host,
        args,
        "upload_lde and merkle_commit_tables",
        leaves,
        want,
    );
}

/// `upload_lde_commit` is `upload_lde`, then `merkle_commit_tables` of the
/// LDE alone: small matrices of widths around the sponge's block edges
/// (Fp and Fp3; blowups 1, 2, 4; both output orders) against the
/// reference, every leaf opened; then tall ones (several megabytes per
/// column, so that a backend hashing the rows' leading columns while later
/// ones are copied absorbs blocks between batches) against the device's
/// own `upload_lde` and `merkle_commit_tables`, sampled leaves opened.
pub fn check_upload_lde_commit_is_upload_lde_then_commit<D: ProverDevice>(
    dev: &D,
    cfg: &SuiteConfig,
) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 209);
    let log = cfg.ref_log_height.saturating_sub(2).max(2);
    let orders = [
        (Order::Natural, 4, Order::BitReversed),
        (Order::BitReversed, 2, Order::Natural),
        (Order::Natural, 1, Order::BitReversed),
    ];
    for args in orders {
        let leaves: Vec<usize> = (0..(1usize << log) * args.1).rev().collect();
        for &w in &FP_WIDTHS {
            against_reference(&h, &rng.matrix::<Fp>(w, 1 << log), args, &leaves);
        }
        for &w in &FP3_WIDTHS {
            against_reference(&h, &rng.matrix::<Fp3>(w, 1 << log), args, &leaves);
        }
    }
    let tall = cfg.max_log_height.saturating_sub(2).max(2);
    let natural_to_br = (Order::Natural, 4, Order::BitReversed);
    let leaves = sample_positions(&mut rng, 4 << tall, 12);
    // 50 Fp columns: blocks end at columns 15, 32 and 49, then a last
    // block of padding alone; a backend copying a few columns at a time
    // absorbs the first two before the last columns arrive.
    let fp = rng.matrix::<Fp>(50, 1 << tall);
    against_device(&h, &fp, natural_to_br, &leaves);
    // 14 Fp3 columns: 42 words; blocks end in columns 5 and 10 (limbs 0
    // and 2), then a last block of 9 words.
    let fp3 = rng.matrix::<Fp3>(14, 1 << tall);
    against_device(&h, &fp3, natural_to_br, &leaves);
}
