//! mmap-copy's three speeds as a picture, at the top of the outcome pane after a run: one
//! horizontal bar per copy method, as long as its median run, and beside it the spread of its
//! runs (slowest–fastest). One run's speed depends on what else the machine did meanwhile;
//! the bars compare the medians, the spread says how much to trust the comparison.
//!
//! The chart is the first [`ROWS`] rows of the pane's text (blank rows held for it), so it
//! scrolls with the text, and the caption sits in the pane's title: at 80×24 the pane has
//! three rows, one per bar.

use super::shape::Shape;
use crate::report;
use crate::strings::{t, S};
use crate::tui::app::App;
use mmap_lab_engine::engine::{spread, warm, Throughput, ThroughputRuns};
use mmap_lab_engine::Record;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::symbols::bar;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Widget};

/// The chart's height: one row per method.
pub const ROWS: u16 = METHODS.len() as u16;

/// The narrowest pane that gets the chart: the longest label, a bar and a spread still fit.
const MIN_WIDTH: u16 = 40;

/// The methods as the record names them (code, the same in both languages), in the order of
/// [`ThroughputRuns::methods`].
const METHODS: [&str; 4] = ["mmap", "read/write", "copy_file_range", "mmap+write"];

/// The speeds to draw: this run's medians and every run's figure, when the answer on screen
/// is for the current parameters (no old answer while the class predicts a new one).
fn figures(app: &App) -> Option<(Throughput, &ThroughputRuns)> {
    if app.running_here() {
        return None;
    }
    let run = &app.shown().done()?.run;
    Some((run.throughput?, run.throughput_runs.as_ref()?))
}

/// Whether the outcome pane has a chart to show (the layout gives it the rows): after a run
/// that measured the copies, in the layouts that show the outcome pane beside the call.
pub fn wanted(app: &App) -> bool {
    let shape = Shape::of(app.size.0, app.size.1);
    let outcome_shown = match shape {
        Shape::Roomy => true,
        Shape::Compact => true,
        Shape::Minimal | Shape::TooSmall => false,
    };
    outcome_shown && !app.presenter && figures(app).is_some()
}

/// The run's findings for the call pane: [`report::findings`], without the line of speeds
/// when the chart shows them.
pub fn findings(app: &App, record: &Record) -> Vec<String> {
    let mut out = report::findings(record, app.lang);
    if wanted(app) {
        let speeds = report::throughput_line(record, app.lang);
        out.retain(|f| Some(f) != speeds.as_ref());
    }
    out
}

/// How many rows the chart holds at the top of the outcome pane's text, `width` wide:
/// [`ROWS`] when it is wanted and fits, else none.
pub fn rows(app: &App, width: u16) -> u16 {
    if wanted(app) && width >= MIN_WIDTH {
        ROWS
    } else {
        0
    }
}

/// The caption for the outcome pane's title while the chart shows (`MiB/s, median of 5
/// runs; …`).
pub fn caption(app: &App) -> Option<String> {
    let (_, runs) = figures(app).filter(|_| wanted(app))?;
    // The medians leave the first, cold run out (it has a line of its own).
    Some(t(S::CopyChart, app.lang).replace("{n}", &warm(&runs.mmap).len().to_string()))
}

/// Draw the chart's rows from `scroll` on into the top of `area` (the outcome pane scrolled
/// by `scroll` rows); returns how many rows it drew.
pub fn render(app: &App, area: Rect, scroll: u16, buf: &mut Buffer) -> u16 {
    let shown = rows(app, area.width)
        .saturating_sub(scroll)
        .min(area.height);
    if shown == 0 {
        return 0;
    }
    // Drawn whole off screen, then the rows in view copied: BarChart has no scroll.
    let full = Rect::new(0, 0, area.width, ROWS);
    let mut scratch = Buffer::empty(full);
    scratch.set_style(full, app.theme.text);
    draw(app, full, &mut scratch);
    for dy in 0..shown {
        for dx in 0..area.width {
            buf[(area.x + dx, area.y + dy)] = scratch[(dx, dy + scroll)].clone();
        }
    }
    shown
}

/// The whole chart into `area` ([`ROWS`] high).
fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let Some((medians, runs)) = figures(app) else {
        return;
    };
    let th = &app.theme;

    // A record made before the fourth method has no figure for it: an empty bar marked `—`,
    // not a speed of 0.
    let measured = [
        Some(medians.mmap),
        Some(medians.read_write),
        Some(medians.copy_file_range),
        medians.mmap_write,
    ];
    let medians = measured.map(|m| m.unwrap_or(0.0));
    let spreads: Vec<String> = runs
        .methods()
        .iter()
        .map(|r| spread(warm(r)).map_or_else(String::new, |(lo, hi)| format!("{lo:.0}–{hi:.0}")))
        .collect();
    let spread_w = spreads.iter().map(|s| s.chars().count()).max().unwrap_or(0) as u16;
    let bars_area = Rect::new(
        area.x,
        area.y,
        area.width.saturating_sub(spread_w + 1),
        ROWS,
    );
    let bars: Vec<Bar<'static>> = METHODS
        .iter()
        .zip(measured)
        .map(|(name, m)| {
            Bar::default()
                .label(Line::from(*name))
                .value(m.unwrap_or(0.0).round().max(0.0) as u64)
                .text_value(m.map_or_else(|| "—".to_string(), |m| format!("{m:.0}")))
        })
        .collect();
    // The longest bar is the fastest median; the others are drawn to its scale.
    let longest = medians.iter().copied().fold(1.0, f64::max).round() as u64;
    let set = bar::Set {
        full: app.glyphs.bar,
        ..bar::NINE_LEVELS
    };
    BarChart::horizontal(bars)
        .max(longest)
        .bar_width(1)
        .bar_gap(0)
        .bar_set(set)
        .bar_style(th.call)
        .value_style(th.call.add_modifier(Modifier::REVERSED))
        .label_style(th.text)
        .render(bars_area, buf);
    for (i, s) in spreads.iter().enumerate() {
        let y = bars_area.y + i as u16;
        let x = area.right().saturating_sub(spread_w);
        buf.set_string(x, y, s, th.text);
    }
}
