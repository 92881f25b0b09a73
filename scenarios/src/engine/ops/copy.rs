//! The copy family (`mmap-copy`): one file copied three ways, each timed (through two
//! mappings a window at a time, with `read`/`write`, with `copy_file_range`), and the copy
//! compared with its source.
//!
//! Each copy runs `runs` times in one step (the `copy_runs` knob): one run's speed depends on
//! what else the machine is doing, so the record keeps every run's time and the screen shows
//! the median with its spread. The step is shown once, folded (`×5`), because it is one
//! loop of the same calls.

use super::c::{unsigned, CWriter};
use super::syscalls::{sys, SysCall};
use super::Family;
use crate::engine::calls::{Arg, Call, ValueNames};
use crate::engine::exec::{failed, ok, Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::Val;
use crate::texts::Text;
use crate::Lang;
use nix::libc::{self, c_void};

/// The system calls this family's steps make (see [`super::syscalls`]).
pub(crate) const SYSCALLS: &[SysCall] = &[
    sys(libc::SYS_copy_file_range, "copy_file_range", 6),
    sys(libc::SYS_read, "read", 3),
    sys(libc::SYS_write, "write", 3),
    sys(libc::SYS_lseek, "lseek", 3),
    sys(libc::SYS_mmap, "mmap", 6),
    sys(libc::SYS_munmap, "munmap", 2),
    sys(libc::SYS_madvise, "madvise", 3),
];

/// A copy between two descriptors, or the comparison of two files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyOp {
    /// Copy `size` bytes from `src` to `dst` (already `size` long) through two mappings, one
    /// `window` at a time. Returns the bytes copied; the record gets the time taken.
    Mmap {
        /// The source descriptor.
        src: Val,
        /// The destination descriptor.
        dst: Val,
        /// Bytes to copy.
        size: u64,
        /// Bytes mapped at a time.
        window: u64,
        /// How many times the copy runs, each run timed.
        runs: u32,
    },
    /// Copy from a mapping of the source, `window` at a time, with `write` into `dst`: the
    /// mmap copy without the destination's mapping, so that the destination's page faults
    /// show as the difference between the two.
    MmapWrite {
        /// The source descriptor.
        src: Val,
        /// The destination descriptor.
        dst: Val,
        /// Bytes to copy.
        size: u64,
        /// Bytes mapped at a time.
        window: u64,
        /// How many times the copy runs, each from offset 0, each run timed.
        runs: u32,
    },
    /// Copy with `read`/`write` through a buffer of `buf_len` bytes (allocated before fork).
    ReadWrite {
        /// The source descriptor.
        src: Val,
        /// The destination descriptor.
        dst: Val,
        /// Bytes to copy.
        size: u64,
        /// The buffer's size.
        buf_len: u64,
        /// How many times the copy runs, each from offset 0, each run timed.
        runs: u32,
    },
    /// Copy with `copy_file_range`.
    FileRange {
        /// The source descriptor.
        src: Val,
        /// The destination descriptor.
        dst: Val,
        /// Bytes to copy.
        size: u64,
        /// How many times the copy runs, each from offset 0 (offsets of its own, not the
        /// descriptors'), each run timed.
        runs: u32,
    },
    /// Compare two files through mappings, `window` at a time. Returns 0 when identical, else
    /// the offset of the first difference plus one.
    Compare {
        /// One file.
        a: Val,
        /// The other.
        b: Val,
        /// Bytes to compare.
        size: u64,
        /// Bytes mapped at a time.
        window: u64,
    },
}

impl Family for CopyOp {
    fn vals(&self) -> Vec<Val> {
        match *self {
            Self::Mmap { src, dst, .. }
            | Self::MmapWrite { src, dst, .. }
            | Self::ReadWrite { src, dst, .. }
            | Self::FileRange { src, dst, .. } => vec![src, dst],
            Self::Compare { a, b, .. } => vec![a, b],
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Mmap { .. } | Self::MmapWrite { .. } => Function::Mmap,
            Self::ReadWrite { .. } => Function::Read,
            Self::FileRange { .. } => Function::CopyFileRange,
            Self::Compare { .. } => Function::Memcmp,
        }
    }

    fn failed_function(&self, aux: i64) -> Function {
        match (self, aux) {
            // `copy_read_write` fails with aux 2 when the write did.
            (Self::ReadWrite { .. } | Self::MmapWrite { .. }, 2) => Function::Write,
            _ => self.function(),
        }
    }

    fn call(&self, names: &dyn ValueNames) -> Call {
        match self {
            // A loop in C's words, not a sentence: the call is stored without a language.
            Self::Mmap {
                src,
                dst,
                size,
                window,
                runs,
            } => folded(
                vec![
                    ("for (off = 0; off < ".to_string(), None),
                    (size.to_string(), Some(Arg::CopySize)),
                    ("; off += ".to_string(), None),
                    (window.to_string(), Some(Arg::CopyWindow)),
                    // Every call the loop makes, by name, folded: the flag and the advice that
                    // make the copy fast are part of the experiment (see `copy_mmap`).
                    (
                        format!(
                            ") {{ mmap({}, MAP_POPULATE); mmap({}); madvise(POPULATE_WRITE); \
                             madvise(SEQUENTIAL); memcpy; munmap ×2 }}",
                            names.num(*src),
                            names.num(*dst)
                        ),
                        None,
                    ),
                ],
                *runs,
            ),
            Self::MmapWrite {
                src,
                dst,
                size,
                window,
                runs,
            } => {
                let (s, d) = (names.num(*src), names.num(*dst));
                folded(
                    vec![
                        (
                            format!("lseek({d}, 0, SEEK_SET); for (off = 0; off < "),
                            None,
                        ),
                        (size.to_string(), Some(Arg::CopySize)),
                        ("; off += ".to_string(), None),
                        (window.to_string(), Some(Arg::CopyWindow)),
                        (
                            format!(
                                ") {{ mmap({s}, MAP_POPULATE); madvise(SEQUENTIAL); \
                                 write({d}); munmap }}"
                            ),
                            None,
                        ),
                    ],
                    *runs,
                )
            }
            Self::ReadWrite {
                src,
                dst,
                size,
                buf_len,
                runs,
            } => {
                let (s, d) = (names.num(*src), names.num(*dst));
                folded(
                    vec![
                        (rewind_text(&s, &d), None),
                        (
                            format!(
                                "while (done < {size} && (n = read({s}, buf, {buf_len})) > 0) \
                                 done += write({d}, buf, n)"
                            ),
                            None,
                        ),
                    ],
                    *runs,
                )
            }
            // Offsets of its own, from 0 each run: the descriptors' offsets are not used.
            Self::FileRange {
                src,
                dst,
                size,
                runs,
            } => {
                let (s, d) = (names.num(*src), names.num(*dst));
                folded(
                    // A loop, as `copy_file_range` may copy less than asked: with nothing to
                    // copy it is never called, and the step says so by its condition.
                    vec![
                        ("while (done < ".to_string(), None),
                        (size.to_string(), Some(Arg::CopySize)),
                        (
                            format!(
                                ") done += copy_file_range({s}, &off_in, {d}, &off_out, \
                                 {size} - done, 0)"
                            ),
                            None,
                        ),
                    ],
                    *runs,
                )
            }
            // The check after the copy: untagged, so the call pane keeps its room for the
            // three copies a knob changes.
            Self::Compare { a, b, size, window } => Call::single(
                format!(
                    "for (off = 0; off < {size}; off += {window}) {{ mmap({}, MAP_POPULATE); \
                     mmap({}, MAP_POPULATE); memcmp; munmap ×2 }}",
                    names.num(*a),
                    names.num(*b)
                ),
                None,
            ),
        }
    }

    fn execute(&self, cx: &mut Exec<'_>) -> Done {
        match *self {
            Self::Mmap {
                src,
                dst,
                size,
                window,
                runs,
            } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                repeat(runs, || {
                    cx.timed(|calls| copy_mmap(src, dst, size, window, calls))
                })
            }
            Self::MmapWrite {
                src,
                dst,
                size,
                window,
                runs,
            } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                repeat(runs, || {
                    rewind_one(dst, 4).unwrap_or_else(|| {
                        cx.timed(|calls| copy_mmap_write(src, dst, size, window, calls))
                    })
                })
            }
            Self::ReadWrite {
                src,
                dst,
                size,
                buf_len,
                runs,
            } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                let len = (buf_len as usize).min(cx.scratch.len());
                let scratch = std::mem::take(&mut cx.scratch);
                let buf = scratch.get_mut(..len).unwrap_or(&mut []);
                let done = repeat(runs, || {
                    rewind(src, dst).unwrap_or_else(|| {
                        cx.timed(|calls| copy_read_write(src, dst, size, &mut *buf, calls))
                    })
                });
                cx.scratch = scratch;
                done
            }
            Self::FileRange {
                src,
                dst,
                size,
                runs,
            } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                repeat(runs, || {
                    cx.timed(|calls| copy_file_range(src, dst, size, calls))
                })
            }
            Self::Compare { a, b, size, window } => {
                compare(cx.v(a) as i32, cx.v(b) as i32, size, window)
            }
        }
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        if let (
            true,
            Self::Mmap {
                src,
                dst,
                size,
                window,
                ..
            },
        ) = (c.minimal(), self)
        {
            c_minimal_copy(c, *src, *dst, *size, *window);
            return true;
        }
        let (helper, x, y, rest, needs): (_, _, _, _, &[&'static str]) = match *self {
            Self::Mmap {
                src,
                dst,
                size,
                window,
                ..
            } => (
                "copy_mmap",
                src,
                dst,
                format!("{}, {}", unsigned(size), unsigned(window)),
                &["copy_mmap", "map_window", "timing"],
            ),
            Self::MmapWrite {
                src,
                dst,
                size,
                window,
                ..
            } => (
                "copy_mmap_write",
                src,
                dst,
                format!("{}, {}", unsigned(size), unsigned(window)),
                &["copy_mmap_write", "map_window", "timing"],
            ),
            Self::ReadWrite {
                src,
                dst,
                size,
                buf_len,
                ..
            } => (
                "copy_read_write",
                src,
                dst,
                format!("{}, {}", unsigned(size), unsigned(buf_len)),
                &["copy_read_write", "timing"],
            ),
            Self::FileRange { src, dst, size, .. } => (
                "copy_range",
                src,
                dst,
                unsigned(size),
                &["copy_file_range", "timing"],
            ),
            Self::Compare { a, b, size, window } => (
                "compare",
                a,
                b,
                format!("{}, {}", unsigned(size), unsigned(window)),
                &["compare", "map_window"],
            ),
        };
        let (x, y) = (c.int(x), c.int(y));
        let call = format!("{helper}({x}, {y}, {rest})");
        match *self {
            Self::Mmap { runs, .. }
            | Self::MmapWrite { runs, .. }
            | Self::ReadWrite { runs, .. }
            | Self::FileRange { runs, .. } => {
                // The same loop as the lab's: every run timed, stopping at a failure; the
                // step's line shows the last run's result, then each run's speed.
                c.line(&format!(
                    "for (int run = 0; run < {}; run++) {{",
                    runs.max(1)
                ));
                c.line(&format!("    copy_ret = {call};"));
                c.line("    if (copy_ret < 0)");
                c.line("        break;");
                c.line("    keep_speed();");
                c.line("}");
                c.check("check", "copy_ret");
                c.line("show_speeds();");
            }
            Self::Compare { .. } => c.check("check", &call),
        }
        c.needs(needs);
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        let text = match self {
            Self::Mmap { .. } => Text::OpCopyMmap,
            Self::MmapWrite { .. } => Text::OpCopyMmapWrite,
            Self::ReadWrite { .. } => Text::OpCopyReadWrite,
            Self::FileRange { .. } => Text::OpCopyFileRange,
            Self::Compare { .. } => Text::OpCompare,
        };
        text.get(lang).to_string()
    }

    /// The minimal program is the copy the course notes ask for: the other copies and the
    /// comparison only time and check it.
    fn in_minimal(&self) -> bool {
        matches!(self, Self::Mmap { .. })
    }

    /// The copies are timed: the witness would only slow them.
    fn traced(&self) -> bool {
        false
    }

    fn untraced_calls(&self) -> &'static [i64] {
        match self {
            // Each run of the read/write copy starts with two lseeks back to offset 0.
            Self::ReadWrite { .. } => &[libc::SYS_read, libc::SYS_write, libc::SYS_lseek],
            Self::FileRange { .. } => &[libc::SYS_copy_file_range],
            // The mmap copy maps, advises and unmaps a window at a time, hundreds of times a
            // run; the comparison after it does the same, untimed, to check the copy.
            Self::Mmap { .. } | Self::Compare { .. } => {
                &[libc::SYS_mmap, libc::SYS_munmap, libc::SYS_madvise]
            }
            Self::MmapWrite { .. } => &[],
        }
    }

    fn scratch_len(&self) -> usize {
        match *self {
            Self::ReadWrite { buf_len, .. } => buf_len as usize,
            _ => 0,
        }
    }
}

/// The minimal program's copy, the program the course notes' question 8 asks for: a window at
/// a time, map the source, map the new file (already created and extended), `memcpy`, unmap,
/// each part under the notes' own words. Without `MAP_POPULATE` and the advice: a student's
/// copy, not the benchmark's.
fn c_minimal_copy(c: &mut dyn CWriter, src: Val, dst: Val, size: u64, window: u64) {
    let (src, dst) = (c.int(src), c.int(dst));
    let (size, window) = (unsigned(size), unsigned(window));
    let on_failure = c.on_failure();
    c.line(&format!(
        "for (long off = 0; off < {size}; off += {window}) {{"
    ));
    c.indent(1);
    c.line(&format!(
        "size_t n = {size} - off < {window} ? (size_t)({size} - off) : {window};"
    ));
    c.comment(Text::CCopyMapSource);
    c.line(&format!(
        "char *s = mmap(NULL, n, PROT_READ, MAP_SHARED, {src}, off);"
    ));
    c.if_line("s == MAP_FAILED", &on_failure);
    c.comment(Text::CCopyMapCopy);
    c.line(&format!(
        "char *d = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, {dst}, off);"
    ));
    c.if_line("d == MAP_FAILED", &on_failure);
    c.comment(Text::CCopyMemcpy);
    c.line("memcpy(d, s, n);");
    c.comment(Text::CCopyRelease);
    c.line("munmap(s, n);");
    c.line("munmap(d, n);");
    c.indent(-1);
    c.line("}");
}

/// `call` as the step shows it: the loop body once, then how many times it ran (`  ×5`).
fn folded(mut parts: Vec<(String, Option<Arg>)>, runs: u32) -> Call {
    parts.push(("  ×".to_string(), None));
    parts.push((runs.to_string(), Some(Arg::CopyRuns)));
    Call::pieces(parts)
}

/// The two `lseek` calls that start each run of the `read`/`write` copy at offset 0: the run
/// before left both descriptors at the end of the file.
fn rewind_text(src: &str, dst: &str) -> String {
    format!("lseek({src}, 0, SEEK_SET); lseek({dst}, 0, SEEK_SET); ")
}

/// Put `fd` back at offset 0; `Some(failure)` (with `part` as its aux) when the kernel
/// refused.
fn rewind_one(fd: i32, part: i64) -> Option<Done> {
    // SAFETY: lseek on our own descriptor changes only its file offset.
    (unsafe { libc::lseek(fd, 0, libc::SEEK_SET) } < 0).then(|| failed(-1, part))
}

/// Put both descriptors back at offset 0; `Some(failure)` when the kernel refused.
fn rewind(src: i32, dst: i32) -> Option<Done> {
    rewind_one(src, 3).or_else(|| rewind_one(dst, 4))
}

/// Run `once` `runs` times (at least once), stopping at the first failure; the last run's
/// result is the step's.
fn repeat(runs: u32, mut once: impl FnMut() -> Done) -> Done {
    let mut done = once();
    for _ in 1..runs.max(1) {
        if done.errno != 0 || done.ret < 0 {
            break;
        }
        done = once();
    }
    done
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

/// The copy functions count each system call they make in `calls` (each libc function they
/// call here is one system call), failed ones included: the kernel has no per-process count
/// of system calls, and tracing every call would cost more than the copy.
fn copy_mmap(src: i32, dst: i32, size: u64, window: u64, calls: &mut u64) -> Done {
    let mut off = 0u64;
    while off < size {
        let n = window.min(size.wrapping_sub(off)) as usize;
        *calls = calls.wrapping_add(1);
        let s = map_window(src, off, n, libc::PROT_READ);
        if s == libc::MAP_FAILED {
            return failed(-1, 1);
        }
        *calls = calls.wrapping_add(1);
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
        // The two madvise and the two munmap.
        *calls = calls.wrapping_add(4);
        off = off.wrapping_add(n as u64);
    }
    ok(off as i64)
}

/// The mmap copy's source side with `write` for its destination: the destination's pages are
/// never mapped, so its page faults are not taken (the kernel writes the page cache itself).
fn copy_mmap_write(src: i32, dst: i32, size: u64, window: u64, calls: &mut u64) -> Done {
    let mut off = 0u64;
    while off < size {
        let n = window.min(size.wrapping_sub(off)) as usize;
        *calls = calls.wrapping_add(1);
        let s = map_window(src, off, n, libc::PROT_READ);
        if s == libc::MAP_FAILED {
            return failed(-1, 1);
        }
        *calls = calls.wrapping_add(1);
        // SAFETY: advice on our own fresh mapping.
        unsafe { libc::madvise(s, n, libc::MADV_SEQUENTIAL) };
        let mut written = 0usize;
        while written < n {
            *calls = calls.wrapping_add(1);
            // SAFETY: writes from the `n` readable bytes of the source window.
            let w = unsafe {
                libc::write(
                    dst,
                    s.cast::<u8>().wrapping_add(written).cast(),
                    n.wrapping_sub(written),
                )
            };
            if w <= 0 {
                // SAFETY: unmapping our own window before giving up.
                unsafe { libc::munmap(s, n) };
                return failed(-1, 2);
            }
            written = written.wrapping_add(w as usize);
        }
        *calls = calls.wrapping_add(1);
        // SAFETY: our own window, no longer used.
        unsafe { libc::munmap(s, n) };
        off = off.wrapping_add(n as u64);
    }
    ok(off as i64)
}

fn copy_read_write(src: i32, dst: i32, size: u64, buf: &mut [u8], calls: &mut u64) -> Done {
    let mut done = 0u64;
    while done < size && !buf.is_empty() {
        *calls = calls.wrapping_add(1);
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
            *calls = calls.wrapping_add(1);
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

fn copy_file_range(src: i32, dst: i32, size: u64, calls: &mut u64) -> Done {
    let mut done = 0u64;
    // Offsets of our own, which the kernel advances: every run starts at 0 whatever the
    // descriptors' offsets are.
    let (mut off_in, mut off_out): (libc::off64_t, libc::off64_t) = (0, 0);
    while done < size {
        *calls = calls.wrapping_add(1);
        // SAFETY: kernel-side copy between two of our descriptors, through two local offsets.
        let n = unsafe {
            libc::copy_file_range(
                src,
                &mut off_in,
                dst,
                &mut off_out,
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

#[cfg(test)]
mod failed_function_tests {
    use super::*;

    /// A read/write copy that failed in its write (aux 2) is named for the write: a full disk
    /// is `ENOSPC from write`, not `from read`.
    #[test]
    fn a_read_write_copy_names_the_call_that_failed() {
        let op = CopyOp::ReadWrite {
            src: Val::Lit(3),
            dst: Val::Lit(4),
            size: 1,
            buf_len: 1,
            runs: 1,
        };
        assert_eq!(op.failed_function(1), Function::Read);
        assert_eq!(op.failed_function(2), Function::Write);
    }
}
