//! The page map's model: the pages an experiment involves, their zones and the columns to
//! draw, in sizes and the page size alone. Built from a plan by [`PageMap::from_plan`] (beside
//! the plan, in `engine/plan.rs`), so the engine's page reader can ask which pages to read
//! without depending on the rest of the page map.

use crate::flags;

/// What backs the mapping's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    /// A file with this many bytes from the mapping's offset on.
    File {
        /// Bytes of file from the offset to the end of the file.
        bytes: u64,
    },
    /// No file: anonymous pages, zero-filled.
    Anonymous,
    /// A descriptor with no pages to map (a pipe, a directory, a bad fd, `/dev/null`).
    Nothing,
}

/// What a touch in a page gets, as the rules of mmap say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Mapped and backed (file data, the zeros after the end of the file in its last page,
    /// or anonymous zeros).
    Ok,
    /// Mapped, but wholly past the end of the file: `SIGBUS`.
    PastEof,
    /// Mapped, but its protection refuses this touch (a write without `PROT_WRITE`, any
    /// touch with `PROT_NONE`): `SIGSEGV`.
    NoAccess,
    /// Not mapped: `SIGSEGV` (when nothing else happens to be mapped there).
    NotMapped,
}

/// One column of the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Page `n` counted from the pointer (page 0 starts at `ptr`; negative: before it, where
    /// a munmap with a negative shift starts).
    Page(i64),
    /// Pages left out because they look like their neighbours.
    Gap,
}

/// The model behind the drawing: sizes in bytes and the page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMap {
    /// `sysconf(_SC_PAGESIZE)`.
    pub page: u64,
    /// What backs the pages.
    pub backing: Backing,
    /// The mapping's length in bytes (the kernel maps whole pages).
    pub length: u64,
    /// The file offset the mapping starts at.
    pub offset: i64,
    /// The pages' protection when the touch happens (`mprotect` if set, else `prot`).
    pub prot: i32,
    /// The byte touched, and whether it is a write.
    pub access: Option<(u64, bool)>,
    /// The `munmap` request: byte shift from the pointer, and length.
    pub munmap: Option<(i64, u64)>,
    /// For a copy through mappings (`mmap-copy`): the window, in bytes. The source is
    /// mapped one window at a time, so `length` is the whole file, covered window by window.
    pub copy_window: Option<u64>,
}

impl PageMap {
    /// Pages the mapping covers: its length rounded up to whole pages.
    pub fn map_pages(&self) -> u64 {
        self.length.div_ceil(self.page)
    }

    /// How many windows a copy maps, one after the other (1 for a plain mapping).
    pub fn windows(&self) -> u64 {
        self.copy_window
            .map_or(1, |w| self.length.div_ceil(w).max(1))
    }

    /// Whether page `n` of a copy's source starts a window.
    pub fn window_starts(&self, n: u64) -> bool {
        self.copy_window
            .is_some_and(|w| n.saturating_mul(self.page).is_multiple_of(w))
    }

    /// Pages of the mapping that hold file data (the last one may be partly past the end of
    /// the file: those bytes read as zeros, no signal). `None` without a file.
    pub fn file_pages(&self) -> Option<u64> {
        match self.backing {
            Backing::File { bytes } => Some(bytes.div_ceil(self.page)),
            _ => None,
        }
    }

    /// Whether mmap refuses the mapping outright: its offset is not a multiple of the page
    /// size (the kernel checks this before anything else, for files and anonymous memory).
    pub fn refused(&self) -> bool {
        self.copy_window.is_none() && self.offset.rem_euclid(self.page as i64) != 0
    }

    /// Pages the drawing shows before the pointer: as far back as a munmap with a negative
    /// shift reaches.
    pub fn before(&self) -> u64 {
        match self.munmap {
            Some((shift, _)) if shift < 0 => shift.unsigned_abs().div_ceil(self.page),
            _ => 0,
        }
    }

    /// What a touch in page `n` (counted from the pointer) gets.
    pub fn zone(&self, n: i64) -> Zone {
        let Ok(n) = u64::try_from(n) else {
            return Zone::NotMapped;
        };
        if n >= self.map_pages() || self.backing == Backing::Nothing || self.refused() {
            return Zone::NotMapped;
        }
        if !self.allows_touch() {
            return Zone::NoAccess;
        }
        match self.file_pages() {
            Some(file) if n >= file => Zone::PastEof,
            _ => Zone::Ok,
        }
    }

    /// Whether the protection lets the touch through: a write needs `PROT_WRITE`; a read
    /// (or no touch at all) needs any access, since on x86_64 every readable, writable or
    /// executable page can be read.
    fn allows_touch(&self) -> bool {
        match self.access {
            Some((_, true)) => self.prot & flags::PROT_WRITE != 0,
            _ => self.prot != 0,
        }
    }

    /// The page the munmap range ends in (exclusive), counted from the pointer.
    fn munmap_end_page(&self) -> i64 {
        self.munmap.map_or(0, |(shift, len)| {
            let end = (shift as i128 + len as i128).max(0) as u128;
            i64::try_from(end.div_ceil(self.page as u128)).unwrap_or(i64::MAX)
        })
    }

    /// How many pages the drawing covers: the mapping and one page past it (where a touch
    /// finds nothing mapped), and as far as the access and the munmap range reach.
    pub fn span(&self) -> u64 {
        let access = self.access.map_or(0, |(n, _)| n / self.page + 1);
        self.map_pages()
            .saturating_add(1)
            .max(access)
            .max(self.munmap_end_page().max(0) as u64)
    }

    /// The columns to draw when at most `fit` pages fit: every page when they all do, else
    /// the pages where something changes (the ends of the file and the mapping, the access,
    /// the munmap range) with gaps between them. Pages before the pointer come first.
    pub fn columns(&self, fit: usize) -> Vec<Column> {
        let lo = -i64::try_from(self.before()).unwrap_or(i64::MAX);
        let hi = i64::try_from(self.span()).unwrap_or(i64::MAX);
        let total = (hi as i128 - lo as i128) as u128;
        if total <= fit.max(1) as u128 {
            return (lo..hi).map(Column::Page).collect();
        }
        // Each boundary with the page on either side of it.
        let mut marks: Vec<i64> = vec![lo, 0, hi - 1];
        let as_page = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut boundaries = vec![as_page(self.map_pages())];
        boundaries.extend(self.file_pages().map(as_page));
        if let Some((n, _)) = self.access {
            marks.push(as_page(n / self.page));
        }
        if let Some((shift, _)) = self.munmap {
            marks.push(shift.div_euclid(self.page as i64));
            boundaries.push(self.munmap_end_page());
        }
        if let Some(w) = self.copy_window {
            // Where the first window ends and the last begins.
            boundaries.push(as_page(w.div_ceil(self.page)));
            let last = self.windows().saturating_sub(1).saturating_mul(w);
            marks.push(as_page(last / self.page));
        }
        for b in boundaries {
            marks.push(b.saturating_sub(1));
            marks.push(b);
        }
        marks.retain(|&m| lo <= m && m < hi);
        marks.sort_unstable();
        marks.dedup();
        let mut out = Vec::new();
        let mut last: Option<i64> = None;
        for m in marks {
            if let Some(l) = last {
                if m > l + 1 {
                    out.push(Column::Gap);
                }
            }
            out.push(Column::Page(m));
            last = Some(m);
        }
        out
    }
}
