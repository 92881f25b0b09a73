//! The system calls a family's steps make, as the witness traces them: number, name and
//! arity in one row, so that a call cannot be added without its arity. Each family declares
//! its own rows (`SYSCALLS` in its module, `LEGACY` for the older calls only some
//! architectures have); [`super::SYSCALLS`] lists the families' tables, and the witness
//! builds its filter and names its calls from them.

/// One system call an experiment's step makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SysCall {
    /// Its number on this architecture (`libc::SYS_*`).
    pub nr: i64,
    /// Its name as `strace` prints it.
    pub name: &'static str,
    /// How many arguments it takes (the kernel passes six registers; the rest are whatever
    /// was in them, and the record shows only these).
    pub arity: usize,
}

/// A row of a family's table.
pub(crate) const fn sys(nr: i64, name: &'static str, arity: usize) -> SysCall {
    SysCall { nr, name, arity }
}
