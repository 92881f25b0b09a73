//! What the kernel said about a fault signal, beyond its number: the `si_code` (why: the page
//! is not mapped, the protection refused the access, the page lies past the end of the file),
//! the faulting address, that address as `ptr + N`, and what the child's own
//! `/proc/self/maps` says was there.

use super::regions::maps_range;
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};

/// A fault signal in full, as the child's handler reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalDetail {
    /// `si_code`.
    pub code: i32,
    /// `si_addr`: the address the access faulted at.
    pub addr: u64,
    /// `addr` counted from the experiment's mapping, when there is one.
    pub ptr_offset: Option<i64>,
    /// What was at `addr`, from the last `/proc/self/maps` the child captured.
    pub hit: Option<Hit>,
    /// The fault came from the process's own code (the lab's, the C library's), not from the
    /// step's own access: the address is none the step touched, and is the process's own.
    pub in_lab_code: bool,
    /// Index (in `steps`) of the step that took away the memory at `addr` (a `munmap`, an
    /// `mmap` with `MAP_FIXED`), when one did.
    pub caused_by: Option<usize>,
}

/// What a faulting address hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Hit {
    /// The kind of place.
    pub kind: HitKind,
    /// The `/proc/self/maps` line of the place, when something was mapped there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// What the place is, named (the lab's signal stack, its TLS, a library …), when the lab
    /// can tell: see `regions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<super::regions::Region>,
    /// The library's file name, when `what` is `library`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The kinds of place a fault can hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum HitKind {
    /// The experiment's own mapping.
    Mapping,
    /// A guard page the experiment reserved above its mapping.
    Guard,
    /// Some other mapping of the process (its name is in the line).
    Other,
    /// Nothing is mapped there.
    NotMapped,
}

/// The name of `si_code` for signal `signo`, as `<signal.h>` spells it.
pub fn code_name(signo: i32, code: i32) -> String {
    use nix::libc::{SIGBUS, SIGSEGV};
    let name = match (signo, code) {
        (SIGSEGV, 1) => "SEGV_MAPERR",
        (SIGSEGV, 2) => "SEGV_ACCERR",
        (SIGSEGV, 3) => "SEGV_BNDERR",
        (SIGSEGV, 4) => "SEGV_PKUERR",
        (SIGBUS, 1) => "BUS_ADRALN",
        (SIGBUS, 2) => "BUS_ADRERR",
        (SIGBUS, 3) => "BUS_OBJERR",
        (SIGBUS, 4) => "BUS_MCEERR_AR",
        (SIGBUS, 5) => "BUS_MCEERR_AO",
        (_, 0) => "SI_USER",
        (_, 0x80) => "SI_KERNEL",
        (_, -6) => "SI_TKILL",
        _ => return format!("{code}"),
    };
    name.to_string()
}

/// The `si_code` called `name` (the inverse of [`code_name`], for records read back).
pub fn code_from_name(signo: i32, name: &str) -> Option<i32> {
    (-8..=0x80).find(|c| code_name(signo, *c) == name)
}

/// Classify `addr` against a `/proc/self/maps` text: the experiment's mapping
/// (`mapping`, `len` bytes from it, whole pages), a guard page (a `---p` anonymous region
/// right above the mapping, when the experiment made one), another mapping, or nothing.
pub fn classify(maps: &str, addr: u64, mapping: Option<(u64, u64)>, guard: bool) -> Hit {
    let line = maps
        .lines()
        .find(|l| maps_range(l).is_some_and(|(lo, hi)| lo <= addr && addr < hi));
    let in_mapping = mapping.is_some_and(|(start, len)| addr >= start && addr - start < len);
    let kind = match line {
        None => HitKind::NotMapped,
        Some(_) if in_mapping => HitKind::Mapping,
        Some(l) => {
            let above = mapping.is_some_and(|(start, len)| {
                maps_range(l).is_some_and(|(lo, _)| lo == start.saturating_add(len))
            });
            let no_access = l.split_whitespace().nth(1) == Some("---p");
            if guard && above && no_access {
                HitKind::Guard
            } else {
                HitKind::Other
            }
        }
    };
    Hit {
        kind,
        line: line.map(str::to_string),
        what: None,
        name: None,
    }
}

/// A signal as the kernel reported it: a number, named when it is a standard signal (a
/// real-time signal can only come from outside the lab, but it is still shown for what it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalNo(pub i32);

impl SignalNo {
    /// The standard signal, if it is one.
    pub fn known(self) -> Option<Signal> {
        Signal::try_from(self.0).ok()
    }

    /// `SIGBUS`, or `signal 40` for one without a name.
    pub fn name(self) -> String {
        self.known()
            .map_or_else(|| format!("signal {}", self.0), |s| s.as_str().to_string())
    }

    /// The signal called `name` (`SIGBUS`, or `signal N`).
    pub fn from_name(name: &str) -> Option<SignalNo> {
        if let Some(n) = name.strip_prefix("signal ") {
            return n.parse().ok().map(SignalNo);
        }
        name.parse::<Signal>().ok().map(|s| SignalNo(s as i32))
    }
}

impl From<Signal> for SignalNo {
    fn from(s: Signal) -> SignalNo {
        SignalNo(s as i32)
    }
}

impl std::fmt::Display for SignalNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "7f0000000000-7f0000001000 rw-s 00000000 00:1f 42 /tmp/mmap-lab-x/data\n\
                        7f0000001000-7f0000002000 ---p 00000000 00:00 0 \n\
                        7f0000005000-7f0000006000 rw-p 00000000 00:00 0 [heap]\n";

    #[test]
    fn addresses_are_classified_by_the_maps() {
        let map = Some((0x7f00_0000_0000, 0x1000));
        let hit = |a| classify(MAPS, a, map, true).kind;
        assert_eq!(hit(0x7f00_0000_0010), HitKind::Mapping);
        assert_eq!(hit(0x7f00_0000_1000), HitKind::Guard);
        assert_eq!(hit(0x7f00_0000_5008), HitKind::Other);
        assert_eq!(hit(0x7f00_0000_3000), HitKind::NotMapped);
        assert_eq!(
            classify(MAPS, 0x7f00_0000_1000, map, false).kind,
            HitKind::Other
        );
    }

    #[test]
    fn codes_have_their_c_names() {
        assert_eq!(code_name(nix::libc::SIGSEGV, 1), "SEGV_MAPERR");
        assert_eq!(code_name(nix::libc::SIGSEGV, 2), "SEGV_ACCERR");
        assert_eq!(code_name(nix::libc::SIGBUS, 2), "BUS_ADRERR");
        assert_eq!(code_from_name(nix::libc::SIGBUS, "BUS_ADRERR"), Some(2));
    }
}
