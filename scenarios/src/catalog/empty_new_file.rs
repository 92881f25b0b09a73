//! A file just created with `O_CREAT` has size 0: mmap succeeds, the first touch is `SIGBUS`;
//! growing the file first (ftruncate, or lseek + write) fixes it.

use crate::catalog::{Scenario, Topic, CALL_KEYS};
use crate::engine::Plan;
use crate::experiment::{self, Shape};
use crate::params::{Access, FileKind, Key, Params};

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "empty-new-file",
    order: 5,
    topic: Topic::TheFile,
    keys: &[Key::Grow, Key::FileSize, Key::Length, Key::Access, Key::Prot, Key::Flags],
    context: CALL_KEYS,
    defaults,
    build,
};

fn defaults(page: u64) -> Params {
    Params {
        file: FileKind::New,
        file_size: page,
        access: Access::Write(0),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(params, page, Shape::default())
}
