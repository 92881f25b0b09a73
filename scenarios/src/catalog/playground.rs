//! Every knob free: whatever the kernel says.

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{self, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "playground",
    order: 10,
    topic: Topic::Free,
    keys: &params::PLAYGROUND_KEYS,
    context: CALL_KEYS,
    defaults,
    build,
};

fn defaults(page: u64) -> Params {
    Params::base(page)
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(
        params,
        page,
        Shape {
            munmap: true,
            check_file: true,
        },
    )
}
