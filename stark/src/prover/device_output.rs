//! Checks of what a device hands back against the shapes its method's
//! contract fixes (lengths, counts, tree shapes, opening indices and path
//! lengths, the nonce's validity), so that a faulty backend gives
//! [`ProverError::DeviceOutput`] naming the method, never a panic. Wrong
//! *values* of the right shape are not detected here: the prover's own
//! out-of-domain check catches most of them
//! ([`ProverError::ConstraintsNotSatisfied`]), and any proof they produce
//! fails verification.

use crate::error::ProverError;
use backend_api::{
    pow_is_valid, Buffer, DeviceElem, DeviceMatrix, Digest, MerkleOpening, MerkleShape, MerkleTree,
    ProverDevice,
};

fn wrong(primitive: &'static str, reason: String) -> ProverError {
    ProverError::DeviceOutput { primitive, reason }
}

/// `m`, if it is `width x height` with a buffer of `width * height`
/// elements.
pub(crate) fn matrix<D: ProverDevice, T: DeviceElem>(
    primitive: &'static str,
    m: DeviceMatrix<D, T>,
    width: usize,
    height: usize,
) -> Result<DeviceMatrix<D, T>, ProverError> {
    shape::<D, T>(primitive, &m, width, height)?;
    Ok(m)
}

/// Checks that `m` is `width x height` with a buffer of `width * height`
/// elements (an in-place method may not resize it).
pub(crate) fn shape<D: ProverDevice, T: DeviceElem>(
    primitive: &'static str,
    m: &DeviceMatrix<D, T>,
    width: usize,
    height: usize,
) -> Result<(), ProverError> {
    let len = m.buffer().len();
    if m.width() != width || m.height() != height || Some(len) != width.checked_mul(height) {
        return Err(wrong(
            primitive,
            format!(
                "returned a {} x {} matrix of {len} elements, expected {width} x {height}",
                m.width(),
                m.height()
            ),
        ));
    }
    Ok(())
}

/// `values`, if it has `expected` entries.
pub(crate) fn count<T>(
    primitive: &'static str,
    what: &str,
    values: Vec<T>,
    expected: usize,
) -> Result<Vec<T>, ProverError> {
    if values.len() != expected {
        return Err(wrong(
            primitive,
            format!("returned {} {what}, expected {expected}", values.len()),
        ));
    }
    Ok(values)
}

/// The shape of a tree over one matrix of `T`s.
pub(crate) fn merkle_shape<T: DeviceElem>(
    height: usize,
    width: usize,
    rows_per_leaf: usize,
) -> MerkleShape {
    MerkleShape {
        kind: T::KIND,
        height,
        widths: vec![width],
        rows_per_leaf,
    }
}

/// `tree`, if it was built over `expected`.
pub(crate) fn tree<D: ProverDevice>(
    primitive: &'static str,
    tree: D::MerkleTree,
    expected: &MerkleShape,
) -> Result<D::MerkleTree, ProverError> {
    if tree.shape() != expected {
        return Err(wrong(
            primitive,
            format!(
                "returned a tree over {:?}, expected {expected:?}",
                tree.shape()
            ),
        ));
    }
    Ok(tree)
}

/// `openings`, if there is one per index, at that index, with a leaf's
/// values and a full path of `shape`.
pub(crate) fn openings<T: DeviceElem>(
    openings: Vec<MerkleOpening<T>>,
    shape: &MerkleShape,
    indices: &[usize],
) -> Result<Vec<MerkleOpening<T>>, ProverError> {
    let openings = count("merkle_open", "openings", openings, indices.len())?;
    for (o, &index) in openings.iter().zip(indices) {
        if o.leaf_index != index
            || o.values.len() != shape.leaf_len()
            || o.path.len() != shape.depth()
        {
            return Err(wrong(
                "merkle_open",
                format!(
                    "opening of leaf {index}: leaf {} with {} values and {} siblings, \
                     expected {} values and {} siblings",
                    o.leaf_index,
                    o.values.len(),
                    o.path.len(),
                    shape.leaf_len(),
                    shape.depth()
                ),
            ));
        }
    }
    Ok(openings)
}

/// `nonce`, if it meets `bits` of proof of work for `seed`.
pub(crate) fn nonce(seed: &Digest, nonce: u64, bits: u32) -> Result<u64, ProverError> {
    if !pow_is_valid(seed, nonce, bits) {
        return Err(wrong(
            "grind",
            format!("nonce {nonce} does not meet {bits} bits"),
        ));
    }
    Ok(nonce)
}
