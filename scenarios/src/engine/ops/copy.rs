//! The copy family (`mmap-copy`): one file copied three ways, each timed (through two
//! mappings a window at a time, with `read`/`write`, with `copy_file_range`), and the copy
//! compared with its source.

use super::Family;
use crate::cprog::{unsigned, CStep};
use crate::engine::calls::{Arg, Args, Call, ValueNames};
use crate::engine::child::{failed, ok, Done, Exec};
use crate::engine::function::Function;
use crate::engine::plan::Val;
use crate::texts::Text;
use crate::Lang;
use nix::libc::{self, c_void};

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
    },
    /// Copy with `copy_file_range`.
    FileRange {
        /// The source descriptor.
        src: Val,
        /// The destination descriptor.
        dst: Val,
        /// Bytes to copy.
        size: u64,
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
            | Self::ReadWrite { src, dst, .. }
            | Self::FileRange { src, dst, .. } => vec![src, dst],
            Self::Compare { a, b, .. } => vec![a, b],
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Mmap { .. } => Function::Mmap,
            Self::ReadWrite { .. } => Function::Read,
            Self::FileRange { .. } => Function::CopyFileRange,
            Self::Compare { .. } => Function::Memcmp,
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
            } => Call::pieces(vec![
                ("for (off = 0; off < ".to_string(), None),
                (size.to_string(), Some(Arg::CopySize)),
                ("; off += ".to_string(), None),
                (window.to_string(), Some(Arg::CopyWindow)),
                (
                    format!(
                        ") {{ mmap({}, off); mmap({}, off); memcpy; munmap; }}",
                        names.num(*src),
                        names.num(*dst)
                    ),
                    None,
                ),
            ]),
            Self::ReadWrite {
                src,
                dst,
                size,
                buf_len,
            } => Call::single(
                format!(
                    "while (done < {size} && (n = read({}, buf, {buf_len})) > 0) \
                     done += write({}, buf, n)",
                    names.num(*src),
                    names.num(*dst)
                ),
                None,
            ),
            Self::FileRange { src, dst, size } => Args::new("copy_file_range")
                .arg(names.num(*src))
                .arg("NULL")
                .arg(names.num(*dst))
                .arg("NULL")
                .tagged(size.to_string(), Arg::CopySize)
                .arg("0")
                .close(),
            Self::Compare { a, b, size, .. } => Call::single(
                format!(
                    "memcmp(mmap({}), mmap({}), {size})",
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
            } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                cx.timed(|| copy_mmap(src, dst, size, window))
            }
            Self::ReadWrite {
                src,
                dst,
                size,
                buf_len,
            } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                let len = (buf_len as usize).min(cx.scratch.len());
                let scratch = std::mem::take(&mut cx.scratch);
                let buf = scratch.get_mut(..len).unwrap_or(&mut []);
                let done = cx.timed(|| copy_read_write(src, dst, size, buf));
                cx.scratch = scratch;
                done
            }
            Self::FileRange { src, dst, size } => {
                let (src, dst) = (cx.v(src) as i32, cx.v(dst) as i32);
                cx.timed(|| copy_file_range(src, dst, size))
            }
            Self::Compare { a, b, size, window } => {
                compare(cx.v(a) as i32, cx.v(b) as i32, size, window)
            }
        }
    }

    fn c_code(&self, c: &mut CStep<'_, '_>) -> bool {
        if let (
            true,
            Self::Mmap {
                src,
                dst,
                size,
                window,
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
            } => (
                "copy_mmap",
                src,
                dst,
                format!("{}, {}", unsigned(size), unsigned(window)),
                &["copy_mmap", "map_window", "timing"],
            ),
            Self::ReadWrite {
                src,
                dst,
                size,
                buf_len,
            } => (
                "copy_read_write",
                src,
                dst,
                format!("{}, {}", unsigned(size), unsigned(buf_len)),
                &["copy_read_write", "timing"],
            ),
            Self::FileRange { src, dst, size } => (
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
        c.check("check", &format!("{helper}({x}, {y}, {rest})"));
        if !matches!(self, Self::Compare { .. }) {
            c.line("show_speed();");
        }
        c.needs(needs);
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        let text = match self {
            Self::Mmap { .. } => Text::OpCopyMmap,
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
fn c_minimal_copy(c: &mut CStep<'_, '_>, src: Val, dst: Val, size: u64, window: u64) {
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
