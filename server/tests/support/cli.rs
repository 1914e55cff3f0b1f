//! The real binary as an operator runs it, on a data directory of the test's own.

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

/// Runs `scaleout --data-dir DATA ARGS`, with reproducible tenant ids and no logs or
/// backtraces of the test's environment in its output.
pub fn scaleout(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

/// A command that must succeed: its stdout.
pub fn ok(data: &Path, args: &[&str]) -> String {
    let out = scaleout(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A command that must be refused as a failure (exit 1), not a panic: its stderr.
pub fn refused(data: &Path, args: &[&str]) -> String {
    let out = scaleout(data, args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} is refused with exit 1"
    );
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!said.contains("panicked"), "{said}");
    said
}
