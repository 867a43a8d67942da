//! The shape of a proof's one FRI (docs/PROTOCOL.md, round 5): which tables'
//! DEEP codewords join it at which size, and the arity of each layer.
//!
//! The first codeword is the DEEP codeword of the largest table (by LDE
//! size; the first in table order among equals). Folding halves the size
//! per binary fold; when the codeword has a table's LDE size, that table's
//! DEEP codeword joins it, scaled by the next power of `lambda`. A layer
//! folds by the options' arity, or less where a table must join or the
//! final size is reached first. Folding stops at `2^(F' + log_blowup)`
//! values, `F' = min(F, log_n)` over every table, a polynomial of at most
//! `2^F'` coefficients.

use crate::layout::TableLayout;
use crate::options::Options;

/// The proof's FRI shape, derived from the tables' layouts and the options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FriLayout {
    /// `log2` of the first codeword's size: the largest LDE.
    pub log_lde: u32,
    /// `log2` of each layer's folding arity, first layer first.
    pub log_arities: Vec<u32>,
    /// `log2` of the last codeword's size.
    pub final_log_size: u32,
    /// Coefficients of the final polynomial.
    pub final_len: usize,
    /// Table indices in the order their DEEP codewords join: by LDE size,
    /// largest first, then table order. The `k`-th is scaled by `lambda^k`.
    pub joins: Vec<usize>,
    /// The LDE size (`log2`) of each table, in table order.
    table_log_lde: Vec<u32>,
}

impl FriLayout {
    /// The FRI of a proof over `tables` (at least one) with `options`.
    pub fn new(tables: &[TableLayout], options: &Options) -> FriLayout {
        let log_lde = tables.iter().map(|t| t.log_lde).max().unwrap_or(0);
        let min_log_n = tables.iter().map(|t| t.log_n).min().unwrap_or(0);
        let final_log = options.fri_final_log_degree.min(min_log_n);
        let final_log_size = final_log + options.log_blowup;
        let mut joins: Vec<usize> = (0..tables.len()).collect();
        joins.sort_by_key(|&t| std::cmp::Reverse(tables[t].log_lde));
        let mut log_arities = Vec::new();
        let mut size = log_lde;
        while size > final_log_size {
            let next_join = tables.iter().map(|t| t.log_lde).filter(|&l| l < size).max();
            let next = size
                .saturating_sub(options.fri_log_arity)
                .max(final_log_size)
                .max(next_join.unwrap_or(0));
            log_arities.push(size - next);
            size = next;
        }
        FriLayout {
            log_lde,
            log_arities,
            final_log_size,
            final_len: 1 << final_log,
            joins,
            table_log_lde: tables.iter().map(|t| t.log_lde).collect(),
        }
    }

    /// Number of committed layers.
    pub fn layers(&self) -> usize {
        self.log_arities.len()
    }

    /// `(k, t)`: the tables joining when the codeword has `2^log_size`
    /// values, `t` the table, `k` its place in [`joins`](Self::joins).
    pub fn joining_at(&self, log_size: u32) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.joins
            .iter()
            .enumerate()
            .filter(move |(_, &t)| self.table_log_lde[t] == log_size)
            .map(|(k, &t)| (k, t))
    }

    /// `log2` of the codeword's size at the start of each layer, then the
    /// final size: `log_arities.len() + 1` entries.
    pub fn sizes(&self) -> Vec<u32> {
        let mut sizes = vec![self.log_lde];
        for a in &self.log_arities {
            sizes.push(sizes[sizes.len() - 1] - a);
        }
        sizes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::{FibWide, Lookup};
    use crate::layout::layouts;
    use crate::Air;

    fn fri_of(air: &dyn Air, options: &Options) -> FriLayout {
        let t = layouts(&air.tables(), options, air.num_public_inputs()).unwrap();
        FriLayout::new(&t, options)
    }

    #[test]
    fn one_table_folds_by_the_arity_to_the_final_size() {
        let options = Options {
            fri_final_log_degree: 3,
            ..Options::default().with_fri_log_arity(3)
        };
        let fri = fri_of(&FibWide::new(4, 20).unwrap(), &options);
        // 2^22 values, final 2^(3 + 2): 17 binary folds as 3+3+3+3+3+2.
        assert_eq!(fri.log_arities, vec![3, 3, 3, 3, 3, 2]);
        assert_eq!((fri.final_log_size, fri.final_len), (5, 8));
        assert_eq!(fri.joins, vec![0]);
        assert_eq!(fri.sizes(), vec![22, 19, 16, 13, 10, 7, 5]);
    }

    #[test]
    fn smaller_tables_join_at_their_size_and_layers_stop_there() {
        // lookup: range 2^10 rows, source and sink 2^16: LDEs 2^12, 2^18.
        let options = Options {
            fri_final_log_degree: 3,
            ..Options::default().with_fri_log_arity(4)
        };
        let fri = fri_of(&Lookup::new(16, 10).unwrap(), &options);
        assert_eq!(fri.joins, vec![1, 2, 0]);
        assert_eq!(fri.sizes(), vec![18, 14, 12, 8, 5]);
        assert_eq!(fri.joining_at(18).collect::<Vec<_>>(), vec![(0, 1), (1, 2)]);
        assert_eq!(fri.joining_at(12).collect::<Vec<_>>(), vec![(2, 0)]);
        assert_eq!(fri.joining_at(14).count(), 0);
    }

    #[test]
    fn the_final_size_follows_the_smallest_table() {
        // range 2^2 rows: final polynomial of 2^2 coefficients.
        let fri = fri_of(&Lookup::new(8, 2).unwrap(), &Options::default());
        assert_eq!((fri.final_log_size, fri.final_len), (4, 4));
        assert_eq!(*fri.sizes().last().unwrap(), 4);
    }
}
