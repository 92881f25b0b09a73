//! A file just created with `O_CREAT` has size 0: mmap succeeds, the first touch is `SIGBUS`;
//! growing the file first (ftruncate, or lseek + write) fixes it.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan};
use crate::experiment::{self, Shape};
use crate::params::{Access, FileKind, Key, Params};
use nix::errno::Errno;
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "empty-new-file",
    topic: Topic::TheFile,
    keys: &[Key::Grow, Key::FileSize, Key::Length, Key::Access, Key::Prot, Key::Flags],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Signal(Signal::SIGBUS),
    variants: &[
        Variant {
            sets: &["grow=ftruncate"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["grow=lseek-write"],
            expect: Expect::Ok,
        },
        // No touch, no signal: mmap alone never looks at the size.
        Variant {
            sets: &["access=none"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["length=0"],
            expect: Expect::errno(Function::Mmap, Errno::EINVAL),
        },
        // Demand paging: mmap faults nothing in, the first load does.
        Variant {
            sets: &["grow=ftruncate", "access=read@0"],
            expect: Expect::Ok,
        },
        // MAP_POPULATE: mmap takes the fault, the load takes none.
        Variant {
            sets: &["grow=ftruncate", "access=read@0", "flags=MAP_SHARED|MAP_POPULATE"],
            expect: Expect::Ok,
        },
        // Grown to a single byte: the page holding it is there.
        Variant {
            sets: &["grow=lseek-write", "file_size=1"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file: FileKind::New,
        file_size: page,
        access: Access::Write(0),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(params, page, Shape::default())
}
