//! A length of 0: `EINVAL`, for files and anonymous mappings alike.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan};
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Key, Params};
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "zero-length",
    topic: Topic::Arguments,
    keys: &[Key::Length, Key::File, Key::Prot, Key::Flags, Key::Via],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::errno(Function::Mmap, Errno::EINVAL),
    variants: &[
        Variant {
            sets: &["length=1"],
            expect: Expect::Ok,
        },
        // No file is involved in the check.
        Variant {
            sets: &["file=anonymous"],
            expect: Expect::errno(Function::Mmap, Errno::EINVAL),
        },
        // The descriptor is looked up before the length is checked.
        Variant {
            sets: &["file=bad-fd"],
            expect: Expect::errno(Function::Mmap, Errno::EBADF),
        },
        // Five pages of a four-page file: mmap does not check the file size.
        Variant {
            sets: &["length={4*page+1}"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        length: 0,
        prot: flags::PROT_READ,
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(params, page, Shape::default())
}
