//! Touching past the end: inside the last page works; in a mapped page wholly past the end of
//! the file, `SIGBUS`; past the mapping, `SIGSEGV` (onto a guard page, so it is certain).

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Access, Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "out-of-bounds",
    order: 7,
    topic: Topic::TheFile,
    keys: &[Key::Access, Key::Length, Key::FileSize, Key::Guard, Key::Prot, Key::Flags],
    context: CALL_KEYS,
    defaults,
    build,
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
