//! Parent and child share memory without a file: `MAP_SHARED|MAP_ANONYMOUS` is seen by both,
//! `MAP_PRIVATE|MAP_ANONYMOUS` is copied on write. Ordered with a pipe and `waitpid`, not
//! with `sleep`; `sync` takes the notes' sleep, or nothing, and `repeat` counts how often the
//! race goes the parent's way.

use crate::catalog::{Expect, Scenario, Topic, Variant};
use crate::engine::{DescriptorOp, Function, IpcOp, MapOp, Plan, Step, TouchOp, Val, Via};
use crate::flags;
use crate::params::{FileKind, Key, Params, Sync};
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "anonymous-ipc",
    topic: Topic::Uses,
    keys: &[
        Key::Flags,
        Key::Sync,
        Key::Repeat,
        Key::SleepUs,
        Key::Length,
        Key::Prot,
    ],
    context: &[Key::File],
    defaults,
    build,
    expect: Expect::Ok,
    variants: &[
        // The child reads an empty string: the write went into the parent's private copy.
        Variant {
            sets: &["flags=MAP_PRIVATE|MAP_ANONYMOUS"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["length=0"],
            expect: Expect::errno(Function::Mmap, Errno::EINVAL),
        },
        // The race, counted: with nothing to wait on, the child reads whatever is in the
        // page when it gets there; the tally is what the scheduler did in these runs.
        Variant {
            sets: &["sync=none", "repeat=200"],
            expect: Expect::Ok,
        },
        // The notes' sleep, shortened: likely the parent's text, never certainly.
        Variant {
            sets: &["sync=sleep", "repeat=200"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

/// What the parent writes, as in the course notes.
pub const MESSAGE: &str = "hello, world";

fn defaults(page: u64) -> Params {
    Params {
        file: FileKind::Anonymous,
        file_size: 0,
        flags: flags::MAP_SHARED | flags::MAP_ANONYMOUS,
        ..Params::base(page)
    }
}

fn build(p: &Params, _page: u64) -> Plan {
    let mut plan = Plan::new();
    let map = plan.push(Step::critical(MapOp::Mmap {
        addr: Val::Lit(0),
        length: p.length,
        prot: p.prot,
        flags: p.flags,
        fd: Val::Lit(-1),
        offset: 0,
        via: Via::Libc,
    }));
    plan.mapping_step = Some(map);
    plan.mapping_len = p.length;
    // Without the pipe the two processes race: the tracer would stop the child at each step
    // and hand the race to the parent, so the count would be the lab's, not the scheduler's.
    plan.untraced = p.sync != Sync::Pipe;
    plan.push(Step::optional(MapOp::Maps));
    let pipe = (p.sync == Sync::Pipe).then(|| plan.push(Step::critical(DescriptorOp::Pipe)));
    let pid = plan.push(Step::critical(IpcOp::Fork));
    // After the fork, the parent writes *then* wakes the child: the pipe orders the two.
    plan.push(Step::critical(TouchOp::WriteText {
        addr: Val::Ret(map),
        text: MESSAGE,
    }));
    match (p.sync, pipe) {
        (Sync::Pipe, Some(pipe)) => {
            plan.push(Step::critical(IpcOp::PipeWrite { fd: Val::Aux(pipe) }));
            plan.push(Step::critical(IpcOp::PipeRead { fd: Val::Ret(pipe) }).in_child());
        }
        (Sync::Sleep, _) => {
            plan.push(Step::critical(IpcOp::Sleep { micros: p.sleep_us }).in_child());
        }
        _ => {}
    }
    plan.push(
        Step::critical(TouchOp::ReadText {
            addr: Val::Ret(map),
            len: MESSAGE.len() as u64,
        })
        .in_child(),
    );
    plan.push(Step::critical(IpcOp::Exit).in_child());
    plan.push(Step::critical(IpcOp::Waitpid { pid: Val::Ret(pid) }));
    plan
}
