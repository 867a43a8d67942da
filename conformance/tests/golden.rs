//! Golden vectors: the reference device's digest of each primitive family's
//! output, pinned by insta snapshots in `tests/snapshots/`. The suite's
//! `check_golden_digests` holds every backend to the same digests.

use conformance::golden::{digests, GoldenDigest};
use conformance::ReferenceDevice;

fn family(name: &str) -> GoldenDigest {
    digests(&ReferenceDevice)
        .expect("the reference computes every golden vector")
        .into_iter()
        .find(|g| g.family == name)
        .unwrap_or_else(|| panic!("no golden family {name}"))
}

macro_rules! golden {
    ($($family:ident),* $(,)?) => {$(
        #[test]
        fn $family() {
            let g = family(stringify!($family));
            insta::assert_snapshot!(stringify!($family), format!("{}\n{}", g.description, g.digest));
        }
    )*};
}

golden!(
    ntt_fp,
    ntt_fp3,
    coset_lde,
    coset_lde_fp3,
    coeffs_to_coset,
    merkle,
    batch_inverse,
    fri,
    logup,
    grind,
    ood,
    deep,
    constraints,
);

#[test]
fn every_family_has_a_snapshot_test() {
    let names: Vec<&str> = digests(&ReferenceDevice)
        .unwrap()
        .iter()
        .map(|g| g.family)
        .collect();
    assert_eq!(
        names,
        [
            "ntt_fp",
            "ntt_fp3",
            "coset_lde",
            "coset_lde_fp3",
            "coeffs_to_coset",
            "merkle",
            "batch_inverse",
            "fri",
            "logup",
            "grind",
            "ood",
            "deep",
            "constraints"
        ]
    );
}
