//! Presenter mode, for a projector: no list and no lesson; the call, then the kernel's answer
//! in huge letters (tui-big-text draws ASCII only, so the word is the errno or signal name;
//! the sentence around it stays normal text, in Chinese too), then the form, so an
//! instructor can turn a knob and run again from the front of the room.

use super::{allocate, call, stack, Areas};
use crate::tui::app::App;
use crate::tui::state::Focus;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use scenarios::{errnos, Outcome};
use tui_big_text::{BigText, PixelSize};

/// The layout of presenter mode inside `body`.
pub fn areas(app: &App, mut a: Areas, body: Rect) -> Areas {
    let word = big_word(app).0;
    let calls = call::wanted_rows(app, body.width) as u16;
    let map = if body.height >= 36 { 7 } else { 0 };
    // The findings line sits right under the big word: what the room must read. At most
    // four rows, so the word keeps its size.
    let found = (call::finding_rows(app, body.width) as u16).min(4);
    // Reserve the call, the findings and a few rows of the form first; the word takes what
    // it can use.
    let fixed = (calls + 1).min(5) + found + 4 + map;
    let room = body.height.saturating_sub(fixed);
    let big_h = pixel_size(app, word, body.width, room).map_or(1, |(_, _, h)| h);
    let h = allocate(
        body.height,
        &[
            (2, (calls + 1).min(5)),
            (found, found),
            (1, big_h),
            (0, map),
            (3, 3),
        ],
        &[0, 2, 3],
        4,
    );
    let s = stack(body, &h);
    a.call = s[0];
    a.big = s[2];
    a.findings = s[1];
    a.pagemap = s[3];
    match app.focus {
        Focus::Outcome => a.outcome = s[4],
        _ => a.params = s[4],
    }
    a
}

/// The word to show huge, and its style.
fn big_word(app: &App) -> (&'static str, Style) {
    let th = &app.theme;
    if app.running_here() {
        return ("...", th.big_idle);
    }
    // No answer for the current parameters: the class predicts it.
    let Some(result) = app.result().filter(|_| app.view.fresh) else {
        return ("?", th.big_idle);
    };
    // The widget keeps its text for its lifetime: the word is a static name from the errno
    // table or the signal's own, or a generic word for anything else.
    let (word, style): (&'static str, Style) = match &result.outcome {
        Err(_) => ("ERROR", th.big_errno),
        Ok(record) => match &record.run.outcome {
            // "OK, but…": not the plain green OK a class would read as "all fine".
            Outcome::Ok if !record.run.warnings.is_empty() => ("OK, BUT", th.big_warning),
            Outcome::Ok => ("OK", th.big_ok),
            Outcome::Errno { errno, .. } => (
                errnos::info(*errno).map_or("ERRNO", |i| i.name),
                th.big_errno,
            ),
            Outcome::Signal { signal, .. } => (
                signal.known().map_or("SIGNAL", |s| s.as_str()),
                th.big_signal,
            ),
            Outcome::Timeout { .. } => ("TIMEOUT", th.big_errno),
            Outcome::Clobbered { .. } => ("CLOBBERED", th.big_signal),
        },
    };
    (word, style)
}

/// The largest pixel size that fits `word` in `width`×`height`: `(size, cell width, rows)`.
/// With `--ascii` only full-size pixels (drawn as `#`) are used.
fn pixel_size(app: &App, word: &str, width: u16, height: u16) -> Option<(PixelSize, u16, u16)> {
    let n = word.chars().count() as u16;
    let sizes: &[(PixelSize, u16, u16)] = if app.ascii {
        &[(PixelSize::Full, 8, 8)]
    } else {
        &[
            (PixelSize::Full, 8, 8),
            (PixelSize::HalfHeight, 8, 4),
            (PixelSize::Quadrant, 4, 4),
        ]
    };
    sizes
        .iter()
        .copied()
        .find(|(_, w, h)| n * w <= width && *h <= height)
}

/// Draw the findings under the big word, wrapped, as many as fit.
pub fn render_findings(app: &App, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line<'static>> = call::finding_lines(app)
        .iter()
        .flat_map(|l| super::text::wrap_indent(l, area.width as usize, 2))
        .collect();
    super::render_lines(&lines, 0, area, buf);
}

/// Draw the huge word, centred; plain bold text when even the smallest size does not fit.
pub fn render_big(app: &App, area: Rect, buf: &mut Buffer) {
    let (word, style) = big_word(app);
    let Some((size, _, rows)) = pixel_size(app, word, area.width, area.height) else {
        let y = area.y + area.height.saturating_sub(1) / 2;
        Paragraph::new(Line::from(word))
            .style(style)
            .alignment(Alignment::Center)
            .render(Rect::new(area.x, y, area.width, 1), buf);
        return;
    };
    let top = area.y + (area.height - rows) / 2;
    let r = Rect::new(area.x, top, area.width, rows);
    BigText::builder()
        .pixel_size(size)
        .style(style)
        .lines(vec![Line::from(word)])
        .centered()
        .build()
        .render(r, buf);
    if let Some(pixel) = app.glyphs.big_pixel {
        // `█` is ambiguous width: with --ascii every lit pixel becomes `#`.
        for y in r.top()..r.bottom() {
            for x in r.left()..r.right() {
                if let Some(cell) = buf.cell_mut((x, y)) {
                    if cell.symbol() != " " {
                        cell.set_symbol(pixel);
                    }
                }
            }
        }
    }
}
