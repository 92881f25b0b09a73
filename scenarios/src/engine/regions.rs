//! What an address of the experiment's process *is*: the experiment's own mapping, a guard page
//! it made, or one of the process's own regions, named. The child is a fork of the lab, so
//! its address space holds the lab's pages (the plan it executes, its signal stack and that
//! stack's guard page, its thread-local storage, heap and stack) right next to the
//! experiment's mappings; a touch or a `munmap` that misses the mapping lands in one of them,
//! and the screen must say which instead of showing an anonymous `rw-p` line.
//!
//! The child reports its landmarks at its start (it knows where its plan, signal stack and
//! TLS are: [`Landmark`]), and those of its image the lab found before the fork (a fork has
//! them at the same addresses): the program, the C library and the other libraries, the heap,
//! the vDSO and its data page ([`image_regions`]). The parent names every range a step
//! touches, unmaps or replaces against them, the experiment's own mappings and the
//! `/proc/self/maps` captured before the step ([`Layout`]).

use crate::texts::Text;
use crate::Lang;
use serde::{Deserialize, Serialize};

/// A kind of place in the experiment's address space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Region {
    /// The experiment's mapping (the one `ptr` points at).
    Mapping,
    /// A guard page the experiment reserved above its mapping.
    Guard,
    /// Another mapping the experiment made (a reservation, a neighbour, `existing`).
    Experiment,
    /// The plan the lab's child executes, and its buffers.
    Plan,
    /// The process's thread-local storage (`errno`, the thread's control block).
    ThreadLocalStorage,
    /// The lab's alternate signal stack (`sigaltstack`).
    SignalStack,
    /// The guard page below the lab's signal stack.
    SignalStackGuard,
    /// The stack of the thread that runs the experiment.
    Stack,
    /// The process's heap (`[heap]`).
    Heap,
    /// The lab's own program: its code, constants and data, from its executable file.
    Program,
    /// The C library's code and data.
    CLibrary,
    /// `[vdso]`.
    Vdso,
    /// `[vvar]`.
    Vvar,
    /// A file mapped by the process itself: a library, the lab's own program.
    Library,
    /// Anonymous memory of the process that the lab cannot name further.
    Anonymous,
    /// Nothing is mapped there.
    NotMapped,
}

impl Region {
    /// Whether the region is part of the process's image: its program, its libraries, its
    /// heap, the vDSO. Replacing or removing any of it leaves a process that cannot be
    /// trusted to run on.
    pub fn image(self) -> bool {
        matches!(
            self,
            Region::Program
                | Region::CLibrary
                | Region::Library
                | Region::Heap
                | Region::Vdso
                | Region::Vvar
        )
    }

    /// Whether the region belongs to the process itself, not to the experiment.
    pub fn own(self) -> bool {
        !matches!(
            self,
            Region::Mapping | Region::Guard | Region::Experiment | Region::NotMapped
        )
    }
}

/// What the child reports about itself at its start (`Kind::Landmark`, the id in `step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Landmark {
    /// The `Plan` struct.
    Plan = 0,
    /// The plan's steps.
    Steps = 1,
    /// The scratch buffer the steps copy through.
    Scratch = 2,
    /// From the thread's `errno` to its control block (the thread pointer).
    Tls = 3,
    /// The alternate signal stack; its guard page is the page below.
    SignalStack = 4,
    /// The stack pages the steps run on (the ones the child prefaults, and the page above).
    Stack = 5,
    /// The lab's executable, mapped (see [`image_regions`] for these six).
    Program = 6,
    /// The C library, mapped.
    CLibrary = 7,
    /// Another library, mapped.
    Library = 8,
    /// The heap, up to the break at the fork.
    Heap = 9,
    /// `[vdso]`.
    Vdso = 10,
    /// `[vvar]` (and `[vvar_vclock]`).
    Vvar = 11,
}

impl Landmark {
    /// Every landmark, in the order of their ids.
    pub const ALL: [Landmark; 12] = [
        Landmark::Plan,
        Landmark::Steps,
        Landmark::Scratch,
        Landmark::Tls,
        Landmark::SignalStack,
        Landmark::Stack,
        Landmark::Program,
        Landmark::CLibrary,
        Landmark::Library,
        Landmark::Heap,
        Landmark::Vdso,
        Landmark::Vvar,
    ];

    /// The landmark with this id.
    pub fn from_u32(v: u32) -> Option<Landmark> {
        Landmark::ALL.get(v as usize).copied()
    }

    /// What the region is called.
    pub fn region(self) -> Region {
        match self {
            Landmark::Plan | Landmark::Steps | Landmark::Scratch => Region::Plan,
            Landmark::Tls => Region::ThreadLocalStorage,
            Landmark::SignalStack => Region::SignalStack,
            Landmark::Stack => Region::Stack,
            Landmark::Program => Region::Program,
            Landmark::CLibrary => Region::CLibrary,
            Landmark::Library => Region::Library,
            Landmark::Heap => Region::Heap,
            Landmark::Vdso => Region::Vdso,
            Landmark::Vvar => Region::Vvar,
        }
    }

    /// Whether the child stops when a `munmap` removes it: the plan and its buffers (what
    /// follows would run on freed memory and be no kernel answer), and the process's image:
    /// its code, the libraries', the heap, the vDSO (what follows would run without them). A
    /// removed TLS, stack or signal stack is left to crash: that crash is then reported as the
    /// lab's own code failing, with the step that caused it.
    pub fn guarded_from_munmap(self) -> bool {
        !matches!(
            self,
            Landmark::Tls | Landmark::SignalStack | Landmark::Stack
        )
    }
}

/// One of the process's own regions, as the child reported it (page-rounded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct OwnRegion {
    /// What it is.
    pub what: Region,
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// The file's name, for the program and the libraries (`libc.so.6`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A part of the process's image: what it is, its first byte, one past its last, the file's
/// name (the program's, a library's).
pub type ImageRegion = (Landmark, u64, u64, Option<String>);

/// The process's image as `/proc/self/maps` (`maps`) lists it: the program (the mapped file
/// `exe`), the C library, the other libraries, the heap, the vDSO and its data page, each
/// file's consecutive lines one range, with the file's name. Anonymous lines (a library's
/// zeroed data) and files that are no library (`/tmp/…`) are left out.
pub fn image_regions(maps: &str, exe: &str) -> Vec<ImageRegion> {
    let mut out: Vec<ImageRegion> = Vec::new();
    for line in maps.lines() {
        let Some((lo, hi)) = maps_range(line) else {
            continue;
        };
        let path = line.split_whitespace().nth(5).unwrap_or("");
        let name = path.rsplit('/').next().unwrap_or(path);
        let library = name.contains(".so") && path.starts_with('/');
        let what = match path {
            "[heap]" => Landmark::Heap,
            "[vdso]" => Landmark::Vdso,
            p if p.starts_with("[vvar") => Landmark::Vvar,
            p if !exe.is_empty() && p == exe => Landmark::Program,
            _ if library && (name.starts_with("libc.so") || name.starts_with("libc-")) => {
                Landmark::CLibrary
            }
            _ if library || name.starts_with("ld-") => Landmark::Library,
            _ => continue,
        };
        let name = path.starts_with('/').then(|| name.to_string());
        match out.last_mut() {
            Some(last) if last.0 == what && last.2 == lo && last.3 == name => last.2 = hi,
            _ => out.push((what, lo, hi, name)),
        }
    }
    out
}

/// The own regions for the landmarks the child reported (`(id, addr, len)`): page-rounded,
/// the signal stack's guard page added below it.
pub fn own_regions(reported: &[(u32, u64, u64)], page: u64) -> Vec<OwnRegion> {
    let page = page.max(1);
    let mut out = Vec::new();
    for &(id, addr, len) in reported {
        let Some(l) = Landmark::from_u32(id) else {
            continue;
        };
        if addr == 0 || len == 0 {
            continue;
        }
        let start = addr / page * page;
        let end = addr.saturating_add(len).div_ceil(page).saturating_mul(page);
        out.push(OwnRegion {
            what: l.region(),
            start,
            end,
            name: None,
        });
        if l == Landmark::SignalStack {
            out.push(OwnRegion {
                what: Region::SignalStackGuard,
                start: start.saturating_sub(page),
                end: start,
                name: None,
            });
        }
    }
    out
}

/// A range a step touched, unmapped or replaced, and what was there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Touched {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// What was there.
    pub what: Region,
    /// The file's name, for a library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The `/proc/self/maps` line, when one covered the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
}

/// Everything an address is classified against.
pub struct Layout<'a> {
    /// The process's own regions the child reported.
    pub own: &'a [OwnRegion],
    /// The experiment's mappings, most specific first (the mapping, its guard, the others).
    pub experiment: &'a [(u64, u64, Region)],
    /// The `/proc/self/maps` captured before the step, when there is one.
    pub maps: Option<&'a str>,
}

impl Layout<'_> {
    /// The maps line covering `addr`.
    fn line(&self, addr: u64) -> Option<&str> {
        self.maps?
            .lines()
            .find(|l| maps_range(l).is_some_and(|(a, b)| a <= addr && addr < b))
    }

    /// What is at `addr`: the region, the name of a library, the maps line. `None` when
    /// there is no capture to tell and the address is not one the lab knows.
    pub fn what_at(&self, addr: u64) -> Option<(Region, Option<String>, Option<String>)> {
        let line = self.line(addr).map(str::to_string);
        if self.maps.is_some() && line.is_none() {
            return Some((Region::NotMapped, None, None));
        }
        let within = |a: u64, b: u64| a <= addr && addr < b;
        if let Some(&(_, _, r)) = self.experiment.iter().find(|(a, b, _)| within(*a, *b)) {
            return Some((r, None, line));
        }
        // The stack is the whole maps line holding the stack pages the child reported.
        let own = self
            .own
            .iter()
            .find(|o| o.what != Region::Stack && within(o.start, o.end));
        if let Some(o) = own {
            return Some((o.what, o.name.clone(), line));
        }
        let Some(l) = line else {
            return self
                .own
                .iter()
                .find(|o| within(o.start, o.end))
                .map(|o| (o.what, o.name.clone(), None));
        };
        let (lo, hi) = maps_range(&l).unwrap_or((0, 0));
        let path = l.split_whitespace().nth(5).unwrap_or("");
        let region = if self
            .own
            .iter()
            .any(|o| o.what == Region::Stack && o.start < hi && o.end > lo)
            || path == "[stack]"
        {
            (Region::Stack, None)
        } else if path == "[heap]" {
            (Region::Heap, None)
        } else if path == "[vdso]" {
            (Region::Vdso, None)
        } else if path.starts_with("[vvar") {
            (Region::Vvar, None)
        } else if path.starts_with('/') {
            let name = path.rsplit('/').next().unwrap_or(path).to_string();
            (Region::Library, Some(name))
        } else {
            (Region::Anonymous, None)
        };
        Some((region.0, region.1, Some(l)))
    }

    /// `lo..hi` cut where what is there changes, each part named. Parts the lab cannot name
    /// (no capture, no landmark) are left out.
    pub fn split(&self, lo: u64, hi: u64) -> Vec<Touched> {
        if lo >= hi {
            return Vec::new();
        }
        let mut cuts = vec![lo, hi];
        let mut cut = |a: u64, b: u64| {
            for x in [a, b] {
                if lo < x && x < hi {
                    cuts.push(x);
                }
            }
        };
        for &(a, b, _) in self.experiment {
            cut(a, b);
        }
        for o in self.own {
            cut(o.start, o.end);
        }
        for (a, b) in self.maps.unwrap_or("").lines().filter_map(maps_range) {
            cut(a, b);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut out: Vec<Touched> = Vec::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let Some((what, name, line)) = self.what_at(a) else {
                continue;
            };
            match out.last_mut() {
                Some(t) if t.end == a && t.what == what && t.name == name => t.end = b,
                _ => out.push(Touched {
                    start: a,
                    end: b,
                    what,
                    name,
                    line,
                }),
            }
        }
        out
    }
}

/// What a place is, in `lang` (`name`: a library's file name).
pub fn region(what: Region, name: Option<&str>, lang: Lang) -> String {
    use Region as R;
    let text = match what {
        R::Mapping => Text::RegionMapping,
        R::Guard => Text::RegionGuard,
        R::Experiment => Text::RegionExperiment,
        R::Plan => Text::RegionPlan,
        R::ThreadLocalStorage => Text::RegionTls,
        R::SignalStack => Text::RegionSignalStack,
        R::SignalStackGuard => Text::RegionSignalStackGuard,
        R::Stack => Text::RegionStack,
        R::Heap => Text::RegionHeap,
        R::Program => Text::RegionProgram,
        R::CLibrary => Text::RegionCLibrary,
        R::Vdso => Text::RegionVdso,
        R::Vvar => Text::RegionVvar,
        R::Library => Text::RegionLibrary,
        R::Anonymous => Text::RegionAnonymous,
        R::NotMapped => Text::RegionNotMapped,
    };
    text.fill(lang, &[name.unwrap_or("?")])
}

/// The address range of a `/proc/self/maps` line.
pub(crate) fn maps_range(line: &str) -> Option<(u64, u64)> {
    let (range, _) = line.split_once(' ')?;
    let (a, b) = range.split_once('-')?;
    Some((
        u64::from_str_radix(a, 16).ok()?,
        u64::from_str_radix(b, 16).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "7f0000000000-7f0000001000 rw-s 00000000 00:1f 42 /tmp/mmap-lab-x/data\n\
                        7f0000001000-7f0000002000 ---p 00000000 00:00 0 \n\
                        7f0000002000-7f0000004000 rw-p 00000000 00:00 0 \n\
                        7f0000004000-7f0000008000 rw-p 00000000 00:00 0 \n\
                        7f0000010000-7f0000011000 r-xp 00000000 fe:00 7 /usr/lib/libc.so.6\n\
                        5555000000-5555004000 rw-p 00000000 00:00 0 [heap]\n";

    #[test]
    fn the_image_is_the_program_the_libraries_the_heap_and_the_vdso() {
        let maps = "555555554000-555555556000 r--p 00000000 fe:00 9 /usr/bin/mmap-lab\n\
                    555555556000-55555555b000 r-xp 00002000 fe:00 9 /usr/bin/mmap-lab\n\
                    55555555b000-55555557c000 rw-p 00000000 00:00 0 [heap]\n\
                    7ffff7d00000-7ffff7d10000 rw-s 00000000 00:1f 42 /tmp/mmap-lab-x/data\n\
                    7ffff7db5000-7ffff7ddb000 r--p 00000000 fe:00 7 /usr/lib/libc.so.6\n\
                    7ffff7ddb000-7ffff7f30000 r-xp 00026000 fe:00 7 /usr/lib/libc.so.6\n\
                    7ffff7f30000-7ffff7f40000 rw-p 00000000 00:00 0 \n\
                    7ffff7f40000-7ffff7f50000 r-xp 00000000 fe:00 8 /usr/lib/libgcc_s.so.1\n\
                    7ffff7fc1000-7ffff7fc5000 r--p 00000000 00:00 0 [vvar]\n\
                    7ffff7fc5000-7ffff7fc7000 r-xp 00000000 00:00 0 [vdso]\n\
                    7ffff7fc7000-7ffff7fc8000 r--p 00000000 fe:00 6 /usr/lib/ld-linux-x86-64.so.2\n";
        let found: Vec<(Landmark, u64, Option<String>)> = image_regions(maps, "/usr/bin/mmap-lab")
            .into_iter()
            .map(|(l, lo, hi, name)| (l, (hi - lo) / 0x1000, name))
            .collect();
        let named = |l, pages, name: &str| (l, pages, Some(name.to_string()));
        assert_eq!(
            found,
            [
                named(Landmark::Program, 7, "mmap-lab"),
                (Landmark::Heap, 33, None),
                named(Landmark::CLibrary, 379, "libc.so.6"),
                named(Landmark::Library, 16, "libgcc_s.so.1"),
                (Landmark::Vvar, 4, None),
                (Landmark::Vdso, 2, None),
                named(Landmark::Library, 1, "ld-linux-x86-64.so.2"),
            ]
        );
        // Each of them stops the run when a munmap removes it, as a MAP_FIXED does.
        for l in [
            Landmark::Program,
            Landmark::CLibrary,
            Landmark::Heap,
            Landmark::Vdso,
        ] {
            assert!(l.guarded_from_munmap() && l.region().image() && l.region().own());
        }
        assert!(!Landmark::Tls.guarded_from_munmap());
    }

    #[test]
    fn ranges_are_cut_and_named_by_landmarks_and_maps() {
        let own = own_regions(
            &[
                (Landmark::SignalStack as u32, 0x7f00_0000_2000, 0x2000),
                (Landmark::Tls as u32, 0x7f00_0000_4100, 0x20),
                (Landmark::Plan as u32, 0x55_5500_1010, 0x40),
            ],
            0x1000,
        );
        let experiment = [(0x7f00_0000_0000, 0x7f00_0000_1000, Region::Mapping)];
        let layout = Layout {
            own: &own,
            experiment: &experiment,
            maps: Some(MAPS),
        };
        let what = |a| layout.what_at(a).map(|w| w.0);
        assert_eq!(what(0x7f00_0000_0010), Some(Region::Mapping));
        assert_eq!(what(0x7f00_0000_1000), Some(Region::SignalStackGuard));
        assert_eq!(what(0x7f00_0000_2008), Some(Region::SignalStack));
        assert_eq!(what(0x7f00_0000_4100), Some(Region::ThreadLocalStorage));
        assert_eq!(what(0x7f00_0000_5000), Some(Region::Anonymous));
        assert_eq!(what(0x7f00_0000_9000), Some(Region::NotMapped));
        assert_eq!(what(0x55_5500_1000), Some(Region::Plan));
        assert_eq!(what(0x55_5500_3000), Some(Region::Heap));
        let lib = layout.what_at(0x7f00_0001_0000).unwrap();
        assert_eq!(
            (lib.0, lib.1.as_deref()),
            (Region::Library, Some("libc.so.6"))
        );
        let parts: Vec<_> = layout
            .split(0x7f00_0000_1000, 0x7f00_0000_6000)
            .into_iter()
            .map(|t| (t.what, (t.end - t.start) / 0x1000))
            .collect();
        assert_eq!(
            parts,
            [
                (Region::SignalStackGuard, 1),
                (Region::SignalStack, 2),
                (Region::ThreadLocalStorage, 1),
                (Region::Anonymous, 1)
            ]
        );
    }
}
