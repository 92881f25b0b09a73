//! `ptr++` then `munmap(ptr, len)`: a shift of one byte is refused; a shift of a whole page is
//! accepted and unmaps the wrong range.

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "munmap-shifted-pointer",
    order: 1,
    topic: Topic::Arguments,
    keys: &[Key::MunmapShift, Key::MunmapLength, Key::Length, Key::File],
    context: CALL_KEYS,
    defaults,
    build,
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
