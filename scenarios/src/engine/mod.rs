//! The experiment engine: run a [`Plan`] in its own child process and return a [`Run`]: every
//! step with its real return value, the outcome, and the child's `/proc/self/maps` lines.
//!
//! The parent (this module) does everything that allocates or may fail for reasons of its
//! own: it creates a fresh temporary directory and the plan's files, the report pipe and the
//! scratch buffers, then forks. The child (`child.rs`) only executes. The parent reads the
//! reports, waits for the child with a deadline (killing it when it passes), and always
//! reaps it; the temporary directory is removed when the run ends, whatever the outcome.

pub mod calls;
mod child;
pub mod environment;
mod exec;
pub mod faults;
pub mod function;
mod image;
mod marks;
mod numbering;
pub mod ops;
pub mod pace;
pub mod pages;
pub mod plan;
mod reap;
pub mod record;
pub mod regions;
pub mod signals;
pub mod tempdir;
pub mod values;
pub mod wire;
pub mod witness;

pub(crate) use image::image_name;
use image::{code_ranges, image_now, rseq_area};
use reap::{become_subreaper, collect, reap, reap_orphans, Reaped};

pub use environment::page_size;
pub use faults::EngineError;
pub use function::Function;
pub use pace::{Beside, Command, Pace, Pacer, RunOptions, Stop};
pub use plan::{
    CopyOp, DescriptorOp, FileSpec, IpcOp, Limit, LimitOp, MapOp, Op, Plan, Purpose, Side, Step,
    TestSleep, TouchOp, Val, Via,
};
pub use record::{
    median, spread, warm, CostRuns, FileCheck, Held, MapsSnapshot, Outcome, PerMethod, Run,
    RunCost, SignalNo, StepRecord, Tally, TallyRun, Throughput, ThroughputRuns, Warning,
    WarningKind, WitnessOff,
};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::libc;
use nix::unistd::{fork, pipe2, ForkResult};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn sys(what: &'static str) -> impl FnOnce(Errno) -> EngineError {
    move |errno| EngineError::Sys { what, errno }
}

/// Whether this process holds `CAP_IPC_LOCK`, which lets `MAP_LOCKED` past
/// `RLIMIT_MEMLOCK` (root usually holds it; a container's root may not, and a normal user
/// does not). Read from the process's capabilities, not assumed from its user id.
pub fn privileged() -> bool {
    environment::current().has(environment::Capability::IpcLock)
}

/// Check that every argument refers to an earlier step, so the child never reads a result
/// that does not exist.
fn validate(plan: &Plan) -> Result<(), EngineError> {
    if plan.steps.len() > plan::MAX_STEPS {
        return Err(EngineError::Plan(format!(
            "{} steps, at most {}",
            plan.steps.len(),
            plan::MAX_STEPS
        )));
    }
    for (i, step) in plan.steps.iter().enumerate() {
        for v in step.op.vals() {
            if let Val::Ret(j) | Val::RetPlus(j, _) | Val::Aux(j) = v {
                if j >= i {
                    return Err(EngineError::Plan(format!(
                        "step {i} uses the result of step {j}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Create `path` with `size` bytes of the lab's pattern, a chunk at a time, checking `cancel`
/// between chunks: a 1 GiB source takes seconds on a slow disk, and quitting must not wait
/// for it (nor leave it: the caller's temporary directory goes when this returns).
fn write_pattern(
    dir: &tempdir::LabDir,
    name: &str,
    size: u64,
    cancel: Option<&AtomicBool>,
) -> Result<(), EngineError> {
    const CHUNK: u64 = 1 << 20;
    // Through the directory's descriptor, not its path: should someone rename the path and
    // plant a symbolic link there, the file still lands in our directory; O_NOFOLLOW refuses
    // a link in its place.
    let flags =
        OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = nix::fcntl::openat(
        dir.fd(),
        name,
        flags,
        nix::sys::stat::Mode::from_bits_truncate(0o600),
    )
    .map_err(|e| EngineError::Files(io::Error::from(e)))?;
    let mut file = File::from(fd);
    // Fallible: under `ulimit -v` the buffer is an error to report, not an abort.
    let mut buf = Vec::new();
    buf.try_reserve_exact(CHUNK.min(size) as usize)
        .map_err(|_| EngineError::Memory(CHUNK.min(size)))?;
    let mut off = 0;
    while off < size {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(EngineError::Cancelled);
        }
        let n = CHUNK.min(size - off);
        buf.clear();
        buf.extend((off..off + n).map(plan::pattern_byte));
        file.write_all(&buf)?;
        off += n;
    }
    Ok(())
}

/// How much the report pipe holds, if the system allows it (`/proc/sys/fs/pipe-max-size`
/// is 1 MiB by default): a run with a maps capture of a thousand lines writes about 100 KiB.
const REPORT_PIPE_BYTES: i32 = 1 << 20;

/// Run one experiment in a child process and record what the kernel said.
pub fn run(plan: &Plan) -> Result<Run, EngineError> {
    run_until(plan, None)
}

/// [`run`], stopping early when `cancel` becomes true: the child is killed and reaped and
/// the temporary directory removed, as at the deadline (the outcome is then `timeout`). The
/// TUI cancels its run in flight when the student quits, so nothing outlives the lab.
pub fn run_until(plan: &Plan, cancel: Option<&AtomicBool>) -> Result<Run, EngineError> {
    run_beside(plan, cancel, None)
}

/// [`run_until`], doing `beside` meanwhile (see [`Beside`]).
pub fn run_beside(
    plan: &Plan,
    cancel: Option<&AtomicBool>,
    beside: Option<Beside<'_>>,
) -> Result<Run, EngineError> {
    run_with(
        plan,
        RunOptions {
            cancel,
            beside,
            ..RunOptions::default()
        },
    )
}

/// Run one experiment as `options` say: free or paced (see [`pace`]), cancellable, with
/// work beside it. A paced run whose pacer says [`Command::Kill`] returns
/// [`EngineError::Cancelled`], its processes killed and reaped and its directory removed.
///
/// Long on purpose: a run's resources (directory, files, pipes, child, pidfd, tracer) are
/// taken and given back here in one order, and that every path releases each of them is
/// checked by reading this one function.
pub fn run_with(plan: &Plan, options: RunOptions<'_>) -> Result<Run, EngineError> {
    let RunOptions {
        cancel,
        beside,
        pace,
        pages: detail,
    } = options;
    validate(plan)?;
    let page = page_size();
    // Locked for its lifetime, so that a later start can tell a crashed run's directory
    // from a live one (see `tempdir`).
    let dir = tempdir::LabDir::create()?;
    if let Some((block, free)) = space(&dir) {
        let need = tmpdir_bytes(plan, block);
        if need > free {
            return Err(EngineError::NoRoom { need, free });
        }
    }
    for f in &plan.files {
        write_pattern(&dir, f.name, f.size, cancel)?;
    }
    let scratch_len = plan
        .steps
        .iter()
        .map(|s| s.op.family().scratch_len())
        .max()
        .unwrap_or(0);
    // The buffer starts on a page boundary, as the C program's does: where a buffer sits in
    // its page changes what `read` and `write` cost (the kernel copies between it and the
    // page cache's pages, and a buffer 16 bytes into its page made the copy 40% slower,
    // measured), so both must sit alike for their speeds to be compared.
    let padded = if scratch_len == 0 {
        0
    } else {
        scratch_len.saturating_add(page as usize)
    };
    let mut scratch_buf = Vec::new();
    scratch_buf
        .try_reserve_exact(padded)
        .map_err(|_| EngineError::Memory(scratch_len as u64))?;
    scratch_buf.resize(padded, 0);
    let skip = scratch_buf.as_ptr().align_offset(page as usize).min(padded);
    let scratch = scratch_buf
        .get_mut(skip..skip.saturating_add(scratch_len))
        .unwrap_or(&mut []);
    let (read_end, write_end) = pipe2(OFlag::O_CLOEXEC).map_err(sys("pipe2"))?;
    // Room for a whole run's reports, so that the lab need not wake for each one (see
    // `witness::trace`); where the system allows less, the pipe keeps its size and the lab
    // drains it more often than it fills.
    let _ = fcntl(read_end.as_fd(), FcntlArg::F_SETPIPE_SZ(REPORT_PIPE_BYTES));
    // What turned the witness off for everything (the environment, the user) is said before
    // what turns it off for this plan alone.
    let wanted = witness::wanted().and(match plan.untraced {
        true => Err(WitnessOff::Race),
        false => Ok(()),
    });
    let filter = wanted.is_ok().then(|| witness::filter(plan));
    // Read here, in the lab: the child may not allocate or read files before its steps
    // (and a value cached in the child would be lost with it).
    let code = code_ranges();
    let image = image_now();
    let rseq = rseq_area();
    become_subreaper();
    let started = Instant::now();

    // SAFETY: the child runs `run_child`, which only makes async-signal-safe calls and
    // leaves with `_exit` (see child.rs for why this is sound in a multi-threaded parent).
    let pid = match unsafe { fork() }.map_err(sys("fork"))? {
        ForkResult::Child => child::run_child(
            plan,
            child::ChildSetup {
                report_fd: write_end.as_raw_fd(),
                other_fd: read_end.as_raw_fd(),
                dir_fd: dir.fd().as_raw_fd(),
                scratch,
                code,
                page: page as usize,
                rseq,
                filter: filter.as_deref(),
                image: &image,
            },
        ),
        ForkResult::Parent { child } => child,
    };
    drop(write_end);
    let mut pages_read = Vec::new();
    // The record so far of a paced run, at each of its stops.
    let snapshot = |s: witness::Snapshot<'_>| {
        let (run, begun) = assemble(
            plan,
            page,
            &Ok(()),
            Gathered {
                bytes: s.bytes,
                exit: s.exit,
                seen: Some((s.calls, true, s.boundaries)),
                pages: s.pages.to_vec(),
                elapsed_us: s.running.as_micros() as u64,
            },
        );
        let at = s.done.and_then(|d| pages::record_index(&begun, d));
        (run, at)
    };
    let mut held = Duration::ZERO;
    let (bytes, exit, child_max_rss_kib, seen) = match &wanted {
        Ok(()) => {
            let pager = pages::Reader::new(plan, page, dir.fd().as_raw_fd(), detail);
            let pacing = match pace {
                Pace::Free => None,
                Pace::Paced(pacer) => Some(witness::Pacing {
                    pacer,
                    snapshot: &snapshot,
                }),
            };
            let watch = witness::Watch {
                deadline: plan.deadline,
                cancel,
                beside,
                pager,
                pacing,
            };
            let t = witness::trace(pid.as_raw(), read_end, plan, watch);
            if t.killed {
                // Killed at a stop: its directory goes, its processes are reaped (what the
                // tracer did not reap yet), and nothing is recorded.
                drop(dir);
                if t.rss.is_none() {
                    reap(pid, false);
                }
                return Err(EngineError::Cancelled);
            }
            pages_read = t.pages;
            held = t.held;
            (
                t.bytes,
                t.exit,
                t.rss,
                Some((t.calls, t.traced, t.boundaries)),
            )
        }
        Err(_) => {
            // No second thread here: done now, while the child runs on its own.
            if let Some(job) = beside {
                job();
            }
            let (bytes, exit, rss) = collect(pid, read_end, plan.deadline, cancel);
            (bytes, exit, Some(rss), None)
        }
    };
    // Wall time for a free run; a paced run's time held at its pacer is no part of it.
    let elapsed_us = started.elapsed().saturating_sub(held).as_micros() as u64;
    let (mut run, _) = assemble(
        plan,
        page,
        &wanted,
        Gathered {
            bytes: &bytes,
            exit,
            seen: seen
                .as_ref()
                .map(|(calls, traced, passed)| (&calls[..], *traced, &passed[..])),
            pages: pages_read,
            elapsed_us,
        },
    );
    let (size, free) = file_and_space(plan, &dir);
    run.file_size_after = size;
    run.fs_free_bytes = free;
    // Removed before the child is reaped: what the child still holds (its working directory,
    // its mapping of the file) is then freed by its own exit, on its own processor.
    drop(dir);
    run.child_max_rss_kib = child_max_rss_kib.unwrap_or_else(|| match reap(pid, false) {
        Reaped::Exited(rss) | Reaped::Signaled(_, rss) => rss,
        Reaped::Alive => 0,
    });
    reap_orphans(&run);
    Ok(run)
}

/// What a run gathered, at its end or at a stop of a paced run.
struct Gathered<'g> {
    /// The flight recorder's bytes.
    bytes: &'g [u8],
    exit: record::Exit,
    /// What the witness saw: its calls, whether the child was traced, the boundaries passed
    /// (`None` where it was not wanted).
    seen: Option<(&'g [witness::Seen], bool, &'g [usize])>,
    pages: Vec<pages::PageRead>,
    elapsed_us: u64,
}

/// The record of what was gathered (the whole run, or the run so far), and which plan steps
/// were begun. One place, so that a stop of a paced run shows what the free run's record
/// would say of the same steps.
fn assemble(
    plan: &Plan,
    page: u64,
    wanted: &Result<(), WitnessOff>,
    g: Gathered<'_>,
) -> (Run, Vec<bool>) {
    let reports = wire::decode_all(g.bytes);
    let mut begun = vec![false; plan.steps.len()];
    for r in reports.iter().filter(|r| r.kind == wire::Kind::Begin) {
        if let Some(b) = begun.get_mut(r.header.step as usize) {
            *b = true;
        }
    }
    // The witness is on when the child was traced and no stage of it was refused.
    let refused = reports
        .iter()
        .find(|r| r.kind == wire::Kind::Witness)
        .map(|r| witness::refusal(r.header.errno, r.header.ret));
    let mut boundaries = Vec::new();
    let (calls, off) = match (wanted, g.seen, refused) {
        (Err(why), _, _) => (None, Some(why.clone())),
        (_, _, Some(why)) => (None, Some(why)),
        (_, Some((_, false, _)), None) => (None, Some(WitnessOff::NoStop)),
        (_, Some((calls, true, passed)), None) => {
            boundaries = passed.to_vec();
            (Some(calls), None)
        }
        (_, None, None) => (None, None),
    };
    // The record's `witness` string is the contract's, in English; `witness_off` says why
    // in a form each reader puts in their own language.
    let witness = match (&off, calls.is_some()) {
        (_, true) => "on".to_string(),
        (Some(why), false) => format!("off: {}", why.sentence(crate::Lang::En)),
        (None, false) => "off".to_string(),
    };
    let mut run = record::build(
        plan,
        reports,
        g.exit,
        page,
        environment::current(),
        g.elapsed_us,
        calls,
    );
    run.witness = witness;
    run.witness_off = off;
    run.boundaries = boundaries;
    if calls.is_some() {
        pages::attach(&mut run, plan, &begun, g.pages);
    }
    (run, begun)
}

/// The block size and the free bytes of the filesystem of the run's directory (`None` when
/// `fstatvfs` fails: then the writes themselves say whether there is room).
fn space(dir: &tempdir::LabDir) -> Option<(u64, u64)> {
    // SAFETY: statvfs is plain old data; an all-zero value is valid.
    let mut vfs: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatvfs on our own directory's descriptor, writing into a local.
    let r = unsafe { libc::fstatvfs(dir.fd().as_raw_fd(), &mut vfs) };
    (r == 0).then(|| {
        let block = vfs.f_frsize as u64;
        (block, (vfs.f_bavail as u64).saturating_mul(block))
    })
}

/// The mapped file's size and the free space of its filesystem, once the child is done:
/// the evidence that tells a `SIGBUS` past the end of the file from one the filesystem
/// raised because it could not provide a page (full).
fn file_and_space(plan: &Plan, dir: &tempdir::LabDir) -> (Option<u64>, Option<u64>) {
    let raw = dir.fd().as_raw_fd();
    let free = space(dir).map(|(_, free)| free);
    let path = plan.mapping_step.and_then(|i| match plan.steps.get(i)?.op {
        Op::Map(MapOp::Mmap {
            fd: Val::Ret(j), ..
        }) => match &plan.steps.get(j)?.op {
            Op::Descriptor(DescriptorOp::Open { path, .. }) => Some(path.clone()),
            _ => None,
        },
        _ => None,
    });
    let size = path.and_then(|p| {
        // SAFETY: stat is plain old data; an all-zero value is valid.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstatat relative to our own directory, a NUL-terminated path, a local.
        let r = unsafe { libc::fstatat(raw, p.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
        (r == 0).then_some(st.st_size as u64)
    });
    (size, free)
}

/// The bytes a run of `plan` writes into TMPDIR at its peak: every file the engine fills
/// before the child starts, and each file a copy writes (the copy's size), all there until
/// the run ends. Files that are only grown (`ftruncate`, a write at the end) are sparse and
/// not counted; each file is counted in whole blocks of `block` bytes.
pub fn tmpdir_bytes(plan: &Plan, block: u64) -> u64 {
    let whole = |n: u64| plan::round_up(n, block);
    let made = plan.files.iter().map(|f| whole(f.size));
    let copied = plan.steps.iter().filter_map(|s| match &s.op {
        Op::Copy(CopyOp::Mmap { size, .. })
        | Op::Copy(CopyOp::ReadWrite { size, .. })
        | Op::Copy(CopyOp::FileRange { size, .. }) => Some(whole(*size)),
        _ => None,
    });
    made.chain(copied).fold(0, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another user swapping the directory for a symbolic link, made deterministic: the
    /// directory's path is renamed away and a symbolic link to another directory planted in its
    /// place before the files are made.
    /// Made through the directory's descriptor, they still land in our directory.
    #[test]
    fn files_are_made_through_the_directory_not_its_path() {
        let dir = tempdir::LabDir::create().expect("dir");
        let outside = tempfile::tempdir().expect("outside");
        let path = dir.path().to_path_buf();
        let moved = path.with_extension("moved");
        std::fs::rename(&path, &moved).expect("rename");
        std::os::unix::fs::symlink(outside.path(), &path).expect("plant");
        write_pattern(&dir, "data", 4096, None).expect("written");
        assert!(!outside.path().join("data").exists(), "written outside");
        assert_eq!(
            std::fs::metadata(moved.join("data")).expect("inside").len(),
            4096
        );
        // Clean up: the link first, then our directory back where the drop removes it.
        std::fs::remove_file(&path).expect("unlink");
        std::fs::rename(&moved, &path).expect("rename back");
    }
}
