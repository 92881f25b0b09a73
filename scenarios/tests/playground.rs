//! One playground case (or more) for every errno of `man 2 mmap` / `man 2 munmap` that a
//! normal process can provoke on x86_64 Linux, plus SIGSEGV and SIGBUS. Each expectation is
//! what the kernel answered when this table was written; the test asserts the kernel still
//! says so in this run.

mod common;

use common::{describe, dump, run};
use mmap_lab_engine::engine;

/// Run the playground with these settings and check the outcome.
fn case(sets: &[&str], want: &str) {
    let record = run("playground", sets);
    assert_eq!(describe(&record), want, "{sets:?}\n{}", dump(&record));
}

#[test]
fn eacces() {
    case(
        &["open=O_WRONLY", "prot=PROT_READ"],
        "errno EACCES from mmap",
    );
    case(
        &["open=O_WRONLY", "prot=PROT_WRITE"],
        "errno EACCES from mmap",
    );
    case(
        &[
            "open=O_RDONLY",
            "prot=PROT_READ|PROT_WRITE",
            "flags=MAP_SHARED",
        ],
        "errno EACCES from mmap",
    );
    // Also from mprotect: asking for write access later is checked the same way.
    case(
        &[
            "open=O_RDONLY",
            "prot=PROT_READ",
            "mprotect=PROT_READ|PROT_WRITE",
        ],
        "errno EACCES from mprotect",
    );
}

#[test]
fn o_append_is_not_append_only() {
    // The man page's "append-only" is the inode attribute (chattr +a), not O_APPEND.
    case(&["open=O_RDWR|O_APPEND"], "ok");
}

#[test]
fn eagain_depends_on_privilege() {
    let record = run(
        "playground",
        &[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
            "length=64K",
            "rlimit_memlock=4096",
        ],
    );
    if record.run.privileged {
        // Root's CAP_IPC_LOCK ignores RLIMIT_MEMLOCK; tests/cli.rs checks the normal user's
        // answer by running the lab as `nobody`.
        assert_eq!(describe(&record), "ok", "{}", dump(&record));
    } else {
        assert_eq!(
            describe(&record),
            "errno EAGAIN from mmap",
            "{}",
            dump(&record)
        );
    }
}

#[test]
fn ebadf() {
    case(&["file=bad-fd"], "errno EBADF from mmap");
    // The same fd with MAP_ANONYMOUS is fine: the descriptor is ignored.
    case(&["file=bad-fd", "flags=MAP_PRIVATE|MAP_ANONYMOUS"], "ok");
}

#[test]
fn eexist() {
    case(
        &[
            "file=anonymous",
            "addr=existing",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE",
        ],
        "errno EEXIST from mmap",
    );
    // MAP_FIXED replaces the existing mapping silently.
    case(
        &[
            "file=anonymous",
            "addr=existing",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED",
        ],
        "ok",
    );
}

#[test]
fn einval() {
    case(&["offset=1000"], "errno EINVAL from mmap");
    case(&["length=0"], "errno EINVAL from mmap");
    case(&["flags=0"], "errno EINVAL from mmap");
    case(
        &["file=anonymous", "flags=MAP_ANONYMOUS"],
        "errno EINVAL from mmap",
    );
    case(
        &[
            "file=anonymous",
            "addr=0x10000001",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED",
        ],
        "errno EINVAL from mmap",
    );
    case(&["munmap_shift=1"], "errno EINVAL from munmap");
    case(&["munmap_length=0"], "errno EINVAL from munmap");
}

#[test]
fn enodev() {
    case(&["file=pipe", "prot=PROT_READ"], "errno ENODEV from mmap");
    case(
        &["file=directory", "prot=PROT_READ"],
        "errno ENODEV from mmap",
    );
    case(
        &["file=dev-null", "prot=PROT_READ"],
        "errno ENODEV from mmap",
    );
}

#[test]
fn enomem() {
    case(
        &[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "length=64M",
            "rlimit_as=16M",
        ],
        "errno ENOMEM from mmap",
    );
    case(
        &[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "length=64M",
            "rlimit_data=16M",
        ],
        "errno ENOMEM from mmap",
    );
    case(
        &[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "length=0x1000000000000000",
        ],
        "errno ENOMEM from mmap",
    );
    case(
        &[
            "file=anonymous",
            "addr=0x800000000000",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED",
        ],
        "errno ENOMEM from mmap",
    );
}

/// Whether `vm.max_map_count` is above what the lab fills (2^21 mappings), read here from
/// `/proc`: then the fill must answer E2BIG ("too high to reach quickly"), and it must not
/// otherwise. Either way the answer is checked; the ENOMEM checks run where the limit is lower.
fn map_count_too_high(filled: &engine::StepRecord) -> bool {
    let limit: u64 = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(65530);
    let too_high = limit > 1 << 21;
    assert_eq!(
        filled.errno == Some(mmap_lab_engine::Errno::E2BIG),
        too_high,
        "vm.max_map_count is {limit}; the fill answered {:?}",
        filled.errno
    );
    too_high
}

#[test]
fn enomem_at_max_map_count() {
    let page = engine::page_size();
    let three = format!("length={}", 3 * page);
    let shift = format!("munmap_shift={page}");
    let one = format!("munmap_length={page}");
    let record = run(
        "playground",
        &["exhaust_map_count=true", &three, &shift, &one],
    );
    let filled = &record.run.steps[0];
    if map_count_too_high(filled) {
        return;
    }
    // Either the mmap itself no longer fits, or the munmap that would split it is refused:
    // both are the kernel's ENOMEM for "too many mappings".
    let got = describe(&record);
    assert!(
        got == "errno ENOMEM from munmap" || got == "errno ENOMEM from mmap",
        "{got}\n{}",
        dump(&record)
    );
}

#[test]
fn eoverflow() {
    let page = engine::page_size();
    case(&[&format!("offset=-{page}")], "errno EOVERFLOW from mmap");
    case(
        &[&format!("offset=-{page}"), "flags=MAP_PRIVATE"],
        "errno EOVERFLOW from mmap",
    );
}

#[test]
fn eperm() {
    case(
        &[
            "file=sealed-memfd",
            "prot=PROT_READ|PROT_WRITE",
            "flags=MAP_SHARED",
        ],
        "errno EPERM from mmap",
    );
    case(&["file=sealed-memfd", "prot=PROT_READ"], "ok");
}

#[test]
fn eopnotsupp() {
    case(
        &["flags=MAP_SHARED_VALIDATE|0x80000"],
        "errno EOPNOTSUPP from mmap",
    );
    case(&["flags=MAP_SHARED_VALIDATE"], "ok");
}

#[test]
fn sigsegv() {
    case(
        &["prot=PROT_READ", "access=write@0"],
        "signal SIGSEGV at store",
    );
    case(
        &["prot=PROT_NONE", "access=read@0"],
        "signal SIGSEGV at load",
    );
    case(
        &["mprotect=PROT_NONE", "access=read@0"],
        "signal SIGSEGV at load",
    );
    let page = engine::page_size();
    case(
        &["guard=true", &format!("access=read@{page}")],
        "signal SIGSEGV at load",
    );
}

#[test]
fn sigbus() {
    case(&["file=new", "access=read@0"], "signal SIGBUS at load");
    let page = engine::page_size();
    case(
        &[
            "file_size=100",
            &format!("length={}", 2 * page),
            &format!("access=write@{page}"),
        ],
        "signal SIGBUS at store",
    );
    case(
        &[&format!("offset={}", 8 * page), "access=read@0"],
        "signal SIGBUS at load",
    );
}

#[test]
fn close_fd_and_touch_still_works() {
    case(&["close_fd=true", "access=write@0"], "ok");
}

#[test]
fn extreme_numbers_are_answers_not_panics() {
    case(
        &["munmap_length=0xffffffffffffffff"],
        "errno EINVAL from munmap",
    );
    case(
        &["munmap_shift=-9223372036854775808"],
        "errno EINVAL from munmap",
    );
    case(
        &["offset=-9223372036854775808"],
        "errno EOVERFLOW from mmap",
    );
    case(&["length=0xffffffffffffffff"], "errno ENOMEM from mmap");
}

/// Run scenario `id` with these settings and check the outcome (the errnos that need the hole
/// after the mapping, or the two adjacent mappings, that only the scenarios arrange).
fn scenario_case(id: &str, sets: &[&str], want: &str) {
    let record = run(id, sets);
    assert_eq!(describe(&record), want, "{id} {sets:?}\n{}", dump(&record));
}

#[test]
fn msync_errnos() {
    case(&["msync_flags=MS_SYNC", "access=write@0"], "ok");
    case(&["msync_flags=MS_ASYNC|MS_SYNC"], "errno EINVAL from msync");
    case(&["msync_flags=0x8"], "errno EINVAL from msync");
    case(
        &["msync_flags=MS_SYNC", "msync_shift=1"],
        "errno EINVAL from msync",
    );
    // Locked pages cannot be invalidated (a normal user may lock one page: RLIMIT_MEMLOCK).
    case(
        &["flags=MAP_SHARED|MAP_LOCKED", "msync_flags=MS_INVALIDATE"],
        "errno EBUSY from msync",
    );
    let page = engine::page_size();
    scenario_case(
        "msync-flags",
        &[&format!("msync_length={}", 2 * page)],
        "errno ENOMEM from msync",
    );
}

#[test]
fn mprotect_errnos() {
    case(
        &["mprotect=PROT_READ", "mprotect_shift=1"],
        "errno EINVAL from mprotect",
    );
    case(&["mprotect=0x10"], "errno EINVAL from mprotect");
    // PROT_GROWSDOWN and PROT_GROWSUP together.
    case(&["mprotect=0x3000001"], "errno EINVAL from mprotect");
    let page = engine::page_size();
    scenario_case(
        "mprotect-upgrade",
        &[
            "flags=MAP_PRIVATE",
            &format!("mprotect_length={}", 2 * page),
        ],
        "errno ENOMEM from mprotect",
    );
    scenario_case("mprotect-upgrade", &[], "errno EACCES from mprotect");
}

#[test]
fn mprotect_enomem_at_max_map_count() {
    let page = engine::page_size();
    let record = run(
        "playground",
        &[
            "exhaust_map_count=true",
            &format!("length={}", 3 * page),
            "mprotect=PROT_READ",
            &format!("mprotect_shift={page}"),
            &format!("mprotect_length={page}"),
        ],
    );
    if map_count_too_high(&record.run.steps[0]) {
        return;
    }
    // Either the mmap no longer fits, or the split into three mappings is refused.
    let got = describe(&record);
    assert!(
        got == "errno ENOMEM from mprotect" || got == "errno ENOMEM from mmap",
        "{got}\n{}",
        dump(&record)
    );
}

#[test]
fn mremap_errnos() {
    let page = engine::page_size();
    case(
        &["guard=true", "mremap_flags=0"],
        "errno ENOMEM from mremap",
    );
    case(
        &["mremap_flags=0", "new_length=0"],
        "errno EINVAL from mremap",
    );
    case(&["mremap_flags=MREMAP_FIXED"], "errno EINVAL from mremap");
    case(&["mremap_flags=0x8"], "errno EINVAL from mremap");
    case(
        &[
            &format!("length={}", 2 * page),
            "mprotect=PROT_READ",
            &format!("mprotect_length={page}"),
            "mremap_flags=MREMAP_MAYMOVE",
            &format!("new_length={}", 4 * page),
        ],
        "errno EFAULT from mremap",
    );
    case(
        &[
            "guard=true",
            "mremap_flags=MREMAP_MAYMOVE",
            "touch_old=true",
        ],
        "signal SIGSEGV at load",
    );
    scenario_case("mremap-grow", &[], "errno ENOMEM from mremap");
}

#[test]
fn mremap_eagain_depends_on_privilege() {
    let page = engine::page_size();
    let record = run(
        "playground",
        &[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
            &format!("rlimit_memlock={page}"),
            "mremap_flags=MREMAP_MAYMOVE",
        ],
    );
    // Root's CAP_IPC_LOCK ignores RLIMIT_MEMLOCK; tests/cli.rs checks the normal user's answer
    // by running the lab as `nobody`.
    let want = if record.run.privileged {
        "ok"
    } else {
        "errno EAGAIN from mremap"
    };
    assert_eq!(describe(&record), want, "{}", dump(&record));
}

#[test]
fn madvise_errnos() {
    let page = engine::page_size();
    case(&["advice=999"], "errno EINVAL from madvise");
    case(&["advice=MADV_FREE"], "errno EINVAL from madvise");
    case(
        &["flags=MAP_PRIVATE", "advice=MADV_REMOVE"],
        "errno EACCES from madvise",
    );
    case(
        &[
            "file_size=100",
            &format!("length={}", 2 * page),
            "advice=MADV_POPULATE_READ",
        ],
        "errno EFAULT from madvise",
    );
    case(
        &["prot=PROT_READ", "advice=MADV_POPULATE_WRITE"],
        "errno EINVAL from madvise",
    );
    scenario_case(
        "madvise-dontneed",
        &[&format!("madvise_length={}", 2 * page)],
        "errno ENOMEM from madvise",
    );
    scenario_case(
        "madvise-dontneed",
        &["advice=MADV_REMOVE"],
        "errno EINVAL from madvise",
    );
}

#[test]
fn madvise_refuses_the_advice_that_damages_memory() {
    let scenario = mmap_lab_engine::catalog::find("playground").expect("playground");
    for advice in ["100", "101"] {
        let sets = vec![format!("advice={advice}")];
        assert!(
            mmap_lab_engine::prepare(scenario, &sets).is_err(),
            "advice={advice} must be refused"
        );
    }
}
