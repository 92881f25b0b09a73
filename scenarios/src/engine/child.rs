//! The experiment's own process: everything here runs between `fork` and `_exit`.
//!
//! Why fork and not re-execute a helper binary: the lab, its tests and its benchmarks are
//! different executables, so there is no one helper to exec; and a fork costs a fraction of an
//! `execve` (the 2 ms budget per experiment). The price is the rule for forking a
//! multi-threaded process (`cargo test` is one): until it exits, the child may only make
//! async-signal-safe calls: no allocation, no locks, no panics, no stdio. So the parent builds
//! the whole plan (paths as `CString`s, scratch buffers) before the fork, and this module (with
//! each family's `execute` in `engine/ops/`, which [`Exec`] serves) only reads it and talks to
//! the kernel through raw `libc` calls. Arithmetic is wrapping and
//! indexing uses `get`, so nothing here can panic; the child leaves with `_exit`, never by
//! returning into Rust code the parent's runtime set up.
//!
//! Each step is reported *before* it runs (a flight recorder over a pipe), so a signal that
//! kills the child is pinned to the step that was running.

use super::exec::{errno, exit_now, faults, resolve, Exec, Reporter};
use super::marks::{BOUNDARY_MARK, REPORT_FD};
use super::plan::{IpcOp, Op, Plan, Side, Step, MAX_STEPS};
use super::regions::Landmark;
use super::wire::{Header, Kind, HEADER_LEN};
use nix::libc;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// What the child needs besides the plan: all of it prepared by the parent.
pub(crate) struct ChildSetup<'a> {
    /// The write end of the report pipe.
    pub report_fd: i32,
    /// The read end, to close in the child.
    pub other_fd: i32,
    /// The temporary directory to work in, open (entered with `fchdir`: its path could have
    /// been swapped for a symbolic link since it was made).
    pub dir_fd: i32,
    /// Scratch memory for `read`/`write` copies.
    pub scratch: &'a mut [u8],
    /// The code the child runs (the lab's and the C library's), to map before the first step.
    pub code: &'a [(usize, usize)],
    /// The page size, for [`prefault_code`].
    pub page: usize,
    /// The C library's restartable-sequences area of this thread, if registered (see
    /// [`forget_rseq`]).
    pub rseq: Option<(isize, u32)>,
    /// The witness's seccomp filter, when the run is traced (see `witness/filter.rs`).
    pub filter: Option<&'a [libc::sock_filter]>,
    /// The process's image, found by the lab before the fork: the program, the libraries,
    /// the heap, the vDSO (see `regions::image_regions`).
    pub image: &'a [(Landmark, usize, usize)],
}

/// Run the plan and `_exit`. Never returns.
pub(crate) fn run_child(plan: &Plan, setup: ChildSetup<'_>) -> ! {
    prepare_process(&setup);
    forget_rseq(setup.rseq);
    let report = Reporter {
        fd: private_descriptors(setup.report_fd),
    };
    REPORT.store(report.fd, Ordering::Relaxed);
    let own = own_memory(plan, setup.scratch);
    for &(id, addr, len) in own.iter().chain(setup.image) {
        report.send(Kind::Landmark, id as usize, addr as i64, len as i64, 0, &[]);
    }
    let traced = setup.filter.is_some_and(|_| ask_to_be_traced(&report));
    report_faults();
    prefault_stack();
    let (code, page) = (setup.code, setup.page);
    prefault_code(code, page);
    // Last of the set-up, so that only the plan's own calls meet the filter.
    // The boundary stops need the filter (it turns the marker into a stop) and a tracer.
    let stops = match (traced, setup.filter) {
        (true, Some(filter)) => install_filter(filter, &report),
        _ => false,
    };
    let scratch = setup.scratch;
    let mut results = [(0i64, 0i64); MAX_STEPS];
    let mut me = Side::Parent;
    for (index, step) in plan.steps.iter().enumerate() {
        if step.side != me {
            continue;
        }
        if stops && !step.is_bookkeeping() {
            boundary(index);
        }
        report.send(Kind::Begin, index, 0, 0, 0, &[]);
        CURRENT_STEP.store(index as u32, Ordering::Relaxed);
        // Decided before the step, from the plan, which the step may be about to destroy.
        let lost =
            step.op
                .takes_away(|v| resolve(&results, v))
                .and_then(|(addr, len, replaces)| {
                    hits_own(&own, addr, len, replaces)
                        .or_else(|| hits_own(setup.image, addr, len, replaces))
                });
        let before = faults();
        let done = step.op.family().execute(&mut Exec {
            index,
            results: &results,
            report: &report,
            scratch,
        });
        if done.became_child {
            // The forked child: never report the fork's end (the parent does).
            me = Side::Child;
            if let Some(slot) = results.get_mut(index) {
                *slot = (0, 0);
            }
            prefault_code(code, page);
            prefault_stack();
            settle_after_fork(&mut results, scratch, page);
            continue;
        }
        let after = faults();
        report.send(
            Kind::Faults,
            index,
            after.0.wrapping_sub(before.0),
            after.1.wrapping_sub(before.1),
            0,
            &[],
        );
        report.send(Kind::End, index, done.ret, done.aux, done.errno, &[]);
        if matches!(step.op, Op::Ipc(IpcOp::Fork)) && done.errno == 0 {
            // The fork made every private page of this process copy-on-write again: take
            // those faults of the lab's own now, outside every step's count, as the forked
            // child does.
            prefault_stack();
            settle_after_fork(&mut results, scratch, page);
        }
        if let (Some((at, id)), 0) = (lost, done.errno) {
            // The kernel's answer to this step is real; anything after it would run on the
            // memory it just replaced or removed, and be no answer of the kernel's.
            report.send(Kind::Clobbered, index, at as i64, id as i64, 0, &[]);
            exit_now();
        }
        if let Some(slot) = results.get_mut(index) {
            *slot = (done.ret, done.aux);
        }
        if done.errno != 0 && step.critical {
            exit_now();
        }
    }
    exit_now()
}

/// Where the child's own memory is, as `(landmark, address, length)`: the plan it executes
/// and its buffers, this thread's TLS (from its `errno` to its control block), its signal
/// stack, and the stack pages the steps run on. Only reads of this process's own state, all
/// async-signal-safe. The parent names what the steps touch with these; the loop stops a run
/// whose step replaced or removed the plan (see [`hits_own`]).
fn own_memory(plan: &Plan, scratch: &[u8]) -> [(Landmark, usize, usize); 6] {
    let here = 0u8;
    let sp = std::hint::black_box(&here) as *const u8 as usize;
    // SAFETY: both only read the thread register: the address of this thread's errno, and
    // (glibc, musl) its control block.
    let (errno_at, tcb) = unsafe { (libc::__errno_location() as usize, libc::pthread_self()) };
    let tcb = tcb as usize;
    // SAFETY: stack_t is plain old data; an all-zero value is valid.
    let mut ss: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: sigaltstack with a null new stack only writes the current one into a local.
    unsafe { libc::sigaltstack(std::ptr::null(), &mut ss) };
    let signal_stack = if ss.ss_flags & libc::SS_DISABLE == 0 {
        (ss.ss_sp as usize, ss.ss_size)
    } else {
        (0, 0)
    };
    // SAFETY: getauxval reads the auxiliary vector; no preconditions.
    let page = unsafe { libc::getauxval(libc::AT_PAGESZ) } as usize;
    let (tls_lo, tls_hi) = (errno_at.min(tcb), errno_at.max(tcb).wrapping_add(1));
    // The stack `prefault_stack` writes below here, and the page above.
    let stack_lo = sp.saturating_sub(STACK_PREFAULT);
    [
        (
            Landmark::Plan,
            plan as *const Plan as usize,
            std::mem::size_of::<Plan>(),
        ),
        (
            Landmark::Steps,
            plan.steps.as_ptr() as usize,
            plan.steps.len().wrapping_mul(std::mem::size_of::<Step>()),
        ),
        (Landmark::Scratch, scratch.as_ptr() as usize, scratch.len()),
        (Landmark::Tls, tls_lo, tls_hi.wrapping_sub(tls_lo)),
        (Landmark::SignalStack, signal_stack.0, signal_stack.1),
        (
            Landmark::Stack,
            stack_lo,
            sp.wrapping_sub(stack_lo).wrapping_add(page),
        ),
    ]
}

/// The first of the child's own regions that a step taking away `addr..addr+len` (whole
/// pages) hits, with the address where it starts to: any of them when the step replaces
/// memory (`MAP_FIXED` zeroes it silently), only the plan and its buffers when it removes
/// memory (a removed TLS or stack crashes, and that crash is reported for what it is).
fn hits_own(
    own: &[(Landmark, usize, usize)],
    addr: u64,
    len: u64,
    replaces: bool,
) -> Option<(u64, Landmark)> {
    // SAFETY: getauxval reads the auxiliary vector; no preconditions.
    let page = (unsafe { libc::getauxval(libc::AT_PAGESZ) } as u64).max(1);
    let hi = addr.saturating_add(len.div_ceil(page).saturating_mul(page));
    own.iter()
        .filter(|(l, a, n)| *a != 0 && *n != 0 && (replaces || l.guarded_from_munmap()))
        .find(|(_, a, n)| {
            let (lo2, hi2) = (*a as u64, (*a as u64).saturating_add(*n as u64));
            addr < hi2 && lo2 < hi
        })
        .map(|(l, a, _)| (addr.max(*a as u64), *l))
}

/// Ask the engine's thread to trace this process: its own process group (so the tracer can
/// wait for it and what it forks, and nothing else), `PTRACE_TRACEME`, then a stop that lets
/// the tracer set its options before anything else happens. On refusal, say why and go on
/// untraced. The flight recorder must be at its usual descriptor, which the filter lets by.
fn ask_to_be_traced(report: &Reporter) -> bool {
    // SAFETY: setpgid, ptrace(TRACEME) and raise are async-signal-safe calls on this process.
    unsafe {
        libc::setpgid(0, 0);
        if report.fd != REPORT_FD {
            // Stage 2: the recorder could not move to its descriptor, which is above the
            // limit on open files (`dup2` answers EBADF for that).
            report.send(Kind::Witness, 0, 2, 0, libc::EMFILE, &[]);
            return false;
        }
        if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) != 0 {
            report.send(Kind::Witness, 0, 0, 0, errno(), &[]);
            return false;
        }
        libc::raise(libc::SIGSTOP);
    }
    true
}

/// Stop for the tracer at the boundary before step `next`: the marked `sched_yield` the
/// witness's filter turns into a stop (see `witness::LAB_CALLS`). Everything the steps before
/// reported is in the pipe by then, and the step itself has not begun. While it waits the
/// process is dumpable, so that its `/proc/PID/` files can be read from outside (the tracer,
/// a second terminal of the same user); the rest of the time it is not, so that no core dump
/// can come from the experiment. Raw calls only: no `errno` written on success, no
/// thread-control-block read, as in [`Reporter::send`] (a step may have unmapped them).
fn boundary(next: usize) {
    // SAFETY: prctl and sched_yield with integer arguments; they change only this process's
    // dumpable flag and scheduling.
    unsafe {
        libc::syscall(libc::SYS_prctl, libc::PR_SET_DUMPABLE, 1, 0, 0, 0);
        libc::syscall(
            libc::SYS_sched_yield,
            BOUNDARY_MARK as libc::c_long,
            next as libc::c_long,
        );
        libc::syscall(libc::SYS_prctl, libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Install the witness's seccomp filter (after `PR_SET_NO_NEW_PRIVS`, which a filter needs
/// without privilege; this process never executes a program, so it changes nothing else).
/// Whether it is installed.
fn install_filter(filter: &[libc::sock_filter], report: &Reporter) -> bool {
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: prctl with integers; seccomp reads `prog`, which points at the plan's filter,
    // alive for the whole child.
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        let r = libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &prog as *const libc::sock_fprog,
        );
        if r != 0 {
            report.send(Kind::Witness, 0, 1, 0, errno(), &[]);
        }
        r == 0
    }
}

/// Put the child in a known state: default signal actions (the parent's runtime may have
/// installed handlers for SIGSEGV/SIGBUS, the lab its own for SIGXFSZ and SIGABRT), nothing blocked, no core dumps (a core file would
/// be slow and land somewhere), death with the parent, and the temporary directory as working
/// directory.
fn prepare_process(setup: &ChildSetup<'_>) {
    // SAFETY: all calls below are async-signal-safe syscalls on this process's own state,
    // with pointers to local, initialised values.
    unsafe {
        libc::close(setup.other_fd);
        for sig in [
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGPIPE,
            libc::SIGINT,
            libc::SIGTERM,
            // The lab ignores SIGXFSZ and catches SIGABRT for itself (see `process`).
            libc::SIGXFSZ,
            libc::SIGABRT,
        ] {
            libc::signal(sig, libc::SIG_DFL);
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        // If the lab itself is killed, its experiment must not live on without it.
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
        if libc::fchdir(setup.dir_fd) != 0 {
            exit_now();
        }
    }
}

/// Unregister the thread's restartable-sequences area (glibc registers one per thread, at
/// `__rseq_offset` from the thread pointer, inside the thread's control block). The kernel
/// writes to that area on its own, on the way back to user space after the process was
/// stopped or moved (after every stop of the witness, for one). When an experiment unmaps the
/// thread-local storage, that write fails and the kernel kills the process with a `SIGSEGV`
/// that no handler sees: the lab could then not say which step caused it. Unregistered, the
/// crash comes from the process's own code touching its lost memory, and is reported. The
/// experiment's calls are untouched (nothing in them uses rseq). A failure changes nothing.
fn forget_rseq(area: Option<(isize, u32)>) {
    const RSEQ_FLAG_UNREGISTER: libc::c_int = 1;
    #[cfg(target_arch = "x86_64")]
    const RSEQ_SIG: u32 = 0x5305_3053;
    #[cfg(target_arch = "aarch64")]
    const RSEQ_SIG: u32 = 0xd428_bc00;
    let Some((offset, size)) = area else {
        return;
    };
    let at = thread_pointer().wrapping_add_signed(offset);
    // The length must be the one registered: glibc's `__rseq_size`, or the 32 bytes of
    // `struct rseq` older glibc versions register while reporting less.
    for len in [size, 32] {
        // SAFETY: rseq(2) unregistering this thread's own area: the kernel only checks the
        // arguments against its registration and forgets it.
        let r = unsafe { libc::syscall(libc::SYS_rseq, at, len, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) };
        if r == 0 {
            return;
        }
    }
}

/// The thread pointer (what `%fs` / `tpidr_el0` points at).
fn thread_pointer() -> usize {
    let tp: usize;
    // SAFETY: reads the thread pointer; no memory but the thread's own control block, whose
    // first word points at itself (x86_64), and no side effect.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::asm!("mov {}, fs:0", out(reg) tp, options(nostack, readonly, preserves_flags))
    };
    // SAFETY: reads a system register; no memory, no side effect.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        std::arch::asm!("mrs {}, tpidr_el0", out(reg) tp, options(nomem, nostack, preserves_flags))
    };
    tp
}

/// The step running now, for the fault handler (a plain store: the handler runs on this
/// thread, between two instructions of the step).
static CURRENT_STEP: AtomicU32 = AtomicU32::new(0);

/// The report pipe's descriptor, for the fault handler.
static REPORT: AtomicI32 = AtomicI32::new(REPORT_FD);

/// How much stack below the step loop [`prefault_stack`] writes. The deepest step measured
/// (a text read in a forked process: its copy buffer and the report's) needs 8 – 12 KiB; 32
/// KiB leaves room, at 8 page faults before the first step where 64 KiB cost 16.
const STACK_PREFAULT: usize = 32 * 1024;

/// Write to the stack pages the steps will use, once, before the first step. After `fork` every
/// page is shared copy-on-write with the lab, so the first write to each of them is a page
/// fault; without this, those faults of the lab's own bookkeeping would be counted against
/// whichever step first grew the stack, and `mmap` would seem to touch a page.
#[inline(never)]
fn prefault_stack() {
    let mut pages = [0u8; STACK_PREFAULT];
    let mut i = 0;
    while i < pages.len() {
        if let Some(b) = pages.get_mut(i) {
            // SAFETY: a volatile write to a live local byte, so it is not optimised away.
            unsafe { std::ptr::write_volatile(b, 1) };
        }
        i = i.wrapping_add(4096);
    }
    std::hint::black_box(&pages);
}

/// After a `fork`, in both processes: write once more to the lab's own private pages that
/// the steps write (the fork made each of them copy-on-write, shared with the other process),
/// so that the first write to each is not a fault counted against the next step, and a touch
/// after a fork counts what it counts in a plain C program. The stack is [`prefault_stack`]'s
/// (called from the step loop's frame, as before the first step); here: the statics the fault
/// handler reads, this thread's `errno`, the steps' results and the scratch buffer. Each value
/// is written back as it is.
#[inline(never)]
fn settle_after_fork(results: &mut [(i64, i64); MAX_STEPS], scratch: &mut [u8], page: usize) {
    CURRENT_STEP.store(CURRENT_STEP.load(Ordering::Relaxed), Ordering::Relaxed);
    REPORT.store(REPORT.load(Ordering::Relaxed), Ordering::Relaxed);
    // SAFETY: this thread's errno, a live int; rewritten with its own value.
    unsafe {
        let e = libc::__errno_location();
        std::ptr::write_volatile(e, std::ptr::read_volatile(e));
    }
    rewrite_pages(results, page);
    rewrite_pages(scratch, page);
}

/// Write every page of `slice` once, each with the value it holds.
fn rewrite_pages<T: Copy>(slice: &mut [T], page: usize) {
    let step = (page / std::mem::size_of::<T>().max(1)).max(1);
    let mut i = 0;
    while i < slice.len() {
        if let Some(x) = slice.get_mut(i) {
            // SAFETY: a volatile read and write of a live element, so neither is optimised
            // away.
            unsafe { std::ptr::write_volatile(x, std::ptr::read_volatile(x)) };
        }
        i = i.wrapping_add(step);
    }
    if let Some(x) = slice.last_mut() {
        // SAFETY: as above, for the last page when the slice does not start on a page.
        unsafe { std::ptr::write_volatile(x, std::ptr::read_volatile(x)) };
    }
}

/// Map the code the steps will run, and the read-only data it reads (jump tables, constants),
/// before the first step. `fork` copies no page-table entries of file-backed mappings (the
/// kernel lets them fault back in), so the first time the child touches each such page, that
/// is a page fault: it would be counted against the step, and the first `mmap` would seem to
/// fault a page in. So every page is read once here. A read per page rather than
/// `MADV_POPULATE_READ`: each fault maps the pages around it too (fault-around), so most
/// reads find their page already mapped, and the whole costs about a fifth less than the
/// kernel's walk of every page; it needs no particular kernel either.
fn prefault_code(ranges: &[(usize, usize)], page: usize) {
    let page = page.max(1);
    for &(start, len) in ranges {
        let mut at = start;
        while at < start.saturating_add(len) {
            // SAFETY: `at` lies inside a readable mapping of the lab's own binary or of the C
            // library (read from `/proc/self/maps` before the fork, and nothing unmaps them);
            // a volatile read so that it is not optimised away.
            unsafe { std::ptr::read_volatile(at as *const u8) };
            at = at.saturating_add(page);
        }
    }
}

/// Catch `SIGSEGV` and `SIGBUS` once, to report what the kernel said about them (`si_code`:
/// `SEGV_MAPERR`, `SEGV_ACCERR`, `BUS_ADRERR` …, and the faulting address), then let the
/// signal kill the child exactly as it would have: the handler is reset on entry
/// (`SA_RESETHAND`) and re-raises the signal, so the outcome is the same signal, from the same
/// step. It runs on the thread's alternate signal stack when there is one (`SA_ONSTACK`), so
/// that a fault caused by a damaged stack is still reported, and writes one fixed-size report:
/// `write` is async-signal-safe.
fn report_faults() {
    // SAFETY: sigaction with a zeroed, then filled, local struct; the handler only makes
    // async-signal-safe calls.
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = on_fault as *const () as usize;
        act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_RESETHAND;
        libc::sigemptyset(&mut act.sa_mask);
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            libc::sigaction(sig, &act, std::ptr::null_mut());
        }
    }
}

/// The fault handler: one report, then the signal again with its default action.
extern "C" fn on_fault(sig: i32, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let (addr, code) = if info.is_null() {
        (0, 0)
    } else {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers; si_addr is the
        // field it fills for SIGSEGV and SIGBUS.
        unsafe {
            (
                (*info).si_addr() as usize as i64,
                i64::from((*info).si_code),
            )
        }
    };
    let header = Header {
        kind: Kind::Fault as u32,
        step: CURRENT_STEP.load(Ordering::Relaxed),
        ret: addr,
        aux: code,
        errno: sig,
        len: 0,
    };
    let mut buf = [0u8; HEADER_LEN];
    header.encode(&mut buf);
    // SAFETY: write and raise are async-signal-safe; the buffer is a live local. The write
    // is the raw system call: the C library's `write` reads the thread's control block
    // (is the process multi-threaded?), which a step may have unmapped: that is the fault
    // being reported.
    unsafe {
        libc::syscall(
            libc::SYS_write,
            REPORT.load(Ordering::Relaxed),
            buf.as_ptr(),
            buf.len(),
        );
        // The handler was reset on entry: this delivery, once the handler returns, kills the
        // process with `sig` (a real fault would also repeat when the instruction re-runs).
        libc::raise(sig);
    }
}

/// Give the experiment the descriptor table a fresh C program would have: only 0, 1 and 2,
/// so its first `open` returns 3 as the lessons say, whatever the lab had open (a terminal,
/// pidfds, other tests' pipes). The report pipe moves to a high number first. Returns the
/// report pipe's new number.
fn private_descriptors(report_fd: i32) -> i32 {
    // SAFETY: dup2/close on descriptor numbers of this process only.
    unsafe {
        let fd = if libc::dup2(report_fd, REPORT_FD) == REPORT_FD {
            REPORT_FD
        } else {
            report_fd
        };
        // Descriptors 3.. except the report pipe (which is 1000, or wherever it was if the
        // dup2 failed; below 3 only if the lab was started with 0-2 closed).
        let keep = fd.max(0) as u32;
        let ranges = if keep >= 3 {
            [
                (3u32, keep.wrapping_sub(1)),
                (keep.wrapping_add(1), u32::MAX),
            ]
        } else {
            [(3u32, u32::MAX), (1, 0)]
        };
        for (lo, hi) in ranges {
            if lo <= hi && libc::syscall(libc::SYS_close_range, lo, hi, 0) != 0 {
                // Kernels before 5.9: close what a process usually has, one by one.
                let mut n = lo;
                while n <= hi.min(4096) {
                    libc::close(n as i32);
                    n = n.wrapping_add(1);
                }
            }
        }
        fd
    }
}
