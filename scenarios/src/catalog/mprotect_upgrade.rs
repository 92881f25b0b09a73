//! Making a read-only mapping writable later: `mprotect` checks what the descriptor allowed
//! when the file was mapped, so a `MAP_SHARED` mapping of an `O_RDONLY` file refuses
//! `PROT_WRITE` with `EACCES`; `MAP_PRIVATE` accepts it (copy-on-write). Plus its `EINVAL`
//! (an unaligned pointer, unknown bits) and `ENOMEM` (a range past the mapping).

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan};
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Access, Key, Params};
use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "mprotect-upgrade",
    topic: Topic::Beyond,
    keys: &[
        Key::Mprotect,
        Key::MprotectShift,
        Key::MprotectLength,
        Key::Flags,
        Key::Open,
        Key::Access,
    ],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::errno(Function::Mprotect, Errno::EACCES),
    variants: &[
        // Copy-on-write: the write works, the file keeps its byte.
        Variant {
            sets: &["flags=MAP_PRIVATE"],
            expect: Expect::Ok,
        },
        // A read-write descriptor allows the upgrade, and the write reaches the file.
        Variant {
            sets: &["open=O_RDWR"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["mprotect_shift=1"],
            expect: Expect::errno(Function::Mprotect, Errno::EINVAL),
        },
        // One page past the start of a one-page mapping: the hole after it.
        Variant {
            sets: &["mprotect_shift={page}"],
            expect: Expect::errno(Function::Mprotect, Errno::ENOMEM),
        },
        // The first page may be made writable; the second is not mapped at all.
        Variant {
            sets: &["flags=MAP_PRIVATE", "mprotect_length={2*page}"],
            expect: Expect::errno(Function::Mprotect, Errno::ENOMEM),
        },
        // The permission is checked first: the hole is never reached.
        Variant {
            sets: &["mprotect_length={2*page}"],
            expect: Expect::errno(Function::Mprotect, Errno::EACCES),
        },
        // No upgrade asked: mprotect succeeds and the write dies.
        Variant {
            sets: &["mprotect=PROT_READ"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        // A bit that is no protection at all.
        Variant {
            sets: &["mprotect=0x10"],
            expect: Expect::errno(Function::Mprotect, Errno::EINVAL),
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        open: libc::O_RDONLY,
        prot: flags::PROT_READ,
        mprotect: Some(flags::PROT_READ | flags::PROT_WRITE),
        access: Access::Write(0),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(
        params,
        page,
        Shape {
            check_file: true,
            hole: true,
            ..Shape::default()
        },
    )
}
