//! Keccak-256 of many equal-length messages at once: Merkle leaves straight
//! from column-major matrices, and Merkle nodes from a layer of digests.
//!
//! A [`HashKernel`] hashes `width()` messages per permutation (8 with AVX-512,
//! 4 with AVX2, 1 scalar); the best one is picked at run time. The padding
//! and word conventions are those of [`crate::keccak`]: every message word
//! is one rate lane, `Fp` coefficients enter big-endian (so each loaded
//! word is byte-swapped), digest bytes enter as they are. Every message
//! starts with its 8-byte domain-separation prefix (`backend_api::
//! LEAF_PREFIX` or `NODE_PREFIX`), which fills rate lane 0 of the first
//! block; the words follow from lane 1. Leaf `j` of a
//! column list `cols` (each column `height * limbs` words, element-major)
//! is the words, for each of its rows `r = j * rpl .. (j + 1) * rpl`, for
//! each column, for each limb `l`: `col[r * limbs + l]`. So the same word of
//! leaves `j, j + 1, ...` sits `rpl * limbs` words apart: one vector load
//! when that is 1, a gather otherwise.

use crate::keccak::lanes::{permute, Lanes};
#[cfg(target_arch = "x86_64")]
use crate::keccak::x4::{self as x4, U64x4};
#[cfg(target_arch = "x86_64")]
use crate::keccak::x8::{self as x8, U64x8};
use backend_api::{DeviceElem, Digest, LEAF_PREFIX, NODE_PREFIX, TABLES_PREFIX};
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};

/// Rate of Keccak-256 in 8-byte lanes.
const RATE_LANES: usize = 17;

/// The leaf prefix as the little-endian lane it fills.
const LEAF_PREFIX_LANE: u64 = u64::from_le_bytes(LEAF_PREFIX);
/// The node prefix as the little-endian lane it fills.
const NODE_PREFIX_LANE: u64 = u64::from_le_bytes(NODE_PREFIX);
/// The tables-leaf prefix as the little-endian lane it fills.
const TABLES_PREFIX_LANE: u64 = u64::from_le_bytes(TABLES_PREFIX);

/// How many leaf groups ahead the column words are prefetched. A group
/// reads one stretch of every column: with dozens of columns that is more
/// streams than the hardware prefetchers follow, and the loads would wait
/// on memory. One group's hashing outlasts a memory round trip, so two
/// groups ahead is enough.
const PREFETCH_GROUPS: usize = 2;

/// How many messages share a permutation, and with which instructions.
/// Only [`HashKernel::detect`] and [`HashKernel::supported`] hand out values, and
/// they hand out only kernels the running CPU can execute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HashKernel(Isa);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Isa {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    Scalar,
}

impl HashKernel {
    /// Every kernel the running CPU supports, widest first; the last is scalar.
    pub(crate) fn supported() -> Vec<HashKernel> {
        let mut out = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if x8::supported() {
                out.push(HashKernel(Isa::Avx512));
            }
            if x4::supported() {
                out.push(HashKernel(Isa::Avx2));
            }
        }
        out.push(HashKernel(Isa::Scalar));
        out
    }

    /// The widest kernel the running CPU supports.
    pub(crate) fn detect() -> HashKernel {
        HashKernel::supported()[0]
    }

    /// Messages hashed per permutation.
    pub(crate) fn width(self) -> usize {
        match self.0 {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => U64x8::WIDTH,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => U64x4::WIDTH,
            Isa::Scalar => <u64 as Lanes>::WIDTH,
        }
    }
}

/// The coefficients of field elements as raw words: element by element,
/// limb by limb (`T::LIMBS` words per element, in `limbs()` order).
pub(crate) fn as_words<T: DeviceElem>(x: &[T]) -> &[u64] {
    assert!(
        core::mem::size_of::<T>() == 8 * T::LIMBS && core::mem::align_of::<T>() == 8,
        "DeviceElem layout is LIMBS packed u64 words"
    );
    // SAFETY: `DeviceElem` is sealed to `Fp` (`#[repr(transparent)]` over its
    // canonical `u64`) and `Fp3` (`#[repr(C)]` over `[Fp; 3]`, the order
    // `limbs()` returns); the size and alignment were just checked, so the
    // slice is exactly `len * LIMBS` initialized, aligned `u64`s.
    unsafe { core::slice::from_raw_parts(x.as_ptr().cast::<u64>(), x.len() * T::LIMBS) }
}

/// Messages of one kind, hashed `L::WIDTH` at a time by whichever kernel
/// runs them ([`hash_with`]).
trait Messages: Sync {
    /// What a message hashes to (its digest, or the digest's first word).
    type Out;
    /// Hashes messages `first .. first + out.len()` into `out`, whose
    /// length is a multiple of `L::WIDTH`.
    ///
    /// # Safety
    ///
    /// The CPU supports `L`'s target features.
    unsafe fn hash_groups<L: Lanes>(&self, first: u64, out: &mut [Self::Out]);
}

/// Hashes messages `first ..` of `messages` into `out`: whole groups with
/// `kernel`'s vector lanes, the rest one at a time.
fn hash_with<M: Messages>(kernel: HashKernel, messages: &M, first: u64, out: &mut [M::Out]) {
    let full = out.len() / kernel.width() * kernel.width();
    let (groups, tail) = out.split_at_mut(full);
    match kernel.0 {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            assert!(x8::supported(), "AVX-512 kernel on a CPU without it");
            // SAFETY: AVX-512F and AVX-512BW were detected just above.
            unsafe { groups_x8(messages, first, groups) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            assert!(x4::supported(), "AVX2 kernel on a CPU without it");
            // SAFETY: AVX2 was detected just above.
            unsafe { groups_x4(messages, first, groups) }
        }
        Isa::Scalar => groups_scalar(messages, first, groups),
    }
    groups_scalar(messages, first.wrapping_add(full as u64), tail);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn groups_x8<M: Messages>(messages: &M, first: u64, out: &mut [M::Out]) {
    // SAFETY: the caller detected this function's target features.
    unsafe { messages.hash_groups::<U64x8>(first, out) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn groups_x4<M: Messages>(messages: &M, first: u64, out: &mut [M::Out]) {
    // SAFETY: the caller detected this function's target features.
    unsafe { messages.hash_groups::<U64x4>(first, out) }
}

fn groups_scalar<M: Messages>(messages: &M, first: u64, out: &mut [M::Out]) {
    // SAFETY: `u64` lanes use no target feature.
    unsafe { messages.hash_groups::<u64>(first, out) }
}

/// Digests of leaves `first .. first + out.len()` (see the module doc).
/// Every column must hold all `rpl * limbs` words of those leaves.
pub(crate) fn hash_leaves(
    kernel: HashKernel,
    cols: &[&[u64]],
    limbs: usize,
    rpl: usize,
    first: usize,
    out: &mut [Digest],
) {
    let leaves = Leaves { cols, limbs, rpl };
    hash_with(kernel, &leaves, first as u64, out);
}

/// `out[i] = Keccak-256(NODE_PREFIX || children[2i] || children[2i + 1])`.
pub(crate) fn hash_nodes(kernel: HashKernel, children: &[Digest], out: &mut [Digest]) {
    assert_eq!(children.len(), 2 * out.len(), "two children per node");
    hash_with(kernel, &Children(children), 0, out);
}

/// `out[k]` = the first 8 bytes, read big-endian, of
/// Keccak-256(`seed` || (`first + k`) as 8 bytes big-endian): the
/// proof-of-work digests (`backend_api::pow_digest`) of consecutive nonces,
/// whose leading zero bits decide validity.
pub(crate) fn pow_words(kernel: HashKernel, seed: &Digest, first: u64, out: &mut [u64]) {
    hash_with(kernel, &PowSeed(seed), first, out);
}

/// The proof-of-work messages: the seed, then the nonce.
struct PowSeed<'a>(&'a Digest);

impl Messages for PowSeed<'_> {
    type Out = u64;
    #[inline(always)]
    unsafe fn hash_groups<L: Lanes>(&self, first: u64, out: &mut [u64]) {
        // SAFETY: the caller guarantees the target features.
        unsafe { pow_groups::<L>(self.0, first, out) }
    }
}

/// [`pow_words`] for `out.len()` nonces (a multiple of `L::WIDTH`).
///
/// # Safety
///
/// The CPU supports `L`'s target features.
#[inline(always)]
unsafe fn pow_groups<L: Lanes>(seed: &Digest, first: u64, out: &mut [u64]) {
    for (g, words) in out.chunks_exact_mut(L::WIDTH).enumerate() {
        let base = first.wrapping_add((g * L::WIDTH) as u64);
        let mut nonces = [0u64; 8];
        for (s, n) in nonces.iter_mut().enumerate().take(L::WIDTH) {
            // The nonce's big-endian bytes, read as the lane they fill.
            *n = base.wrapping_add(s as u64).swap_bytes();
        }
        let mut digests = [[0u8; 32]; 8];
        // SAFETY: the caller guarantees the target features; `nonces`
        // holds `L::WIDTH <= 8` words.
        unsafe {
            let mut sponge = Batch::<L>::empty();
            for chunk in seed.chunks_exact(8) {
                let lane = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                sponge.absorb(L::splat(lane));
            }
            sponge.absorb(L::load(nonces.as_ptr().cast(), 8));
            sponge.finish(&mut digests);
        }
        for (w, d) in words.iter_mut().zip(&digests) {
            *w = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
        }
    }
}

/// One table's row digests in a tables tree: leaf `j` joins
/// `digests[j >> shift]`.
#[derive(Clone, Copy)]
pub(crate) struct TableRows<'a> {
    pub(crate) digests: &'a [Digest],
    pub(crate) shift: u32,
}

/// `out[k]` = Keccak-256(`TABLES_PREFIX` || for each table `t`,
/// `t.digests[(first + k) >> t.shift]`): the leaves `first ..` of a tables
/// tree (`backend_api::hash_tables_leaf`).
pub(crate) fn hash_tables_leaves(
    kernel: HashKernel,
    tables: &[TableRows],
    first: usize,
    out: &mut [Digest],
) {
    hash_with(kernel, &TableJoin(tables), first as u64, out);
}

/// The leaves of a tables tree: one row digest per table.
struct TableJoin<'a>(&'a [TableRows<'a>]);

impl Messages for TableJoin<'_> {
    type Out = Digest;
    #[inline(always)]
    unsafe fn hash_groups<L: Lanes>(&self, first: u64, out: &mut [Digest]) {
        // SAFETY: the caller guarantees the target features.
        unsafe { tables_groups::<L>(self.0, first as usize, out) }
    }
}

/// Hashes `out.len()` tables leaves (a multiple of `L::WIDTH`), `L::WIDTH`
/// at a time. A group's digests of one table are not evenly spaced (leaves
/// share a row when the table is shorter), so each word is gathered into
/// a small buffer first; the permutations dominate.
///
/// # Safety
///
/// The CPU supports `L`'s target features.
#[inline(always)]
unsafe fn tables_groups<L: Lanes>(tables: &[TableRows], first: usize, out: &mut [Digest]) {
    for (g, digests) in out.chunks_exact_mut(L::WIDTH).enumerate() {
        let leaf = first + g * L::WIDTH;
        let mut sponge = Batch::<L>::new(TABLES_PREFIX_LANE);
        for t in tables {
            for w in 0..4 {
                let mut words = [0u64; 8];
                for (s, word) in words.iter_mut().enumerate().take(L::WIDTH) {
                    let d = &t.digests[(leaf + s) >> t.shift];
                    *word = u64::from_le_bytes(d[8 * w..8 * w + 8].try_into().expect("8 bytes"));
                }
                // SAFETY: `L::WIDTH <= 8` words lie in `words`; the caller
                // guarantees the target features. (A word's value is its
                // digest bytes read little-endian, as `load` reads them.)
                unsafe { sponge.absorb(L::load(words.as_ptr().cast(), 8)) };
            }
        }
        // SAFETY: the caller guarantees the target features.
        unsafe { sponge.finish(digests) };
    }
}

/// Where the leaves' words are (see the module doc).
#[derive(Clone, Copy)]
struct Leaves<'a> {
    cols: &'a [&'a [u64]],
    limbs: usize,
    rpl: usize,
}

impl Messages for Leaves<'_> {
    type Out = Digest;
    #[inline(always)]
    unsafe fn hash_groups<L: Lanes>(&self, first: u64, out: &mut [Digest]) {
        // SAFETY: the caller guarantees the target features.
        unsafe { leaf_groups::<L>(self, first as usize, out) }
    }
}

/// A layer of digests, hashed in pairs into the layer above.
struct Children<'a>(&'a [Digest]);

impl Messages for Children<'_> {
    type Out = Digest;
    #[inline(always)]
    unsafe fn hash_groups<L: Lanes>(&self, first: u64, out: &mut [Digest]) {
        let first = first as usize;
        let kids = &self.0[2 * first..2 * (first + out.len())];
        // SAFETY: the caller guarantees the target features.
        unsafe { node_groups::<L>(kids, out) }
    }
}

/// Hashes `out.len()` leaves (a multiple of `L::WIDTH`), `L::WIDTH` at a time.
///
/// # Safety
///
/// The CPU supports `L`'s target features.
#[inline(always)]
unsafe fn leaf_groups<L: Lanes>(leaves: &Leaves, first: usize, out: &mut [Digest]) {
    let (limbs, rpl) = (leaves.limbs, leaves.rpl);
    if limbs == 1 && rpl == 1 {
        // SAFETY: the caller guarantees the target features.
        return unsafe { leaf_groups_contiguous::<L>(leaves.cols, first, out) };
    }
    // Words between the same word of consecutive leaves.
    let stride = rpl * limbs;
    let span = (L::WIDTH - 1) * stride + 1;
    for (g, digests) in out.chunks_exact_mut(L::WIDTH).enumerate() {
        let first = first + g * L::WIDTH;
        let mut sponge = Batch::<L>::new(LEAF_PREFIX_LANE);
        for r in 0..rpl {
            for col in leaves.cols {
                for l in 0..limbs {
                    let start = (first * rpl + r) * limbs + l;
                    // Bounds-checked: the load reads only inside `words`.
                    let words = &col[start..start + span];
                    prefetch(
                        words
                            .as_ptr()
                            .wrapping_add(PREFETCH_GROUPS * L::WIDTH * stride),
                    );
                    // SAFETY: the `L::WIDTH` words `words[k * stride]` lie in
                    // `words`; the caller guarantees the target features.
                    unsafe {
                        let v = L::load(words.as_ptr().cast(), 8 * stride);
                        sponge.absorb(L::swap_bytes(v));
                    }
                }
            }
        }
        // SAFETY: the caller guarantees the target features.
        unsafe { sponge.finish(digests) };
    }
}

/// [`leaf_groups`] for one base-field row per leaf, the common case: word
/// `i` of leaf `j` is `cols[i][j]`, so a group's word `i` is one vector load
/// at `cols[i][row..]`. The loop is kept tight so that the CPU has a whole
/// block of independent loads in flight at once, and each column is
/// prefetched a few groups ahead. (Columns of a power-of-two height sit a
/// power of two apart, so those lines share a cache set and mostly wait in
/// L3, not L1: with many columns, `merkle` first stages a task's rows in a
/// tile whose columns are a cache line more than a power of two apart.)
///
/// # Safety
///
/// The CPU supports `L`'s target features.
#[inline(always)]
unsafe fn leaf_groups_contiguous<L: Lanes>(cols: &[&[u64]], first: usize, out: &mut [Digest]) {
    let end = first + out.len();
    // Makes every load below in bounds: it reads `col[row..row + WIDTH]`
    // with `row + WIDTH <= end`.
    assert!(
        cols.iter().all(|col| col.len() >= end),
        "leaf beyond the columns"
    );
    let ahead = PREFETCH_GROUPS * L::WIDTH;
    let blocks = leaf_blocks(cols.len());
    for (g, digests) in out.chunks_exact_mut(L::WIDTH).enumerate() {
        let row = first + g * L::WIDTH;
        let mut sponge = Batch::<L>::new(LEAF_PREFIX_LANE);
        for b in 0..blocks {
            let (lanes, block) = leaf_block(b, cols.len());
            for (lane, col) in sponge.state[lanes.clone()].iter_mut().zip(&cols[block]) {
                let at = col.as_ptr().wrapping_add(row);
                prefetch(at.wrapping_add(ahead));
                // SAFETY: `row + WIDTH <= end <= col.len()` (asserted above),
                // so the `WIDTH` words from `at` are in `col`; the caller
                // guarantees the target features.
                unsafe { *lane = L::xor(*lane, L::swap_bytes(L::load(at.cast(), 8))) };
            }
            // The lines of the block absorbed after the coming permutation
            // (the next group's first block after the last): they arrive
            // while it runs, and nothing else touches their cache set then.
            let (next, next_row) = if b + 1 < blocks {
                (b + 1, row)
            } else {
                (0, row + L::WIDTH)
            };
            for col in &cols[leaf_block(next, cols.len()).1] {
                prefetch(col.as_ptr().wrapping_add(next_row));
            }
            if lanes.end == RATE_LANES {
                // SAFETY: the caller guarantees the target features.
                unsafe { permute(&mut sponge.state) };
                sponge.lane = 0;
            } else {
                sponge.lane = lanes.end;
            }
        }
        // SAFETY: the caller guarantees the target features.
        unsafe { sponge.finish(digests) };
    }
}

/// Rate blocks a leaf of `words` one-lane words occupies after its prefix
/// lane (at least one: the prefix itself starts a block).
fn leaf_blocks(words: usize) -> usize {
    (1 + words).div_ceil(RATE_LANES)
}

/// Block `b` of a leaf of `words` words: the rate lanes it fills and the
/// range of words absorbed there. Block 0 starts at lane 1, after the
/// prefix; words `16 + 17 (b - 1) ..` fill block `b >= 1` from lane 0.
fn leaf_block(b: usize, words: usize) -> (core::ops::Range<usize>, core::ops::Range<usize>) {
    let start = (b * RATE_LANES).saturating_sub(1).min(words);
    let end = ((b + 1) * RATE_LANES - 1).min(words);
    let first_lane = if b == 0 { 1 } else { 0 };
    (first_lane..first_lane + end - start, start..end)
}

/// Hashes `out.len()` nodes (a multiple of `L::WIDTH`), `L::WIDTH` at a time.
///
/// # Safety
///
/// The CPU supports `L`'s target features.
#[inline(always)]
unsafe fn node_groups<L: Lanes>(children: &[Digest], out: &mut [Digest]) {
    for (kids, digests) in children
        .chunks_exact(2 * L::WIDTH)
        .zip(out.chunks_exact_mut(L::WIDTH))
    {
        // Node `s`'s message is bytes `64 s .. 64 s + 64` of `bytes`.
        let bytes = kids.as_flattened();
        let mut sponge = Batch::<L>::new(NODE_PREFIX_LANE);
        for w in 0..8 {
            let words = &bytes[8 * w..8 * w + 64 * (L::WIDTH - 1) + 8];
            // SAFETY: the `L::WIDTH` 8-byte words at `64 k` lie in `words`;
            // the caller guarantees the target features.
            unsafe { sponge.absorb(L::load(words.as_ptr(), 64)) };
        }
        // SAFETY: the caller guarantees the target features.
        unsafe { sponge.finish(digests) };
    }
}

/// Hints the cache line holding `ptr` into L1. Never faults, whatever the
/// address: a prefetch does not dereference it.
#[inline(always)]
fn prefetch(ptr: *const u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` is SSE (baseline on x86-64) and never faults.
    unsafe {
        _mm_prefetch::<_MM_HINT_T0>(ptr.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// `L::WIDTH` Keccak-256 sponges fed one lane-sized word each at a time.
struct Batch<L> {
    state: [L; 25],
    /// Next rate lane to absorb into, `< RATE_LANES`.
    lane: usize,
}

impl<L: Lanes> Batch<L> {
    /// Sponges that have absorbed the one-lane message prefix `prefix`.
    ///
    /// # Safety: the CPU supports `L`'s target features (so for every method).
    #[inline(always)]
    unsafe fn new(prefix: u64) -> Self {
        let mut state = [unsafe { L::splat(0) }; 25];
        state[0] = unsafe { L::splat(prefix) };
        Batch { state, lane: 1 }
    }

    /// Sponges that have absorbed nothing.
    #[inline(always)]
    unsafe fn empty() -> Self {
        Batch {
            state: [unsafe { L::splat(0) }; 25],
            lane: 0,
        }
    }

    #[inline(always)]
    unsafe fn absorb(&mut self, word: L) {
        unsafe {
            self.state[self.lane] = L::xor(self.state[self.lane], word);
            self.lane += 1;
            if self.lane == RATE_LANES {
                permute(&mut self.state);
                self.lane = 0;
            }
        }
    }

    /// Pads (Keccak's 0x01 ... 0x80), permutes, writes digest `s` to `out[s]`.
    #[inline(always)]
    unsafe fn finish(mut self, out: &mut [Digest]) {
        unsafe {
            self.state[self.lane] = L::xor(self.state[self.lane], L::splat(0x01));
            let last = RATE_LANES - 1;
            self.state[last] = L::xor(self.state[last], L::splat(0x80 << 56));
            permute(&mut self.state);
            let mut words = [[0u64; 8]; 4];
            for (w, v) in words.iter_mut().zip(&self.state[..4]) {
                L::store(*v, w);
            }
            for (s, digest) in out.iter_mut().enumerate().take(L::WIDTH) {
                for (chunk, w) in digest.chunks_exact_mut(8).zip(&words) {
                    chunk.copy_from_slice(&w[s].to_le_bytes());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_api::rng::SplitMix64;
    use backend_api::{hash_leaf, hash_node, Fp, Fp3};

    /// Leaf digests of `width` columns of `height` elements by every
    /// kernel, against `backend_api::hash_leaf` of the leaf's values.
    fn check_leaves<T: DeviceElem>(width: usize, height: usize, rpl: usize, seed: u64) {
        let mut rng = SplitMix64::new(seed);
        let data: Vec<T> = rng.elems(width * height);
        let cols: Vec<&[u64]> = as_words(&data).chunks_exact(height * T::LIMBS).collect();
        let leaves = height / rpl;
        let expected: Vec<Digest> = (0..leaves)
            .map(|j| {
                let values: Vec<T> = (j * rpl..(j + 1) * rpl)
                    .flat_map(|r| (0..width).map(move |c| (c, r)))
                    .map(|(c, r)| data[c * height + r])
                    .collect();
                hash_leaf(&values)
            })
            .collect();
        for kernel in HashKernel::supported() {
            // Every start offset, so that groups and tails both run.
            for first in [0, 1, leaves / 3] {
                let mut out = vec![[0u8; 32]; leaves - first];
                hash_leaves(kernel, &cols, T::LIMBS, rpl, first, &mut out);
                assert_eq!(
                    out,
                    expected[first..],
                    "{kernel:?} width {width} height {height} rpl {rpl} first {first}"
                );
            }
        }
    }

    #[test]
    fn this_machine_runs_the_vector_kernels() {
        // The dev machine has AVX-512: the vector paths must be under test.
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512bw") {
            assert_eq!(HashKernel::supported().len(), 3);
            assert_eq!(HashKernel::detect().width(), 8);
        }
        assert_eq!(HashKernel::supported().last().map(|k| k.width()), Some(1));
    }

    #[test]
    fn base_leaves_match_hash_leaf() {
        // Message lengths around the 17-word rate: 16, 17, 18, 34, 64 words.
        for (width, seed) in [(1, 1), (16, 2), (17, 3), (18, 4), (34, 5), (64, 6)] {
            check_leaves::<Fp>(width, 37, 1, seed);
        }
        check_leaves::<Fp>(5, 64, 4, 7);
        check_leaves::<Fp>(17, 32, 2, 8);
    }

    #[test]
    fn extension_leaves_match_hash_leaf() {
        for (width, seed) in [(1, 11), (6, 12), (17, 13)] {
            check_leaves::<Fp3>(width, 29, 1, seed);
        }
        check_leaves::<Fp3>(3, 64, 2, 14);
    }

    #[test]
    fn pow_words_match_pow_digest() {
        let seed: Digest = core::array::from_fn(|i| (i * 37 + 5) as u8);
        for kernel in HashKernel::supported() {
            for first in [0u64, 5, u64::MAX - 20] {
                let mut out = vec![0u64; 21];
                pow_words(kernel, &seed, first, &mut out);
                for (k, w) in out.iter().enumerate() {
                    let d = backend_api::pow_digest(&seed, first.wrapping_add(k as u64));
                    let want = u64::from_be_bytes(d[..8].try_into().unwrap());
                    assert_eq!(*w, want, "{kernel:?} nonce {first} + {k}");
                }
            }
        }
    }

    #[test]
    fn tables_leaves_match_hash_tables_leaf() {
        let mut rng = SplitMix64::new(22);
        let mut digests = |n: usize| -> Vec<Digest> {
            (0..n)
                .map(|_| core::array::from_fn(|_| rng.next_u64() as u8))
                .collect()
        };
        // Leaves 64; tables of 64, 16, 1 and 64 rows (shifts 0, 2, 6, 0).
        let rows = [digests(64), digests(16), digests(1), digests(64)];
        let tables: Vec<TableRows> = rows
            .iter()
            .map(|d| TableRows {
                digests: d,
                shift: (64 / d.len()).trailing_zeros(),
            })
            .collect();
        let expected: Vec<Digest> = (0..64)
            .map(|j| {
                let joined: Vec<Digest> = tables.iter().map(|t| t.digests[j >> t.shift]).collect();
                backend_api::hash_tables_leaf(&joined)
            })
            .collect();
        for kernel in HashKernel::supported() {
            for first in [0, 3, 21] {
                let mut out = vec![[0u8; 32]; 64 - first];
                hash_tables_leaves(kernel, &tables, first, &mut out);
                assert_eq!(out, expected[first..], "{kernel:?} first {first}");
            }
        }
    }

    #[test]
    fn nodes_match_hash_node() {
        let mut rng = SplitMix64::new(21);
        let children: Vec<Digest> = (0..2 * 43)
            .map(|_| core::array::from_fn(|_| rng.next_u64() as u8))
            .collect();
        let expected: Vec<Digest> = children
            .chunks_exact(2)
            .map(|p| hash_node(&p[0], &p[1]))
            .collect();
        for kernel in HashKernel::supported() {
            let mut out = vec![[0u8; 32]; 43];
            hash_nodes(kernel, &children, &mut out);
            assert_eq!(out, expected, "{kernel:?}");
        }
    }

    #[test]
    fn words_follow_limbs() {
        let mut rng = SplitMix64::new(31);
        let v: Vec<Fp3> = rng.elems(5);
        let expected: Vec<u64> = v
            .iter()
            .flat_map(|e| e.limbs().iter().map(|l| l.value()))
            .collect();
        assert_eq!(as_words(&v), &expected[..]);
    }
}
