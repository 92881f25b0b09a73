//! An offset of 1000: not a multiple of the page size, so `EINVAL`.

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "unaligned-offset",
    order: 3,
    topic: Topic::Arguments,
    keys: &[Key::Offset, Key::Length, Key::FileSize],
    context: CALL_KEYS,
    defaults,
    build,
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
