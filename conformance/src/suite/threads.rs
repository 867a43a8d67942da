//! Several contexts used from several threads at once.

use super::util::{ok, rng, Harness};
use super::SuiteConfig;
use backend_api::{Digest, Fp, MerkleTree, Order, ProverDevice};

/// LDE (blowup 4, shift 7) then Merkle commit of the result on one context.
fn lde_and_root<D: ProverDevice>(
    dev: &D,
    ctx: &D::DeviceCtx,
    input: &backend_api::HostMatrix<Fp>,
) -> (Vec<Fp>, Digest) {
    let m = ok(dev.upload_matrix(ctx, input), "upload");
    let lde = ok(
        dev.coset_lde(
            ctx,
            &m,
            Order::Natural,
            4,
            Fp::GENERATOR,
            Order::BitReversed,
        ),
        "lde",
    );
    let tree = ok(dev.merkle_commit(ctx, &[&lde], 2), "merkle");
    (ok(dev.download(ctx, lde.buffer()), "download"), tree.root())
}

/// `threads` threads, each with its own context, run LDE + Merkle three
/// times on inputs of `2^(max_log_height - 4)` rows and get exactly the
/// single-thread result.
pub fn check_concurrent_contexts<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 1001);
    let input = rng.matrix::<Fp>(4, 1 << cfg.max_log_height.saturating_sub(4).max(2));
    let expected = lde_and_root(dev, &h.ctx, &input);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..cfg.threads)
            .map(|_| {
                s.spawn(|| {
                    let ctx = ok(dev.new_ctx(), "new_ctx in a thread");
                    (0..3)
                        .map(|_| lde_and_root(dev, &ctx, &input))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for (t, handle) in handles.into_iter().enumerate() {
            for (i, got) in handle
                .join()
                .expect("worker thread panicked")
                .into_iter()
                .enumerate()
            {
                assert!(
                    got.0 == expected.0,
                    "thread {t}, run {i}: LDE differs from the single-thread one"
                );
                assert_eq!(got.1, expected.1, "thread {t}, run {i}: root differs");
            }
        }
    });
}

/// Work handed between contexts with `order_after`: the input uploaded on
/// one context, extended on a second (ordered after the first) and dropped
/// there at once, the LDE committed and downloaded on a third (ordered
/// after the second): the one-context LDE and root, three times.
pub fn check_order_after_hands_work_between_contexts<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 1002);
    let input = rng.matrix::<Fp>(4, 1 << cfg.max_log_height.saturating_sub(2).max(2));
    let expected = lde_and_root(dev, &h.ctx, &input);
    let ctxs: Vec<D::DeviceCtx> = (0..3).map(|_| ok(dev.new_ctx(), "new_ctx")).collect();
    for round in 0..3 {
        let m = ok(dev.upload_matrix(&ctxs[0], &input), "upload");
        ok(dev.order_after(&ctxs[1], &ctxs[0]), "order_after");
        let lde = ok(
            dev.coset_lde(
                &ctxs[1],
                &m,
                Order::Natural,
                4,
                Fp::GENERATOR,
                Order::BitReversed,
            ),
            "lde",
        );
        drop(m);
        ok(dev.order_after(&ctxs[2], &ctxs[1]), "order_after");
        let tree = ok(dev.merkle_commit(&ctxs[2], &[&lde], 2), "merkle");
        let values = ok(dev.download(&ctxs[2], lde.buffer()), "download");
        assert!(values == expected.0, "round {round}: LDE across contexts");
        assert_eq!(
            tree.root(),
            expected.1,
            "round {round}: root across contexts"
        );
    }
}
