//! Copy a file through two mappings, one bounded window at a time, check the copy byte for
//! byte, and time it beside plain `read`/`write`, `copy_file_range` and a copy that maps only
//! the source and `write`s the destination, on the same file.

use crate::catalog::{Expect, Scenario, Topic, Variant};
use crate::engine::{CopyOp, DescriptorOp, FileSpec, Plan, Purpose, Step, Val};
use crate::experiment::round_up;
use crate::params::{Key, Params};
use crate::plan_path;
use nix::libc;
use std::time::Duration;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "mmap-copy",
    topic: Topic::Uses,
    keys: &[Key::CopySize, Key::Window, Key::CopyRuns],
    context: &[],
    defaults,
    build,
    expect: Expect::Ok,
    variants: &[
        Variant {
            sets: &["copy_size=256M"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["window=1M"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["window=64M"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["copy_size=1M"],
            expect: Expect::Ok,
        },
        // An empty file: nothing to map, nothing to copy.
        Variant {
            sets: &["copy_size=0"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["copy_size=3M", "window=1M"],
            expect: Expect::Ok,
        },
        // Neither a multiple of the window nor of the page.
        Variant {
            sets: &["copy_size=1000001", "window=64K"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

/// The buffer of the `read`/`write` copy: large enough that syscalls do not dominate.
const BUFFER: u64 = 1 << 20;

fn defaults(page: u64) -> Params {
    Params {
        file: crate::params::FileKind::Regular,
        open: libc::O_RDONLY,
        prot: libc::PROT_READ,
        ..Params::base(page)
    }
}

fn build(p: &Params, page: u64) -> Plan {
    let size = p.copy_size;
    // Windows must start on page boundaries: round the window up to whole pages.
    let window = round_up(p.window.max(1), page);
    let mut plan = Plan::new();
    let runs = p.copy_runs.max(1);
    // A generous deadline: about 10 s plus 1 s per 32 MiB of each run, even for slow disks.
    plan.deadline = Duration::from_secs(10 + u64::from(runs) * size / (32 << 20));
    plan.files.push(FileSpec {
        name: "source",
        size,
    });
    let open = |plan: &mut Plan, name: &str, flags: i32| {
        Val::Ret(plan.push(Step::critical(DescriptorOp::Open {
            path: plan_path(name),
            flags,
        })))
    };
    let create = libc::O_CREAT | libc::O_TRUNC;

    let src = open(&mut plan, "source", libc::O_RDONLY);
    let dst = open(&mut plan, "copy-mmap", libc::O_RDWR | create);
    // The destination must be as long as the source before it is mapped: pages past its end
    // would raise SIGBUS (see empty-new-file).
    plan.push(Step::critical(DescriptorOp::Ftruncate { fd: dst, size }));
    plan.push(
        Step::critical(CopyOp::Mmap {
            src,
            dst,
            size,
            window,
            runs,
        })
        .because(Purpose::Copy),
    );
    plan.push(Step::critical(CopyOp::Compare {
        a: src,
        b: dst,
        size,
        window,
    }));

    let rw = open(&mut plan, "copy-read-write", libc::O_WRONLY | create);
    plan.push(
        Step::critical(CopyOp::ReadWrite {
            src,
            dst: rw,
            size,
            buf_len: BUFFER,
            runs,
        })
        .because(Purpose::Copy),
    );

    // Descriptors of its own, as each copy has: no copy starts from another one's state.
    // The source opened again, the destination `name` created, then the copy between them.
    let own_copy = |plan: &mut Plan, name: &str, copy: &dyn Fn(Val, Val) -> CopyOp| {
        let src = open(plan, "source", libc::O_RDONLY);
        let dst = open(plan, name, libc::O_WRONLY | create);
        plan.push(Step::critical(copy(src, dst)).because(Purpose::Copy));
    };
    own_copy(&mut plan, "copy-file-range", &|src, dst| CopyOp::FileRange {
        src,
        dst,
        size,
        runs,
    });

    // The mmap copy without the destination's mapping: the source mapped as above, the
    // destination written with `write`. What it saves is what the destination's page faults
    // cost.
    own_copy(&mut plan, "copy-mmap-write", &|src, dst| CopyOp::MmapWrite {
        src,
        dst,
        size,
        window,
        runs,
    });
    plan
}
