//! The limits family: a resource limit set before mmap (`setrlimit`), and a process filled up
//! to `vm.max_map_count` by splitting a reservation with `mprotect`.

use super::c::{unsigned, CWriter};
use super::syscalls::{sys, SysCall};
use super::{Ended, Family};
use crate::engine::calls::{Arg, Args, Call, ValueNames};
use crate::engine::exec::{checked, errno, failed, with_errno, Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::{Limit, Val};
use crate::texts::Text;
use crate::Lang;
use nix::libc::{self, c_void};
use std::ffi::CStr;

/// The system calls this family's steps make (see [`super::syscalls`]).
pub(crate) const SYSCALLS: &[SysCall] = &[
    sys(libc::SYS_prlimit64, "prlimit64", 4),
    sys(libc::SYS_setrlimit, "setrlimit", 2),
    sys(libc::SYS_mmap, "mmap", 6),
    sys(libc::SYS_mprotect, "mprotect", 3),
    sys(libc::SYS_openat, "openat", 4),
    sys(libc::SYS_read, "read", 3),
    sys(libc::SYS_close, "close", 1),
];

/// An operation on the process's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitOp {
    /// `setrlimit(resource, {bytes, bytes})`.
    SetRlimit {
        /// Which resource.
        limit: Limit,
        /// The soft and hard limit.
        bytes: u64,
    },
    /// Split a fresh reservation with `mprotect` until the kernel refuses: the process then
    /// sits at `vm.max_map_count`. Returns how many splits succeeded.
    ExhaustMapCount {
        /// The page size.
        page: u64,
    },
}

impl Family for LimitOp {
    /// The map-count filler makes tens of thousands of mappings: the witness lets them by.
    fn traced(&self) -> bool {
        !matches!(self, Self::ExhaustMapCount { .. })
    }

    fn untraced_calls(&self) -> &'static [i64] {
        match self {
            Self::ExhaustMapCount { .. } => &[libc::SYS_mprotect],
            _ => &[],
        }
    }

    fn vals(&self) -> Vec<Val> {
        Vec::new()
    }

    fn function(&self) -> Function {
        match self {
            Self::SetRlimit { .. } => Function::Setrlimit,
            Self::ExhaustMapCount { .. } => Function::Mprotect,
        }
    }

    fn call(&self, _: &dyn ValueNames) -> Call {
        match self {
            Self::SetRlimit { limit, bytes } => Args::new(Function::Setrlimit)
                .arg(limit.name())
                .tagged(
                    format!("&(struct rlimit){{{bytes}, {bytes}}}"),
                    Arg::Rlimit(*limit),
                )
                .close(),
            // The loop in C's words: it stops when the kernel refuses a split.
            Self::ExhaustMapCount { page } => Call::single(
                format!(
                    "for (n = 0; mprotect(base + (2*n + 1)*{page}, {page}, PROT_READ) == 0; n++)"
                ),
                Some(Arg::ExhaustMapCount),
            ),
        }
    }

    fn result(&self, end: &Ended<'_>) -> String {
        match self {
            // The loop's count, and the -1 that ended it: C, not words, since the record has
            // no language.
            Self::ExhaustMapCount { .. } if end.errno != 0 => format!("-1 (n = {})", end.ret),
            Self::ExhaustMapCount { .. } => format!("n = {}", end.ret),
            _ if end.errno != 0 => "-1".to_string(),
            _ => end.ret.to_string(),
        }
    }

    fn execute(&self, _: &mut Exec<'_>) -> Done {
        match *self {
            Self::SetRlimit { limit, bytes } => {
                let resource = match limit {
                    Limit::As => libc::RLIMIT_AS,
                    Limit::Data => libc::RLIMIT_DATA,
                    Limit::Memlock => libc::RLIMIT_MEMLOCK,
                };
                let lim = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                // SAFETY: setrlimit reads a local struct.
                checked(unsafe { libc::setrlimit(resource, &lim) }.into())
            }
            Self::ExhaustMapCount { page } => exhaust_map_count(page),
        }
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        match self {
            Self::SetRlimit { limit, bytes } => {
                let b = unsigned(*bytes);
                let call = format!("setrlimit({}, &(struct rlimit){{{b}, {b}}})", limit.name());
                c.check("check", &call);
            }
            Self::ExhaustMapCount { page } if c.minimal() => c_minimal_exhaust(c, *page),
            Self::ExhaustMapCount { page } => {
                c.check("check", &format!("exhaust_map_count({})", unsigned(*page)));
                c.line("show_splits();");
                c.needs(&["exhaust"]);
            }
        }
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        match self {
            Self::SetRlimit { limit, .. } => Text::OpSetRlimit.fill(lang, &[limit.name()]),
            Self::ExhaustMapCount { .. } => Text::PurposeExhaustMapCount.get(lang).to_string(),
        }
    }
}

/// The minimal program's filling up to `vm.max_map_count`: the same reservation and the same
/// splits as the engine's, the loop written out.
fn c_minimal_exhaust(c: &mut dyn CWriter, page: u64) {
    let page = unsigned(page);
    c.line("long limit = 65530, k = 1;");
    c.line("FILE *max = fopen(\"/proc/sys/vm/max_map_count\", \"r\");");
    c.line("if (max != NULL && fscanf(max, \"%ld\", &limit) != 1)");
    c.line("    limit = 65530;");
    c.line("if (max != NULL)");
    c.line("    fclose(max);");
    c.line(&format!(
        "char *base = mmap(NULL, (size_t)(limit + 64) * {page}, PROT_NONE, \
         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);"
    ));
    c.line(&format!(
        "while (base != MAP_FAILED && k < limit + 64 && \
         mprotect(base + k * {page}, {page}, PROT_READ) == 0)"
    ));
    c.line("    k += 2;");
    let on_failure = c.on_failure();
    c.if_line("base == MAP_FAILED || k < limit + 64", &on_failure);
}

/// Read a small decimal number from a file such as `/proc/sys/vm/max_map_count`.
fn read_number(path: &CStr) -> Option<u64> {
    let mut buf = [0u8; 32];
    // SAFETY: open/read/close with a local buffer.
    let n = unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return None;
        }
        let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        libc::close(fd);
        n
    };
    let mut value: u64 = 0;
    let mut any = false;
    for &c in buf.iter().take(n.max(0) as usize) {
        if c.is_ascii_digit() {
            value = value.wrapping_mul(10).wrapping_add((c - b'0') as u64);
            any = true;
        } else {
            break;
        }
    }
    any.then_some(value)
}

/// Give a fresh `PROT_NONE` reservation alternating protections, page by page, until the
/// kernel refuses a split: each `mprotect` of one page in the middle adds two mappings.
/// Returns the number of successful splits, with the errno that stopped them.
fn exhaust_map_count(page: u64) -> Done {
    const LIMIT_CAP: u64 = 1 << 21;
    let limit = read_number(c"/proc/sys/vm/max_map_count").unwrap_or(65530);
    if limit > LIMIT_CAP {
        // A limit this high would take seconds to reach: report it as E2BIG, "argument list
        // too long", rather than pretend.
        return with_errno(0, limit as i64, libc::E2BIG);
    }
    let pages = limit.wrapping_add(64);
    let len = pages.wrapping_mul(page) as usize;
    // SAFETY: a new anonymous PROT_NONE reservation, untouched by anything else.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return failed(-1, 0);
    }
    let mut splits: i64 = 0;
    let mut i: u64 = 1;
    while i < pages {
        let at = (base as usize).wrapping_add(i.wrapping_mul(page) as usize);
        // SAFETY: changes protection inside our own reservation only.
        if unsafe { libc::mprotect(at as *mut c_void, page as usize, libc::PROT_READ) } != 0 {
            return with_errno(splits, limit as i64, errno());
        }
        splits = splits.wrapping_add(1);
        i = i.wrapping_add(2);
    }
    with_errno(splits, limit as i64, 0)
}
