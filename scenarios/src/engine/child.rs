//! The experiment's own process: everything here runs between `fork` and `_exit`.
//!
//! Why fork and not re-execute a helper binary: the lab, its tests and its benchmarks are
//! different executables, so there is no one helper to exec; and a fork costs a fraction of an
//! `execve` (the 2 ms budget per experiment). The price is the rule for forking a
//! multi-threaded process (`cargo test` is one): until it exits, the child may only make
//! async-signal-safe calls: no allocation, no locks, no panics, no stdio. So the parent builds
//! the whole plan (paths as `CString`s, scratch buffers) before the fork, and this module only
//! reads it and talks to the kernel through raw `libc` calls. Arithmetic is wrapping and
//! indexing uses `get`, so nothing here can panic; the child leaves with `_exit`, never by
//! returning into Rust code the parent's runtime set up.
//!
//! Each step is reported *before* it runs (a flight recorder over a pipe), so a signal that
//! kills the child is pinned to the step that was running.

use super::plan::{Limit, Op, Plan, Side, Val, MAX_STEPS};
use super::wire::{Header, Kind, HEADER_LEN, MAX_PAYLOAD};
use nix::libc::{self, c_void};
use std::ffi::CStr;

/// What the child needs besides the plan: all of it prepared by the parent.
pub(crate) struct ChildSetup<'a> {
    /// The write end of the report pipe.
    pub report_fd: i32,
    /// The read end, to close in the child.
    pub other_fd: i32,
    /// The temporary directory to work in.
    pub dir: &'a CStr,
    /// Scratch memory for `read`/`write` copies.
    pub scratch: &'a mut [u8],
}

/// Run the plan and `_exit`. Never returns.
pub(crate) fn run_child(plan: &Plan, setup: ChildSetup<'_>) -> ! {
    prepare_process(&setup);
    let report = Reporter {
        fd: private_descriptors(setup.report_fd),
    };
    let scratch = setup.scratch;
    let mut results = [(0i64, 0i64); MAX_STEPS];
    let mut me = Side::Parent;
    // SAFETY: getpid has no preconditions.
    let my_pid = unsafe { libc::getpid() };
    for (index, step) in plan.steps.iter().enumerate() {
        if step.side != me {
            continue;
        }
        report.send(Kind::Begin, index, 0, 0, 0, &[]);
        if let Op::Exit = step.op {
            report.send(Kind::End, index, 0, 0, 0, &[]);
            exit_now();
        }
        let done = execute(&step.op, index, &results, &report, scratch);
        if let Op::Fork = step.op {
            if done.ret == 0 && done.errno == 0 {
                // The forked child: never report the fork's end (the parent does), and make
                // sure it dies with its parent so that no process outlives a run.
                // SAFETY: prctl with integer arguments only sets a flag of this process.
                unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
                // The parent may already be gone (killed by a signal right after the fork,
                // before the flag was set): then no signal will come, so leave now.
                // SAFETY: getppid has no preconditions.
                if unsafe { libc::getppid() } != my_pid {
                    exit_now();
                }
                me = Side::Child;
                if let Some(slot) = results.get_mut(index) {
                    *slot = (0, 0);
                }
                continue;
            }
        }
        report.send(Kind::End, index, done.ret, done.aux, done.errno, &[]);
        if let Some(slot) = results.get_mut(index) {
            *slot = (done.ret, done.aux);
        }
        if done.errno != 0 && step.critical {
            exit_now();
        }
    }
    exit_now()
}

/// Leave without running any of the parent's exit handlers or flushing its buffers.
fn exit_now() -> ! {
    // SAFETY: _exit is async-signal-safe and ends the process immediately.
    unsafe { libc::_exit(0) }
}

/// Put the child in a known state: default signal actions (the parent's runtime may have
/// installed handlers for SIGSEGV/SIGBUS), nothing blocked, no core dumps (a core file would
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
        if libc::chdir(setup.dir.as_ptr()) != 0 {
            exit_now();
        }
    }
}

/// Where the report pipe moves to, out of the way of the experiment's own descriptors.
const REPORT_FD: i32 = 1000;

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

/// The child's end of the flight recorder.
struct Reporter {
    fd: i32,
}

impl Reporter {
    /// Send one report in a single `write` of at most `PIPE_BUF` bytes, so that reports from
    /// a forked grandchild never interleave with ours.
    fn send(&self, kind: Kind, step: usize, ret: i64, aux: i64, err: i32, payload: &[u8]) {
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
            // SAFETY: writes from a live local buffer of `rest.len()` bytes.
            let n = unsafe { libc::write(self.fd, rest.as_ptr().cast(), rest.len()) };
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
struct Done {
    ret: i64,
    aux: i64,
    errno: i32,
}

fn ok(ret: i64) -> Done {
    Done {
        ret,
        aux: 0,
        errno: 0,
    }
}

/// The calling thread's errno, read right after the call that set it.
fn errno() -> i32 {
    nix::errno::Errno::last_raw()
}

/// `ret` from a C call that returns -1 on error.
fn checked(ret: i64) -> Done {
    if ret == -1 {
        Done {
            ret,
            aux: 0,
            errno: errno(),
        }
    } else {
        ok(ret)
    }
}

fn failed(ret: i64, aux: i64) -> Done {
    Done {
        ret,
        aux,
        errno: errno(),
    }
}

fn val(v: Val, results: &[(i64, i64); MAX_STEPS]) -> i64 {
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

fn execute(
    op: &Op,
    index: usize,
    results: &[(i64, i64); MAX_STEPS],
    report: &Reporter,
    scratch: &mut [u8],
) -> Done {
    let v = |x: Val| val(x, results);
    match *op {
        Op::SetRlimit { limit, bytes } => {
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
        Op::ExhaustMapCount { page } => exhaust_map_count(page),
        Op::Open { ref path, flags } => {
            // SAFETY: `path` is a NUL-terminated string owned by the plan.
            checked(unsafe { libc::open(path.as_ptr(), flags, 0o600 as libc::c_uint) }.into())
        }
        Op::Pipe => {
            let mut fds = [-1i32; 2];
            // SAFETY: pipe writes two ints into a local array.
            if unsafe { libc::pipe(fds.as_mut_ptr()) } == -1 {
                return failed(-1, 0);
            }
            Done {
                ret: fds[0].into(),
                aux: fds[1].into(),
                errno: 0,
            }
        }
        Op::SealedMemfd { size } => sealed_memfd(size),
        Op::Ftruncate { fd, size } => {
            // SAFETY: plain syscall on integers.
            checked(unsafe { libc::ftruncate(v(fd) as i32, size as libc::off_t) }.into())
        }
        Op::LseekWrite { fd, size } => {
            let fd = v(fd) as i32;
            let at = size.saturating_sub(1) as libc::off_t;
            // SAFETY: plain syscalls; write reads one byte from a static.
            unsafe {
                if libc::lseek(fd, at, libc::SEEK_SET) == -1 {
                    return failed(-1, 0);
                }
                checked(libc::write(fd, c"".as_ptr().cast(), 1) as i64)
            }
        }
        Op::Mmap {
            addr,
            length,
            prot,
            flags,
            fd,
            offset,
        } => {
            // SAFETY: mmap with any arguments either fails or creates a new mapping; it cannot
            // touch existing memory except with MAP_FIXED, which the student asked for, in
            // this throw-away process.
            let p = unsafe {
                libc::mmap(
                    v(addr) as usize as *mut c_void,
                    length as usize,
                    prot,
                    flags,
                    v(fd) as i32,
                    offset as libc::off_t,
                )
            };
            if p == libc::MAP_FAILED {
                failed(-1, 0)
            } else {
                ok(p as i64)
            }
        }
        Op::Munmap { addr, length } => {
            // SAFETY: unmapping may remove memory this process uses; that is the experiment,
            // and its worst case is a signal that kills this child only.
            checked(
                unsafe { libc::munmap(v(addr) as usize as *mut c_void, length as usize) }.into(),
            )
        }
        Op::Mprotect { addr, length, prot } => {
            // SAFETY: as for munmap: only this throw-away process is affected.
            checked(
                unsafe { libc::mprotect(v(addr) as usize as *mut c_void, length as usize, prot) }
                    .into(),
            )
        }
        Op::Close { fd } => {
            // SAFETY: closing a descriptor number.
            checked(unsafe { libc::close(v(fd) as i32) }.into())
        }
        Op::Touch { addr, write, value } => {
            let p = v(addr) as usize as *mut u8;
            // SAFETY: the address may be invalid on purpose: touching it is the experiment.
            // A bad address raises SIGSEGV/SIGBUS, which kills this child and is reported.
            unsafe {
                if write {
                    std::ptr::write_volatile(p, value);
                    ok(value.into())
                } else {
                    ok(std::ptr::read_volatile(p).into())
                }
            }
        }
        Op::ReadFileByte { ref path, offset } => read_file_byte(path, offset),
        Op::Maps => copy_maps(index, report),
        Op::Fork => {
            // SAFETY: fork in this single-threaded child process.
            checked(unsafe { libc::fork() }.into())
        }
        Op::WriteText { addr, text } => {
            // SAFETY: copies a static string to the mapping; a bad mapping raises a signal.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    text.as_ptr(),
                    v(addr) as usize as *mut u8,
                    text.len(),
                )
            };
            ok(text.len() as i64)
        }
        Op::PipeRead { fd } => {
            let mut c = 0u8;
            loop {
                // SAFETY: reads one byte into a local.
                let n = unsafe { libc::read(v(fd) as i32, (&mut c as *mut u8).cast(), 1) };
                if n == -1 && errno() == libc::EINTR {
                    continue;
                }
                return checked(n as i64);
            }
        }
        Op::PipeWrite { fd } => {
            // SAFETY: writes one byte from a static.
            checked(unsafe { libc::write(v(fd) as i32, c"x".as_ptr().cast(), 1) } as i64)
        }
        Op::ReadText { addr, len } => {
            let len = (len as usize).min(MAX_PAYLOAD);
            // SAFETY: reads `len` bytes of the mapping; a bad mapping raises a signal.
            let bytes = unsafe { std::slice::from_raw_parts(v(addr) as usize as *const u8, len) };
            let mut copy = [0u8; MAX_PAYLOAD];
            for (d, s) in copy.iter_mut().zip(bytes) {
                // SAFETY: volatile so the read really happens here, inside this step.
                *d = unsafe { std::ptr::read_volatile(s) };
            }
            report.send(
                Kind::Payload,
                index,
                0,
                0,
                0,
                copy.get(..len).unwrap_or(&[]),
            );
            ok(len as i64)
        }
        Op::Exit => exit_now(),
        Op::Waitpid { pid } => {
            let mut status = 0;
            loop {
                // SAFETY: waits for our own child, status into a local.
                let r = unsafe { libc::waitpid(v(pid) as i32, &mut status, 0) };
                if r == -1 && errno() == libc::EINTR {
                    continue;
                }
                if r == -1 {
                    return failed(-1, 0);
                }
                return Done {
                    ret: r.into(),
                    aux: status.into(),
                    errno: 0,
                };
            }
        }
        Op::CopyMmap {
            src,
            dst,
            size,
            window,
        } => timed(index, report, || {
            copy_mmap(v(src) as i32, v(dst) as i32, size, window)
        }),
        Op::CopyReadWrite {
            src,
            dst,
            size,
            buf_len,
        } => {
            let len = (buf_len as usize).min(scratch.len());
            let buf = scratch.get_mut(..len).unwrap_or(&mut []);
            timed(index, report, || {
                copy_read_write(v(src) as i32, v(dst) as i32, size, buf)
            })
        }
        Op::CopyFileRange { src, dst, size } => timed(index, report, || {
            copy_file_range(v(src) as i32, v(dst) as i32, size)
        }),
        Op::Compare { a, b, size, window } => compare(v(a) as i32, v(b) as i32, size, window),
        Op::Sleep { millis } => {
            let ts = libc::timespec {
                tv_sec: (millis / 1000) as libc::time_t,
                tv_nsec: ((millis % 1000) * 1_000_000) as libc::c_long,
            };
            // SAFETY: sleeps; reads a local timespec.
            checked(unsafe { libc::nanosleep(&ts, std::ptr::null_mut()) }.into())
        }
    }
}

/// Run `f`, then report how long it took.
fn timed(index: usize, report: &Reporter, f: impl FnOnce() -> Done) -> Done {
    let start = now_ns();
    let done = f();
    let elapsed = now_ns().wrapping_sub(start);
    report.send(Kind::Nanos, index, elapsed, 0, 0, &[]);
    done
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
        return Done {
            ret: 0,
            aux: limit as i64,
            errno: libc::E2BIG,
        };
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
            return Done {
                ret: splits,
                aux: limit as i64,
                errno: errno(),
            };
        }
        splits = splits.wrapping_add(1);
        i = i.wrapping_add(2);
    }
    Done {
        ret: splits,
        aux: limit as i64,
        errno: 0,
    }
}

fn sealed_memfd(size: u64) -> Done {
    // SAFETY: memfd_create/ftruncate/fcntl on a new descriptor of our own.
    unsafe {
        let fd = libc::memfd_create(c"mmap-lab".as_ptr(), libc::MFD_ALLOW_SEALING);
        if fd < 0 {
            return failed(-1, 1);
        }
        if libc::ftruncate(fd, size as libc::off_t) != 0 {
            return failed(-1, 2);
        }
        if libc::fcntl(fd, libc::F_ADD_SEALS, libc::F_SEAL_WRITE) != 0 {
            return failed(-1, 3);
        }
        ok(fd.into())
    }
}

fn read_file_byte(path: &CStr, offset: u64) -> Done {
    let mut c = 0u8;
    // SAFETY: open/pread/close with a local one-byte buffer.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return failed(-1, 1);
        }
        let n = libc::pread(fd, (&mut c as *mut u8).cast(), 1, offset as libc::off_t);
        let e = errno();
        libc::close(fd);
        match n {
            1 => ok(c.into()),
            0 => Done {
                ret: -1,
                aux: 0,
                errno: 0,
            },
            _ => Done {
                ret: -1,
                aux: 2,
                errno: e,
            },
        }
    }
}

/// Send `/proc/self/maps` in chunks; the parent keeps the lines near the mapping.
fn copy_maps(index: usize, report: &Reporter) -> Done {
    let mut buf = [0u8; MAX_PAYLOAD];
    let mut total: i64 = 0;
    // SAFETY: open/read/close with a local buffer.
    unsafe {
        let fd = libc::open(
            c"/proc/self/maps".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return failed(-1, 0);
        }
        loop {
            let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
            if n <= 0 {
                break;
            }
            report.send(
                Kind::Payload,
                index,
                0,
                0,
                0,
                buf.get(..n as usize).unwrap_or(&[]),
            );
            total = total.wrapping_add(n as i64);
        }
        libc::close(fd);
    }
    ok(total)
}

/// Map `n` bytes of `fd` at `off`. `MAP_POPULATE` faults the pages in with one call instead
/// of one trap per page, which is what makes the mmap copy competitive.
fn map_window(fd: i32, off: u64, n: usize, prot: i32) -> *mut c_void {
    // SAFETY: a new shared mapping of our own file; the caller unmaps it.
    unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            n,
            prot,
            libc::MAP_SHARED | libc::MAP_POPULATE,
            fd,
            off as libc::off_t,
        )
    }
}

fn copy_mmap(src: i32, dst: i32, size: u64, window: u64) -> Done {
    let mut off = 0u64;
    while off < size {
        let n = window.min(size.wrapping_sub(off)) as usize;
        let s = map_window(src, off, n, libc::PROT_READ);
        if s == libc::MAP_FAILED {
            return failed(-1, 1);
        }
        // SAFETY: a new shared mapping of our own file; unmapped below.
        let d = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                n,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                dst,
                off as libc::off_t,
            )
        };
        if d == libc::MAP_FAILED {
            return failed(-1, 2);
        }
        // Fault the destination in *writable* in one call: MAP_POPULATE would map the pages
        // read-only, and the copy would then take one write-protect fault per page. Older
        // kernels (before 5.14) refuse the advice; the copy then faults page by page.
        // SAFETY: advice on our own fresh mapping.
        unsafe { libc::madvise(d, n, libc::MADV_POPULATE_WRITE) };
        // SAFETY: both windows are `n` bytes long, freshly mapped, and distinct.
        unsafe {
            libc::madvise(s, n, libc::MADV_SEQUENTIAL);
            std::ptr::copy_nonoverlapping(s as *const u8, d as *mut u8, n);
            libc::munmap(s, n);
            libc::munmap(d, n);
        }
        off = off.wrapping_add(n as u64);
    }
    ok(off as i64)
}

fn copy_read_write(src: i32, dst: i32, size: u64, buf: &mut [u8]) -> Done {
    let mut done = 0u64;
    while done < size && !buf.is_empty() {
        // SAFETY: reads into the caller's scratch buffer of `buf.len()` bytes.
        let n = unsafe { libc::read(src, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            return failed(-1, 1);
        }
        if n == 0 {
            break;
        }
        let mut written = 0usize;
        while written < n as usize {
            let rest = buf.get(written..n as usize).unwrap_or(&[]);
            // SAFETY: writes from the scratch buffer.
            let w = unsafe { libc::write(dst, rest.as_ptr().cast(), rest.len()) };
            if w <= 0 {
                return failed(-1, 2);
            }
            written = written.wrapping_add(w as usize);
        }
        done = done.wrapping_add(n as u64);
    }
    ok(done as i64)
}

fn copy_file_range(src: i32, dst: i32, size: u64) -> Done {
    let mut done = 0u64;
    while done < size {
        // SAFETY: kernel-side copy between two of our descriptors, using their offsets.
        let n = unsafe {
            libc::copy_file_range(
                src,
                std::ptr::null_mut(),
                dst,
                std::ptr::null_mut(),
                size.wrapping_sub(done) as usize,
                0,
            )
        };
        if n < 0 {
            return failed(-1, 0);
        }
        if n == 0 {
            break;
        }
        done = done.wrapping_add(n as u64);
    }
    ok(done as i64)
}

fn compare(a: i32, b: i32, size: u64, window: u64) -> Done {
    let mut off = 0u64;
    while off < size {
        let n = window.min(size.wrapping_sub(off)) as usize;
        let pa = map_window(a, off, n, libc::PROT_READ);
        if pa == libc::MAP_FAILED {
            return failed(-1, 1);
        }
        let pb = map_window(b, off, n, libc::PROT_READ);
        if pb == libc::MAP_FAILED {
            return failed(-1, 2);
        }
        // SAFETY: both windows are `n` readable bytes; they are unmapped right after.
        let first_diff = unsafe {
            let x = std::slice::from_raw_parts(pa as *const u8, n);
            let y = std::slice::from_raw_parts(pb as *const u8, n);
            let diff = if x == y {
                None
            } else {
                x.iter().zip(y).position(|(p, q)| p != q)
            };
            libc::munmap(pa, n);
            libc::munmap(pb, n);
            diff
        };
        if let Some(i) = first_diff {
            return ok(off.wrapping_add(i as u64).wrapping_add(1) as i64);
        }
        off = off.wrapping_add(n as u64);
    }
    ok(0)
}
