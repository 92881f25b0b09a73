//! The map family: mmap, munmap and mprotect, the calls the lessons are about, and the capture
//! of `/proc/self/maps` that shows what they did.

use super::{CType, Ended, Family};
use crate::cprog::{signed, unsigned, CStep};
use crate::engine::calls::{Arg, Args, Call, ValueNames};
use crate::engine::child::{checked, failed, ok, Done, Exec};
use crate::engine::function::Function;
use crate::engine::plan::{Op, Plan, Val};
use crate::engine::wire::MAX_PAYLOAD;
use crate::flags;
use crate::texts::Text;
use crate::Lang;
use nix::libc::{self, c_void};

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

/// How far above the mapping's start the plan maps or unmaps: the mapping's length, or more
/// when a `munmap` reaches past it. `/proc/self/maps` lines are kept up to there (plus two
/// pages), in the record and in the C program alike.
pub(crate) fn reach(plan: &Plan) -> u64 {
    plan.steps
        .iter()
        .fold(plan.mapping_len, |acc, s| match s.op {
            Op::Map(MapOp::Munmap {
                addr: Val::RetPlus(_, d),
                length,
                ..
            }) => acc.max((d.max(0) as u64).saturating_add(length)),
            _ => acc,
        })
}

impl Family for MapOp {
    fn vals(&self) -> Vec<Val> {
        match *self {
            Self::Mmap { addr, fd, .. } => vec![addr, fd],
            Self::Munmap { addr, .. } | Self::Mprotect { addr, .. } => vec![addr],
            Self::Maps => Vec::new(),
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Mmap { .. } => Function::Mmap,
            Self::Munmap { .. } => Function::Munmap,
            Self::Mprotect { .. } => Function::Mprotect,
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
            } => Args::open(&via.head("mmap"), via.tag())
                .tagged(names.addr(*addr), Arg::Addr)
                .tagged(length.to_string(), Arg::Length)
                .tagged(flags::prot_name(*prot), Arg::Prot)
                .tagged(flags::map_name(*f), Arg::Flags)
                .tagged(names.num(*fd), Arg::Fd)
                .tagged(offset.to_string(), Arg::Offset)
                .close(),
            Self::Munmap { addr, length, via } => Args::open(&via.head("munmap"), via.tag())
                .tagged(names.addr(*addr), Arg::MunmapAddr)
                .tagged(length.to_string(), Arg::MunmapLength)
                .close(),
            Self::Mprotect {
                addr,
                length,
                prot,
                via,
            } => Args::open(&via.head("mprotect"), via.tag())
                .arg(names.addr(*addr))
                .arg(length.to_string())
                .tagged(flags::prot_name(*prot), Arg::MprotectProt)
                .close(),
            Self::Maps => Call::single("read(\"/proc/self/maps\")".to_string(), None),
        }
    }

    fn result(&self, end: &Ended<'_>) -> String {
        match self {
            Self::Mmap { .. } if end.errno != 0 => "MAP_FAILED".to_string(),
            Self::Mmap { .. } => format!("{:#x}", end.ret as u64),
            _ if end.errno != 0 => "-1".to_string(),
            _ => end.ret.to_string(),
        }
    }

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
            Self::Maps => copy_maps(cx),
        }
    }

    fn c_code(&self, c: &mut CStep<'_, '_>) -> bool {
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
            Self::Maps => Text::OpMaps,
        };
        text.get(lang).to_string()
    }

    fn c_type(&self) -> CType {
        match self {
            Self::Mmap { .. } => CType::Ptr,
            _ => CType::Long,
        }
    }
}

/// Send `/proc/self/maps` in chunks; the parent keeps the lines near the mapping.
fn copy_maps(cx: &Exec<'_>) -> Done {
    let mut buf = [0u8; MAX_PAYLOAD];
    let mut total: i64 = 0;
    // SAFETY: open/read/close with a local buffer.
    unsafe {
        let fd = libc::open(
            c"/proc/self/maps".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return failed(-1, 0);
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
