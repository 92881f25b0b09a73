//! The help overlay: the keys of the focused pane (or of the editor) first, then the keys
//! that work everywhere, all from the one command table. Clamped to the frame at any size.

use super::frame::key_label;
use super::text;
use crate::strings::{self, t, S};
use crate::tui::app::App;
use crate::tui::event::{help, Command, Mode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let lang = app.lang;
    let mode = match app.mode() {
        Mode::Editing => Mode::Editing,
        _ => Mode::Normal,
    };
    let (here, global) = help(mode, app.focus);
    let heading = if mode == Mode::Editing {
        t(S::HelpEditor, lang)
    } else {
        t(S::HelpHere, lang)
    };
    let keys_w = here
        .iter()
        .chain(&global)
        .map(|c| text::width(key_label(app, c)))
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let row = |c: &Command| -> Vec<Line<'static>> {
        let line = Line::from(vec![
            Span::styled(
                format!("  {}", text::pad(key_label(app, c), keys_w)),
                th.key,
            ),
            Span::raw(format!("  {}", t(c.text, lang))),
        ]);
        text::wrap_indent(&line, width, keys_w + 4)
    };
    let mut out = vec![Line::from(Span::styled(heading, th.heading))];
    out.extend(here.iter().flat_map(|c| row(c)));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        t(S::HelpEverywhere, lang),
        th.heading,
    )));
    out.extend(global.iter().flat_map(|c| row(c)));
    out.extend(super::course::marks_help(app));
    // Where the answers come from: they depend on the kernel, the machine and the C library.
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        t(S::HelpMachine, lang),
        th.heading,
    )));
    for line in strings::machine_lines(mmap_lab_engine::engine::environment::current(), lang) {
        out.extend(text::wrap_indent(
            &Line::from(format!("  {line}")),
            width,
            4,
        ));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(t(S::HelpClose, lang), th.dim)));
    out
}

/// The popup's rectangle: centred, at most 76×(lines+2), never larger than the frame.
fn popup(area: Rect, wanted_h: u16) -> Rect {
    let w = area.width.min(76);
    let h = area.height.min(wanted_h);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn inner_width(area: Rect) -> usize {
    area.width.min(76).saturating_sub(2) as usize
}

/// How far the help scrolls in `area`.
pub fn max_scroll(app: &App, area: Rect) -> u16 {
    let n = lines(app, inner_width(area).max(1)).len();
    let r = popup(area, n as u16 + 2);
    n.saturating_sub(r.height.saturating_sub(2) as usize) as u16
}

/// Draw the overlay over whatever is there.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = lines(app, inner_width(area).max(1));
    let r = popup(area, (lines.len() as u16).saturating_add(2));
    if r.width == 0 || r.height == 0 {
        return;
    }
    super::draw::clear_for_overlay(app, r, buf);
    let block = Block::bordered()
        .border_set(app.glyphs.border)
        .border_style(app.theme.focus)
        .title(Line::from(format!(" {} ", t(S::Help, app.lang))).style(app.theme.focus));
    let max = lines
        .len()
        .saturating_sub(r.height.saturating_sub(2) as usize) as u16;
    // Say there is more, and how to reach it, when the help does not fit.
    let block = if max > 0 {
        let arrows = if app.ascii { " Up/Down " } else { " ↑↓ " };
        block.title_bottom(Line::from(arrows).style(app.theme.focus))
    } else {
        block
    };
    let inner = block.inner(r);
    block.render(r, buf);
    buf.set_style(inner, app.theme.text);
    super::draw::render_lines(&lines, app.help.unwrap_or(0).min(max), inner, buf);
}
