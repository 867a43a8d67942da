//! `stark verify`: checks a proof against the statement the user expects
//! (AIR, parameters, public inputs, or a statement digest) under a
//! security policy of 100 conjectured bits unless `--insecure` says
//! otherwise. What the user does not pin is taken from the proof and
//! printed with the statement digest, so that it can be compared.

use crate::{hex, parse_list, registry};
use backend_api::{Fp, ProverDevice};
use backend_cpu::CpuDevice;
use clap::Args;
use serde_json::json;
use stark::security::DEFAULT_MIN_BITS;
use stark::{Air, Options, Proof, Prover, SecurityPolicy, Verified, VerifyingKey};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Flags of `stark verify`.
#[derive(Args)]
pub struct VerifyArgs {
    proof: PathBuf,
    /// Required conjectured bits (default 100; below 100 needs --insecure).
    #[arg(long)]
    min_bits: Option<u32>,
    /// Required provable (Johnson-bound) bits.
    #[arg(long, default_value_t = 0)]
    min_provable_bits: u32,
    /// Accept proofs below 100 conjectured bits (tests only: such proofs
    /// may be forgeable).
    #[arg(long)]
    insecure: bool,
    /// The AIR the proof must be about (default: the one it names).
    #[arg(long)]
    expect_air: Option<String>,
    /// The AIR's parameters, comma-separated (default: the proof's).
    #[arg(long)]
    expect_params: Option<String>,
    /// The public inputs, comma-separated (default: the proof's).
    #[arg(long)]
    expect_public: Option<String>,
    /// The statement digest (hex) the proof must have, as `stark prove`
    /// printed it.
    #[arg(long)]
    expect_statement: Option<String>,
    #[arg(long)]
    json: bool,
}

/// The statement to verify against: each part pinned by a flag or taken
/// from the proof.
struct Expected {
    air: Box<dyn Air>,
    public: Vec<Fp>,
    /// Which parts came from the proof rather than a flag.
    from_proof: Vec<&'static str>,
}

fn expected(args: &VerifyArgs, proof: &Proof) -> Result<Expected, String> {
    let mut from_proof = Vec::new();
    let name = args.expect_air.clone().unwrap_or_else(|| {
        from_proof.push("AIR");
        proof.air.name.clone()
    });
    let params = match &args.expect_params {
        Some(p) => parse_list(p).map_err(|e| format!("--expect-params: {e}"))?,
        None => {
            from_proof.push("parameters");
            proof.air.params.clone()
        }
    };
    let public = match &args.expect_public {
        Some(p) => {
            let values = parse_list(p).map_err(|e| format!("--expect-public: {e}"))?;
            values
                .into_iter()
                .map(|v| Fp::from_canonical(v).ok_or(format!("--expect-public: {v} >= p")))
                .collect::<Result<_, _>>()?
        }
        None => {
            from_proof.push("public inputs");
            proof.air.public_inputs.clone()
        }
    };
    Ok(Expected {
        air: registry::air(&name, &params)?,
        public,
        from_proof,
    })
}

fn policy(args: &VerifyArgs) -> Result<SecurityPolicy, String> {
    let bits = args.min_bits.unwrap_or(DEFAULT_MIN_BITS);
    let policy = if args.insecure {
        SecurityPolicy::insecure_for_tests(bits)
    } else {
        SecurityPolicy::at_least(bits).map_err(|e| format!("{e} (the flag is --insecure)"))?
    };
    Ok(policy.with_provable_bits(args.min_provable_bits))
}

/// The verifying key: from the AIR alone, or, for an AIR with preprocessed
/// columns, committed here on the CPU with the proof's blowup and shift.
fn verifying_key(air: &dyn Air, options: &Options) -> Result<VerifyingKey, String> {
    let has_preprocessed = air.tables().iter().any(|t| t.preprocessed_width > 0);
    if !has_preprocessed {
        return VerifyingKey::without_preprocessed(air, options).map_err(|e| e.to_string());
    }
    let device = CpuDevice::new();
    let name = device.name();
    let prover = Prover::with_options(device, *options).map_err(|e| e.to_string())?;
    let key = prover
        .setup(air)
        .map_err(|e| format!("setting up the verifying key on {name}: {e}"))?;
    Ok(key.verifying_key().clone())
}

/// Parses, rebuilds the expected statement, verifies.
fn check(args: &VerifyArgs, bytes: &[u8]) -> Result<(Verified, Expected), String> {
    let proof = Proof::from_bytes(bytes).map_err(|e| format!("malformed proof: {e}"))?;
    let exp = expected(args, &proof)?;
    let policy = policy(args)?;
    let vk = verifying_key(exp.air.as_ref(), &proof.options)?;
    let verified = stark::verify_with_key(exp.air.as_ref(), &vk, &exp.public, &proof, &policy)
        .map_err(|e| e.to_string())?;
    if let Some(want) = &args.expect_statement {
        let got = hex(&verified.statement);
        if !want.eq_ignore_ascii_case(&got) {
            return Err(format!("the statement digest is {got}, expected {want}"));
        }
    }
    Ok((verified, exp))
}

/// Runs `stark verify`; exits non-zero on any rejection.
pub fn run(args: &VerifyArgs) -> ExitCode {
    let bytes = match std::fs::read(&args.proof) {
        Ok(b) => b,
        Err(e) => return crate::fail(format!("cannot read {}: {e}", args.proof.display())),
    };
    let start = Instant::now();
    let res = check(args, &bytes);
    let secs = start.elapsed().as_secs_f64();
    match res {
        Ok((v, exp)) => {
            let public: Vec<u64> = v.instance.public_inputs.iter().map(|x| x.value()).collect();
            if args.json {
                let out = json!({
                    "valid": true,
                    "air": v.instance.name,
                    "params": v.instance.params,
                    "public_inputs": public,
                    "statement": hex(&v.statement),
                    "taken_from_proof": exp.from_proof,
                    "conjectured_bits": v.security.conjectured_bits,
                    "provable_bits": v.security.provable_bits,
                    "proof_bytes": bytes.len(),
                    "verify_seconds": secs,
                });
                println!("{out}");
            } else {
                println!(
                    "valid: {} {:?}, public inputs {public:?}, {} bits conjectured, {} provable, \
                     {} bytes, verified in {:.1} ms",
                    v.instance.name,
                    v.instance.params,
                    v.security.conjectured_bits,
                    v.security.provable_bits,
                    bytes.len(),
                    secs * 1e3
                );
                println!("statement {}", hex(&v.statement));
                if !exp.from_proof.is_empty() {
                    println!(
                        "note: {} taken from the proof; pin them with --expect-air, \
                         --expect-params, --expect-public or --expect-statement",
                        exp.from_proof.join(", ")
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if args.json {
                println!("{}", json!({"valid": false, "error": e}));
            } else {
                eprintln!("invalid proof: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
