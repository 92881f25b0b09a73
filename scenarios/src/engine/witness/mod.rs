//! The witness: every system call the experiment makes, as the kernel saw it.
//!
//! The lab says the kernel answered; the witness lets it show *what the kernel was asked*. The
//! engine's waiting thread traces its experiment child with `ptrace`: the child asks for it
//! (`PTRACE_TRACEME`, then stops so the tracer can set its options) and installs a seccomp
//! filter that returns `SECCOMP_RET_TRACE` for the system calls experiments make, so only those
//! stop the child, and only while the plan runs (the child's own set-up is done by then). Each
//! such call stops twice: at entry (its number and arguments) and at exit (its result). Forks
//! are followed (`anonymous-ipc`'s second process is traced too), and `PTRACE_O_EXITKILL` makes
//! sure no tracee outlives the tracer.
//!
//! Why not run `strace` on the child: it would be a second program to find, start and parse,
//! with its own output format per version; it would trace everything, the lab's bookkeeping
//! included, at a stop per call; and it would see the lab's own process too. The tracer here
//! is the thread that forked (ptrace belongs to it), knows which step is running, and stops the
//! child only for the calls the lesson is about.
//!
//! What the witness leaves out, on purpose: the writes of the flight recorder (filtered by
//! descriptor), the `/proc/self/maps` captures (the lab's bookkeeping: marked by their flags
//! and descriptor, which the filter lets by; dropped by step where the marking failed), and
//! the timed loops of `mmap-copy` (`read`/`write`/`copy_file_range` are not traced in a plan
//! that times them, nor the mmap copy's and its comparison's `mmap`/`madvise`/`munmap` of
//! each window, so a stop per call cannot slow what is measured), and the thousands of
//! `mprotect` splits that fill up `vm.max_map_count`. Those steps say they were not traced.
//!
//! If tracing is refused (Yama's `ptrace_scope`, a seccomp policy, the lab itself run under a
//! debugger or `strace`), the run goes on untraced and the record says why.

mod filter;
mod gather;
mod tracer;

pub(crate) use filter::filter;

pub use filter::{names, traces};
use gather::Recorder;
pub(crate) use gather::{Pacing, Seen, Snapshot};
use tracer::Tracer;

use super::marks::REPORT_FD;
use super::pace::RunClock;
use super::pages::{PageRead, Reader};
use super::plan::Plan;
use super::record::{Exit, WitnessOff};
use nix::errno::Errno;
use nix::libc;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// What tracing a run gave: the flight recorder's bytes, how the child ended, its peak
/// memory, and the calls.
pub(crate) struct Traced {
    pub bytes: Vec<u8>,
    pub exit: Exit,
    /// The child's peak resident memory (KiB), or `None` when the child was left to finish
    /// its exit: it had nothing more to say (see [`Tracer::run`]), and the caller reaps it
    /// once the record is built (it has no stop left: the next wait is its end).
    pub rss: Option<u64>,
    pub calls: Vec<Seen>,
    /// Whether the child was traced at all.
    pub traced: bool,
    /// The steps whose boundary stop the tracer passed, in the order it did.
    pub boundaries: Vec<usize>,
    /// The pages read at the stops.
    pub pages: Vec<PageRead>,
    /// The pacer said [`Command::Kill`]: the processes were killed at a stop.
    pub killed: bool,
    /// The time the experiment was held at its pacer (none for a free run).
    pub held: Duration,
}

/// How [`trace`] watches a run.
pub(crate) struct Watch<'a> {
    pub deadline: Duration,
    pub cancel: Option<&'a AtomicBool>,
    pub beside: Option<super::Beside<'a>>,
    pub pager: Option<Reader<'a>>,
    /// `Some` for a paced run.
    pub pacing: Option<Pacing<'a>>,
}

/// The reader thread's stack.
const READER_STACK: usize = 64 * 1024;

/// Run the child `pid` to its end under the tracer, within `deadline` of running time (or
/// until `cancel`), holding it at each boundary for a pacer if `watch` has one.
/// The child has asked to be traced and stops itself first; if it could not (tracing is
/// refused), this still collects its reports and its exit, untraced.
///
/// Long on purpose: the reader thread, the tracer and the pacer's holds share the child's
/// lifetime, and their start, hand-over and joining on every path read best in one place.
pub(crate) fn trace(pid: i32, read_end: OwnedFd, plan: &Plan, watch: Watch<'_>) -> Traced {
    let Watch {
        deadline,
        cancel,
        beside,
        pager,
        pacing,
    } = watch;
    // The child puts itself in its own process group; so do we, before waiting on it, so that
    // the wait below (for the group: the child and what it forks) cannot miss it.
    // SAFETY: setpgid on our own child.
    unsafe { libc::setpgid(pid, pid) };
    let _ = nix::fcntl::fcntl(
        &read_end,
        nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
    );
    // Reserved here, so that the reader thread does not allocate (its first allocation would
    // make the C library set up a memory arena for it).
    let recorder = Mutex::new(Recorder {
        fd: read_end,
        bytes: Vec::with_capacity(64 * 1024),
    });
    let finished = AtomicBool::new(false);
    // The tracer's word to the reader that it is done: a pipe, so that the reader's poll
    // wakes at once (a negative descriptor, if none could be made, is ignored by poll).
    let wake = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).ok();
    let wake_fd = wake.as_ref().map_or(-1, |(r, _)| r.as_raw_fd());
    let killed = AtomicBool::new(false);
    // The deadline counts the time the experiment runs, not the time a pacer holds it.
    let clock = RunClock::start();
    let mut tracer = Tracer {
        pid,
        plan,
        recorder: &recorder,
        cursor: 0,
        current: [None, None],
        pending: Vec::new(),
        calls: Vec::new(),
        traced: false,
        boundaries: Vec::new(),
        procs: Vec::new(),
        pager,
        alive: 1,
        ended: None,
        pacing,
        clock: &clock,
        last: None,
        killed: false,
    };

    let (exit, rss) = std::thread::scope(|scope| {
        // The reader: keeps the pipe drained (a full pipe must never block the child while
        // the tracer waits for it) and enforces the deadline and the cancel flag by killing
        // the experiment's process group, which ends the tracer's wait.
        let reader = std::thread::Builder::new()
            .name("mmap-lab-witness".to_string())
            // It polls, drains into memory the tracer reserved and kills: a small stack is
            // quicker to set up and tear down than the default 2 MiB, run after run.
            .stack_size(READER_STACK)
            .spawn_scoped(scope, || {
                // The caller's own work first (the pipe holds what the child reports
                // meanwhile, and the tracer reads it at every stop).
                if let Some(job) = beside {
                    job();
                }
                let fd = recorder.lock().map(|r| r.fd.as_raw_fd()).unwrap_or(-1);
                let mut hung_up = false;
                while !finished.load(Ordering::Relaxed) {
                    // The pipe, and the tracer's word that it is done (so joining costs no
                    // wait); once the pipe has hung up (every writer gone), only the latter.
                    let mut fds = [
                        libc::pollfd {
                            fd: wake_fd,
                            events: libc::POLLIN,
                            revents: 0,
                        },
                        libc::pollfd {
                            fd,
                            events: libc::POLLIN,
                            revents: 0,
                        },
                    ];
                    let n = if hung_up { 1 } else { 2 };
                    // SAFETY: poll on local pollfds, for at most 20 ms (the cancel flag and
                    // the deadline are checked that often).
                    unsafe { libc::poll(fds.as_mut_ptr(), n, 20) };
                    hung_up |= fds[1].revents & (libc::POLLHUP | libc::POLLERR) != 0;
                    if let Ok(mut r) = recorder.lock() {
                        r.drain();
                    }
                    // Then a pause that only the tracer's word cuts short: the child's
                    // reports gather in the pipe (which holds a run's worth, see
                    // `REPORT_PIPE_BYTES`) instead of waking this thread one by one, and the
                    // tracer reads them at its next stop anyway.
                    if !hung_up {
                        let mut wake = [fds[0]];
                        // SAFETY: poll on a local pollfd, for at most 1 ms.
                        unsafe { libc::poll(wake.as_mut_ptr(), 1, 1) };
                    }
                    let late = clock.running() >= deadline;
                    let cancelled = cancel.is_some_and(|c| c.load(Ordering::Relaxed));
                    if (late || cancelled) && !killed.swap(true, Ordering::Relaxed) {
                        // SAFETY: kill the experiment's process group (the child and what
                        // it forked); the tracer's wait then sees them die.
                        unsafe { libc::kill(-pid, libc::SIGKILL) };
                    }
                }
            });

        let ended = tracer.run();

        finished.store(true, Ordering::Relaxed);
        if let Some((_, tx)) = &wake {
            let _ = nix::unistd::write(tx, b"x");
        }
        if let Ok(r) = reader {
            let _ = r.join();
        }
        ended
    });
    let (calls, traced) = (std::mem::take(&mut tracer.calls), tracer.traced);
    let boundaries = std::mem::take(&mut tracer.boundaries);
    let pages = tracer.pager.take().map(|p| p.reads).unwrap_or_default();
    let bytes = match recorder.lock() {
        Ok(mut r) => {
            r.drain();
            std::mem::take(&mut r.bytes)
        }
        Err(_) => Vec::new(),
    };
    let exit = if killed.load(Ordering::Relaxed) {
        Exit::Timeout
    } else {
        exit
    };
    Traced {
        bytes,
        exit,
        rss,
        calls,
        traced,
        boundaries,
        pages,
        killed: tracer.killed,
        held: clock.held(),
    }
}

/// Whether the user wants the witness (`MMAP_LAB_WITNESS=off` turns it off).
pub(crate) fn wanted() -> Result<(), WitnessOff> {
    match std::env::var("MMAP_LAB_WITNESS").as_deref() {
        Ok("off") | Ok("0") => Err(WitnessOff::Disabled),
        _ => Ok(()),
    }
}

/// Why the child could not be traced, from its `Witness` report: the stage that was refused
/// (0 `ptrace`, 1 `seccomp`, 2 the flight recorder's descriptor) and the errno.
pub(crate) fn refusal(errno: i32, stage: i64) -> WitnessOff {
    let errno = crate::errnos::name(Errno::from_raw(errno));
    match stage {
        2 => WitnessOff::Descriptors {
            limit: super::faults::open_files_limit(),
            needed: REPORT_FD,
        },
        0 => WitnessOff::Ptrace { errno },
        _ => WitnessOff::Seccomp { errno },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Out of descriptors is said as such, not as `PTRACE_TRACEME failed with EBADF`.
    #[test]
    fn a_recorder_above_the_descriptor_limit_is_too_many_open_files() {
        let why = refusal(libc::EMFILE, 2).sentence(crate::Lang::En);
        assert!(why.starts_with("too many open files") && why.contains("ulimit -n"));
        let zh = refusal(libc::EMFILE, 2).sentence(crate::Lang::Zh);
        assert!(
            zh.starts_with("打开的文件太多") && zh.contains("1000"),
            "{zh}"
        );
        assert!(!why.contains("PTRACE_TRACEME"), "{why}");
    }
}
