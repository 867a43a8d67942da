//! Column-major batches of equal-length columns.

use crate::field::DeviceElem;

/// Storage a device hands out: `Vec<T>` on the CPU, device memory elsewhere.
pub trait Buffer: Send + Sync {
    /// Number of elements.
    fn len(&self) -> usize;
    /// Whether `len() == 0`.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Send + Sync> Buffer for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// `width` columns of `height` elements each, stored **column-major** in one
/// buffer: element (row `r`, column `c`) is at index `c * height + r`.
///
/// Every matrix primitive treats the columns as independent vectors of length
/// `height`; rows matter only where a method says so (Merkle leaves, LogUp).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix<B> {
    buf: B,
    width: usize,
    height: usize,
}

/// A matrix in host memory.
pub type HostMatrix<T> = Matrix<Vec<T>>;

impl<B: Buffer> Matrix<B> {
    /// Wraps a buffer of `width * height` elements. `None` if the length does
    /// not match.
    pub fn new(buf: B, width: usize, height: usize) -> Option<Self> {
        (width.checked_mul(height) == Some(buf.len())).then_some(Matrix { buf, width, height })
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Number of rows (the length of every column).
    pub fn height(&self) -> usize {
        self.height
    }
    /// The column-major storage.
    pub fn buffer(&self) -> &B {
        &self.buf
    }
    /// The column-major storage, mutably; its length must stay
    /// `width * height`.
    pub fn buffer_mut(&mut self) -> &mut B {
        &mut self.buf
    }
    /// Gives up the shape and returns the column-major storage.
    pub fn into_buffer(self) -> B {
        self.buf
    }

    /// The same storage seen as `width` columns of `height` (no copy); `None`
    /// if the element count differs. Because storage is column-major, a single
    /// column of length `k * n` reshapes to `k` columns of length `n`, the
    /// consecutive chunks.
    pub fn reshape(self, width: usize, height: usize) -> Option<Self> {
        let Matrix { buf, .. } = self;
        Matrix::new(buf, width, height)
    }
}

impl<T: DeviceElem> HostMatrix<T> {
    /// Builds a matrix from columns of equal length; `None` if they differ or
    /// there are none.
    pub fn from_columns(columns: &[Vec<T>]) -> Option<Self> {
        let height = columns.first()?.len();
        if columns.iter().any(|c| c.len() != height) {
            return None;
        }
        let buf: Vec<T> = columns.iter().flatten().copied().collect();
        Some(Matrix {
            buf,
            width: columns.len(),
            height,
        })
    }

    /// Builds a matrix from rows of equal length; `None` if they differ or
    /// there are none.
    pub fn from_rows(rows: &[Vec<T>]) -> Option<Self> {
        let width = rows.first()?.len();
        if rows.iter().any(|r| r.len() != width) {
            return None;
        }
        let height = rows.len();
        let mut buf = vec![T::ZERO; width * height];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                buf[c * height + r] = *v;
            }
        }
        Some(Matrix { buf, width, height })
    }

    /// Column `c`, `height` elements. Panics if `c >= width` and `height > 0`.
    pub fn column(&self, c: usize) -> &[T] {
        &self.buf[c * self.height..(c + 1) * self.height]
    }

    /// Column `c`, mutably. Panics if `c >= width` and `height > 0`.
    pub fn column_mut(&mut self, c: usize) -> &mut [T] {
        let h = self.height;
        &mut self.buf[c * h..(c + 1) * h]
    }

    /// The element at (`row`, `col`). Panics if `row >= height` or
    /// `col >= width` (a row past the end would otherwise alias the next
    /// column).
    pub fn get(&self, row: usize, col: usize) -> T {
        assert!(
            row < self.height && col < self.width,
            "({row}, {col}) is outside a {}x{} matrix",
            self.height,
            self.width
        );
        self.buf[col * self.height + row]
    }

    /// Row `r` as a vector (copies). Panics if `r >= height` and
    /// `width > 0`.
    pub fn row(&self, r: usize) -> Vec<T> {
        (0..self.width).map(|c| self.get(r, c)).collect()
    }

    /// The columns in order, each `height` elements; yields nothing if
    /// `height == 0`.
    pub fn columns(&self) -> impl Iterator<Item = &[T]> {
        self.buf.chunks_exact(self.height.max(1)).take(self.width)
    }
}
