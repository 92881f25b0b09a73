//! Touching past the end: inside the last page works; in a mapped page wholly past the end of
//! the file, `SIGBUS`; past the mapping, `SIGSEGV` (onto a guard page, so it is certain).

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Access, Key, Params};
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "out-of-bounds",
    topic: Topic::TheFile,
    keys: &[Key::Access, Key::Length, Key::FileSize, Key::Guard, Key::Prot, Key::Flags],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Signal(Signal::SIGSEGV),
    variants: &[
        // Same page as the file's end: works.
        Variant {
            sets: &["access=write@200"],
            expect: Expect::Ok,
        },
        // The write at one page falls in a mapped page wholly past the end of the file.
        Variant {
            sets: &["length={2*page}"],
            expect: Expect::Signal(Signal::SIGBUS),
        },
        Variant {
            sets: &["access=read@{page-1}"],
            expect: Expect::Ok,
        },
        // No guard page: the touch meets whatever the process has mapped there.
        Variant {
            sets: &["guard=false"],
            expect: Expect::DependsOnLayout(&[Expect::Ok, Expect::Signal(Signal::SIGSEGV)]),
        },
        // Past the two-page mapping, onto the guard.
        Variant {
            sets: &["length={2*page}", "access=read@{2*page}"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        Variant {
            sets: &["access=write@99"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: 100,
        length: 100,
        guard: true,
        access: Access::Write(page),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(params, page, Shape::default())
}
