//! `keccak`: the Keccak-f\[1600\] permutation (FIPS 202, section 3), one
//! round per row, 24 rows per permutation.
//!
//! The state is 25 lanes `A[x, y]` of 64 bits (lane index `x + 5 y`, bit
//! `z`). A round is `iota . chi . pi . rho . theta`:
//!
//! * theta: `C[x] = xor_y A[x, y]`, `D[x] = C[x - 1] ^ rot(C[x + 1], 1)`,
//!   `A'[x, y] = A[x, y] ^ D[x]`;
//! * rho and pi: `B[y, 2x + 3y] = rot(A'[x, y], r[x, y])`;
//! * chi: `A''[x, y] = B[x, y] ^ (!B[x + 1, y] & B[x + 2, y])`;
//! * iota: `A''[0, 0] ^= RC[round]`.
//!
//! # Columns of a row (2,504 main, 8 preprocessed)
//!
//! | columns | what | count |
//! |---|---|---|
//! | `a[x, y, l]` | the round's input state, 16-bit limbs | 100 |
//! | `c[x, z]` | bits of `C[x]` | 320 |
//! | `c'[x, z]` | bits of `C'[x] = C[x] ^ D[x]` | 320 |
//! | `a'[x, y, z]` | bits of `A'` (after theta) | 1,600 |
//! | `a''[x, y, l]` | `A''` (after chi), 16-bit limbs | 100 |
//! | `a''00[z]` | bits of `A''[0, 0]` | 64 |
//! | preprocessed `transition` | 1 unless the row is a permutation's last round | 1 |
//! | preprocessed `rc[j]` | bit `2^j - 1` of the row's round constant (the only bits that can be set) | 7 |
//!
//! # Constraints (every one of degree at most 3)
//!
//! 1. Every bit column is 0 or 1.
//! 2. `c'[x, z] = xor(c[x, z], c[x - 1, z], c[x + 1, z - 1])`.
//! 3. `xor_y a'[x, y, z] = c'[x, z]`, as `d (d - 2) (d - 4) = 0` with
//!    `d = sum_y a'[x, y, z] - c'[x, z]`.
//! 4. `a[x, y, l] = sum_k 2^k xor(a'[x, y, z], c[x, z], c'[x, z])`, `z = 16 l + k`.
//! 5. `a''[x, y, l] = sum_k 2^k xor(b0, !b1 & b2)` with the `B` bits read
//!    from `a'` through rho and pi.
//! 6. `a''[0, 0, l] = sum_k 2^k a''00[16 l + k]`.
//! 7. On transition rows: the next row's `a` is this row's `A''` after iota
//!    (`a''` limbs, and for lane `(0, 0)` the bits `a''00` xored with `rc`).
//!
//! Why it is sound: (4) gives `a' = A ^ c ^ c'`, and with (2)
//! `c ^ c' = C~[x - 1] ^ rot(C~[x + 1], 1)` for the committed `c = C~`;
//! then `xor_y a'[x, y] = C[x] ^ c ^ c'` (five equal terms cancel but one),
//! and (3) forces it to equal `c'`, so `c = C`: the committed parities are
//! the real ones and `a'` is theta's output. Limbs below `2^16` are unique
//! in the field, so (4)-(7) fix every value from the bits.
//!
//! The table's `2^log_rows` rows hold `floor(2^log_rows / 24)` permutations
//! of states drawn from a seed; the remaining rows run the first rounds of
//! one more permutation (of the zero state), so that every row is a valid
//! round. Parameters `[log_rows]`; no public inputs.

use super::Generated;
use crate::air::{Air, AirError, TableSpec};
use backend_api::expr::{ConstraintSystem, ExprId, RowSet};
use backend_api::rng::SplitMix64;
use backend_api::{Fp, HostMatrix};

/// The AIR's name.
pub const NAME: &str = "keccak";
/// Rounds of Keccak-f\[1600\]: one row each.
pub const ROUNDS: usize = 24;
/// Bits of a lane.
const LANE: usize = 64;
/// Bits of a limb.
const LIMB_BITS: usize = 16;
/// Limbs of a lane.
const LIMBS: usize = LANE / LIMB_BITS;
/// The bit positions a round constant can have set: `2^j - 1`, `j < 7`.
const RC_BITS: [usize; 7] = [0, 1, 3, 7, 15, 31, 63];

/// Main-trace width.
pub const WIDTH: usize = A_PP00 + LANE;
const A: usize = 0;
const C: usize = A + 25 * LIMBS;
const C_P: usize = C + 5 * LANE;
const A_P: usize = C_P + 5 * LANE;
const A_PP: usize = A_P + 25 * LANE;
const A_PP00: usize = A_PP + 25 * LIMBS;
/// Preprocessed width: `transition`, then `rc[0..7]`.
pub const PREPROCESSED_WIDTH: usize = 1 + RC_BITS.len();

fn lane(x: usize, y: usize) -> usize {
    x % 5 + 5 * (y % 5)
}
fn col_a(x: usize, y: usize, l: usize) -> usize {
    A + LIMBS * lane(x, y) + l
}
fn col_c(x: usize, z: usize) -> usize {
    C + LANE * (x % 5) + z % LANE
}
fn col_c_p(x: usize, z: usize) -> usize {
    C_P + LANE * (x % 5) + z % LANE
}
fn col_a_p(x: usize, y: usize, z: usize) -> usize {
    A_P + LANE * lane(x, y) + z % LANE
}
fn col_a_pp(x: usize, y: usize, l: usize) -> usize {
    A_PP + LIMBS * lane(x, y) + l
}
fn col_a_pp00(z: usize) -> usize {
    A_PP00 + z
}

/// The rotation offsets `r[x + 5 y]` of rho, derived as in FIPS 202
/// (Algorithm 2): starting at `(x, y) = (1, 0)`, step `t` rotates by
/// `(t + 1)(t + 2) / 2 mod 64` and moves to `(y, 2x + 3y)`.
pub fn rotation_offsets() -> [u32; 25] {
    let mut r = [0u32; 25];
    let (mut x, mut y) = (1usize, 0usize);
    for t in 0..24u32 {
        r[lane(x, y)] = ((t + 1) * (t + 2) / 2) % LANE as u32;
        (x, y) = (y, (2 * x + 3 * y) % 5);
    }
    r
}

/// The 24 round constants, derived as in FIPS 202 (Algorithms 5 and 6):
/// bit `2^j - 1` of `RC[i]` is `rc(j + 7 i)`, the output of the LFSR
/// `x^8 + x^6 + x^5 + x^4 + 1`.
pub fn round_constants() -> [u64; ROUNDS] {
    let mut lfsr: u8 = 1;
    let mut bits = [false; 7 * ROUNDS];
    for bit in bits.iter_mut() {
        *bit = lfsr & 1 == 1;
        let feedback = lfsr & 0x80 != 0;
        lfsr <<= 1;
        if feedback {
            lfsr ^= 0x71;
        }
    }
    let mut rc = [0u64; ROUNDS];
    for (i, c) in rc.iter_mut().enumerate() {
        for (j, &pos) in RC_BITS.iter().enumerate() {
            *c |= u64::from(bits[j + 7 * i]) << pos;
        }
    }
    rc
}

/// What one round computes, with the intermediate values the trace holds.
struct Round {
    c: [u64; 5],
    c_p: [u64; 5],
    a_p: [u64; 25],
    a_pp: [u64; 25],
}

/// `B[x, y]`'s source: `B[x, y] = rot(A'[x0, y0], r[x0, y0])` with
/// `(x0, y0) = (x + 3 y, x)` (pi inverted).
fn pi_source(x: usize, y: usize) -> (usize, usize) {
    ((x + 3 * y) % 5, x)
}

fn theta_rho_pi_chi(a: &[u64; 25], r: &[u32; 25]) -> Round {
    let c: [u64; 5] = std::array::from_fn(|x| (0..5).fold(0, |acc, y| acc ^ a[lane(x, y)]));
    let d: [u64; 5] = std::array::from_fn(|x| c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1));
    let c_p = std::array::from_fn(|x| c[x] ^ d[x]);
    let a_p: [u64; 25] = std::array::from_fn(|i| a[i] ^ d[i % 5]);
    let b: [u64; 25] = std::array::from_fn(|i| {
        let (x0, y0) = pi_source(i % 5, i / 5);
        a_p[lane(x0, y0)].rotate_left(r[lane(x0, y0)])
    });
    let a_pp = std::array::from_fn(|i| {
        let (x, y) = (i % 5, i / 5);
        b[i] ^ (!b[lane(x + 1, y)] & b[lane(x + 2, y)])
    });
    Round { c, c_p, a_p, a_pp }
}

/// Keccak-f\[1600\] on `state` (lane `x + 5 y`), written from FIPS 202.
pub fn keccak_f(state: &mut [u64; 25]) {
    let (r, rc) = (rotation_offsets(), round_constants());
    for round_constant in rc {
        *state = theta_rho_pi_chi(state, &r).a_pp;
        state[0] ^= round_constant;
    }
}

/// The `keccak` AIR: one table of `2^log_rows` rows.
#[derive(Clone, Debug)]
pub struct KeccakF {
    /// The table has `2^log_rows` rows (`5..=22`).
    pub log_rows: u32,
}

impl KeccakF {
    /// The AIR. Errors: [`AirError::BadParams`] if `log_rows` is not in
    /// `5..=22` (at least one permutation).
    pub fn new(log_rows: u32) -> Result<Self, AirError> {
        Ok(KeccakF {
            log_rows: super::log_rows_in(NAME, log_rows, 5..=22)?,
        })
    }

    /// The AIR from its parameters `[log_rows]`.
    pub fn from_params(params: &[u64]) -> Result<Self, AirError> {
        Self::new(super::log_rows_param(NAME, params, 5..=22)?)
    }

    /// How many whole permutations the table proves: `floor(2^log_rows / 24)`.
    pub fn num_permutations(&self) -> usize {
        (1usize << self.log_rows) / ROUNDS
    }

    /// The AIR, its (empty) public inputs and its trace, proving
    /// [`num_permutations`](Self::num_permutations) permutations of states
    /// drawn from `seed`. Errors: those of [`new`](Self::new), and a trace
    /// that does not fit in memory.
    pub fn generate(log_rows: u32, seed: u64) -> Generated<KeccakF, HostMatrix<Fp>> {
        let air = Self::new(log_rows)?;
        let n = 1usize << log_rows;
        let mut cells = Vec::new();
        cells
            .try_reserve_exact(WIDTH * n)
            .map_err(|_| AirError::BadParams {
                air: NAME.into(),
                reason: format!("a {WIDTH} x {n} trace does not fit in memory"),
            })?;
        cells.resize(WIDTH * n, Fp::ZERO);
        let mut writer = RowWriter { cells, height: n };
        let (r, rc) = (rotation_offsets(), round_constants());
        let mut rng = SplitMix64::new(seed);
        let mut state = [0u64; 25];
        for row in 0..n {
            let round = row % ROUNDS;
            if round == 0 {
                let whole = row / ROUNDS < air.num_permutations();
                state = std::array::from_fn(|_| if whole { rng.next_u64() } else { 0 });
            }
            let out = theta_rho_pi_chi(&state, &r);
            writer.write(row, &state, &out);
            state = out.a_pp;
            state[0] ^= rc[round];
        }
        let trace = HostMatrix::new(writer.cells, WIDTH, n).expect("WIDTH * n cells");
        Ok((air, Vec::new(), trace))
    }

    /// The `(input, output)` state pairs of the whole permutations `trace`
    /// holds, read back from its columns: a round's input from `a`, the
    /// permutation's output from its last row's `a''` and `a''00` with the
    /// last round constant. Panics if `trace` is not this AIR's shape.
    pub fn permutations_in(&self, trace: &HostMatrix<Fp>) -> Vec<([u64; 25], [u64; 25])> {
        assert_eq!((trace.width(), trace.height()), (WIDTH, 1 << self.log_rows));
        let lane_of = |row: usize, col: &dyn Fn(usize) -> usize| -> u64 {
            (0..LIMBS).fold(0, |acc, l| {
                acc | (trace.get(row, col(l)).value() << (LIMB_BITS * l))
            })
        };
        let last_rc = round_constants()[ROUNDS - 1];
        (0..self.num_permutations())
            .map(|p| {
                let (first, last) = (p * ROUNDS, p * ROUNDS + ROUNDS - 1);
                let input = std::array::from_fn(|i| lane_of(first, &|l| col_a(i % 5, i / 5, l)));
                let mut output: [u64; 25] =
                    std::array::from_fn(|i| lane_of(last, &|l| col_a_pp(i % 5, i / 5, l)));
                let lane00 = (0..LANE).fold(0u64, |acc, z| {
                    acc | (trace.get(last, col_a_pp00(z)).value() << z)
                });
                assert_eq!(lane00, output[0], "a''00 bits and a'' limbs of lane (0, 0)");
                output[0] ^= last_rc;
                (input, output)
            })
            .collect()
    }
}

/// Writes one row's values into the column-major trace.
struct RowWriter {
    cells: Vec<Fp>,
    height: usize,
}

impl RowWriter {
    fn set(&mut self, row: usize, col: usize, v: u64) {
        self.cells[col * self.height + row] = Fp::new(v);
    }

    fn limbs(&mut self, row: usize, col: impl Fn(usize) -> usize, v: u64) {
        for l in 0..LIMBS {
            self.set(row, col(l), (v >> (LIMB_BITS * l)) & 0xffff);
        }
    }

    fn bits(&mut self, row: usize, col: impl Fn(usize) -> usize, v: u64) {
        for z in 0..LANE {
            self.set(row, col(z), (v >> z) & 1);
        }
    }

    fn write(&mut self, row: usize, a: &[u64; 25], out: &Round) {
        for (i, &lane_in) in a.iter().enumerate() {
            let (x, y) = (i % 5, i / 5);
            self.limbs(row, |l| col_a(x, y, l), lane_in);
            self.bits(row, |z| col_a_p(x, y, z), out.a_p[i]);
            self.limbs(row, |l| col_a_pp(x, y, l), out.a_pp[i]);
        }
        for x in 0..5 {
            self.bits(row, |z| col_c(x, z), out.c[x]);
            self.bits(row, |z| col_c_p(x, z), out.c_p[x]);
        }
        self.bits(row, col_a_pp00, out.a_pp[0]);
    }
}

/// The constraint system, built constraint by constraint with fresh leaves
/// so that each value's lifetime (a device's evaluation slots) stays short.
struct Builder {
    cs: ConstraintSystem,
    one: ExprId,
    two: ExprId,
    four: ExprId,
    powers: [ExprId; LIMB_BITS],
}

impl Builder {
    fn new() -> Self {
        let mut cs = ConstraintSystem::new(WIDTH, 0, 0, 0).with_preprocessed(PREPROCESSED_WIDTH);
        let [one, two, four] = [1u64, 2, 4].map(|k| cs.constant(Fp::new(k)));
        let powers = std::array::from_fn(|k| cs.constant(Fp::new(1 << k)));
        Builder {
            cs,
            one,
            two,
            four,
            powers,
        }
    }

    /// `a ^ b = a + b - 2ab` on bits.
    fn xor(&mut self, a: ExprId, b: ExprId) -> ExprId {
        let ab = self.cs.mul(a, b);
        let two_ab = self.cs.mul(self.two, ab);
        let sum = self.cs.add(a, b);
        self.cs.sub(sum, two_ab)
    }

    fn xor3(&mut self, a: ExprId, b: ExprId, c: ExprId) -> ExprId {
        let ab = self.xor(a, b);
        self.xor(ab, c)
    }

    /// `sum_k 2^k bit(k)` over one limb.
    fn limb(&mut self, mut bit: impl FnMut(&mut Self, usize) -> ExprId) -> ExprId {
        let terms: Vec<ExprId> = (0..LIMB_BITS)
            .map(|k| {
                let b = bit(self, k);
                self.cs.mul(self.powers[k], b)
            })
            .collect();
        self.cs.sum(&terms)
    }

    fn booleans(&mut self) {
        let bit_columns = (C..A_PP).chain(A_PP00..WIDTH);
        for col in bit_columns {
            let b = self.cs.main(col);
            let b1 = self.cs.sub(b, self.one);
            let c = self.cs.mul(b, b1);
            self.cs.constrain(c, RowSet::EveryRow);
        }
    }

    fn theta_parities(&mut self) {
        for x in 0..5 {
            for z in 0..LANE {
                let (c0, c1, c2) = (
                    self.cs.main(col_c(x, z)),
                    self.cs.main(col_c(x + 4, z)),
                    self.cs.main(col_c(x + 1, z + LANE - 1)),
                );
                let xor = self.xor3(c0, c1, c2);
                let cp = self.cs.main(col_c_p(x, z));
                let e = self.cs.sub(cp, xor);
                self.cs.constrain(e, RowSet::EveryRow);

                let column: Vec<ExprId> = (0..5).map(|y| self.cs.main(col_a_p(x, y, z))).collect();
                let sum = self.cs.sum(&column);
                let cp = self.cs.main(col_c_p(x, z));
                let d = self.cs.sub(sum, cp);
                let d2 = self.cs.sub(d, self.two);
                let d4 = self.cs.sub(d, self.four);
                let dd2 = self.cs.mul(d, d2);
                let e = self.cs.mul(dd2, d4);
                self.cs.constrain(e, RowSet::EveryRow);
            }
        }
    }

    fn theta_input(&mut self) {
        for i in 0..25 {
            let (x, y) = (i % 5, i / 5);
            for l in 0..LIMBS {
                let sum = self.limb(|b, k| {
                    let z = LIMB_BITS * l + k;
                    let (ap, c, cp) = (
                        b.cs.main(col_a_p(x, y, z)),
                        b.cs.main(col_c(x, z)),
                        b.cs.main(col_c_p(x, z)),
                    );
                    b.xor3(ap, c, cp)
                });
                let a = self.cs.main(col_a(x, y, l));
                let e = self.cs.sub(a, sum);
                self.cs.constrain(e, RowSet::EveryRow);
            }
        }
    }

    /// Bit `z` of `B[x, y]` as a fresh leaf of `a'`.
    fn b_bit(&mut self, x: usize, y: usize, z: usize, r: &[u32; 25]) -> ExprId {
        let (x0, y0) = pi_source(x % 5, y);
        let shift = r[lane(x0, y0)] as usize;
        self.cs.main(col_a_p(x0, y0, z + LANE - shift))
    }

    fn chi(&mut self, r: &[u32; 25]) {
        for i in 0..25 {
            let (x, y) = (i % 5, i / 5);
            for l in 0..LIMBS {
                let sum = self.limb(|b, k| {
                    let z = LIMB_BITS * l + k;
                    let (b0, b1, b2) = (
                        b.b_bit(x, y, z, r),
                        b.b_bit(x + 1, y, z, r),
                        b.b_bit(x + 2, y, z, r),
                    );
                    let not_b1 = b.cs.sub(b.one, b1);
                    let and = b.cs.mul(not_b1, b2);
                    b.xor(b0, and)
                });
                let app = self.cs.main(col_a_pp(x, y, l));
                let e = self.cs.sub(app, sum);
                self.cs.constrain(e, RowSet::EveryRow);
            }
        }
        for l in 0..LIMBS {
            let sum = self.limb(|b, k| b.cs.main(col_a_pp00(LIMB_BITS * l + k)));
            let app = self.cs.main(col_a_pp(0, 0, l));
            let e = self.cs.sub(app, sum);
            self.cs.constrain(e, RowSet::EveryRow);
        }
    }

    /// Bit `z` of `A''[0, 0] ^ RC`: `RC`'s bit is a preprocessed column
    /// where it can be set, zero elsewhere.
    fn iota_bit(&mut self, z: usize) -> ExprId {
        let bit = self.cs.main(col_a_pp00(z));
        match RC_BITS.iter().position(|&p| p == z) {
            Some(j) => {
                let rc = self.cs.preprocessed(1 + j);
                self.xor(bit, rc)
            }
            None => bit,
        }
    }

    fn next_round(&mut self) {
        for i in 0..25 {
            let (x, y) = (i % 5, i / 5);
            for l in 0..LIMBS {
                let out = if i == 0 {
                    self.limb(|b, k| b.iota_bit(LIMB_BITS * l + k))
                } else {
                    self.cs.main(col_a_pp(x, y, l))
                };
                let next = self.cs.main_next(col_a(x, y, l));
                let diff = self.cs.sub(next, out);
                let transition = self.cs.preprocessed(0);
                let e = self.cs.mul(transition, diff);
                self.cs.constrain(e, RowSet::Transition);
            }
        }
    }
}

impl Air for KeccakF {
    fn name(&self) -> String {
        NAME.into()
    }

    fn params(&self) -> Vec<u64> {
        vec![self.log_rows as u64]
    }

    fn num_public_inputs(&self) -> usize {
        0
    }

    fn tables(&self) -> Vec<TableSpec> {
        let mut b = Builder::new();
        b.booleans();
        b.theta_parities();
        b.theta_input();
        b.chi(&rotation_offsets());
        b.next_round();
        vec![TableSpec::new("keccak-f", self.log_rows, b.cs)]
    }

    fn preprocessed_trace(&self, _table: usize) -> Option<HostMatrix<Fp>> {
        let n = 1usize << self.log_rows;
        let rc = round_constants();
        let round = |row: usize| row % ROUNDS;
        let transition = (0..n).map(|r| Fp::from(u32::from(round(r) != ROUNDS - 1)));
        let mut columns = vec![transition.collect()];
        columns.extend(
            RC_BITS
                .iter()
                .map(|&pos| (0..n).map(|r| Fp::new((rc[round(r)] >> pos) & 1)).collect()),
        );
        Some(super::matrix(&columns))
    }
}
