//! What the CLI tests share: run the built `zabsim`.

use std::process::Command;

/// Run `zabsim` with `args`: its exit code, stdout and stderr.
pub fn zabsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zabsim"))
        .args(args)
        .output()
        .expect("zabsim runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
