//! Issue 11: the faults a classroom produces, from outside the binary. No panic on any input
//! or output, interrupted and killed runs leave nothing behind, messages in the chosen
//! language with control characters escaped.

use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

mod nobody_support;

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

/// Start `run mmap-copy` with a 256 MiB source in a private TMPDIR, wait until `ready` says
/// so about the directory, send `signal`, and check the exit status and that nothing is left.
fn interrupt_a_copy(signal: (&str, i32), ready: fn(&std::path::Path) -> bool) {
    let tmp = tempfile::tempdir().expect("private TMPDIR");
    let child = lab()
        .args(["run", "mmap-copy", "--set", "copy_size=256M"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let start = std::time::Instant::now();
    let dir = loop {
        let found = std::fs::read_dir(tmp.path())
            .expect("readable")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("mmap-lab-"))
            });
        if let Some(dir) = found.filter(|d| ready(d)) {
            break dir;
        }
        assert!(start.elapsed().as_secs() < 120, "the run never got there");
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let status = Command::new("kill")
        .args([&format!("-{}", signal.0), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("ends");
    no_panic(&out.stderr, signal.0);
    assert_eq!(out.status.code(), Some(128 + signal.1), "{}", signal.0);
    assert!(!dir.exists(), "{}: {} left behind", signal.0, dir.display());
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("readable").collect();
    assert!(left.is_empty(), "{}: {left:?}", signal.0);
}

#[test]
fn a_signal_while_the_source_is_generated_leaves_nothing() {
    for signal in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        interrupt_a_copy(signal, |_| true);
    }
}

#[test]
fn a_signal_during_the_copy_leaves_nothing() {
    // The source is complete: the experiment child is running (or about to).
    interrupt_a_copy(("TERM", 15), |dir| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.metadata().is_ok_and(|m| m.len() >= 256 << 20))
        })
    });
}

#[test]
fn what_a_kill_9_left_is_removed_by_the_next_start_and_a_live_run_is_not() {
    let tmp = tempfile::tempdir().expect("private TMPDIR");
    let start_copy = || {
        lab()
            .args(["run", "mmap-copy", "--set", "copy_size=256M"])
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts")
    };
    // The directory of a run, once its source file exists.
    let dir_of = |skip: &[std::path::PathBuf]| loop {
        let found = std::fs::read_dir(tmp.path())
            .expect("readable")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                !skip.contains(p) && std::fs::read_dir(p).is_ok_and(|mut d| d.next().is_some())
            });
        if let Some(dir) = found {
            return dir;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let mut crashed = start_copy();
    let left = dir_of(&[]);
    crashed.kill().expect("SIGKILL");
    crashed.wait().expect("reaped");
    assert!(left.exists(), "SIGKILL leaves the directory");

    let out = lab()
        .args(["run", "zero-length"])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("removed 1"), "{err}");
    assert!(!left.exists(), "the leftover is removed");

    // A run in flight: its directory survives the next start's sweep.
    let mut live = start_copy();
    let live_dir = dir_of(&[]);
    let out = lab()
        .args(["--lang", "zh", "run", "zero-length"])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("runs");
    assert!(out.stderr.is_empty(), "nothing to remove");
    assert!(live_dir.exists(), "a live run's directory stays");
    live.kill().expect("SIGKILL");
    live.wait().expect("reaped");
    let out = lab()
        .args(["--lang", "zh", "run", "zero-length"])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("已删除"));
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("readable").collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_buffer_that_cannot_be_allocated_is_an_error_not_an_abort() {
    let tmp = tempfile::tempdir().expect("private TMPDIR");
    let mut reported = false;
    // Where the limit falls between the program's start and its 1 MiB buffers depends on the
    // build, so a range of limits is tried.
    for kib in (6000..40000).step_by(400) {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v {kib} && exec \"$0\" run mmap-copy --set copy_size=1M"
            ))
            .arg(env!("CARGO_BIN_EXE_mmap-lab"))
            .env("TMPDIR", tmp.path())
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("memory allocation of 1048576 bytes failed"),
            "{kib} KiB: {err}"
        );
        if err.contains("1048576 bytes could not be allocated") {
            assert_eq!(out.status.code(), Some(1), "{kib} KiB: {err}");
            // The limit in force is named: this one is `ulimit -v`'s.
            assert!(
                err.contains("address space limit") && err.contains("`ulimit -v`"),
                "{err}"
            );
            reported = true;
        }
        if out.status.code() == Some(0) {
            break;
        }
    }
    assert!(reported, "no limit reached the buffers");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("readable").collect();
    assert!(
        left.iter()
            .all(|e| e.as_ref().is_ok_and(|e| !e.path().join("source").exists())),
        "{left:?}"
    );
}

/// Run `args` with `TMPDIR` set and check it is an environment error (exit 1) naming what to
/// do, in both languages.
fn environment_error(tmpdir: &std::path::Path, args: &[&str], en: &str, zh: &str) {
    for (lang, wanted, word) in [("en", en, "environment: "), ("zh", zh, "环境问题：")] {
        let out = lab()
            .args(["--lang", lang])
            .args(args)
            .env("TMPDIR", tmpdir)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{tmpdir:?} {lang}: {err}");
        assert!(
            err.contains(word) && err.contains(wanted),
            "{tmpdir:?} {lang}: {err}"
        );
        assert!(!err.contains("internal") && !err.contains("内部"), "{err}");
    }
}

#[test]
fn a_missing_or_non_directory_tmpdir_is_an_environment_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"").expect("write");
    for dir in [tmp.path().join("missing"), file] {
        environment_error(
            &dir,
            &["run", "zero-length"],
            "point TMPDIR at one",
            "请把 TMPDIR 指向",
        );
    }
}

/// A small tmpfs at a fresh mount point, unmounted when dropped. The tests that use it are
/// ignored where mounting is not allowed (`can_mount`, probed by `build.rs`).
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(options: &str) -> Tmpfs {
        let point = tempfile::tempdir().expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(point.path())
            .stderr(Stdio::null())
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "cannot mount a tmpfs ({options})"
        );
        Tmpfs(point)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
#[cfg_attr(
    not(can_mount),
    ignore = "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"
)]
fn a_read_only_or_full_tmpdir_is_an_environment_error() {
    {
        let ro = Tmpfs::mount("ro,size=1m");
        environment_error(
            ro.0.path(),
            &["run", "zero-length"],
            "point TMPDIR at one",
            "请把 TMPDIR 指向",
        );
    }
    {
        let small = Tmpfs::mount("size=1m");
        environment_error(
            small.0.path(),
            &["run", "mmap-copy", "--set", "copy_size=4M"],
            // And what it needs (the source and three copies), before writing anything.
            "`copy_size=4194304` (4 MiB) would write 16 MiB to TMPDIR",
            "`copy_size=4194304`（4 MiB）要向 TMPDIR",
        );
        let left: Vec<_> = std::fs::read_dir(small.0.path())
            .expect("readable")
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

/// The bytes a run writes are counted before it writes any: a mapping's length reaches the
/// kernel without making a file that long (the kernel's own ENOMEM is the outcome), and a copy
/// that cannot fit is refused with the knob, the sizes and what to do, with nothing written
/// (never a SIGBUS or an ENOSPC taught as the lesson's outcome).
#[test]
#[cfg_attr(
    not(can_mount),
    ignore = "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"
)]
fn a_small_tmpfs_is_never_filled() {
    let fs = Tmpfs::mount("size=64m");
    let empty = |what: &str| {
        let left: Vec<_> = std::fs::read_dir(fs.0.path()).expect("readable").collect();
        assert!(left.is_empty(), "{what}: {left:?}");
    };
    for (length, mmap) in [("0x800000000000", "ENOMEM"), ("0x100000000", "")] {
        let out = lab()
            .args(["run", "map-fixed-clobber", "--json", "--set"])
            .arg(format!("length={length}"))
            .env("TMPDIR", fs.0.path())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "length={length}: {err}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(
            json["outcome"]["errno"].as_str().unwrap_or(""),
            mmap,
            "{json}"
        );
        empty(length);
    }
    let small = Tmpfs::mount("size=8m");
    for size in ["3M", "6M"] {
        let out = lab()
            .args(["run", "mmap-copy", "--set"])
            .arg(format!("copy_size={size}"))
            .env("TMPDIR", small.0.path())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{size}: {err}");
        assert!(
            err.contains("which has 8 MiB free: nothing was written; make `copy_size` smaller"),
            "{size}: {err}"
        );
        assert!(!err.contains("SIGBUS") && !err.contains("ENOSPC"), "{err}");
        let left: Vec<_> = std::fs::read_dir(small.0.path())
            .expect("readable")
            .collect();
        assert!(left.is_empty(), "{size}: {left:?}");
    }
}

#[test]
fn too_few_descriptors_is_an_environment_error() {
    exit_1_saying(
        "too many open files (limit 5)",
        "打开的文件太多（上限 5）",
        |lang| {
            Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "ulimit -n 5 && exec \"$0\" --lang {lang} run zero-length"
                ))
                .arg(env!("CARGO_BIN_EXE_mmap-lab"))
                .stdin(Stdio::null())
                .output()
                .expect("runs")
        },
    );
}

/// Run the lab in English and in Chinese (`run(LANG)`): each run exits 1 and its error holds
/// `en` or `zh`, the message of its language.
fn exit_1_saying(en: &str, zh: &str, run: impl Fn(&str) -> std::process::Output) {
    for (lang, wanted) in [("en", en), ("zh", zh)] {
        let out = run(lang);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{lang}: {err}");
        assert!(err.contains(wanted), "{lang}: {err}");
    }
}

/// `fork` failing with `EAGAIN` (the process limit, `ulimit -u`): an environment error.
/// RLIMIT_NPROC does not bind root, so as root the lab runs as `nobody` (a copy of the
/// binary it can execute, a TMPDIR it can write); as a normal user, as that user. The limit
/// is 1: the user's processes, the lab included, already reach it.
#[test]
#[cfg_attr(not(has_prlimit), ignore = "no prlimit (util-linux) on this machine")]
#[cfg_attr(
    all(is_root, not(has_setpriv)),
    ignore = "root without setpriv cannot be limited"
)]
fn a_process_limit_is_an_environment_error() {
    let prlimit = nobody_support::program("prlimit").expect("prlimit (probed by build.rs)");
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    let (dir, bin) = nobody_support::copy_for_anyone(env!("CARGO_BIN_EXE_mmap-lab").as_ref());
    let mut cmd: Vec<std::ffi::OsString> = Vec::new();
    if root {
        // Root is not bound by RLIMIT_NPROC: without setpriv it cannot be limited.
        let setpriv = nobody_support::program("setpriv").expect("setpriv, to run as nobody");
        cmd.extend([setpriv.into_os_string()]);
        cmd.extend(["--reuid=65534", "--regid=65534", "--clear-groups", "--"].map(Into::into));
    }
    cmd.extend([
        prlimit.into_os_string(),
        "--nproc=1".into(),
        bin.into_os_string(),
    ]);
    exit_1_saying(
        "environment: cannot start a process: limit reached",
        "环境问题：无法创建进程：已达上限",
        |lang| {
            let out = nobody_support::output_once_not_busy(|| {
                let mut run = Command::new(&cmd[0]);
                run.args(&cmd[1..])
                    .args(["--lang", lang, "run", "zero-length"])
                    .env("TMPDIR", dir.path())
                    .stdin(Stdio::null());
                run
            });
            no_panic(&out.stderr, lang);
            out
        },
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("readable")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("mmap-lab-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn populate_and_locked_refuse_more_than_1_gib_unless_allowed() {
    for flag in ["MAP_POPULATE", "MAP_LOCKED"] {
        let flags = format!("flags=MAP_PRIVATE|MAP_ANONYMOUS|{flag}");
        let args = [
            "run",
            "playground",
            "--set",
            "file=anonymous",
            "--set",
            &flags,
        ];
        let out = lab()
            .args(args)
            .args(["--set", "length=2G"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag) && err.contains("--allow-large"), "{err}");
        let out = lab()
            .args(["--lang", "zh"])
            .args(args)
            .args(["--set", "length=2G"])
            .output()
            .expect("runs");
        assert!(String::from_utf8_lossy(&out.stderr).contains("超过了本实验室 1 GiB 的限制"));
        // 1 GiB itself is allowed; with `--allow-large`, 2 GiB runs (an address-space limit
        // makes it fail fast instead of taking the memory).
        let out = lab()
            .args(args)
            .args([
                "--set",
                "length=2G",
                "--set",
                "rlimit_as=1G",
                "--allow-large",
                "--json",
            ])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A small stack limit: the program runs on a thread with a stack of its own (at 16 KiB the
/// main thread's overflowed while parsing the command line, an abort). The environment is
/// cleared: its strings sit on that same 16 KiB stack, so with the caller's environment the
/// answer depended on how large it was (with 5 KB more, the program died before `main`).
#[test]
fn a_small_stack_limit_does_not_abort() {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -s 16 && exec \"$0\" run zero-length --json")
        .arg(env!("CARGO_BIN_EXE_mmap-lab"))
        .env_clear()
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON");
}

/// `prlimit --fsize`: the write past the limit fails with `EFBIG` (SIGXFSZ is ignored) and
/// is an environment error naming the limit, in both languages; the lab died of the signal
/// (exit 153) before.
#[test]
#[cfg_attr(not(has_prlimit), ignore = "no prlimit (util-linux) on this machine")]
fn a_file_size_limit_is_an_environment_error() {
    let prlimit = nobody_support::program("prlimit").expect("prlimit (probed by build.rs)");
    exit_1_saying(
        "larger than the file size limit of 4 KiB (`ulimit -f`)",
        "文件大小上限 4 KiB（`ulimit -f`）",
        |lang| {
            Command::new(&prlimit)
                .arg("--fsize=4096")
                .arg(env!("CARGO_BIN_EXE_mmap-lab"))
                .args(["--lang", lang, "run", "zero-length"])
                .stdin(Stdio::null())
                .output()
                .expect("runs")
        },
    );
}

/// Under `prlimit --data` the message names that limit (`ulimit -d`), not `ulimit -v`.
#[test]
#[cfg_attr(not(has_prlimit), ignore = "no prlimit (util-linux) on this machine")]
fn a_data_limit_is_named_for_what_it_is() {
    let prlimit = nobody_support::program("prlimit").expect("prlimit (probed by build.rs)");
    let tmp = tempfile::tempdir().expect("private TMPDIR");
    let mut reported = false;
    // Where the limit falls between the program's start and its 1 MiB buffers depends on the
    // build, so a range of limits is tried.
    for bytes in (400_000..1_400_000).step_by(100_000) {
        let out = Command::new(&prlimit)
            .arg(format!("--data={bytes}"))
            .arg(env!("CARGO_BIN_EXE_mmap-lab"))
            .args(["run", "mmap-copy", "--set", "copy_size=1M"])
            .env("TMPDIR", tmp.path())
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("ulimit -v"), "{bytes}: {err}");
        if err.contains("could not be allocated") {
            assert!(
                err.contains("data limit") && err.contains("`ulimit -d`"),
                "{err}"
            );
            reported = true;
        }
    }
    assert!(reported, "no limit reached the buffers");
}

/// Below 1001 descriptors the witness cannot keep its recorder at descriptor 1000: the record
/// says too many open files and the limit, not `PTRACE_TRACEME failed with EBADF`.
#[test]
fn a_low_descriptor_limit_turns_the_witness_off_saying_why() {
    // `mmap-lab run zero-length` with these options, under `ulimit -n 20`.
    let under_limit = |options: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -n 20 && exec \"$0\" run zero-length {options}"
            ))
            .arg(env!("CARGO_BIN_EXE_mmap-lab"))
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    let out = under_limit("--json");
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let witness = json["witness"].as_str().unwrap_or_default();
    assert!(
        witness.contains("too many open files") && witness.contains("(20, `ulimit -n`)"),
        "{witness}"
    );
    assert!(!witness.contains("EBADF"), "{witness}");
    assert_eq!(
        json["witness_off"],
        serde_json::json!({"reason": "descriptors", "limit": 20, "needed": 1000})
    );
    // A Chinese reader is told why in Chinese, not in the record's English words.
    let zh = under_limit("--lang zh");
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(
        text.contains("系统调用追踪：关（打开的文件太多：上限（20，见 `ulimit -n`）"),
        "{text}"
    );
    assert!(!text.contains("too many open files"), "{text}");
}
