//! Why a run could not happen at all ([`EngineError`]), and which of those failures are the
//! environment's: a TMPDIR that is missing, read-only or full, no descriptors or processes
//! left, no memory. Those are not bugs of the lab and the user can fix them, so the program
//! names them apart from internal errors.

use nix::errno::Errno;
use nix::sys::resource::{getrlimit, Resource};
use std::io;

/// Why a run could not happen at all (as opposed to an experiment that failed, which is a
/// normal [`Run`](super::Run)).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The temporary directory or a file in it could not be made.
    #[error("could not prepare the experiment's files: {0}")]
    Files(#[from] io::Error),
    /// A system call of the engine itself failed.
    #[error("{what} failed: {errno}")]
    Sys {
        /// The call, e.g. `fork`.
        what: &'static str,
        /// What it said.
        errno: Errno,
    },
    /// The plan refers to a step that has not run yet, or has too many steps.
    #[error("invalid plan: {0}")]
    Plan(String),
    /// The run was cancelled before its experiment started (while its files were made);
    /// they are removed.
    #[error("cancelled")]
    Cancelled,
    /// A buffer of the engine could not be allocated (`ulimit -v`, an exhausted machine).
    #[error("out of memory: a buffer of {0} bytes could not be allocated")]
    Memory(u64),
    /// TMPDIR has less free space than the run would write (see `bounds::tmpdir_bytes`):
    /// refused before a byte is written.
    #[error("the run needs {need} bytes free in TMPDIR, which has {free}")]
    NoRoom {
        /// The bytes the run would write at its peak.
        need: u64,
        /// The bytes free there.
        free: u64,
    },
}

/// A failure of the environment, with what is needed to say how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvFault {
    /// TMPDIR is missing, not a directory, or not writable.
    TmpdirUnusable,
    /// TMPDIR's filesystem is full (or the user's quota is).
    TmpdirFull,
    /// TMPDIR has less free space than the run would write, found before writing.
    NoRoom {
        /// The bytes the run would write.
        need: u64,
        /// The bytes free.
        free: u64,
    },
    /// The process is out of file descriptors; the soft limit, when known.
    TooManyFiles(Option<u64>),
    /// `fork` failed: the process limit (`ulimit -u`) or the machine's.
    NoProcess,
    /// A buffer could not be allocated: its size, and the limit in force, if any.
    NoMemory(u64, Option<MemoryLimit>),
    /// A file of the run is larger than the file size limit (`ulimit -f`): the limit in
    /// bytes, when known.
    FileTooLarge(Option<u64>),
}

/// The environment fault behind `err`, if it is one.
pub fn classify(err: &EngineError) -> Option<EnvFault> {
    let errno = match err {
        EngineError::Files(io) => match os_error(io) {
            Some(raw) => Errno::from_raw(raw),
            None => return by_kind(io.kind()),
        },
        EngineError::Sys {
            what: "fork",
            errno,
        } => return matches!(errno, Errno::EAGAIN | Errno::ENOMEM).then_some(EnvFault::NoProcess),
        EngineError::Sys { errno, .. } => *errno,
        EngineError::Memory(n) => return Some(EnvFault::NoMemory(*n, memory_limit())),
        EngineError::NoRoom { need, free } => {
            return Some(EnvFault::NoRoom {
                need: *need,
                free: *free,
            })
        }
        _ => return None,
    };
    match errno {
        Errno::EMFILE | Errno::ENFILE => Some(EnvFault::TooManyFiles(open_files_limit())),
        Errno::ENOSPC | Errno::EDQUOT => Some(EnvFault::TmpdirFull),
        Errno::EFBIG => Some(EnvFault::FileTooLarge(
            getrlimit(Resource::RLIMIT_FSIZE)
                .ok()
                .map(|(soft, _)| soft)
                .filter(|l| *l != nix::libc::RLIM_INFINITY),
        )),
        Errno::ENOENT | Errno::ENOTDIR | Errno::EACCES | Errno::EPERM | Errno::EROFS
            if matches!(err, EngineError::Files(_)) =>
        {
            Some(EnvFault::TmpdirUnusable)
        }
        _ => None,
    }
}

/// The errno of `err`, when it carries one (tempfile wraps its own errors with the path,
/// hiding the errno: see [`by_kind`]).
fn os_error(err: &std::io::Error) -> Option<i32> {
    err.raw_os_error()
}

/// A file error without an errno, by its kind.
fn by_kind(kind: std::io::ErrorKind) -> Option<EnvFault> {
    use std::io::ErrorKind as K;
    match kind {
        K::NotFound | K::NotADirectory | K::PermissionDenied | K::ReadOnlyFilesystem => {
            Some(EnvFault::TmpdirUnusable)
        }
        K::StorageFull | K::QuotaExceeded => Some(EnvFault::TmpdirFull),
        _ => None,
    }
}

/// A limit on the lab's memory, the one that refused a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryLimit {
    /// `RLIMIT_DATA` (`ulimit -d`), in bytes.
    Data(u64),
    /// `RLIMIT_AS` (`ulimit -v`), in bytes.
    AddressSpace(u64),
}

/// The memory limit in force, if any: `RLIMIT_DATA` first (what `malloc`'s memory counts
/// against), then `RLIMIT_AS`. `None`: no limit, the machine itself is short of memory.
pub fn memory_limit() -> Option<MemoryLimit> {
    let soft = |r| {
        getrlimit(r)
            .ok()
            .map(|(soft, _)| soft)
            .filter(|l| *l != nix::libc::RLIM_INFINITY)
    };
    soft(Resource::RLIMIT_DATA)
        .map(MemoryLimit::Data)
        .or_else(|| soft(Resource::RLIMIT_AS).map(MemoryLimit::AddressSpace))
}

/// The soft limit on open descriptors (`ulimit -n`).
pub fn open_files_limit() -> Option<u64> {
    getrlimit(Resource::RLIMIT_NOFILE)
        .ok()
        .map(|(soft, _)| soft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_faults_are_told_from_internal_ones() {
        let files = |e: Errno| EngineError::Files(std::io::Error::from_raw_os_error(e as i32));
        assert_eq!(
            classify(&files(Errno::ENOENT)),
            Some(EnvFault::TmpdirUnusable)
        );
        assert_eq!(
            classify(&files(Errno::EROFS)),
            Some(EnvFault::TmpdirUnusable)
        );
        assert_eq!(classify(&files(Errno::ENOSPC)), Some(EnvFault::TmpdirFull));
        assert!(matches!(
            classify(&files(Errno::EMFILE)),
            Some(EnvFault::TooManyFiles(_))
        ));
        let fork = EngineError::Sys {
            what: "fork",
            errno: Errno::EAGAIN,
        };
        assert_eq!(classify(&fork), Some(EnvFault::NoProcess));
        let pipe = EngineError::Sys {
            what: "pipe2",
            errno: Errno::EMFILE,
        };
        assert!(matches!(classify(&pipe), Some(EnvFault::TooManyFiles(_))));
        assert_eq!(classify(&EngineError::Plan("x".into())), None);
        assert_eq!(classify(&files(Errno::EIO)), None);
    }
}
