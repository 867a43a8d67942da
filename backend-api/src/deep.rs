//! Inputs of the DEEP composition primitive.

use crate::field::Fp3;

/// A matrix of LDE columns together with claimed values of its columns'
/// polynomials at some of the out-of-domain points.
#[derive(Debug)]
pub struct DeepOpening<'a, B> {
    /// Evaluations over the LDE domain (every matrix of one call shares it).
    pub matrix: &'a crate::matrix::Matrix<B>,
    /// `(point index, value of each column at that point)`; the value vector
    /// has one entry per column of `matrix`.
    pub evaluations: Vec<(usize, Vec<Fp3>)>,
}
