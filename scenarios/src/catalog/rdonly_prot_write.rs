//! A file opened `O_RDONLY`, mapped `PROT_READ|PROT_WRITE`: refused with `MAP_SHARED`,
//! accepted with `MAP_PRIVATE` (copy-on-write: the file never changes).

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Access, Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "rdonly-prot-write",
    order: 2,
    topic: Topic::Arguments,
    keys: &[Key::Open, Key::Prot, Key::Flags, Key::Access],
    context: CALL_KEYS,
    defaults,
    build,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: page,
        open: flags::O_RDONLY,
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
