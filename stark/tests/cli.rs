//! The `stark` program: prove to a file, verify it, reject a tampered copy.

use std::process::Command;

fn stark() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stark"))
}

#[test]
fn prove_then_verify_through_the_cli() {
    let dir = std::env::temp_dir().join(format!("stark-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (air, extra) in [
        ("fib-wide", ["--cols", "4"]),
        ("lookup", ["--range-bits", "3"]),
    ] {
        let path = dir.join(format!("{air}.bin"));
        let out = stark()
            .args([
                "prove",
                "--air",
                air,
                "--log-rows",
                "4",
                "--preset",
                "test",
                "--json",
            ])
            .args(extra)
            .arg("--out")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = String::from_utf8(out.stdout).unwrap();
        assert!(json.contains(&format!("\"air\":\"{air}\"")), "{json}");
        assert!(json.contains("\"security_bits\":16"), "{json}");

        let out = stark()
            .arg("verify")
            .arg(&path)
            .arg("--json")
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8(out.stdout)
            .unwrap()
            .contains("\"valid\":true"));

        // Demanding more security than the proof has fails.
        let out = stark()
            .arg("verify")
            .arg(&path)
            .args(["--min-bits", "100"])
            .output()
            .unwrap();
        assert!(!out.status.success());

        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let out = stark().arg("verify").arg(&path).output().unwrap();
        assert!(!out.status.success(), "tampered {air} proof accepted");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
