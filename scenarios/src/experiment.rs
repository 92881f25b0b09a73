//! The usual shape of an experiment, built from [`Params`]: get a descriptor, maybe set limits,
//! `mmap`, then close / mprotect / touch / munmap as asked. Most scenarios are this shape with
//! their own defaults; the others build their plan by hand.

pub use crate::engine::plan::round_up;
use crate::engine::{
    DescriptorOp, FileSpec, IpcOp, Limit, LimitOp, MapOp, Plan, Purpose, Step, TouchOp, Val, Via,
};
use crate::flags;
use crate::params::{Access, Addr, FileKind, Grow, Params};
use crate::plan_path;
use nix::libc;

/// The file every file-backed experiment maps.
pub const DATA: &str = "data";

/// The byte written by a `write@N` access: `'*'`, easy to spot in a dump, absent from the
/// file's letter pattern.
pub const WRITTEN_BYTE: u8 = b'*';

/// The start of the plans built by hand around one file mapping: the data file, `open` it,
/// `mmap` it as `p` says (the mapping the experiment is about), then capture the maps.
/// Returns the plan and the steps of the descriptor and of the mapping.
pub fn open_and_map(p: &Params) -> (Plan, usize, usize) {
    let mut plan = Plan::new();
    plan.files.push(FileSpec {
        name: DATA,
        size: p.file_size,
    });
    let fd = plan.push(Step::critical(DescriptorOp::Open {
        path: plan_path(DATA),
        flags: p.open,
    }));
    let map = plan.push(Step::critical(MapOp::Mmap {
        addr: Val::Lit(0),
        length: p.length,
        prot: p.prot,
        flags: p.flags,
        fd: Val::Ret(fd),
        offset: 0,
        via: Via::Libc,
    }));
    plan.mapping_step = Some(map);
    plan.mapping_len = p.length;
    plan.push(Step::optional(MapOp::Maps));
    (plan, fd, map)
}

/// What the standard plan does besides the mmap.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// End with `munmap(ptr + munmap_shift, munmap_length)` and a maps capture.
    pub munmap: bool,
    /// Read the file back after a write, to show whether the write reached it.
    pub check_file: bool,
    /// Leave the page right after the mapping unmapped (a guard page, unmapped again once the
    /// mapping is in place), so that a range reaching past the mapping meets nothing: then
    /// msync, mprotect and madvise answer `ENOMEM`, whatever the process has mapped elsewhere.
    pub hole: bool,
}

/// The mapping's pointer moved by `shift` bytes: `ptr` itself when the shift is 0, so that
/// the call reads `mprotect(ptr, …)`, not `mprotect(ptr + 0, …)`.
fn shifted(map: usize, shift: i64) -> Val {
    if shift == 0 {
        Val::Ret(map)
    } else {
        Val::RetPlus(map, shift)
    }
}

/// Build the standard plan.
pub fn standard(p: &Params, page: u64, shape: Shape) -> Plan {
    let mut plan = Plan::new();
    limits(p, page, &mut plan);

    let fd = descriptor(p, &mut plan);

    let addr = address(p, page, &mut plan);

    let guard = guard(p, page, shape, &mut plan);

    // A MAP_FIXED over the existing mapping replaces it: capture the maps first, so that the
    // run's own evidence shows what was there (and the record can warn about it).
    let fixed = p.flags & flags::MAP_FIXED != 0 && p.flags & flags::MAP_FIXED_NOREPLACE == 0;
    if fixed && p.addr == Addr::Existing {
        plan.push(Step::optional(MapOp::Maps));
    }

    let addr = match guard {
        Some((reserve, _)) => Val::Ret(reserve),
        None => addr,
    };
    let map = plan.push(Step::critical(MapOp::Mmap {
        addr,
        length: p.length,
        prot: p.prot,
        flags: p.flags,
        fd,
        offset: p.offset,
        via: p.via,
    }));
    plan.mapping_step = Some(map);
    plan.mapping_len = p.length;
    if let (true, Some((reserve, len))) = (shape.hole, guard) {
        plan.push(
            Step::optional(MapOp::Munmap {
                addr: Val::RetPlus(reserve, len as i64),
                length: page,
                via: Via::Libc,
            })
            .because(Purpose::Hole),
        );
    }
    plan.push(Step::optional(MapOp::Maps));

    touch_and_sync(&mut plan, p, shape, map, fd);
    advise_remap_unmap(&mut plan, p, shape, map);
    plan
}

/// The resource limits the parameters set, and the map-count filler, before anything else.
fn limits(p: &Params, page: u64, plan: &mut Plan) {
    for (limit, value) in [
        (Limit::As, p.rlimit_as),
        (Limit::Data, p.rlimit_data),
        (Limit::Memlock, p.rlimit_memlock),
    ] {
        if let Some(bytes) = value {
            plan.push(Step::critical(LimitOp::SetRlimit { limit, bytes }));
        }
    }
    if p.exhaust_map_count {
        plan.push(
            Step::optional(LimitOp::ExhaustMapCount { page }).because(Purpose::ExhaustMapCount),
        );
    }
}

/// The mapping's address argument; for `existing`, the mapping made just before for it.
fn address(p: &Params, page: u64, plan: &mut Plan) -> Val {
    match p.addr {
        Addr::Null => Val::Lit(0),
        Addr::At(a) => Val::Lit(a as i64),
        Addr::Existing => {
            let existing = plan.push(
                Step::optional(MapOp::Mmap {
                    addr: Val::Lit(0),
                    length: round_up(p.length.max(1), page),
                    prot: flags::PROT_READ,
                    flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS,
                    fd: Val::Lit(-1),
                    offset: 0,
                    via: Via::Libc,
                })
                .because(Purpose::Existing),
            );
            Val::Ret(existing)
        }
    }
}

/// The guard page's reservation, when one is asked for: its step and the mapping's length in
/// whole pages.
fn guard(p: &Params, page: u64, shape: Shape, plan: &mut Plan) -> Option<(usize, u64)> {
    // A guard page above the mapping, so that a touch past its end meets nothing instead of a
    // neighbour: new mappings are placed right below older ones, so without it the page after
    // the mapping is usually somebody else's memory. Reserve mapping + one page, give back all
    // but the top page, and ask for the mapping at the reservation's address: a hint the
    // kernel honours whenever the range is free, which it now is. (With `NULL` the kernel
    // would take the highest hole that fits, and a process with holes above the reservation,
    // such as the TUI with its threads' freed stacks, would get its mapping elsewhere. The
    // hint, not `MAP_FIXED`, keeps the student's flags exactly as they chose them.)
    let mut guard = None;
    if (p.guard || shape.hole) && p.addr == Addr::Null && p.length > 0 {
        let len = round_up(p.length, page);
        if let Some(total) = len.checked_add(page) {
            let reserve = plan.push(
                Step::optional(MapOp::Mmap {
                    addr: Val::Lit(0),
                    length: total,
                    prot: libc::PROT_NONE,
                    flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS | flags::MAP_NORESERVE,
                    fd: Val::Lit(-1),
                    offset: 0,
                    via: Via::Libc,
                })
                .because(Purpose::GuardReserve),
            );
            plan.push(
                Step::optional(MapOp::Munmap {
                    addr: Val::Ret(reserve),
                    length: len,
                    via: Via::Libc,
                })
                .because(Purpose::GuardRelease),
            );
            guard = Some((reserve, len));
        }
    }
    guard
}

/// After the mapping: the descriptor closed, mprotect, the file shrunk elsewhere, the touch,
/// msync, and the file read back.
fn touch_and_sync(plan: &mut Plan, p: &Params, shape: Shape, map: usize, fd: Val) {
    if p.close_fd {
        if let Val::Ret(_) = fd {
            plan.push(Step::critical(DescriptorOp::Close { fd }));
        }
    }
    if let Some(prot) = p.mprotect {
        plan.push(Step::critical(MapOp::Mprotect {
            addr: shifted(map, p.mprotect_shift),
            length: p.mprotect_len(),
            prot,
            via: p.via,
        }));
    }
    if let (Some(size), Val::Ret(_)) = (p.truncate_to, fd) {
        truncate_elsewhere(plan, fd, size, p.grow_back.then_some(p.file_size));
    }
    if let Some(at) = p.access.offset() {
        let write = matches!(p.access, Access::Write(_));
        plan.push(Step::critical(TouchOp::Byte {
            addr: Val::RetPlus(map, at as i64),
            write,
            value: WRITTEN_BYTE,
        }));
    }
    // msync between the write and the read of the file: "the data is in the file" then
    // follows the call that put it there.
    if let Some(flags) = p.msync_flags {
        plan.push(Step::critical(MapOp::Msync {
            addr: shifted(map, p.msync_shift),
            length: p.msync_len(),
            flags,
        }));
    }
    if let Some(at) = p.access.offset() {
        let write = matches!(p.access, Access::Write(_));
        let file_backed = matches!(p.file, FileKind::Regular | FileKind::New);
        if write && shape.check_file && file_backed {
            plan.push(
                Step::optional(DescriptorOp::ReadFileByte {
                    path: plan_path(DATA),
                    offset: (p.offset.max(0) as u64).saturating_add(at),
                })
                .because(Purpose::CheckFile),
            );
        }
    }
}

/// Then madvise (and the touch that shows it), mremap (and the old pointer), munmap.
fn advise_remap_unmap(plan: &mut Plan, p: &Params, shape: Shape, map: usize) {
    if let Some(advice) = p.advice {
        plan.push(Step::critical(MapOp::Madvise {
            addr: Val::Ret(map),
            length: p.madvise_len(),
            advice,
        }));
        // What the touched byte reads as now: the lesson of MADV_DONTNEED.
        if let Some(at) = p.access.offset() {
            plan.push(Step::critical(TouchOp::Byte {
                addr: Val::RetPlus(map, at as i64),
                write: false,
                value: 0,
            }));
        }
    }
    if let Some(flags) = p.mremap_flags {
        plan.push(Step::critical(MapOp::Mremap {
            addr: Val::Ret(map),
            old_length: p.length,
            new_length: p.new_length,
            flags,
        }));
        plan.push(Step::optional(MapOp::Maps));
        if p.touch_old {
            plan.push(Step::critical(TouchOp::Byte {
                addr: Val::Ret(map),
                write: false,
                value: 0,
            }));
        }
    }
    if shape.munmap {
        plan.push(Step::critical(MapOp::Munmap {
            addr: Val::RetPlus(map, p.munmap_shift),
            length: p.munmap_len(),
            via: p.via,
        }));
        plan.push(Step::optional(MapOp::Maps));
    }
}

/// Another process changes the mapped file's size: fork, the child `ftruncate`s the shared
/// descriptor to `size` (and, with `back`, to that size again) and ends, the parent waits for
/// it and captures its maps: the mapping is still there, whatever became of the file.
pub fn truncate_elsewhere(plan: &mut Plan, fd: Val, size: u64, back: Option<u64>) {
    let pid = plan.push(Step::critical(IpcOp::Fork));
    plan.push(Step::critical(DescriptorOp::Ftruncate { fd, size }).in_child());
    if let Some(back) = back {
        plan.push(Step::critical(DescriptorOp::Ftruncate { fd, size: back }).in_child());
    }
    plan.push(Step::critical(IpcOp::Exit).in_child());
    plan.push(Step::critical(IpcOp::Waitpid { pid: Val::Ret(pid) }));
    plan.push(Step::optional(MapOp::Maps));
}

/// The steps that produce the descriptor, and the descriptor argument for mmap.
fn descriptor(p: &Params, plan: &mut Plan) -> Val {
    match p.file {
        FileKind::Regular => {
            plan.files.push(FileSpec {
                name: DATA,
                size: p.file_size,
            });
            Val::Ret(plan.push(Step::critical(DescriptorOp::Open {
                path: plan_path(DATA),
                flags: p.open,
            })))
        }
        FileKind::New => {
            let fd = plan.push(Step::critical(DescriptorOp::Open {
                path: plan_path(DATA),
                flags: p.open | libc::O_CREAT,
            }));
            match p.grow {
                Grow::None => {}
                Grow::Ftruncate => {
                    plan.push(Step::critical(DescriptorOp::Ftruncate {
                        fd: Val::Ret(fd),
                        size: p.file_size,
                    }));
                }
                Grow::LseekWrite => {
                    plan.push(Step::critical(DescriptorOp::LseekWrite {
                        fd: Val::Ret(fd),
                        size: p.file_size,
                    }));
                }
            }
            Val::Ret(fd)
        }
        FileKind::Anonymous | FileKind::BadFd => Val::Lit(-1),
        FileKind::Pipe => Val::Ret(plan.push(Step::critical(DescriptorOp::Pipe))),
        FileKind::Directory => Val::Ret(plan.push(Step::critical(DescriptorOp::Open {
            path: plan_path("."),
            flags: libc::O_RDONLY | libc::O_DIRECTORY,
        }))),
        FileKind::DevNull => Val::Ret(plan.push(Step::critical(DescriptorOp::Open {
            path: plan_path("/dev/null"),
            flags: p.open,
        }))),
        FileKind::SealedMemfd => Val::Ret(plan.push(Step::critical(DescriptorOp::SealedMemfd {
            size: p.file_size,
        }))),
    }
}
