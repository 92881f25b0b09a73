//! The scenario list: lesson order, grouped by topic, each scenario marked by its progress
//! (`●` done, `◐` in progress, `○` not started: `ui::course`) and by its last run
//! with a glyph *and* a colour (`✔`, `✘`, `⚡`, `⌛`; `·` not run yet).

use super::text;
use crate::strings;
use crate::tui::app::App;
use crate::tui::state::Focus;
use mmap_lab_engine::{Outcome, Topic};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// A row of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    /// A topic's heading.
    Topic(Topic),
    /// Scenario `i`.
    Scenario(usize),
    /// The filter as typed (`/`), while it is open.
    Filter,
    /// Nothing matches the filter.
    NoMatch,
}

fn rows(app: &App) -> Vec<Row> {
    let mut out = Vec::with_capacity(app.scenarios.len() + 4);
    if app.filter.is_some() {
        out.push(Row::Filter);
    }
    let shown = app.visible();
    if shown.is_empty() {
        out.push(Row::NoMatch);
    }
    let mut topic = None;
    for i in shown {
        let s = app.scenarios[i];
        if topic != Some(s.topic) {
            topic = Some(s.topic);
            out.push(Row::Topic(s.topic));
        }
        out.push(Row::Scenario(i));
    }
    out
}

/// The rows the whole list takes (its topics' headings and its scenarios).
pub fn wanted_rows(app: &App) -> usize {
    rows(app).len()
}

/// The first row shown: keep the selected scenario (and, when possible, its heading) in view.
fn offset(rows: &[Row], selected: usize, height: usize) -> usize {
    let at = rows
        .iter()
        .position(|r| *r == Row::Scenario(selected))
        .unwrap_or(0);
    (at + 1).saturating_sub(height.max(1))
}

/// The mark of scenario `i`: glyph and style.
fn mark(app: &App, i: usize) -> (&'static str, Style) {
    let g = &app.glyphs;
    let th = &app.theme;
    // A stepped run held at a stop is not running: no spinner.
    let held = |r: &crate::tui::app::Running| r.stepping.as_ref().is_some_and(|s| s.stops > 0);
    if app
        .running
        .as_ref()
        .is_some_and(|r| r.scenario == i && !held(r))
    {
        return (g.spinner[app.frame % g.spinner.len()], th.message);
    }
    // A run still being stepped through shows no outcome yet.
    let revealed = |r: &&crate::tui::app::RunResult| match &r.outcome {
        Ok(record) => crate::tui::revealed::Shown::of(record, r.revealed).complete,
        Err(_) => true,
    };
    match app.states[i]
        .result
        .as_ref()
        .filter(revealed)
        .map(|r| r.outcome.as_ref())
    {
        None => (g.not_run, th.dim),
        Some(Err(_)) => (g.timeout, th.timeout),
        Some(Ok(rec)) => match rec.run.outcome {
            Outcome::Ok if rec.run.ok_but() => (g.warning, th.warning),
            Outcome::Ok => (g.ok, th.ok),
            Outcome::Errno { .. } => (g.errno, th.errno),
            Outcome::Signal { .. } | Outcome::Clobbered { .. } => (g.signal, th.signal),
            Outcome::Timeout { .. } => (g.timeout, th.timeout),
        },
    }
}

/// The rows on screen in a list `height` rows tall, top to bottom: the filter's row stays
/// first, the rest scrolls to keep the selected scenario in view.
fn shown_rows(app: &App, height: usize) -> Vec<Row> {
    let mut rows = rows(app);
    let fixed: Vec<Row> = if rows.first() == Some(&Row::Filter) {
        vec![rows.remove(0)]
    } else {
        Vec::new()
    };
    let h = height.saturating_sub(fixed.len());
    let skip = offset(&rows, app.current, h);
    fixed
        .into_iter()
        .chain(rows.into_iter().skip(skip).take(h))
        .take(height)
        .collect()
}

/// Draw the list.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.focus == Focus::List;
    for (n, row) in shown_rows(app, area.height as usize).iter().enumerate() {
        let y = area.y + n as u16;
        let line = match *row {
            Row::Filter => Line::from(vec![
                Span::styled("/ ", app.theme.key),
                Span::styled(
                    format!("{}▏", app.filter.as_deref().unwrap_or_default()),
                    app.theme.editor,
                ),
            ]),
            Row::NoMatch => Line::from(Span::styled(
                crate::strings::t(crate::strings::S::FilterNone, app.lang),
                app.theme.dim,
            )),
            Row::Topic(topic) => Line::from(Span::styled(
                strings::topic(topic, app.lang),
                app.theme.heading,
            )),
            Row::Scenario(i) => {
                let selected = i == app.current;
                let (glyph, style) = mark(app, i);
                // Two cells for every mark: `⚡` and `⌛` are wide, `✔` is not.
                let glyph = text::pad(glyph, 2);
                let cursor = if selected { app.glyphs.cursor } else { " " };
                let id_style = match (selected, focused) {
                    (true, true) => app.theme.selected,
                    (true, false) => app.theme.selected_idle,
                    _ => app.theme.text,
                };
                let (progress, progress_style) = super::course::progress_mark(app, i);
                Line::from(vec![
                    Span::styled(cursor, app.theme.focus),
                    Span::styled(progress, progress_style),
                    Span::styled(glyph, style),
                    Span::styled(app.scenarios[i].id, id_style),
                ])
            }
        };
        buf.set_line(area.x, y, &line, area.width);
    }
}

/// The scenario at screen row `y`.
pub fn hit(app: &App, area: Rect, y: u16) -> Option<usize> {
    if y < area.y || y >= area.bottom() {
        return None;
    }
    match shown_rows(app, area.height as usize).get((y - area.y) as usize) {
        Some(Row::Scenario(i)) => Some(*i),
        _ => None,
    }
}
