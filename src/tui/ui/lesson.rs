//! The lesson pane: the scenario's lesson from `assets/lessons`, reflowed to the pane's width
//! (the Chinese texts are hard-wrapped between characters: lines are joined without spaces
//! there), with `code` in the call style and code blocks kept as written. Scrollable.

use super::text;
use crate::tui::app::App;
use mmap_lab_engine::lesson::unwrap_paragraph;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// A paragraph's text as spans: `code` in `code`, the rest in `plain`.
pub(super) fn inline(textline: &str, plain: Style, code: Style) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, piece) in textline.split('`').enumerate() {
        if piece.is_empty() {
            continue;
        }
        let style = if i % 2 == 1 { code } else { plain };
        spans.push(Span::styled(piece.to_string(), style));
    }
    Line::from(spans)
}

/// What the last block of the lesson was, for the spacing of the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    Heading,
    Item,
    Para,
}

/// Every line of the lesson, wrapped to `width`.
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let width = width.max(1) as usize;
    let th = &app.theme;
    let lesson = app.lesson();
    let mut out: Vec<Line<'static>> = Vec::new();
    let push = |line: Line<'static>, indent: usize, out: &mut Vec<Line<'static>>| {
        out.extend(text::wrap_indent(&line, width, indent));
    };
    // The compact layout's header shows the title already: its rows go to the question.
    let compact = super::shape::Shape::of(app.size.0, app.size.1) == super::shape::Shape::Compact;
    if !compact || app.presenter {
        push(
            Line::from(Span::styled(lesson.title.clone(), th.heading)),
            0,
            &mut out,
        );
    }
    // Before the first run only the question: the rule line and the sections after the
    // question would tell the answer the student is about to predict.
    let folded = app.lesson_folded();
    if !folded {
        push(inline(&lesson.rule, th.call, th.call), 2, &mut out);
    }
    // The variants to try come right after the question: on a small screen the question is
    // what must stay readable, and the checklist is the next thing a student looks for.
    let mut try_next = Some(super::course::try_next(app, width));
    let mut headings = 0;

    // Paragraphs: runs of lines up to a blank line, a list item or a heading.
    let mut para: Vec<&str> = Vec::new();
    let mut item = false;
    // What came last: a heading (no blank line after it), a list item, or a paragraph.
    let mut prev = Prev::Heading;
    let mut in_code = false;
    let flush =
        |para: &mut Vec<&str>, item: &mut bool, prev: &mut Prev, out: &mut Vec<Line<'static>>| {
            if para.is_empty() {
                return;
            }
            // A blank line between paragraphs, not between the items of one list.
            let blank = match prev {
                Prev::Heading => false,
                Prev::Item => !*item,
                Prev::Para => true,
            };
            if blank {
                out.push(Line::default());
            }
            let joined = unwrap_paragraph(para);
            let (text, indent) = if *item {
                (format!("• {}", joined.trim_start_matches("- ")), 2)
            } else {
                (joined, 0)
            };
            out.extend(text::wrap_indent(
                &inline(&text, th.text, th.call),
                width,
                indent,
            ));
            para.clear();
            *prev = if *item { Prev::Item } else { Prev::Para };
            *item = false;
        };
    for raw in lesson.text.lines().skip(2) {
        if raw.trim_start().starts_with("```") {
            flush(&mut para, &mut item, &mut prev, &mut out);
            in_code = !in_code;
            continue;
        }
        if in_code {
            push(
                Line::from(Span::styled(format!("  {raw}"), th.call)),
                4,
                &mut out,
            );
            continue;
        }
        if let Some(h) = raw.strip_prefix("## ") {
            flush(&mut para, &mut item, &mut prev, &mut out);
            headings += 1;
            if headings == 2 {
                out.extend(try_next.take().unwrap_or_default());
            }
            if folded && headings > 1 {
                break;
            }
            out.push(Line::default());
            push(
                Line::from(Span::styled(h.trim().to_string(), th.heading)),
                0,
                &mut out,
            );
            prev = Prev::Heading;
            continue;
        }
        if raw.trim().is_empty() {
            flush(&mut para, &mut item, &mut prev, &mut out);
            continue;
        }
        if raw.starts_with("- ") {
            flush(&mut para, &mut item, &mut prev, &mut out);
            item = true;
        }
        para.push(raw);
    }
    flush(&mut para, &mut item, &mut prev, &mut out);
    out.extend(try_next.take().unwrap_or_default());
    if folded {
        out.push(Line::default());
        push(
            Line::from(Span::styled(
                crate::strings::t(crate::strings::S::FoldedHint, app.lang),
                th.message,
            )),
            0,
            &mut out,
        );
    }
    out
}

/// The lesson's question (its first section), as one paragraph per blank-line block.
pub fn question(app: &App) -> Vec<String> {
    let Some((_, body)) = app.lesson().sections.first() else {
        return Vec::new();
    };
    body.split("\n\n")
        .map(|p| unwrap_paragraph(&p.lines().collect::<Vec<_>>()))
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// Draw the pane from its scroll position.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = lines(app, area.width);
    let max = lines.len().saturating_sub(area.height as usize) as u16;
    super::draw::render_scrolled(app, &lines, app.lesson_scroll.min(max), area, buf);
}
