//! Shared by the tests that compile a C program of `tests/fixtures/` to compare the lab with
//! (`pages.rs`, `witness.rs`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tests/fixtures/NAME.c` compiled with `cc -O0` into `dir/NAME`; panics with the
/// compiler's messages if it does not compile (callers are ignored without `cc`).
pub fn compile_fixture(name: &str, dir: &Path) -> PathBuf {
    let exe = dir.join(name);
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.c"));
    let cc = Command::new("cc")
        .args(["-O0", "-o"])
        .arg(&exe)
        .arg(&source)
        .output()
        .expect("cc runs (probed by build.rs)");
    assert!(
        cc.status.success(),
        "{}",
        String::from_utf8_lossy(&cc.stderr)
    );
    exe
}
