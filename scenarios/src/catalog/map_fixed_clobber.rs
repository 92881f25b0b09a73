//! `MAP_FIXED` at an address that is already mapped: the kernel unmaps what was there and
//! maps anew, silently; the old mapping's data is gone and the maps show it. With
//! `MAP_FIXED_NOREPLACE` it refuses (`EEXIST`); with neither, the address is only a hint and
//! the kernel puts the new mapping somewhere else.

use crate::catalog::{Expect, Scenario, Topic, Variant};
use crate::engine::{
    DescriptorOp, FileSpec, Function, MapOp, Plan, Purpose, Step, TouchOp, Val, WarningKind, Via};
use crate::evidence::{self, Evidence, Found};
use crate::experiment::{round_up, DATA};
use crate::flags;
use crate::params::{Addr, FileKind, Key, Params};
use crate::plan_path;
use crate::texts::Text;
use crate::Lang;
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "map-fixed-clobber",
    topic: Topic::Beyond,
    keys: &[Key::Flags, Key::Length, Key::Prot],
    context: &[Key::File, Key::Addr, Key::Length, Key::Prot, Key::Flags],
    defaults,
    build,
    expect: Expect::OkWarned(WarningKind::MapFixedReplaced),
    variants: &[
        // Refused: something is mapped there.
        Variant {
            sets: &["flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE"],
            expect: Expect::errno(Function::Mmap, Errno::EEXIST),
        },
        // Only a hint: the kernel chooses another place, the old mapping keeps its data.
        Variant {
            sets: &["flags=MAP_PRIVATE|MAP_ANONYMOUS"],
            expect: Expect::Ok,
        },
        // Both flags: NOREPLACE wins, the kernel refuses.
        Variant {
            sets: &["flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_FIXED_NOREPLACE"],
            expect: Expect::errno(Function::Mmap, Errno::EEXIST),
        },
        // Shared anonymous memory replaces it just the same.
        Variant {
            sets: &["flags=MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED"],
            expect: Expect::OkWarned(WarningKind::MapFixedReplaced),
        },
        // Two pages: both replaced.
        Variant {
            sets: &["length={2*page}"],
            expect: Expect::OkWarned(WarningKind::MapFixedReplaced),
        },
    ],
    evidence,
};

fn defaults(page: u64) -> Params {
    Params {
        file: FileKind::Anonymous,
        file_size: page,
        addr: Addr::Existing,
        flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS | flags::MAP_FIXED,
        ..Params::base(page)
    }
}

/// A file mapping first (the one to be clobbered: its maps line names the file, its first
/// byte is the file's `A`), then the student's anonymous mmap at its address, then the first
/// byte at that address again.
fn build(p: &Params, page: u64) -> Plan {
    let mut plan = Plan::new();
    let old_len = round_up(p.length.max(1), page);
    // One page of file whatever the length: the lesson reads only its first byte, and a
    // mapping may reach past the end of its file. A length the kernel refuses still reaches
    // it, with nothing written to TMPDIR for it.
    plan.files.push(FileSpec {
        name: DATA,
        size: page,
    });
    let fd = plan.push(Step::critical(DescriptorOp::Open {
        path: plan_path(DATA),
        flags: flags::O_RDWR,
    }));
    let old = plan.push(
        Step::critical(MapOp::Mmap {
            addr: Val::Lit(0),
            length: old_len,
            prot: flags::PROT_READ | flags::PROT_WRITE,
            flags: flags::MAP_SHARED,
            fd: Val::Ret(fd),
            offset: 0,
            via: Via::Libc,
        })
        .because(Purpose::Existing),
    );
    plan.push(Step::optional(MapOp::Maps));
    plan.push(Step::critical(TouchOp::Byte {
        addr: Val::Ret(old),
        write: false,
        value: 0,
    }));
    let map = plan.push(Step::critical(MapOp::Mmap {
        addr: Val::Ret(old),
        length: p.length,
        prot: p.prot,
        flags: p.flags,
        fd: Val::Lit(-1),
        offset: 0,
        via: Via::Libc,
    }));
    plan.mapping_step = Some(map);
    plan.mapping_len = p.length;
    plan.push(Step::optional(MapOp::Maps));
    // The old address again: the file's byte if the old mapping survived, 0 if it was replaced.
    plan.push(Step::critical(TouchOp::Byte {
        addr: Val::Ret(old),
        write: false,
        value: 0,
    }));
    plan
}

/// `the byte at that address read 'A' before the second mmap and 0x00 after it`: the two
/// loads of the old mapping's first byte, around the mmap that may replace it.
fn evidence(found: &Found, lang: Lang) -> Option<Evidence> {
    if found.run.outcome != crate::engine::Outcome::Ok {
        return evidence::standard(found, lang);
    }
    let (step, after) = found.last(Function::Load)?;
    let (_, before) = found
        .steps()
        .find(|(i, s)| *i < step && s.function == Function::Load)?;
    Some(Evidence {
        step,
        text: Text::EvidenceClobber.fill(
            lang,
            &[&evidence::byte(before.ret?), &evidence::byte(after.ret?)],
        ),
    })
}
