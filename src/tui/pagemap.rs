//! Draws the page map: the layout the experiment's plan asks for
//! ([`mmap_lab_engine::pagemap::PageMap`]: page numbers, the file, the mapping, the pointer and
//! the access, munmap) and, after a step, what the kernel reported for each page
//! (`steps[].pages`), one row per process; then a legend and notes if there is room.

use super::border::Glyphs;
use super::theme::Theme;
use crate::strings::{self, t, S};
use mmap_lab_engine::engine::pages::PageState;
use mmap_lab_engine::engine::StepRecord;
use mmap_lab_engine::lesson::width;
use mmap_lab_engine::pagemap::{
    same_frame, AfterPage, AfterRun, Backing, Column, PageLook, PageMap,
};
use mmap_lab_engine::params::Key;
use mmap_lab_engine::Lang;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

/// Draws a [`PageMap`] into an area: a row each for page numbers, the file, the mapping,
/// the pointer and access, munmap; after a step, the kernel's word on each page (one row per
/// process) with its legend; then notes if there is room.
pub struct PageMapWidget<'a> {
    /// The model.
    pub map: &'a PageMap,
    /// What the run left, after a run of these parameters: drawn as its own row.
    pub after: Option<&'a AfterRun>,
    /// The pages of the step to draw, as the kernel reported them; `None` before a run (then
    /// only the plan's layout is drawn, never a predicted state).
    pub measured: Option<Measured<'a>>,
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

/// One step's measured pages (`steps[].pages` of the record) and whether frame numbers
/// could be read in that run (`environment.pfn_visible`).
#[derive(Debug, Clone, Copy)]
pub struct Measured<'a> {
    /// The step's pages, of one process or of both.
    pub pages: &'a [PageState],
    /// Whether frame numbers were readable: else `=`/`≠` cannot be told.
    pub pfn_visible: bool,
    /// The forked child made the step: where the rows are too few for both processes, its
    /// row is the one kept.
    pub by_child: bool,
}

impl<'a> Measured<'a> {
    /// The pages of `step`, `None` when the kernel reported none for it.
    pub fn of(step: &'a StepRecord, pfn_visible: bool) -> Option<Measured<'a>> {
        (!step.pages.is_empty()).then_some(Measured {
            pages: &step.pages,
            pfn_visible,
            by_child: step.process.as_deref() == Some("child"),
        })
    }

    /// The processes whose pages the step holds, in the record's order.
    fn processes(&self) -> Vec<Proc> {
        let mut out: Vec<Proc> = Vec::new();
        for p in self.pages {
            let who = Proc::of(p);
            if !out.contains(&who) {
                out.push(who);
            }
        }
        out
    }

    /// Page `n` of process `who`, when it was read.
    fn page(&self, who: Proc, n: i64) -> Option<&'a PageState> {
        self.pages
            .iter()
            .find(|p| p.page == n && Proc::of(p) == who)
    }

    /// Whether a page of the child's sits where the parent's is present too: there the
    /// frames can be compared (`=`/`≠`, or why they cannot be told).
    fn compares(&self) -> bool {
        self.pages.iter().any(|p| {
            p.present
                && Proc::of(p) == Proc::Child
                && self
                    .page(Proc::Parent, p.page)
                    .is_some_and(|parent| parent.present)
        })
    }

    /// Whether any page is of a file mapping (the page cache has a word on it).
    fn has_cache(&self) -> bool {
        self.pages.iter().any(|p| p.cached.is_some())
    }
}

/// Whose pages a measured row draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proc {
    /// The experiment has one process.
    Only,
    Parent,
    Child,
}

impl Proc {
    fn of(p: &PageState) -> Proc {
        match p.process.as_deref() {
            Some("parent") => Proc::Parent,
            Some(_) => Proc::Child,
            None => Proc::Only,
        }
    }
}

/// The rows of the drawing, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Ruler,
    File,
    Mapping,
    Pages(Proc),
    Frames,
    Cache,
    Pointer,
    Munmap,
    After,
    Notes,
    Legend,
}

/// Narrowest column for one page: room for a glyph, its frame mark and a separator.
const MIN_COL: u16 = 5;
/// Widest column: more only spreads the same picture.
const MAX_COL: u16 = 16;

/// Where the columns sit: the labels' width, the first column's x, and each drawn column.
struct Layout {
    label_w: u16,
    x0: u16,
    avail: u16,
    placed: Placed,
    end_x: u16,
}

impl PageMapWidget<'_> {
    /// Rows to draw in `height` lines, the most telling first kept.
    fn rows(&self, height: u16) -> Vec<Row> {
        let mut wanted = vec![Row::Mapping];
        let mut add = |rows: &[Row]| {
            for r in rows {
                if !wanted.contains(r) {
                    wanted.push(*r);
                }
            }
        };
        let procs = self.measured.map(|m| m.processes()).unwrap_or_default();
        // After a munmap, what the maps captures say it removed (or leaked, or took from
        // another mapping) is that lesson's answer: before the page bits, which are all `·`.
        if self.after.is_some() && self.map.munmap.is_some() {
            add(&[Row::After, Row::Munmap]);
        }
        if self.measured.is_some() {
            // After a step, the kernel's word on each page is the answer: right under the
            // mapping, one row per process, with the legend that reads its glyphs.
            // The row of the process that made the step first: the one kept when only one
            // fits (they are drawn parent first all the same).
            let mut made_first: Vec<Row> = procs.iter().map(|p| Row::Pages(*p)).collect();
            if self.measured.is_some_and(|m| m.by_child) {
                made_first.sort_by_key(|r| *r != Row::Pages(Proc::Child));
            }
            add(&made_first);
            add(&[Row::Legend]);
            // The frames' note where a frame is compared on screen, else it reads no glyph.
            if self.measured.is_some_and(|m| m.compares()) {
                add(&[Row::Frames]);
            }
        }
        if self.after.is_some() {
            // What the maps captures say the run left.
            add(&[Row::After]);
        }
        // The range munmap is asked to remove is what a munmap lesson is about.
        if self.map.munmap.is_some() {
            add(&[Row::Munmap]);
        }
        if self.measured.is_some_and(|m| m.has_cache()) {
            add(&[Row::Cache]);
        }
        if self.measured.is_some() || self.after.is_some() {
            add(&[Row::Ruler, Row::File, Row::Pointer]);
        } else {
            add(&[Row::Pointer, Row::File, Row::Ruler]);
        }
        add(&[Row::Notes]);
        wanted.truncate(height as usize);
        let mut order = vec![Row::Ruler, Row::File, Row::Mapping];
        order.extend(procs.iter().map(|p| Row::Pages(*p)));
        order.extend([
            Row::Frames,
            Row::Cache,
            Row::Pointer,
            Row::Munmap,
            Row::After,
            Row::Notes,
            Row::Legend,
        ]);
        order.into_iter().filter(|r| wanted.contains(r)).collect()
    }

    fn label(&self, row: Row) -> &'static str {
        match row {
            Row::Ruler => t(S::PmPage, self.lang),
            Row::File => t(S::PmFile, self.lang),
            Row::Mapping => t(S::PmMapping, self.lang),
            Row::Pages(Proc::Only) => t(S::Pages, self.lang),
            Row::Pages(Proc::Parent) => t(S::Parent, self.lang),
            Row::Pages(Proc::Child) => t(S::Child, self.lang),
            Row::Cache => t(S::PmCache, self.lang),
            Row::Frames | Row::Pointer | Row::Notes | Row::Legend => "",
            Row::Munmap => "munmap",
            Row::After => t(S::PmAfter, self.lang),
        }
    }

    /// The labels' width and the columns that fit beside them.
    fn layout(&self, area: Rect, rows: &[Row]) -> Layout {
        let label_w = rows
            .iter()
            .map(|r| width(self.label(*r)) as u16)
            .chain(
                // The plan's rows' labels set the width, drawn or not: a taller or shorter
                // pane keeps its columns where they were.
                [Row::Ruler, Row::File, Row::Mapping, Row::Munmap, Row::After]
                    .map(|r| width(self.label(r)) as u16),
            )
            .max()
            .unwrap_or(0)
            + 1;
        let label_w = label_w.min(area.width / 3);
        let x0 = area.x + label_w;
        let avail = area.width.saturating_sub(label_w);
        let gap_w = width(self.glyphs.gap) as u16 + 2;
        let fit = (avail / MIN_COL).max(1) as usize;
        let cols = self.map.columns(fit);
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
        Layout {
            label_w,
            x0,
            avail,
            placed,
            end_x: x,
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
        let rows = self.rows(area.height);
        let l = self.layout(area, &rows);
        for (i, row) in rows.iter().enumerate() {
            let y = area.y + i as u16;
            let label = self.label(*row);
            buf.set_stringn(area.x, y, label, l.label_w as usize, self.theme.dim);
            match row {
                Row::Ruler => self.draw_ruler(&l, y, buf),
                Row::File => self.draw_file(&l, y, buf),
                Row::Mapping => self.draw_mapping(&l, y, buf),
                Row::Pages(who) => self.draw_pages(*who, &l, y, buf),
                Row::Frames => {
                    let visible = self.measured.is_some_and(|m| m.pfn_visible);
                    let text = strings::frames_note(visible, self.glyphs.other_frame, self.lang);
                    buf.set_stringn(l.x0, y, text, l.avail as usize, self.theme.dim);
                }
                Row::Cache => self.draw_cache(&l, y, buf),
                Row::Pointer => self.draw_pointer(&l, area, y, buf),
                Row::Munmap => self.draw_munmap(&l, area, y, buf),
                Row::After => self.draw_after(&l, y, buf),
                Row::Notes => self.draw_notes(area, y, buf),
                Row::Legend => {
                    // The cache's glyph is read where its row is drawn.
                    let cache = rows.contains(&Row::Cache);
                    let looks: Vec<PageLook> = self
                        .measured
                        .map(|m| m.pages.iter().map(PageLook::of).collect())
                        .unwrap_or_default();
                    let absent = self.glyphs.no_file;
                    let zero_unknown = self
                        .measured
                        .is_some_and(|m| m.pages.iter().any(PageLook::maybe_zero));
                    let mut text =
                        strings::page_legend(&looks, absent, cache, zero_unknown, self.lang);
                    // A frame compared on screen, and no room for its own row: the legend
                    // reads its mark too.
                    if let Some(m) = self
                        .measured
                        .filter(|m| m.compares() && !rows.contains(&Row::Frames))
                    {
                        let other = self.glyphs.other_frame;
                        text.push_str(self.lang.pick(", ", "，"));
                        text.push_str(&strings::frames_short(m.pfn_visible, other, self.lang));
                    }
                    buf.set_stringn(area.x, y, text, area.width as usize, self.theme.dim);
                }
            }
        }
    }
}

impl PageMapWidget<'_> {
    /// The x of byte `b` counted from the pointer (negative: before it), when its page is
    /// drawn.
    fn byte_x(&self, l: &Layout, b: i128) -> Option<u16> {
        let page = self.map.page as i128;
        let p = b.div_euclid(page);
        l.placed.iter().find_map(|(c, x, w)| match c {
            Column::Page(n) if *n as i128 == p => {
                let within = b.rem_euclid(page) * *w as i128 / page;
                Some(x + within as u16)
            }
            _ => None,
        })
    }

    fn draw_ruler(&self, l: &Layout, y: u16, buf: &mut Buffer) {
        let mut free = l.x0;
        for (c, x, w) in &l.placed {
            let text = match c {
                Column::Page(n) => n.to_string(),
                Column::Gap => self.glyphs.gap.to_string(),
            };
            if *x >= free {
                let (nx, _) = buf.set_stringn(*x, y, &text, (*w).max(1) as usize, self.theme.dim);
                free = nx + 1;
            }
        }
    }

    fn draw_file(&self, l: &Layout, y: u16, buf: &mut Buffer) {
        let (theme, g, map) = (self.theme, self.glyphs, self.map);
        let page = map.page as i128;
        let text = match map.backing {
            Backing::File { bytes } => {
                let file_pages = map.file_pages().unwrap_or(0);
                for (c, x, w) in &l.placed {
                    let Column::Page(n) = c else {
                        buf.set_stringn(*x + 1, y, g.gap, *w as usize, theme.dim);
                        continue;
                    };
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
                return;
            }
            Backing::Anonymous => t(S::PmAnonymous, self.lang),
            Backing::Nothing => t(S::PmNoPages, self.lang),
        };
        buf.set_stringn(l.x0, y, text, l.avail as usize, theme.dim);
    }

    fn draw_mapping(&self, l: &Layout, y: u16, buf: &mut Buffer) {
        let (theme, map) = (self.theme, self.map);
        let pages = map.map_pages();
        if map.refused() {
            // mmap refuses an unaligned offset: nothing is mapped. Before a run that is the
            // question, not something to give away.
            let (text, style) = if self.answered {
                (t(S::PmRefused, self.lang), theme.errno)
            } else {
                (t(S::PmAsk, self.lang), theme.text)
            };
            buf.set_stringn(l.x0, y, text, l.avail as usize, style);
            return;
        }
        if pages == 0 {
            let text = t(S::PmEmpty, self.lang);
            buf.set_stringn(l.x0, y, text, l.avail as usize, theme.errno);
            return;
        }
        for (c, x, w) in &l.placed {
            match c {
                Column::Page(n) if ours(*n, pages) => {
                    for dx in 0..*w {
                        // A copy's windows each get their brackets.
                        let n = *n as u64;
                        let window_end = map.copy_window.is_some() && map.window_starts(n + 1);
                        let ch = if dx == 0 {
                            if n == 0 || map.window_starts(n) {
                                '['
                            } else {
                                '|'
                            }
                        } else if (n + 1 == pages || window_end) && dx + 1 == *w {
                            ']'
                        } else {
                            self.glyphs.mapped
                        };
                        if let Some(cell) = buf.cell_mut((x + dx, y)) {
                            cell.set_char(ch).set_style(theme.text);
                        }
                    }
                }
                Column::Gap if placed_before_end(&l.placed, *x, pages) => {
                    buf.set_stringn(*x + 1, y, self.glyphs.gap, *w as usize, theme.text);
                }
                _ => {}
            }
        }
    }

    /// One process's pages as the kernel reported them: a glyph per page (see
    /// [`PageLook`]), on the child's row followed by `=` or `≠` where both frames are known.
    fn draw_pages(&self, who: Proc, l: &Layout, y: u16, buf: &mut Buffer) {
        let Some(m) = self.measured else { return };
        for (c, x, w) in &l.placed {
            let Column::Page(n) = c else { continue };
            let Some(p) = m.page(who, *n) else { continue };
            let look = PageLook::of(p);
            let mut text = look.glyph(self.glyphs.no_file).to_string();
            match same_frame(m.pages, p) {
                Some(true) => text.push('='),
                Some(false) => text.push(self.glyphs.other_frame),
                None => {}
            }
            let room = w.saturating_sub(1).max(1) as usize;
            buf.set_stringn(*x, y, text, room, page_style(self.theme, look));
        }
    }

    /// Whether each file page is in the page cache (the file's, whoever maps it).
    fn draw_cache(&self, l: &Layout, y: u16, buf: &mut Buffer) {
        let Some(m) = self.measured else { return };
        for (c, x, w) in &l.placed {
            let Column::Page(n) = c else { continue };
            let cached = m.pages.iter().find(|p| p.page == *n).and_then(|p| p.cached);
            let (ch, style) = match cached {
                Some(true) => ('C', self.theme.zone_ok),
                Some(false) => (self.glyphs.no_file, self.theme.dim),
                None => continue,
            };
            let room = w.saturating_sub(1).max(1) as usize;
            buf.set_stringn(*x, y, ch.to_string(), room, style);
        }
    }

    fn draw_pointer(&self, l: &Layout, area: Rect, y: u16, buf: &mut Buffer) {
        let g = self.glyphs;
        // Under page 0, which is not the first column when pages before the pointer are
        // drawn.
        let ptr_x = self.byte_x(l, 0).unwrap_or(l.x0);
        let (px, _) = buf.set_stringn(
            ptr_x,
            y,
            format!("{}{}", g.arrow, t(S::PmPtr, self.lang)),
            area.right().saturating_sub(ptr_x) as usize,
            self.theme.pointer,
        );
        // The access arrow sits where the byte lands, but never over the pointer's own
        // label (an access at byte 0 reads `↑ptr ↑write@0`).
        let access = self
            .map
            .access
            .and_then(|(n, w)| Some((n, w, self.byte_x(l, n as i128)?)));
        if let Some((n, write, ax)) = access {
            let what = if write { "write" } else { "read" };
            let ax = ax.max(px + 1);
            if ax < area.right() {
                buf.set_stringn(
                    ax,
                    y,
                    format!("{}{what}@{n}", g.arrow),
                    (area.right() - ax) as usize,
                    self.theme.pointer,
                );
            }
        }
    }

    fn draw_munmap(&self, l: &Layout, area: Rect, y: u16, buf: &mut Buffer) {
        let Some((shift, len)) = self.map.munmap else {
            return;
        };
        let start = shift as i128;
        let last = start + len.max(1) as i128 - 1;
        let from = self.byte_x(l, start).unwrap_or(l.x0);
        let to = self
            .byte_x(l, last)
            .unwrap_or(l.end_x.saturating_sub(1))
            .max(from);
        for xx in from..=to.min(area.right().saturating_sub(1)) {
            let ch = if xx == from {
                '['
            } else if xx == to {
                ')'
            } else {
                '-'
            };
            if let Some(cell) = buf.cell_mut((xx, y)) {
                cell.set_char(ch).set_style(self.theme.pointer);
            }
        }
    }

    fn draw_after(&self, l: &Layout, y: u16, buf: &mut Buffer) {
        let Some(after) = self.after else { return };
        for (c, x, w) in &l.placed {
            let Column::Page(n) = c else { continue };
            let page = after.page_at(*n);
            let (word, short) = strings::after_page(page, self.lang);
            let room = w.saturating_sub(1) as usize;
            let text = if width(word) <= room { word } else { short };
            buf.set_stringn(*x, y, text, room.max(1), after_style(self.theme, page));
        }
    }

    fn draw_notes(&self, area: Rect, y: u16, buf: &mut Buffer) {
        let (map, lang) = (self.map, self.lang);
        let colon = lang.pick(": ", "：");
        let mut notes = Vec::new();
        if let (Some(pages), Backing::File { bytes }) = (map.file_pages(), map.backing) {
            let extent = strings::file_extent(bytes, pages, lang);
            notes.push(format!("{}{colon}{extent}", t(S::PmFile, lang)));
        }
        match map.copy_window {
            Some(w) => notes.push(strings::copy_windows(
                map.windows(),
                w,
                w.div_ceil(map.page),
                lang,
            )),
            None => {
                let extent = strings::map_extent(map.length, map.map_pages(), lang);
                notes.push(format!("{}{colon}{extent}", t(S::PmMapping, lang)));
            }
        }
        if map.offset.rem_euclid(map.page as i64) != 0 {
            notes.push(strings::unaligned(Key::Offset, map.offset, map.page, lang));
        }
        let text = notes.join(" · ");
        buf.set_stringn(area.x, y, text, area.width as usize, self.theme.dim);
    }
}

/// Page `n` of a mapping of `pages` pages, when it is one.
fn ours(n: i64, pages: u64) -> bool {
    u64::try_from(n).is_ok_and(|n| n < pages)
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

/// The style of a page's glyph: the file's page and a private copy apart, absent dim. The
/// glyph alone tells them apart; colour only helps.
pub fn page_style(theme: &Theme, look: PageLook) -> Style {
    match look {
        PageLook::File => theme.zone_ok,
        PageLook::Private => theme.zone_bus,
        PageLook::Shared => theme.pointer,
        PageLook::Zero => theme.text,
        PageLook::Absent | PageLook::Swapped => theme.dim,
    }
}

#[cfg(test)]
mod tests;
