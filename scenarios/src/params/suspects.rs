//! The knob table's `blame` column: for which outcomes a knob is a suspect ("look at: …"),
//! in what place among the others, and on what condition of the parameters. The outcome is
//! sorted into a [`Case`] once (`crate::blame`); each knob's row says the rest.

use super::values::Params;

/// A kind of outcome the lab can point at knobs for. `crate::blame::case` decides which one
/// an outcome is (a call's errno, a signal, a clobbered run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// mmap: EINVAL.
    MmapEinval,
    /// munmap: EINVAL.
    MunmapEinval,
    /// mprotect: EACCES.
    MprotectEacces,
    /// mprotect: EINVAL.
    MprotectEinval,
    /// mprotect: ENOMEM.
    MprotectEnomem,
    /// msync: EINVAL.
    MsyncEinval,
    /// msync: ENOMEM.
    MsyncEnomem,
    /// msync: EBUSY.
    MsyncEbusy,
    /// madvise: ENOMEM.
    MadviseEnomem,
    /// madvise: EACCES or EINVAL.
    MadviseEaccesEinval,
    /// madvise: EFAULT.
    MadviseEfault,
    /// mremap: ENOMEM.
    MremapEnomem,
    /// mremap: EINVAL.
    MremapEinval,
    /// mremap: EFAULT.
    MremapEfault,
    /// mremap: EAGAIN.
    MremapEagain,
    /// EACCES from another call, the descriptor a pipe or a directory (it cannot be mapped).
    EaccesUnmappable,
    /// EACCES from another call.
    Eacces,
    /// EBADF or ENODEV.
    EbadfEnodev,
    /// EEXIST.
    Eexist,
    /// ENOMEM from another call.
    Enomem,
    /// EOVERFLOW.
    Eoverflow,
    /// EPERM.
    Eperm,
    /// EOPNOTSUPP.
    Eopnotsupp,
    /// EAGAIN from another call.
    Eagain,
    /// A step took away the process's own memory.
    Clobbered,
    /// SIGBUS.
    Sigbus,
    /// SIGSEGV touching the old pointer after mremap.
    SigsegvOldPointer,
    /// SIGSEGV otherwise.
    Sigsegv,
}

/// One entry of a knob's `blame` column: a suspect in `case`, at `rank` among the knobs
/// suspected there (0 first), when `when` holds for the parameters and the page size.
#[derive(Debug, Clone, Copy)]
pub struct Suspect {
    /// The outcome.
    pub case: Case,
    /// Its place in the "look at" list: lower first.
    pub rank: u8,
    /// Whether the parameters make it a suspect.
    pub when: fn(&Params, u64) -> bool,
}

/// A suspect whatever the parameters.
pub(crate) const fn always(case: Case, rank: u8) -> Suspect {
    Suspect {
        case,
        rank,
        when: |_, _| true,
    }
}

/// A suspect when `when` holds.
pub(crate) const fn when(case: Case, rank: u8, when: fn(&Params, u64) -> bool) -> Suspect {
    Suspect { case, rank, when }
}

/// Whether `shift` is not a multiple of the page size.
pub(crate) fn unaligned(shift: i64, page: u64) -> bool {
    shift.rem_euclid(page.max(1) as i64) != 0
}

/// Whether the touch's protection refuses it (a write without `PROT_WRITE`, or no access
/// at all): then the protection is the suspect, else the length.
pub(crate) fn touch_refused(p: &Params) -> bool {
    let writes = matches!(p.access, super::choices::Access::Write(_));
    let prot = p.mprotect.unwrap_or(p.prot);
    (writes && prot & crate::flags::PROT_WRITE == 0) || prot == 0
}
