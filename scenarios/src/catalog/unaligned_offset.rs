//! An offset of 1000: not a multiple of the page size, so `EINVAL`.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan};
use crate::experiment::{self, Shape};
use crate::params::{Key, Params};
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "unaligned-offset",
    topic: Topic::Arguments,
    keys: &[Key::Offset, Key::Length, Key::FileSize, Key::Via],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::errno(Function::Mmap, Errno::EINVAL),
    variants: &[
        // The raw system call: the kernel's own check refuses the offset (the C library's
        // wrapper refused it before the kernel was asked).
        Variant {
            sets: &["via=syscall"],
            expect: Expect::errno(Function::Mmap, Errno::EINVAL),
        },
        Variant {
            sets: &["offset={page}"],
            expect: Expect::Ok,
        },
        // Close is not enough: an exact multiple.
        Variant {
            sets: &["offset={page+1}"],
            expect: Expect::errno(Function::Mmap, Errno::EINVAL),
        },
        // Aligned but negative.
        Variant {
            sets: &["offset=-{page}"],
            expect: Expect::errno(Function::Mmap, Errno::EOVERFLOW),
        },
        // Past the end of the 4-page file: mmap never looks at the file size.
        Variant {
            sets: &["offset={16*page}"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["offset={3*page}"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        prot: crate::flags::PROT_READ,
        offset: 1000,
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(params, page, Shape::default())
}
