//! What the course adds to the screen (issue 10): the progress mark of a scenario in the list,
//! the "try next" list of its declared variants with their check marks, and the help's
//! explanation of every mark.

use super::text;
use crate::strings::{t, C, S};
use crate::tui::app::App;
use crate::tui::course::Stage;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

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
    let track = &app.course.tracks[app.current];
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
            t(S::Course(C::MarkOutcomes), lang)
        ))),
    ]
}
