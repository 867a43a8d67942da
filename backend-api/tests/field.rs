//! Field laws on random elements, known vectors, reduction edge cases and
//! encoding round trips for Fp and Fp3.

use backend_api::field::{reduce128, P, TWO_ADICITY, TWO_ADIC_GENERATOR};
use backend_api::rng::SplitMix64;
use backend_api::{Fp, Fp3};

const SAMPLES: usize = 2000;

#[test]
fn fp_field_laws_on_random_elements() {
    let mut rng = SplitMix64::new(1);
    for _ in 0..SAMPLES {
        let (a, b, c) = (rng.fp(), rng.fp(), rng.fp());
        assert_eq!(a + b, b + a);
        assert_eq!(a * b, b * a);
        assert_eq!((a + b) + c, a + (b + c));
        assert_eq!((a * b) * c, a * (b * c));
        assert_eq!(a * (b + c), a * b + a * c);
        assert_eq!(a - a, Fp::ZERO);
        assert_eq!(a + (-a), Fp::ZERO);
        assert_eq!(a - b, a + (-b));
        assert_eq!(a * Fp::ONE, a);
        assert_eq!(a.square(), a * a);
        assert_eq!(a.double(), a + a);
        if !a.is_zero() {
            assert_eq!(a * a.inverse().unwrap(), Fp::ONE);
        }
        assert!(a.value() < P && (a * b).value() < P && (a + b).value() < P);
    }
}

#[test]
fn fp_matches_u128_arithmetic() {
    let mut rng = SplitMix64::new(2);
    for _ in 0..SAMPLES {
        let (a, b) = (rng.fp(), rng.fp());
        let (x, y) = (a.value() as u128, b.value() as u128);
        let p = P as u128;
        assert_eq!((a + b).value() as u128, (x + y) % p);
        assert_eq!((a - b).value() as u128, (x + p - y) % p);
        assert_eq!((a * b).value() as u128, (x * y) % p);
    }
}

#[test]
fn fp_known_inverses() {
    assert_eq!(Fp::new(2).inverse().unwrap().value(), 9223372034707292161);
    assert_eq!(Fp::new(7).inverse().unwrap().value(), 2635249152773512046);
    assert_eq!(Fp::NEG_ONE.inverse().unwrap(), Fp::NEG_ONE);
    assert_eq!(Fp::ZERO.inverse(), None);
    assert_eq!(Fp::ZERO.inverse_or_zero(), Fp::ZERO);
}

#[test]
fn fp_reduction_edge_cases() {
    assert_eq!(Fp::new(P), Fp::ZERO);
    assert_eq!(Fp::new(P - 1).value(), P - 1);
    assert_eq!(Fp::new(u64::MAX).value(), u64::MAX - P);
    assert_eq!(Fp::from_canonical(P), None);
    assert_eq!(Fp::from_canonical(P - 1), Some(Fp::NEG_ONE));
    assert_eq!(reduce128(1u128 << 64), 4294967295); // 2^64 = 2^32 - 1
    assert_eq!(reduce128(1u128 << 96), P - 1); // 2^96 = -1
    assert_eq!(reduce128(u128::MAX), 18446744065119617024);
    assert_eq!(reduce128(P as u128 * P as u128), 0);
    assert_eq!(Fp::NEG_ONE * Fp::NEG_ONE, Fp::ONE);
    assert_eq!(Fp::NEG_ONE + Fp::NEG_ONE, Fp::new(P - 2));
    assert_eq!(Fp::ZERO - Fp::ONE, Fp::NEG_ONE);
    // Sums that wrap past 2^64.
    let big = Fp::new(P - 1);
    assert_eq!((big + big).value(), P - 2);
    assert_eq!(-Fp::ZERO, Fp::ZERO);
}

#[test]
fn two_adic_root_of_unity_is_pinned() {
    assert_eq!(TWO_ADICITY, 32);
    assert_eq!(TWO_ADIC_GENERATOR, 1753635133440165772);
    let g = Fp::root_of_unity(32).unwrap();
    assert_eq!(g.value(), TWO_ADIC_GENERATOR);
    assert_eq!(g, Fp::GENERATOR.pow((P - 1) >> 32));
    // Order exactly 2^32.
    assert_eq!(g.pow(1 << 31), Fp::NEG_ONE);
    assert_eq!(g.pow(1 << 32), Fp::ONE);
    // Nested roots and known small ones.
    for k in 1..=32 {
        let r = Fp::root_of_unity(k).unwrap();
        assert_eq!(r.square(), Fp::root_of_unity(k - 1).unwrap());
        assert_eq!(r.pow(1 << (k - 1)), Fp::NEG_ONE, "order of root {k}");
    }
    assert_eq!(Fp::root_of_unity(0), Some(Fp::ONE));
    assert_eq!(Fp::root_of_unity(1), Some(Fp::NEG_ONE));
    assert_eq!(Fp::root_of_unity(3).unwrap().value(), 18446744069397807105);
    assert_eq!(Fp::root_of_unity(33), None);
}

#[test]
fn fp_encoding_round_trips_and_rejects_non_canonical() {
    let mut rng = SplitMix64::new(3);
    for _ in 0..SAMPLES {
        let a = rng.fp();
        assert_eq!(Fp::from_bytes(a.to_bytes()), Some(a));
    }
    assert_eq!(
        Fp::new(0x0102030405060708).to_bytes(),
        [1, 2, 3, 4, 5, 6, 7, 8]
    );
    assert_eq!(Fp::from_bytes(P.to_be_bytes()), None);
    assert_eq!(Fp::from_bytes(u64::MAX.to_be_bytes()), None);
}

fn fp3(a: u64, b: u64, c: u64) -> Fp3 {
    Fp3::new(Fp::new(a), Fp::new(b), Fp::new(c))
}

#[test]
fn fp3_field_laws_on_random_elements() {
    let mut rng = SplitMix64::new(4);
    for _ in 0..SAMPLES {
        let (a, b, c) = (rng.fp3(), rng.fp3(), rng.fp3());
        let k = rng.fp();
        assert_eq!(a * b, b * a);
        assert_eq!((a * b) * c, a * (b * c));
        assert_eq!(a * (b + c), a * b + a * c);
        assert_eq!(a + (-a), Fp3::ZERO);
        assert_eq!(a * k, a * Fp3::from_base(k));
        assert_eq!(a * Fp3::ONE, a);
        if !a.is_zero() {
            assert_eq!(a * a.inverse().unwrap(), Fp3::ONE);
        }
        assert_eq!(a.pow(3), a * a * a);
    }
}

#[test]
fn fp3_known_vectors() {
    // (1 + 2w + 3w^2)(4 + 5w + 6w^2) with w^3 = 2.
    assert_eq!(fp3(1, 2, 3) * fp3(4, 5, 6), fp3(58, 49, 28));
    let w = fp3(0, 1, 0);
    assert_eq!(w * w * w, fp3(2, 0, 0));
    assert_eq!(w.inverse().unwrap(), fp3(0, 0, 9223372034707292161)); // w^-1 = w^2 / 2
    assert_eq!(Fp3::ZERO.inverse(), None);
    assert_eq!(Fp3::ZERO.inverse_or_zero(), Fp3::ZERO);
    // The multiplicative group has order p^3 - 1: a^(p^3 - 1) = 1 via a^(p-1)^... checked
    // through the norm: a^(1 + p + p^2) lies in Fp.
    let a = fp3(3, 1, 4);
    let norm = a * a.pow(P) * a.pow(P).pow(P);
    assert!(norm.as_base().is_some());
}

#[test]
fn fp3_encoding_is_three_big_endian_coefficients() {
    let a = fp3(1, 2, 0x0a0b);
    let bytes = a.to_bytes();
    assert_eq!(&bytes[0..8], &1u64.to_be_bytes());
    assert_eq!(&bytes[8..16], &2u64.to_be_bytes());
    assert_eq!(&bytes[16..24], &0x0a0bu64.to_be_bytes());
    assert_eq!(Fp3::from_bytes(bytes), Some(a));
    let mut bad = bytes;
    bad[8..16].copy_from_slice(&P.to_be_bytes());
    assert_eq!(Fp3::from_bytes(bad), None);
    let mut rng = SplitMix64::new(5);
    for _ in 0..SAMPLES {
        let x = rng.fp3();
        assert_eq!(Fp3::from_bytes(x.to_bytes()), Some(x));
    }
}
