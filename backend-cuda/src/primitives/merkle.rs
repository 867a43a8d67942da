//! Keccak Merkle trees built on the device.

use crate::{CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::{DeviceElem, DeviceResult, Digest, MerkleOpening, MerkleShape, MerkleTree};

/// A committed tree: every level's digests stay in device memory.
pub struct CudaMerkleTree {
    pub(crate) shape: MerkleShape,
    pub(crate) root: Digest,
    /// All node digests, leaves first (level 0), 32 bytes each.
    pub(crate) digests: DeviceAlloc,
}

impl MerkleTree for CudaMerkleTree {
    fn root(&self) -> Digest {
        self.root
    }
    fn shape(&self) -> &MerkleShape {
        &self.shape
    }
}

pub(crate) fn commit<T: DeviceElem>(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _matrices: &[&CudaMatrix<T>],
    _shape: MerkleShape,
) -> DeviceResult<CudaMerkleTree> {
    Err(super::pending("merkle_commit"))
}

pub(crate) fn open<T: DeviceElem>(
    _ctx: &CudaCtx,
    _tree: &CudaMerkleTree,
    _matrices: &[&CudaMatrix<T>],
    _leaf_indices: &[usize],
) -> DeviceResult<Vec<MerkleOpening<T>>> {
    Err(super::pending("merkle_open"))
}
