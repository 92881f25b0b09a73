//! What an experiment may take at once (issue 11). `MAP_POPULATE` faults every page in and
//! `MAP_LOCKED` pins them (unbounded as root, who holds `CAP_IPC_LOCK`); `mmap-copy` has
//! four files of its size in TMPDIR at once (see [`tmpdir_need`]). On a bare machine one typo (`length=64G`) would take all memory,
//! so these refuse a size above [`LARGE`] unless the user asks for it (`--allow-large`).

use crate::flags::{MAP_LOCKED, MAP_POPULATE};
use crate::{Key, Params, Scenario};

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

/// The first size of `params` above `limit`, if any.
pub fn check(scenario: &Scenario, params: &Params, limit: u64) -> Option<TooLarge> {
    for (bit, name) in [(MAP_POPULATE, "MAP_POPULATE"), (MAP_LOCKED, "MAP_LOCKED")] {
        if params.flags & bit != 0 && params.length > limit {
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

/// What a copy needs free in TMPDIR: `(copy_size, bytes at the peak)`, for a scenario with a
/// copy (`None` otherwise). Counted from its plan: the source it writes and each file it
/// creates (one per copy, each the source's size), all there until the run ends.
pub fn tmpdir_need(scenario: &Scenario, params: &Params) -> Option<(u64, u64)> {
    use crate::engine::ops::{DescriptorOp, Op};
    if !scenario.accepts(Key::CopySize) {
        return None;
    }
    let plan = (scenario.build)(params, crate::engine::page_size());
    let mut names: Vec<&[u8]> = plan.files.iter().map(|f| f.name.as_bytes()).collect();
    for step in &plan.steps {
        if let Op::Descriptor(DescriptorOp::Open { path, flags }) = &step.op {
            if flags & nix::libc::O_CREAT != 0 && !names.contains(&path.as_bytes()) {
                names.push(path.as_bytes());
            }
        }
    }
    let size = params.copy_size;
    Some((size, size.saturating_mul(names.len() as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source and three copies (mmap, read/write, copy_file_range).
    #[test]
    fn a_copy_needs_four_times_its_size() {
        let copy = crate::catalog::find("mmap-copy").expect("mmap-copy");
        let params = crate::prepare(copy, &["copy_size=1G".to_string()]).expect("valid");
        assert_eq!(tmpdir_need(copy, &params), Some((1 << 30, 4 << 30)));
        let zero = crate::catalog::find("zero-length").expect("zero-length");
        assert_eq!(tmpdir_need(zero, &(zero.defaults)(4096)), None);
    }

    #[test]
    fn populate_and_locked_are_bounded_and_plain_lengths_are_not() {
        let playground = crate::catalog::find("playground").expect("playground");
        let sets = |s: &[&str]| {
            let sets: Vec<String> = s.iter().map(|s| s.to_string()).collect();
            crate::prepare(playground, &sets).expect("valid")
        };
        let big = sets(&[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE",
            "length=2G",
        ]);
        assert_eq!(
            check(playground, &big, LARGE).map(|t| (t.key, t.flag)),
            Some((Key::Length, Some("MAP_POPULATE")))
        );
        let locked = sets(&[
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
        let plain = sets(&[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "length=64G",
        ]);
        assert_eq!(check(playground, &plain, LARGE), None);
        let copy = crate::catalog::find("mmap-copy").expect("mmap-copy");
        let params = crate::prepare(copy, &["copy_size=1G".to_string()]).expect("valid");
        assert_eq!(check(copy, &params, LARGE), None);
        assert_eq!(
            check(copy, &params, 1 << 29).map(|t| t.key),
            Some(Key::CopySize)
        );
    }
}
