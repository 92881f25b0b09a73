//! Drawing: `impl Widget for &App`. A frame is a pure function of the state, so it can be
//! drawn into a test buffer, benchmarked, and hit-tested by the same layout code.
//!
//! Three layouts, chosen by size, and presenter mode on top of them:
//! - roomy (from 120×30): list | parameters, call, page map, outcome | lesson;
//! - compact (from 80×22): list | parameters, call, page map, outcome *or* lesson;
//! - minimal (from 40×12): the call and the outcome line, then the focused pane;
//! - below that, a centred "too small" in the current language.

mod call;
mod chart;
mod course;
mod help;
mod lesson;
mod list;
mod outcome;
mod params;
mod presenter;
pub mod text;

use super::app::{App, Message};
use super::event::{footer, Mode};
use super::state::{Focus, Layout};
use crate::strings::{self, t, S};
use mmap_lab_engine::Lang;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

/// The smallest size with a layout.
pub const MIN_SIZE: (u16, u16) = (40, 12);
/// The smallest compact layout.
const COMPACT: (u16, u16) = (80, 22);
/// The smallest roomy layout.
const ROOMY: (u16, u16) = (120, 30);

/// Which layout a size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Three columns.
    Roomy,
    /// Two columns, outcome and lesson share the bottom.
    Compact,
    /// One column.
    Minimal,
    /// Below [`MIN_SIZE`].
    TooSmall,
}

impl Shape {
    /// The layout for a `w`×`h` terminal.
    pub fn of(w: u16, h: u16) -> Shape {
        if w >= ROOMY.0 && h >= ROOMY.1 {
            Shape::Roomy
        } else if w >= COMPACT.0 && h >= COMPACT.1 {
            Shape::Compact
        } else if w >= MIN_SIZE.0 && h >= MIN_SIZE.1 {
            Shape::Minimal
        } else {
            Shape::TooSmall
        }
    }
}

/// Where everything goes, for one frame (outer rectangles, borders included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    /// The title bar.
    pub header: Rect,
    /// Key hints (and messages, when there is no status line).
    pub footer: Rect,
    /// The status line (roomy only).
    pub status: Option<Rect>,
    /// The demo's line while one plays: its position and the step's note.
    pub demo: Option<Rect>,
    /// The scenario list.
    pub list: Option<Rect>,
    /// The parameter form.
    pub params: Option<Rect>,
    /// The call(s) and the outcome line.
    pub call: Option<Rect>,
    /// The page map.
    pub pagemap: Option<Rect>,
    /// Steps, maps lines, findings.
    pub outcome: Option<Rect>,
    /// The lesson.
    pub lesson: Option<Rect>,
    /// Presenter mode's huge outcome word.
    pub big: Option<Rect>,
    /// Presenter mode's findings, under the big word (other layouts show them in the call
    /// pane).
    pub findings: Option<Rect>,
}

/// Share `total` rows between sections: each gets its minimum, then extra up to its
/// preference in `order`, and the section `fill` gets the rest.
fn allocate(total: u16, specs: &[(u16, u16)], order: &[usize], fill: usize) -> Vec<u16> {
    let mut out: Vec<u16> = Vec::with_capacity(specs.len());
    let mut left = total;
    for (min, _) in specs {
        let h = (*min).min(left);
        out.push(h);
        left -= h;
    }
    for &i in order {
        let want = specs[i].1.saturating_sub(out[i]);
        let h = want.min(left);
        out[i] += h;
        left -= h;
    }
    if let Some(h) = out.get_mut(fill) {
        *h += left;
    }
    out
}

/// Stack `heights` from the top of `area`; zero-height sections are `None`.
fn stack(area: Rect, heights: &[u16]) -> Vec<Option<Rect>> {
    let mut y = area.y;
    heights
        .iter()
        .map(|h| {
            let r = Rect::new(area.x, y, area.width, *h);
            y += h;
            (*h > 0).then_some(r)
        })
        .collect()
}

/// The layout of `app` in `area`.
pub fn areas(app: &App, area: Rect) -> Areas {
    let shape = Shape::of(area.width, area.height);
    let mut a = Areas::default();
    if shape == Shape::TooSmall {
        return a;
    }
    a.header = Rect::new(area.x, area.y, area.width, 1);
    a.footer = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let mut body = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
    if shape == Shape::Roomy {
        a.status = Some(Rect::new(area.x, area.bottom() - 2, area.width, 1));
        body.height -= 1;
    }
    // A playing demo keeps its position and note in view, under the title.
    if let Some(rows) = course::demo_rows(app, body.width).filter(|r| body.height > r + 8) {
        a.demo = Some(Rect::new(body.x, body.y, body.width, rows));
        body.y += rows;
        body.height -= rows;
    }
    let calls = call::call_rows(app) as u16;
    // The findings always get their rows in the call pane: they are what the run showed.
    let found = |w: u16| call::extra_rows(app, w) as u16;
    if app.presenter {
        return presenter::areas(app, a, body);
    }
    match shape {
        Shape::Roomy => {
            let list_w = 30;
            let lesson_w = ((body.width - list_w) * 2 / 5).clamp(36, 80);
            a.list = Some(Rect::new(body.x, body.y, list_w, body.height));
            a.lesson = Some(Rect::new(
                body.right() - lesson_w,
                body.y,
                lesson_w,
                body.height,
            ));
            let main = Rect::new(
                body.x + list_w,
                body.y,
                body.width - list_w - lesson_w,
                body.height,
            );
            let keys = app.view.keys.len() as u16;
            // After a run the map has a row more: what the run left.
            let after = u16::from(app.view.after.is_some());
            let big_map = if body.height >= 40 { 10 } else { 8 } + after;
            // mmap-copy's chart after a run: its rows, a row of text and the borders.
            let outcome = if chart::wanted(app) {
                (chart::ROWS + 3).max(6)
            } else {
                6
            };
            let f = found(main.width.saturating_sub(2));
            let h = allocate(
                main.height,
                &[
                    (5, keys + 3),
                    // The outcome pane keeps its rows: the call pane gives up its last ones.
                    (
                        (4 + f).min(main.height.saturating_sub(5 + 7 + outcome)),
                        // Room for a dozen calls and more: each call of the experiment
                        // stays listed, with the findings under the outcome.
                        (calls + 3).min(16) + f,
                    ),
                    (7, big_map),
                    (outcome, outcome),
                ],
                &[1, 2, 0],
                3,
            );
            let s = stack(main, &h);
            (a.params, a.call, a.pagemap, a.outcome) = (s[0], s[1], s[2], s[3]);
        }
        Shape::Compact => {
            // 27: the longest id beside the cursor, the progress mark and the outcome mark.
            let list_w = 27;
            // The left column: the list, and under it the lesson (its question first, then
            // the variants to try), so the outcome on the right stays while a student reads.
            // The focused one of the two gets the room.
            let list_h = match app.focus {
                Focus::List => body.height.saturating_sub(8),
                Focus::Lesson => 3,
                _ => 6,
            };
            let list_h = list_h
                .min(list::wanted_rows(app) as u16 + 1)
                .min(body.height);
            a.list = Some(Rect::new(body.x, body.y, list_w, list_h));
            a.lesson = (body.height > list_h)
                .then(|| Rect::new(body.x, body.y + list_h, list_w, body.height - list_h));
            let main = Rect::new(body.x + list_w, body.y, body.width - list_w, body.height);
            let keys = app.view.keys.len() as u16;
            // When the outcome is focused it gets the room; the form shrinks to its selected
            // row meanwhile.
            let bottom_focused = app.focus == Focus::Outcome;
            let params_pref = if bottom_focused {
                3
            } else {
                (keys + 2).min(11)
            };
            let f = found(main.width);
            // mmap-copy's chart after a run: its rows and the top rule.
            let bottom = if chart::wanted(app) {
                chart::ROWS + 1
            } else {
                3
            };
            let h = allocate(
                main.height,
                &[
                    (3, params_pref),
                    // The bottom pane keeps its rows: the call pane gives up its last ones.
                    (
                        (3 + f).min(main.height.saturating_sub(3 + 4 + bottom)),
                        (calls + 1).min(7) + f,
                    ),
                    (4, 6),
                    (bottom, bottom),
                ],
                &[1, 2, 0],
                3,
            );
            let s = stack(main, &h);
            (a.params, a.call, a.pagemap, a.outcome) = (s[0], s[1], s[2], s[3]);
        }
        Shape::Minimal => {
            let focused_map = app.focus == Focus::Params && body.height >= 12;
            let h = allocate(
                body.height,
                &[
                    (2 + found(body.width), calls.min(5) + 2 + found(body.width)),
                    (3, 3),
                    (0, if focused_map { 5 } else { 0 }),
                ],
                &[0, 2],
                1,
            );
            let s = stack(body, &h);
            a.call = s[0];
            a.pagemap = s[2];
            match app.focus {
                Focus::List => a.list = s[1],
                Focus::Params => a.params = s[1],
                Focus::Outcome => a.outcome = s[1],
                Focus::Lesson => a.lesson = s[1],
            }
        }
        Shape::TooSmall => {}
    }
    a
}

/// Measure the screen for the app's current state: the panes, the rows a click can hit, and
/// how far each pane scrolls. The app stores it after every change ([`App::refresh`]).
pub fn layout(app: &App) -> Layout {
    let a = areas(app, screen(app));
    let shape = screen_shape(app);
    let panes: Vec<(Focus, Rect)> = [
        (a.list, Focus::List),
        (a.params, Focus::Params),
        (a.outcome, Focus::Outcome),
        (a.lesson, Focus::Lesson),
    ]
    .into_iter()
    .filter_map(|(r, f)| r.map(|r| (f, r)))
    .collect();
    let rows = |pane: Focus, hit: fn(&App, Rect, u16) -> Option<usize>| -> Vec<(u16, usize)> {
        let Some((_, r)) = panes.iter().find(|(f, _)| *f == pane) else {
            return Vec::new();
        };
        let inner = pane_block(app, shape, pane).inner(*r);
        (inner.y..inner.bottom())
            .filter_map(|y| hit(app, inner, y).map(|i| (y, i)))
            .collect()
    };
    Layout {
        list_rows: rows(Focus::List, list::hit),
        param_rows: rows(Focus::Params, params::hit),
        max_outcome: max_scroll(app, &a, Focus::Outcome),
        max_lesson: max_scroll(app, &a, Focus::Lesson),
        max_help: help::max_scroll(app, screen(app)),
        panes,
    }
}

/// How far the outcome or the lesson can scroll in these areas.
fn max_scroll(app: &App, a: &Areas, pane: Focus) -> u16 {
    let lines = match pane {
        Focus::Outcome => outcome::lines as fn(&App, u16) -> Vec<Line<'static>>,
        Focus::Lesson => lesson::lines as fn(&App, u16) -> Vec<Line<'static>>,
        _ => return 0,
    };
    // A pane not on screen (compact layouts show one of the two) scrolls as if it were in
    // the other's place.
    let rect = match pane {
        Focus::Outcome => a.outcome.or(a.lesson),
        _ => a.lesson.or(a.outcome),
    };
    let Some(rect) = rect else { return 0 };
    let inner = pane_block(app, screen_shape(app), pane).inner(rect);
    let n = lines(app, inner.width).len();
    n.saturating_sub(inner.height as usize)
        .min(u16::MAX as usize) as u16
}

/// The whole terminal as a rectangle.
fn screen(app: &App) -> Rect {
    Rect::new(0, 0, app.size.0, app.size.1)
}

/// The layout of the whole terminal.
fn screen_shape(app: &App) -> Shape {
    Shape::of(app.size.0, app.size.1)
}

/// The pane's title, as shown on its border.
fn pane_title(pane: Focus, lang: Lang) -> &'static str {
    t(
        match pane {
            Focus::List => S::Scenarios,
            Focus::Params => S::Parameters,
            Focus::Outcome => S::Outcome,
            Focus::Lesson => S::Lesson,
        },
        lang,
    )
}

/// A section's frame: a full border in the roomy layout, a titled rule above it otherwise.
fn section<'a>(app: &App, shape: Shape, title: Line<'a>, focused: bool) -> Block<'a> {
    let style = if focused {
        app.theme.focus
    } else {
        app.theme.border
    };
    let title = if focused {
        let mut spans = vec![Span::styled(format!(" {}", app.glyphs.cursor), style)];
        spans.extend(title.spans.into_iter().map(|s| s.style(style)));
        Line::from(spans)
    } else {
        title.style(style)
    };
    let borders = if shape == Shape::Roomy && !app.presenter {
        Borders::ALL
    } else {
        Borders::TOP
    };
    Block::new()
        .borders(borders)
        .border_set(app.glyphs.border)
        .border_style(style)
        .title(title)
}

/// The frame of a focusable pane.
fn pane_block(app: &App, shape: Shape, pane: Focus) -> Block<'static> {
    let title = match chart::caption(app).filter(|_| pane == Focus::Outcome) {
        // mmap-copy's chart has no row of its own for what its bars mean.
        Some(caption) => format!(" {} · {caption} ", pane_title(pane, app.lang)),
        None => format!(" {} ", pane_title(pane, app.lang)),
    };
    let block = section(app, shape, Line::from(title), app.focus == pane);
    // In the compact layout the list and the lesson sit left of a vertical rule.
    if matches!(pane, Focus::List | Focus::Lesson) && shape == Shape::Compact {
        return block.borders(Borders::TOP | Borders::RIGHT);
    }
    block
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        self.render_frame(area, buf);
        if self.ascii {
            asciify(area, buf);
        }
    }
}

/// `--ascii` is for terminals that draw East Asian "ambiguous width" characters two cells
/// wide (often with CJK fonts), which breaks every line they are in. Borders and marks come
/// from the ASCII glyph set already; this last pass catches the ambiguous symbols that live
/// in texts (separators, arrows, ellipses, quotes), in one place rather than in every
/// string. Chinese characters are wide everywhere and stay.
fn asciify(area: Rect, buf: &mut Buffer) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if let Some(plain) = ascii_stand_in(cell.symbol()) {
                cell.set_symbol(plain);
            }
        }
    }
}

/// The ASCII stand-in of an ambiguous-width symbol the interface uses, if it is one.
fn ascii_stand_in(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        // Not `*`: that is the warning's mark.
        "·" | "•" => "-",
        "…" => "~",
        "→" | "▸" | "►" => ">",
        "←" => "<",
        "↑" => "^",
        // Capitals: `v` and `x` are the marks of OK and of an errno.
        "↓" => "V",
        // Not `=`: "English = 中文" reads as if the two were the same.
        "⇄" | "↔" => "/",
        "—" | "–" | "─" => "-",
        "×" => "X",
        "“" | "”" => "\"",
        "‘" | "’" => "'",
        "±" => "+",
        "°" => "o",
        _ => return None,
    })
}

impl App {
    /// The page map of the current plan (and what the run left of it), if there is one.
    fn pagemap_widget(&self) -> Option<super::pagemap::PageMapWidget<'_>> {
        self.view
            .pagemap
            .as_ref()
            .map(|map| super::pagemap::PageMapWidget {
                map,
                after: self.view.after.as_ref(),
                measured: self.measured_pages(),
                answered: self.shown().complete,
                theme: &self.theme,
                glyphs: &self.glyphs,
                lang: self.lang,
            })
    }

    /// The pages the page map draws: for now those of the last step with pages of a run of
    /// these parameters; `None` before such a run.
    fn measured_pages(&self) -> Option<super::pagemap::Measured<'_>> {
        // The pages as the kernel reported them after the last step revealed that read
        // them: stepping shows each step's state, never a later one's.
        let shown = self.shown();
        let visible = shown.record?.run.environment.pfn_visible;
        let step = shown.steps().iter().rev().find(|s| !s.pages.is_empty())?;
        super::pagemap::Measured::of(step, visible)
    }

    /// Everything a frame shows, in the glyphs of the chosen set.
    fn render_frame(&self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.text);
        let shape = Shape::of(area.width, area.height);
        if shape == Shape::TooSmall {
            render_too_small(self, area, buf);
            return;
        }
        let a = areas(self, area);
        render_header(self, a.header, buf);
        if let Some(r) = a.demo {
            course::render_demo_line(self, r, buf);
        }
        if let Some(r) = a.list {
            let block = pane_block(self, shape, Focus::List);
            let inner = block.inner(r);
            block.render(r, buf);
            list::render(self, inner, buf);
        }
        if let Some(r) = a.params {
            let block = pane_block(self, shape, Focus::Params);
            let inner = block.inner(r);
            block.render(r, buf);
            params::render(self, inner, buf);
        }
        if let Some(r) = a.call {
            let title = Line::from(format!(" {} ", t(S::TheCall, self.lang)));
            let block = section(self, shape, title, false);
            let inner = block.inner(r);
            block.render(r, buf);
            call::render(self, inner, buf);
        }
        if let (Some(r), true) = (a.pagemap, self.presenter) {
            // Presenter mode's strip has no frame: its rows are the mapping as planned and
            // what the run left.
            if let Some(map) = self.pagemap_widget() {
                map.render(r, buf);
            }
        } else if let Some(r) = a.pagemap {
            let title = Line::from(format!(
                " {} · {} {} ",
                t(S::PageMap, self.lang),
                t(S::PageSize, self.lang),
                self.page
            ));
            let block = section(self, shape, title, false);
            let inner = block.inner(r);
            block.render(r, buf);
            if let Some(map) = self.pagemap_widget() {
                map.render(inner, buf);
            }
        }
        if let Some(r) = a.outcome {
            let block = pane_block(self, shape, Focus::Outcome);
            let inner = block.inner(r);
            block.render(r, buf);
            outcome::render(self, inner, buf);
        }
        if let Some(r) = a.lesson {
            let block = pane_block(self, shape, Focus::Lesson);
            let inner = block.inner(r);
            block.render(r, buf);
            lesson::render(self, inner, buf);
        }
        if let Some(r) = a.big {
            presenter::render_big(self, r, buf);
        }
        if let Some(r) = a.findings {
            presenter::render_findings(self, r, buf);
        }
        if let Some(r) = a.status {
            render_message(self, r, buf);
        }
        render_footer(self, a.footer, a.status.is_none(), buf);
        course::render_picker(self, area, buf);
        if self.help.is_some() {
            help::render(self, area, buf);
        }
    }
}

/// The title bar: where we are in the lessons, and the lab's settings.
fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, app.theme.title);
    // A run still being stepped through has not run yet.
    let done = app
        .states
        .iter()
        .filter_map(|s| s.result.as_ref())
        .filter(|r| match &r.outcome {
            Ok(record) => record.run.held.is_none(),
            Err(_) => true,
        })
        .count();
    let theme = match app.theme.name {
        super::ThemeName::Dark => S::ThemeDark,
        super::ThemeName::Light => S::ThemeLight,
        super::ThemeName::Mono => S::ThemeMono,
    };
    // The counters first, then the demo's step, then the settings; what does not fit beside
    // the title goes from the end (theme, language, page size, then the demo's step, which
    // has its own line). The counters stay.
    let mut parts = course::header_extra(app);
    let demo = app.demo_position().is_some();
    parts.insert(
        parts.len() - usize::from(demo),
        strings::run_count(done, app.scenarios.len(), app.lang),
    );
    parts.push(format!("{} {}", t(S::PageSize, app.lang), app.page));
    parts.push(t(S::LangName, app.lang).to_string());
    parts.push(t(theme, app.lang).to_string());
    let joined = |parts: &[String]| format!(" {} ", parts.join(" · "));
    // The settings and the demo's step only beside the whole title with its id; the
    // counters beside 30 cells of it.
    let title = text::width(&format!(
        " {}/{} {} · {}",
        app.scenario().order(),
        app.scenarios.len(),
        app.scenario().id,
        app.lesson().title
    )) + 1;
    let counters = parts.len() - 3 - usize::from(demo);
    let mut keep = parts.len();
    while keep > counters && (area.width as usize) < text::width(&joined(&parts[..keep])) + title {
        keep -= 1;
    }
    let right = joined(&parts[..keep]);
    let (left, show_right) = header_left(app, area.width, text::width(&right));
    let rw = text::width(&right) as u16;
    let left_w = if show_right {
        area.width - rw
    } else {
        area.width
    };
    buf.set_stringn(
        area.x,
        area.y,
        text::truncate(&left, left_w as usize),
        left_w as usize,
        app.theme.title,
    );
    if show_right {
        buf.set_stringn(
            area.right() - rw,
            area.y,
            &right,
            rw as usize,
            app.theme.title,
        );
    }
}

/// The left of the title bar, and whether the settings on the right fit beside it (when 30
/// cells are left for the title, as always). When room is short the lab's name goes first,
/// then the id is shortened, then left out; the scenario's number and title stay (a class
/// reads the title), and only a title that does not fit alone is truncated, never while the
/// id is shown.
fn header_left(app: &App, width: u16, right: usize) -> (String, bool) {
    let s = app.scenario();
    let title = &app.lesson().title;
    let number = format!("{}/{}", s.order(), app.scenarios.len());
    let show_right = width as usize >= right + 30;
    let room = if show_right {
        width as usize - right
    } else {
        width as usize
    };
    let with_id = |id: &str| format!(" {number} {id} · {title}");
    let keep = room.saturating_sub(text::width(&with_id("")));
    let candidates = [
        Some(format!(" mmap-lab · {number} {} · {title}", s.id)),
        Some(with_id(s.id)),
        // The id shortened to what the rest leaves (at least four letters and `…`).
        (keep >= 5).then(|| with_id(&text::truncate(s.id, keep))),
        Some(format!(" {number} {title}")),
    ];
    let fits = candidates
        .into_iter()
        .flatten()
        .find(|c| text::width(c) <= room);
    (
        fits.unwrap_or_else(|| format!(" {number} {title}")),
        show_right,
    )
}

/// The status message as text in the current language.
pub fn message_text(app: &App, m: &Message) -> String {
    let lang = app.lang;
    match m {
        Message::Copied(id) => strings::copied(id, lang),
        Message::NothingToCopy => t(S::NothingToCopy, lang).to_string(),
        Message::Ime => t(S::ImeHint, lang).to_string(),
        Message::NotAKnob(key) => strings::not_a_knob(*key, lang),
        Message::Reset => t(S::ResetDone, lang).to_string(),
        Message::AlreadyRunning => t(S::AlreadyRunning, lang).to_string(),
        Message::NoStepping(why) => strings::no_stepping(why, lang),
        Message::PressE => t(S::PressE, lang).to_string(),
        Message::Refused(err) => strings::param_error(err, lang),
        Message::Course(note) => crate::tui::course::note_text(note, lang),
    }
}

/// The status line: the message, or the run in progress.
fn render_message(app: &App, area: Rect, buf: &mut Buffer) {
    let text = match (&app.message, &app.running) {
        (Some(m), _) => message_text(app, m),
        // A stepped run held at a stop is not running: its line in the call pane says so.
        (None, Some(r)) if r.stepping.as_ref().is_none_or(|s| s.stops == 0) => format!(
            "{} {} · {}",
            app.glyphs.spinner[app.frame % app.glyphs.spinner.len()],
            app.scenarios[r.scenario].id,
            strings::running_for(r.elapsed.as_millis(), app.lang)
        ),
        (None, _) => return,
    };
    buf.set_stringn(
        area.x + 1,
        area.y,
        text::truncate(&text, area.width.saturating_sub(2) as usize),
        area.width.saturating_sub(1) as usize,
        app.theme.message,
    );
}

/// The footer: the keys that matter where the focus is, `? help` last. Without a status line
/// a message takes the footer's place until the next key.
fn render_footer(app: &App, area: Rect, with_message: bool, buf: &mut Buffer) {
    if with_message {
        if let Some(m) = &app.message {
            let help = super::event::help_command();
            let tail = format!("  {} {}", key_label(app, help), t(help.text, app.lang));
            let tw = text::width(&tail);
            let room = (area.width as usize).saturating_sub(tw + 1);
            let line = Line::from(vec![
                Span::styled(
                    format!(" {}", text::truncate(&message_text(app, m), room)),
                    app.theme.message,
                ),
                Span::styled(tail, app.theme.dim),
            ]);
            buf.set_line(area.x, area.y, &line, area.width);
            return;
        }
    }
    let mode: Mode = app.mode();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let commands = footer(mode, app.focus);
    let last = commands.len().saturating_sub(1);
    let width_of = |c: &super::event::Command| {
        text::width(key_label(app, c)) + 1 + text::width(t(c.text, app.lang)) + 2
    };
    // Keep `? help` and `r run` whatever happens: drop the other hints that do not fit.
    let kept = |i: usize| {
        i == last
            || commands[i]
                .bindings
                .iter()
                .any(|b| b.action == super::event::Action::Run)
    };
    let mut reserved: usize = (0..commands.len())
        .filter(|&i| kept(i))
        .map(|i| width_of(commands[i]))
        .sum();
    for (i, c) in commands.iter().enumerate() {
        let w = width_of(c);
        if kept(i) {
            reserved = reserved.saturating_sub(w);
        } else if used + w + reserved > area.width as usize {
            continue;
        }
        spans.push(Span::styled(key_label(app, c).to_string(), app.theme.key));
        spans.push(Span::styled(
            format!(" {}  ", t(c.text, app.lang)),
            app.theme.dim,
        ));
        used += w;
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// The keys of a command as shown: arrows, or their names with `--ascii`.
pub fn key_label(app: &App, c: &super::event::Command) -> &'static str {
    if app.ascii {
        c.ascii_keys
    } else {
        c.keys
    }
}

/// Below the minimum size: say so, centred, in the current language.
fn render_too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let msg = strings::too_small(MIN_SIZE, (area.width, area.height), app.lang);
    let lines = text::wrap(&Line::from(msg), area.width.max(1) as usize);
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + (area.height - h) / 2;
    let r = Rect::new(area.x, y, area.width, h);
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .style(app.theme.message)
        .render(r, buf);
}

/// Make room for an overlay (the help, the picker) at `r`: blank it in the theme's colours,
/// and blank a wide character just left of it. Such a character's right half lies under the
/// overlay's left border; the terminal would draw it whole over the border (ratatui skips
/// the cell behind a wide character), and the border would vanish where Chinese text is
/// behind the box.
pub fn clear_for_overlay(app: &App, r: Rect, buf: &mut Buffer) {
    use ratatui::widgets::Clear;
    Clear.render(r, buf);
    // Clear resets the cells to the terminal's colours: paint the theme's again.
    buf.set_style(r, app.theme.text);
    if r.x == 0 {
        return;
    }
    for y in r.top()..r.bottom() {
        let cell = &mut buf[(r.x - 1, y)];
        if text::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// The style of an outcome, by kind.
pub fn outcome_style(app: &App, o: &mmap_lab_engine::Outcome) -> Style {
    match o {
        mmap_lab_engine::Outcome::Ok => app.theme.ok,
        mmap_lab_engine::Outcome::Errno { .. } => app.theme.errno,
        mmap_lab_engine::Outcome::Signal { .. } | mmap_lab_engine::Outcome::Clobbered { .. } => {
            app.theme.signal
        }
        mmap_lab_engine::Outcome::Timeout { .. } => app.theme.timeout,
    }
}

/// Draw `lines` into `area` from row `scroll` on; when more rows follow than fit, the last
/// row says how many (`↓ 3 more`), so nobody misses what is below the fold.
fn render_scrolled(app: &App, lines: &[Line<'_>], scroll: u16, area: Rect, buf: &mut Buffer) {
    let h = area.height as usize;
    let below = lines.len().saturating_sub(scroll as usize + h);
    if below == 0 || h < 2 {
        render_lines(lines, scroll, area, buf);
        return;
    }
    let shown = Rect::new(area.x, area.y, area.width, area.height - 1);
    render_lines(lines, scroll, shown, buf);
    let more = t(S::More, app.lang).replace("{0}", &(below + 1).to_string());
    buf.set_line(
        area.x,
        area.bottom() - 1,
        &Line::from(Span::styled(more, app.theme.key)),
        area.width,
    );
}

/// Draw `lines` into `area` from row `scroll` on.
fn render_lines(lines: &[Line<'_>], scroll: u16, area: Rect, buf: &mut Buffer) {
    for (i, line) in lines
        .iter()
        .skip(scroll as usize)
        .take(area.height as usize)
        .enumerate()
    {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

#[cfg(test)]
mod tests;
