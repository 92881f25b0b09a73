//! What a step family's `execute` runs with, in the child: the step's context ([`Exec`]),
//! what it gives back ([`Done`]) and the flight recorder's sending end ([`Reporter`]). A leaf
//! below the families and the child's loop (`child`), which drives them: a family knows how
//! to make its call, not how the child was set up.

use super::values::{Val, MAX_STEPS};
use super::wire::{Header, Kind, HEADER_LEN, MAX_PAYLOAD};
use nix::libc;

/// Leave without running any of the parent's exit handlers or flushing its buffers.
pub(crate) fn exit_now() -> ! {
    // SAFETY: _exit is async-signal-safe and ends the process immediately.
    unsafe { libc::_exit(0) }
}

/// Minor and major page faults of this process so far (`getrusage`, async-signal-safe).
pub(crate) fn faults() -> (i64, i64) {
    // SAFETY: rusage is plain old data; an all-zero value is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into a local struct.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    (usage.ru_minflt, usage.ru_majflt)
}

/// The child's end of the flight recorder.
pub(crate) struct Reporter {
    /// The pipe's write end in the child.
    pub(crate) fd: i32,
}

impl Reporter {
    /// Send one report in a single `write` of at most `PIPE_BUF` bytes, so that reports from
    /// a forked grandchild never interleave with ours.
    pub(crate) fn send(
        &self,
        kind: Kind,
        step: usize,
        ret: i64,
        aux: i64,
        err: i32,
        payload: &[u8],
    ) {
        let len = payload.len().min(MAX_PAYLOAD);
        let header = Header {
            kind: kind as u32,
            step: step as u32,
            ret,
            aux,
            errno: err,
            len: len as u32,
        };
        let mut buf = [0u8; HEADER_LEN + MAX_PAYLOAD];
        header.encode(&mut buf);
        for (dst, src) in buf
            .iter_mut()
            .skip(HEADER_LEN)
            .zip(payload.iter().take(len))
        {
            *dst = *src;
        }
        let total = HEADER_LEN + len;
        let mut sent = 0usize;
        while sent < total {
            let rest = buf.get(sent..total).unwrap_or(&[]);
            // SAFETY: writes from a live local buffer of `rest.len()` bytes. The raw system
            // call, as in the fault handler: in a process that ever had a second thread (the
            // lab's screen, a test harness), the C library's `write` reads the thread's
            // control block, which a step may just have unmapped; the report of that step's
            // end must not be what crashes, or the crash would depend on the lab's threads.
            let n = unsafe {
                libc::syscall(libc::SYS_write, self.fd, rest.as_ptr(), rest.len()) as isize
            };
            if n <= 0 {
                if n < 0 && errno() == libc::EINTR {
                    continue;
                }
                return;
            }
            sent = sent.wrapping_add(n as usize);
        }
    }
}

/// What a step gave back.
pub(crate) struct Done {
    /// The return value.
    pub ret: i64,
    /// A second value (a pipe's write end, a wait status, or which part of a composite step
    /// failed).
    pub aux: i64,
    /// The errno, 0 on success.
    pub errno: i32,
    /// This process is the child a `fork` step just made: it goes on with the plan's child
    /// steps.
    pub became_child: bool,
}

/// A success returning `ret`.
pub(crate) fn ok(ret: i64) -> Done {
    Done {
        ret,
        aux: 0,
        errno: 0,
        became_child: false,
    }
}

/// A success returning two values.
pub(crate) fn ok2(ret: i64, aux: i64) -> Done {
    Done { aux, ..ok(ret) }
}

/// The calling thread's errno, read right after the call that set it.
pub(crate) fn errno() -> i32 {
    nix::errno::Errno::last_raw()
}

/// `ret` from a C call that returns -1 on error.
pub(crate) fn checked(ret: i64) -> Done {
    if ret == -1 {
        failed(ret, 0)
    } else {
        ok(ret)
    }
}

/// A failure with the errno the last call set.
pub(crate) fn failed(ret: i64, aux: i64) -> Done {
    with_errno(ret, aux, errno())
}

/// A result with this errno (0: none).
pub(crate) fn with_errno(ret: i64, aux: i64, errno: i32) -> Done {
    Done {
        ret,
        aux,
        errno,
        became_child: false,
    }
}

/// What a family's `execute` may use: the step's index, the earlier steps' results, the
/// report pipe and the scratch memory, all prepared before the fork.
pub(crate) struct Exec<'a> {
    /// The step's index in the plan.
    pub index: usize,
    /// Each step's return value and second value, so far.
    pub results: &'a [(i64, i64); MAX_STEPS],
    /// The flight recorder.
    pub report: &'a Reporter,
    /// Scratch memory for `read`/`write` copies.
    pub scratch: &'a mut [u8],
}

impl Exec<'_> {
    /// The value of an argument.
    pub(crate) fn v(&self, v: Val) -> i64 {
        resolve(self.results, v)
    }

    /// Send a payload (text read, `/proc/self/maps`) for this step.
    pub(crate) fn payload(&self, bytes: &[u8]) {
        self.report.send(Kind::Payload, self.index, 0, 0, 0, bytes);
    }

    /// Run `f`, then report how long it took and what it cost: the page faults the process
    /// took meanwhile (`getrusage`, the kernel's own count, read outside the timed part) and
    /// the system calls `f` counted itself, one for each call its loop made.
    pub(crate) fn timed(&self, f: impl FnOnce(&mut u64) -> Done) -> Done {
        let (minor, major) = faults();
        let mut calls = 0u64;
        let start = now_ns();
        let done = f(&mut calls);
        let elapsed = now_ns().wrapping_sub(start);
        let (minor_after, major_after) = faults();
        self.report
            .send(Kind::Nanos, self.index, elapsed, 0, 0, &[]);
        self.report.send(
            Kind::RunCost,
            self.index,
            minor_after.wrapping_sub(minor),
            major_after.wrapping_sub(major),
            i32::try_from(calls).unwrap_or(i32::MAX),
            &[],
        );
        done
    }

    /// Report this step's end, then leave: the forked child's last step.
    pub(crate) fn end_and_exit(&self) -> ! {
        self.report.send(Kind::End, self.index, 0, 0, 0, &[]);
        exit_now()
    }
}

/// The value of an argument, from the results of the steps so far.
pub(crate) fn resolve(results: &[(i64, i64); MAX_STEPS], v: Val) -> i64 {
    let get = |i: usize| results.get(i).copied().unwrap_or((-1, -1));
    match v {
        Val::Lit(x) => x,
        Val::Ret(i) => get(i).0,
        Val::RetPlus(i, d) => get(i).0.wrapping_add(d),
        Val::Aux(i) => get(i).1,
    }
}

fn now_ns() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into a local timespec; it is async-signal-safe.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec)
}
