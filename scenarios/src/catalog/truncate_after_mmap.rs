//! The file shrinks while it is mapped: another process `ftruncate`s it. The mapping stays as
//! it was, but a touch in a page now wholly past the end of the file is `SIGBUS`; inside the
//! size the file kept (or after it grew back) the touch works.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Access, Key, Params};
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "truncate-after-mmap",
    topic: Topic::Beyond,
    keys: &[
        Key::TruncateTo,
        Key::Access,
        Key::GrowBack,
        Key::FileSize,
        Key::Length,
        Key::Flags,
    ],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Signal(Signal::SIGBUS),
    variants: &[
        // The last byte of the one page the file kept.
        Variant {
            sets: &["access=read@{page-1}"],
            expect: Expect::Ok,
        },
        // Shrunk, then grown back: the page is there again, zero-filled.
        Variant {
            sets: &["grow_back=true"],
            expect: Expect::Ok,
        },
        // Shrunk to 100 bytes: the first page stays, its tail zeroed by the truncation.
        Variant {
            sets: &["truncate_to=100", "access=read@200"],
            expect: Expect::Ok,
        },
        // Nothing left: even byte 0 is past the end.
        Variant {
            sets: &["truncate_to=0", "access=read@0"],
            expect: Expect::Signal(Signal::SIGBUS),
        },
        // A private mapping reads the file's pages too: the same SIGBUS.
        Variant {
            sets: &["flags=MAP_PRIVATE"],
            expect: Expect::Signal(Signal::SIGBUS),
        },
        // Nobody truncates: the second page is backed.
        Variant {
            sets: &["truncate_to=none"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: 2 * page,
        length: 2 * page,
        access: Access::Read(page),
        truncate_to: Some(page),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(params, page, Shape::default())
}
