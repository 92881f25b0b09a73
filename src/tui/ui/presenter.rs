//! Presenter mode, for a projector: no list and no lesson; the call, then the kernel's answer
//! in huge letters (tui-big-text draws ASCII only, so the word is the errno or signal name;
//! the sentence around it stays normal text, in Chinese too), then the form, so an
//! instructor can turn a knob and run again from the front of the room.

use super::call;
use super::shape::{allocate, stack, Areas};
use crate::tui::app::App;
use crate::tui::state::Focus;
use mmap_lab_engine::{errnos, Outcome};
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};

/// The layout of presenter mode inside `body`, top to bottom: the numbered calls, the big
/// word, the findings right under it (what the room must read), a small before/after page
/// strip, and the form. The word takes the rows the others leave, so it grows with the
/// window; the calls get more rows on a taller one.
pub fn areas(app: &App, mut a: Areas, body: Rect) -> Areas {
    let word = big_word(app).0;
    // Every call, the outcome line (wrapped) and the title: the call under test and the
    // kernel's answer come before the big word's size, up to two rows in five.
    let calls = (call::wanted_rows(app, body.width) + call::extra_rows(app, body.width)) as u16;
    let calls = (calls + 1).min(5.max(body.height * 2 / 5));
    let map = match body.height {
        _ if app.view.pagemap.is_none() => 0,
        36.. => 7,
        28.. => 3,
        20.. => 2,
        _ => 0,
    };
    // At most four rows of findings, so the word keeps its size.
    let found = (call::finding_rows(app, body.width) as u16).min(4);
    // Reserve the calls, the findings, the strip and a few rows of the form first; the word
    // takes what it can use.
    let fixed = calls + found + 4 + map;
    let room = body.height.saturating_sub(fixed);
    let big_h = word_size(app, word, body.width, room).map_or(1, |(_, h)| h);
    let h = allocate(
        body.height,
        &[(2, calls), (1, big_h), (found, found), (0, map), (3, 3)],
        &[0, 1, 3],
        4,
    );
    let s = stack(body, &h);
    a.call = s[0];
    a.big = s[1];
    a.findings = s[2];
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
    // A failed run says so at once; a record only once its outcome is revealed.
    let Some(result) = app.result().filter(|r| {
        r.params == *app.current_params() && (r.outcome.is_err() || app.shown().complete)
    }) else {
        return ("?", th.big_idle);
    };
    // The widget keeps its text for its lifetime: the word is a static name from the errno
    // table or the signal's own, or a generic word for anything else.
    let (word, style): (&'static str, Style) = match &result.outcome {
        Err(_) => ("ERROR", th.big_errno),
        Ok(record) => match &record.run.outcome {
            // "OK, but…": not the plain green OK a class would read as "all fine".
            Outcome::Ok if record.run.ok_but() => ("OK, BUT", th.big_warning),
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

/// How the big word is drawn: one of tui-big-text's own pixel sizes, or its full-size font
/// scaled up so that each letter is this many rows tall (and as many cells wide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    Font(PixelSize),
    Scaled(u16),
}

/// Letters more than this many rows tall only push the rest off a big screen.
const MAX_LETTER: u16 = 24;

/// The largest size that fits `word` in `width`×`height`, and the rows it takes. With
/// `--ascii` only whole-cell pixels (drawn as `#`) are used.
fn word_size(app: &App, word: &str, width: u16, height: u16) -> Option<(Size, u16)> {
    let n = (word.chars().count() as u16).max(1);
    // Bigger than the font's 8×8 cells: as tall as the rows allow, a letter as wide as it
    // is tall (a cell is about twice as tall as wide, like the font's own pixels).
    // Only from half as big again: a letter one row taller than the font repeats one row of
    // pixels and looks uneven for nothing.
    let scaled = height.min(width / n).min(MAX_LETTER);
    if scaled >= 12 {
        return Some((Size::Scaled(scaled), scaled));
    }
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
        .map(|(size, _, h)| (Size::Font(size), h))
}

/// Draw the findings under the big word, wrapped, as many as fit.
pub fn render_findings(app: &App, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line<'static>> = call::finding_lines(app)
        .iter()
        .flat_map(|l| super::text::wrap_indent(l, area.width as usize, 2))
        .collect();
    super::draw::render_lines(&lines, 0, area, buf);
}

/// Draw the huge word, centred; plain bold text when even the smallest size does not fit.
pub fn render_big(app: &App, area: Rect, buf: &mut Buffer) {
    let (word, style) = big_word(app);
    let Some((size, rows)) = word_size(app, word, area.width, area.height) else {
        let y = area.y + area.height.saturating_sub(1) / 2;
        Paragraph::new(Line::from(word))
            .style(style)
            .alignment(Alignment::Center)
            .render(Rect::new(area.x, y, area.width, 1), buf);
        return;
    };
    let top = area.y + (area.height - rows) / 2;
    let r = Rect::new(area.x, top, area.width, rows);
    match size {
        Size::Font(size) => big_text(word, size, style).render(r, buf),
        Size::Scaled(letter) => render_scaled(word, letter, style, r, buf),
    }
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

/// The word in tui-big-text's font at `size`, centred.
fn big_text(word: &'static str, size: PixelSize, style: Style) -> BigText<'static> {
    BigText::builder()
        .pixel_size(size)
        .style(style)
        .lines(vec![Line::from(word)])
        .centered()
        .build()
}

/// The word in the full-size font (8×8 cells a letter), scaled to `letter`×`letter` cells a
/// letter by repeating pixels, centred in `r`.
fn render_scaled(word: &'static str, letter: u16, style: Style, r: Rect, buf: &mut Buffer) {
    let n = word.chars().count() as u16;
    let src = Rect::new(0, 0, n * 8, 8);
    let mut font = Buffer::empty(src);
    big_text(word, PixelSize::Full, style).render(src, &mut font);
    let w = n * letter;
    let x0 = r.x + r.width.saturating_sub(w) / 2;
    for dy in 0..letter.min(r.height) {
        for dx in 0..w.min(r.width) {
            // The source pixel this cell shows (nearest neighbour).
            let sx = (dx / letter) * 8 + (dx % letter) * 8 / letter;
            let sy = dy * 8 / letter;
            if font[(sx, sy)].symbol() != " " {
                if let Some(cell) = buf.cell_mut((x0 + dx, r.y + dy)) {
                    cell.set_symbol("█").set_style(style);
                }
            }
        }
    }
}
