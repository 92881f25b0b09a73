//! An experiment as data: the files to create, then a list of steps. Scenarios build a [`Plan`];
//! the engine runs it in a child process; the C generator prints it as a C program.
//!
//! Everything a step needs (paths as `CString`s, buffers) is built here, before the fork, so
//! that the child only reads the plan and never allocates.

use super::ops::map::capture_margin;
pub use super::ops::{CopyOp, DescriptorOp, IpcOp, LimitOp, MapOp, Op, TestSleep, TouchOp, Via};
pub use super::values::{Limit, Side, Val, MAX_STEPS};
use crate::flags;
use crate::pagemap::{Backing, PageMap};
use crate::texts::Text;
use nix::libc;
use std::ffi::CString;
use std::time::Duration;

/// A file the engine creates in the experiment's temporary directory before the child starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpec {
    /// Name inside the temporary directory.
    pub name: &'static str,
    /// Size in bytes, filled with [`pattern_byte`].
    pub size: u64,
}

/// The byte at `offset` of every file the engine creates: printable letters, so a student can
/// read them, varied enough that a misplaced copy shows.
pub fn pattern_byte(offset: u64) -> u8 {
    b'A' + ((offset ^ (offset >> 12)) % 26) as u8
}

/// A step: what to do, whether its failure decides the outcome, and which process runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The call.
    pub op: Op,
    /// A failing critical step ends the experiment and is its outcome; a non-critical failure
    /// is only recorded.
    pub critical: bool,
    /// Which process runs it after a fork.
    pub side: Side,
    /// Why the step is there, for steps a student did not ask for (a guard, a check).
    pub purpose: Option<Purpose>,
}

/// Why the engine added a step, so the screen can say so in the student's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Purpose {
    /// Reserve room for the mapping with a guard page above it.
    GuardReserve,
    /// Give back all of the reservation but the guard page.
    GuardRelease,
    /// Read the file back to see whether a write reached it.
    CheckFile,
    /// A mapping made only so that `addr=existing` has something to collide with.
    Existing,
    /// Fill the process up to `vm.max_map_count`.
    ExhaustMapCount,
    /// Part of the copy benchmark.
    Copy,
    /// Unmap the page right after the mapping (a guard page, or the last page of a
    /// reservation): a range reaching past the mapping then meets nothing at all.
    Hole,
    /// Reserve room for the mapping and the neighbour right after it.
    NeighbourReserve,
    /// Map the page right after the mapping, so that the mapping cannot grow in place.
    Neighbour,
    /// Write a byte to follow: after a move it is found at the mapping's new address.
    Marker,
}

impl Step {
    /// A step whose failure is the outcome.
    pub fn critical(op: impl Into<Op>) -> Step {
        Step {
            op: op.into(),
            critical: true,
            side: Side::Parent,
            purpose: None,
        }
    }

    /// A step whose failure is only recorded.
    pub fn optional(op: impl Into<Op>) -> Step {
        Step {
            critical: false,
            ..Step::critical(op)
        }
    }

    /// Mark why the engine added this step.
    pub fn because(mut self, purpose: Purpose) -> Step {
        self.purpose = Some(purpose);
        self
    }

    /// Run this step in the forked child only.
    pub fn in_child(mut self) -> Step {
        self.side = Side::Child;
        self
    }

    /// Whether this step is the lab's bookkeeping, not the experiment's: a `/proc/self/maps`
    /// capture. It gets no number, no boundary stop, and its calls are not the experiment's.
    pub fn is_bookkeeping(&self) -> bool {
        matches!(self.op, Op::Map(MapOp::Maps))
    }
}

/// A whole experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Files to create before the child starts.
    pub files: Vec<FileSpec>,
    /// What the child does, in order.
    pub steps: Vec<Step>,
    /// Kill the child after this long.
    pub deadline: Duration,
    /// The step whose return value is "the mapping" (for filtering `/proc/self/maps`).
    pub mapping_step: Option<usize>,
    /// The mapping's length, for filtering `/proc/self/maps` and drawing it.
    pub mapping_len: u64,
    /// The processes of a free run go on at once, each as it reaches its boundary, instead
    /// of one at a time in plan order: for a plan whose lesson is a race (plan order would
    /// hide it). Stepping such a plan still takes the processes in turn.
    pub free_order: bool,
    /// Run without the witness: for an experiment that races two processes, whose every
    /// stop for the tracer would decide the race instead of the scheduler.
    pub untraced: bool,
}

impl Plan {
    /// An empty plan with the default deadline of 5 s.
    pub fn new() -> Plan {
        Plan {
            files: Vec::new(),
            steps: Vec::new(),
            deadline: Duration::from_secs(5),
            mapping_step: None,
            mapping_len: 0,
            free_order: false,
            untraced: false,
        }
    }

    /// Append a step and return its index (so later steps can use its result).
    pub fn push(&mut self, step: Step) -> usize {
        self.steps.push(step);
        self.steps.len() - 1
    }
}

/// What a plan reaches around its mapping: the one measure the child, the record and the C
/// program read, to name what a step takes away and which `/proc/self/maps` lines to keep.
impl Plan {
    /// How far below and above the mapping's start the plan maps or unmaps: the mapping's
    /// length, or more when a `munmap` (`mprotect` …) reaches past it, and as far down as a
    /// negative shift goes.
    fn extent(&self) -> (u64, u64) {
        self.steps
            .iter()
            .fold((0, self.mapping_len), |(below, above), s| {
                let (addr, length) = match s.op {
                    Op::Map(
                        MapOp::Munmap { addr, length, .. }
                        | MapOp::Mprotect { addr, length, .. }
                        | MapOp::Msync { addr, length, .. }
                        | MapOp::Madvise { addr, length, .. },
                    ) => (addr, length),
                    // Grown in place, the mapping reaches up to its new length.
                    Op::Map(MapOp::Mremap {
                        addr, new_length, ..
                    }) => (addr, new_length),
                    _ => return (below, above),
                };
                match addr {
                    Val::RetPlus(_, d) if d < 0 => (below.max(d.unsigned_abs()), above.max(length)),
                    Val::RetPlus(_, d) => (below, above.max((d as u64).saturating_add(length))),
                    Val::Ret(_) => (below, above.max(length)),
                    _ => (below, above),
                }
            })
    }

    /// How far above the mapping's start the plan maps or unmaps (see [`Self::extent`]).
    pub(crate) fn reach(&self) -> u64 {
        self.extent().1
    }

    /// The bytes below and above a mapping's start whose `/proc/self/maps` lines a capture keeps:
    /// what the plan reaches, in whole pages, plus two pages each side. One definition for the
    /// record and the C program, so both show the same lines.
    pub(crate) fn capture_window(&self, page: u64) -> (u64, u64) {
        let (below, above) = self.extent();
        (capture_margin(below, page), capture_margin(above, page))
    }

    /// Whether the plan's calls reach past its mapping's last page (a `munmap` longer than it):
    /// then what lies right above the mapping matters, and the minimal C program first maps
    /// spare pages of its own there, as the full program and the lab's process have memory of
    /// their own there.
    pub(crate) fn reaches_past(&self, page: u64) -> bool {
        let page = page.max(1);
        self.mapping_step.is_some()
            && self.reach() > self.mapping_len.div_ceil(page).saturating_mul(page)
    }
}

impl Default for Plan {
    fn default() -> Self {
        Plan::new()
    }
}

/// A path as a `CString`. Paths come from the plan's own names, never from user text with a NUL.
pub fn c_path(path: &str) -> CString {
    CString::new(path.replace('\0', "")).unwrap_or_default()
}

/// `n` rounded up to whole pages.
pub fn round_up(n: u64, page: u64) -> u64 {
    n.div_ceil(page.max(1)).saturating_mul(page.max(1))
}

/// The sentence that says why the engine added a step, next to the purposes it names.
impl Text {
    /// Why the engine added a step.
    pub fn purpose(p: Purpose) -> Text {
        match p {
            Purpose::GuardReserve => Text::PurposeGuardReserve,
            Purpose::GuardRelease => Text::PurposeGuardRelease,
            Purpose::CheckFile => Text::PurposeCheckFile,
            Purpose::Existing => Text::PurposeExisting,
            Purpose::ExhaustMapCount => Text::PurposeExhaustMapCount,
            Purpose::Copy => Text::PurposeCopy,
            Purpose::Hole => Text::PurposeHole,
            Purpose::NeighbourReserve => Text::PurposeNeighbourReserve,
            Purpose::Neighbour => Text::PurposeNeighbour,
            Purpose::Marker => Text::PurposeMarker,
        }
    }
}

/// The page map of a plan: what its steps map, and where the touch and munmap land.
impl PageMap {
    /// The page map of `plan`: what its mapping step maps, what backs it (the file as the
    /// plan's earlier steps leave it: created, truncated, grown), the protection when the touch
    /// happens, where the touch lands and what munmap is asked to remove. A copy through
    /// mappings is drawn as its windows over the file. `None` when the plan makes no mapping
    /// to draw.
    pub fn from_plan(plan: &Plan, page: u64) -> Option<PageMap> {
        let page = page.max(1);
        let steps = &plan.steps;
        if let Some(Op::Copy(CopyOp::Mmap { size, window, .. })) = steps
            .iter()
            .map(|s| &s.op)
            .find(|op| matches!(op, Op::Copy(CopyOp::Mmap { .. })))
        {
            // A copy maps the source one window at a time: the windows cover the file.
            return Some(PageMap {
                page,
                backing: Backing::File { bytes: *size },
                length: *size,
                offset: 0,
                prot: flags::PROT_READ,
                access: None,
                munmap: None,
                copy_window: Some((*window).max(1)),
            });
        }
        let map = plan.mapping_step?;
        let Some(Op::Map(MapOp::Mmap {
            length,
            prot,
            flags: map_flags,
            fd,
            offset,
            ..
        })) = steps.get(map).map(|s| &s.op)
        else {
            return None;
        };
        let from_offset = |size: u64| size.saturating_sub((*offset).max(0) as u64);
        // The file as it is when the mapping is first touched: another process may have
        // truncated it after the mmap (truncate-after-mmap).
        let touched = steps[map + 1..]
            .iter()
            .position(|s| matches!(s.op, Op::Touch(_)))
            .map_or(steps.len(), |n| map + 1 + n);
        let backing = match *fd {
            Val::Ret(i) => match file_size_before(plan, i, touched) {
                Some(size) => Backing::File {
                    bytes: from_offset(size),
                },
                None => Backing::Nothing,
            },
            // With MAP_ANONYMOUS the descriptor is ignored; without it, -1 is no file at all.
            _ if map_flags & flags::MAP_ANONYMOUS != 0 => Backing::Anonymous,
            _ => Backing::Nothing,
        };
        // Steps on the mapping itself: `ptr` or `ptr + n`.
        let on_map = |v: Val| match v {
            Val::Ret(i) if i == map => Some(0),
            Val::RetPlus(i, d) if i == map => Some(d),
            _ => None,
        };
        let mut prot_now = *prot;
        let mut access = None;
        let mut munmap = None;
        for step in &steps[map + 1..] {
            match step.op {
                Op::Map(MapOp::Mprotect { addr, prot, .. })
                    if on_map(addr).is_some() && access.is_none() =>
                {
                    prot_now = prot;
                }
                Op::Touch(TouchOp::Byte { addr, write, .. }) => {
                    // The byte is counted from the pointer as the student typed it (a u64
                    // that the plan carries as an offset).
                    if let Some(d) = on_map(addr) {
                        access.get_or_insert((d as u64, write));
                    }
                }
                Op::Map(MapOp::Munmap { addr, length, .. }) => {
                    if let Some(d) = on_map(addr) {
                        munmap.get_or_insert((d, length));
                    }
                }
                _ => {}
            }
        }
        Some(PageMap {
            page,
            backing,
            length: *length,
            offset: *offset,
            prot: prot_now,
            access,
            munmap,
            copy_window: None,
        })
    }
}

/// The size of the file behind descriptor step `fd` when step `until` runs: created with the
/// plan's files, emptied by `O_TRUNC`, grown by `ftruncate` or `lseek` + `write` in between.
/// `None` when the descriptor has no pages to map (a pipe, a directory, `/dev/null`).
fn file_size_before(plan: &Plan, fd: usize, until: usize) -> Option<u64> {
    let mut size = match &plan.steps.get(fd)?.op {
        Op::Descriptor(DescriptorOp::SealedMemfd { size }) => *size,
        Op::Descriptor(DescriptorOp::Open { path, flags }) => {
            let name = path.to_str().ok()?;
            let made = plan.files.iter().find(|f| f.name == name).map(|f| f.size);
            match made {
                _ if flags & libc::O_TRUNC != 0 => 0,
                Some(size) => size,
                None if flags & libc::O_CREAT != 0 => 0,
                None => return None,
            }
        }
        _ => return None,
    };
    for step in plan.steps.get(fd + 1..until).unwrap_or(&[]) {
        match step.op {
            Op::Descriptor(DescriptorOp::Ftruncate {
                fd: Val::Ret(i),
                size: s,
            }) if i == fd => size = s,
            Op::Descriptor(DescriptorOp::LseekWrite {
                fd: Val::Ret(i),
                size: s,
            }) if i == fd => size = size.max(s),
            _ => {}
        }
    }
    Some(size)
}
