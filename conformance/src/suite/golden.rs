//! Golden digests of a device against the reference's.

use super::util::ok;
use super::SuiteConfig;
use crate::golden::digests;
use crate::ReferenceDevice;
use backend_api::ProverDevice;

/// Every family's golden digest computed on the device equals the one the
/// reference computes (which the insta snapshots in `tests/golden.rs` pin).
pub fn check_golden_digests<D: ProverDevice>(dev: &D, _cfg: &SuiteConfig) {
    let got = ok(digests(dev), "golden digests on the device");
    let want = ok(digests(&ReferenceDevice), "golden digests on the reference");
    assert_eq!(got.len(), want.len(), "number of families");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.family, w.family);
        assert_eq!(
            g.digest, w.digest,
            "golden digest of family `{}` ({})",
            g.family, g.description
        );
    }
}
