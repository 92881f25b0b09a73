//! Growing a mapping with `mremap`: in place only if the pages after it are free. Here they
//! are taken, by a neighbour placed there on purpose (two mappings side by side, `MAP_FIXED`
//! inside one reservation), so without `MREMAP_MAYMOVE` the answer is `ENOMEM`; with it the
//! mapping moves, its data with it, and the old pointer points at nothing (`SIGSEGV`).

use crate::catalog::{Expect, Scenario, Topic, Variant};
use crate::engine::{Function, MapOp, Plan, Purpose, Step, TouchOp, Val, Via};
use crate::experiment::{round_up, WRITTEN_BYTE};
use crate::flags;
use crate::params::{FileKind, Key, Params};
use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "mremap-grow",
    topic: Topic::Beyond,
    keys: &[
        Key::MremapFlags,
        Key::NewLength,
        Key::TouchOld,
        Key::Neighbour,
        Key::Length,
    ],
    context: &[Key::File, Key::Prot, Key::Flags],
    defaults,
    build,
    expect: Expect::errno(Function::Mremap, Errno::ENOMEM),
    variants: &[
        // Moved: a new address, the byte written before the move is there.
        Variant {
            sets: &["mremap_flags=MREMAP_MAYMOVE"],
            expect: Expect::Ok,
        },
        // The page after the mapping is free: it grows where it is, same address.
        Variant {
            sets: &["neighbour=false"],
            expect: Expect::Ok,
        },
        // The old pointer now points at nothing.
        Variant {
            sets: &["mremap_flags=MREMAP_MAYMOVE", "touch_old=true"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        // Shrinking always happens in place: the old pointer stays good.
        Variant {
            sets: &["length={2*page}", "new_length={page}", "touch_old=true"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["new_length=0"],
            expect: Expect::errno(Function::Mremap, Errno::EINVAL),
        },
        // MREMAP_FIXED names a target address, which only a mapping allowed to move can take.
        Variant {
            sets: &["mremap_flags=MREMAP_FIXED"],
            expect: Expect::errno(Function::Mremap, Errno::EINVAL),
        },
        // Moved, and the old range stays mapped, empty: the old pointer reads a zero.
        Variant {
            sets: &[
                "mremap_flags=MREMAP_MAYMOVE|MREMAP_DONTUNMAP",
                "new_length={page}",
                "touch_old=true",
            ],
            expect: Expect::Ok,
        },
        // MREMAP_DONTUNMAP moves without resizing.
        Variant {
            sets: &["mremap_flags=MREMAP_MAYMOVE|MREMAP_DONTUNMAP"],
            expect: Expect::errno(Function::Mremap, Errno::EINVAL),
        },
        // `none`: no mremap at all, so nothing to refuse.
        Variant {
            sets: &["mremap_flags=none"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["mremap_flags=0x8"],
            expect: Expect::errno(Function::Mremap, Errno::EINVAL),
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file: FileKind::Anonymous,
        file_size: 0,
        flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS,
        mremap_flags: Some(0),
        new_length: 2 * page,
        ..Params::base(page)
    }
}

fn build(p: &Params, page: u64) -> Plan {
    let mut plan = Plan::new();
    let len = round_up(p.length.max(1), page);
    // Where the mapping goes is decided here, not left to the kernel's placement: one
    // reservation for the mapping and one page after it, then both placed in it with
    // MAP_FIXED, so that the page after the mapping is certainly taken.
    let reserve = plan.push(
        Step::critical(MapOp::Mmap {
            addr: Val::Lit(0),
            length: len.saturating_add(page),
            prot: libc::PROT_NONE,
            flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS | flags::MAP_NORESERVE,
            fd: Val::Lit(-1),
            offset: 0,
            via: Via::Libc,
        })
        .because(Purpose::NeighbourReserve),
    );
    let map = plan.push(Step::critical(MapOp::Mmap {
        addr: Val::Ret(reserve),
        length: p.length,
        prot: p.prot,
        flags: p.flags | flags::MAP_FIXED,
        fd: Val::Lit(-1),
        offset: 0,
        via: Via::Libc,
    }));
    plan.mapping_step = Some(map);
    plan.mapping_len = p.length;
    let after = Val::RetPlus(reserve, len as i64);
    if p.neighbour {
        // Read-only, unlike the mapping, so that the kernel cannot merge the two into one.
        plan.push(
            Step::critical(MapOp::Mmap {
                addr: after,
                length: page,
                prot: libc::PROT_READ,
                flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS | flags::MAP_FIXED,
                fd: Val::Lit(-1),
                offset: 0,
                via: Via::Libc,
            })
            .because(Purpose::Neighbour),
        );
    } else {
        // Give the reservation's last page back: one free page to grow into.
        plan.push(
            Step::critical(MapOp::Munmap {
                addr: after,
                length: page,
                via: Via::Libc,
            })
            .because(Purpose::Hole),
        );
    }
    plan.push(Step::optional(MapOp::Maps));
    // A byte to follow: after a move it is found at the new address.
    plan.push(
        Step::critical(TouchOp::Byte {
            addr: Val::Ret(map),
            write: true,
            value: WRITTEN_BYTE,
        })
        .because(Purpose::Marker),
    );
    // `none` means no mremap call at all, as its documentation says: the plan stops at the
    // marker, so the kernel's answer to the mapping alone is what the student sees.
    let Some(mremap_flags) = p.mremap_flags else {
        return plan;
    };
    let moved = plan.push(Step::critical(MapOp::Mremap {
        addr: Val::Ret(map),
        old_length: p.length,
        new_length: p.new_length,
        flags: mremap_flags,
    }));
    plan.push(Step::optional(MapOp::Maps));
    plan.push(Step::critical(TouchOp::Byte {
        addr: Val::Ret(moved),
        write: false,
        value: 0,
    }));
    if p.touch_old {
        plan.push(Step::critical(TouchOp::Byte {
            addr: Val::Ret(map),
            write: false,
            value: 0,
        }));
    }
    plan
}
