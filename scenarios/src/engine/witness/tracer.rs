//! The tracer's loop: each ptrace stop of the child and its forks, the call it belongs to, the
//! step it is part of, the holds of a paced run, and the registers read at each stop.

use super::filter::name_of;
use super::gather::{exit_of, Pacing, Recorder, Seen, Snapshot};
use crate::engine::marks::BOUNDARY_MARK;
use crate::engine::pace::{Command, RunClock, Stop};
use crate::engine::pages::Reader;
use crate::engine::plan::{Op, Plan, Side};
use crate::engine::record::{Exit, Syscall};
use crate::engine::wire::{self, Kind, HEADER_LEN};
use nix::errno::Errno;
use nix::libc;
use std::sync::Mutex;

pub(super) struct Tracer<'a, 'p> {
    pub(super) pid: i32,
    pub(super) plan: &'a Plan,
    pub(super) recorder: &'a Mutex<Recorder>,
    /// How far the recorder's bytes are decoded.
    pub(super) cursor: usize,
    /// The step each side is running, from the `Begin` reports: `[parent, child]`.
    pub(super) current: [Option<usize>; 2],
    /// Calls that entered and have not returned: (tid, step, nr, args).
    pub(super) pending: Vec<(i32, Option<usize>, i64, [u64; 6])>,
    pub(super) calls: Vec<Seen>,
    pub(super) traced: bool,
    /// The steps whose boundary stop was passed (see [`Traced::boundaries`]).
    pub(super) boundaries: Vec<usize>,
    /// The tracees alive, and where each is.
    pub(super) procs: Vec<(i32, At)>,
    /// Reads the pages at each stop, when the run wants them.
    pub(super) pager: Option<Reader<'a>>,
    /// Tracees not yet reaped: the child and what it forked.
    pub(super) alive: usize,
    /// The child's wait status, from its last stop before it exits (`PTRACE_EVENT_EXIT`).
    pub(super) ended: Option<i32>,
    /// The pacer of a paced run, until it says [`Command::RunToEnd`].
    pub(super) pacing: Option<Pacing<'p>>,
    /// The experiment's running time, paused while the pacer holds it.
    pub(super) clock: &'a RunClock,
    /// The tracee that stopped last, and the plan step it had just made.
    pub(super) last: Option<(i32, Option<usize>)>,
    /// The pacer said [`Command::Kill`]: nothing is resumed any more.
    pub(super) killed: bool,
}

/// Where a tracee is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    /// It runs.
    Running,
    /// It waits at its boundary, before this plan step.
    Before(usize),
    /// It waits at its last stop (`PTRACE_EVENT_EXIT`), in a paced run: let go first, since
    /// a process that waits for it (`waitpid`) could not reach its own next stop.
    Leaving,
}

impl Tracer<'_, '_> {
    /// Wait for the experiment's processes until none is left. Returns how the child ended
    /// and its peak resident memory.
    pub(super) fn run(&mut self) -> (Exit, Option<u64>) {
        let mut exit = Exit::Normal;
        let mut rss = Some(0);
        loop {
            let mut status = 0;
            // SAFETY: rusage is plain old data; an all-zero value is valid.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: waits for the experiment's process group (our child and the processes
            // it forked, which we trace), writing into locals.
            let tid = unsafe { libc::wait4(-self.pid, &mut status, libc::__WALL, &mut usage) };
            if tid == -1 {
                match Errno::last() {
                    Errno::EINTR => continue,
                    _ => break,
                }
            }
            if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
                self.alive = self.alive.saturating_sub(1);
                self.procs.retain(|p| p.0 != tid);
                self.release();
                if tid == self.pid {
                    rss = Some(usage.ru_maxrss.max(0) as u64);
                    exit = exit_of(status);
                }
                continue;
            }
            if !libc::WIFSTOPPED(status) {
                continue;
            }
            self.stopped(tid, status);
            if let (Some(status), true) = (self.ended, tid == self.pid && self.alive == 1) {
                // The child is on its way out and nothing it forked is left: everything it
                // reported is in the pipe and its fate is known. The kernel still has to tear
                // down its memory; the caller builds the record meanwhile and reaps it after.
                return (exit_of(status), None);
            }
        }
        (exit, rss)
    }

    /// Handle one stop of tracee `tid`, then let it go on. One branch per kind of ptrace stop
    /// (a call's seccomp stop, its exit, the exit event, a fork event, a new tracee's first
    /// stop, a signal to deliver): the state machine whole.
    fn stopped(&mut self, tid: i32, status: i32) {
        let sig = libc::WSTOPSIG(status);
        let event = status >> 16;
        let resume = |request: u32, sig: i32| {
            // SAFETY: resuming our own stopped tracee.
            unsafe { libc::ptrace(request, tid, 0, sig as libc::c_long) };
        };
        if self.killed {
            // The pacer ended the run: the SIGKILL is on its way; let it land.
            return resume(libc::PTRACE_CONT, 0);
        }
        if tid == self.pid && !self.traced && sig == libc::SIGSTOP {
            // The child stopped itself after PTRACE_TRACEME: set the options, go on.
            self.traced = true;
            let options = libc::PTRACE_O_EXITKILL
                | libc::PTRACE_O_TRACESECCOMP
                | libc::PTRACE_O_TRACESYSGOOD
                | libc::PTRACE_O_TRACEFORK
                | libc::PTRACE_O_TRACEVFORK
                | libc::PTRACE_O_TRACECLONE
                | libc::PTRACE_O_TRACEEXIT;
            // SAFETY: setting options on our stopped tracee.
            unsafe { libc::ptrace(libc::PTRACE_SETOPTIONS, tid, 0, options as libc::c_long) };
            self.running(tid);
            return resume(libc::PTRACE_CONT, 0);
        }
        if sig == libc::SIGTRAP && event == libc::PTRACE_EVENT_SECCOMP {
            let (nr, args) = regs(tid).map_or((-1, [0; 6]), |r| (r.nr, r.args));
            if nr == libc::SYS_sched_yield && args[0] as u32 == BOUNDARY_MARK {
                // The boundary before step `args[1]`: the step before it is over (its
                // reports are in the pipe), this one has not begun. No exit stop: the
                // marker's result is nobody's. The pages are read here, while the process
                // waits, dumpable; then it goes on in plan order.
                let next = args[1] as usize;
                self.pending.retain(|p| p.0 != tid);
                self.boundaries.push(next);
                let done = self.step_of(tid);
                let side = self.side_of(tid);
                if let Some(pager) = self.pager.as_mut() {
                    pager.at_boundary(tid, side, done);
                }
                self.last = Some((tid, crate::engine::pages::step_made(self.plan, side, done)));
                self.hold(tid, At::Before(next));
                if self.plan.free_order && self.pacing.is_none() {
                    // A race is the lesson: no process waits for another.
                    return self.release_all();
                }
                return self.release();
            }
            let step = self.step_of(tid);
            // A call of this tracee that never showed its exit is over (it cannot be inside
            // two calls at once).
            self.pending.retain(|p| p.0 != tid);
            if nr == libc::SYS_exit_group {
                // It never returns: record it now, and only for a plan's own `_exit` step
                // (the child leaves the same way when its plan is done).
                let own = step
                    .and_then(|s| self.plan.steps.get(s))
                    .is_some_and(|s| matches!(s.op, Op::Ipc(crate::engine::plan::IpcOp::Exit)));
                if let (true, Some(step)) = (own, step) {
                    self.record(step, nr, args, 0);
                }
                return resume(libc::PTRACE_CONT, 0);
            }
            self.pending.push((tid, step, nr, args));
            // On to the exit of this call, where its result is.
            return resume(libc::PTRACE_SYSCALL, 0);
        }
        if sig == libc::SIGTRAP | 0x80 {
            if let Some(at) = self.pending.iter().position(|p| p.0 == tid) {
                let (_, step, nr, args) = self.pending.remove(at);
                let ret = regs(tid).map_or(0, |r| r.ret);
                if let Some(step) = step {
                    self.record(step, nr, args, ret);
                }
            }
            return resume(libc::PTRACE_CONT, 0);
        }
        if sig == libc::SIGTRAP && event == libc::PTRACE_EVENT_EXIT {
            // Its last stop, its memory still there: the state after its last step, through
            // the files kept from its first boundary. It holds back no one any more.
            let done = self.step_of(tid);
            let side = self.side_of(tid);
            if let Some(pager) = self.pager.as_mut() {
                pager.at_exit(tid, side, done);
            }
            if tid == self.pid {
                let mut status: libc::c_ulong = 0;
                // SAFETY: reads the exit status of our stopped tracee into a local.
                let r = unsafe {
                    libc::ptrace(libc::PTRACE_GETEVENTMSG, tid, 0, &mut status as *mut _)
                };
                self.ended = (r == 0).then_some(status as i32);
            }
            if self.pacing.is_some() {
                // A paced run shows this stop too: the state after the process's last step
                // (or the signal that ended it).
                self.last = Some((tid, crate::engine::pages::step_made(self.plan, side, done)));
                self.hold(tid, At::Leaving);
                return self.release();
            }
            self.procs.retain(|p| p.0 != tid);
            resume(libc::PTRACE_CONT, 0);
            return self.release();
        }
        if sig == libc::SIGTRAP && event != 0 {
            // One more tracee to wait for.
            self.alive += 1;
            let mut new: libc::c_ulong = 0;
            // SAFETY: reads the new process's pid from our stopped tracee into a local.
            if unsafe { libc::ptrace(libc::PTRACE_GETEVENTMSG, tid, 0, &mut new as *mut _) } == 0 {
                self.running(new as i32);
            }
            // A fork, vfork or clone event inside the call: the new process is traced from
            // its start; the call's own exit is still to come.
            let inside = self.pending.iter().any(|p| p.0 == tid);
            let request = if inside {
                libc::PTRACE_SYSCALL
            } else {
                libc::PTRACE_CONT
            };
            return resume(request, 0);
        }
        if sig == libc::SIGSTOP {
            // A new tracee's first stop (or a stop we did not ask for): swallow it.
            self.running(tid);
            return resume(libc::PTRACE_CONT, 0);
        }
        // A signal on its way to the tracee (SIGSEGV, SIGBUS, SIGCHLD …): deliver it.
        resume(libc::PTRACE_CONT, sig)
    }

    /// Which process of the experiment `tid` is.
    fn side_of(&self, tid: i32) -> Side {
        if tid == self.pid {
            Side::Parent
        } else {
            Side::Child
        }
    }

    /// Tracee `tid` runs (a new one, or one just set going).
    fn running(&mut self, tid: i32) {
        self.hold(tid, At::Running);
    }

    /// Tracee `tid` is now `at` (a stop, or running).
    fn hold(&mut self, tid: i32, at: At) {
        match self.procs.iter_mut().find(|p| p.0 == tid) {
            Some(p) => p.1 = at,
            None => self.procs.push((tid, at)),
        }
    }

    /// The held tracee to let go first: one on its way out, else the one whose next step
    /// comes first in the plan.
    fn first(&self) -> Option<usize> {
        let key = |at: At| match at {
            At::Leaving => (0, 0),
            At::Before(n) => (1, n),
            At::Running => (2, 0),
        };
        (0..self.procs.len()).min_by_key(|&i| key(self.procs[i].1))
    }

    /// Once no tracee runs, let the one whose next step comes first in the plan go on: one
    /// process at a time, in plan order, the order the experiment's pipes and `waitpid`
    /// impose anyway (a step never waits on a later one). So at every stop the other
    /// process is still too, and what is read of both is the state between two steps; after
    /// a fork both are read before either goes on.
    ///
    /// A paced run asks its pacer first, every process being still; a process let go on its
    /// way out is no step, so the next one goes on with it.
    fn release(&mut self) {
        if self.killed || self.procs.is_empty() || self.procs.iter().any(|p| p.1 == At::Running) {
            return;
        }
        if !self.ask() {
            return;
        }
        while let Some(i) = self.first() {
            let (tid, at) = self.procs[i];
            // SAFETY: resuming our own tracee, stopped at its boundary or its last stop.
            unsafe { libc::ptrace(libc::PTRACE_CONT, tid, 0, 0) };
            if at == At::Leaving {
                self.procs.remove(i);
                continue;
            }
            self.procs[i].1 = At::Running;
            return;
        }
    }

    /// Let every held process go on at once (a plan in free order, see `Plan::free_order`).
    fn release_all(&mut self) {
        for p in self.procs.iter_mut().filter(|p| p.1 != At::Running) {
            // SAFETY: resuming our own tracee, stopped at its boundary.
            unsafe { libc::ptrace(libc::PTRACE_CONT, p.0, 0, 0) };
            p.1 = At::Running;
        }
    }

    /// Every process is held: in a paced run, show the pacer where and ask how to go on,
    /// the clock paused meanwhile. False when the pacer said [`Command::Kill`]: the
    /// experiment's process group is killed, and nothing is resumed any more.
    fn ask(&mut self) -> bool {
        if self.pacing.is_none() {
            return true;
        }
        self.clock.pause();
        let next = self.first().and_then(|i| match self.procs[i].1 {
            At::Before(n) => Some(n),
            _ => None,
        });
        let mut pids: Vec<(Side, i32)> = self
            .procs
            .iter()
            .map(|p| (self.side_of(p.0), p.0))
            .collect();
        pids.sort_by_key(|p| p.0 == Side::Child);
        let (stopped, done) = self.last.unwrap_or((self.pid, None));
        let leaving = self
            .procs
            .iter()
            .any(|p| p.0 == stopped && p.1 == At::Leaving);
        let exit = match (stopped == self.pid && leaving, self.ended) {
            (true, Some(status)) => exit_of(status),
            _ => Exit::Held,
        };
        let running = self.clock.running();
        let pages = self.pager.as_ref().map_or(&[][..], |p| &p.reads[..]);
        let Some(pacing) = self.pacing.as_mut() else {
            return true;
        };
        let snapshot = {
            let recorder = self.recorder;
            let mut r = match recorder.lock() {
                Ok(r) => r,
                Err(poisoned) => poisoned.into_inner(),
            };
            r.drain();
            (pacing.snapshot)(Snapshot {
                bytes: &r.bytes,
                calls: &self.calls,
                boundaries: &self.boundaries,
                pages,
                exit,
                running,
                done,
            })
        };
        let (mut run, done_at) = snapshot;
        run.held = Some(crate::engine::record::Held {
            pids: pids.clone(),
            next,
        });
        let command = pacing.pacer.held(Stop {
            pids,
            done,
            done_at,
            next,
            run: Box::new(run),
        });
        self.clock.resume();
        match command {
            Command::Step => true,
            Command::RunToEnd => {
                self.pacing = None;
                true
            }
            Command::Kill => {
                // SAFETY: kill the experiment's process group (the child and what it
                // forked); SIGKILL ends their ptrace stops, and the tracer's wait reaps them.
                unsafe { libc::kill(-self.pid, libc::SIGKILL) };
                // A process held at its exit stop is past every signal, SIGKILL included:
                // only letting it go ends it (else the tracer would wait for it forever).
                for &(tid, at) in &self.procs {
                    if at == At::Leaving {
                        // SAFETY: resuming our own tracee, stopped at PTRACE_EVENT_EXIT.
                        unsafe { libc::ptrace(libc::PTRACE_CONT, tid, 0, 0) };
                    }
                }
                self.killed = true;
                false
            }
        }
    }

    /// Record a finished call, unless it belongs to the lab's bookkeeping.
    fn record(&mut self, step: usize, nr: i64, args: [u64; 6], ret: i64) {
        if self
            .plan
            .steps
            .get(step)
            .is_some_and(|s| s.is_bookkeeping())
        {
            return;
        }
        let errno = (-4095..0)
            .contains(&ret)
            .then(|| crate::errnos::name(Errno::from_raw(-ret as i32)));
        self.calls.push(Seen {
            step,
            call: Syscall {
                name: name_of(nr),
                args: args.to_vec(),
                ret,
                errno,
            },
        });
    }

    /// The step tracee `tid` is running: the last `Begin` its side reported. Everything it
    /// wrote before this stop is in the pipe, so reading the pipe now is enough.
    fn step_of(&mut self, tid: i32) -> Option<usize> {
        let recorder = self.recorder;
        if let Ok(mut r) = recorder.lock() {
            r.drain();
            let bytes = &r.bytes;
            while bytes.len() >= self.cursor + HEADER_LEN {
                let mut head = [0u8; HEADER_LEN];
                head.copy_from_slice(&bytes[self.cursor..self.cursor + HEADER_LEN]);
                let h = wire::Header::decode(&head);
                let end = self.cursor + HEADER_LEN + h.len as usize;
                if end > bytes.len() {
                    break;
                }
                if h.kind == Kind::Begin as u32 {
                    let step = h.step as usize;
                    if let Some(s) = self.plan.steps.get(step) {
                        let side = usize::from(s.side == Side::Child);
                        self.current[side] = Some(step);
                    }
                }
                if let (true, Some(pager)) = (h.kind == Kind::End as u32, self.pager.as_mut()) {
                    pager.ended(h.step as usize, h.ret, h.errno);
                }
                self.cursor = end;
            }
        }
        self.current[usize::from(tid != self.pid)]
    }
}

/// A tracee's registers at a stop, as far as the witness needs them.
struct Regs {
    nr: i64,
    args: [u64; 6],
    ret: i64,
}

#[cfg(target_arch = "x86_64")]
fn regs(tid: i32) -> Option<Regs> {
    // SAFETY: user_regs_struct is plain old data; PTRACE_GETREGS fills it for our tracee.
    let mut r: libc::user_regs_struct = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let ok = unsafe { libc::ptrace(libc::PTRACE_GETREGS, tid, 0, &mut r as *mut _) } == 0;
    ok.then_some(Regs {
        nr: r.orig_rax as i64,
        args: [r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9],
        ret: r.rax as i64,
    })
}

#[cfg(target_arch = "aarch64")]
fn regs(tid: i32) -> Option<Regs> {
    // SAFETY: user_regs_struct is plain old data; PTRACE_GETREGSET fills it for our tracee.
    let mut r: libc::user_regs_struct = unsafe { std::mem::zeroed() };
    let mut iov = libc::iovec {
        iov_base: &mut r as *mut _ as *mut libc::c_void,
        iov_len: std::mem::size_of::<libc::user_regs_struct>(),
    };
    // SAFETY: as above; NT_PRSTATUS is the general registers.
    let ok = unsafe {
        libc::ptrace(
            libc::PTRACE_GETREGSET,
            tid,
            libc::NT_PRSTATUS as usize,
            &mut iov as *mut _,
        )
    } == 0;
    ok.then_some(Regs {
        nr: r.regs[8] as i64,
        args: [
            r.regs[0], r.regs[1], r.regs[2], r.regs[3], r.regs[4], r.regs[5],
        ],
        ret: r.regs[0] as i64,
    })
}
