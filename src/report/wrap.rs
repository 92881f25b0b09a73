//! Widths in terminal cells, and wrapping text to a width.

/// `text` in lines of at most `width` columns, breaking after a space or beside a wide (CJK)
/// character, later lines indented by `indent`. A word longer than a line stays whole.
pub fn wrap_text(text: &str, width: usize, indent: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    // Byte index in `line` after which it may break, and the width up to there.
    let mut brk: Option<(usize, usize)> = None;
    for c in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if cw == 2 {
            brk = Some((line.len(), line_width));
        }
        if line_width + cw > width && line_width > indent {
            if let Some((at, at_width)) = brk.filter(|(at, _)| *at > 0) {
                let rest = line.split_off(at);
                lines.push(line.trim_end().to_string());
                let rest = rest.trim_start().to_string();
                line_width = indent + width_of(&rest);
                let _ = at_width;
                line = format!("{}{rest}", " ".repeat(indent));
                brk = None;
            }
        }
        line.push(c);
        line_width += cw;
        if c == ' ' || cw == 2 {
            brk = Some((line.len(), line_width));
        }
    }
    lines.push(line);
    lines.join("\n")
}

fn width_of(s: &str) -> usize {
    mmap_lab_engine::lesson::width(s)
}

pub(super) fn width(s: &str) -> usize {
    mmap_lab_engine::lesson::width(s)
}

pub(super) fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}
