//! Hundreds of runs, with every kind of ending, leave nothing behind: no descriptor, no
//! temporary directory, no child or zombie. A deadline turns a hung child into `timeout`.
//!
//! This file is its own test binary with a single test, so no other test's runs are in
//! flight while the counts are taken.

mod common;

use common::{children, describe, lab_dirs, open_fds, run, strays};
use mmap_lab_engine::engine::{self, Plan, Step, TestSleep};
use std::time::Duration;

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
