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
    // One or more per errno and signal of "Every errno a normal user can reach" in docs/cli.md.
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
        // Root's CAP_IPC_LOCK lets MAP_LOCKED past RLIMIT_MEMLOCK. Without it, a limit of 0
        // means the process may not lock at all, and the kernel answers EPERM before it counts
        // anything (a limit above 0 but too small for the mapping is EAGAIN): seen as nobody.
        Variant {
            sets: &["rlimit_memlock=0", "flags=MAP_SHARED|MAP_LOCKED"],
            expect: Expect::Privileged {
                user: &Expect::Errno {
                    call: Function::Mmap,
                    errno: Errno::EPERM,
                },
                root: &Expect::Ok,
            },
        },
        // A new, empty file grown before the mapping (empty-new-file's knob): the write lands
        // in the file.
        Variant {
            sets: &["file=new", "grow=ftruncate", "access=write@0"],
            expect: Expect::Ok,
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
        // msync, mprotect, mremap and madvise: their errnos beyond those of their scenarios.
        Variant {
            sets: &["msync_flags=MS_ASYNC|MS_SYNC"],
            expect: Expect::errno(Function::Msync, Errno::EINVAL),
        },
        Variant {
            sets: &["flags=MAP_SHARED|MAP_LOCKED", "msync_flags=MS_INVALIDATE"],
            expect: Expect::errno(Function::Msync, Errno::EBUSY),
        },
        Variant {
            sets: &["mprotect=PROT_READ", "mprotect_shift=1"],
            expect: Expect::errno(Function::Mprotect, Errno::EINVAL),
        },
        // The guard page above the mapping leaves no room to grow in place.
        Variant {
            sets: &["guard=true", "mremap_flags=0"],
            expect: Expect::errno(Function::Mremap, Errno::ENOMEM),
        },
        // With room to move, the old pointer is left pointing at nothing.
        Variant {
            sets: &["guard=true", "mremap_flags=MREMAP_MAYMOVE", "touch_old=true"],
            expect: Expect::Signal(Signal::SIGSEGV),
        },
        // mprotect split the mapping in two: the old range spans two mappings.
        Variant {
            sets: &[
                "length={2*page}",
                "mprotect=PROT_READ",
                "mprotect_length={page}",
                "mremap_flags=MREMAP_MAYMOVE",
                "new_length={4*page}",
            ],
            expect: Expect::errno(Function::Mremap, Errno::EFAULT),
        },
        Variant {
            sets: &["mremap_flags=0", "new_length=0"],
            expect: Expect::errno(Function::Mremap, Errno::EINVAL),
        },
        // Growing locked memory past RLIMIT_MEMLOCK; root's CAP_IPC_LOCK ignores the limit.
        Variant {
            sets: &[
                "file=anonymous",
                "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
                "rlimit_memlock={page}",
                "mremap_flags=MREMAP_MAYMOVE",
            ],
            expect: Expect::Privileged {
                user: &Expect::Errno {
                    call: Function::Mremap,
                    errno: Errno::EAGAIN,
                },
                root: &Expect::Ok,
            },
        },
        Variant {
            sets: &["advice=999"],
            expect: Expect::errno(Function::Madvise, Errno::EINVAL),
        },
        Variant {
            sets: &["flags=MAP_PRIVATE", "advice=MADV_REMOVE"],
            expect: Expect::errno(Function::Madvise, Errno::EACCES),
        },
        // Populating a page wholly past the end of the file would be a SIGBUS.
        Variant {
            sets: &[
                "file_size=100",
                "length={2*page}",
                "advice=MADV_POPULATE_READ",
            ],
            expect: Expect::errno(Function::Madvise, Errno::EFAULT),
        },
    ],
    evidence: crate::evidence::standard,
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
            hole: false,
        },
    )
}
