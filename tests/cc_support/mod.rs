//! Shared by the tests that compile a C program of `tests/fixtures/` to compare the lab with
//! (`pages.rs`, `witness.rs`), and by those that compile the lab's own C programs
//! (`c_same_calls.rs`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `source` compiled with `cc -O0` into `exe`, or the compiler's messages.
pub fn compile(source: &Path, exe: &Path) -> Result<(), String> {
    let cc = Command::new("cc")
        .args(["-O0", "-o"])
        .arg(exe)
        .arg(source)
        .output()
        .expect("cc runs (probed by build.rs)");
    if cc.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&cc.stderr).into_owned())
    }
}

/// `tests/fixtures/NAME.c` compiled with `cc -O0` into `dir/NAME`; panics with the
/// compiler's messages if it does not compile (callers are ignored without `cc`).
pub fn compile_fixture(name: &str, dir: &Path) -> PathBuf {
    let exe = dir.join(name);
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.c"));
    if let Err(messages) = compile(&source, &exe) {
        panic!("{messages}");
    }
    exe
}
