//! The map family: mmap, munmap, mprotect, msync, madvise and mremap, the calls the lessons
//! are about, and the capture of `/proc/self/maps` that shows what they did.

use super::c::{signed, unsigned, CWriter};
use super::syscalls::{sys, SysCall};
use super::{CType, Ended, Family};
use crate::engine::calls::{Arg, Args, Call, ValueNames};
use crate::engine::exec::{checked, failed, ok, with_errno, Done, Exec};
use crate::engine::function::Function;
use crate::engine::marks::{LAB_OPEN_FLAGS, MAPS_FD};
use crate::engine::values::Val;
use crate::engine::wire::MAX_PAYLOAD;
use crate::flags;
use crate::texts::Text;
use crate::Lang;
use nix::libc::{self, c_void};

/// The system calls this family's steps make (see [`super::syscalls`]).
pub(crate) const SYSCALLS: &[SysCall] = &[
    sys(libc::SYS_mmap, "mmap", 6),
    sys(libc::SYS_munmap, "munmap", 2),
    sys(libc::SYS_mprotect, "mprotect", 3),
    sys(libc::SYS_mremap, "mremap", 5),
    sys(libc::SYS_msync, "msync", 3),
    sys(libc::SYS_madvise, "madvise", 3),
];

/// An operation on the address space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapOp {
    /// `mmap(addr, length, prot, flags, fd, offset)`.
    Mmap {
        /// The address hint (or the fixed address).
        addr: Val,
        /// The length.
        length: u64,
        /// `PROT_*`.
        prot: i32,
        /// `MAP_*`.
        flags: i32,
        /// The descriptor, -1 for anonymous memory.
        fd: Val,
        /// The offset in the file.
        offset: i64,
        /// Through the C library's wrapper, or the raw system call.
        via: Via,
    },
    /// `munmap(addr, length)`.
    Munmap {
        /// The address.
        addr: Val,
        /// The length.
        length: u64,
        /// Through the C library's wrapper, or the raw system call.
        via: Via,
    },
    /// `mprotect(addr, length, prot)`.
    Mprotect {
        /// The address.
        addr: Val,
        /// The length.
        length: u64,
        /// The new `PROT_*`.
        prot: i32,
        /// Through the C library's wrapper, or the raw system call.
        via: Via,
    },
    /// `msync(addr, length, flags)`.
    Msync {
        /// The address.
        addr: Val,
        /// The length.
        length: u64,
        /// `MS_*`.
        flags: i32,
    },
    /// `madvise(addr, length, advice)`.
    Madvise {
        /// The address.
        addr: Val,
        /// The length.
        length: u64,
        /// `MADV_*`: one value, not a bit set.
        advice: i32,
    },
    /// `mremap(addr, old_length, new_length, flags)`; with `MREMAP_FIXED`, a fifth argument
    /// `NULL` (the lab offers no target address: the flag is there to show its rules).
    Mremap {
        /// The old address.
        addr: Val,
        /// The old length.
        old_length: u64,
        /// The new length.
        new_length: u64,
        /// `MREMAP_*`.
        flags: i32,
    },
    /// Copy `/proc/self/maps` into the record.
    Maps,
}

/// How a call reaches the kernel: through the C library's function (what a C program calling
/// `mmap()` does: glibc and musl check some arguments themselves first, e.g. an offset that is
/// not page-aligned, and answer `EINVAL` without asking the kernel), or as the raw system call
/// `syscall(SYS_mmap, …)`, which only the kernel answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Via {
    /// The C library's wrapper.
    #[default]
    Libc,
    /// `syscall(SYS_…)`.
    Syscall,
}

impl Via {
    /// The words `--set via=` takes.
    pub const NAMES: &'static [&'static str] = &["libc", "syscall"];

    /// The word for this one.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The one called `name`.
    pub fn parse(name: &str) -> Option<Via> {
        [Via::Libc, Via::Syscall]
            .into_iter()
            .find(|v| v.name() == name)
    }

    /// The tag of the call's head: the `via` knob shows there when it asked for the raw call.
    fn tag(self) -> Option<Arg> {
        (self == Via::Syscall).then_some(Arg::Via)
    }

    /// The call's head: `mmap(` or `syscall(SYS_mmap, `.
    fn head(self, function: &str) -> String {
        match self {
            Via::Libc => format!("{function}("),
            Via::Syscall => format!("syscall(SYS_{function}, "),
        }
    }
}

/// mremap's fifth argument, `new_address`, is read by the kernel with `MREMAP_FIXED` (the
/// target) and with `MREMAP_DONTUNMAP` (a hint): then the call passes `NULL` and shows it. A C
/// program that left it out would pass whatever its register held, and the kernel would answer
/// EINVAL to an unaligned hint where the lab's call succeeds.
fn mremap_fixed(flags: i32) -> bool {
    flags & (flags::MREMAP_FIXED | flags::MREMAP_DONTUNMAP) != 0
}

/// The call a `/proc/self/maps` capture is shown as: how a record tells the lab's
/// bookkeeping from the experiment's steps.
pub const MAPS_CALL: &str = "read(\"/proc/self/maps\")";

/// `bytes` in whole pages, plus the two pages a capture keeps beyond what a plan reaches.
pub(crate) fn capture_margin(bytes: u64, page: u64) -> u64 {
    let page = page.max(1);
    bytes
        .div_ceil(page)
        .saturating_mul(page)
        .saturating_add(2 * page)
}

impl MapOp {
    /// What a step takes away from the address space, as `(addr, length, replaces)`, given the
    /// value of its arguments: a `munmap` removes its range, an `mmap` with `MAP_FIXED` (without
    /// `MAP_FIXED_NOREPLACE`, which refuses instead) replaces it. Used by the child, to stop
    /// before running on memory it just lost, and by the record, to name what was there: one
    /// definition for both. Pure arithmetic, so the child may call it.
    pub(crate) fn takes_away(&self, value: impl Fn(Val) -> i64) -> Option<(u64, u64, bool)> {
        match *self {
            Self::Munmap { addr, length, .. } => Some((value(addr) as u64, length, false)),
            Self::Mmap {
                addr,
                length,
                flags,
                ..
            } if flags & flags::MAP_FIXED != 0 && flags & flags::MAP_FIXED_NOREPLACE == 0 => {
                Some((value(addr) as u64, length, true))
            }
            _ => None,
        }
    }
}

impl Family for MapOp {
    fn syscall(&self) -> Option<i64> {
        match self {
            Self::Mmap { .. } => Some(libc::SYS_mmap),
            Self::Munmap { .. } => Some(libc::SYS_munmap),
            Self::Mprotect { .. } => Some(libc::SYS_mprotect),
            Self::Msync { .. } => Some(libc::SYS_msync),
            Self::Madvise { .. } => Some(libc::SYS_madvise),
            Self::Mremap { .. } => Some(libc::SYS_mremap),
            Self::Maps => None,
        }
    }

    fn vals(&self) -> Vec<Val> {
        match *self {
            Self::Mmap { addr, fd, .. } => vec![addr, fd],
            Self::Munmap { addr, .. }
            | Self::Mprotect { addr, .. }
            | Self::Msync { addr, .. }
            | Self::Madvise { addr, .. }
            | Self::Mremap { addr, .. } => vec![addr],
            Self::Maps => Vec::new(),
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Mmap { .. } => Function::Mmap,
            Self::Munmap { .. } => Function::Munmap,
            Self::Mprotect { .. } => Function::Mprotect,
            Self::Msync { .. } => Function::Msync,
            Self::Madvise { .. } => Function::Madvise,
            Self::Mremap { .. } => Function::Mremap,
            Self::Maps => Function::Open,
        }
    }

    fn call(&self, names: &dyn ValueNames) -> Call {
        match self {
            Self::Mmap {
                addr,
                length,
                prot,
                flags: f,
                fd,
                offset,
                via,
            } => Args::open(Function::Mmap, &via.head("mmap"), via.tag())
                .arg(names.addr(*addr))
                .arg(length.to_string())
                .arg(flags::prot_name(*prot))
                .arg(flags::map_name(*f))
                .arg(names.num(*fd))
                .arg(offset.to_string())
                .close(),
            Self::Munmap { addr, length, via } => {
                Args::open(Function::Munmap, &via.head("munmap"), via.tag())
                    .arg(names.addr(*addr))
                    .arg(length.to_string())
                    .close()
            }
            Self::Mprotect {
                addr,
                length,
                prot,
                via,
            } => Args::open(Function::Mprotect, &via.head("mprotect"), via.tag())
                .arg(names.addr(*addr))
                .arg(length.to_string())
                .arg(flags::prot_name(*prot))
                .close(),
            Self::Msync {
                addr,
                length,
                flags: f,
            } => Args::new(Function::Msync)
                .arg(names.addr(*addr))
                .arg(length.to_string())
                .arg(flags::msync_name(*f))
                .close(),
            Self::Madvise {
                addr,
                length,
                advice,
            } => Args::new(Function::Madvise)
                .arg(names.addr(*addr))
                .arg(length.to_string())
                .arg(flags::advice_name(*advice))
                .close(),
            Self::Mremap {
                addr,
                old_length,
                new_length,
                flags: f,
            } => {
                let call = Args::new(Function::Mremap)
                    .arg(names.addr(*addr))
                    .arg(old_length.to_string())
                    .arg(new_length.to_string())
                    .arg(flags::mremap_name(*f));
                if mremap_fixed(*f) {
                    call.arg("NULL").close()
                } else {
                    call.close()
                }
            }
            Self::Maps => Call::single(MAPS_CALL.to_string(), None),
        }
    }

    fn result(&self, end: &Ended<'_>) -> String {
        match self {
            Self::Mmap { .. } | Self::Mremap { .. } if end.errno != 0 => "MAP_FAILED".to_string(),
            Self::Mmap { .. } | Self::Mremap { .. } => format!("{:#x}", end.ret as u64),
            _ if end.errno != 0 => "-1".to_string(),
            _ => end.ret.to_string(),
        }
    }

    // One arm per step kind of the family, each with its `SAFETY:` reason.
    fn execute(&self, cx: &mut Exec<'_>) -> Done {
        match *self {
            Self::Mmap {
                addr,
                length,
                prot,
                flags,
                fd,
                offset,
                via,
            } => {
                let (at, fd) = (cx.v(addr) as usize as *mut c_void, cx.v(fd) as i32);
                // SAFETY: mmap with any arguments either fails or creates a new mapping; it
                // cannot touch existing memory except with MAP_FIXED, which the student asked
                // for, in this throw-away process. The raw system call takes the same
                // arguments and returns the address or -1 with errno set.
                let p = unsafe {
                    match via {
                        Via::Libc => {
                            libc::mmap(at, length as usize, prot, flags, fd, offset as libc::off_t)
                        }
                        Via::Syscall => libc::syscall(
                            libc::SYS_mmap,
                            at,
                            length as usize,
                            prot,
                            flags,
                            fd,
                            offset as libc::off_t,
                        ) as usize as *mut c_void,
                    }
                };
                if p == libc::MAP_FAILED {
                    failed(-1, 0)
                } else {
                    ok(p as i64)
                }
            }
            Self::Munmap { addr, length, via } => {
                let at = cx.v(addr) as usize as *mut c_void;
                // SAFETY: unmapping may remove memory this process uses; that is the
                // experiment, and its worst case is a signal that kills this child only.
                checked(unsafe {
                    match via {
                        Via::Libc => libc::munmap(at, length as usize).into(),
                        Via::Syscall => libc::syscall(libc::SYS_munmap, at, length as usize),
                    }
                })
            }
            Self::Mprotect {
                addr,
                length,
                prot,
                via,
            } => {
                let at = cx.v(addr) as usize as *mut c_void;
                // SAFETY: as for munmap: only this throw-away process is affected.
                checked(unsafe {
                    match via {
                        Via::Libc => libc::mprotect(at, length as usize, prot).into(),
                        Via::Syscall => {
                            libc::syscall(libc::SYS_mprotect, at, length as usize, prot)
                        }
                    }
                })
            }
            Self::Msync {
                addr,
                length,
                flags,
            } => {
                let at = cx.v(addr) as usize as *mut c_void;
                // SAFETY: msync only reads the page tables and writes dirty pages back to
                // their file; a bad range is an errno, never a fault in this process.
                checked(unsafe { libc::msync(at, length as usize, flags) }.into())
            }
            Self::Madvise {
                addr,
                length,
                advice,
            } => {
                let at = cx.v(addr) as usize as *mut c_void;
                // The `advice` knob refuses MADV_HWPOISON and MADV_SOFT_OFFLINE, so no
                // scenario or setting builds such a step; a hand-made plan is stopped here, in
                // the one place that calls the kernel, because as root the call would take a
                // real page of the machine out of service. This EPERM is the lab's answer, not
                // the kernel's (the kernel's to a normal user is EPERM too, or EINVAL without
                // CONFIG_MEMORY_FAILURE).
                if !flags::advice_allowed(advice) {
                    return with_errno(-1, 0, libc::EPERM);
                }
                // SAFETY: madvise may drop this process's pages (MADV_DONTNEED reads back
                // zeros): that is the experiment, in this throw-away process.
                checked(unsafe { libc::madvise(at, length as usize, advice) }.into())
            }
            Self::Mremap {
                addr,
                old_length,
                new_length,
                flags,
            } => {
                let at = cx.v(addr) as usize as *mut c_void;
                // SAFETY: mremap moves or resizes mappings of this throw-away process only;
                // the fifth argument is read only with MREMAP_FIXED or MREMAP_DONTUNMAP, and
                // is NULL, as the call shows then.
                let p = unsafe {
                    libc::mremap(
                        at,
                        old_length as usize,
                        new_length as usize,
                        flags,
                        std::ptr::null_mut::<c_void>(),
                    )
                };
                if p == libc::MAP_FAILED {
                    failed(-1, 0)
                } else {
                    ok(p as i64)
                }
            }
            Self::Maps => copy_maps(cx),
        }
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        match self {
            Self::Mmap {
                addr,
                length,
                prot,
                flags,
                fd,
                offset,
                via,
            } => {
                let addr = c.addr(*addr);
                let fd = c.int(*fd);
                // syscall() returns a long: -1 on failure, which is MAP_FAILED as a pointer.
                let head = match via {
                    Via::Libc => "mmap(".to_string(),
                    Via::Syscall => "(void *)syscall(SYS_mmap, ".to_string(),
                };
                let call = format!(
                    "{head}{addr}, {}, {}, {}, {fd}, {})",
                    unsigned(*length),
                    flags::prot_name(*prot),
                    flags::map_name(*flags),
                    signed(*offset)
                );
                c.check("check_map", &call);
            }
            Self::Munmap { addr, length, via } => {
                let addr = c.addr(*addr);
                let head = via.head("munmap");
                c.check("check", &format!("{head}{addr}, {})", unsigned(*length)));
            }
            Self::Mprotect {
                addr,
                length,
                prot,
                via,
            } => {
                let addr = c.addr(*addr);
                let head = via.head("mprotect");
                let call = format!(
                    "{head}{addr}, {}, {})",
                    unsigned(*length),
                    flags::prot_name(*prot)
                );
                c.check("check", &call);
            }
            Self::Msync {
                addr,
                length,
                flags,
            } => {
                let addr = c.addr(*addr);
                let call = format!(
                    "msync({addr}, {}, {})",
                    unsigned(*length),
                    flags::msync_name(*flags)
                );
                c.check("check", &call);
            }
            Self::Madvise {
                addr,
                length,
                advice,
            } => {
                let addr = c.addr(*addr);
                let call = format!(
                    "madvise({addr}, {}, {})",
                    unsigned(*length),
                    flags::advice_name(*advice)
                );
                c.check("check", &call);
            }
            Self::Mremap {
                addr,
                old_length,
                new_length,
                flags,
            } => {
                let addr = c.addr(*addr);
                let fixed = if mremap_fixed(*flags) { ", NULL" } else { "" };
                let call = format!(
                    "mremap({addr}, {}, {}, {}{fixed})",
                    unsigned(*old_length),
                    unsigned(*new_length),
                    flags::mremap_name(*flags)
                );
                c.check("check_map", &call);
            }
            Self::Maps => {
                let (mapping, before, after) = c.maps_window();
                let call = format!(
                    "read_maps({mapping}, {}, {})",
                    unsigned(before),
                    unsigned(after)
                );
                c.check("check", &call);
                c.line("show_maps();");
                c.needs(&["maps"]);
            }
        }
        true
    }

    fn what(&self, is_mapping: bool, lang: Lang) -> String {
        let text = match self {
            Self::Mmap { .. } if is_mapping => Text::OpMmapTheMapping,
            Self::Mmap { .. } => Text::OpMmap,
            Self::Munmap { .. } => Text::OpMunmap,
            Self::Mprotect { .. } => Text::OpMprotect,
            Self::Msync { .. } => Text::OpMsync,
            Self::Madvise { .. } => Text::OpMadvise,
            Self::Mremap { .. } => Text::OpMremap,
            Self::Maps => Text::OpMaps,
        };
        text.get(lang).to_string()
    }

    /// The capture of `/proc/self/maps` only shows what the calls did.
    fn in_minimal(&self) -> bool {
        !matches!(self, Self::Maps)
    }

    fn c_type(&self) -> CType {
        match self {
            Self::Mmap { .. } | Self::Mremap { .. } => CType::Ptr,
            _ => CType::Long,
        }
    }
}

/// Send `/proc/self/maps` in chunks; the parent keeps the lines near the mapping.
///
/// The calls are the C library's `open`, `read` and `close`, as in the C program (so that a
/// process whose thread-local storage a step removed fails here as that program would), made
/// so that the witness lets them by: the file is opened with the lab's own flags
/// ([`LAB_OPEN_FLAGS`]) and read and closed at the lab's descriptor ([`MAPS_FD`]). A
/// capture is the lab's, not the experiment's; it costs the experiment no stop.
fn copy_maps(cx: &Exec<'_>) -> Done {
    let mut buf = [0u8; MAX_PAYLOAD];
    let mut total: i64 = 0;
    // SAFETY: open/dup3/close_range/read/close on descriptors of this process, with a local
    // buffer.
    unsafe {
        let mut fd = libc::open(c"/proc/self/maps".as_ptr(), LAB_OPEN_FLAGS);
        if fd < 0 {
            return failed(-1, 0);
        }
        if libc::dup3(fd, MAPS_FD, libc::O_CLOEXEC) == MAPS_FD {
            libc::syscall(libc::SYS_close_range, fd, fd, 0);
            fd = MAPS_FD;
        }
        loop {
            let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
            if n <= 0 {
                break;
            }
            cx.payload(buf.get(..n as usize).unwrap_or(&[]));
            total = total.wrapping_add(n as i64);
        }
        libc::close(fd);
    }
    ok(total)
}
