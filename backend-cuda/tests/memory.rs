//! Device memory errors: a request larger than the card returns
//! `OutOfMemory` and the device keeps working; accounting returns to its
//! level after buffers are dropped.

use backend_api::{DeviceError, Fp, Fp3, ProverDevice};
use backend_cuda::{CudaBuffer, CudaDevice};
use std::sync::Mutex;

/// The tests of this file take most of the card in turns, not at once.
static CARD: Mutex<()> = Mutex::new(());

fn card() -> std::sync::MutexGuard<'static, ()> {
    CARD.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
#[ignore = "needs a CUDA device"]
fn allocation_larger_than_the_card_is_out_of_memory() {
    let _card = card();
    let dev = CudaDevice::new(0).expect("CUDA device");
    let ctx = dev.new_ctx().unwrap();
    let total = dev.properties().total_memory;
    let before = dev.memory_in_use();
    // Twice the card's memory, in Fp3 elements.
    let len = 2 * total / 24;
    match dev.alloc_zeroed::<Fp3>(&ctx, len) {
        Err(DeviceError::OutOfMemory {
            requested,
            available,
        }) => {
            assert_eq!(requested, len * 24);
            assert!(available < requested);
        }
        Err(other) => panic!("expected OutOfMemory, got {other}"),
        Ok(_) => panic!("allocated {} bytes on a card of {total}", len * 24),
    }
    assert_eq!(
        dev.memory_in_use(),
        before,
        "a failed allocation must not be counted"
    );
    // The device still works: a normal round trip succeeds.
    let data: Vec<Fp> = (0..1000u64).map(|i| Fp::new(i * 7 + 3)).collect();
    let buf = dev.upload(&ctx, &data).unwrap();
    assert_eq!(dev.download(&ctx, &buf).unwrap(), data);
}

#[test]
#[ignore = "needs a CUDA device"]
fn driver_out_of_memory_maps_to_out_of_memory() {
    // Fill most of the card, then ask for more than what is left but less
    // than the card: the pre-check or the driver must say OutOfMemory.
    let _card = card();
    let dev = CudaDevice::new(0).expect("CUDA device");
    let ctx = dev.new_ctx().unwrap();
    let avail = dev.available_memory().unwrap();
    let big =
        CudaBuffer::<Fp>::uninit(&ctx, (avail / 8) * 3 / 4).expect("three quarters of free memory");
    let rest = dev.available_memory().unwrap();
    let err = CudaBuffer::<Fp>::uninit(&ctx, rest / 8 + (1 << 20)).expect_err("more than is left");
    assert!(matches!(err, DeviceError::OutOfMemory { .. }), "got {err}");
    drop(big);
    ctx.synchronize().unwrap();
    let again =
        CudaBuffer::<Fp>::uninit(&ctx, (avail / 8) / 2).expect("memory is back after the drop");
    assert_eq!(again.len(), (avail / 8) / 2);
}

#[test]
#[ignore = "needs a CUDA device"]
fn transfers_larger_than_the_staging_buffers_round_trip() {
    let _card = card();
    let dev = CudaDevice::new(0).expect("CUDA device");
    let ctx = dev.new_ctx().unwrap();
    // 3 * 8 MiB staging chunks plus a remainder, Fp3 to check the layout.
    let len = (25 << 20) / 24 + 5;
    let data: Vec<Fp3> = (0..len as u64)
        .map(|i| Fp3::new(Fp::new(i), Fp::new(i ^ 0xABCD), Fp::new(u64::MAX - i)))
        .collect();
    let buf = dev.upload(&ctx, &data).unwrap();
    assert_eq!(dev.download(&ctx, &buf).unwrap(), data);
    let part = buf.range_to_host(&ctx, len - 7, 7).unwrap();
    assert_eq!(part, data[len - 7..]);
}

#[test]
#[ignore = "needs a CUDA device"]
fn contexts_work_from_several_threads() {
    let _card = card();
    let dev = CudaDevice::new(0).expect("CUDA device");
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let dev = &dev;
            s.spawn(move || {
                let ctx = dev.new_ctx().unwrap();
                for round in 0..8u64 {
                    let data: Vec<Fp> = (0..(1u64 << 16))
                        .map(|i| Fp::new(i * 31 + t * 1000 + round))
                        .collect();
                    let mut buf = dev.upload(&ctx, &data).unwrap();
                    dev.batch_inverse(&ctx, &mut buf).unwrap();
                    let inv = dev.download(&ctx, &buf).unwrap();
                    for (x, y) in data.iter().zip(&inv) {
                        assert_eq!(*y, x.inverse_or_zero());
                    }
                }
            });
        }
    });
}
