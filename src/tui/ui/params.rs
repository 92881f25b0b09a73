//! The parameter form: one row per knob (symbolic value, hex, decimal, a one-line doc), and
//! under the selected row its editor: the flag names with checkboxes, the choices, or the
//! typed text with the reason it was refused.

use super::text;
use crate::report;
use crate::strings::{self, t, S};
use crate::tui::app::App;
use crate::tui::state::Focus;
use mmap_lab_engine::params::{Key, KeyKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Glue between a checkbox and its name, so that wrapping never separates them.
const NBSP: char = '\u{a0}';

/// Column widths of the form.
struct Columns {
    name: usize,
    value: usize,
    hex: usize,
    dec: usize,
    doc: usize,
}

fn columns(app: &App, width: usize) -> Columns {
    let params = app.current_params();
    let mut c = Columns {
        name: 0,
        value: 0,
        hex: 0,
        dec: 0,
        doc: 0,
    };
    for key in &app.view.keys {
        let (sym, hex, dec) = report::form_line(params, *key);
        c.name = c.name.max(key.name().len());
        c.value = c.value.max(text::width(&sym));
        c.hex = c.hex.max(hex.len());
        c.dec = c.dec.max(dec.len());
    }
    c.value = c.value.clamp(8, 30);
    // What does not fit goes, least needed first: the doc (it is also shown under the
    // selected row), the decimal, the hex; the value is cut last.
    let fixed = 2 + c.name + 1;
    let mut rest = width.saturating_sub(fixed);
    for col in [&mut c.value, &mut c.hex, &mut c.dec] {
        let w = if *col == 0 { 0 } else { *col + 1 };
        if w <= rest {
            rest -= w;
        } else {
            *col = rest.saturating_sub(1);
            rest = 0;
        }
    }
    c.doc = if rest >= 16 { rest } else { 0 };
    c
}

/// The lines under the selected row.
fn detail(app: &App, key: Key, width: usize, indent: usize, doc_shown: bool) -> Vec<Line<'static>> {
    let th = &app.theme;
    let lang = app.lang;
    let params = app.current_params();
    let avail = width.saturating_sub(indent).max(1);
    let mut out: Vec<Line<'static>> = Vec::new();
    let push_wrapped = |line: Line<'static>, out: &mut Vec<Line<'static>>| {
        for l in text::wrap(&line, avail) {
            let mut spans = vec![Span::raw(" ".repeat(indent))];
            spans.extend(l.spans);
            out.push(Line::from(spans));
        }
    };
    if let Some(ed) = app.editor.as_ref().filter(|e| e.key == key) {
        let input = Line::from(vec![
            // The old value shows selected (reversed, underlined): typing replaces it.
            if ed.selected {
                Span::styled(
                    format!("{}▏", ed.text),
                    th.editor.add_modifier(
                        ratatui::style::Modifier::REVERSED | ratatui::style::Modifier::UNDERLINED,
                    ),
                )
            } else {
                Span::styled(format!("{}▏", ed.text), th.editor)
            },
            Span::styled(format!("  {}", t(S::EditHint, lang)), th.dim),
        ]);
        push_wrapped(input, &mut out);
        let hint = match &ed.error {
            Some(err) => Line::from(Span::styled(strings::param_error(err, lang), th.error)),
            None => Line::from(Span::styled(key.expected_in(lang), th.dim)),
        };
        push_wrapped(hint, &mut out);
        return out;
    }
    if !app.scenario().accepts(key) {
        if doc_shown {
            return out;
        }
        let line = Line::from(Span::styled(
            format!("{}{}", t(S::Fixed, lang), key.doc(lang)),
            th.dim,
        ));
        push_wrapped(line, &mut out);
        return out;
    }
    let focused = app.focus == Focus::Params;
    let item = |label: String, on: bool, under_cursor: bool| -> Span<'static> {
        let style = if under_cursor && focused {
            th.selected
        } else if on {
            th.text
        } else {
            th.dim
        };
        Span::styled(label, style)
    };
    let strip: Option<Vec<Span<'static>>> = match key.kind() {
        KeyKind::Flags(set) => Some(
            set.iter()
                .enumerate()
                .map(|(i, f)| {
                    let on = key.flag_is_set(params, i);
                    let b = if on {
                        app.glyphs.checked
                    } else {
                        app.glyphs.unchecked
                    };
                    let b = b.replace(' ', "\u{a0}");
                    item(format!("{b}{NBSP}{}", f.name), on, i == app.flag_cursor)
                })
                .collect(),
        ),
        // A choice and a yes/no knob read the same: every value, the current one in brackets.
        KeyKind::Choice(words) => Some(radio(words, &params.get(key), &item)),
        KeyKind::Bool => Some(radio(&["false", "true"], &params.get(key), &item)),
        KeyKind::Number { .. } | KeyKind::Text => None,
    };
    match strip {
        Some(items) => {
            let mut spans = Vec::new();
            for (i, s) in items.into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw(" "));
                }
                spans.push(s);
            }
            push_wrapped(Line::from(spans), &mut out);
        }
        None => {
            let mut spans = Vec::new();
            if !doc_shown {
                spans.push(Span::styled(key.doc(lang).to_string(), th.dim));
                spans.push(Span::styled(" · ", th.dim));
            }
            spans.push(Span::styled(
                format!("e: {}", key.expected_in(lang)),
                th.dim,
            ));
            let line = Line::from(spans);
            push_wrapped(line, &mut out);
        }
    }
    out
}

/// All lines of the form, and the index of the selected row's line.
fn lines(app: &App, width: usize) -> (Vec<Line<'static>>, usize, usize) {
    let th = &app.theme;
    let cols = columns(app, width);
    let params = app.current_params();
    let focused = app.focus == Focus::Params;
    let fresh_blame = |k: Key| app.view.blame.contains(&k);
    let mut out = Vec::with_capacity(app.view.keys.len() + 4);
    let mut selected_line = 0;
    let mut detail_len = 0;
    for (i, key) in app.view.keys.iter().enumerate() {
        let key = *key;
        let fixed = !app.scenario().accepts(key);
        let selected = i == app.param_row;
        let (sym, hex, dec) = report::form_line(params, key);
        let base = if fixed { th.dim } else { th.text };
        let name_style = match (selected, focused) {
            (true, true) => th.selected,
            (true, false) => th.selected_idle,
            _ => base,
        };
        let value_style = if fresh_blame(key) { th.blame } else { base };
        let cursor = if selected { app.glyphs.cursor } else { " " };
        let editing = app.editor.as_ref().is_some_and(|e| e.key == key);
        let value = if editing {
            Span::styled(text::pad("…", cols.value), th.dim)
        } else {
            Span::styled(text::pad(&sym, cols.value), value_style)
        };
        let mut spans = vec![
            Span::styled(format!("{cursor} "), th.focus),
            Span::styled(text::pad(key.name(), cols.name), name_style),
            Span::raw(" "),
            value,
        ];
        if cols.hex > 0 {
            spans.push(Span::styled(
                format!(" {}", text::pad(&hex, cols.hex)),
                base,
            ));
        }
        if cols.dec > 0 {
            spans.push(Span::styled(
                format!(" {}", text::pad(&dec, cols.dec)),
                base,
            ));
        }
        if cols.doc > 0 {
            let doc = if fixed {
                format!("{}{}", t(S::Fixed, app.lang), key.doc(app.lang))
            } else {
                key.doc(app.lang).to_string()
            };
            spans.push(Span::styled(
                format!(" {}", text::truncate(&doc, cols.doc.saturating_sub(1))),
                th.dim,
            ));
        }
        out.push(Line::from(spans));
        if selected {
            selected_line = out.len() - 1;
            let indent = if width >= 40 { 2 + cols.name + 1 } else { 2 };
            let d = detail(app, key, width, indent, cols.doc > 0);
            detail_len = d.len();
            out.extend(d);
        }
    }
    (out, selected_line, detail_len)
}

/// The first line shown: the selected row and its detail stay in view.
fn offset(selected: usize, detail: usize, height: usize) -> usize {
    let bottom = selected + detail + 1;
    bottom.saturating_sub(height.max(1)).min(selected)
}

/// Draw the form.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (lines, sel, detail) = lines(app, area.width as usize);
    let skip = offset(sel, detail, area.height as usize);
    super::draw::render_lines(&lines, skip as u16, area, buf);
}

/// The form row at screen row `y` (a click on a detail line selects its row).
pub fn hit(app: &App, area: Rect, y: u16) -> Option<usize> {
    if y < area.y || y >= area.bottom() {
        return None;
    }
    let (_, sel, detail) = lines(app, area.width as usize);
    let skip = offset(sel, detail, area.height as usize);
    let line = skip + (y - area.y) as usize;
    // Detail lines follow the selected row: a click on one selects that row.
    let row = if line <= sel {
        line
    } else if line <= sel + detail {
        app.param_row
    } else {
        line - detail
    };
    (row < app.view.keys.len()).then_some(row)
}

/// Every value of a choice, the current one in brackets: `(none)  ftruncate   lseek-write `.
fn radio(
    words: &[&str],
    now: &str,
    item: &dyn Fn(String, bool, bool) -> Span<'static>,
) -> Vec<Span<'static>> {
    words
        .iter()
        .map(|w| {
            let on = *w == now;
            let label = if on {
                format!("({w})")
            } else {
                format!(" {w} ")
            };
            item(label, on, on)
        })
        .collect()
}
