//! Every knob free: whatever the kernel says.

use crate::catalog::{Expect, Scenario, Topic, Variant, CALL_KEYS};
use crate::engine::{Function, Plan, WarningKind};
use crate::experiment::{self, Shape};
use crate::params::{self, Params};
use nix::errno::Errno;
use nix::sys::signal::Signal;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "playground",
    topic: Topic::Free,
    keys: &params::PLAYGROUND_KEYS,
    context: CALL_KEYS,
    defaults,
    build,
    expect: Expect::Ok,
    // One or more per errno and signal of README's "Every errno a normal user can reach".
    variants: &[
        // the lesson's: write-only is never enough.
        Variant {
            sets: &["open=O_WRONLY"],
            expect: Expect::errno(Function::Mmap, Errno::EACCES),
        },
        Variant {
            sets: &["file=pipe", "prot=PROT_READ"],
            expect: Expect::errno(Function::Mmap, Errno::ENODEV),
        },
        Variant {
            sets: &["offset=-{page}"],
            expect: Expect::errno(Function::Mmap, Errno::EOVERFLOW),
        },
        Variant {
            sets: &["file=sealed-memfd"],
            expect: Expect::errno(Function::Mmap, Errno::EPERM),
        },
        // MAP_ANONYMOUS alone: neither shared nor private.
        Variant {
            sets: &["flags=0x20"],
            expect: Expect::errno(Function::Mmap, Errno::EINVAL),
        },
        Variant {
            sets: &["munmap_length=0"],
            expect: Expect::errno(Function::Munmap, Errno::EINVAL),
        },
        Variant {
            sets: &["file=bad-fd"],
            expect: Expect::errno(Function::Mmap, Errno::EBADF),
        },
        Variant {
            sets: &["addr=existing", "flags=MAP_SHARED|MAP_FIXED_NOREPLACE"],
            expect: Expect::errno(Function::Mmap, Errno::EEXIST),
        },
        // MAP_FIXED replaces the existing mapping silently: OK, but the maps captured
        // before it show what was lost.
        Variant {
            sets: &["addr=existing", "flags=MAP_SHARED|MAP_FIXED"],
            expect: Expect::OkWarned(WarningKind::MapFixedReplaced),
        },
        // Another process shrinks the file under the mapping: the touch past its new end.
        Variant {
            sets: &["truncate_to=0", "access=read@0"],
            expect: Expect::Signal(Signal::SIGBUS),
        },
        Variant {
            sets: &["file=directory", "prot=PROT_READ"],
            expect: Expect::errno(Function::Mmap, Errno::ENODEV),
        },
        // Write access to a read-only descriptor is checked before the file type.
        Variant {
            sets: &["file=pipe"],
            expect: Expect::errno(Function::Mmap, Errno::EACCES),
        },
        Variant {
            sets: &["file=directory"],
            expect: Expect::errno(Function::Mmap, Errno::EACCES),
        },
        // /dev/null opens read-write, so only its type is refused.
        Variant {
            sets: &["file=dev-null"],
            expect: Expect::errno(Function::Mmap, Errno::ENODEV),
        },
        Variant {
            sets: &["rlimit_as=1M"],
            expect: Expect::errno(Function::Mmap, Errno::ENOMEM),
        },
        // At vm.max_map_count mmap still makes one more mapping (it checks `>`, splits check `>=`).
        Variant {
            sets: &["exhaust_map_count=true"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["flags=MAP_SHARED_VALIDATE|0x80000"],
            expect: Expect::errno(Function::Mmap, Errno::EOPNOTSUPP),
        },
        // Root's CAP_IPC_LOCK lets MAP_LOCKED past RLIMIT_MEMLOCK.
        Variant {
            sets: &["rlimit_memlock=0", "flags=MAP_SHARED|MAP_LOCKED"],
            expect: Expect::Privileged {
                user: &Expect::Errno {
                    call: Function::Mmap,
                    errno: Errno::EAGAIN,
                },
                root: &Expect::Ok,
            },
        },
        Variant {
            sets: &["prot=PROT_READ", "access=write@0"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        Variant {
            sets: &["mprotect=PROT_NONE", "access=read@0"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        Variant {
            sets: &["file=new", "access=read@0"],
            expect: Expect::Signal(Signal::SIGBUS),
        },
        Variant {
            sets: &["file=anonymous", "access=write@0"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["close_fd=true", "access=write@0"],
            expect: Expect::Ok,
        },
        // A writable private mapping counts against RLIMIT_DATA.
        Variant {
            sets: &["rlimit_data=0", "flags=MAP_PRIVATE"],
            expect: Expect::errno(Function::Mmap, Errno::ENOMEM),
        },
        Variant {
            sets: &["mprotect=PROT_READ|PROT_EXEC"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["flags=MAP_PRIVATE", "access=write@0"],
            expect: Expect::Ok,
        },
    ],
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
