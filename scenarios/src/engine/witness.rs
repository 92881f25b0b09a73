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

use super::pace::{Command, Pacer, RunClock, Stop};
use super::pages::{PageRead, Reader};
use super::plan::{CopyOp, LimitOp, MapOp, Op, Plan, Side};
use super::record::{Exit, Run};
use super::wire::{self, Kind, HEADER_LEN};
use nix::errno::Errno;
use nix::libc;
use serde::{Deserialize, Serialize};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// One system call as the kernel saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Syscall {
    /// Its name (`mmap`, `openat`, `clone`).
    pub name: String,
    /// Its six raw arguments (as many as the call takes are meaningful).
    pub args: Vec<u64>,
    /// What it returned: a value, or `-errno`.
    pub ret: i64,
    /// The errno, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<String>,
}

impl Syscall {
    /// The call as the kernel got it: its arguments raw, in hex (as many as it takes), and
    /// its result: `mmap(0, 0x1000, 0x1, 0x1, 0x3, 0x3e8) = -EINVAL`.
    pub fn shown(&self) -> String {
        let n = arity(&self.name).min(self.args.len());
        let args: Vec<String> = self.args[..n].iter().map(|a| arg_text(*a)).collect();
        let ret = match &self.errno {
            Some(e) => format!("-{e}"),
            None if self.ret > 0xffff => format!("{:#x}", self.ret),
            None => self.ret.to_string(),
        };
        format!("{}({}) = {ret}", self.name, args.join(", "))
    }
}

/// A raw argument as a reader takes it in: small numbers in decimal, a 32-bit negative
/// number (a descriptor of -1, `AT_FDCWD`) as negative, anything else (addresses, flags) in
/// hex.
fn arg_text(a: u64) -> String {
    if a < 0x10000 {
        a.to_string()
    } else if a >> 32 == 0 && a & 0x8000_0000 != 0 {
        (a as u32 as i32).to_string()
    } else {
        format!("{a:#x}")
    }
}

/// How many arguments the system call `name` takes (the kernel passes six registers; the
/// rest are whatever was in them).
fn arity(name: &str) -> usize {
    match name {
        "close" | "exit_group" | "pipe" => 1,
        "munmap" | "ftruncate" | "pipe2" | "memfd_create" | "setrlimit" => 2,
        "mprotect" | "read" | "write" | "lseek" | "msync" | "madvise" | "fcntl" | "open" => 3,
        "openat" | "pread64" | "wait4" | "prlimit64" => 4,
        "mremap" | "clone" => 5,
        "fork" | "vfork" => 0,
        _ => 6,
    }
}

/// Who answered a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnsweredBy {
    /// A system call the witness saw.
    Kernel,
    /// The C library refused the call itself: it failed, and no system call was made.
    Libc,
    /// Not a call at all (a load or store through a pointer, a copy in memory).
    None,
}

/// The descriptor the child's flight recorder moves to, out of the way of the experiment's
/// own (see `child.rs`): the filter lets its writes by, they are the lab's.
pub(crate) const REPORT_FD: i32 = 1000;

/// The descriptor the maps captures read `/proc/self/maps` at (see `ops::map`): the filter
/// lets its reads and its close by.
pub(crate) const MAPS_FD: i32 = 1001;

/// The flags the maps captures open `/proc/self/maps` with: `O_NOCTTY` means nothing for a
/// file that is not a terminal, and no step opens with it, so the filter can tell the lab's
/// `openat` from the experiment's.
pub(crate) const LAB_OPEN_FLAGS: i32 = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOCTTY;

/// The value of `sched_yield`'s first argument that marks the child's stop at a step boundary
/// (see `child::boundary`): `sched_yield` takes no argument, and nothing else the child runs
/// calls it, so the filter can stop for this one alone.
pub(crate) const BOUNDARY_MARK: u32 = 0x6d6d_6c62;

/// The `SECCOMP_RET_DATA` of a boundary stop (the filter's stop for an experiment's call
/// carries 0).
const BOUNDARY_DATA: u32 = 1;

/// The lab's own calls, told apart by one argument: `(call, argument index, value that marks
/// it, what the filter does when it is marked, what it does otherwise)`. The flight recorder's
/// writes and the maps captures' open, reads and close are let by when marked (the same calls
/// with any other value are the experiment's, traced); the marked `sched_yield` is the
/// boundary stop before each step (any other is let by). One table says what the filter does
/// with every call of the lab's.
const LAB_CALLS: [(i64, u32, u32, u32, u32); 5] = [
    (libc::SYS_write, 0, REPORT_FD as u32, ALLOW, TRACE),
    (libc::SYS_read, 0, MAPS_FD as u32, ALLOW, TRACE),
    (libc::SYS_close, 0, MAPS_FD as u32, ALLOW, TRACE),
    (libc::SYS_openat, 2, LAB_OPEN_FLAGS as u32, ALLOW, TRACE),
    (
        libc::SYS_sched_yield,
        0,
        BOUNDARY_MARK,
        TRACE | BOUNDARY_DATA,
        ALLOW,
    ),
];

const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;
const TRACE: u32 = libc::SECCOMP_RET_TRACE;

/// `AUDIT_ARCH_*` of this machine, for the filter's first check.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// The system calls experiments make, with their names, on every architecture.
const COMMON: [(i64, &str); 23] = [
    (libc::SYS_openat, "openat"),
    (libc::SYS_close, "close"),
    (libc::SYS_pipe2, "pipe2"),
    (libc::SYS_memfd_create, "memfd_create"),
    (libc::SYS_ftruncate, "ftruncate"),
    (libc::SYS_fcntl, "fcntl"),
    (libc::SYS_lseek, "lseek"),
    (libc::SYS_write, "write"),
    (libc::SYS_read, "read"),
    (libc::SYS_pread64, "pread64"),
    (libc::SYS_mmap, "mmap"),
    (libc::SYS_munmap, "munmap"),
    (libc::SYS_mprotect, "mprotect"),
    (libc::SYS_mremap, "mremap"),
    (libc::SYS_msync, "msync"),
    (libc::SYS_madvise, "madvise"),
    (libc::SYS_clone, "clone"),
    (libc::SYS_clone3, "clone3"),
    (libc::SYS_wait4, "wait4"),
    (libc::SYS_copy_file_range, "copy_file_range"),
    (libc::SYS_prlimit64, "prlimit64"),
    (libc::SYS_setrlimit, "setrlimit"),
    (libc::SYS_exit_group, "exit_group"),
];

/// The older calls that only some architectures still have (aarch64 has none of them).
#[cfg(target_arch = "x86_64")]
const LEGACY: [(i64, &str); 4] = [
    (libc::SYS_open, "open"),
    (libc::SYS_pipe, "pipe"),
    (libc::SYS_fork, "fork"),
    (libc::SYS_vfork, "vfork"),
];
#[cfg(not(target_arch = "x86_64"))]
const LEGACY: [(i64, &str); 0] = [];

/// The system calls experiments make, with their names on this architecture.
fn table() -> impl Iterator<Item = (i64, &'static str)> {
    COMMON.into_iter().chain(LEGACY)
}

/// The names of the calls the witness can trace (for `strace -e trace=…` in the tests that
/// compare with it).
pub fn names() -> impl Iterator<Item = &'static str> {
    table().map(|(_, name)| name)
}

/// The name of system call `nr`, as far as the witness traces it.
fn name_of(nr: i64) -> String {
    table()
        .find(|(n, _)| *n == nr)
        .map_or_else(|| format!("syscall {nr}"), |(_, name)| name.to_string())
}

/// The calls not to trace in `plan`: those only its timed or filler steps make.
fn untraced(plan: &Plan) -> Vec<i64> {
    let mut out = Vec::new();
    for step in &plan.steps {
        match step.op {
            // Each run of the read/write copy starts with two lseeks back to offset 0.
            Op::Copy(CopyOp::ReadWrite { .. }) => {
                out.extend([libc::SYS_read, libc::SYS_write, libc::SYS_lseek])
            }
            Op::Copy(CopyOp::FileRange { .. }) => out.push(libc::SYS_copy_file_range),
            // The mmap copy maps, advises and unmaps a window at a time, hundreds of times a
            // run; the comparison after it does the same, untimed, to check the copy.
            Op::Copy(CopyOp::Mmap { .. } | CopyOp::Compare { .. }) => {
                out.extend([libc::SYS_mmap, libc::SYS_munmap, libc::SYS_madvise])
            }
            Op::Limit(LimitOp::ExhaustMapCount { .. }) => out.push(libc::SYS_mprotect),
            _ => {}
        }
    }
    // The child's own way out is the lab's, not a step: `exit_group` is worth a stop only
    // when a plan's `_exit` step makes it.
    if !plan
        .steps
        .iter()
        .any(|s| matches!(s.op, Op::Ipc(super::plan::IpcOp::Exit)))
    {
        out.push(libc::SYS_exit_group);
    }
    out
}

/// The system call a mapping step makes (whichever way it asks: the C library's wrapper or
/// the raw call), for [`traces`].
fn call_of(op: &MapOp) -> Option<i64> {
    match op {
        MapOp::Mmap { .. } => Some(libc::SYS_mmap),
        MapOp::Munmap { .. } => Some(libc::SYS_munmap),
        MapOp::Mprotect { .. } => Some(libc::SYS_mprotect),
        MapOp::Msync { .. } => Some(libc::SYS_msync),
        MapOp::Madvise { .. } => Some(libc::SYS_madvise),
        MapOp::Mremap { .. } => Some(libc::SYS_mremap),
        MapOp::Maps => None,
    }
}

/// Whether the witness traces `step` of `plan`: not the timed copies, the comparison of
/// their result and the map-count filler, whose calls it lets through without a stop, nor a
/// mapping step whose call the plan leaves untraced for them.
pub fn traces(plan: &Plan, step: usize) -> bool {
    match plan.steps.get(step).map(|s| &s.op) {
        Some(Op::Copy(_)) | Some(Op::Limit(LimitOp::ExhaustMapCount { .. })) => false,
        Some(Op::Map(op)) => call_of(op).is_none_or(|nr| !untraced(plan).contains(&nr)),
        _ => true,
    }
}

/// The seccomp filter for `plan`, built before the fork: trace the experiment's calls, let
/// everything else (and the lab's own calls on its descriptors, [`LAB_CALLS`]) through.
///
/// The calls are found by a binary search on their numbers, not a chain of comparisons: when
/// a filter is installed, the kernel runs it once for every system call number to learn which
/// calls it always allows (its action cache), and a chain of 27 comparisons made that cost
/// about 0.2 ms per experiment (measured) where the search costs a few hundredths.
pub(crate) fn filter(plan: &Plan) -> Vec<libc::sock_filter> {
    let skip = untraced(plan);
    // The experiment's calls, and the lab's that are no experiment's (the boundary).
    let numbers = table().map(|(n, _)| n).filter(|n| !skip.contains(n)).chain(
        LAB_CALLS
            .iter()
            .map(|row| row.0)
            .filter(|n| table().all(|(m, _)| m != *n)),
    );
    let mut calls: Vec<(u32, Verdict)> = numbers
        .map(|n| {
            let lab = LAB_CALLS.iter().position(|row| row.0 == n);
            (n as u32, lab.map_or(Verdict::Trace, Verdict::Lab))
        })
        .collect();
    calls.sort_unstable_by_key(|(n, _)| *n);
    calls.dedup_by_key(|(n, _)| *n);
    // Layout: the architecture check, the call's number, the search, ALLOW, TRACE, then for
    // each of the lab's calls [load its marking argument, compare, if marked, otherwise].
    let search = 4;
    let allow = search + search_len(calls.len());
    let trace = allow + 1;
    let mut prog = vec![
        stmt(LD_W_ABS, ARCH),
        jump(JEQ_K, AUDIT_ARCH, 1, 0),
        stmt(RET_K, ALLOW),
        stmt(LD_W_ABS, NR),
    ];
    let targets = Targets {
        allow,
        trace,
        lab: trace + 1,
    };
    emit_search(&mut prog, &calls, &targets);
    debug_assert_eq!(prog.len(), allow);
    prog.push(stmt(RET_K, ALLOW));
    prog.push(stmt(RET_K, TRACE));
    for (_, arg, value, marked, otherwise) in LAB_CALLS {
        prog.push(stmt(LD_W_ABS, ARGS + 8 * arg));
        prog.push(jump(JEQ_K, value, 0, 1));
        prog.push(stmt(RET_K, marked));
        prog.push(stmt(RET_K, otherwise));
    }
    prog
}

const LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
const JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
const RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
// Offsets in `struct seccomp_data`: the call's number, the architecture, and the six
// arguments, 8 bytes each (their low word first: little-endian on both architectures).
const NR: u32 = 0;
const ARCH: u32 = 4;
const ARGS: u32 = 16;

fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

/// A conditional jump; `jt` and `jf` count from the next instruction.
fn jump(code: u16, k: u32, jt: usize, jf: usize) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: jt as u8,
        jf: jf as u8,
        k,
    }
}

/// What the filter does with a call it names.
#[derive(Clone, Copy)]
enum Verdict {
    /// Stop for the tracer.
    Trace,
    /// Let it by when it is marked as the lab's: `LAB_CALLS[i]`.
    Lab(usize),
}

/// Where the search's jumps land (absolute instruction indices).
struct Targets {
    allow: usize,
    trace: usize,
    /// The first lab call's block; each is four instructions.
    lab: usize,
}

/// Up to this many calls are compared one by one; more are split in two.
const LEAF: usize = 3;

/// The instructions [`emit_search`] writes for `n` calls.
fn search_len(n: usize) -> usize {
    if n <= LEAF {
        n.max(1)
    } else {
        1 + search_len(n / 2) + search_len(n - n / 2)
    }
}

/// Append the search over `calls` (sorted by number, which is in the accumulator): a few
/// comparisons in a leaf, else "at least the middle one's number?" and the two halves, the
/// lower half first. A number found goes to its verdict, any other to ALLOW.
fn emit_search(prog: &mut Vec<libc::sock_filter>, calls: &[(u32, Verdict)], to: &Targets) {
    if calls.len() <= LEAF {
        if calls.is_empty() {
            let at = prog.len();
            prog.push(jump(
                JEQ_K,
                u32::MAX,
                to.allow - (at + 1),
                to.allow - (at + 1),
            ));
        }
        for (i, (nr, verdict)) in calls.iter().enumerate() {
            let at = prog.len();
            let hit = match verdict {
                Verdict::Trace => to.trace,
                Verdict::Lab(j) => to.lab + 4 * j,
            };
            let miss = if i + 1 == calls.len() {
                to.allow
            } else {
                at + 1
            };
            prog.push(jump(JEQ_K, *nr, hit - (at + 1), miss - (at + 1)));
        }
        return;
    }
    let (low, high) = calls.split_at(calls.len() / 2);
    let at = prog.len();
    prog.push(jump(JGE_K, high[0].0, search_len(low.len()), 0));
    emit_search(prog, low, to);
    debug_assert_eq!(prog.len(), at + 1 + search_len(low.len()));
    emit_search(prog, high, to);
}

/// A system call the tracer saw, and where: which process side and which plan step.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// The step that was running.
    pub step: usize,
    /// The call.
    pub call: Syscall,
}

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

/// What the tracer has gathered when it holds a paced run, for the engine to build the
/// record so far from.
pub(crate) struct Snapshot<'s> {
    pub bytes: &'s [u8],
    pub calls: &'s [Seen],
    pub boundaries: &'s [usize],
    pub pages: &'s [PageRead],
    /// `Held`, or how the experiment's first process ended when it stops on its way out.
    pub exit: Exit,
    /// The time the experiment ran so far.
    pub running: Duration,
    /// The plan step just made.
    pub done: Option<usize>,
}

/// A paced run's pacer, and how to make the record so far (the engine's [`super::assemble`]):
/// the tracer holds the processes, the engine knows how a record is built.
pub(crate) struct Pacing<'p> {
    pub pacer: &'p mut dyn Pacer,
    /// The record so far, and where the step just made is in its steps.
    pub snapshot: &'p dyn Fn(Snapshot<'_>) -> (Run, Option<usize>),
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

/// The flight recorder's bytes, read by two threads in turn: the reader (so a full pipe never
/// blocks the child while the tracer waits) and the tracer (at each stop, to know the step).
struct Recorder {
    fd: OwnedFd,
    bytes: Vec<u8>,
}

impl Recorder {
    /// Read what is in the pipe now (it is non-blocking).
    fn drain(&mut self) {
        super::drain(&self.fd, &mut self.bytes);
    }
}

/// How a process ended, from its wait status.
fn exit_of(status: i32) -> Exit {
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Normal
    }
}

/// The reader thread's stack.
const READER_STACK: usize = 64 * 1024;

/// Run the child `pid` to its end under the tracer, within `deadline` of running time (or
/// until `cancel`), holding it at each boundary for a pacer if `watch` has one.
/// The child has asked to be traced and stops itself first; if it could not (tracing is
/// refused), this still collects its reports and its exit, untraced.
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

struct Tracer<'a, 'p> {
    pid: i32,
    plan: &'a Plan,
    recorder: &'a Mutex<Recorder>,
    /// How far the recorder's bytes are decoded.
    cursor: usize,
    /// The step each side is running, from the `Begin` reports: `[parent, child]`.
    current: [Option<usize>; 2],
    /// Calls that entered and have not returned: (tid, step, nr, args).
    pending: Vec<(i32, Option<usize>, i64, [u64; 6])>,
    calls: Vec<Seen>,
    traced: bool,
    /// The steps whose boundary stop was passed (see [`Traced::boundaries`]).
    boundaries: Vec<usize>,
    /// The tracees alive, and where each is.
    procs: Vec<(i32, At)>,
    /// Reads the pages at each stop, when the run wants them.
    pager: Option<Reader<'a>>,
    /// Tracees not yet reaped: the child and what it forked.
    alive: usize,
    /// The child's wait status, from its last stop before it exits (`PTRACE_EVENT_EXIT`).
    ended: Option<i32>,
    /// The pacer of a paced run, until it says [`Command::RunToEnd`].
    pacing: Option<Pacing<'p>>,
    /// The experiment's running time, paused while the pacer holds it.
    clock: &'a RunClock,
    /// The tracee that stopped last, and the plan step it had just made.
    last: Option<(i32, Option<usize>)>,
    /// The pacer said [`Command::Kill`]: nothing is resumed any more.
    killed: bool,
}

/// Where a tracee is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
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
    fn run(&mut self) -> (Exit, Option<u64>) {
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

    /// Handle one stop of tracee `tid`, then let it go on.
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
                self.last = Some((tid, super::pages::step_made(self.plan, side, done)));
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
                    .is_some_and(|s| matches!(s.op, Op::Ipc(super::plan::IpcOp::Exit)));
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
                self.last = Some((tid, super::pages::step_made(self.plan, side, done)));
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
        run.held = Some(super::pace::Held {
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

/// Whether the witness is wanted: on unless `MMAP_LAB_WITNESS=off` (for tests and for
/// comparing runs with and without it).
pub(crate) fn wanted() -> Result<(), String> {
    match std::env::var("MMAP_LAB_WITNESS").as_deref() {
        Ok("off") | Ok("0") => Err("MMAP_LAB_WITNESS=off".to_string()),
        _ => Ok(()),
    }
}

/// Why the child could not be traced, from its `Witness` report, in words for the record.
pub(crate) fn refusal(errno: i32, stage: i64) -> String {
    if stage == 2 {
        let limit =
            super::faults::open_files_limit().map_or_else(|| "?".to_string(), |n| n.to_string());
        return format!(
            "too many open files: the limit ({limit}, `ulimit -n`) is below descriptor \
             {REPORT_FD}, where the witness keeps its flight recorder; raise it to 1024 or more"
        );
    }
    let what = if stage == 0 {
        "ptrace(PTRACE_TRACEME)"
    } else {
        "seccomp(SECCOMP_SET_MODE_FILTER)"
    };
    let e = Errno::from_raw(errno);
    let hint = match (stage, e) {
        (0, Errno::EPERM) => {
            ": the lab is already traced (a debugger, strace) or ptrace is not allowed"
        }
        (1, _) => ": system call filters are not allowed here",
        _ => "",
    };
    format!("{what} failed with {}{hint}", crate::errnos::name(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Out of descriptors is said as such, not as `PTRACE_TRACEME failed with EBADF`.
    #[test]
    fn a_recorder_above_the_descriptor_limit_is_too_many_open_files() {
        let why = refusal(libc::EMFILE, 2);
        assert!(why.starts_with("too many open files") && why.contains("ulimit -n"));
        assert!(!why.contains("PTRACE_TRACEME"), "{why}");
    }

    #[test]
    fn the_filter_ends_in_a_return_and_every_jump_lands_inside() {
        let plan = Plan::new();
        let prog = filter(&plan);
        let n = prog.len();
        assert_eq!(prog[n - 1].code, RET_K);
        for (i, ins) in prog
            .iter()
            .enumerate()
            .filter(|(_, ins)| ins.code == JEQ_K || ins.code == JGE_K)
        {
            assert!(i + 1 + (ins.jt as usize) < n && i + 1 + (ins.jf as usize) < n);
        }
        assert_eq!(name_of(libc::SYS_mmap), "mmap");
    }

    /// What the filter answers for a call, by running its instructions (the three kinds it
    /// is made of) on a `seccomp_data` of that number, architecture and first argument.
    fn verdict(prog: &[libc::sock_filter], arch: u32, nr: i64, args: [i64; 3]) -> u32 {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&(nr as u32).to_le_bytes());
        data[4..8].copy_from_slice(&arch.to_le_bytes());
        for (i, a) in args.iter().enumerate() {
            data[16 + 8 * i..24 + 8 * i].copy_from_slice(&(*a as u64).to_le_bytes());
        }
        let (mut pc, mut a) = (0usize, 0u32);
        loop {
            let ins = prog[pc];
            let k = ins.k as usize;
            match ins.code as u32 {
                c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS => {
                    a = u32::from_le_bytes(data[k..k + 4].try_into().unwrap());
                    pc += 1;
                }
                c if c == libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K => {
                    let jump = if a == ins.k { ins.jt } else { ins.jf };
                    pc += 1 + jump as usize;
                }
                c if c == libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K => {
                    let jump = if a >= ins.k { ins.jt } else { ins.jf };
                    pc += 1 + jump as usize;
                }
                c if c == libc::BPF_RET | libc::BPF_K => return ins.k,
                other => panic!("instruction {other:#x} at {pc}"),
            }
        }
    }

    #[test]
    fn the_timed_copies_make_no_stop() {
        let copy = crate::catalog::find("mmap-copy").expect("mmap-copy");
        let page = crate::engine::page_size();
        let plan = (copy.build)(&(copy.defaults)(page), page);
        let prog = filter(&plan);
        for nr in [
            libc::SYS_mmap,
            libc::SYS_munmap,
            libc::SYS_madvise,
            libc::SYS_read,
        ] {
            let verdict = verdict(&prog, AUDIT_ARCH, nr, [3, 0, 0]);
            assert_eq!(verdict, libc::SECCOMP_RET_ALLOW, "{}", name_of(nr));
        }
        for (i, step) in plan.steps.iter().enumerate() {
            let copies = matches!(step.op, Op::Copy(_));
            assert_eq!(traces(&plan, i), !copies, "step {i}: {:?}", step.op);
        }
        let opens = verdict(&prog, AUDIT_ARCH, libc::SYS_openat, [-100, 0, 0]);
        assert_eq!(opens, libc::SECCOMP_RET_TRACE);
    }

    #[test]
    fn the_filter_traces_the_experiments_calls_and_lets_the_labs_by() {
        let prog = filter(&Plan::new());
        let (trace, allow) = (libc::SECCOMP_RET_TRACE, libc::SECCOMP_RET_ALLOW);
        let lab_open = i64::from(LAB_OPEN_FLAGS);
        let (rd, fd) = (i64::from(libc::O_RDONLY), i64::from(MAPS_FD));
        let cases = [
            (libc::SYS_mmap, [0, 4096, 3], trace),
            (libc::SYS_openat, [-100, 0, rd], trace),
            (
                libc::SYS_openat,
                [-100, 0, rd | i64::from(libc::O_CLOEXEC)],
                trace,
            ),
            (libc::SYS_openat, [-100, 0, lab_open], allow),
            (libc::SYS_write, [3, 0, 1], trace),
            (libc::SYS_write, [i64::from(REPORT_FD), 0, 32], allow),
            (libc::SYS_read, [3, 0, 1], trace),
            (libc::SYS_read, [fd, 0, 4064], allow),
            (libc::SYS_close, [3, 0, 0], trace),
            (libc::SYS_close, [fd, 0, 0], allow),
            (libc::SYS_pread64, [fd, 0, 1], trace),
            (libc::SYS_getpid, [0, 0, 0], allow),
            // The boundary: the marked sched_yield stops, with its data; any other goes by.
            (
                libc::SYS_sched_yield,
                [i64::from(BOUNDARY_MARK), 3, 0],
                trace | BOUNDARY_DATA,
            ),
            (libc::SYS_sched_yield, [0, 0, 0], allow),
            (
                libc::SYS_sched_yield,
                [i64::from(BOUNDARY_MARK) + 1, 3, 0],
                allow,
            ),
            (libc::SYS_getrusage, [0, 0, 0], allow),
        ];
        for (nr, args, want) in cases {
            assert_eq!(
                verdict(&prog, AUDIT_ARCH, nr, args),
                want,
                "{} {args:?}",
                name_of(nr)
            );
        }
        // Every number, against the table: its calls traced, all others let by.
        for nr in 0..1024 {
            let traced = table().any(|(n, _)| n == nr) && nr != libc::SYS_exit_group;
            let want = if traced { trace } else { allow };
            assert_eq!(
                verdict(&prog, AUDIT_ARCH, nr, [3, 0, 0]),
                want,
                "{}",
                name_of(nr)
            );
        }
        // Another architecture's numbers mean other calls: let them by.
        assert_eq!(
            verdict(&prog, 0x4000_0003, libc::SYS_mmap, [0, 0, 0]),
            allow
        );
    }
}
