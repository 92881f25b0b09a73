//! The kernel's word on the experiment's pages, read from outside the child at each boundary
//! stop (see `witness/`): for each page the page map draws, its `/proc/PID/pagemap` entry
//! (present, swapped, file or shared, exclusively mapped, soft-dirty, frame number), whether
//! the file's page is in the page cache (`mincore` on the lab's own mapping of the file), and
//! the mapping's `/proc/PID/smaps` figures.
//!
//! Reading changes nothing in the child: `pagemap` walks its page tables and faults nothing in
//! (the child's own fault counts are the same with and without it: `tests/witness.rs`), the
//! lab's mapping of the file is never touched, only asked about, and the child's memory itself
//! is never read. The files are opened while the child waits at a boundary, the only time it
//! is dumpable, and kept: the kernel checks access when a file is opened, so the descriptors
//! still read the child's last state at its exit stop.
//!
//! This module decodes and reads; the tracer decides when (see `witness::Tracer`), and
//! [`attach`] turns what was read into the record's `steps[].pages`, `steps[].smaps` and
//! `environment.pfn_visible`.

use super::plan::{DescriptorOp, MapOp, Op, Plan, Side, Val};
use super::record::Run;
mod state;
use nix::libc;
pub use state::{decode, parse_smaps, PageDetail, PageState, Smaps};
/// The entry's bits, for the C program too, which asks the same file for the same pages.
pub(crate) use state::{EXCLUSIVE, FILE, PFN_MASK, PRESENT, SOFT_DIRTY, SWAPPED};
use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::fs::FileExt;

/// At most this many pages are read per process and stop: the page map's widest drawing.
pub const MAX_PAGES_READ: usize = 64;

/// `PAGEMAP_SCAN`'s argument, `struct pm_scan_arg` of `linux/fs.h` (Linux 6.7).
#[repr(C)]
#[derive(Default)]
struct PmScanArg {
    size: u64,
    flags: u64,
    start: u64,
    end: u64,
    walk_end: u64,
    vec: u64,
    vec_len: u64,
    max_pages: u64,
    category_inverted: u64,
    category_mask: u64,
    category_anyof_mask: u64,
    return_mask: u64,
}

/// One region of pages the scan reports, `struct page_region`.
#[repr(C)]
#[derive(Default, Clone, Copy)]
struct PageRegion {
    start: u64,
    end: u64,
    categories: u64,
}

/// `_IOWR('f', 16, struct pm_scan_arg)`.
pub(crate) const PAGEMAP_SCAN: u64 =
    (3 << 30) | ((std::mem::size_of::<PmScanArg>() as u64) << 16) | ((b'f' as u64) << 8) | 16;
/// The page is the shared zero page (or the huge zero page).
pub(crate) const PAGE_IS_PFNZERO: u64 = 1 << 5;

/// Which of the `n` pages from address `start` map the shared zero page, by the `PAGEMAP_SCAN`
/// ioctl on a `pagemap` descriptor (it walks the page tables, as reading does: nothing is
/// faulted in). `None` where the kernel refuses the ioctl (before 6.7 `pagemap` has none:
/// `ENOTTY`) or stops short: then nobody knows, and nothing is guessed.
fn zero_pages(pagemap: &File, start: u64, n: usize, page: u64) -> Option<Vec<bool>> {
    let end = start.checked_add((n as u64).checked_mul(page)?)?;
    // At most one region per page.
    let mut regions = vec![PageRegion::default(); n.max(1)];
    let mut arg = PmScanArg {
        size: std::mem::size_of::<PmScanArg>() as u64,
        start,
        end,
        vec: regions.as_mut_ptr() as u64,
        vec_len: regions.len() as u64,
        category_mask: PAGE_IS_PFNZERO,
        return_mask: PAGE_IS_PFNZERO,
        ..PmScanArg::default()
    };
    // SAFETY: PAGEMAP_SCAN reads `arg` and writes at most `vec_len` regions into `regions`
    // and `walk_end` into `arg`, both alive and sized for it; the descriptor is open.
    let found = unsafe {
        libc::ioctl(
            pagemap.as_raw_fd(),
            PAGEMAP_SCAN as _,
            &mut arg as *mut PmScanArg,
        )
    };
    if found < 0 || arg.walk_end < end {
        return None;
    }
    let regions = regions.get(..usize::try_from(found).ok()?)?;
    Some(
        (0..n as u64)
            .map(|k| {
                let addr = start + k * page;
                regions
                    .iter()
                    .any(|r| r.categories & PAGE_IS_PFNZERO != 0 && r.start <= addr && addr < r.end)
            })
            .collect(),
    )
}

/// What was read at one stop, for one process, raw: turned into the record by [`attach`].
#[derive(Debug, Clone)]
pub(crate) struct PageRead {
    /// The step just done.
    step: usize,
    side: Side,
    /// The mapping's start then.
    base: u64,
    /// `(page, entry)` for each page read.
    entries: Vec<(i64, u64)>,
    /// Whether each page is the zero page, in the same order (`None`: not known).
    zero: Vec<Option<bool>>,
    /// The page cache's residency of each page, in the same order, for a file mapping.
    cached: Option<Vec<Option<bool>>>,
    smaps: Option<Smaps>,
}

/// One process's kept files.
struct Proc {
    tid: i32,
    /// Which of the plan's processes it is.
    side: Side,
    pagemap: Option<File>,
    smaps: Option<File>,
}

/// The lab's own read-only mapping of the experiment's file, for `mincore`.
struct CacheView {
    addr: *mut libc::c_void,
    len: usize,
}

impl Drop for CacheView {
    fn drop(&mut self) {
        // SAFETY: unmaps the mapping this value made, once.
        unsafe { libc::munmap(self.addr, self.len) };
    }
}

/// The tracer's page reader for one run: what to read, decided before the fork, and what it
/// read.
pub(crate) struct Reader<'a> {
    plan: &'a Plan,
    detail: PageDetail,
    page: u64,
    /// The pages to read, counted from the mapping's start: the page map's columns.
    pages: Vec<i64>,
    /// The mapping's start now, once its step returned (moved by a successful `mremap`).
    base: Option<u64>,
    /// The experiment's directory, where the mapped file is.
    dir: RawFd,
    /// The mapped file's name there, and the mapping's offset in it (a plan file only).
    file: Option<(CString, i64)>,
    cache: Option<Option<CacheView>>,
    procs: Vec<Proc>,
    /// Whether each stop reads the other process too (see [`Reader::read`]): decided once,
    /// from the plan.
    both: bool,
    pub(crate) reads: Vec<PageRead>,
}

impl<'a> Reader<'a> {
    /// The reader for `plan`, or `None` when there is nothing to read (`MMAP_LAB_PAGES=off`,
    /// no mapping, a copy's windows).
    pub(crate) fn new(plan: &'a Plan, page: u64, dir: RawFd, detail: PageDetail) -> Option<Self> {
        if detail == PageDetail::Off {
            return None;
        }
        let map = crate::pagemap::PageMap::from_plan(plan, page)?;
        if map.copy_window.is_some() {
            return None;
        }
        let pages: Vec<i64> = map
            .columns(MAX_PAGES_READ)
            .into_iter()
            .filter_map(|c| match c {
                crate::pagemap::Column::Page(n) => Some(n),
                crate::pagemap::Column::Gap => None,
            })
            .collect();
        let file = plan.mapping_step.and_then(|i| match plan.steps.get(i)?.op {
            Op::Map(MapOp::Mmap {
                fd: Val::Ret(j),
                offset,
                ..
            }) => match &plan.steps.get(j)?.op {
                Op::Descriptor(DescriptorOp::Open { path, .. }) => Some((path.clone(), offset)),
                _ => None,
            },
            _ => None,
        });
        // The map-count filler's tens of thousands of mappings make `smaps` tens of
        // megabytes: its runs read the bits alone.
        let fills = plan.steps.iter().any(|s| {
            matches!(
                s.op,
                Op::Limit(super::plan::LimitOp::ExhaustMapCount { .. })
            )
        });
        let detail = if fills { PageDetail::Bits } else { detail };
        Some(Reader {
            plan,
            detail,
            page: page.max(1),
            pages,
            base: None,
            dir,
            file,
            cache: None,
            procs: Vec::new(),
            both: !plan.free_order
                && !plan
                    .steps
                    .iter()
                    .any(|s| matches!(s.op, Op::Map(MapOp::Mremap { .. }))),
            reads: Vec::new(),
        })
    }

    /// A step's end, as the tracer decodes it from the flight recorder: the mapping's step
    /// gives its start, a successful `mremap` of it moves it.
    pub(crate) fn ended(&mut self, step: usize, ret: i64, errno: i32) {
        if errno != 0 || ret == -1 {
            return;
        }
        if Some(step) == self.plan.mapping_step {
            self.base = Some(ret as u64);
            return;
        }
        if let (Some(Op::Map(MapOp::Mremap { addr, .. })), Some(map)) = (
            self.plan.steps.get(step).map(|s| &s.op),
            self.plan.mapping_step,
        ) {
            if matches!(addr, Val::Ret(i) if *i == map) {
                self.base = Some(ret as u64);
            }
        }
    }

    /// Tracee `tid` (of `side`) waits at a boundary, dumpable: open its files if not yet
    /// done, then read as after `done`.
    pub(crate) fn at_boundary(&mut self, tid: i32, side: Side, done: Option<usize>) {
        if !self.procs.iter().any(|p| p.tid == tid) {
            let open = |name: &str| File::open(format!("/proc/{tid}/{name}")).ok();
            let smaps = (self.detail == PageDetail::BitsAndSmaps)
                .then(|| open("smaps"))
                .flatten();
            self.procs.push(Proc {
                tid,
                side,
                pagemap: open("pagemap"),
                smaps,
            });
        }
        self.read(tid, side, done);
    }

    /// Tracee `tid` stopped on its way out: the state after its last step, through the
    /// files kept from its first boundary (it is not dumpable now).
    pub(crate) fn at_exit(&mut self, tid: i32, side: Side, done: Option<usize>) {
        self.read(tid, side, done);
    }

    /// Read the pages of tracee `tid` (of `side`) as after the step it made last, then those
    /// of the experiment's other process as they are at that moment: after a `fork`, each
    /// step shows both, so that a write in one shows what it did to the other's page (its
    /// own again, `exclusive`, where the frames parted). The other process is held at its
    /// own boundary meanwhile (the processes go one at a time, in plan order), or between
    /// the fork and its first boundary, running only the lab's code, which leaves the
    /// mapping alone. Not in a race (`free_order`: the other runs its steps meanwhile), nor
    /// once a `mremap` may have moved one process's mapping and not the other's.
    fn read(&mut self, tid: i32, side: Side, done: Option<usize>) {
        let Some(step) = step_made(self.plan, side, done) else {
            return;
        };
        self.read_process(tid, side, step, true);
        if !self.both {
            return;
        }
        let others: Vec<(i32, Side)> = self
            .procs
            .iter()
            .filter(|p| p.side != side)
            .map(|p| (p.tid, p.side))
            .collect();
        for (other, other_side) in others {
            self.read_process(other, other_side, step, false);
        }
    }

    /// Read process `tid`'s pages (and its `smaps`, when `with_smaps`) as they are after
    /// plan step `step`, once per step and process; nothing when the process is gone.
    fn read_process(&mut self, tid: i32, side: Side, step: usize, with_smaps: bool) {
        let Some(base) = self.base else {
            return;
        };
        if self.reads.iter().any(|r| r.step == step && r.side == side) {
            return;
        }
        let Some(proc) = self.procs.iter().find(|p| p.tid == tid) else {
            return;
        };
        let Some(pagemap) = &proc.pagemap else {
            return;
        };
        let page = self.page;
        let addr_of = |n: i64| base.checked_add_signed(n.saturating_mul(page as i64));
        let mut entries = Vec::with_capacity(self.pages.len());
        let mut zero = Vec::with_capacity(self.pages.len());
        // One read per run of consecutive pages.
        let mut i = 0;
        while i < self.pages.len() {
            let mut j = i + 1;
            while j < self.pages.len() && self.pages[j] == self.pages[j - 1] + 1 {
                j += 1;
            }
            if let Some(first) = addr_of(self.pages[i]) {
                let mut buf = vec![0u8; 8 * (j - i)];
                let at = first / page * 8;
                if pagemap.read_exact_at(&mut buf, at).is_ok() {
                    for (k, chunk) in buf.chunks_exact(8).enumerate() {
                        let mut word = [0u8; 8];
                        word.copy_from_slice(chunk);
                        entries.push((self.pages[i + k], u64::from_ne_bytes(word)));
                    }
                    let first = first / page * page;
                    match zero_pages(pagemap, first, j - i, page) {
                        Some(z) => zero.extend(z.into_iter().map(Some)),
                        None => zero.extend(std::iter::repeat_n(None, j - i)),
                    }
                }
            }
            i = j;
        }
        // The other process, gone (exited, reaped), has no pages left to show.
        if entries.is_empty() && !with_smaps {
            return;
        }
        let smaps = proc
            .smaps
            .as_ref()
            .filter(|_| with_smaps && self.on_the_mapping(step))
            .and_then(|f| parse_smaps(&read_block(f, base)?, base));
        let cached = self.cached(&entries);
        self.reads.push(PageRead {
            step,
            side,
            base,
            entries,
            zero,
            cached,
            smaps,
        });
    }

    /// Whether `step` can have changed the mapping's `smaps` figures: a mapping call or a
    /// touch, the fork.
    fn on_the_mapping(&self, step: usize) -> bool {
        // The engine's own steps around the mapping (a guard page, a hole, a neighbour) leave
        // its figures alone.
        self.plan.steps.get(step).is_some_and(|s| {
            s.purpose.is_none()
                && matches!(
                    s.op,
                    Op::Map(_) | Op::Touch(_) | Op::Ipc(super::plan::IpcOp::Fork)
                )
        })
    }

    /// Which of the pages read are in the page cache, for a mapping of a plan's file: `mincore`
    /// on the lab's own mapping of the same file range, made once (it faults nothing in: it is
    /// never touched). `None` for anonymous memory, or where the file cannot be mapped.
    fn cached(&mut self, entries: &[(i64, u64)]) -> Option<Vec<Option<bool>>> {
        let (name, offset) = self.file.as_ref()?;
        if self.cache.is_none() {
            self.cache = Some(self.map_file(name, *offset));
        }
        let view = self.cache.as_ref()?.as_ref()?;
        let page = self.page as usize;
        let pages = view.len / page;
        let mut vec = vec![0u8; pages];
        // SAFETY: mincore on the lab's own mapping of `view.len` bytes, writing one byte per
        // page into a vector of that many.
        let r = unsafe { libc::mincore(view.addr, view.len, vec.as_mut_ptr()) };
        if r != 0 {
            return None;
        }
        // Pages below the mapping's start are not the file's: no answer there.
        Some(
            entries
                .iter()
                .map(|(n, _)| {
                    let b = usize::try_from(*n).ok().and_then(|n| vec.get(n))?;
                    Some(b & 1 != 0)
                })
                .collect(),
        )
    }

    /// Map the file's range the pages cover, read-only and shared, once.
    fn map_file(&self, name: &CString, offset: i64) -> Option<CacheView> {
        let last = self.pages.iter().copied().max()?.max(0) as usize + 1;
        let len = last.saturating_mul(self.page as usize);
        // SAFETY: openat in the experiment's directory, a NUL-terminated name.
        let fd = unsafe {
            libc::openat(
                self.dir,
                name.as_ptr(),
                libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW,
            )
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: the descriptor was just opened and is owned here.
        let file = unsafe { File::from_raw_fd(fd) };
        // SAFETY: a new read-only shared mapping of our own descriptor; never touched, only
        // asked about with mincore, and unmapped by CacheView's drop.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                offset,
            )
        };
        (addr != libc::MAP_FAILED).then_some(CacheView { addr, len })
    }
}

/// How much of `smaps` is read at most, looking for the mapping's block: about a thousand
/// mappings' worth. The map-count filler makes tens of thousands (60 MB of text); beyond
/// this, the step gets no `smaps` figures.
const SMAPS_READ_MAX: u64 = 1 << 20;

/// The block of the mapping at `start` in a kept `smaps`, read again from its start (`pread`:
/// the kernel makes its text anew) as far as that block goes. The kernel writes the blocks in
/// address order, walking each mapping's page table as it goes: what lies above the mapping
/// (the C library, the stack) is not asked for. `None` when no block starts there.
fn read_block(file: &File, start: u64) -> Option<String> {
    let head = format!("{start:x}-");
    let mut block: Option<String> = None;
    let mut pending: Vec<u8> = Vec::with_capacity(32 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    let mut at = 0u64;
    while at < SMAPS_READ_MAX {
        let n = file.read_at(&mut chunk, at).ok()?;
        if n == 0 {
            break;
        }
        at += n as u64;
        pending.extend_from_slice(&chunk[..n]);
        let mut used = 0;
        while let Some(nl) = pending[used..].iter().position(|b| *b == b'\n') {
            let line = String::from_utf8_lossy(&pending[used..used + nl]);
            used += nl + 1;
            match block.as_mut() {
                None if line.starts_with(&head) => block = Some(format!("{line}\n")),
                None => {}
                // The next block's first line is an address range; every field line is
                // `Name: value`.
                Some(_) if starts_a_block(&line) => return block,
                Some(text) => {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        }
        pending.drain(..used);
    }
    block
}

/// Whether a line of `smaps` is a mapping's first (`lo-hi perms …`), not a field.
fn starts_a_block(line: &str) -> bool {
    line.split_once(' ')
        .is_some_and(|(range, _)| range.contains('-') && !range.ends_with(':'))
}

/// The plan step a process of `side` has just made, when the last step it began is `begun`:
/// the last of its own that is the experiment's (a maps capture is the lab's, and changes no
/// page); the forked child's first stop follows the fork, a step of the parent's.
pub(crate) fn step_made(plan: &Plan, side: Side, begun: Option<usize>) -> Option<usize> {
    let steps = &plan.steps;
    begun
        .and_then(|d| {
            (0..=d).rev().find(|&i| {
                steps
                    .get(i)
                    .is_some_and(|s| s.side == side && !s.is_bookkeeping())
            })
        })
        .or_else(|| match side {
            Side::Child => steps
                .iter()
                .position(|s| matches!(s.op, Op::Ipc(super::plan::IpcOp::Fork))),
            Side::Parent => None,
        })
}

/// Put what was read into the run: each step's `pages` and `smaps` (the step's record is
/// found by its plan index among those begun), and `environment.pfn_visible`: from the run
/// itself where a present page was read (the kernel zeroes the frame numbers it hides), else
/// from the capability.
pub(crate) fn attach(run: &mut Run, plan: &Plan, begun: &[bool], reads: Vec<PageRead>) {
    let zeroed = reads
        .iter()
        .flat_map(|r| &r.entries)
        .filter(|(_, e)| e & PRESENT != 0 && e & SWAPPED == 0)
        .map(|(_, e)| e & PFN_MASK == 0)
        .collect::<Vec<bool>>();
    let visible = match zeroed.first() {
        Some(_) => zeroed.iter().all(|z| !z),
        None => run.environment.pfn_visible,
    };
    run.environment.pfn_visible = visible;
    run.environment.pfn_reason = (!visible).then(|| super::environment::PFN_HIDDEN.to_string());
    let two = plan.steps.iter().any(|s| s.side == Side::Child);
    let page = run.page_size.max(1);
    let mut reads = reads;
    // The parent's pages first where a step has both (the fork).
    reads.sort_by_key(|r| (r.step, r.side == Side::Child));
    for r in reads {
        let Some(index) = record_index(begun, r.step) else {
            continue;
        };
        let Some(rec) = run.steps.get_mut(index) else {
            continue;
        };
        let process = two.then(|| match r.side {
            Side::Parent => "parent".to_string(),
            Side::Child => "child".to_string(),
        });
        for (k, (n, entry)) in r.entries.iter().enumerate() {
            let addr = r.base.wrapping_add_signed(n.wrapping_mul(page as i64));
            let mut state = decode(*n, addr, *entry, visible);
            state.cached = r.cached.as_ref().and_then(|c| c.get(k).copied().flatten());
            state.zero_page = r.zero.get(k).copied().flatten();
            state.process.clone_from(&process);
            rec.pages.push(state);
        }
        // The figures of the process that made the step.
        let own = plan.steps.get(r.step).is_some_and(|s| s.side == r.side);
        if own && r.smaps.is_some() {
            rec.smaps = r.smaps;
        }
    }
}

/// The index in the record's steps of plan step `step`: the steps begun before it.
pub(crate) fn record_index(begun: &[bool], step: usize) -> Option<usize> {
    begun
        .get(step)
        .copied()
        .unwrap_or(false)
        .then(|| begun[..step].iter().filter(|b| **b).count())
}

#[cfg(test)]
mod tests {
    use super::state::{EXCLUSIVE, FILE, SOFT_DIRTY};
    use super::*;

    #[test]
    fn entries_decode_bit_by_bit() {
        let p = decode(2, 0x7000, PRESENT | EXCLUSIVE | 0x3928, true);
        assert!(p.present && p.exclusive && !p.file && !p.swapped && !p.soft_dirty);
        assert_eq!(p.pfn, Some(0x3928));
        let hidden = decode(0, 0, PRESENT | FILE, false);
        assert!(hidden.file && !hidden.exclusive);
        assert_eq!(hidden.pfn, None, "a hidden frame is null, never 0");
        let absent = decode(0, 0, 0, true);
        assert!(!absent.present);
        assert_eq!(absent.pfn, None);
        let swapped = decode(0, 0, SWAPPED | SOFT_DIRTY | 0x1234, true);
        assert!(swapped.swapped && swapped.soft_dirty && !swapped.present);
        assert_eq!(
            swapped.pfn, None,
            "a swapped entry holds its swap place, not a frame"
        );
    }

    #[test]
    fn the_zero_page_is_asked_of_the_kernel_and_never_guessed() {
        // A file without the ioctl (as `pagemap` before Linux 6.7): not known.
        let null = File::open("/dev/null").unwrap();
        assert_eq!(zero_pages(&null, 0x7f00_0000_0000, 2, 4096), None);
        // This process's own pages: a fresh private anonymous page read, then one written.
        let page = crate::engine::page_size();
        // SAFETY: a new private anonymous mapping of two pages, unmapped below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                2 * page as usize,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(p, libc::MAP_FAILED);
        let bytes = p.cast::<u8>();
        // SAFETY: both bytes are inside the mapping just made; volatile, so the read happens.
        unsafe {
            std::ptr::read_volatile(bytes);
            std::ptr::write_volatile(bytes.add(page as usize), 1);
        }
        let pagemap = File::open("/proc/self/pagemap").unwrap();
        let zero = zero_pages(&pagemap, p as u64, 2, page);
        // SAFETY: unmaps the mapping made above.
        unsafe { libc::munmap(p, 2 * page as usize) };
        // Where the kernel has PAGEMAP_SCAN, the read page is the zero page, the written not.
        if let Some(zero) = zero {
            assert_eq!(zero, [true, false]);
        }
    }

    const SAMPLE: &str = "\
7f0000000000-7f0000001000 rw-p 00000000 00:00 0
Size:                  4 kB
Rss:                   4 kB
Pss:                   4 kB
Private_Dirty:         4 kB
Anonymous:             4 kB
VmFlags: rd wr mr mw me ac sd
7f1234560000-7f1234562000 rw-s 00000000 fe:00 123                        /tmp/data
Size:                  8 kB
KernelPageSize:        4 kB
Rss:                   8 kB
Pss:                   6 kB
Pss_Dirty:             0 kB
Shared_Clean:          4 kB
Shared_Dirty:          0 kB
Private_Clean:         4 kB
Private_Dirty:         0 kB
Referenced:            8 kB
Anonymous:             0 kB
AnonHugePages:         0 kB
Swap:                  0 kB
Locked:                8 kB
THPeligible:    0
VmFlags: rd wr sh mr mw me ms sd
7fffffffd000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
Rss:                  12 kB
";

    #[test]
    fn the_mappings_smaps_block_is_parsed_in_bytes() {
        let s = parse_smaps(SAMPLE, 0x7f12_3456_0000).expect("the block");
        assert_eq!(s.rss, 8192);
        assert_eq!(s.pss, 6144);
        assert_eq!(s.shared_clean, 4096);
        assert_eq!(s.private_clean, 4096);
        assert_eq!(s.private_dirty, 0);
        assert_eq!(s.locked, 8192);
        assert_eq!(
            parse_smaps(SAMPLE, 0x7f00_0000_0000).map(|s| s.anonymous),
            Some(4096)
        );
        assert_eq!(
            parse_smaps(SAMPLE, 0x7f12_3456_1000),
            None,
            "no block starts there"
        );
    }

    #[test]
    fn smaps_is_read_as_far_as_the_mappings_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smaps");
        std::fs::write(&path, SAMPLE).unwrap();
        let file = File::open(&path).unwrap();
        let text = read_block(&file, 0x7f12_3456_0000).unwrap();
        assert!(text.starts_with("7f1234560000-"), "{text}");
        assert!(
            text.ends_with("VmFlags: rd wr sh mr mw me ms sd\n"),
            "{text}"
        );
        assert_eq!(
            parse_smaps(&text, 0x7f12_3456_0000),
            parse_smaps(SAMPLE, 0x7f12_3456_0000)
        );
        let first = read_block(&file, 0x7f00_0000_0000).unwrap();
        assert!(!first.contains("7f1234560000"), "{first}");
        assert_eq!(
            parse_smaps(&first, 0x7f00_0000_0000).map(|s| s.rss),
            Some(4096)
        );
        assert_eq!(read_block(&file, 0x1000), None);
        // A file far longer than the limit (the map-count filler's) is not read to its end.
        let long = dir.path().join("long");
        let filler = "55550000-55551000 r--p 00000000 00:00 0\nRss: 0 kB\n".repeat(40_000);
        let last = "7f0000000000-7f0000001000 rw-p 0 00:00 0\nRss: 4 kB\n";
        std::fs::write(&long, format!("{filler}{last}")).unwrap();
        let long = File::open(&long).unwrap();
        assert_eq!(read_block(&long, 0x7f00_0000_0000), None);
    }

    #[test]
    fn a_steps_record_is_found_among_those_begun() {
        let begun = [true, false, true, true];
        assert_eq!(record_index(&begun, 0), Some(0));
        assert_eq!(record_index(&begun, 1), None);
        assert_eq!(record_index(&begun, 3), Some(2));
        assert_eq!(record_index(&begun, 9), None);
    }
}
