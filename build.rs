//! Finds out which outside tools the tests can use on this machine, so that a test that needs
//! one that is missing is reported as *ignored* in `cargo test`'s own summary (with the reason)
//! instead of printing "skipped" and counting as passed. Each probe sets a `cfg` that the tests
//! read with `#[cfg_attr(not(has_strace), ignore = "no strace on this machine")]`.
//! The program itself reads none of them: they only decide which tests run.
//! Probed again when `PATH` changes (a tool installed later: `touch build.rs`, or a clean build).

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Whether `program args…` runs here and exits with status 0.
fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let mount_point = out.join("probe-mount");
    let _ = std::fs::create_dir_all(&mount_point);
    let mount_script = format!(
        "mount --make-rprivate / 2>/dev/null; mount -t tmpfs -o size=4k tmpfs '{}' && umount '{0}'",
        mount_point.display()
    );
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    // (cfg name, whether it holds): one line per tool or permission a test needs.
    let probes = [
        ("has_cc", succeeds("cc", &["--version"])),
        // strace present and allowed to trace (ptrace): the lab's witness needs the same.
        (
            "has_strace",
            succeeds("strace", &["-o", "/dev/null", "true"]),
        ),
        ("has_setpriv", succeeds("setpriv", &["--version"])),
        ("has_prlimit", succeeds("prlimit", &["--version"])),
        ("has_bash", succeeds("bash", &["--version"])),
        ("has_zsh", succeeds("zsh", &["--version"])),
        ("has_fish", succeeds("fish", &["--version"])),
        // Address randomisation can be turned off for a child (personality(ADDR_NO_RANDOMIZE)).
        ("has_setarch", succeeds("setarch", &[&arch, "-R", "true"])),
        // A tmpfs can be mounted in a private mount namespace (root or CAP_SYS_ADMIN).
        (
            "can_mount",
            succeeds("unshare", &["-m", "sh", "-c", &mount_script]),
        ),
        ("is_root", succeeds("sh", &["-c", "test \"$(id -u)\" = 0"])),
    ];
    for (name, holds) in probes {
        println!("cargo::rustc-check-cfg=cfg({name})");
        if holds {
            println!("cargo::rustc-cfg={name}");
        }
    }
}
