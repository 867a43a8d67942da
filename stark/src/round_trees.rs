//! The proof's commitments: one Merkle tree per round over every table of
//! that round, whatever their heights (docs/PROTOCOL.md, "Commitments").
//!
//! A round's tree is `ProverDevice::merkle_commit_tables` over its tables'
//! LDEs in table order: the tallest LDE has one row per leaf, and a leaf
//! `j` of a tree of `2^d` leaves holds each table's row `j >> (d -
//! log_lde)` (for one table, the plain tree of its rows). A query `q` in
//! the largest LDE domain (`2^L` points) opens leaf `q >> (L - d)`: one
//! path per round, with the rows of every table at that query.

use crate::layout::TableLayout;
use crate::merkle_batch::distinct;
use backend_api::{ElemKind, MerkleShape};

/// The four rounds that commit to tables.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Round {
    /// The main traces (every table).
    Main,
    /// The preprocessed columns (tables with them), in the verifying key.
    Preprocessed,
    /// The LogUp aux traces (tables with interactions).
    Aux,
    /// The composition parts (every table).
    Parts,
}

impl Round {
    /// Table `t`'s width in this round's tree (0: not in it).
    fn width(self, t: &TableLayout) -> usize {
        match self {
            Round::Main => t.width,
            Round::Preprocessed => t.pre_width,
            Round::Aux => t.aux_width,
            Round::Parts => t.parts,
        }
    }

    fn kind(self) -> ElemKind {
        match self {
            Round::Main | Round::Preprocessed => ElemKind::Base,
            Round::Aux | Round::Parts => ElemKind::Ext,
        }
    }
}

/// One round's tree: which tables it holds and where their rows sit.
#[derive(Clone, Debug)]
pub struct RoundTree {
    /// The tables in the tree, in table order.
    pub tables: Vec<usize>,
    /// The tree's shape (`merkle_commit_tables` over the tables' LDEs).
    pub shape: MerkleShape,
    /// `L - d`: a query `q` of the largest LDE domain opens leaf
    /// `q >> query_shift`.
    query_shift: u32,
    /// `(offset, width)` of each table's row in a leaf, indexed by table
    /// (`None` for tables not in the tree).
    slots: Vec<Option<(usize, usize)>>,
}

impl RoundTree {
    /// The tree of `round` over the tables that have columns in it; `None`
    /// when none has.
    pub fn new(round: Round, layouts: &[TableLayout], log_lde_max: u32) -> Option<Self> {
        let tables: Vec<usize> = (0..layouts.len())
            .filter(|&i| round.width(&layouts[i]) > 0)
            .collect();
        if tables.is_empty() {
            return None;
        }
        let dims: Vec<(usize, usize)> = tables
            .iter()
            .map(|&i| (round.width(&layouts[i]), layouts[i].lde_height()))
            .collect();
        let shape = MerkleShape::of_tables(round.kind(), &dims);
        let mut slots = vec![None; layouts.len()];
        let mut offset = 0;
        for (&i, &(w, _)) in tables.iter().zip(&dims) {
            slots[i] = Some((offset, w));
            offset += w;
        }
        let log_leaves = shape.num_leaves().trailing_zeros();
        Some(RoundTree {
            tables,
            shape,
            query_shift: log_lde_max - log_leaves,
            slots,
        })
    }

    /// The distinct leaves, increasing, that `queries` open.
    pub fn leaves(&self, queries: &[usize]) -> Vec<usize> {
        let leaves: Vec<usize> = queries.iter().map(|q| q >> self.query_shift).collect();
        distinct(&leaves)
    }

    /// The leaf query `q` opens.
    pub fn leaf_of(&self, query: usize) -> usize {
        query >> self.query_shift
    }

    /// Table `table`'s row within a leaf's values (of the shape's length);
    /// `None` for a table not in the tree.
    pub fn row<'a, T>(&self, leaf_values: &'a [T], table: usize) -> Option<&'a [T]> {
        let (offset, width) = self.slots.get(table).copied().flatten()?;
        leaf_values.get(offset..offset + width)
    }
}

/// The trees of a proof's four committing rounds.
#[derive(Clone, Debug)]
pub struct RoundTrees {
    /// Round 1: every table's main trace.
    pub main: RoundTree,
    /// The verifying key's: the preprocessed tables.
    pub preprocessed: Option<RoundTree>,
    /// Round 2: the aux tables' LogUp traces.
    pub aux: Option<RoundTree>,
    /// Round 3: every table's composition parts.
    pub parts: RoundTree,
}

impl RoundTrees {
    /// The trees for these tables (at least one) with queries in the
    /// largest LDE domain, `2^log_lde_max` points.
    pub fn new(layouts: &[TableLayout], log_lde_max: u32) -> Self {
        let tree = |round| RoundTree::new(round, layouts, log_lde_max);
        RoundTrees {
            main: tree(Round::Main).expect("every table has main columns"),
            preprocessed: tree(Round::Preprocessed),
            aux: tree(Round::Aux),
            parts: tree(Round::Parts).expect("every table has composition parts"),
        }
    }
}
