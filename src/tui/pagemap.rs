//! The page map: the pages an experiment involves, drawn to scale in pages, from the
//! parameters alone (it changes as knobs turn, before any run).
//!
//! It shows the file's extent (counted from the mapping's offset), the mapping's extent, page
//! boundaries, where the pointer and the access land, the range `munmap` is asked to remove,
//! and what a touch in each page gets: data, `SIGBUS` (mapped, past the end of the file) or
//! `SIGSEGV` (not mapped). That last row is the lesson of `out-of-bounds` and `empty-new-file`
//! in one picture; the run then says whether the kernel agrees.

use super::border::Glyphs;
use super::theme::Theme;
use crate::strings::{self, t, S};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;
use scenarios::params::{Access, FileKind, Grow, Key, Params};
use scenarios::{Lang, Scenario};
use unicode_width::UnicodeWidthStr;

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
    /// Page `n` counted from the pointer (page 0 starts at `ptr`).
    Page(u64),
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
    /// The mapping is one window of a copy (`mmap-copy`), not a single mapping.
    pub copy_window: bool,
}

impl PageMap {
    /// The page map of `scenario` with `params`.
    pub fn new(scenario: &Scenario, params: &Params, page: u64) -> PageMap {
        let page = page.max(1);
        if scenario.accepts(Key::Window) {
            // A copy maps the source one window at a time: draw one window over the file.
            return PageMap {
                page,
                backing: Backing::File {
                    bytes: params.copy_size,
                },
                length: scenarios::experiment::round_up(params.window.max(1), page),
                offset: 0,
                prot: params.prot,
                access: None,
                munmap: None,
                copy_window: true,
            };
        }
        let from_offset = |size: u64| size.saturating_sub(params.offset.max(0) as u64);
        let backing = match params.file {
            FileKind::Regular | FileKind::SealedMemfd => Backing::File {
                bytes: from_offset(params.file_size),
            },
            FileKind::New => Backing::File {
                bytes: match params.grow {
                    Grow::None => 0,
                    Grow::Ftruncate | Grow::LseekWrite => from_offset(params.file_size),
                },
            },
            FileKind::Anonymous => Backing::Anonymous,
            FileKind::Pipe | FileKind::Directory | FileKind::DevNull | FileKind::BadFd => {
                Backing::Nothing
            }
        };
        let access = match params.access {
            Access::None => None,
            Access::Read(n) => Some((n, false)),
            Access::Write(n) => Some((n, true)),
        };
        PageMap {
            page,
            backing,
            length: params.length,
            offset: params.offset,
            prot: params.mprotect.unwrap_or(params.prot),
            access,
            munmap: scenario
                .accepts(Key::MunmapShift)
                .then(|| (params.munmap_shift, params.munmap_len())),
            copy_window: false,
        }
    }

    /// Pages the mapping covers: its length rounded up to whole pages.
    pub fn map_pages(&self) -> u64 {
        self.length.div_ceil(self.page)
    }

    /// Pages of the mapping that hold file data (the last one may be partly past the end of
    /// the file: those bytes read as zeros, no signal). `None` without a file.
    pub fn file_pages(&self) -> Option<u64> {
        match self.backing {
            Backing::File { bytes } => Some(bytes.div_ceil(self.page)),
            _ => None,
        }
    }

    /// What a touch in page `n` (counted from the pointer) gets.
    pub fn zone(&self, n: u64) -> Zone {
        if n >= self.map_pages() || self.backing == Backing::Nothing {
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
            Some((_, true)) => self.prot & scenarios::flags::PROT_WRITE != 0,
            _ => self.prot != 0,
        }
    }

    /// The page the munmap range ends in (exclusive), clamped to the drawing's start.
    fn munmap_end_page(&self) -> u64 {
        self.munmap.map_or(0, |(shift, len)| {
            (shift.max(0) as u64)
                .saturating_add(len)
                .div_ceil(self.page)
        })
    }

    /// How many pages the drawing covers: the mapping and one page past it (where a touch
    /// finds nothing mapped), and as far as the access and the munmap range reach.
    pub fn span(&self) -> u64 {
        let access = self.access.map_or(0, |(n, _)| n / self.page + 1);
        self.map_pages()
            .saturating_add(1)
            .max(access)
            .max(self.munmap_end_page())
    }

    /// The columns to draw when at most `fit` pages fit: every page when they all do, else
    /// the pages where something changes (the ends of the file and the mapping, the access,
    /// the munmap range) with gaps between them.
    pub fn columns(&self, fit: usize) -> Vec<Column> {
        let span = self.span();
        let fit = fit.max(1) as u64;
        if span <= fit {
            return (0..span).map(Column::Page).collect();
        }
        // Each boundary with the page on either side of it.
        let mut marks: Vec<u64> = vec![0, span - 1];
        let mut boundaries = vec![self.map_pages()];
        boundaries.extend(self.file_pages());
        if let Some((n, _)) = self.access {
            marks.push(n / self.page);
        }
        if let Some((shift, _)) = self.munmap {
            marks.push(shift.max(0) as u64 / self.page);
            boundaries.push(self.munmap_end_page());
        }
        for b in boundaries {
            marks.push(b.saturating_sub(1));
            marks.push(b);
        }
        marks.retain(|&m| m < span);
        marks.sort_unstable();
        marks.dedup();
        let mut out = Vec::new();
        let mut last: Option<u64> = None;
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

/// Draws a [`PageMap`] into an area: a row each for page numbers, the file, the mapping, what
/// a touch gets, the pointer and access, munmap; then notes if there is room.
pub struct PageMapWidget<'a> {
    /// The model.
    pub map: &'a PageMap,
    /// Styles.
    pub theme: &'a Theme,
    /// Symbols.
    pub glyphs: &'a Glyphs,
    /// Language of the labels.
    pub lang: Lang,
}

/// The rows of the drawing, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Ruler,
    File,
    Mapping,
    Zones,
    Pointer,
    Munmap,
    Notes,
    Legend,
}

/// Narrowest column for one page: room for `BUS`, `SEGV` and a separator.
const MIN_COL: u16 = 5;
/// Widest column: more only spreads the same picture.
const MAX_COL: u16 = 16;

impl PageMapWidget<'_> {
    /// Rows to draw in `height` lines, the most telling first kept.
    fn rows(&self, height: u16) -> Vec<Row> {
        let mut wanted = vec![
            Row::Mapping,
            Row::Zones,
            Row::Pointer,
            Row::File,
            Row::Ruler,
        ];
        if self.map.munmap.is_some() {
            wanted.push(Row::Munmap);
        }
        wanted.push(Row::Notes);
        wanted.push(Row::Legend);
        wanted.truncate(height as usize);
        let order = [
            Row::Ruler,
            Row::File,
            Row::Mapping,
            Row::Zones,
            Row::Pointer,
            Row::Munmap,
            Row::Notes,
            Row::Legend,
        ];
        order.into_iter().filter(|r| wanted.contains(r)).collect()
    }

    fn label(&self, row: Row) -> &'static str {
        match row {
            Row::Ruler => t(S::PmPage, self.lang),
            Row::File => t(S::PmFile, self.lang),
            Row::Mapping => t(S::PmMapping, self.lang),
            Row::Zones => t(S::PmTouch, self.lang),
            Row::Pointer | Row::Notes | Row::Legend => "",
            Row::Munmap => "munmap",
        }
    }
}

/// Where each drawn column sits: `(column, x, width)`.
type Placed = Vec<(Column, u16, u16)>;

impl Widget for PageMapWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let theme = self.theme;
        let g = self.glyphs;
        let map = self.map;
        let rows = self.rows(area.height);
        let label_w = [Row::Ruler, Row::File, Row::Mapping, Row::Zones, Row::Munmap]
            .iter()
            .map(|r| self.label(*r).width() as u16)
            .max()
            .unwrap_or(0)
            + 1;
        let label_w = label_w.min(area.width / 3);
        let x0 = area.x + label_w;
        let avail = area.width.saturating_sub(label_w);
        let gap_w = g.gap.width() as u16 + 2;

        // Choose the columns and their width.
        let fit = (avail / MIN_COL).max(1) as usize;
        let cols = map.columns(fit);
        let gaps = cols.iter().filter(|c| **c == Column::Gap).count() as u16;
        let pages = cols.len() as u16 - gaps;
        let col_w = (avail.saturating_sub(gaps * gap_w) / pages.max(1)).clamp(1, MAX_COL);
        let mut placed: Placed = Vec::new();
        let mut x = x0;
        for c in &cols {
            let w = if *c == Column::Gap { gap_w } else { col_w };
            if x >= area.right() {
                break;
            }
            let w = w.min(area.right() - x);
            placed.push((*c, x, w));
            x += w;
        }
        let end_x = x;
        // The x of byte `b` counted from the pointer, when its page is drawn.
        let byte_x = |b: u64| -> Option<u16> {
            let p = b / map.page;
            placed.iter().find_map(|(c, x, w)| match c {
                Column::Page(n) if *n == p => {
                    let within = (b % map.page) as u128 * *w as u128 / map.page as u128;
                    Some(x + within as u16)
                }
                _ => None,
            })
        };

        for (i, row) in rows.iter().enumerate() {
            let y = area.y + i as u16;
            let label = self.label(*row);
            buf.set_stringn(area.x, y, label, label_w as usize, theme.dim);
            match row {
                Row::Ruler => {
                    let mut free = x0;
                    for (c, x, w) in &placed {
                        let text = match c {
                            Column::Page(n) => n.to_string(),
                            Column::Gap => g.gap.to_string(),
                        };
                        if *x >= free {
                            let (nx, _) =
                                buf.set_stringn(*x, y, &text, (*w).max(1) as usize, theme.dim);
                            free = nx + 1;
                        }
                    }
                }
                Row::File => match map.backing {
                    Backing::File { bytes } => {
                        let file_pages = map.file_pages().unwrap_or(0);
                        for (c, x, w) in &placed {
                            match c {
                                Column::Page(n) => {
                                    for dx in 0..*w {
                                        let within =
                                            (dx as u128 * map.page as u128 / *w as u128) as u64;
                                        let b = n.saturating_mul(map.page).saturating_add(within);
                                        let (ch, style) = if b < bytes {
                                            (g.file_data, theme.zone_ok)
                                        } else if *n < file_pages {
                                            (g.file_tail, theme.zone_ok)
                                        } else {
                                            (g.no_file, theme.dim)
                                        };
                                        if let Some(cell) = buf.cell_mut((x + dx, y)) {
                                            cell.set_char(ch).set_style(style);
                                        }
                                    }
                                }
                                Column::Gap => {
                                    buf.set_stringn(*x + 1, y, g.gap, *w as usize, theme.dim);
                                }
                            }
                        }
                    }
                    Backing::Anonymous => {
                        buf.set_stringn(
                            x0,
                            y,
                            t(S::PmAnonymous, self.lang),
                            avail as usize,
                            theme.dim,
                        );
                    }
                    Backing::Nothing => {
                        buf.set_stringn(
                            x0,
                            y,
                            t(S::PmNoPages, self.lang),
                            avail as usize,
                            theme.dim,
                        );
                    }
                },
                Row::Mapping => {
                    let pages = map.map_pages();
                    if pages == 0 {
                        buf.set_stringn(
                            x0,
                            y,
                            t(S::PmEmpty, self.lang),
                            avail as usize,
                            theme.errno,
                        );
                        continue;
                    }
                    for (c, x, w) in &placed {
                        match c {
                            Column::Page(n) if *n < pages => {
                                for dx in 0..*w {
                                    let ch = if dx == 0 {
                                        if *n == 0 {
                                            '['
                                        } else {
                                            '|'
                                        }
                                    } else if *n + 1 == pages && dx + 1 == *w {
                                        ']'
                                    } else {
                                        g.mapped
                                    };
                                    if let Some(cell) = buf.cell_mut((x + dx, y)) {
                                        cell.set_char(ch).set_style(theme.text);
                                    }
                                }
                            }
                            Column::Gap if placed_before_end(&placed, *x, pages) => {
                                buf.set_stringn(*x + 1, y, g.gap, *w as usize, theme.text);
                            }
                            _ => {}
                        }
                    }
                }
                Row::Zones => {
                    for (c, x, w) in &placed {
                        let Column::Page(n) = c else { continue };
                        let zone = map.zone(*n);
                        let (word, short) = match zone {
                            Zone::Ok => (t(S::PmOk, self.lang), t(S::PmOk, self.lang)),
                            Zone::PastEof => ("SIGBUS", "BUS"),
                            Zone::NoAccess | Zone::NotMapped => ("SIGSEGV", "SEGV"),
                        };
                        let style = zone_style(theme, zone);
                        let room = w.saturating_sub(1) as usize;
                        let text = if word.width() <= room { word } else { short };
                        buf.set_stringn(*x, y, text, room.max(1), style);
                    }
                }
                Row::Pointer => {
                    let (px, _) = buf.set_stringn(
                        x0,
                        y,
                        format!("{}{}", g.arrow, t(S::PmPtr, self.lang)),
                        avail as usize,
                        theme.pointer,
                    );
                    // The access arrow sits where the byte lands, but never over the pointer's
                    // own label (an access at byte 0 reads `↑ptr ↑write@0`).
                    let access = map.access.and_then(|(n, w)| Some((n, w, byte_x(n)?)));
                    if let Some((n, write, ax)) = access {
                        let what = if write { "write" } else { "read" };
                        let ax = ax.max(px + 1);
                        if ax < area.right() {
                            buf.set_stringn(
                                ax,
                                y,
                                format!("{}{what}@{n}", g.arrow),
                                (area.right() - ax) as usize,
                                theme.pointer,
                            );
                        }
                    }
                }
                Row::Munmap => {
                    let Some((shift, len)) = map.munmap else {
                        continue;
                    };
                    let start = shift.max(0) as u64;
                    let last = start.saturating_add(len.max(1)) - 1;
                    let from = byte_x(start).unwrap_or(x0);
                    let to = byte_x(last).unwrap_or(end_x.saturating_sub(1)).max(from);
                    for xx in from..=to.min(area.right().saturating_sub(1)) {
                        let ch = if xx == from {
                            '['
                        } else if xx == to {
                            ')'
                        } else {
                            '-'
                        };
                        if let Some(cell) = buf.cell_mut((xx, y)) {
                            cell.set_char(ch).set_style(theme.pointer);
                        }
                    }
                }
                Row::Notes => {
                    let mut notes = Vec::new();
                    if let Some(pages) = map.file_pages() {
                        if let Backing::File { bytes } = map.backing {
                            notes.push(format!(
                                "{}: {}",
                                t(S::PmFile, self.lang),
                                strings::file_extent(bytes, pages, self.lang)
                            ));
                        }
                    }
                    let what = if map.copy_window {
                        t(S::PmWindow, self.lang)
                    } else {
                        t(S::PmMapping, self.lang)
                    };
                    notes.push(format!(
                        "{what}: {}",
                        strings::map_extent(map.length, map.map_pages(), self.lang)
                    ));
                    if map.offset.rem_euclid(map.page as i64) != 0 {
                        notes.push(strings::unaligned(
                            Key::Offset,
                            map.offset,
                            map.page,
                            self.lang,
                        ));
                    }
                    buf.set_stringn(area.x, y, notes.join(" · "), area.width as usize, theme.dim);
                }
                Row::Legend => {
                    buf.set_stringn(
                        area.x,
                        y,
                        strings::zone_legend(self.lang),
                        area.width as usize,
                        theme.dim,
                    );
                }
            }
        }
    }
}

/// Whether a gap at `x` lies inside the mapping (its neighbours on the left are mapped).
fn placed_before_end(placed: &Placed, x: u16, pages: u64) -> bool {
    placed
        .iter()
        .rev()
        .find_map(|(c, cx, _)| match c {
            Column::Page(n) if *cx < x => Some(*n + 1 < pages),
            _ => None,
        })
        .unwrap_or(false)
}

/// The style of a zone's word.
pub fn zone_style(theme: &Theme, zone: Zone) -> Style {
    match zone {
        Zone::Ok => theme.zone_ok,
        Zone::PastEof => theme.zone_bus,
        Zone::NoAccess | Zone::NotMapped => theme.zone_segv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::catalog;

    const PAGE: u64 = 4096;

    fn map(id: &str, sets: &[(Key, &str)]) -> PageMap {
        let s = catalog::find(id).unwrap();
        let mut p = (s.defaults)(PAGE);
        for (k, v) in sets {
            p.set(*k, v).unwrap();
        }
        PageMap::new(s, &p, PAGE)
    }

    #[test]
    fn out_of_bounds_has_ok_then_sigbus_then_sigsegv() {
        // 100-byte file, 8192-byte mapping: page 0 has data, page 1 is past the end of the
        // file, page 2 is not mapped.
        let m = map("out-of-bounds", &[(Key::Length, "8192")]);
        assert_eq!(m.file_pages(), Some(1));
        assert_eq!(m.map_pages(), 2);
        assert_eq!(m.zone(0), Zone::Ok);
        assert_eq!(m.zone(1), Zone::PastEof);
        assert_eq!(m.zone(2), Zone::NotMapped);
        // The default: a 100-byte mapping is one whole page; the access at 4096 lands on page 1.
        let m = map("out-of-bounds", &[]);
        assert_eq!(m.map_pages(), 1);
        assert_eq!(m.zone(1), Zone::NotMapped);
        assert_eq!(m.span(), 2);
    }

    #[test]
    fn file_pages_count_from_the_offset_and_follow_grow() {
        let m = map("unaligned-offset", &[(Key::Offset, "4096")]);
        assert_eq!(m.file_pages(), Some(3));
        let m = map("unaligned-offset", &[(Key::Offset, "1000")]);
        assert_eq!(m.file_pages(), Some(4)); // ceil(15384 / 4096)
        let m = map("empty-new-file", &[]);
        assert_eq!(m.file_pages(), Some(0));
        assert_eq!(m.zone(0), Zone::PastEof);
        let m = map("empty-new-file", &[(Key::Grow, "ftruncate")]);
        assert_eq!(m.file_pages(), Some(1));
        assert_eq!(m.zone(0), Zone::Ok);
    }

    #[test]
    fn anonymous_pages_are_ok_and_nothing_backs_a_pipe() {
        let m = map("anonymous-ipc", &[]);
        assert_eq!(m.backing, Backing::Anonymous);
        assert_eq!(m.zone(0), Zone::Ok);
        let m = map("playground", &[(Key::File, "pipe")]);
        assert_eq!(m.zone(0), Zone::NotMapped);
        let m = map("playground", &[(Key::Prot, "PROT_NONE")]);
        assert_eq!(m.zone(0), Zone::NoAccess);
        // A write into a read-only mapping is refused by the protection, not by the extents.
        let m = map(
            "playground",
            &[(Key::Prot, "PROT_READ"), (Key::Access, "write@0")],
        );
        assert_eq!(m.zone(0), Zone::NoAccess);
        let m = map(
            "playground",
            &[(Key::Prot, "PROT_READ"), (Key::Access, "read@0")],
        );
        assert_eq!(m.zone(0), Zone::Ok);
    }

    #[test]
    fn munmap_range_and_zero_length() {
        let m = map("munmap-shifted-pointer", &[(Key::MunmapShift, "4096")]);
        assert_eq!(m.munmap, Some((4096, 8192)));
        assert_eq!(m.span(), 3); // munmap reaches into page 2, past the mapping
        let m = map("zero-length", &[]);
        assert_eq!(m.map_pages(), 0);
        assert_eq!(m.zone(0), Zone::NotMapped);
    }

    #[test]
    fn huge_spans_are_drawn_with_gaps_around_the_interesting_pages() {
        let m = map("mmap-copy", &[]);
        assert!(m.span() > 1000);
        let cols = m.columns(12);
        assert!(cols.contains(&Column::Gap));
        assert_eq!(cols.first(), Some(&Column::Page(0)));
        assert!(cols.len() <= 12);
        let m = map("out-of-bounds", &[]);
        assert_eq!(m.columns(10), [Column::Page(0), Column::Page(1)]);
        let m = map(
            "playground",
            &[(Key::Length, "1G"), (Key::Access, "read@1G")],
        );
        let cols = m.columns(8);
        assert!(cols.contains(&Column::Page(262144)), "{cols:?}");
    }

    #[test]
    fn renders_at_every_small_size_without_panicking() {
        let theme = Theme::named(super::super::ThemeName::Dark);
        for ascii in [false, true] {
            let glyphs = Glyphs::new(ascii);
            let mut maps: Vec<PageMap> = [
                "out-of-bounds",
                "mmap-copy",
                "munmap-shifted-pointer",
                "zero-length",
            ]
            .iter()
            .map(|id| map(id, &[]))
            .collect();
            // The largest values a student can type.
            maps.push(map(
                "playground",
                &[
                    (Key::Length, "0xffffffffffffffff"),
                    (Key::Access, "read@0xffffffffffffffff"),
                    (Key::MunmapShift, "-9223372036854775808"),
                    (Key::MunmapLength, "0xffffffffffffffff"),
                    (Key::Offset, "-1"),
                ],
            ));
            for m in &maps {
                for w in (0..40).chain([120, 250]) {
                    for h in 0..9 {
                        let area = Rect::new(0, 0, w, h);
                        let mut buf = Buffer::empty(area);
                        PageMapWidget {
                            map: m,
                            theme: &theme,
                            glyphs: &glyphs,
                            lang: Lang::Zh,
                        }
                        .render(area, &mut buf);
                    }
                }
            }
        }
    }
}
