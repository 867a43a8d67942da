//! The proof's transcript messages, one method each, in protocol order
//! (docs/PROTOCOL.md, "Rounds"). The prover (`prover/rounds.rs`) and the
//! verifier (`verifier.rs`) drive the same [`Channel`] through the same
//! methods, so the order and encoding of every message is written once.

use crate::ood::sample_ood_point;
use crate::options::Options;
use crate::proof::TableOod;
use crate::proof_io::options_bytes;
use crate::transcript::Transcript;
use backend_api::{Digest, Fp3, LogUpChallenges};

/// A Fiat-Shamir channel over the [`Transcript`] hash chain.
pub(crate) struct Channel {
    transcript: Transcript,
}

impl Channel {
    // ---------------------------------------------------------- round 0

    /// Round 0, the header: the verifying key's digest, the options, the
    /// statement bytes.
    pub(crate) fn header(vk_digest: &Digest, options: &Options, statement: &[u8]) -> Channel {
        let mut transcript = Transcript::new();
        transcript.absorb(vk_digest);
        transcript.absorb(&options_bytes(options));
        transcript.absorb(statement);
        Channel { transcript }
    }

    // ---------------------------------------------------------- round 1

    /// Round 1: a table's main-trace root (tables in order).
    pub(crate) fn main_root(&mut self, root: &Digest) {
        self.transcript.absorb(root);
    }

    // ---------------------------------------------------------- round 2

    /// Round 2: the LogUp challenges `z_L`, `alpha_L`.
    pub(crate) fn logup_challenges(&mut self) -> LogUpChallenges {
        LogUpChallenges {
            z: self.transcript.challenge_fp3(),
            alpha: self.transcript.challenge_fp3(),
        }
    }

    /// Round 2: an aux table's aux-trace root (aux tables in order).
    pub(crate) fn aux_root(&mut self, root: &Digest) {
        self.transcript.absorb(root);
    }

    /// Round 2: the aux tables' LogUp totals, one message.
    pub(crate) fn logup_totals(&mut self, totals: &[Fp3]) {
        self.transcript.absorb_fp3s(totals);
    }

    // ---------------------------------------------------------- round 3

    /// Round 3: the constraint-batching challenge `alpha_c`.
    pub(crate) fn composition_challenge(&mut self) -> Fp3 {
        self.transcript.challenge_fp3()
    }

    /// Round 3: a table's composition-parts root (tables in order).
    pub(crate) fn parts_root(&mut self, root: &Digest) {
        self.transcript.absorb(root);
    }

    // ---------------------------------------------------------- round 4

    /// Round 4: the out-of-domain point `z`, outside every trace domain
    /// and LDE domain up to `2^log_n_max` rows.
    pub(crate) fn ood_point(&mut self, log_n_max: u32, options: &Options) -> Fp3 {
        sample_ood_point(&mut self.transcript, log_n_max, options)
    }

    /// Round 4: a table's out-of-domain values, its seven vectors in order
    /// (tables in order).
    pub(crate) fn ood_values(&mut self, ood: &TableOod) {
        for v in ood.vectors() {
            self.transcript.absorb_fp3s(v);
        }
    }

    // ---------------------------------------------------------- round 5

    /// Round 5: the DEEP batching challenge `gamma`, then the challenge
    /// `lambda` joining the tables' DEEP codewords into one FRI.
    pub(crate) fn deep_challenges(&mut self) -> (Fp3, Fp3) {
        let gamma = self.transcript.challenge_fp3();
        (gamma, self.transcript.challenge_fp3())
    }

    /// Round 5: a FRI layer's root; returns the layer's folding challenge.
    pub(crate) fn fri_layer(&mut self, root: &Digest) -> Fp3 {
        self.transcript.absorb(root);
        self.transcript.challenge_fp3()
    }

    /// Round 5: the FRI final polynomial, one message.
    pub(crate) fn fri_final(&mut self, coefficients: &[Fp3]) {
        self.transcript.absorb_fp3s(coefficients);
    }

    // ---------------------------------------------------------- round 6

    /// Round 6: the seed the proof of work is ground against.
    pub(crate) fn grinding_seed(&self) -> Digest {
        self.transcript.state()
    }

    /// Round 6: the proof-of-work nonce.
    pub(crate) fn pow_nonce(&mut self, nonce: u64) {
        self.transcript.absorb_u64(nonce);
    }

    // ---------------------------------------------------------- round 7

    /// Round 7: `count` query indices below `2^log_domain`, one squeeze
    /// each.
    pub(crate) fn queries(&mut self, count: usize, log_domain: u32) -> Vec<usize> {
        (0..count)
            .map(|_| self.transcript.query_index(log_domain))
            .collect()
    }
}
