//! `MAP_PRIVATE` and `fork`: the child inherits the mapping, but each process's writes after
//! the fork go to its own copy of the page; neither the other process nor the file sees them.
//! A write made before the fork is in the page both start from. With `MAP_SHARED` both
//! processes and the file see every write.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{
    DescriptorOp, Function, IpcOp, Outcome, Plan, Purpose, Side, Step, StepRecord, TouchOp, Val,
};
use crate::evidence::{self, Evidence, Found};
use crate::experiment::{open_and_map, DATA, WRITTEN_BYTE};
use crate::flags;
use crate::params::{Key, Params, Writer};
use crate::plan_path;
use crate::texts::Text;
use crate::Lang;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "private-cow-fork",
    topic: Topic::Beyond,
    keys: &[Key::Writer, Key::Flags],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Ok,
    // Every one succeeds: what differs is what each process reads and what the file holds
    // (checked in tests/defaults.rs).
    variants: &[
        // Shared: the parent reads the child's byte, and the file has it.
        Variant {
            sets: &["flags=MAP_SHARED"],
            expect: Expect::Ok,
        },
        // Written before the fork: both processes start from that page.
        Variant {
            sets: &["writer=before-fork"],
            expect: Expect::Ok,
        },
        // The parent writes after the fork: the child keeps reading the file's byte.
        Variant {
            sets: &["writer=parent"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["writer=parent", "flags=MAP_SHARED"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["writer=before-fork", "flags=MAP_SHARED"],
            expect: Expect::Ok,
        },
    ],
    evidence,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: page,
        flags: flags::MAP_PRIVATE,
        ..Params::base(page)
    }
}

/// Map, maybe write before the fork, fork; then the writer stores `*` at byte 0, and each
/// process loads byte 0 once the other is done with it (the pipe orders a parent that writes
/// after the fork; waitpid a child that writes); last, the file's own byte 0.
fn build(p: &Params, _page: u64) -> Plan {
    let (mut plan, _, map) = open_and_map(p);
    let store = || TouchOp::Byte {
        addr: Val::Ret(map),
        write: true,
        value: WRITTEN_BYTE,
    };
    let load = || TouchOp::Byte {
        addr: Val::Ret(map),
        write: false,
        value: 0,
    };
    if p.writer == Writer::BeforeFork {
        plan.push(Step::critical(store()));
    }
    let pipe = (p.writer == Writer::Parent).then(|| plan.push(Step::critical(DescriptorOp::Pipe)));
    let pid = plan.push(Step::critical(IpcOp::Fork));
    match (p.writer, pipe) {
        (Writer::Parent, Some(pipe)) => {
            plan.push(Step::critical(store()));
            plan.push(Step::critical(IpcOp::PipeWrite { fd: Val::Aux(pipe) }));
            plan.push(Step::critical(IpcOp::PipeRead { fd: Val::Ret(pipe) }).in_child());
        }
        (Writer::Child, _) => {
            plan.push(Step::critical(store()).in_child());
        }
        _ => {}
    }
    plan.push(Step::critical(load()).in_child());
    plan.push(Step::critical(IpcOp::Exit).in_child());
    plan.push(Step::critical(IpcOp::Waitpid { pid: Val::Ret(pid) }));
    plan.push(Step::critical(load()));
    plan.push(
        Step::optional(DescriptorOp::ReadFileByte {
            path: plan_path(DATA),
            offset: 0,
        })
        .because(Purpose::CheckFile),
    );
    plan
}

/// `the child wrote '*'; the parent then read 'A': the child's write stayed private`: the byte
/// written and the byte the other process read after it, from the record's loads.
fn evidence(found: &Found, lang: Lang) -> Option<Evidence> {
    if found.run.outcome != Outcome::Ok {
        return evidence::standard(found, lang);
    }
    let load = |child: bool| {
        found.last_where(|s| {
            s.op.function() == Function::Load
                && s.purpose.is_none()
                && (s.side == Side::Child) == child
        })
    };
    let read = |s: &StepRecord| s.ret.map(evidence::byte);
    let (parent_at, parent) = load(false)?;
    let (child_at, child) = load(true)?;
    let (_, store) = found.last(Function::Store)?;
    let written = read(store)?;
    let who = |child: bool| {
        if child {
            Text::EvidenceChild
        } else {
            Text::EvidenceParent
        }
        .get(lang)
    };
    let (step, text) = match found.params.writer {
        Writer::BeforeFork => (
            parent_at.max(child_at),
            Text::EvidenceCowBeforeFork.fill(lang, &[&read(child)?, &read(parent)?]),
        ),
        writer => {
            let child_wrote = writer == Writer::Child;
            let (at, reader) = if child_wrote {
                (parent_at, parent)
            } else {
                (child_at, child)
            };
            let text = if reader.ret == store.ret {
                Text::EvidenceCowShared
            } else {
                Text::EvidenceCowPrivate
            };
            (
                at,
                text.fill(
                    lang,
                    &[who(child_wrote), who(!child_wrote), &read(reader)?, &written],
                ),
            )
        }
    };
    Some(Evidence { step, text })
}
