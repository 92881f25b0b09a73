//! What an experiment may take at once: the one place that decides, from the knobs, how much
//! the lab may write into TMPDIR and how much memory a mapping may take, before anything is
//! written or mapped.
//!
//! `MAP_POPULATE` faults every page in and `MAP_LOCKED` pins them (unbounded as root, who
//! holds `CAP_IPC_LOCK`); `mmap-copy` has four files of its size in TMPDIR at once. On a bare
//! machine one typo (`length=64G`) would take all memory, so the lab refuses more than
//! [`LARGE`] unless the user asks for it (`--allow-large`). A length the kernel refuses by
//! itself (above the address space, above a limit the run sets, more than the kernel would
//! ever commit) takes nothing: that one runs, and the kernel's answer is shown.
//!
//! What the lab writes is counted from the plan ([`tmpdir_bytes`]): the files it fills before
//! the child starts and each copy the child writes. The engine checks that against the free
//! space of TMPDIR (`statvfs`) before writing a byte.

pub use crate::engine::tmpdir_bytes;
use crate::flags::{MAP_ANONYMOUS, MAP_LOCKED, MAP_POPULATE};
use crate::params::FileKind;
use crate::{Key, Params, Scenario};
use nix::libc;

/// The default limit: 1 GiB, the same as the cap on file sizes.
pub const LARGE: u64 = 1 << 30;

/// A size above the limit: which knob, its value, and the flag that makes it costly
/// (`None` for `mmap-copy`'s size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// The knob.
    pub key: Key,
    /// Its value, in bytes.
    pub value: u64,
    /// `MAP_POPULATE` or `MAP_LOCKED`, when that is why the size counts.
    pub flag: Option<&'static str>,
}

/// The first size of `params` above `limit` that the lab would really take, if any. A
/// populated or locked anonymous mapping takes its length; a file mapping at most its file
/// (whose size is capped apart), so only anonymous memory counts. A length the kernel refuses
/// by itself is not refused here: see [`kernel_refuses`].
pub fn check(scenario: &Scenario, params: &Params, limit: u64) -> Option<TooLarge> {
    let anonymous = params.file == FileKind::Anonymous || params.flags & MAP_ANONYMOUS != 0;
    for (bit, name) in [(MAP_POPULATE, "MAP_POPULATE"), (MAP_LOCKED, "MAP_LOCKED")] {
        let taken = if anonymous {
            params.length
        } else {
            params.length.min(params.file_size)
        };
        if params.flags & bit != 0 && taken > limit && !kernel_refuses(params) {
            return Some(TooLarge {
                key: Key::Length,
                value: params.length,
                flag: Some(name),
            });
        }
    }
    (scenario.accepts(Key::CopySize) && params.copy_size > limit).then_some(TooLarge {
        key: Key::CopySize,
        value: params.copy_size,
        flag: None,
    })
}

/// Whether the kernel refuses an anonymous mapping of `params`' length, protection and flags
/// by itself, before taking any memory: a limit the run sets below the length, or the kernel
/// answering no to the same `mmap` asked here without what would allocate (`MAP_POPULATE`,
/// `MAP_LOCKED`) and without a fixed address (which could replace the lab's own memory). The
/// length above the address space, more than the kernel's overcommit policy allows, no huge
/// pages reserved: all refused without a page taken.
pub fn kernel_refuses(params: &Params) -> bool {
    let length = params.length;
    if params.rlimit_as.is_some_and(|l| l < length)
        || params.rlimit_data.is_some_and(|l| l < length)
    {
        return true;
    }
    let Ok(len) = usize::try_from(length) else {
        return true;
    };
    // What decides whether the kernel accepts the mapping at all; nothing that places it.
    let keep = libc::MAP_SHARED
        | libc::MAP_PRIVATE
        | libc::MAP_SHARED_VALIDATE
        | libc::MAP_NORESERVE
        | libc::MAP_HUGETLB
        | (0x3f << libc::MAP_HUGE_SHIFT);
    let flags = (params.flags & keep) | libc::MAP_ANONYMOUS;
    // SAFETY: a fresh anonymous mapping at an address of the kernel's choosing (no MAP_FIXED):
    // it cannot touch any memory of the lab's, and it is unmapped at once.
    let p = unsafe { libc::mmap(std::ptr::null_mut(), len, params.prot, flags, -1, 0) };
    if p == libc::MAP_FAILED {
        return true;
    }
    // SAFETY: the mapping just made, of that length, used by nothing.
    unsafe { libc::munmap(p, len) };
    false
}

/// What a run needs free in TMPDIR, for a message that names the knob behind it: the knob
/// (`copy_size`, else `file_size`), its value, and the bytes of [`tmpdir_bytes`]. `None` when
/// the run writes nothing, or no knob of the scenario sets how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The knob.
    pub key: Key,
    /// Its value.
    pub value: u64,
    /// The bytes written at the peak.
    pub bytes: u64,
}

/// See [`Need`].
pub fn tmpdir_need(scenario: &Scenario, params: &Params) -> Option<Need> {
    let plan = (scenario.build)(params, crate::engine::page_size());
    let bytes = tmpdir_bytes(&plan, 1);
    let (key, value) = if scenario.accepts(Key::CopySize) {
        (Key::CopySize, params.copy_size)
    } else if scenario.accepts(Key::FileSize) {
        (Key::FileSize, params.file_size)
    } else {
        return None;
    };
    (bytes > 0).then_some(Need { key, value, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(id: &str, sets: &[&str]) -> (&'static Scenario, Params) {
        let scenario = crate::catalog::find(id).expect(id);
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let params = crate::prepare(scenario, &sets).expect("valid");
        (scenario, params)
    }

    /// The source and three copies (mmap, read/write, copy_file_range).
    #[test]
    fn a_copy_needs_four_times_its_size() {
        let (copy, params) = prepared("mmap-copy", &["copy_size=1G"]);
        assert_eq!(
            tmpdir_need(copy, &params),
            Some(Need {
                key: Key::CopySize,
                value: 1 << 30,
                bytes: 4 << 30
            })
        );
        let (playground, params) = prepared("playground", &["file=regular", "file_size=8192"]);
        assert_eq!(
            tmpdir_need(playground, &params).map(|n| (n.key, n.bytes)),
            Some((Key::FileSize, 8192))
        );
    }

    /// A mapping's length does not make the file it replaces any larger: the kernel gets the
    /// length, TMPDIR gets one page.
    #[test]
    fn a_long_mapping_does_not_make_a_long_file() {
        let page = crate::engine::page_size();
        for length in ["0x800000000000", "0x100000000", "4096"] {
            let (clobber, params) = prepared("map-fixed-clobber", &[&format!("length={length}")]);
            let plan = (clobber.build)(&params, page);
            assert_eq!(tmpdir_bytes(&plan, page), page, "length={length}");
        }
    }

    #[test]
    fn populate_and_locked_are_bounded_and_plain_lengths_are_not() {
        let sets = |s: &[&str]| prepared("playground", s);
        let (playground, big) = sets(&[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE",
            "length=2G",
        ]);
        assert_eq!(
            check(playground, &big, LARGE).map(|t| (t.key, t.flag)),
            Some((Key::Length, Some("MAP_POPULATE")))
        );
        let (_, locked) = sets(&[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
            "length=1G",
        ]);
        assert_eq!(
            check(playground, &locked, LARGE),
            None,
            "1 GiB itself is allowed"
        );
        assert!(check(playground, &locked, LARGE - 1).is_some());
        let (_, plain) = sets(&[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "length=64G",
        ]);
        assert_eq!(check(playground, &plain, LARGE), None);
        let (copy, params) = prepared("mmap-copy", &["copy_size=1G"]);
        assert_eq!(check(copy, &params, LARGE), None);
        assert_eq!(
            check(copy, &params, 1 << 29).map(|t| t.key),
            Some(Key::CopySize)
        );
    }

    /// What the kernel refuses by itself takes nothing, so the lab lets the kernel answer:
    /// a length above the address space, or above the run's own `RLIMIT_AS`.
    #[test]
    fn lengths_the_kernel_refuses_are_not_refused_by_the_lab() {
        let (playground, huge) = prepared(
            "playground",
            &[
                "file=anonymous",
                "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE",
                "length=0x800000000000",
            ],
        );
        assert!(kernel_refuses(&huge));
        assert_eq!(check(playground, &huge, LARGE), None);
        let (_, limited) = prepared(
            "playground",
            &[
                "file=anonymous",
                "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
                "length=2G",
                "rlimit_as=1G",
            ],
        );
        assert_eq!(check(playground, &limited, LARGE), None);
        // A file mapping takes at most its file, whatever its length.
        let (_, file) = prepared(
            "playground",
            &["file=regular", "flags=MAP_SHARED|MAP_POPULATE", "length=2G"],
        );
        assert_eq!(check(playground, &file, LARGE), None);
    }
}
