//! Hundreds of runs, with every kind of ending, leave nothing behind: no descriptor, no
//! temporary directory, no child or zombie. A deadline turns a hung child into `timeout`.
//!
//! This file is its own test binary with a single test, so no other test's runs are in
//! flight while the counts are taken.

mod common;

use common::{describe, run};
use scenarios::engine::{self, Plan, Step, TestSleep};
use std::path::Path;
use std::time::Duration;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn lab_dirs(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("mmap-lab-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Our children, zombies included: the pids listed as children of this process's threads.
fn children() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(text.split_whitespace().map(str::to_string));
            }
        }
    }
    out
}

#[test]
fn hundreds_of_runs_leave_no_descriptor_directory_or_child() {
    // A private temporary directory, so that a lab running elsewhere on the machine cannot
    // add or remove `mmap-lab-*` entries while we count ours. This binary has one test,
    // so nothing else reads the environment concurrently.
    let private = tempfile::tempdir().expect("a private TMPDIR");
    std::env::set_var("TMPDIR", private.path());
    let tmp = std::env::temp_dir();
    assert_eq!(tmp, private.path());
    let fds = open_fds();
    let dirs = lab_dirs(&tmp);
    let cases: &[(&str, &[&str], &str)] = &[
        ("unaligned-offset", &[], "errno EINVAL from mmap"),
        ("empty-new-file", &[], "signal SIGBUS at store"),
        ("out-of-bounds", &[], "signal SIGSEGV at store"),
        ("close-after-mmap", &[], "ok"),
        ("anonymous-ipc", &[], "ok"),
        (
            "playground",
            &["file=pipe", "prot=PROT_READ"],
            "errno ENODEV from mmap",
        ),
        ("playground", &["file=sealed-memfd", "prot=PROT_READ"], "ok"),
        ("mmap-copy", &["copy_size=256K", "window=64K"], "ok"),
        // The experiment dies right after its fork: its own child must not live on.
        (
            "anonymous-ipc",
            &["prot=PROT_READ"],
            "signal SIGSEGV at strcpy",
        ),
    ];
    for round in 0..40 {
        for (id, sets, want) in cases {
            let r = run(id, sets);
            assert_eq!(&describe(&r), want, "round {round}: {id} {sets:?}");
        }
    }

    // A child that hangs is killed at the deadline, and that leaves nothing either.
    let mut plan = Plan::new();
    plan.deadline = Duration::from_millis(200);
    plan.push(Step::critical(TestSleep { millis: 10_000 }));
    let started = std::time::Instant::now();
    let run = engine::run(&plan).expect("the engine runs");
    assert!(
        matches!(run.outcome, engine::Outcome::Timeout { after_ms: 200 }),
        "{:?}",
        run.outcome
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the deadline must cut the run short"
    );
    assert_eq!(run.steps.len(), 1, "the sleeping step is recorded as begun");

    // Cancelling a run in flight (the TUI does so when the student quits) ends it at once,
    // and that leaves nothing either.
    let mut plan = Plan::new();
    plan.push(Step::critical(TestSleep { millis: 10_000 }));
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let started = std::time::Instant::now();
    let run = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        engine::run_until(&plan, Some(&cancel)).expect("the engine runs")
    });
    assert!(
        matches!(run.outcome, engine::Outcome::Timeout { .. }),
        "{:?}",
        run.outcome
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "cancel must cut the run short"
    );

    assert_eq!(open_fds(), fds, "descriptors leaked");
    assert_eq!(lab_dirs(&tmp), dirs, "temporary directories left behind");
    assert!(children().is_empty(), "children left: {:?}", children());
    assert!(strays().is_empty(), "processes left: {:?}", strays());
}

/// Processes running this test binary besides this one: experiments' forked children
/// that outlived their parent would show here (they are re-parented, so `children()`
/// cannot see them). They may take a moment to finish exiting: poll for up to 2 s.
fn strays() -> Vec<String> {
    let me = std::fs::read_link("/proc/self/exe").ok();
    let own = std::process::id().to_string();
    let mut left = Vec::new();
    for _ in 0..40 {
        left = std::fs::read_dir("/proc")
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && *n != own)
                    .filter(|n| {
                        let stat =
                            std::fs::read_to_string(format!("/proc/{n}/stat")).unwrap_or_default();
                        let zombie = stat
                            .rsplit(')')
                            .next()
                            .is_some_and(|r| r.trim_start().starts_with('Z'));
                        !zombie && std::fs::read_link(format!("/proc/{n}/exe")).ok() == me
                    })
                    .collect()
            })
            .unwrap_or_default();
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    left
}
