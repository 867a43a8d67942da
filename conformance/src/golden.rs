//! Golden vectors: for fixed seeds and sizes, the Keccak-256 digest (hex) of
//! the canonical bytes of each primitive family's output.
//!
//! `tests/golden.rs` pins the digests of [`ReferenceDevice`](crate::ReferenceDevice)
//! with insta snapshots; the suite's `check_golden_digests` requires every
//! device to produce the same ones. Changing an input here changes the
//! snapshots: review the diff, never accept it blindly.

use backend_api::expr::{CompositionDomain, ConstraintParams};
use backend_api::rng::SplitMix64;
use backend_api::{
    elems_to_bytes, keccak256, Coset, DeepOpening, DeviceElem, DeviceResult, Fp, Fp3, Interaction,
    InteractionKind, LogUpChallenges, MerkleTree, NttDirection, Order, ProverDevice, RowExpr,
    TraceColumns,
};

/// One family's digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldenDigest {
    pub family: &'static str,
    /// What was computed, in words.
    pub description: &'static str,
    /// Hex Keccak-256 of the output bytes.
    pub digest: String,
}

/// Hex Keccak-256 of `bytes`.
pub(crate) fn keccak_hex(bytes: &[u8]) -> String {
    keccak256(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Run<'d, D: ProverDevice> {
    dev: &'d D,
    ctx: D::DeviceCtx,
}

impl<D: ProverDevice> Run<'_, D> {
    fn bytes<T: DeviceElem>(&self, m: &backend_api::DeviceMatrix<D, T>) -> DeviceResult<Vec<u8>> {
        Ok(elems_to_bytes(&self.dev.download(&self.ctx, m.buffer())?))
    }

    fn ntt<T: DeviceElem>(
        &self,
        seed: u64,
        w: usize,
        h: usize,
        dir: NttDirection,
        shift: Fp,
        io: (Order, Order),
    ) -> DeviceResult<Vec<u8>> {
        let mut m = self
            .dev
            .upload_matrix(&self.ctx, &SplitMix64::new(seed).matrix::<T>(w, h))?;
        self.dev.ntt(&self.ctx, &mut m, dir, shift, io.0, io.1)?;
        self.bytes(&m)
    }

    fn lde<T: DeviceElem>(
        &self,
        seed: u64,
        coeffs: bool,
        w: usize,
        h: usize,
        blowup: usize,
        io: (Order, Order),
    ) -> DeviceResult<Vec<u8>> {
        let m = self
            .dev
            .upload_matrix(&self.ctx, &SplitMix64::new(seed).matrix::<T>(w, h))?;
        let out = if coeffs {
            self.dev
                .coeffs_to_coset(&self.ctx, &m, io.0, blowup, Fp::GENERATOR, io.1)?
        } else {
            self.dev
                .coset_lde(&self.ctx, &m, io.0, blowup, Fp::GENERATOR, io.1)?
        };
        self.bytes(&out)
    }

    fn merkle(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(31);
        let (a, b) = (rng.matrix::<Fp>(3, 16), rng.matrix::<Fp>(1, 16));
        let (a, b) = (
            self.dev.upload_matrix(&self.ctx, &a)?,
            self.dev.upload_matrix(&self.ctx, &b)?,
        );
        let tree = self.dev.merkle_commit(&self.ctx, &[&a, &b], 2)?;
        let mut out = tree.root().to_vec();
        for o in self
            .dev
            .merkle_open(&self.ctx, &tree, &[&a, &b], &[0, 3, 7])?
        {
            out.extend((o.leaf_index as u64).to_be_bytes());
            out.extend(elems_to_bytes(&o.values));
            o.path.iter().for_each(|d| out.extend(d));
        }
        let e = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp3>(2, 8))?;
        out.extend(self.dev.merkle_commit(&self.ctx, &[&e], 1)?.root());
        Ok(out)
    }

    fn batch_inverse(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(41);
        let mut v: Vec<Fp3> = rng.elems(100);
        v.iter_mut().step_by(10).for_each(|x| *x = Fp3::ZERO);
        let mut b = self.dev.upload(&self.ctx, &v)?;
        self.dev.batch_inverse(&self.ctx, &mut b)?;
        let mut out = elems_to_bytes(&self.dev.download(&self.ctx, &b)?);
        let mut f: Vec<Fp> = rng.elems(50);
        f[7] = Fp::ZERO;
        let mut b = self.dev.upload(&self.ctx, &f)?;
        self.dev.batch_inverse(&self.ctx, &mut b)?;
        out.extend(elems_to_bytes(&self.dev.download(&self.ctx, &b)?));
        Ok(out)
    }

    fn fri(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(51);
        let cw = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp3>(1, 32))?;
        let folded = self
            .dev
            .fri_fold(&self.ctx, &cw, Fp::GENERATOR, rng.fp3())?;
        let mut out = self.bytes(&folded)?;
        out.extend(self.dev.fri_commit_layer(&self.ctx, &folded, 1)?.root());
        Ok(out)
    }

    fn logup(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(61);
        let main = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp>(4, 32))?;
        let pre = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp>(1, 32))?;
        let trace = TraceColumns {
            main: &main,
            preprocessed: Some(&pre),
        };
        let its = vec![
            Interaction {
                bus: 1,
                kind: InteractionKind::Send,
                values: vec![RowExpr::main(0), RowExpr::main(1)],
                multiplicity: RowExpr::one(),
            },
            Interaction {
                bus: 2,
                kind: InteractionKind::Receive,
                values: vec![RowExpr::linear(
                    &[(2, Fp::new(3)), (0, Fp::ONE)],
                    Fp::new(5),
                )],
                multiplicity: RowExpr::main(3),
            },
            Interaction {
                bus: 1,
                kind: InteractionKind::Receive,
                values: vec![RowExpr::main(3) * RowExpr::preprocessed(0)],
                multiplicity: RowExpr::preprocessed(0) - RowExpr::main(1) * RowExpr::main(2),
            },
        ];
        let ch = LogUpChallenges {
            z: rng.fp3(),
            alpha: rng.fp3(),
        };
        let mut out = self.bytes(&self.dev.logup_fingerprints(&self.ctx, trace, &its, &ch)?)?;
        let aux = self.dev.logup_aux_trace(&self.ctx, trace, &its, &ch)?;
        out.extend(self.bytes(&aux.aux)?);
        out.extend(aux.total.to_bytes());
        Ok(out)
    }

    fn grind(&self) -> DeviceResult<Vec<u8>> {
        let mut out = Vec::new();
        for (i, bits) in [0u32, 1, 5, 8].into_iter().enumerate() {
            let seed = keccak256(&[i as u8; 3]);
            out.extend(self.dev.grind(&self.ctx, &seed, bits)?.to_be_bytes());
        }
        Ok(out)
    }

    fn ood(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(81);
        let m = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp>(3, 16))?;
        let e = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp3>(1, 16))?;
        let points = [rng.fp3(), rng.fp3()];
        let mut values: Vec<Fp3> = self.dev.ood_evaluate(&self.ctx, &m, &points)?.concat();
        values.extend(self.dev.ood_evaluate(&self.ctx, &e, &points)?.concat());
        Ok(elems_to_bytes(&values))
    }

    fn constraints(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(101);
        let system = crate::fixtures::sample_system_with(true, true);
        let domain = CompositionDomain {
            log_n: 3,
            log_eval: 4,
            log_lde: 5,
            shift: Fp::GENERATOR,
        };
        let main = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp>(3, 32))?;
        let aux = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp3>(1, 32))?;
        let pre = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp>(1, 32))?;
        let (challenges, public) = ([rng.fp3(), rng.fp3()], [rng.fp(), rng.fp()]);
        let periodic = [rng.elems(2), rng.elems(16)];
        let trace = TraceColumns {
            main: &main,
            preprocessed: Some(&pre),
        };
        let params = ConstraintParams {
            challenges: &challenges,
            public: &public,
            periodic: &periodic,
            alpha: rng.fp3(),
        };
        let out = self.dev.evaluate_constraints(
            &self.ctx,
            &system,
            trace,
            Some(&aux),
            &domain,
            &params,
        )?;
        self.bytes(&out)
    }

    fn deep(&self) -> DeviceResult<Vec<u8>> {
        let mut rng = SplitMix64::new(91);
        let n = 32;
        let b0 = self.dev.upload_matrix(&self.ctx, &rng.matrix::<Fp>(2, n))?;
        let e0 = self
            .dev
            .upload_matrix(&self.ctx, &rng.matrix::<Fp3>(1, n))?;
        let points = [rng.fp3(), rng.fp3()];
        let base = [DeepOpening {
            matrix: &b0,
            evaluations: vec![(0, rng.elems(2)), (1, rng.elems(2))],
        }];
        let ext = [DeepOpening {
            matrix: &e0,
            evaluations: vec![(1, rng.elems(1))],
        }];
        let domain = Coset::new(5, Fp::GENERATOR, Order::BitReversed);
        let out = self
            .dev
            .deep_composition(&self.ctx, domain, &points, rng.fp3(), &base, &ext)?;
        self.bytes(&out)
    }
}

/// The golden digests of `dev`, one per primitive family, in a fixed order.
pub fn digests<D: ProverDevice>(dev: &D) -> DeviceResult<Vec<GoldenDigest>> {
    use NttDirection::{Forward, Inverse};
    use Order::{BitReversed as Br, Natural as Nat};
    let r = Run {
        dev,
        ctx: dev.new_ctx()?,
    };
    let g = |family, description, bytes: Vec<u8>| GoldenDigest {
        family,
        description,
        digest: keccak_hex(&bytes),
    };
    Ok(vec![
        g(
            "ntt_fp",
            "Fp 3x32, forward, shift 7, natural -> bit-reversed, seed 11",
            r.ntt::<Fp>(11, 3, 32, Forward, Fp::GENERATOR, (Nat, Br))?,
        ),
        g(
            "ntt_fp3",
            "Fp3 2x16, inverse, shift 1, bit-reversed -> natural, seed 12",
            r.ntt::<Fp3>(12, 2, 16, Inverse, Fp::ONE, (Br, Nat))?,
        ),
        g(
            "coset_lde",
            "Fp 2x16, blowup 4, shift 7, natural -> bit-reversed, seed 21",
            r.lde::<Fp>(21, false, 2, 16, 4, (Nat, Br))?,
        ),
        g(
            "coset_lde_fp3",
            "Fp3 1x8, blowup 2, shift 7, bit-reversed -> natural, seed 22",
            r.lde::<Fp3>(22, false, 1, 8, 2, (Br, Nat))?,
        ),
        g(
            "coeffs_to_coset",
            "Fp 2x16, blowup 2, shift 7, bit-reversed -> natural, seed 23",
            r.lde::<Fp>(23, true, 2, 16, 2, (Br, Nat))?,
        ),
        g(
            "merkle",
            "Fp 3x16 + 1x16, 2 rows per leaf: root, openings 0, 3, 7; Fp3 2x8 root; seed 31",
            r.merkle()?,
        ),
        g(
            "batch_inverse",
            "Fp3 x100 (every 10th zero), Fp x50 (one zero), seed 41",
            r.batch_inverse()?,
        ),
        g(
            "fri",
            "fold of Fp3 x32, shift 7, then the layer root, seed 51",
            r.fri()?,
        ),
        g(
            "logup",
            "4x32 main and 1x32 preprocessed trace, 3 interactions (columns, a linear combination, products with a preprocessed column): fingerprints, aux trace, total, seed 61",
            r.logup()?,
        ),
        g("grind", "nonces for 0, 1, 5, 8 bits", r.grind()?),
        g(
            "ood",
            "Fp 3x16 and Fp3 1x16 at two points, seed 81",
            r.ood()?,
        ),
        g(
            "deep",
            "domain 7*H_32 bit-reversed, Fp 2 columns + Fp3 1 column, seed 91",
            r.deep()?,
        ),
        g(
            "constraints",
            "sample system with aux, preprocessed and periodic columns (conformance::fixtures::sample_system_with(true, true)), periodic tables of 2 and 16, n 8, LDE 32, eval 16, shift 7, seed 101",
            r.constraints()?,
        ),
    ])
}

/// A pinned whole proof: the example, its size, the options, and the
/// Keccak-256 (hex) of the proof's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoldenProof {
    /// `fib-wide`, `lookup` or `squares`.
    pub example: &'static str,
    /// `log2` of the example's trace height.
    pub log_rows: u32,
    /// The proof's length in bytes.
    pub len: usize,
    /// Hex Keccak-256 of the proof's bytes.
    pub digest: &'static str,
}

/// Proofs of `stark`'s examples at 2^4 rows with the default options
/// (blowup 4, 40 queries, 20 grinding bits, final degree < 2^8): fib-wide 4 columns, lookup
/// with a 2^3 range table and witness seed 1, squares from 3. Every device
/// must write exactly these bytes (`suite::check_golden_proof_digests`);
/// a change to the protocol or the examples changes them, and the commit
/// that makes it says why.
pub const PROOF_DIGESTS: [GoldenProof; 3] = [
    GoldenProof {
        example: "fib-wide",
        log_rows: 4,
        len: 3840,
        digest: "0c1fd65b72b5e3f41899476436d613397201688bfccee72a7dae2ebfd2076a85",
    },
    GoldenProof {
        example: "lookup",
        log_rows: 4,
        len: 14442,
        digest: "53f8a59248e8ceca31007d8606917f12e9e7a69e7d9b04f01071806ecd4156e1",
    },
    GoldenProof {
        example: "squares",
        log_rows: 4,
        len: 7631,
        digest: "2b0d3d17e0186bfa308b169af54b52d33072dc6862be8475b2e764bc023a2fd8",
    },
];
