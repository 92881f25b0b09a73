//! Drawing helpers every pane uses: lines from a scroll position (with a "more" line when
//! some are below), blanking under an overlay, an outcome's colour. A leaf: the panes use
//! it, it uses no pane.

use super::text;
use crate::strings::{t, S};
use crate::tui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// Make room for an overlay (the help, the picker) at `r`: blank it in the theme's colours,
/// and blank a wide character just left of it. Such a character's right half lies under the
/// overlay's left border; the terminal would draw it whole over the border (ratatui skips
/// the cell behind a wide character), and the border would vanish where Chinese text is
/// behind the box.
pub fn clear_for_overlay(app: &App, r: Rect, buf: &mut Buffer) {
    use ratatui::widgets::Clear;
    Clear.render(r, buf);
    // Clear resets the cells to the terminal's colours: paint the theme's again.
    buf.set_style(r, app.theme.text);
    if r.x == 0 {
        return;
    }
    for y in r.top()..r.bottom() {
        let cell = &mut buf[(r.x - 1, y)];
        if text::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// The style of an outcome, by kind.
pub fn outcome_style(app: &App, o: &mmap_lab_engine::Outcome) -> Style {
    match o {
        mmap_lab_engine::Outcome::Ok => app.theme.ok,
        mmap_lab_engine::Outcome::Errno { .. } => app.theme.errno,
        mmap_lab_engine::Outcome::Signal { .. } | mmap_lab_engine::Outcome::Clobbered { .. } => {
            app.theme.signal
        }
        mmap_lab_engine::Outcome::Timeout { .. } => app.theme.timeout,
    }
}

/// Draw `lines` into `area` from row `scroll` on; when more rows follow than fit, the last
/// row says how many (`↓ 3 more`), so nobody misses what is below the fold.
pub(super) fn render_scrolled(
    app: &App,
    lines: &[Line<'_>],
    scroll: u16,
    area: Rect,
    buf: &mut Buffer,
) {
    let h = area.height as usize;
    let below = lines.len().saturating_sub(scroll as usize + h);
    if below == 0 || h < 2 {
        render_lines(lines, scroll, area, buf);
        return;
    }
    let shown = Rect::new(area.x, area.y, area.width, area.height - 1);
    render_lines(lines, scroll, shown, buf);
    let more = t(S::More, app.lang).replace("{0}", &(below + 1).to_string());
    buf.set_line(
        area.x,
        area.bottom() - 1,
        &Line::from(Span::styled(more, app.theme.key)),
        area.width,
    );
}

/// Draw `lines` into `area` from row `scroll` on.
pub(super) fn render_lines(lines: &[Line<'_>], scroll: u16, area: Rect, buf: &mut Buffer) {
    for (i, line) in lines
        .iter()
        .skip(scroll as usize)
        .take(area.height as usize)
        .enumerate()
    {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}
