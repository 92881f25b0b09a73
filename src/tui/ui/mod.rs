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
mod draw;
mod frame;
mod help;
mod lesson;
mod list;
mod outcome;
mod params;
mod presenter;
mod shape;
pub mod text;

pub use draw::{clear_for_overlay, outcome_style};
pub use frame::{key_label, message_text};
use frame::{render_footer, render_header, render_message};
use shape::{allocate, stack};
pub use shape::{Areas, Shape, MIN_SIZE};

use super::app::App;
use super::state::{Focus, Layout};
use crate::strings::{self, t, S};
use mmap_lab_engine::Lang;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

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
    if app.presenter {
        return presenter::areas(app, a, body);
    }
    match shape {
        Shape::Roomy => roomy(app, &mut a, body, calls),
        Shape::Compact => compact(app, &mut a, body, calls),
        Shape::Minimal => minimal(app, &mut a, body, calls),
        Shape::TooSmall => {}
    }
    a
}

/// The body of a roomy screen: the list left, the lesson right, and between them the form,
/// the calls, the page map and the outcome.
fn roomy(app: &App, a: &mut Areas, body: Rect, calls: u16) {
    // The findings always get their rows in the call pane: they are what the run showed.
    let found = |w: u16| call::extra_rows(app, w) as u16;
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

/// The body of a compact screen: the list over the lesson on the left, the form, the calls,
/// the page map and the outcome on the right.
fn compact(app: &App, a: &mut Areas, body: Rect, calls: u16) {
    // The findings always get their rows in the call pane: they are what the run showed.
    let found = |w: u16| call::extra_rows(app, w) as u16;
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

/// The body of a minimal screen: the calls, the focused pane, and the page map when the
/// form is focused and there is room.
fn minimal(app: &App, a: &mut Areas, body: Rect, calls: u16) {
    // The findings always get their rows in the call pane: they are what the run showed.
    let found = |w: u16| call::extra_rows(app, w) as u16;
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
        render_frame(self, area, buf);
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

/// The page map of the current plan (and what the run left of it), if there is one.
fn pagemap_widget(app: &App) -> Option<super::pagemap::PageMapWidget<'_>> {
    app.view
        .pagemap
        .as_ref()
        .map(|map| super::pagemap::PageMapWidget {
            map,
            after: app.view.after.as_ref(),
            measured: measured_pages(app),
            answered: app.shown().complete,
            theme: &app.theme,
            glyphs: &app.glyphs,
            lang: app.lang,
        })
}

/// The pages the page map draws: for now those of the last step with pages of a run of
/// these parameters; `None` before such a run.
fn measured_pages(app: &App) -> Option<super::pagemap::Measured<'_>> {
    // The pages as the kernel reported them after the last step revealed that read
    // them: stepping shows each step's state, never a later one's.
    let shown = app.shown();
    let visible = shown.record?.run.environment.pfn_visible;
    let step = shown.steps().iter().rev().find(|s| !s.pages.is_empty())?;
    super::pagemap::Measured::of(step, visible)
}

/// Everything a frame shows, in the glyphs of the chosen set.
fn render_frame(app: &App, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, app.theme.text);
    let shape = Shape::of(area.width, area.height);
    if shape == Shape::TooSmall {
        render_too_small(app, area, buf);
        return;
    }
    let a = areas(app, area);
    render_header(app, a.header, buf);
    if let Some(r) = a.demo {
        course::render_demo_line(app, r, buf);
    }
    if let Some(r) = a.list {
        let block = pane_block(app, shape, Focus::List);
        let inner = block.inner(r);
        block.render(r, buf);
        list::render(app, inner, buf);
    }
    if let Some(r) = a.params {
        let block = pane_block(app, shape, Focus::Params);
        let inner = block.inner(r);
        block.render(r, buf);
        params::render(app, inner, buf);
    }
    if let Some(r) = a.call {
        let title = Line::from(format!(" {} ", t(S::TheCall, app.lang)));
        let block = section(app, shape, title, false);
        let inner = block.inner(r);
        block.render(r, buf);
        call::render(app, inner, buf);
    }
    if let (Some(r), true) = (a.pagemap, app.presenter) {
        // Presenter mode's strip has no frame: its rows are the mapping as planned and
        // what the run left.
        if let Some(map) = pagemap_widget(app) {
            map.render(r, buf);
        }
    } else if let Some(r) = a.pagemap {
        let title = Line::from(format!(
            " {} · {} {} ",
            t(S::PageMap, app.lang),
            t(S::PageSize, app.lang),
            app.page
        ));
        let block = section(app, shape, title, false);
        let inner = block.inner(r);
        block.render(r, buf);
        if let Some(map) = pagemap_widget(app) {
            map.render(inner, buf);
        }
    }
    if let Some(r) = a.outcome {
        let block = pane_block(app, shape, Focus::Outcome);
        let inner = block.inner(r);
        block.render(r, buf);
        outcome::render(app, inner, buf);
    }
    if let Some(r) = a.lesson {
        let block = pane_block(app, shape, Focus::Lesson);
        let inner = block.inner(r);
        block.render(r, buf);
        lesson::render(app, inner, buf);
    }
    if let Some(r) = a.big {
        presenter::render_big(app, r, buf);
    }
    if let Some(r) = a.findings {
        presenter::render_findings(app, r, buf);
    }
    if let Some(r) = a.status {
        render_message(app, r, buf);
    }
    render_footer(app, a.footer, a.status.is_none(), buf);
    course::render_picker(app, area, buf);
    if app.help.is_some() {
        help::render(app, area, buf);
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

#[cfg(test)]
mod tests;
