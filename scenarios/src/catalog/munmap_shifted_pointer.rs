//! `ptr++` then `munmap(ptr, len)`: a shift of one byte is refused; a shift of a whole page is
//! accepted and unmaps the wrong range.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan, WarningKind};
use crate::experiment::{self, Shape};
use crate::params::{Key, Params};
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "munmap-shifted-pointer",
    topic: Topic::Arguments,
    keys: &[Key::MunmapShift, Key::MunmapLength, Key::Length, Key::File, Key::Via],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::errno(Function::Munmap, Errno::EINVAL),
    variants: &[
        // A whole page: accepted, and the wrong range is unmapped.
        Variant {
            sets: &["munmap_shift={page}"],
            expect: Expect::OkWarned(WarningKind::MunmapMissed),
        },
        // The correct pointer.
        Variant {
            sets: &["munmap_shift=0"],
            expect: Expect::Ok,
        },
        // Two pages: the whole mapping stays, two pages past it go.
        Variant {
            sets: &["munmap_shift={2*page}"],
            expect: Expect::OkWarned(WarningKind::MunmapMissed),
        },
        // The rule is about the address, not about what is mapped there.
        Variant {
            sets: &["file=anonymous"],
            expect: Expect::errno(Function::Munmap, Errno::EINVAL),
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: 2 * page,
        length: 2 * page,
        munmap_shift: 1,
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(
        params,
        page,
        Shape {
            munmap: true,
            ..Shape::default()
        },
    )
}
