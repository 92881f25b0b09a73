//! What an experiment may take at once (issue 11). `MAP_POPULATE` faults every page in and
//! `MAP_LOCKED` pins them (unbounded as root, who holds `CAP_IPC_LOCK`); `mmap-copy` writes
//! its size twice to TMPDIR. On a bare machine one typo (`length=64G`) would take all memory,
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

#[cfg(test)]
mod tests {
    use super::*;

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
