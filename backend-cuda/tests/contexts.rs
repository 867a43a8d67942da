//! Several contexts of one device: work ordered across them with
//! `order_after`, and buffers used on one context and dropped from another
//! while the work that reads them is still queued.
//!
//! Both races these tests provoke show in the values: a consumer that does
//! not wait for its producer reads a half-written LDE, and a buffer freed
//! under a reading kernel is handed to the next allocation of its stream
//! and overwritten (zeroed) while the kernel still reads it. (With the
//! free left unfenced, the drop test fails in its second round on an H200.)

use backend_api::rng::SplitMix64;
use backend_api::{DeviceMatrix, Fp, HostMatrix, Order, ProverDevice};
use backend_cuda::{CudaBuffer, CudaCtx, CudaDevice};

const WIDTH: usize = 8;
const LOG_HEIGHT: u32 = 21;
const BLOWUP: usize = 4;

fn input() -> HostMatrix<Fp> {
    let mut rng = SplitMix64::new(77);
    let height = 1usize << LOG_HEIGHT;
    HostMatrix::new(rng.elems(WIDTH * height), WIDTH, height).expect("shape")
}

/// The coset LDE of `m`, queued on `ctx`.
fn lde(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    m: &DeviceMatrix<CudaDevice, Fp>,
) -> DeviceMatrix<CudaDevice, Fp> {
    let (shift, order) = (Fp::GENERATOR, Order::BitReversed);
    dev.coset_lde(ctx, m, Order::Natural, BLOWUP, shift, order)
        .unwrap()
}

/// The LDE of `m` on one context, downloaded: what every ordering must give.
fn expected(dev: &CudaDevice, m: &HostMatrix<Fp>) -> Vec<Fp> {
    let ctx = dev.new_ctx().unwrap();
    let up = dev.upload_matrix(&ctx, m).unwrap();
    dev.download(&ctx, lde(dev, &ctx, &up).buffer()).unwrap()
}

#[test]
#[ignore = "needs a CUDA device"]
fn order_after_makes_one_contexts_results_visible_to_another() {
    let dev = CudaDevice::new(0).expect("CUDA device");
    let m = input();
    let want = expected(&dev, &m);
    let (producer, consumer) = (dev.new_ctx().unwrap(), dev.new_ctx().unwrap());
    for round in 0..4 {
        let up = dev.upload_matrix(&producer, &m).unwrap();
        let lde = lde(&dev, &producer, &up);
        dev.order_after(&consumer, &producer).unwrap();
        let got = dev.download(&consumer, lde.buffer()).unwrap();
        assert!(
            got == want,
            "round {round}: the consumer read an unfinished LDE"
        );
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn a_buffer_dropped_while_another_context_reads_it_is_not_reused_under_it() {
    let dev = CudaDevice::new(0).expect("CUDA device");
    let m = input();
    let want = expected(&dev, &m);
    let (owner, reader) = (dev.new_ctx().unwrap(), dev.new_ctx().unwrap());
    for round in 0..4 {
        // Allocated on `owner`, read by a long LDE on `reader`, dropped
        // right after the LDE is queued; the owner's next allocation of the
        // same size is zeroed at once.
        let up = dev.upload_matrix(&owner, &m).unwrap();
        dev.order_after(&reader, &owner).unwrap();
        let lde = lde(&dev, &reader, &up);
        drop(up);
        let junk = CudaBuffer::<Fp>::zeroed(&owner, WIDTH << LOG_HEIGHT).unwrap();
        let got = dev.download(&reader, lde.buffer()).unwrap();
        assert!(
            got == want,
            "round {round}: the input was freed and overwritten under the LDE"
        );
        drop(junk);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn a_buffer_from_one_context_dropped_on_another_after_use_is_freed() {
    let dev = CudaDevice::new(0).expect("CUDA device");
    let before = dev.memory_in_use();
    {
        let (a, b) = (dev.new_ctx().unwrap(), dev.new_ctx().unwrap());
        let m = input();
        let up = dev.upload_matrix(&a, &m).unwrap();
        dev.order_after(&b, &a).unwrap();
        let lde = lde(&dev, &b, &up);
        // `a` goes first: its stream is forgotten while `up` (allocated on
        // it) and `lde` are still alive.
        drop(a);
        drop(up);
        assert_eq!(dev.download(&b, lde.buffer()).unwrap(), expected(&dev, &m));
    }
    // The NTT tables the LDEs built stay cached until released.
    dev.release_cached_tables().unwrap();
    assert_eq!(dev.memory_in_use(), before, "every buffer freed");
}
