//! Buffers and trees of [`Dual`](super::Dual): one of each side, kept together.
//!
//! A device method takes `&Matrix<Buffer>`, so to hand side A a
//! `&Matrix<A::Buffer>` of the caller's shape each side's storage is kept as
//! a matrix, reshaped (no copy) to the shape of the call before use. The
//! reshape needs `&mut`, hence the lock; calls that only read share it.

use backend_api::{Buffer, DeviceError, DeviceResult, Digest, Matrix, MerkleShape, MerkleTree};
use std::ops::Deref;
use std::sync::{RwLock, RwLockReadGuard};

/// One side's storage. Invariant: the option is `Some` outside a reshape.
pub(crate) struct Half<B> {
    cell: RwLock<Option<Matrix<B>>>,
}

fn poisoned() -> DeviceError {
    DeviceError::Backend {
        code: -1,
        name: "Poisoned".into(),
        message: "a thread panicked while reshaping a Dual buffer".into(),
    }
}

fn reshaped<B: Buffer>(m: Matrix<B>, width: usize, height: usize) -> Matrix<B> {
    if m.width() == width && m.height() == height {
        m
    } else {
        // The caller's matrix has the same element count, so this cannot fail.
        m.reshape(width, height)
            .expect("a Dual buffer is reshaped only to its own element count")
    }
}

impl<B: Buffer> Half<B> {
    pub(crate) fn new(m: Matrix<B>) -> Self {
        Half {
            cell: RwLock::new(Some(m)),
        }
    }

    pub(crate) fn flat(buf: B) -> Self {
        let len = buf.len();
        Half::new(Matrix::new(buf, 1, len).expect("one column of len"))
    }

    /// Read access as a `width x height` matrix.
    pub(crate) fn view(&self, width: usize, height: usize) -> DeviceResult<View<'_, B>> {
        loop {
            let guard = self.cell.read().map_err(|_| poisoned())?;
            let m = guard.as_ref().ok_or_else(poisoned)?;
            if m.width() == width && m.height() == height {
                return Ok(View(guard));
            }
            drop(guard);
            let mut w = self.cell.write().map_err(|_| poisoned())?;
            let m = w.take().ok_or_else(poisoned)?;
            *w = Some(reshaped(m, width, height));
        }
    }

    /// Exclusive access as a `width x height` matrix.
    pub(crate) fn get_mut(&mut self, width: usize, height: usize) -> DeviceResult<&mut Matrix<B>> {
        let slot = self.cell.get_mut().map_err(|_| poisoned())?;
        let m = slot.take().ok_or_else(poisoned)?;
        Ok(slot.insert(reshaped(m, width, height)))
    }
}

/// A read guard that derefs to the matrix.
pub(crate) struct View<'a, B>(RwLockReadGuard<'a, Option<Matrix<B>>>);

impl<B> Deref for View<'_, B> {
    type Target = Matrix<B>;
    fn deref(&self) -> &Matrix<B> {
        self.0
            .as_ref()
            .expect("checked Some when the view was made")
    }
}

/// A buffer of [`Dual`](super::Dual): side A's and side B's, of equal length.
pub struct DualBuffer<BA, BB> {
    pub(crate) a: Half<BA>,
    pub(crate) b: Half<BB>,
    len: usize,
}

impl<BA: Buffer, BB: Buffer> DualBuffer<BA, BB> {
    pub(crate) fn from_flat(a: BA, b: BB) -> Self {
        let len = a.len();
        DualBuffer {
            a: Half::flat(a),
            b: Half::flat(b),
            len,
        }
    }

    pub(crate) fn from_matrices(a: Matrix<BA>, b: Matrix<BB>) -> Self {
        let len = a.buffer().len();
        DualBuffer {
            a: Half::new(a),
            b: Half::new(b),
            len,
        }
    }
}

impl<BA: Buffer, BB: Buffer> Buffer for DualBuffer<BA, BB> {
    fn len(&self) -> usize {
        self.len
    }
}

/// A Merkle tree of [`Dual`](super::Dual); the roots were equal when built.
pub struct DualTree<TA, TB> {
    pub a: TA,
    pub b: TB,
}

impl<TA: MerkleTree, TB: MerkleTree> MerkleTree for DualTree<TA, TB> {
    fn root(&self) -> Digest {
        self.a.root()
    }
    fn shape(&self) -> &MerkleShape {
        self.a.shape()
    }
}
