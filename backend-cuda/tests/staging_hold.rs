//! Alone in its binary: while it holds a stream with a host function, no
//! other thread of the process may pin memory (pinning then waits for the
//! held stream: a whole binary of transfer tests hung that way). Nothing in
//! the test pins during the hold either.

use backend_api::rng::SplitMix64;
use backend_api::{Fp, ProverDevice};
use backend_cuda::{CudaDevice, STAGING_CHUNK_BYTES, STAGING_SLOTS};

/// Set by the test below to let the host function holding a stream return.
static RELEASE_HELD_STREAM: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

extern "C" fn hold_stream(_: *mut std::ffi::c_void) {
    while !RELEASE_HELD_STREAM.load(std::sync::atomic::Ordering::Acquire) {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// A context takes idle staging slots before another context's busy ones:
/// with context `a`'s stream held, so that the DMAs of its upload (two of
/// the pool's slots) cannot run, context `b` round-trips through the two
/// idle slots, pinning none, and `a`'s upload arrives intact once its
/// stream runs.
#[test]
#[ignore = "needs a CUDA device"]
fn a_context_takes_idle_slots_before_another_contexts_busy_ones() {
    use cust::sys as cu;
    let dev = CudaDevice::new(0).expect("CUDA device");
    let (a, b) = (dev.new_ctx().unwrap(), dev.new_ctx().unwrap());
    let mut rng = SplitMix64::new(8);
    a.make_current().unwrap();
    // SAFETY: a live stream of the current context; `hold_stream` only
    // polls a static flag.
    let held = unsafe { cu::cuLaunchHostFunc(a.stream(), Some(hold_stream), std::ptr::null_mut()) };
    assert_eq!(held, cu::CUresult::CUDA_SUCCESS, "cuLaunchHostFunc");
    // Two chunks: the upload returns without waiting for its DMAs, and
    // leaves two slots busy behind the hold.
    let data_a = rng.elems::<Fp>(2 * STAGING_CHUNK_BYTES / 8);
    let buf_a = dev.upload(&a, &data_a).unwrap();
    assert_eq!(
        dev.staging_slots(),
        STAGING_SLOTS,
        "a's slots are back in the pool, busy"
    );
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        let (dev, b) = (&dev, &b);
        s.spawn(move || {
            let data_b = SplitMix64::new(9).elems::<Fp>(2 * STAGING_CHUNK_BYTES / 8);
            let buf_b = dev.upload(b, &data_b).unwrap();
            let back = dev.download(b, &buf_b).unwrap();
            done_tx.send(back == data_b).unwrap();
        });
        let finished = done_rx.recv_timeout(std::time::Duration::from_secs(20));
        RELEASE_HELD_STREAM.store(true, std::sync::atomic::Ordering::Release);
        assert_eq!(
            finished,
            Ok(true),
            "b's round trip (Err: b waited for a's held stream)"
        );
    });
    assert!(dev.download(&a, &buf_a).unwrap() == data_a, "a's upload");
    assert_eq!(dev.staging_slots(), STAGING_SLOTS, "nothing was pinned");
}
