//! Closing the descriptor after mmap: the mapping holds its own reference to the file, so it
//! lives on, and with `MAP_SHARED` writes still reach the file.

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Access, Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "close-after-mmap",
    order: 6,
    topic: Topic::TheFile,
    keys: &[Key::CloseFd, Key::Flags, Key::Access],
    context: CALL_KEYS,
    defaults,
    build,
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
