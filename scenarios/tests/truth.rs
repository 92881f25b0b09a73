//! Issue 9 at the engine: the child is a fork of this test's thread, so the thread's own
//! addresses (its TLS, the plan built here) are the child's, and a step can be aimed at them
//! exactly, whatever the layout. The kernel answers the step; the record must say what it
//! hit and never pass off what follows as the kernel's answer.

use scenarios::engine::regions::Region;
use scenarios::engine::{self, MapOp, Op, Outcome, Val};
use scenarios::{catalog, prepare, Lang};

/// The playground's plan for these `--set` texts.
fn plan(sets: &[&str]) -> engine::Plan {
    let s = catalog::find("playground").expect("playground");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params = prepare(s, &sets).expect("valid knobs");
    (s.build)(&params, engine::page_size())
}

#[test]
fn a_munmap_of_the_thread_local_storage_crashes_the_process_own_code() {
    let page = engine::page_size();
    let mut plan = plan(&[]);
    // This thread's TLS, from its errno to its control block: the child's too.
    // SAFETY: both only read the thread register.
    let (errno_at, tcb) = unsafe {
        (
            nix::libc::__errno_location() as u64,
            nix::libc::pthread_self() as u64,
        )
    };
    let lo = errno_at.min(tcb) / page * page;
    let hi = (errno_at.max(tcb) + 1).div_ceil(page) * page;
    let at = plan
        .steps
        .iter()
        .position(|s| matches!(s.op, Op::Map(MapOp::Munmap { .. })))
        .expect("the munmap");
    if let Op::Map(MapOp::Munmap { addr, length, .. }) = &mut plan.steps[at].op {
        *addr = Val::Lit(lo as i64);
        *length = hi - lo;
    }
    let run = engine::run(&plan).expect("runs");
    let rec = run
        .steps
        .iter()
        .position(|s| s.function == "munmap")
        .unwrap();
    // The kernel's answer: munmap succeeded (the witness saw it return 0; its end was not
    // reported, since the C library's `write` of that report already needed the TLS), then
    // the process died of SIGSEGV.
    let munmap = &run.steps[rec];
    assert!(
        munmap.ret == Some(0)
            || munmap
                .syscalls
                .as_ref()
                .is_none_or(|c| c.iter().any(|c| c.name == "munmap" && c.ret == 0)),
        "{munmap:?}"
    );
    let Outcome::Signal { signal, detail, .. } = &run.outcome else {
        panic!("not a signal: {:?}", run.outcome);
    };
    assert_eq!(signal.name(), "SIGSEGV");
    assert!(
        run.steps[rec]
            .touched
            .iter()
            .any(|t| t.what == Region::ThreadLocalStorage),
        "{:?}",
        run.steps[rec].touched
    );
    // The fault was reported, from a thread that is not the main one too (the TUI's case),
    // with the witness on: the child lets go of its rseq area, which the kernel would
    // otherwise write on its own and fail on, killing it without a report.
    let Some(d) = detail else {
        panic!(
            "no fault report (witness {}): {:?}",
            run.witness, run.outcome
        );
    };
    // The lab's explanation: its own code, because of the munmap, at the TLS.
    assert!(d.in_lab_code, "{d:?}");
    assert_eq!(d.caused_by, Some(rec), "{d:?}");
    let en = run.self_damage(Lang::En).expect("said");
    assert_eq!(
        en,
        format!(
            "SIGSEGV in the process's own code: step {}'s munmap removed the process's thread-local storage",
            rec + 1
        )
    );
    let zh = run.self_damage(Lang::Zh).expect("said");
    assert!(
        zh.ends_with("的 munmap 移除了进程的线程局部存储（TLS）"),
        "{zh}"
    );
    assert!(run
        .touched_sentences(Lang::En)
        .iter()
        .any(|s| s.starts_with("munmap also removed")
            && s.ends_with("of the process's thread-local storage")));
}

#[test]
fn map_fixed_over_the_plan_is_clobbered_and_nothing_after_it_runs() {
    let page = engine::page_size();
    let mut plan = plan(&[
        "file=anonymous",
        "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED",
        "access=write@0",
    ]);
    let steps_at = plan.steps.as_ptr() as u64 / page * page;
    let map = plan.mapping_step.expect("the mapping");
    if let Op::Map(MapOp::Mmap { addr, length, .. }) = &mut plan.steps[map].op {
        *addr = Val::Lit(steps_at as i64);
        *length = page;
    }
    let run = engine::run(&plan).expect("runs");
    let Outcome::Clobbered {
        step, what, addr, ..
    } = &run.outcome
    else {
        panic!("not clobbered: {:?}", run.outcome);
    };
    assert_eq!(*what, Region::Plan);
    assert!(*addr >= steps_at && *addr < steps_at + page);
    // The kernel's answer to the step is kept: MAP_FIXED returns exactly the address.
    assert_eq!(run.steps[*step].ret, Some(steps_at as i64));
    assert_eq!(run.steps.len(), step + 1, "a step ran after the clobber");
    let en = run.self_damage(Lang::En).expect("said");
    assert!(
        en.contains(
            "'s mmap took away 1 page(s) of the process's own memory, starting with the lab's plan"
        ),
        "{en}"
    );
    let zh = run.self_damage(Lang::Zh).expect("said");
    assert!(zh.contains("夺走了进程自己的 1 页内存"), "{zh}");
}
