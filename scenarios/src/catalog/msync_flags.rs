//! `msync` and its errors: `MS_SYNC` writes the page back and succeeds; both `MS_SYNC` and
//! `MS_ASYNC`, an unaligned pointer or an unknown bit are `EINVAL`; a range reaching past the
//! mapping is `ENOMEM`; `MS_INVALIDATE` on locked memory is `EBUSY`.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan};
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Access, Key, Params};
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "msync-flags",
    topic: Topic::Beyond,
    keys: &[
        Key::MsyncFlags,
        Key::MsyncShift,
        Key::MsyncLength,
        Key::Flags,
        Key::Access,
    ],
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Ok,
    variants: &[
        Variant {
            sets: &["msync_flags=MS_ASYNC|MS_SYNC"],
            expect: Expect::errno(Function::Msync, Errno::EINVAL),
        },
        Variant {
            sets: &["msync_flags=MS_ASYNC"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["msync_shift=1"],
            expect: Expect::errno(Function::Msync, Errno::EINVAL),
        },
        // The length need not be a page multiple: msync rounds it up.
        Variant {
            sets: &["msync_length=1"],
            expect: Expect::Ok,
        },
        // The page after the mapping is a hole: part of the range is not mapped.
        Variant {
            sets: &["msync_length={2*page}"],
            expect: Expect::errno(Function::Msync, Errno::ENOMEM),
        },
        Variant {
            sets: &["msync_flags=0x8"],
            expect: Expect::errno(Function::Msync, Errno::EINVAL),
        },
        // A private mapping has nothing to write back: still success.
        Variant {
            sets: &["flags=MAP_PRIVATE"],
            expect: Expect::Ok,
        },
        // Locked pages cannot be invalidated.
        Variant {
            sets: &["flags=MAP_SHARED|MAP_LOCKED", "msync_flags=MS_INVALIDATE"],
            expect: Expect::errno(Function::Msync, Errno::EBUSY),
        },
    ],
    evidence: crate::evidence::standard,
};

fn defaults(page: u64) -> Params {
    Params {
        access: Access::Write(0),
        msync_flags: Some(flags::MS_SYNC),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(
        params,
        page,
        Shape {
            check_file: true,
            hole: true,
            ..Shape::default()
        },
    )
}
