//! The call pane: the C-like calls the experiment will make with the current arguments
//! (updated as knobs turn), then the outcome in one line. After a run, the argument the
//! lesson's rule points at is highlighted: an explanation beside the kernel's answer.

use super::text;
use crate::report;
use crate::strings::{self, t, S};
use crate::tui::app::App;
use mmap_lab_engine::blame::Call;
use mmap_lab_engine::engine::{Purpose, Side};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Rows the pane would like at `width`: one per call, the outcome, the findings (outside
/// presenter mode, which shows them under its big word), and the blame line.
pub fn wanted_rows(app: &App, width: u16) -> usize {
    let findings = if app.presenter {
        0
    } else {
        finding_rows(app, width)
    };
    call_rows(app) + findings
}

/// Rows of the calls, the outcome line and the blame line.
pub fn call_rows(app: &App) -> usize {
    app.view.calls.len() + 1 + usize::from(!app.view.blame.is_empty())
}

/// Rows the findings take at `width`, wrapped.
pub fn finding_rows(app: &App, width: u16) -> usize {
    let width = width.max(1) as usize;
    finding_lines(app)
        .iter()
        .map(|l| text::wrap_indent(l, width, 2).len())
        .sum()
}

/// Rows the pane needs at `width` beyond one per call and one for the outcome: the findings
/// (outside presenter mode), and the rows that wrapping the calls and the outcome line adds.
/// The layout gives them room, so a long outcome line does not push the calls off the pane.
pub fn extra_rows(app: &App, width: u16) -> usize {
    let w = width.max(1) as usize;
    let findings = if app.presenter {
        0
    } else {
        finding_rows(app, width)
    };
    let summary = text::wrap_indent(&outcome_summary(app), w, 2).len().min(2);
    let calls: usize = app
        .view
        .calls
        .iter()
        .map(|c| text::wrap_indent(&call_line(app, c, true), w, 7).len())
        .sum();
    findings + summary.saturating_sub(1) + calls.saturating_sub(app.view.calls.len())
}

/// What this run showed, from its record, one to a few lines: the "OK, but…" warnings, the
/// findings (the child's read, the file read back, the copy check) and the witness's
/// essentials (a call the C library refused itself, where a fault struck). They are the
/// evidence a lesson is about, so they sit right under the outcome line, never below the
/// fold; only for a run of the current parameters (an older answer would mislead).
pub fn finding_lines(app: &App) -> Vec<Line<'static>> {
    let th = &app.theme;
    let lang = app.lang;
    let Some(record) = app
        .record()
        .filter(|_| app.view.fresh && !app.running_here())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for w in report::warnings(record, lang) {
        out.push(Line::from(Span::styled(
            format!("{} {w}", app.glyphs.warning),
            th.warning,
        )));
    }
    let tally = record.run.tally.as_ref().map(|t| t.sentence(lang));
    for f in super::chart::findings(app, record)
        .into_iter()
        .chain(report::witness_lines(record, lang))
    {
        // The repeated run's count, with its bar.
        if Some(&f) == tally.as_ref() {
            out.extend(super::outcome::tally_line(app, record));
            continue;
        }
        out.push(Line::from(vec![
            Span::styled(format!("{} ", app.glyphs.points_to), th.heading),
            Span::styled(f, th.text),
        ]));
    }
    out
}

/// Whether the current parameters' run never reached this call (an earlier step failed or
/// a signal struck). The record lists the steps that started, in plan order, so a call whose
/// step index is past the record's last step did not run.
fn did_not_run(app: &App, call: &Call) -> bool {
    app.view.fresh && app.record().is_some_and(|r| call.step >= r.run.steps.len())
}

/// One call as a styled line, numbered as the steps of the record are (so `SIGBUS during
/// step 4` points at a number on screen).
fn call_line(app: &App, call: &Call, with_purpose: bool) -> Line<'static> {
    let th = &app.theme;
    let mut spans = Vec::with_capacity(call.parts.len() + 3);
    let skipped = did_not_run(app, call);
    spans.push(Span::styled(format!("{:>2} ", call.step + 1), th.dim));
    if call.side == Side::Child {
        spans.push(Span::styled(
            format!("[{}] ", t(S::Child, app.lang)),
            th.dim,
        ));
    }
    let base = if skipped || incidental(call) {
        th.dim
    } else if call.is_mapping {
        th.call
    } else {
        th.text
    };
    for part in &call.parts {
        let style = match part.key {
            Some(k) if app.view.blame.contains(&k) => th.blame,
            // What the class changed stands out, before the run too (not in a call that
            // never ran: that one is dimmed and says so).
            Some(k) if app.view.changed.contains(&k) && !skipped => th.changed,
            _ => base,
        };
        spans.push(Span::styled(part.text.clone(), style));
    }
    if skipped {
        // Dimmed, and said in words: dim alone is lost on a projector.
        spans.push(Span::styled(
            format!("  {} {}", app.glyphs.not_run, t(S::NotRun, app.lang)),
            th.dim,
        ));
    } else if let (true, Some(p)) = (with_purpose, call.purpose) {
        spans.push(Span::styled(
            format!("  // {}", strings::purpose(p, app.lang)),
            th.dim,
        ));
    }
    Line::from(spans)
}

/// The outcome of the selected scenario in one line: the kernel's answer, the run in
/// progress, or an invitation to predict it.
pub fn outcome_summary(app: &App) -> Line<'static> {
    let th = &app.theme;
    let lang = app.lang;
    if let Some(r) = app.running.as_ref().filter(|_| app.running_here()) {
        return Line::from(Span::styled(
            format!(
                "{} {}",
                app.glyphs.spinner[app.frame % app.glyphs.spinner.len()],
                strings::running_for(r.elapsed.as_millis(), lang)
            ),
            th.message,
        ));
    }
    let Some(result) = app.result() else {
        return Line::from(Span::styled(t(S::NotRunYet, lang), th.message));
    };
    // A knob turned since the run: the answer is cleared back to a question, so the class
    // predicts the new one; the old answer stays, small, as "last run".
    if !app.view.fresh {
        let last = match &result.outcome {
            Ok(record) => short_outcome(app, record),
            Err(_) => t(S::RunFailed, lang).to_string(),
        };
        return Line::from(vec![
            Span::styled(t(S::Changed, lang), th.message),
            Span::styled(format!(" · {}: {last}", t(S::LastRun, lang)), th.dim),
        ]);
    }
    let spans = match &result.outcome {
        Ok(record) => {
            // Every call succeeded, but the evidence shows more: its own colour.
            let style = if record.run.ok_but() {
                th.warning
            } else {
                super::outcome_style(app, &record.run.outcome)
            };
            let marks = report::Marks {
                ok: app.glyphs.ok,
                errno: app.glyphs.errno,
                signal: app.glyphs.signal,
                timeout: app.glyphs.timeout,
                warning: app.glyphs.warning,
            };
            vec![Span::styled(
                report::outcome_headline(&record.run, lang, marks),
                style,
            )]
        }
        Err(err) => vec![Span::styled(
            format!("{} {}: {err}", app.glyphs.timeout, t(S::RunFailed, lang)),
            th.timeout,
        )],
    };
    Line::from(spans)
}

/// The outcome in a word or two (`✘ EINVAL`, `⚡ SIGBUS`, `⚠ OK, but…`), for "last run".
fn short_outcome(app: &App, record: &mmap_lab_engine::Record) -> String {
    let g = &app.glyphs;
    match &record.run.outcome {
        mmap_lab_engine::Outcome::Ok if record.run.ok_but() => {
            format!("{} {}", g.warning, t(S::OkBut, app.lang))
        }
        mmap_lab_engine::Outcome::Ok => format!("{} {}", g.ok, t(S::OkWord, app.lang)),
        mmap_lab_engine::Outcome::Errno { errno, .. } => {
            format!("{} {}", g.errno, mmap_lab_engine::errnos::name(*errno))
        }
        mmap_lab_engine::Outcome::Signal { signal, .. } => format!("{} {signal}", g.signal),
        mmap_lab_engine::Outcome::Timeout { .. } => {
            format!("{} {}", g.timeout, t(S::TimeoutWord, app.lang))
        }
        mmap_lab_engine::Outcome::Clobbered { .. } => {
            format!("{} {}", g.signal, t(S::ClobberedWord, app.lang))
        }
    }
}

/// `→ look at: offset`, when a fresh run's outcome points at knobs.
pub fn blame_line(app: &App) -> Option<Line<'static>> {
    if app.view.blame.is_empty() {
        return None;
    }
    let mut spans = vec![Span::styled(
        // Chinese takes the full-width colon.
        format!(
            "{} {}{}",
            app.glyphs.points_to,
            t(S::LookAt, app.lang),
            app.lang.pick(": ", "：")
        ),
        app.theme.dim,
    )];
    for (i, k) in app.view.blame.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(", "));
        }
        spans.push(Span::styled(k.name(), app.theme.blame));
    }
    Some(Line::from(spans))
}

/// Steps the engine adds around the experiment (a guard, a check), as opposed to the steps
/// that are the experiment (including a copy's timed copies).
fn incidental(call: &Call) -> bool {
    call.purpose.is_some_and(|p| p != Purpose::Copy)
}

/// The calls that fit in `rows` rows at `width`, wrapped: all of them if possible, else
/// without the engine's own steps, else from the mapping call on (or, without one, only the
/// calls that show a knob of this scenario).
pub fn call_lines(app: &App, width: usize, rows: usize) -> Vec<Line<'static>> {
    let calls = &app.view.calls;
    let mapping = calls.iter().position(|c| c.is_mapping);
    let keep = |level: usize, i: usize, c: &Call| match level {
        0 => true,
        1 => !incidental(c),
        _ => {
            !incidental(c)
                && match mapping {
                    Some(m) => i >= m,
                    // No single mapping (a copy): the calls that show this scenario's knobs.
                    None => c
                        .parts
                        .iter()
                        .any(|p| p.key.is_some_and(|k| app.scenario().accepts(k))),
                }
        }
    };
    // The call the run is about: where a failed or killed run stopped (the last call that
    // ran), else the mapping.
    let stopped = app
        .record()
        .filter(|r| app.view.fresh && !matches!(r.run.outcome, mmap_lab_engine::Outcome::Ok))
        .and_then(|r| calls.iter().rposition(|c| c.step < r.run.steps.len()));
    let anchor = stopped.or(mapping).unwrap_or(0);
    let mut best: Vec<(usize, Vec<Line<'static>>)> = Vec::new();
    for level in 0..3 {
        let groups: Vec<(usize, Vec<Line<'static>>)> = calls
            .iter()
            .enumerate()
            .filter(|(i, c)| keep(level, *i, c) || *i == anchor)
            .map(|(i, c)| {
                let lines = text::wrap_indent(&call_line(app, c, level == 0), width, 7);
                (i, lines)
            })
            .collect();
        let fits = groups.iter().map(|(_, l)| l.len()).sum::<usize>() <= rows;
        best = groups;
        if fits {
            break;
        }
    }
    // Still too many: the call the run is about stays, with as many of the calls before it
    // as fit, then after it.
    let at = best.iter().position(|(i, _)| *i >= anchor).unwrap_or(0);
    let (mut from, mut to) = (at, at);
    let mut used = best.get(at).map_or(0, |(_, l)| l.len());
    while from > 0 && used + best[from - 1].1.len() <= rows {
        from -= 1;
        used += best[from].1.len();
    }
    while to + 1 < best.len() && used + best[to + 1].1.len() <= rows {
        to += 1;
        used += best[to].1.len();
    }
    let mut lines: Vec<Line<'static>> = best
        .into_iter()
        .skip(from)
        .take(to + 1 - from)
        .flat_map(|(_, l)| l)
        .collect();
    lines.truncate(rows);
    lines
}

/// Draw the pane.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = area.width as usize;
    let mut tail: Vec<Line<'static>> = text::wrap_indent(&outcome_summary(app), width, 2);
    tail.truncate(2);
    if !app.presenter {
        for l in finding_lines(app) {
            tail.extend(text::wrap_indent(&l, width, 2));
        }
    }
    if let Some(b) = blame_line(app) {
        tail.extend(text::wrap(&b, width).into_iter().take(1));
    }
    // When space is short the kernel's answer comes first; before any run, the call does.
    let h = area.height as usize;
    let answered = app.result().is_some() || app.running_here();
    let tail_rows = if answered {
        tail.len().min(h)
    } else {
        tail.len().min(h.saturating_sub(1))
    };
    let mut lines = call_lines(app, width, h - tail_rows);
    lines.extend(tail.into_iter().take(tail_rows));
    super::render_lines(&lines, 0, area, buf);
}
