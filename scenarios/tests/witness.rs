//! The witness and the signals in full, checked against what the kernel did: the C library,
//! not the kernel, refuses an unaligned offset (and the raw system call reaches the kernel);
//! fault signals carry their `si_code` and address; the errno messages are the C library's.
//! (Page faults per step are checked through the binary, in `tests/witness.rs` of the
//! program: a test process's other threads add faults of their own to a forked child.)

mod common;

use common::{catalogue_cases, dump, run};
use mmap_lab_engine::engine::record::AnsweredBy;
use mmap_lab_engine::engine::{self, MapOp, Plan, Step, TouchOp, Val, Via};
use mmap_lab_engine::{errnos, Errno, Outcome};
use std::ffi::CStr;

/// The witness is on (tests run it by default). The tests that need it are ignored, with the
/// reason, on a machine that cannot trace (`has_strace`, probed by `build.rs`); where tracing
/// works, a witness that is off is a failure, never a silent pass.
fn assert_witness_on(record: &mmap_lab_engine::Record) {
    assert_eq!(
        record.run.witness, "on",
        "this machine can trace (strace ran), but the witness is off"
    );
}

#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn glibc_refuses_an_unaligned_offset_and_the_raw_call_reaches_the_kernel() {
    let r = run("unaligned-offset", &[]);
    assert_witness_on(&r);
    let mmap = r.run.steps.iter().find(|s| s.function == "mmap").unwrap();
    assert_eq!(mmap.errno, Some(Errno::EINVAL), "{}", dump(&r));
    assert_eq!(mmap.answered_by, Some(AnsweredBy::Libc), "{}", dump(&r));
    let every: Vec<&str> = r
        .run
        .steps
        .iter()
        .flat_map(|s| s.syscalls.iter().flatten())
        .map(|c| c.name.as_str())
        .collect();
    assert!(
        !every.contains(&"mmap"),
        "no mmap reached the kernel: {every:?}"
    );

    let r = run("unaligned-offset", &["via=syscall"]);
    let mmap = r.run.steps.iter().find(|s| s.function == "mmap").unwrap();
    assert_eq!(mmap.answered_by, Some(AnsweredBy::Kernel), "{}", dump(&r));
    let calls = mmap.syscalls.as_ref().expect("traced");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].name, "mmap");
    assert_eq!(calls[0].ret, -22);
    assert_eq!(calls[0].errno.as_deref(), Some("EINVAL"));
    assert_eq!(calls[0].args[5], 1000, "the offset as the kernel got it");
}

#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn a_touch_is_no_call_and_forks_are_followed() {
    let r = run("anonymous-ipc", &[]);
    assert_witness_on(&r);
    let by = |f: &str| {
        r.run
            .steps
            .iter()
            .find(|s| s.function == f)
            .unwrap_or_else(|| panic!("{f}"))
    };
    assert_eq!(by("strcpy").answered_by, Some(AnsweredBy::None));
    // The read runs in the forked child: the witness followed it there.
    let read = by("read");
    assert_eq!(read.process.as_deref(), Some("child"));
    let names: Vec<&str> = read
        .syscalls
        .iter()
        .flatten()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["read"], "{}", dump(&r));
    let fork = by("fork");
    let clone = &fork.syscalls.as_ref().unwrap()[0];
    assert!(
        clone.ret > 0,
        "the parent's fork returns the child's pid: {clone:?}"
    );
}

/// The signal in full for an outcome, as `(si_code name, ptr offset, what was hit)`.
fn signal_detail(record: &mmap_lab_engine::Record) -> (String, i64, String) {
    let json = serde_json::to_value(&record.run.outcome).unwrap();
    (
        json["code"].as_str().unwrap_or_default().to_string(),
        json["ptr_offset"].as_i64().unwrap_or(i64::MIN),
        json["hit"]["kind"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn fault_signals_come_with_their_code_address_and_place() {
    // Past the end of the (empty) file, inside the mapping: BUS_ADRERR at ptr + 0.
    let r = run("empty-new-file", &[]);
    assert_eq!(
        signal_detail(&r),
        ("BUS_ADRERR".into(), 0, "mapping".into()),
        "{}",
        dump(&r)
    );
    // A write the protection refuses: SEGV_ACCERR, in the mapping.
    let r = run("playground", &["prot=PROT_READ", "access=write@0"]);
    assert_eq!(
        signal_detail(&r),
        ("SEGV_ACCERR".into(), 0, "mapping".into())
    );
    // The guard page above out-of-bounds' mapping is PROT_NONE: SEGV_ACCERR, on the guard.
    let page = engine::page_size() as i64;
    let r = run("out-of-bounds", &[]);
    assert_eq!(
        signal_detail(&r),
        ("SEGV_ACCERR".into(), page, "guard".into()),
        "{}",
        dump(&r)
    );
    // A page that is not mapped at all: map two, unmap the second, touch it.
    let mut plan = Plan::new();
    let map = plan.push(Step::critical(MapOp::Mmap {
        addr: Val::Lit(0),
        length: 2 * page as u64,
        prot: nix::libc::PROT_READ | nix::libc::PROT_WRITE,
        flags: nix::libc::MAP_PRIVATE | nix::libc::MAP_ANONYMOUS,
        fd: Val::Lit(-1),
        offset: 0,
        via: Via::Libc,
    }));
    plan.mapping_step = Some(map);
    plan.mapping_len = 2 * page as u64;
    plan.push(Step::critical(MapOp::Munmap {
        addr: Val::RetPlus(map, page),
        length: page as u64,
        via: Via::Libc,
    }));
    plan.push(Step::optional(MapOp::Maps));
    plan.push(Step::critical(TouchOp::Byte {
        addr: Val::RetPlus(map, page),
        write: false,
        value: 0,
    }));
    let run = engine::run(&plan).expect("runs");
    let json = serde_json::to_value(&run.outcome).unwrap();
    assert_eq!(json["signal"], "SIGSEGV", "{json}");
    assert_eq!(json["code"], "SEGV_MAPERR", "{json}");
    assert_eq!(json["ptr_offset"], page, "{json}");
    // The maps were read after the munmap: the page is gone, or another mapping took it.
    assert_ne!(json["hit"]["kind"], "mapping", "{json}");
}

#[test]
fn errno_messages_are_the_c_librarys_strerror() {
    let mut seen = 0;
    // mmap-copy's runs copy 64 MiB each and end in no errno: left to the catalogue's test.
    for (label, s, sets, _) in catalogue_cases()
        .into_iter()
        .filter(|c| c.1.id != "mmap-copy")
    {
        let Ok(params) = mmap_lab_engine::prepare(s, &sets) else {
            continue;
        };
        let record = mmap_lab_engine::run_scenario(s, &params).unwrap();
        if let Outcome::Errno { errno, .. } = record.run.outcome {
            let json = serde_json::to_value(&record.run.outcome).unwrap();
            // SAFETY: strerror returns a pointer to a NUL-terminated message; read at once.
            let c = unsafe { CStr::from_ptr(nix::libc::strerror(errno as i32)) };
            assert_eq!(json["message"], c.to_str().unwrap(), "{label}");
            assert_eq!(errnos::message(errno), c.to_str().unwrap(), "{label}");
            seen += 1;
        }
    }
    assert!(seen >= 10, "only {seen} errno outcomes");
}

#[test]
fn every_record_says_where_it_ran() {
    let r = run("zero-length", &[]);
    let env = &r.run.environment;
    assert_eq!(env.page_size, engine::page_size());
    assert!(!env.kernel.is_empty() && !env.arch.is_empty() && !env.libc.is_empty());
    let json = serde_json::to_value(&r.run).unwrap();
    for key in [
        "kernel",
        "arch",
        "libc",
        "page_size",
        "capabilities",
        "limits",
        "sysctl",
    ] {
        assert!(json["environment"].get(key).is_some(), "{key}: {json}");
    }
    // Nothing of this run needs a capability, so it is not privileged, even as root.
    assert!(!r.run.privileged);
}

/// The work a caller gives to do beside the run (the command line's sweep of TMPDIR) is done
/// once, on the witness's thread while the child runs, and changes nothing in the record.
#[test]
fn work_beside_a_run_is_done_once_and_leaves_the_record_alone() {
    let s = mmap_lab_engine::catalog::find("out-of-bounds").unwrap();
    let params = mmap_lab_engine::prepare(s, &[]).unwrap();
    let done = std::sync::atomic::AtomicU32::new(0);
    let job = Box::new(|| {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let with = mmap_lab_engine::run_scenario_beside(s, &params, None, Some(job)).unwrap();
    assert_eq!(done.into_inner(), 1);
    let without = mmap_lab_engine::run_scenario(s, &params).unwrap();
    // The same kind of outcome (its addresses may differ from one run to the next).
    assert_eq!(
        std::mem::discriminant(&with.run.outcome),
        std::mem::discriminant(&without.run.outcome)
    );
    assert_eq!(with.run.witness, without.run.witness);
    let calls = |r: &mmap_lab_engine::Record| -> Vec<Option<Vec<String>>> {
        r.run
            .steps
            .iter()
            .map(|st| {
                st.syscalls
                    .as_ref()
                    .map(|c| c.iter().map(|c| c.name.clone()).collect())
            })
            .collect()
    };
    assert_eq!(calls(&with), calls(&without));
}

/// The child stops at the boundary before every step it begins, the lab's bookkeeping (its
/// `/proc/self/maps` captures) aside, in each process of the experiment, in plan order: the
/// place where its pages are read and where stepping holds it. Every scenario and variant
/// (mmap-copy with a small copy: its loops are one step each, whatever their size).
#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn every_numbered_step_is_a_boundary() {
    let page = engine::page_size();
    for (name, scenario, sets, _) in catalogue_cases() {
        let mut sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        if scenario.id == "mmap-copy" {
            sets.push("copy_size=1M");
        }
        let record = run(scenario.id, &sets);
        let texts: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let params = mmap_lab_engine::prepare(scenario, &texts).unwrap();
        let plan = (scenario.build)(&params, page);
        // A plan that races two processes runs without the witness on purpose (its stops
        // would decide the race), so without boundaries.
        if plan.untraced {
            assert!(record.run.boundaries.is_empty(), "{name}");
            continue;
        }
        assert_witness_on(&record);
        let stops = &record.run.boundaries;
        for side in [engine::Side::Parent, engine::Side::Child] {
            let passed: Vec<usize> = stops
                .iter()
                .copied()
                .filter(|&i| plan.steps[i].side == side)
                .collect();
            assert!(
                passed.windows(2).all(|w| w[0] < w[1]),
                "{name}: {side:?} {passed:?}"
            );
            assert!(
                passed.iter().all(|&i| !plan.steps[i].is_bookkeeping()),
                "{name}: {passed:?}"
            );
            let process = (side == engine::Side::Child).then_some("child");
            let begun = record
                .run
                .steps
                .iter()
                .filter(|s| s.process.as_deref() == process)
                .filter(|s| !s.call.contains("/proc/self/maps"))
                .count();
            assert_eq!(
                passed.len(),
                begun,
                "{name}: {side:?} stops at {passed:?}\n{}",
                dump(&record)
            );
        }
    }
}
