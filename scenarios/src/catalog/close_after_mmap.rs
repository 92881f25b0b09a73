//! Closing the descriptor after mmap: the mapping holds its own reference to the file, so it
//! lives on, and with `MAP_SHARED` writes still reach the file.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Access, Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "close-after-mmap",
    topic: Topic::TheFile,
    keys: &[Key::CloseFd, Key::Flags, Key::Access],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Ok,
    variants: &[
        Variant {
            sets: &["close_fd=false"],
            expect: Expect::Ok,
        },
        // The write works; the file keeps its old byte (checked in tests/defaults.rs).
        Variant {
            sets: &["flags=MAP_PRIVATE"],
            expect: Expect::Ok,
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: page,
        close_fd: true,
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
