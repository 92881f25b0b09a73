//! Issue 9 at the engine: the child is a fork of this test's thread, so the thread's own
//! addresses (its TLS, the plan built here) are the child's, and a step can be aimed at them
//! exactly, whatever the layout. The kernel answers the step; the record must say what it
//! hit and never pass off what follows as the kernel's answer.

use mmap_lab_engine::engine::regions::Region;
use mmap_lab_engine::engine::{self, MapOp, Op, Outcome, Val};
use mmap_lab_engine::{catalog, prepare, Lang};

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
            // Its number as shown: the lab's `/proc/self/maps` captures are not counted.
            run.step_number(rec)
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

/// The first address of the line of this process's `/proc/self/maps` that `pick` chooses by its
/// path: the child, a fork of this thread, has the same line at the same address.
fn own_line(pick: impl Fn(&str) -> bool) -> Option<u64> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("maps");
    maps.lines()
        .find(|l| l.split_whitespace().nth(5).is_some_and(&pick))
        .and_then(|l| u64::from_str_radix(l.split('-').next()?, 16).ok())
}

/// The playground's run with its mapping's `MAP_FIXED` aimed at one page at the address
/// `target` picks, or (with `unmap`) its munmap aimed there; `target` sees the plan, whose
/// steps live in this process's heap.
fn aimed_at(mut target: impl FnMut(&engine::Plan) -> u64, unmap: bool) -> engine::Run {
    let page = engine::page_size();
    let mut plan = plan(&[
        "file=anonymous",
        if unmap {
            "flags=MAP_PRIVATE|MAP_ANONYMOUS"
        } else {
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED"
        },
        "prot=PROT_READ",
    ]);
    let addr = target(&plan);
    for step in &mut plan.steps {
        match &mut step.op {
            Op::Map(MapOp::Mmap {
                addr: a, length, ..
            }) if !unmap => {
                *a = Val::Lit(addr as i64);
                *length = page;
            }
            Op::Map(MapOp::Munmap {
                addr: a, length, ..
            }) if unmap => {
                *a = Val::Lit(addr as i64);
                *length = page;
            }
            _ => {}
        }
    }
    engine::run(&plan).expect("runs")
}

#[test]
fn map_fixed_over_the_program_or_the_c_library_is_clobbered_and_named() {
    let exe = std::fs::read_link("/proc/self/exe").expect("exe");
    let exe = exe
        .to_string_lossy()
        .trim_end_matches(" (deleted)")
        .to_string();
    let program = own_line(|p| p == exe).expect("the test's executable is mapped");
    let libc = own_line(|p| {
        p.rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("libc.so"))
    })
    .expect("the C library is mapped");
    let name = exe.rsplit('/').next().unwrap_or_default().to_string();
    let cases = [
        (
            program,
            Region::Program,
            format!("the lab's own code ({name})"),
            format!("mmap-lab 自己的代码（{name}）"),
        ),
        (
            libc,
            Region::CLibrary,
            "the C library (libc.so".to_string(),
            "C 库（libc.so".to_string(),
        ),
    ];
    // Not the vDSO: the kernel refuses a MAP_FIXED over it (EINVAL), so nothing is taken.
    for (addr, region, en_name, zh_name) in cases {
        let run = aimed_at(|_| addr, false);
        let Outcome::Clobbered { step, what, .. } = &run.outcome else {
            panic!("{en_name}: not clobbered: {:?}", run.outcome);
        };
        assert_eq!(*what, region, "{en_name}");
        // The kernel's answer is kept, and nothing ran after it.
        assert_eq!(run.steps[*step].ret, Some(addr as i64));
        assert_eq!(run.steps.len(), step + 1, "a step ran after the clobber");
        let en = run.self_damage(Lang::En).expect("said");
        assert!(en.contains(&en_name), "{en}");
        let zh = run.self_damage(Lang::Zh).expect("said");
        assert!(zh.contains(&zh_name), "{zh}");
        assert!(
            run.touched_sentences(Lang::En)
                .iter()
                .any(|s| s.contains("MAP_FIXED also replaced") && s.contains(&en_name)),
            "{:?}",
            run.touched_sentences(Lang::En)
        );
    }
}

#[test]
fn a_munmap_of_the_heap_is_clobbered_and_named() {
    let page = engine::page_size();
    let heap = own_line(|p| p == "[heap]").expect("this process has a heap");
    // A heap page that does not hold the plan's steps (those would be the plan, hit first).
    let mut at = heap;
    let run = aimed_at(
        |plan| {
            let lo = plan.steps.as_ptr() as u64 / page * page;
            let hi =
                lo + (std::mem::size_of_val(plan.steps.as_slice()) as u64).div_ceil(page) * page;
            at = if heap + page <= lo || heap >= hi {
                heap
            } else {
                hi
            };
            at
        },
        true,
    );
    let Outcome::Clobbered { what, .. } = &run.outcome else {
        panic!("not clobbered: {:?}", run.outcome);
    };
    assert_eq!(*what, Region::Heap);
    let step = run.steps.last().expect("the munmap");
    assert_eq!(step.function.name(), "munmap");
    assert!(
        step.touched
            .iter()
            .any(|t| t.what == Region::Heap && t.start == at && t.end == at + page),
        "{:?}",
        step.touched
    );
    assert!(
        run.self_damage(Lang::En)
            .is_some_and(|s| s.contains("took away 1 page(s)")),
        "{:?}",
        run.self_damage(Lang::En)
    );
}
