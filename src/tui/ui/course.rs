//! What the course adds to the screen: the progress mark of a scenario in the list,
//! the "try next" list of its declared variants with their check marks, and the help's
//! explanation of every mark; the prediction picker, its verdict and the header's score.

use super::text;
use crate::strings::{t, C, S};
use crate::tui::app::App;
use crate::tui::course::Stage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

/// The progress mark of scenario `i` (one cell), apart from its last outcome: `●` done, `◐`
/// in progress, `○` not started (`#`, `+`, `-` with `--ascii`).
pub fn progress_mark(app: &App, i: usize) -> (&'static str, Style) {
    let th = &app.theme;
    let (uni, ascii, style) = match app.stage(i) {
        Stage::Done => ("●", "#", th.ok),
        Stage::InProgress => ("◐", "+", th.message),
        Stage::NotStarted => ("○", "-", th.dim),
    };
    (if app.ascii { ascii } else { uni }, style)
}

/// The "try next" block of the lesson pane: the defaults and each declared variant, with a
/// check mark once it ran and its key (`d`, `1`–`9`).
pub fn try_next(app: &App, width: usize) -> Vec<Line<'static>> {
    let scenario = app.scenario();
    if scenario.variants.is_empty() {
        return Vec::new();
    }
    let th = &app.theme;
    let g = &app.glyphs;
    let track = &app.states[app.current].track;
    let mark = |done: bool| {
        if done {
            Span::styled(text::pad(g.ok, 2), th.ok)
        } else {
            Span::styled(text::pad(g.not_run, 2), th.dim)
        }
    };
    let mut out = vec![
        Line::default(),
        Line::from(Span::styled(t(S::Course(C::TryNext), app.lang), th.heading)),
    ];
    let row = |key: String, done: bool, what: String| {
        Line::from(vec![
            Span::styled(format!("  {key} "), th.key),
            mark(done),
            Span::styled(what, th.call),
        ])
    };
    out.extend(text::wrap_indent(
        &row(
            "d".into(),
            track.default_done,
            t(S::Course(C::Defaults), app.lang).into(),
        ),
        width,
        7,
    ));
    for (i, v) in scenario.variants.iter().enumerate() {
        let key = if i < 9 {
            (i + 1).to_string()
        } else {
            "v".into()
        };
        let line = row(key, track.variant_done(i), v.sets(app.page).join(" "));
        out.extend(text::wrap_indent(&line, width, 7));
    }
    out
}

/// The help's section on the list's marks.
pub fn marks_help(app: &App) -> Vec<Line<'static>> {
    let th = &app.theme;
    let lang = app.lang;
    let row = |(uni, ascii): (&str, &str), style: Style, what: C| {
        Line::from(vec![
            Span::styled(
                format!("  {}  ", if app.ascii { ascii } else { uni }),
                style,
            ),
            Span::raw(t(S::Course(what), lang).to_string()),
        ])
    };
    vec![
        Line::default(),
        Line::from(Span::styled(
            t(S::Course(C::MarksHeading), lang),
            th.heading,
        )),
        row(("●", "#"), th.ok, C::MarkDone),
        row(("◐", "+"), th.message, C::MarkInProgress),
        row(("○", "-"), th.dim, C::MarkNotStarted),
        Line::from(Span::raw(format!(
            "  {}",
            // The marks of the glyph set in use: `--ascii` has its own.
            t(S::Course(C::MarkOutcomes), lang)
                .replace("{ok}", app.glyphs.ok)
                .replace("{errno}", app.glyphs.errno)
                .replace("{signal}", app.glyphs.signal)
                .replace("{timeout}", app.glyphs.timeout)
                .replace("{not_run}", app.glyphs.not_run)
        ))),
    ]
}

/// The verdict on the prediction, for the top of the outcome pane.
pub fn verdict_line(app: &App) -> Option<Line<'static>> {
    let v = app.verdict()?;
    let (glyph, style) = if v.right {
        (app.glyphs.ok, app.theme.ok)
    } else {
        (app.glyphs.errno, app.theme.errno)
    };
    Some(Line::from(Span::styled(
        format!("{glyph} {}", v.text(app.lang)),
        style,
    )))
}

/// The header's course parts, most important first: the held child's `/proc/PID/`, `your last settings` when the form
/// shows the remembered parameters, the prediction score once there is one
/// (`predictions 5/7`), the demo's step (`demo 3/12`, also on the demo's own line).
pub fn header_extra(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    // A held child, for `cat /proc/PID/maps` in a second terminal.
    if !app.held_pids().is_empty() {
        out.push(crate::strings::held_pids(app.held_pids(), app.lang));
    }
    if app.last_settings_shown() {
        out.push(t(S::Course(C::LastSettings), app.lang).to_string());
    }
    let (right, total) = app.score();
    if total > 0 {
        out.push(crate::strings::score(right, total, app.lang));
    }
    if let Some((n, total)) = app.demo_position() {
        out.push(crate::strings::demo_position(n, total, app.lang));
    }
    out
}

/// The demo line's text, wrapped to `width`.
fn demo_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let Some(line) = app.demo_line() else {
        return Vec::new();
    };
    let line = Line::from(Span::styled(line, app.theme.message));
    text::wrap_indent(&line, width.saturating_sub(1).max(1) as usize, 2)
}

/// The rows the demo line takes at `width` (`None`: no demo plays): all of its note in
/// presenter mode up to three rows, up to two otherwise.
pub fn demo_rows(app: &App, width: u16) -> Option<u16> {
    app.course.demo.as_ref()?;
    let most = if app.presenter { 3 } else { 2 };
    Some((demo_lines(app, width).len() as u16).clamp(1, most))
}

/// Draw the demo line; a note longer than its rows ends with `…`.
pub fn render_demo_line(app: &App, area: Rect, buf: &mut Buffer) {
    let mut lines = demo_lines(app, area.width);
    let rows = area.height as usize;
    if lines.len() > rows {
        lines.truncate(rows);
        if let Some(last) = lines.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let room = (area.width as usize).saturating_sub(2);
            *last = Line::from(Span::styled(
                text::truncate(&format!("{text}…"), room),
                app.theme.message,
            ));
        }
    }
    let inner = Rect::new(
        area.x + 1,
        area.y,
        area.width.saturating_sub(1),
        area.height,
    );
    super::draw::render_lines(&lines, 0, inner, buf);
}

/// The prediction picker: a small popup over the form, its answers around the cursor.
pub fn render_picker(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(p) = &app.predictions.picker else {
        return;
    };
    let th = &app.theme;
    let w = area.width.min(28);
    let h = area.height.min(p.answers.len() as u16 + 2).min(14);
    if w < 8 || h < 3 {
        return;
    }
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    super::draw::clear_for_overlay(app, r, buf);
    let block = Block::bordered()
        .border_set(app.glyphs.border)
        .border_style(th.focus)
        .title(Line::from(format!(" {} ", crate::tui::predict::title(app.lang))).style(th.focus));
    let inner = block.inner(r);
    block.render(r, buf);
    buf.set_style(inner, th.text);
    let rows = inner.height as usize;
    // Keep the cursor in view.
    let skip = (p.cursor + 1).saturating_sub(rows);
    for (n, (i, a)) in p
        .answers
        .iter()
        .enumerate()
        .skip(skip)
        .take(rows)
        .enumerate()
    {
        let selected = i == p.cursor;
        let style = if selected { th.selected } else { th.text };
        let cursor = if selected { app.glyphs.cursor } else { " " };
        let line = Line::from(vec![
            Span::styled(cursor, th.focus),
            Span::styled(format!(" {}", a.label(app.lang)), style),
        ]);
        buf.set_line(inner.x, inner.y + n as u16, &line, inner.width);
    }
}
