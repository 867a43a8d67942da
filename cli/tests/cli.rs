//! The `stark` program: prove to a file, verify it against the expected
//! statement, reject weak options without `--insecure`, other statements
//! and tampered copies.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stark() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stark"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the stark binary runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn verify(path: &Path, extra: &[&str]) -> Output {
    run(stark().arg("verify").arg(path).arg("--json").args(extra))
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("stark-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn prove_then_verify_through_the_cli() {
    let dir = Scratch::new("roundtrip");
    let cases: [(&str, &[&str], &str); 5] = [
        ("fib-wide", &["--cols", "4", "--log-rows", "4"], "4,4"),
        ("lookup", &["--range-bits", "3", "--log-rows", "4"], "4,3"),
        ("squares", &["--seed", "5", "--log-rows", "4"], "4"),
        ("keccak", &["--log-rows", "5"], "5"),
        // 1 iteration: 32 logic operations in a table of 2^5 rows
        ("vm", &["--log-rows", "7"], "7,5"),
    ];
    for (air, extra, params) in cases {
        let path = dir.0.join(format!("{air}.bin"));
        let out = run(stark()
            .args(["prove", "--air", air, "--preset", "test", "--json"])
            .args(extra)
            .arg("--out")
            .arg(&path));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let proved = json(&out);
        assert_eq!(proved["air"], air);
        assert_eq!(proved["conjectured_bits"], 16);
        let statement = proved["statement"].as_str().unwrap().to_string();

        // The default policy (100 bits) rejects the test options...
        let out = verify(&path, &[]);
        assert!(
            !out.status.success(),
            "{air}: a 16-bit proof passed the default policy"
        );
        let err = json(&out)["error"].as_str().unwrap().to_string();
        assert!(err.contains("below the policy's 100"), "{err}");
        // ... and so does asking for less without --insecure.
        assert!(!verify(&path, &["--min-bits", "16"]).status.success());
        // With the opt-in it verifies, against the expected statement.
        let insecure = ["--insecure", "--min-bits", "16"];
        let out = verify(&path, &insecure);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let v = json(&out);
        assert_eq!(v["valid"], true);
        assert_eq!(v["statement"], statement.as_str());
        let pinned = [
            &insecure[..],
            &[
                "--expect-air",
                air,
                "--expect-params",
                params,
                "--expect-statement",
                &statement,
            ],
        ]
        .concat();
        let out = verify(&path, &pinned);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            json(&out)["taken_from_proof"],
            serde_json::json!(["public inputs"])
        );

        // Another statement digest, other parameters: rejected.
        let other = "00".repeat(32);
        let out = verify(
            &path,
            &[&insecure[..], &["--expect-statement", &other]].concat(),
        );
        assert!(!out.status.success());
        let out = verify(
            &path,
            &[&insecure[..], &["--expect-params", "4,9"]].concat(),
        );
        assert!(!out.status.success());

        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let out = verify(&path, &insecure);
        assert!(!out.status.success(), "tampered {air} proof accepted");
    }
}

#[test]
fn other_public_inputs_are_rejected() {
    let dir = Scratch::new("public");
    let path = dir.0.join("squares.bin");
    let out = run(stark()
        .args([
            "prove",
            "--air",
            "squares",
            "--log-rows",
            "3",
            "--seed",
            "7",
            "--preset",
            "test",
            "--json",
            "--out",
        ])
        .arg(&path));
    assert!(out.status.success());
    let public: Vec<u64> = json(&out)["public_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    let insecure = ["--insecure", "--min-bits", "16"];
    let out = verify(
        &path,
        &[&insecure[..], &["--expect-public", &list(&public)]].concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let wrong = [public[0], public[1] + 1];
    let out = verify(
        &path,
        &[&insecure[..], &["--expect-public", &list(&wrong)]].concat(),
    );
    assert!(!out.status.success());
    let err = json(&out)["error"].as_str().unwrap().to_string();
    assert!(err.contains("public input 1"), "{err}");
}
