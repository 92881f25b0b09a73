//! Collecting what a run left: the child's reports read off the pipe until it ends, its exit
//! reaped through its pidfd with the deadline, and the orphans of a forking experiment.

use super::function;
use super::record::{Exit, Run};
use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::libc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Have the experiment's own children come to the lab when the experiment dies before it
/// reaps them (a signal in `anonymous-ipc`'s first process): otherwise they go to init, and
/// an init that reaps nothing (a container's) keeps them as zombies for good.
pub(super) fn become_subreaper() {
    // SAFETY: prctl with integer arguments only sets a flag of this process.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
}

/// Reap what the experiment forked and left to the lab (see [`become_subreaper`]): the
/// processes its `fork` steps returned that are now the lab's children. One still alive is
/// killed first (it dies with its parent anyway: `PR_SET_DEATHSIG`). A process that is not
/// the lab's child (reaped by the experiment, the normal case) is left alone.
pub(super) fn reap_orphans(run: &Run) {
    let forked = run
        .steps
        .iter()
        .filter(|s| s.function == function::Function::Fork && s.process.is_none())
        .filter_map(|s| s.ret)
        .filter(|&pid| pid > 0 && pid <= i64::from(i32::MAX));
    for pid in forked {
        let pid = Pid::from_raw(pid as i32);
        if let Reaped::Alive = reap(pid, true) {
            // Still alive and ours (the wait did not say ECHILD): end it, then reap it.
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            reap(pid, false);
        }
    }
}

/// Read the child's reports until it exits or the deadline passes, then reap it.
///
/// The end of the pipe is not a reliable sign that the child is gone: another thread of a
/// multi-threaded parent may fork at the wrong moment and hold a copy of the write end. So
/// the child's exit is watched through a pidfd (or, on kernels without one, by polling
/// `waitpid`), and the pipe is only drained.
pub(super) fn collect(
    pid: Pid,
    read_end: OwnedFd,
    deadline: Duration,
    cancel: Option<&AtomicBool>,
) -> (Vec<u8>, Exit, u64) {
    let _ = fcntl(read_end.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
    // SAFETY: pidfd_open takes a pid and flags; a negative return means no pidfd.
    let raw = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) } as i32;
    // SAFETY: a non-negative return is a new descriptor that nothing else owns.
    let pidfd = (raw >= 0).then(|| unsafe { OwnedFd::from_raw_fd(raw) });
    let start = Instant::now();
    let mut bytes = Vec::new();
    let mut pipe_open = true;
    loop {
        let left = deadline.saturating_sub(start.elapsed());
        let cancelled = cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        if left.is_zero() || cancelled {
            let _ = kill(pid, Signal::SIGKILL);
            let rss = match reap(pid, false) {
                Reaped::Exited(rss) | Reaped::Signaled(_, rss) => rss,
                Reaped::Alive => 0,
            };
            drain(&read_end, &mut bytes);
            return (bytes, Exit::Timeout, rss);
        }
        // Without a pidfd, wake up often enough to notice the exit; with a cancel flag,
        // often enough to notice it.
        let wait = match (&pidfd, cancel) {
            (None, _) => left.min(Duration::from_millis(2)),
            (Some(_), Some(_)) => left.min(Duration::from_millis(50)),
            (Some(_), None) => left,
        };
        let timeout =
            PollTimeout::try_from(wait.as_millis().max(1) as i32).unwrap_or(PollTimeout::MAX);
        let mut fds = Vec::with_capacity(2);
        if pipe_open {
            fds.push(PollFd::new(read_end.as_fd(), PollFlags::POLLIN));
        }
        if let Some(p) = &pidfd {
            fds.push(PollFd::new(p.as_fd(), PollFlags::POLLIN));
        }
        match poll(&mut fds, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(1)),
        }
        if pipe_open && drain(&read_end, &mut bytes) {
            pipe_open = false;
        }
        match reap(pid, true) {
            Reaped::Alive => {
                if !pipe_open && pidfd.is_none() {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            Reaped::Exited(rss) => {
                drain(&read_end, &mut bytes);
                return (bytes, Exit::Normal, rss);
            }
            Reaped::Signaled(sig, rss) => {
                drain(&read_end, &mut bytes);
                return (bytes, Exit::Signal(sig), rss);
            }
        }
    }
}

/// What `wait4` said about the child.
pub(super) enum Reaped {
    Alive,
    /// Exited normally (or is gone), with its peak resident set in KiB.
    Exited(u64),
    /// Killed by this signal, with its peak resident set in KiB.
    Signaled(i32, u64),
}

/// `wait4` rather than `waitpid`: it also returns the child's peak resident memory, which
/// `mmap-copy` reports (the windows must keep memory flat).
pub(super) fn reap(pid: Pid, nohang: bool) -> Reaped {
    let mut status = 0;
    // SAFETY: rusage is plain old data; an all-zero value is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let flags = if nohang { libc::WNOHANG } else { 0 };
    loop {
        // SAFETY: waits for our own child, writing into locals.
        let r = unsafe { libc::wait4(pid.as_raw(), &mut status, flags, &mut usage) };
        if r == -1 && Errno::last() == Errno::EINTR {
            continue;
        }
        if r == 0 {
            return Reaped::Alive;
        }
        let rss = usage.ru_maxrss.max(0) as u64;
        if r > 0 && libc::WIFSIGNALED(status) {
            return Reaped::Signaled(libc::WTERMSIG(status), rss);
        }
        if r > 0 && !libc::WIFEXITED(status) {
            // Stopped or continued: not an end.
            return Reaped::Alive;
        }
        return Reaped::Exited(rss);
    }
}

/// Read what is in the pipe now, straight into `into` (no buffer on the stack: the witness's
/// reader thread runs on a small one). Returns true at end of file.
pub(crate) fn drain(fd: &OwnedFd, into: &mut Vec<u8>) -> bool {
    const CHUNK: usize = 16 * 1024;
    loop {
        into.reserve(CHUNK);
        let spare = into.spare_capacity_mut();
        // SAFETY: read writes at most `spare.len()` bytes into the vector's reserved, unused
        // capacity; only the bytes it reports written are then counted as the vector's.
        let n = unsafe { libc::read(fd.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len()) };
        match n {
            0 => return true,
            n if n > 0 => {
                // SAFETY: the first `n` bytes past the old length were just written by read.
                unsafe { into.set_len(into.len() + n as usize) }
            }
            _ if Errno::last() == Errno::EINTR => continue,
            _ => return false,
        }
    }
}
