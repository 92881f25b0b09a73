//! Issue 11: the faults a classroom produces, from outside the binary. No panic on any input
//! or output, interrupted and killed runs leave nothing behind, messages in the chosen
//! language with control characters escaped.

use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

fn lab() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmap-lab"));
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("MMAP_LAB_LANG")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null());
    cmd
}

/// Every subcommand that writes to stdout, with arguments that make it write.
const EVERY_SUBCOMMAND: &[&[&str]] = &[
    &["list"],
    &["list", "--json"],
    &["run", "zero-length"],
    &["run", "zero-length", "--json"],
    &["run", "zero-length", "--format", "md"],
    &["run", "--all"],
    &["run", "--all", "--json"],
    &["explain", "1"],
    &["c", "1"],
    &["man"],
    &["completions", "bash"],
    &["config"],
    &["--help"],
    &["--version"],
];

fn no_panic(stderr: &[u8], what: &str) {
    let text = String::from_utf8_lossy(stderr);
    assert!(!text.contains("panicked"), "{what}: {text}");
}

#[test]
fn arguments_that_are_not_utf8_are_a_usage_error_shown_escaped() {
    for args in [
        vec![&b"run"[..], b"\xff"],
        vec![b"run", b"playground", b"--set", b"file=\xff"],
        vec![b"--lang", b"\xff"],
        vec![b"\xffx"],
    ] {
        let args: Vec<&std::ffi::OsStr> = args
            .iter()
            .map(|a| std::ffi::OsStr::from_bytes(a))
            .collect();
        let out = lab().args(&args).output().expect("runs");
        no_panic(&out.stderr, &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("\\xFF"), "{args:?}: {err}");
        assert!(err.contains("UTF-8"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_pipe_ends_every_subcommand_quietly_like_cat() {
    for args in EVERY_SUBCOMMAND {
        // The reading end is closed before the lab writes anything: its first write fails.
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = lab()
            .args(*args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        no_panic(&out.stderr, &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(128 + 13), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {:?}", out.stderr);
    }
}

#[test]
fn a_full_disk_gives_one_line_and_exit_1_for_every_subcommand() {
    for args in EVERY_SUBCOMMAND {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = lab().args(*args).stdout(full).output().expect("runs");
        no_panic(&out.stderr, &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("No space left"), "{args:?}: {err}");
    }
}

#[test]
fn a_broken_stderr_does_not_change_the_exit_code() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = lab()
        .args(["run", "nosuch"])
        .stderr(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn clap_errors_speak_chinese_and_keep_the_suggestion() {
    for (args, wanted) in [
        (
            &["--lang", "zh", "lst"][..],
            &["无法识别的子命令", "'list'", "用法"][..],
        ),
        (
            &["--lang", "zh", "--theme", "neon"],
            &["'neon'", "无效", "可选值"],
        ),
        (&["--lang", "zh", "run"], &["缺少以下必需的参数", "<ID>"]),
        (
            &["--lang", "zh", "list", "--jsn"],
            &["无法识别的参数", "'--json'"],
        ),
        (
            &["--lang", "zh", "run", "--all", "--set", "a=b"],
            &["不能与"],
        ),
    ] {
        let out = lab().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        for w in wanted {
            assert!(err.contains(w), "{args:?}: {w} not in {err}");
        }
        assert!(!err.contains("error:"), "{args:?}: {err}");
    }
}

#[test]
fn control_characters_in_echoed_values_are_escaped() {
    for args in [
        &[
            "run",
            "playground",
            "--set",
            "file=\u{1b}]0;pwned\u{7}\u{1b}[2J",
        ][..],
        &["run", "no\u{1b}[2Jsuch"],
        &["--theme", "\u{1b}[2J"],
        &["li\u{1b}[2Jst"],
    ] {
        let out = lab().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.contains(&0x1b), "{args:?}: {:?}", out.stderr);
        assert!(!out.stderr.contains(&0x07), "{args:?}: {:?}", out.stderr);
        assert!(String::from_utf8_lossy(&out.stderr).contains("\\x1b"));
    }
}

#[test]
fn scenario_with_a_subcommand_is_a_usage_error() {
    let out = lab()
        .args(["--scenario", "nosuch", "list"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = lab()
        .args(["--scenario", "1", "run", "1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--scenario"));
}
