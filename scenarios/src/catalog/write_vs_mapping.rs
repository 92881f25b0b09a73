//! `write(2)` to a file that is mapped: a `MAP_SHARED` mapping *is* the file's page cache, so
//! the new bytes are visible through it at once. A `MAP_PRIVATE` mapping sees them too, until
//! the process stores into the page: from then on it has a copy of its own, which no later
//! write to the file reaches.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{DescriptorOp, Function, Outcome, Plan, Step, TouchOp, Val};
use crate::evidence::{self, Evidence, Found};
use crate::experiment::{open_and_map, WRITTEN_BYTE};
use crate::flags;
use crate::params::{Key, Order, Params};
use crate::texts::Text;
use crate::Lang;

/// What `write(2)` puts at the start of the file (over its `ABC`).
pub const NEW_BYTES: &str = "NEW";

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "write-vs-mapping",
    topic: Topic::Beyond,
    keys: &[Key::Flags, Key::Order],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Ok,
    // Every one succeeds: what differs is what the mapping reads back (checked in
    // tests/defaults.rs).
    variants: &[
        // Private, but not written yet: it still reads the page cache.
        Variant {
            sets: &["flags=MAP_PRIVATE"],
            expect: Expect::Ok,
        },
        // Private and stored into first: its own copy, which the write does not reach.
        Variant {
            sets: &["flags=MAP_PRIVATE", "order=store-write-read"],
            expect: Expect::Ok,
        },
        // A load copies nothing: the private mapping still sees the write.
        Variant {
            sets: &["flags=MAP_PRIVATE", "order=read-write-read"],
            expect: Expect::Ok,
        },
        // Shared: the store went into the file, the write over it.
        Variant {
            sets: &["order=store-write-read"],
            expect: Expect::Ok,
        },
    ],
    evidence,
};

fn defaults(page: u64) -> Params {
    Params {
        file_size: page,
        flags: flags::MAP_SHARED,
        ..Params::base(page)
    }
}

/// Map the file, touch it as `order` says, `write(2)` new bytes at its start through the
/// descriptor, and read the first bytes back through the mapping.
fn build(p: &Params, _page: u64) -> Plan {
    let (mut plan, fd, map) = open_and_map(p);
    let read = || TouchOp::ReadText {
        addr: Val::Ret(map),
        len: NEW_BYTES.len() as u64,
    };
    match p.order {
        Order::WriteRead => {}
        Order::ReadWriteRead => {
            plan.push(Step::critical(read()));
        }
        Order::StoreWriteRead => {
            plan.push(Step::critical(TouchOp::Byte {
                addr: Val::Ret(map),
                write: true,
                value: WRITTEN_BYTE,
            }));
        }
    }
    plan.push(Step::critical(DescriptorOp::WriteText {
        fd: Val::Ret(fd),
        text: NEW_BYTES,
    }));
    plan.push(Step::critical(read()));
    plan
}

/// `after write(), the mapping shows "NEW"`: the text read through the mapping after the
/// write, and before it when the order reads first.
fn evidence(found: &Found, lang: Lang) -> Option<Evidence> {
    if found.run.outcome != Outcome::Ok {
        return evidence::standard(found, lang);
    }
    let (write_at, _) = found.last(Function::Write)?;
    let (step, after) = found
        .last(Function::Memcpy)
        .filter(|(i, _)| *i > write_at)?;
    // A read before the write, in the orders that make one.
    let before = found
        .steps()
        .find(|(i, s)| *i < write_at && s.function == Function::Memcpy && s.ret.is_some());
    let text = match before {
        Some((_, before)) => Text::EvidenceMappingShowed.fill(lang, &[&before.result, &after.result]),
        None => Text::EvidenceMappingShows.fill(lang, &[&after.result]),
    };
    Some(Evidence { step, text })
}
