//! The call pane: the C-like calls the experiment will make with the current arguments
//! (updated as knobs turn), then the outcome in one line. After a run, the argument the
//! lesson's rule points at is highlighted: an explanation beside the kernel's answer.

use super::text;
use crate::report;
use crate::strings::{self, t, S};
use crate::tui::app::App;
use mmap_lab_engine::blame::Call;
use mmap_lab_engine::engine::{Purpose, Side, StepRecord};
use mmap_lab_engine::errnos;
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
    let mut out = first_findings(app);
    out.extend(more_findings(app));
    out
}

/// The findings that answer the question and qualify the outcome: the evidence line and the
/// "OK, but…" warnings. A short call pane keeps them before any call.
fn first_findings(app: &App) -> Vec<Line<'static>> {
    let Some(record) = app.shown().done() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    out.extend(evidence_line(app));
    for w in report::warnings(record, app.lang) {
        out.push(Line::from(Span::styled(
            format!("{} {w}", app.glyphs.warning),
            app.theme.warning,
        )));
    }
    out
}

/// The other findings (the file read back, the copy's check, the speeds, the witness's
/// essentials): a short call pane gives them what its calls leave, the outcome pane lists
/// them all.
fn more_findings(app: &App) -> Vec<Line<'static>> {
    let th = &app.theme;
    let lang = app.lang;
    let Some(record) = app.shown().done().filter(|_| !app.running_here()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let tally = record.run.tally.as_ref().map(|t| t.sentence(lang));
    for f in super::chart::findings(app, record)
        .into_iter()
        .chain(report::witness_lines(record, lang))
    {
        // The repeated run's count, with its bar.
        if Some(&f) == tally.as_ref() {
            out.extend(tally_line(app, record));
            continue;
        }
        out.push(Line::from(vec![
            Span::styled(format!("{} ", app.glyphs.points_to), th.heading),
            Span::styled(f, th.text),
        ]));
    }
    out
}

/// `Evidence: the parent read 'A'…`: the sentence that answers the scenario's question, read
/// off the record of a run of the current parameters ([`report::evidence`], the same in every
/// rendering); the first line under the outcome wherever the outcome is drawn.
pub fn evidence_line(app: &App) -> Option<Line<'static>> {
    // The evidence is read off the whole run: only once all of it is revealed.
    let record = app.shown().done()?;
    let text = report::evidence(record, app.current_params(), app.lang)?;
    Some(Line::from(vec![
        Span::styled(
            format!("{}{}", t(S::Evidence, app.lang), app.lang.pick(": ", "：")),
            app.theme.heading,
        ),
        Span::styled(text, app.theme.text),
    ]))
}

/// Whether the current parameters' run never reached this call (an earlier step failed or
/// a signal struck). The record lists the steps that started, in plan order, so a call whose
/// step index is past the record's last step did not run.
fn did_not_run(app: &App, call: &Call) -> bool {
    app.shown()
        .done()
        .is_some_and(|r| call.step >= r.run.steps.len())
}

/// One call as a styled line: its number, the call, and after a run of these parameters what
/// it returned (or that it did not run). With `with_purpose`, the comment saying why the
/// engine added it.
fn call_line(app: &App, call: &Call, with_purpose: bool) -> Line<'static> {
    let (mut spans, tail) = call_spans(app, call);
    spans.extend(tail);
    if let (true, Some(p), false) = (with_purpose, call.purpose, did_not_run(app, call)) {
        spans.push(Span::styled(
            format!("  // {}", strings::purpose(p, app.lang)),
            app.theme.dim,
        ));
    }
    Line::from(spans)
}

/// One call on one row of `width` cells: when it is wider, the call's text is cut with `…`
/// and its number and what it returned stay.
fn call_row(app: &App, call: &Call, width: usize) -> Line<'static> {
    let (spans, tail) = call_spans(app, call);
    let tail_w: usize = tail.iter().map(|s| text::width(&s.content)).sum();
    let gap = app.glyphs.gap;
    let room = width.saturating_sub(tail_w);
    let head_w: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    if head_w <= room {
        let mut spans = spans;
        spans.extend(tail);
        return cut_line(Line::from(spans), width, gap);
    }
    // The number and the first cells of the call, then the mark, then the return value.
    let mut out = cut_spans(spans, room, gap);
    if room > text::width(gap) + 3 {
        out.extend(tail);
        Line::from(out)
    } else {
        let (mut spans, tail) = call_spans(app, call);
        spans.extend(tail);
        cut_line(Line::from(spans), width, gap)
    }
}

/// The spans of a call: number, process, the call's parts (the knobs' arguments marked), and
/// apart, what it returned in the run of these parameters or the mark of a call that did not
/// run. Numbered as the steps are everywhere (`SIGBUS during step 3` points at a number on
/// screen): the experiment's steps 1, 2, 3…, the lab's bookkeeping not counted.
fn call_spans(app: &App, call: &Call) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    let th = &app.theme;
    let mut spans = Vec::with_capacity(call.parts.len() + 3);
    let skipped = did_not_run(app, call);
    spans.push(Span::styled(format!("{:>2} ", call.number), th.dim));
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
    let mut tail = Vec::new();
    if skipped {
        // Dimmed, and said in words: dim alone is lost on a projector.
        tail.push(Span::styled(
            format!("  {} {}", app.glyphs.not_run, t(S::NotRun, app.lang)),
            th.dim,
        ));
    } else if let Some(step) = ran(app, call) {
        tail.push(returned(app, step));
    }
    (spans, tail)
}

/// The record's step of `call`, when the run of these parameters made it.
fn ran<'a>(app: &'a App, call: &Call) -> Option<&'a StepRecord> {
    app.shown().steps().get(call.step)
}

/// What a step returned, as its call line ends: ` = 3`, ` = 0x7f…`, ` = MAP_FAILED EINVAL`,
/// `  ⚡ SIGBUS`, from the record.
fn returned(app: &App, step: &StepRecord) -> Span<'static> {
    let th = &app.theme;
    if let Some(sig) = &step.signal {
        return Span::styled(format!("  {} {sig}", app.glyphs.signal), th.signal);
    }
    if let Some(errno) = step.errno {
        return Span::styled(
            format!(" = {} {}", step.result, errnos::name(errno)),
            th.errno,
        );
    }
    Span::styled(format!(" = {}", step.result), th.ok)
}

/// `spans` cut to `max` cells, ending with `gap` when something was cut.
fn cut_spans(spans: Vec<Span<'static>>, max: usize, gap: &str) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    if total <= max {
        return spans;
    }
    let room = max.saturating_sub(text::width(gap));
    let mut out = Vec::new();
    let mut used = 0;
    let mut last_style = None;
    for span in spans {
        if used >= room {
            break;
        }
        let w = text::width(&span.content);
        last_style = Some(span.style);
        if used + w <= room {
            used += w;
            out.push(span);
            continue;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let cw = text::width(&c.to_string());
            if used + cw > room {
                break;
            }
            kept.push(c);
            used += cw;
        }
        out.push(Span::styled(kept, span.style));
        break;
    }
    if max >= text::width(gap) {
        out.push(Span::styled(
            gap.to_string(),
            last_style.unwrap_or_default(),
        ));
    }
    out
}

/// `line` cut to `width` cells, ending with `gap` when something was cut.
fn cut_line(line: Line<'static>, width: usize, gap: &str) -> Line<'static> {
    Line::from(cut_spans(line.spans, width, gap))
}

/// The first `rows` of `lines`; when some are left out, the last one kept ends with `gap`
/// (replacing its last cells if it is full), so a cut never passes for the end.
fn keep_rows(
    mut lines: Vec<Line<'static>>,
    rows: usize,
    width: usize,
    gap: &str,
) -> Vec<Line<'static>> {
    if lines.len() <= rows {
        return lines;
    }
    lines.truncate(rows);
    if let Some(last) = lines.pop() {
        let w: usize = last.spans.iter().map(|s| text::width(&s.content)).sum();
        let style = last.spans.last().map(|s| s.style).unwrap_or_default();
        let mut spans = cut_spans(last.spans, width.min(w), "");
        let room = width.saturating_sub(text::width(gap));
        let kept: usize = spans.iter().map(|s| text::width(&s.content)).sum();
        if kept > room {
            spans = cut_spans(spans, room, "");
        }
        spans.push(Span::styled(gap.to_string(), style));
        lines.push(Line::from(spans));
    }
    lines
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
                super::frame::running_text(app, r)
            ),
            th.message,
        ));
    }
    let Some(result) = app.result() else {
        return Line::from(Span::styled(t(S::NotRunYet, lang), th.message));
    };
    // A knob turned since the run: the answer is cleared back to a question, so the class
    // predicts the new one; the old answer stays, small, as "last run".
    if result.params != *app.current_params() {
        let last = match &result.outcome {
            Ok(record) => short_outcome(app, record),
            Err(_) => t(S::RunFailed, lang).to_string(),
        };
        return Line::from(vec![
            Span::styled(t(S::Changed, lang), th.message),
            Span::styled(format!(" · {}: {last}", t(S::LastRun, lang)), th.dim),
        ]);
    }
    let shown = app.shown();
    if shown.any() && !shown.complete {
        // The last call of the experiment made (the lab's own maps reads are not its
        // calls), numbered as the call pane numbers it, with its return as the kernel gave
        // it: `= 3`, `= -1 EINVAL`, or the signal.
        let made = shown
            .steps()
            .iter()
            .enumerate()
            .rfind(|(_, s)| !s.is_bookkeeping());
        let ret = made.map(|(_, s)| match (&s.signal, s.errno) {
            (Some(sig), _) => sig.to_string(),
            (None, Some(e)) => format!("{} {}", s.result, mmap_lab_engine::errnos::name(e)),
            (None, None) => s.result.clone(),
        });
        let number = |i: usize| shown.record.map_or(i + 1, |r| r.run.step_number(i));
        let last = made
            .zip(ret.as_deref())
            .map(|((i, s), ret)| (number(i), s.call.as_str(), ret));
        return Line::from(Span::styled(
            strings::stepped(&strings::held_pids(app.held_pids(), lang), last, lang),
            th.message,
        ));
    }
    let spans = match &result.outcome {
        Ok(record) => {
            // Every call succeeded, but the evidence shows more: its own colour.
            let style = if record.run.ok_but() {
                th.warning
            } else {
                super::draw::outcome_style(app, &record.run.outcome)
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
/// that are the experiment (including a copy's timed copies): drawn dim.
fn incidental(call: &Call) -> bool {
    call.purpose.is_some_and(|p| p != Purpose::Copy)
}

/// The engine's own scaffolding (reserving and releasing a guard, punching the hole after the
/// mapping, reading the file back): what a short pane leaves out first. The steps a lesson
/// makes on purpose (the mapping to collide with, the neighbour, the marker, the copies, the
/// map-count filler) are the experiment's and stay.
fn scaffolding(call: &Call) -> bool {
    matches!(
        call.purpose,
        Some(
            Purpose::GuardReserve
                | Purpose::GuardRelease
                | Purpose::Hole
                | Purpose::NeighbourReserve
                | Purpose::CheckFile
        )
    )
}

/// The calls in `rows` rows at `width`. Every call the experiment makes is listed, in order,
/// numbered without gaps; what gives way to a short pane, in turn: the engine's comments and
/// wrapped lines (each call on one row, cut with `…`, its return value kept), then the engine's
/// scaffolding (a row says how many calls are not shown), then, when even that does not fit,
/// the calls farthest from the one that decided the outcome (a row above and below says how
/// many).
pub fn call_lines(app: &App, width: usize, rows: usize) -> Vec<Line<'static>> {
    let calls = &app.view.calls;
    let gap = app.glyphs.gap;
    if rows == 0 {
        return Vec::new();
    }
    // Everything, wrapped, with the comments.
    let full: Vec<Line<'static>> = calls
        .iter()
        .flat_map(|c| text::wrap_indent(&call_line(app, c, true), width, 7))
        .collect();
    if full.len() <= rows {
        return full;
    }
    // One row a call.
    if calls.len() <= rows {
        return calls.iter().map(|c| call_row(app, c, width)).collect();
    }
    // Without the scaffolding, and a row that says so.
    let kept: Vec<&Call> = calls.iter().filter(|c| !scaffolding(c)).collect();
    let hidden = calls.len() - kept.len();
    let note = |n: usize| {
        Line::from(Span::styled(
            format!(
                "   {gap} {}",
                t(S::CallsHidden, app.lang).replace("{0}", &n.to_string())
            ),
            app.theme.dim,
        ))
    };
    if kept.len() + usize::from(hidden > 0) <= rows {
        let mut out: Vec<Line<'static>> = kept.iter().map(|c| call_row(app, c, width)).collect();
        if hidden > 0 {
            out.push(cut_line(note(hidden), width, gap));
        }
        return out;
    }
    // A window ending just past the call that decided (the one the evidence is read off,
    // else the last that ran, else the mapping), so that the calls leading to it show; what
    // is left out is counted above and below.
    let decided = decisive_step(app)
        .and_then(|i| kept.iter().rposition(|c| c.step <= i))
        .or_else(|| kept.iter().position(|c| c.is_mapping))
        .unwrap_or(0);
    let room = rows.saturating_sub(2).max(1);
    // One call after the deciding one when there is room for it, else the deciding one last.
    let after = usize::from(room > 1);
    let start = (decided + 1 + after)
        .saturating_sub(room)
        .min(kept.len().saturating_sub(room));
    let end = (start + room).min(kept.len());
    let mut out = Vec::new();
    if start > 0 && rows > 1 {
        out.push(cut_line(note(start), width, gap));
    }
    out.extend(kept[start..end].iter().map(|c| call_row(app, c, width)));
    let below = kept.len() - end + hidden;
    if below > 0 && out.len() < rows {
        out.push(cut_line(note(below), width, gap));
    }
    out.truncate(rows);
    out
}

/// The step that decided the run of these parameters: a failed or killed run's last step
/// (the call the kernel refused, the touch a signal struck); for a run that went through,
/// the one its evidence is read off, else the last it made. While stepping, the step just
/// made.
fn decisive_step(app: &App) -> Option<usize> {
    let shown = app.shown();
    let last = shown.steps().len().checked_sub(1);
    let Some(record) = shown.done() else {
        return last;
    };
    if !matches!(record.run.outcome, mmap_lab_engine::Outcome::Ok) {
        return last;
    }
    app.scenario()
        .evidence(&record.run, app.current_params(), app.lang)
        .map(|e| e.step)
        .or(last)
}

/// Draw the pane.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = area.width as usize;
    let gap = app.glyphs.gap;
    let wrapped = |lines: Vec<Line<'static>>| -> Vec<Line<'static>> {
        lines
            .iter()
            .flat_map(|l| text::wrap_indent(l, width, 2))
            .collect()
    };
    // The kernel's answer, the evidence and the warnings first; then one row for each call;
    // then the other findings; then the calls' wrapped lines and comments.
    let mut first = keep_rows(
        text::wrap_indent(&outcome_summary(app), width, 2),
        2,
        width,
        gap,
    );
    let (mut more, blame) = (Vec::new(), blame_line(app));
    let mut findings: Vec<Vec<Line<'static>>> = Vec::new();
    if !app.presenter {
        findings = first_findings(app)
            .iter()
            .map(|l| text::wrap_indent(l, width, 2))
            .collect();
        more = wrapped(more_findings(app));
    }
    let blame: Vec<Line<'static>> = blame
        .map(|b| text::wrap(&b, width).into_iter().take(1).collect())
        .unwrap_or_default();
    let h = area.height as usize;
    let one_each = app.view.calls.len();
    // A long warning gives way to the calls: two rows of it here, cut with `…` (the
    // outcome pane has it whole).
    let rows_of = |f: &[Vec<Line<'static>>]| f.iter().map(Vec::len).sum::<usize>();
    if first.len() + rows_of(&findings) + blame.len() + one_each > h {
        findings = findings
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                if i == 0 {
                    f
                } else {
                    keep_rows(f, 2, width, gap)
                }
            })
            .collect();
    }
    first.extend(findings.into_iter().flatten());
    // Before any run, the call comes first.
    let answered = app.result().is_some() || app.running_here();
    let first_rows = if answered {
        (first.len() + blame.len()).min(h)
    } else {
        (first.len() + blame.len()).min(h.saturating_sub(1))
    };
    let left = h - first_rows;
    let full = call_lines(app, width, usize::MAX).len();
    let one_each = one_each.min(full);
    let more_rows = more.len().min(left.saturating_sub(one_each));
    let call_rows = left - more_rows;
    let mut lines = call_lines(app, width, call_rows);
    let mut tail = first;
    tail.extend(keep_rows(more, more_rows, width, gap));
    tail.extend(blame);
    lines.extend(keep_rows(tail, first_rows + more_rows, width, gap));
    super::draw::render_lines(&lines, 0, area, buf);
}

/// A repeated run's count, drawn right under the outcome so that it shows on the smallest
/// screen: a bar of ten cells, filled for the share of runs whose child read the parent's
/// text, then the sentence.
pub(super) fn tally_line(app: &App, record: &mmap_lab_engine::Record) -> Option<Line<'static>> {
    let tally = record.run.tally.as_ref()?;
    let runs = tally.runs.len().max(1);
    let cells = 10;
    let filled = (tally.saw_text as usize * cells).div_ceil(runs).min(cells);
    // A run that missed the text is never drawn away: at least one empty cell shows it.
    let filled = if (tally.saw_text as usize) < runs {
        filled.min(cells - 1)
    } else {
        filled
    };
    let empty = if app.ascii { "." } else { "░" };
    Some(Line::from(vec![
        Span::styled(app.glyphs.bar.repeat(filled), app.theme.ok),
        Span::styled(empty.repeat(cells - filled), app.theme.dim),
        Span::styled(format!(" {}", tally.sentence(app.lang)), app.theme.text),
    ]))
}

#[cfg(test)]
mod tests;
