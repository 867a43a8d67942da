//! Host <-> device transfers through the pinned staging pipeline, and the
//! pinned-memory path: every byte round-trips at sizes around the staging
//! chunk and slot boundaries, uploads do not depend on the host buffer after
//! they return, contexts transfer from several threads at once and share
//! the slots the device pinned when it opened (`tests/staging_hold.rs`:
//! they do not wait for each other's streams to free one).

use backend_api::rng::SplitMix64;
use backend_api::{DeviceElem, Fp, Fp3, ProverDevice};
use backend_cuda::{
    CudaCtx, CudaDevice, DeviceAlloc, PinnedHost, STAGING_CHUNK_BYTES, STAGING_SLOTS,
};

fn device() -> CudaDevice {
    CudaDevice::new(0).expect("CUDA device")
}

/// Asserts equality without printing megabytes: names the first difference.
fn assert_same<T: PartialEq + std::fmt::Debug>(got: &[T], want: &[T], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = got.iter().zip(want).position(|(a, b)| a != b) {
        panic!(
            "{what}: first difference at element {i}: {:?} != {:?}",
            got[i], want[i]
        );
    }
}

fn round_trip<T: DeviceElem + PartialEq + std::fmt::Debug>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    rng: &mut SplitMix64,
    len: usize,
) {
    let data = rng.elems::<T>(len);
    let buf = dev.upload(ctx, &data).unwrap();
    assert_eq!(buf.len(), len);
    let back = dev.download(ctx, &buf).unwrap();
    assert_same(&back, &data, &format!("{len} x {:?}", T::KIND));
}

/// Element counts of `T` around the staging boundaries: 0, 1, odd, just
/// below / at / above one chunk, around a full turn of the slots and past it.
fn sizes<T>() -> Vec<usize> {
    let size = std::mem::size_of::<T>();
    let chunk = STAGING_CHUNK_BYTES / size;
    let turn = STAGING_CHUNK_BYTES * STAGING_SLOTS / size;
    vec![
        0,
        1,
        1001,
        chunk - 1,
        chunk,
        chunk + 1,
        2 * chunk + 3,
        turn - 1,
        turn + 1,
        2 * turn + chunk / 2 + 7,
    ]
}

#[test]
#[ignore = "needs a CUDA device"]
fn fp_round_trips_at_every_boundary() {
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    let mut rng = SplitMix64::new(1);
    for len in sizes::<Fp>() {
        round_trip::<Fp>(&dev, &ctx, &mut rng, len);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn fp3_round_trips_at_every_boundary() {
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    let mut rng = SplitMix64::new(2);
    for len in sizes::<Fp3>() {
        round_trip::<Fp3>(&dev, &ctx, &mut rng, len);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn large_buffers_round_trip() {
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    let mut rng = SplitMix64::new(3);
    // 300 MiB (plus an odd tail), both element types.
    round_trip::<Fp>(&dev, &ctx, &mut rng, (300 << 20) / 8 + 3);
    round_trip::<Fp3>(&dev, &ctx, &mut rng, (300 << 20) / 24 + 5);
}

#[test]
#[ignore = "needs a CUDA device"]
fn ranges_across_chunk_boundaries() {
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    let mut rng = SplitMix64::new(4);
    let chunk = STAGING_CHUNK_BYTES / 24;
    let data = rng.elems::<Fp3>(3 * chunk + 11);
    let buf = dev.upload(&ctx, &data).unwrap();
    for (start, count) in [
        (0, 0),
        (chunk - 2, 5),
        (chunk, chunk + 1),
        (1, 3 * chunk + 10),
        (3 * chunk + 10, 1),
    ] {
        let got = buf.range_to_host(&ctx, start, count).unwrap();
        assert_same(
            &got,
            &data[start..start + count],
            &format!("range {start}+{count}"),
        );
    }
    assert!(buf.range_to_host(&ctx, 3 * chunk + 11, 1).is_err());
}

/// Uploads return before their last DMAs finish: later uploads on the same
/// context (which refill the staging slots) and host writes to the source
/// must not change what earlier uploads deliver.
#[test]
#[ignore = "needs a CUDA device"]
fn back_to_back_uploads_keep_their_data() {
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    let mut rng = SplitMix64::new(5);
    let len = (STAGING_CHUNK_BYTES * STAGING_SLOTS) / 8 + 12345;
    let mut host = rng.elems::<Fp>(len);
    let mut expected = Vec::new();
    let mut bufs = Vec::new();
    for _ in 0..4 {
        bufs.push(dev.upload(&ctx, &host).unwrap());
        expected.push(host.clone());
        // Overwrite the source at once, before any synchronization.
        for x in host.iter_mut() {
            *x = rng.fp();
        }
    }
    for (i, (buf, want)) in bufs.iter().zip(&expected).enumerate() {
        assert_same(
            &dev.download(&ctx, buf).unwrap(),
            want,
            &format!("upload {i}"),
        );
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn contexts_transfer_from_four_threads_at_once() {
    let dev = device();
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let dev = &dev;
            s.spawn(move || {
                let ctx = dev.new_ctx().unwrap();
                let mut rng = SplitMix64::new(100 + t);
                for round in 0..4usize {
                    // A few chunks, a different size every round.
                    let len = 2 * STAGING_CHUNK_BYTES / 8 + round * 4099 + t as usize;
                    round_trip::<Fp>(dev, &ctx, &mut rng, len);
                    round_trip::<Fp3>(dev, &ctx, &mut rng, len / 3 + 1);
                }
            });
        }
    });
}

#[test]
#[ignore = "needs a CUDA device"]
fn one_context_shared_by_threads() {
    // Clones share the stream (and, as every context, the device's staging
    // slots): their transfers interleave on it.
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    std::thread::scope(|s| {
        for t in 0..3u64 {
            let (dev, ctx) = (&dev, ctx.clone());
            s.spawn(move || {
                let mut rng = SplitMix64::new(200 + t);
                for _ in 0..3 {
                    round_trip::<Fp>(dev, &ctx, &mut rng, STAGING_CHUNK_BYTES / 8 * 3 + 17);
                }
            });
        }
    });
}

#[test]
#[ignore = "needs a CUDA device"]
fn pinned_memory_round_trips_across_contexts() {
    let dev = device();
    let a = dev.new_ctx().unwrap();
    let b = dev.new_ctx().unwrap();
    let bytes = 40 << 20;
    let mut rng = SplitMix64::new(6);
    let data: Vec<u8> = (0..bytes).map(|_| rng.next_u64() as u8).collect();
    let mut pinned = PinnedHost::new(&a, bytes).unwrap();
    assert!(pinned.as_slice().unwrap().iter().all(|&x| x == 0));
    pinned.as_mut_slice().unwrap().copy_from_slice(&data);
    let dst = DeviceAlloc::new(&b, bytes).unwrap();
    // Queued on context b; writing the memory right after must wait for it.
    pinned.copy_to(&b, &dst).unwrap();
    pinned.as_mut_slice().unwrap().fill(0xA5);
    // Back through context a (after b's copy: a waits for b's work here).
    b.synchronize().unwrap();
    pinned.copy_from(&a, &dst).unwrap();
    assert_same(pinned.as_slice().unwrap(), &data, "pinned round trip");
    // Too large a device range is refused.
    let big = DeviceAlloc::new(&a, bytes + 8).unwrap();
    assert!(pinned.copy_to(&a, &big).is_err());
    assert!(pinned.copy_from(&a, &big).is_err());
    // Empty pinned memory works.
    let mut empty = PinnedHost::new(&a, 0).unwrap();
    assert!(empty.as_mut_slice().unwrap().is_empty());
    empty
        .copy_to(&a, &DeviceAlloc::new(&a, 0).unwrap())
        .unwrap();
}

/// Every byte over PCIe is counted once, in its direction
/// (`CudaDevice::transfer_bytes`), and a new memory peak starts at the
/// memory in use (`reset_peak_memory`).
#[test]
#[ignore = "needs a CUDA device"]
fn transfers_and_the_memory_peak_are_counted() {
    let dev = device();
    let ctx = dev.new_ctx().unwrap();
    let mut rng = SplitMix64::new(91);
    let data: Vec<Fp3> = rng.elems(3 * STAGING_CHUNK_BYTES / 24 + 5);
    let bytes = (data.len() * 24) as u64;
    let before = dev.transfer_bytes();
    let buf = dev.upload(&ctx, &data).unwrap();
    let up = dev.transfer_bytes() - before;
    assert_eq!((up.to_device, up.to_host), (bytes, 0), "upload");
    let mid = dev.transfer_bytes();
    assert_same(&dev.download(&ctx, &buf).unwrap(), &data, "download");
    let down = dev.transfer_bytes() - mid;
    assert_eq!((down.to_device, down.to_host), (0, bytes), "download");
    let pinned_before = dev.transfer_bytes();
    let alloc = DeviceAlloc::new(&ctx, 4096).unwrap();
    let mut pinned = PinnedHost::new(&ctx, 4096).unwrap();
    pinned.copy_to(&ctx, &alloc).unwrap();
    pinned.copy_from(&ctx, &alloc).unwrap();
    let p = dev.transfer_bytes() - pinned_before;
    assert_eq!((p.to_device, p.to_host), (4096, 4096), "pinned copies");
    drop(buf);
    dev.reset_peak_memory();
    assert_eq!(dev.peak_memory(), dev.memory_in_use(), "peak after reset");
    let big = dev.alloc_zeroed::<Fp>(&ctx, 1 << 20).unwrap();
    assert!(dev.peak_memory() >= dev.memory_in_use());
    drop(big);
    assert!(
        dev.peak_memory() >= (8 << 20) + dev.memory_in_use(),
        "the peak stays"
    );
}

/// The device pins its staging slots when it opens, and its contexts share
/// them: a second context's transfers, after the first's, pin nothing.
#[test]
#[ignore = "needs a CUDA device"]
fn contexts_share_the_staging_the_device_pinned_when_it_opened() {
    let dev = device();
    assert_eq!(dev.staging_slots(), STAGING_SLOTS, "pinned at open");
    let (a, b) = (dev.new_ctx().unwrap(), dev.new_ctx().unwrap());
    let mut rng = SplitMix64::new(7);
    // Two full turns of the slots and a remainder, each way.
    let len = 2 * STAGING_CHUNK_BYTES * STAGING_SLOTS / 8 + 5;
    round_trip::<Fp>(&dev, &a, &mut rng, len);
    round_trip::<Fp>(&dev, &b, &mut rng, len);
    round_trip::<Fp3>(&dev, &a, &mut rng, len / 3);
    assert_eq!(
        dev.staging_slots(),
        STAGING_SLOTS,
        "no slot pinned after the open"
    );
}
