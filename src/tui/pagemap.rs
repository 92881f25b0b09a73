//! Draws the page map ([`mmap_lab_engine::pagemap::PageMap`], computed from the experiment's plan):
//! a row each for page numbers, the file, the mapping, what a touch gets, the pointer and the
//! access, munmap; then notes if there is room.

use super::border::Glyphs;
use super::theme::Theme;
use crate::strings::{self, t, S};
use mmap_lab_engine::lesson::width;
use mmap_lab_engine::pagemap::{AfterPage, AfterRun, Backing, Column, PageMap, Zone};
use mmap_lab_engine::params::Key;
use mmap_lab_engine::Lang;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

/// Draws a [`PageMap`] into an area: a row each for page numbers, the file, the mapping, what
/// a touch gets, the pointer and access, munmap; then notes if there is room.
pub struct PageMapWidget<'a> {
    /// The model.
    pub map: &'a PageMap,
    /// What the run left, after a run of these parameters: drawn as its own row.
    pub after: Option<&'a AfterRun>,
    /// Whether these parameters have run: before that, what mmap does with an unaligned
    /// offset is the class's to predict, and the map says `?` there.
    pub answered: bool,
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
    After,
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
        let mut wanted = vec![Row::Mapping];
        if self.after.is_some() {
            // After a run, what it left is the answer: right after the mapping it changed,
            // with the munmap range that did it and the page numbers to name the pages by.
            wanted.push(Row::After);
            if self.map.munmap.is_some() {
                wanted.push(Row::Munmap);
            }
            wanted.extend([Row::Zones, Row::Ruler, Row::File, Row::Pointer]);
        } else {
            // Before a run: the range munmap is asked to remove is what a munmap lesson is
            // about, right under the mapping.
            if self.map.munmap.is_some() {
                wanted.push(Row::Munmap);
            }
            // What a touch of each page would do is the answer to predict: drawn only once
            // these parameters have run, never before.
            if self.answered {
                wanted.push(Row::Zones);
            }
            wanted.extend([Row::Pointer, Row::File, Row::Ruler]);
        }
        wanted.push(Row::Notes);
        // The legend explains the touch row's words: with that row, never before a run.
        if self.answered {
            wanted.push(Row::Legend);
        }
        wanted.truncate(height as usize);
        let order = [
            Row::Ruler,
            Row::File,
            Row::Mapping,
            Row::Zones,
            Row::Pointer,
            Row::Munmap,
            Row::After,
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
            Row::After => t(S::PmAfter, self.lang),
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
        let label_w = [
            Row::Ruler,
            Row::File,
            Row::Mapping,
            Row::Zones,
            Row::Munmap,
            Row::After,
        ]
        .iter()
        .map(|r| width(self.label(*r)) as u16)
        .max()
        .unwrap_or(0)
            + 1;
        let label_w = label_w.min(area.width / 3);
        let x0 = area.x + label_w;
        let avail = area.width.saturating_sub(label_w);
        let gap_w = width(g.gap) as u16 + 2;

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
        let page = map.page as i128;
        // The x of byte `b` counted from the pointer (negative: before it), when its page is
        // drawn.
        let byte_x = |b: i128| -> Option<u16> {
            let p = b.div_euclid(page);
            placed.iter().find_map(|(c, x, w)| match c {
                Column::Page(n) if *n as i128 == p => {
                    let within = b.rem_euclid(page) * *w as i128 / page;
                    Some(x + within as u16)
                }
                _ => None,
            })
        };
        // Page `n` of the mapping, when it is one.
        let ours = |n: i64, pages: u64| u64::try_from(n).is_ok_and(|n| n < pages);

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
                                        let within = dx as i128 * page / *w as i128;
                                        let b = *n as i128 * page + within;
                                        let (ch, style) = if (0..bytes as i128).contains(&b) {
                                            (g.file_data, theme.zone_ok)
                                        } else if ours(*n, file_pages) {
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
                    if map.refused() {
                        // mmap refuses an unaligned offset: nothing is mapped. Before a run
                        // that is the question, not something to give away.
                        let (text, style) = if self.answered {
                            (t(S::PmRefused, self.lang), theme.errno)
                        } else {
                            (t(S::PmAsk, self.lang), theme.text)
                        };
                        buf.set_stringn(x0, y, text, avail as usize, style);
                        continue;
                    }
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
                            Column::Page(n) if ours(*n, pages) => {
                                for dx in 0..*w {
                                    // A copy's windows each get their brackets.
                                    let n = *n as u64;
                                    let window_end =
                                        map.copy_window.is_some() && map.window_starts(n + 1);
                                    let ch = if dx == 0 {
                                        if n == 0 || map.window_starts(n) {
                                            '['
                                        } else {
                                            '|'
                                        }
                                    } else if (n + 1 == pages || window_end) && dx + 1 == *w {
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
                            _ if map.refused() && !self.answered => ("?", "?"),
                            Zone::Ok => (t(S::PmOk, self.lang), t(S::PmOk, self.lang)),
                            Zone::PastEof => ("SIGBUS", "BUS"),
                            Zone::NoAccess | Zone::NotMapped => ("SIGSEGV", "SEGV"),
                        };
                        let style = zone_style(theme, zone);
                        let room = w.saturating_sub(1) as usize;
                        let text = if width(word) <= room { word } else { short };
                        buf.set_stringn(*x, y, text, room.max(1), style);
                    }
                }
                Row::Pointer => {
                    // Under page 0, which is not the first column when pages before the
                    // pointer are drawn.
                    let ptr_x = byte_x(0).unwrap_or(x0);
                    let (px, _) = buf.set_stringn(
                        ptr_x,
                        y,
                        format!("{}{}", g.arrow, t(S::PmPtr, self.lang)),
                        area.right().saturating_sub(ptr_x) as usize,
                        theme.pointer,
                    );
                    // The access arrow sits where the byte lands, but never over the pointer's
                    // own label (an access at byte 0 reads `↑ptr ↑write@0`).
                    let access = map
                        .access
                        .and_then(|(n, w)| Some((n, w, byte_x(n as i128)?)));
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
                    let start = shift as i128;
                    let last = start + len.max(1) as i128 - 1;
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
                Row::After => {
                    let Some(after) = self.after else { continue };
                    for (c, x, w) in &placed {
                        let Column::Page(n) = c else { continue };
                        let page = after.page_at(*n);
                        let (word, short) = strings::after_page(page, self.lang);
                        let room = w.saturating_sub(1) as usize;
                        let text = if width(word) <= room { word } else { short };
                        buf.set_stringn(*x, y, text, room.max(1), after_style(theme, page));
                    }
                }
                Row::Notes => {
                    let mut notes = Vec::new();
                    if let Some(pages) = map.file_pages() {
                        if let Backing::File { bytes } = map.backing {
                            notes.push(format!(
                                "{}{}{}",
                                t(S::PmFile, self.lang),
                                self.lang.pick(": ", "："),
                                strings::file_extent(bytes, pages, self.lang)
                            ));
                        }
                    }
                    match map.copy_window {
                        Some(w) => notes.push(strings::copy_windows(
                            map.windows(),
                            w,
                            w.div_ceil(map.page),
                            self.lang,
                        )),
                        None => notes.push(format!(
                            "{}{}{}",
                            t(S::PmMapping, self.lang),
                            self.lang.pick(": ", "："),
                            strings::map_extent(map.length, map.map_pages(), self.lang)
                        )),
                    }
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
            Column::Page(n) if *cx < x => Some(u64::try_from(*n).is_ok_and(|n| n + 1 < pages)),
            _ => None,
        })
        .unwrap_or(false)
}

/// The style of what a page holds after the run: a page that was not the mapping's and is
/// gone is the alarm; a leaked page the warning.
pub fn after_style(theme: &Theme, page: AfterPage) -> Style {
    match page {
        AfterPage::Mapped => theme.zone_ok,
        AfterPage::Leaked => theme.warning,
        AfterPage::OtherGone => theme.errno,
        AfterPage::Unmapped | AfterPage::Other | AfterPage::Free => theme.text,
    }
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
    use mmap_lab_engine::catalog;

    const PAGE: u64 = 4096;

    fn map(id: &str, sets: &[(Key, &str)]) -> PageMap {
        let s = catalog::find(id).unwrap();
        let mut p = (s.defaults)(PAGE);
        for (k, v) in sets {
            p.set(*k, v).unwrap();
        }
        PageMap::from_plan(&(s.build)(&p, PAGE), PAGE).unwrap()
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
                            after: None,
                            answered: true,
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
