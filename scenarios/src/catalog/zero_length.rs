//! A length of 0: `EINVAL`, for files and anonymous mappings alike.

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "zero-length",
    order: 4,
    topic: Topic::Arguments,
    keys: &[Key::Length, Key::File, Key::Prot, Key::Flags],
    context: CALL_KEYS,
    defaults,
    build,
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
