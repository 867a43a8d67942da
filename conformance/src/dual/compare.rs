//! How [`Dual`](super::Dual) decides that two results agree.

use backend_api::{DeviceElem, DeviceError, DeviceResult, Digest, MerkleOpening};
use std::fmt::Debug;

fn mismatch(primitive: &'static str, index: usize, detail: String) -> DeviceError {
    DeviceError::Mismatch {
        primitive,
        index,
        detail,
    }
}

/// Whether two errors say the same thing: the same variant, and for
/// `InvalidArgument` / `Unsupported` the same argument / primitive.
fn same_error(a: &DeviceError, b: &DeviceError) -> bool {
    use DeviceError::*;
    match (a, b) {
        (InvalidArgument { argument: x, .. }, InvalidArgument { argument: y, .. }) => x == y,
        (Unsupported { primitive: x, .. }, Unsupported { primitive: y, .. }) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// Both results, if both succeeded; the common error if both failed alike;
/// a `Mismatch` otherwise.
pub(crate) fn agree<RA, RB>(
    primitive: &'static str,
    ra: DeviceResult<RA>,
    rb: DeviceResult<RB>,
) -> DeviceResult<(RA, RB)> {
    match (ra, rb) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(ea), Err(eb)) if same_error(&ea, &eb) => Err(ea),
        (Err(ea), Err(eb)) => Err(mismatch(
            primitive,
            0,
            format!("A failed with `{ea}`, B with `{eb}`"),
        )),
        (Ok(_), Err(eb)) => Err(mismatch(
            primitive,
            0,
            format!("A succeeded, B failed with `{eb}`"),
        )),
        (Err(ea), Ok(_)) => Err(mismatch(
            primitive,
            0,
            format!("A failed with `{ea}`, B succeeded"),
        )),
    }
}

/// Element-wise comparison of canonical bytes; the index is the first
/// differing element (or the shorter length).
pub(crate) fn elems<T: DeviceElem>(primitive: &'static str, a: &[T], b: &[T]) -> DeviceResult<()> {
    let mut ba = [0u8; 24];
    let mut bb = [0u8; 24];
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        x.encode_into(&mut ba);
        y.encode_into(&mut bb);
        if ba[..T::BYTES] != bb[..T::BYTES] {
            return Err(mismatch(primitive, i, format!("A has {x:?}, B has {y:?}")));
        }
    }
    if a.len() != b.len() {
        let n = a.len().min(b.len());
        return Err(mismatch(
            primitive,
            n,
            format!("A has {} elements, B has {}", a.len(), b.len()),
        ));
    }
    Ok(())
}

/// Equality of plain values (shapes, nonces, roots).
pub(crate) fn value<V: PartialEq + Debug>(
    primitive: &'static str,
    index: usize,
    a: &V,
    b: &V,
) -> DeviceResult<()> {
    if a == b {
        Ok(())
    } else {
        Err(mismatch(
            primitive,
            index,
            format!("A has {a:?}, B has {b:?}"),
        ))
    }
}

pub(crate) fn roots(primitive: &'static str, a: &Digest, b: &Digest) -> DeviceResult<()> {
    if a == b {
        Ok(())
    } else {
        Err(mismatch(
            primitive,
            0,
            format!("roots differ: A {}, B {}", hex(a), hex(b)),
        ))
    }
}

/// Openings compared one by one; the index is the opening's position.
pub(crate) fn openings<T: DeviceElem>(
    primitive: &'static str,
    a: &[MerkleOpening<T>],
    b: &[MerkleOpening<T>],
) -> DeviceResult<()> {
    value(primitive, a.len().min(b.len()), &a.len(), &b.len())?;
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            return Err(mismatch(
                primitive,
                i,
                format!("opening {i} differs: A {x:?}, B {y:?}"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
