//! The outcome pane: what the kernel said, step by step with the real return values, the
//! findings, the lesson's rule and the `/proc/self/maps` lines the run captured. Scrollable.

use super::{call, text};
use crate::report;
use crate::strings::{self, t, S};
use crate::tui::app::App;
use mmap_lab_engine::engine::{MapsSnapshot, StepRecord};
use mmap_lab_engine::errnos;
use mmap_lab_engine::pagemap::{self, MapsChange};
use mmap_lab_engine::Record;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Every line of the pane, wrapped to `width`.
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let width = width.max(1) as usize;
    let th = &app.theme;
    let lang = app.lang;
    let mut raw: Vec<(Line<'static>, usize)> = Vec::new();
    // The rows mmap-copy's chart is drawn in.
    for _ in 0..super::chart::rows(app, width as u16) {
        raw.push((Line::default(), 0));
    }
    raw.push((call::outcome_summary(app), 2));
    // The value that answers the question, right under the answer.
    if let Some(e) = call::evidence_line(app) {
        raw.push((e, 2));
    }
    if let Some(v) = super::course::verdict_line(app) {
        raw.push((v, 2));
    }
    // No answer for these parameters yet (never run, or a knob turned since): the question,
    // and nothing that tells the answer.
    let shown = app.shown();
    if !shown.any() && !app.running_here() {
        raw.push((Line::default(), 0));
        raw.push((
            Line::from(Span::styled(t(S::TheQuestion, lang), th.heading)),
            0,
        ));
        for p in super::lesson::question(app) {
            raw.push((super::lesson::inline(&p, th.text, th.call), 0));
        }
        return raw
            .iter()
            .flat_map(|(l, indent)| text::wrap_indent(l, width, *indent))
            .collect();
    }
    // "OK, but…": each sentence that qualifies the outcome right under it, as every other
    // rendering of the record puts it.
    if let Some(record) = shown.done() {
        for w in report::outcome_notes(record, lang) {
            raw.push((
                Line::from(Span::styled(
                    format!("{} {w}", app.glyphs.warning),
                    th.message,
                )),
                2,
            ));
        }
    }
    if let Some(line) = shown.done().and_then(|r| call::tally_line(app, r)) {
        raw.push((line, 2));
    }
    if let Some(b) = call::blame_line(app) {
        raw.push((b, 2));
    }
    if let Some(record) = shown.record {
        let run = &record.run;
        raw.push((Line::default(), 0));
        raw.push((Line::from(Span::styled(t(S::Steps, lang), th.heading)), 0));
        for (i, step) in shown.steps().iter().enumerate() {
            raw.push((step_line(app, record, i, step), 4));
        }
        // The rest follows from the outcome: only once it is revealed.
        if !shown.complete {
            return raw
                .iter()
                .flat_map(|(l, indent)| text::wrap_indent(l, width, *indent))
                .collect();
        }
        let findings = report::findings(record, lang);
        if !findings.is_empty() {
            raw.push((Line::default(), 0));
            raw.push((
                Line::from(Span::styled(t(S::Findings, lang), th.heading)),
                0,
            ));
            // The tally has its own line with a bar, under the outcome.
            let tally = record.run.tally.as_ref().map(|t| t.sentence(lang));
            for f in findings.into_iter().filter(|f| Some(f) != tally.as_ref()) {
                raw.push((Line::from(format!("• {f}")), 2));
            }
        }
        raw.push((Line::default(), 0));
        raw.push((rule_line(app), 2));
        raw.extend(maps_lines(app, &run.maps));
        raw.push((Line::default(), 0));
        raw.push((
            Line::from(Span::styled(
                format!(
                    "{} {}",
                    t(S::Took, lang),
                    report::duration_text(run.elapsed_us.saturating_mul(1000))
                ),
                th.dim,
            )),
            0,
        ));
    } else {
        raw.push((Line::default(), 0));
        raw.push((rule_line(app), 2));
    }
    raw.iter()
        .flat_map(|(l, indent)| text::wrap_indent(l, width, *indent))
        .collect()
}

/// Step `i` of `record` as a line of the outcome's list: its number (none for the lab's
/// bookkeeping), the process, the call, its result, the errno or signal, the purpose.
fn step_line(app: &App, record: &Record, i: usize, step: &StepRecord) -> Line<'static> {
    let th = &app.theme;
    let lang = app.lang;
    // The lab's bookkeeping is listed, not numbered: the numbers are the call pane's.
    let number = if step.is_bookkeeping() {
        String::new()
    } else {
        record.run.step_number(i).to_string()
    };
    let mut spans = vec![Span::styled(format!("{number:>2}  "), th.dim)];
    if step.process.is_some() {
        spans.push(Span::styled(format!("[{}] ", t(S::Child, lang)), th.dim));
    }
    let call_style = if step.purpose.is_some() {
        th.dim
    } else {
        th.text
    };
    spans.push(Span::styled(step.call.clone(), call_style));
    let result_style = if step.errno.is_some() {
        th.errno
    } else if step.signal.is_some() {
        th.signal
    } else {
        th.ok
    };
    spans.push(Span::styled(format!(" = {}", step.result), result_style));
    if let Some(errno) = step.errno {
        spans.push(Span::styled(
            format!("  {} ({})", errnos::name(errno), errno as i32),
            th.errno,
        ));
    }
    if let Some(sig) = &step.signal {
        spans.push(Span::styled(
            format!("  {} {sig} {}", app.glyphs.signal, t(S::Interrupted, lang)),
            th.signal,
        ));
    }
    if let Some(p) = step.purpose {
        spans.push(Span::styled(
            format!("  // {}", strings::purpose(p, lang)),
            th.dim,
        ));
    }
    Line::from(spans)
}

/// The `/proc/self/maps` captures: the first in full, each later one as what changed since
/// the one before, every line marked with a glyph besides its colour (`-` removed, `+`
/// added, `~` changed, a space for the same), so the difference reads on a projector and in
/// mono too.
fn maps_lines(app: &App, snaps: &[MapsSnapshot]) -> Vec<(Line<'static>, usize)> {
    let th = &app.theme;
    let lang = app.lang;
    // What the difference is about: the range, the permissions, the offset when there is
    // one, the file's name. The device and inode only make the lines wrap.
    let squeeze = |l: &str| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let mut out: Vec<&str> = f.iter().take(2).copied().collect();
        if let Some(off) = f.get(2).filter(|o| !o.trim_start_matches('0').is_empty()) {
            out.push(off);
        }
        if let Some(path) = f.get(5) {
            out.push(path.rsplit('/').next().unwrap_or(path));
        }
        out.join(" ")
    };
    let mut raw = Vec::new();
    let mut previous: Option<&MapsSnapshot> = None;
    for snap in snaps {
        raw.push((Line::default(), 0));
        let heading = report::maps_heading(&snap.after, lang);
        let mut head = vec![Span::styled(heading, th.heading)];
        if previous.is_some() {
            head.push(Span::styled(
                format!(" {}", t(S::MapsChanges, lang)),
                th.text,
            ));
        }
        raw.push((Line::from(head), 0));
        if snap.lines.is_empty() && previous.is_none_or(|p| p.lines.is_empty()) {
            raw.push((Line::from(Span::styled(t(S::NoMapsLines, lang), th.dim)), 2));
        }
        let changes = match previous {
            Some(p) => pagemap::maps_diff(&p.lines, &snap.lines),
            None => snap.lines.iter().cloned().map(MapsChange::Same).collect(),
        };
        for c in changes {
            let (mark, style) = match &c {
                MapsChange::Same(_) => (" ", th.text),
                MapsChange::Removed(_) => ("-", th.errno),
                MapsChange::Added(_) => ("+", th.ok),
                MapsChange::Changed { .. } => ("~", th.warning),
            };
            let mut spans = vec![Span::styled(format!("{mark} {}", squeeze(c.line())), style)];
            if let MapsChange::Changed { before, .. } = &c {
                let range = before.split_whitespace().next().unwrap_or_default();
                spans.push(Span::styled(
                    format!(" ({} {range})", t(S::MapsWas, lang)),
                    th.text,
                ));
            }
            raw.push((Line::from(spans), 4));
        }
        previous = Some(snap);
    }
    raw
}

/// `Rule: …`: after a run, why its outcome happened (`explain`); before, the lesson's rule.
fn rule_line(app: &App) -> Line<'static> {
    let lesson = app.lesson().rule.clone();
    let text = match app.shown().done() {
        Some(record) => {
            mmap_lab_engine::explain::rule_line(app.scenario(), &record.run, &lesson, app.lang)
        }
        None => lesson,
    };
    Line::from(vec![
        Span::styled(format!("{}: ", t(S::Rule, app.lang)), app.theme.heading),
        Span::raw(text),
    ])
}

/// Draw the pane from its scroll position: mmap-copy's chart in the rows held for it, then
/// the text.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = lines(app, area.width);
    let max = lines.len().saturating_sub(area.height as usize) as u16;
    let scroll = app.outcome_scroll.min(max);
    let chart = super::chart::render(app, area, scroll, buf);
    // The text under the chart's rows in view, from the first row that is not the chart's.
    let text = Rect {
        y: area.y + chart,
        height: area.height - chart,
        ..area
    };
    let held = super::chart::rows(app, area.width);
    super::draw::render_scrolled(app, &lines, scroll.max(held), text, buf);
}
