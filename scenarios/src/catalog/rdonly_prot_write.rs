//! A file opened `O_RDONLY`, mapped `PROT_READ|PROT_WRITE`: refused with `MAP_SHARED`,
//! accepted with `MAP_PRIVATE` (copy-on-write: the file never changes).

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan};
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Access, Key, Params};
use nix::errno::Errno;
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "rdonly-prot-write",
    topic: Topic::Arguments,
    keys: &[Key::Open, Key::Prot, Key::Flags, Key::Access],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::errno(Function::Mmap, Errno::EACCES),
    variants: &[
        // Copy-on-write: the file never changes.
        Variant {
            sets: &["flags=MAP_PRIVATE"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["open=O_RDWR"],
            expect: Expect::Ok,
        },
        // mmap agrees, then the write hits a read-only mapping.
        Variant {
            sets: &["prot=PROT_READ"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        // Write-only is never enough for a file mapping.
        Variant {
            sets: &["open=O_WRONLY"],
            expect: Expect::errno(Function::Mmap, Errno::EACCES),
        },
        Variant {
            sets: &["prot=PROT_READ", "access=read@0"],
            expect: Expect::Ok,
        },
        // PROT_WRITE alone is no failure: the maps line shows `-w-s`, and the read through
        // the mapping works anyway on x86_64, whose page tables cannot express write-only.
        Variant {
            sets: &["open=O_RDWR", "prot=PROT_WRITE", "access=read@0"],
            expect: Expect::Ok,
        },
        // The "consistent" pair of the notes: write-only open, write-only mapping. Refused:
        // the kernel needs to read the file to fill the pages.
        Variant {
            sets: &["open=O_WRONLY", "prot=PROT_WRITE"],
            expect: Expect::errno(Function::Mmap, Errno::EACCES),
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: page,
        open: flags::O_RDONLY,
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
            ..Shape::default()
        },
    )
}
