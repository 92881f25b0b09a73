//! Wrapping styled text to a width, for English and Chinese alike.
//!
//! ratatui's own wrapping breaks lines at spaces only, which leaves a Chinese paragraph (no
//! spaces) ragged or cut mid-word around the few Latin words in it. Here a line may break at a
//! space or on either side of a wide (CJK) character, and widths are counted in cells.

/// Width of a string in cells: the lab's one width rule ([`mmap_lab_engine::lesson::width`]).
pub use mmap_lab_engine::lesson::width;
use mmap_lab_engine::lesson::{char_width as cell_width, is_wide};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Punctuation that must not begin a line (Chinese line-breaking rules).
fn closing(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '”'
            | '’'
            | '》'
            | '】'
    )
}

/// Punctuation that must not end a line: it belongs to what it opens.
fn opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '《' | '【' | '“' | '‘')
}

/// Builds lines out of styled characters, merging runs of one style into one span.
struct Builder {
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    run: String,
    run_style: Style,
    used: usize,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            lines: Vec::new(),
            spans: Vec::new(),
            run: String::new(),
            run_style: Style::new(),
            used: 0,
        }
    }

    fn push(&mut self, c: char, style: Style) {
        if style != self.run_style && !self.run.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.run), self.run_style));
        }
        self.run_style = style;
        self.run.push(c);
        self.used += cell_width(c);
    }

    fn trim_trailing_spaces(&mut self) {
        while self.run.ends_with(' ') {
            self.run.pop();
            self.used = self.used.saturating_sub(1);
        }
    }

    fn newline(&mut self, indent: usize) {
        self.trim_trailing_spaces();
        if !self.run.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.run), self.run_style));
        }
        self.lines.push(Line::from(std::mem::take(&mut self.spans)));
        self.used = 0;
        for _ in 0..indent {
            self.push(' ', Style::new());
        }
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        self.trim_trailing_spaces();
        if !self.run.is_empty() {
            self.spans.push(Span::styled(self.run, self.run_style));
        }
        self.lines.push(Line::from(self.spans));
        self.lines
    }
}

/// Wrap `line` to `width` cells; continuation lines start with `indent` spaces. Always at
/// least one line; never a line wider than `width` (unless `width` is smaller than a
/// character).
pub fn wrap_indent(line: &Line<'_>, width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let indent = if indent * 2 >= width { 0 } else { indent };
    // Tokens: a run of narrow non-space characters (a word), one wide character, or a space.
    let chars: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            let style = line.style.patch(s.style);
            s.content.chars().map(move |c| (c, style))
        })
        .filter(|(c, _)| *c != '\n' && *c != '\r')
        .collect();
    let mut b = Builder::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, style) = chars[i];
        if c == ' ' {
            if b.used < width {
                b.push(' ', style);
            } else {
                b.newline(indent);
            }
            i += 1;
            continue;
        }
        // A token: one wide character or a word, then the closing punctuation after it
        // (which never starts a line: it stays with what it closes); after opening
        // punctuation, the next token too (a line never ends with what opens).
        let mut end = i;
        loop {
            end = token_end(&chars, end);
            while end < chars.len() && closing(chars[end].0) {
                end += 1;
            }
            let opens = chars
                .get(end.wrapping_sub(1))
                .is_some_and(|(c, _)| opening(*c));
            if !opens || end >= chars.len() || chars[end].0 == ' ' {
                break;
            }
        }
        let token = &chars[i..end];
        let tw: usize = token.iter().map(|(c, _)| cell_width(*c)).sum();
        if b.used + tw > width && b.used > indent {
            b.newline(indent);
        }
        if b.used + tw <= width {
            for (c, s) in token {
                b.push(*c, *s);
            }
        } else {
            // A word longer than the line: cut it where it overflows.
            for (c, s) in token {
                let cw = cell_width(*c);
                if b.used + cw > width && b.used > indent {
                    b.newline(indent);
                }
                b.push(*c, *s);
            }
        }
        i = end;
    }
    b.finish()
}

/// Where the token starting at `i` ends: after one wide character, or after a run of
/// narrow non-space characters (a word; an opening quote such as `“` is narrow, and a word
/// ends before a wide character).
fn token_end(chars: &[(char, Style)], i: usize) -> usize {
    match chars.get(i) {
        None => i,
        Some((c, _)) if is_wide(*c) => i + 1,
        Some(_) => chars[i..]
            .iter()
            .position(|(c, _)| *c == ' ' || is_wide(*c))
            .map_or(chars.len(), |n| i + n)
            .max(i + 1),
    }
}

/// Wrap without a hanging indent.
pub fn wrap(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    wrap_indent(line, width, 0)
}

/// Cut `s` to at most `max` cells, with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = cell_width(c);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// Pad `s` with spaces to `w` cells (or cut it).
pub fn pad(s: &str, w: usize) -> String {
    let s = truncate(s, w);
    let n = w.saturating_sub(width(&s));
    let mut out = s;
    out.extend(std::iter::repeat_n(' ', n));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn english_breaks_at_spaces() {
        let l = Line::from("the offset must be a multiple");
        assert_eq!(
            texts(&wrap(&l, 12)),
            ["the offset", "must be a", "multiple"]
        );
    }

    #[test]
    fn chinese_breaks_between_characters_and_counts_two_cells() {
        let l = Line::from("偏移量必须是页大小的整数倍");
        let out = wrap(&l, 10);
        assert_eq!(texts(&out), ["偏移量必须", "是页大小的", "整数倍"]);
        for line in &out {
            assert!(line.width() <= 10);
        }
        let mixed = Line::from("调用 mmap 返回 EINVAL 错误");
        for line in wrap(&mixed, 9) {
            assert!(line.width() <= 9, "{line}");
        }
    }

    #[test]
    fn chinese_punctuation_stays_with_what_it_closes() {
        let l = Line::from("更危险。下一句");
        let out = texts(&wrap(&l, 6));
        assert!(out.iter().all(|l| !l.starts_with('。')), "{out:?}");
    }

    /// Every way of wrapping `text` at widths 6 to 40 (narrower, a character with its
    /// punctuation, `能”。`, may not fit a line and is cut like a long word).
    fn all_wraps(text: &str) -> Vec<Vec<String>> {
        (6..=40)
            .map(|w| texts(&wrap(&Line::from(text), w)))
            .collect()
    }

    #[test]
    fn no_line_starts_with_closing_or_ends_with_opening_punctuation() {
        let text =
            "课程笔记第 8 题：“使用内存映射实现文件拷贝的功能”。笔记给出的思路（见「讲解」，\
                    以及《手册》）是：先映射、再拷贝；对吗？对！";
        for (w, lines) in (6..).zip(all_wraps(text)) {
            for l in &lines {
                let first = l.trim_start().chars().next();
                let last = l.trim_end().chars().last();
                assert!(
                    !first.is_some_and(closing),
                    "width {w}: {l:?} starts with closing punctuation in {lines:?}"
                );
                assert!(
                    !last.is_some_and(opening) || l.trim().chars().count() == 1,
                    "width {w}: {l:?} ends with opening punctuation in {lines:?}"
                );
            }
        }
    }

    #[test]
    fn wrapping_keeps_the_spaces_between_chinese_and_latin_words() {
        let text = "内核把映射的第 n 页对应到文件的第 n 页，只写的描述符得到 EACCES 错误";
        for (w, lines) in (6..).zip(all_wraps(text)) {
            // Where a line breaks, a space of the source may go; every other space stays:
            // joining the lines back with a space at each break where the source had one
            // gives the source.
            let mut back = String::new();
            for l in &lines {
                let l = l.trim();
                if !back.is_empty() && text[back.len()..].starts_with(' ') {
                    back.push(' ');
                }
                back.push_str(l);
            }
            assert_eq!(back, text, "width {w}: {lines:?}");
        }
    }

    #[test]
    fn long_words_are_cut_and_indent_hangs() {
        let l = Line::from("mmap(NULL,4096,PROT_READ,MAP_SHARED)");
        for line in wrap(&l, 10) {
            assert!(line.width() <= 10);
        }
        let l = Line::from("1  open(\"data\", O_RDWR) = 3");
        let out = wrap_indent(&l, 14, 4);
        assert!(out[1].to_string().starts_with("    "));
    }

    #[test]
    fn tiny_widths_do_not_loop() {
        let l = Line::from("偏移 abc");
        assert!(!wrap(&l, 1).is_empty());
        assert!(!wrap(&l, 0).is_empty());
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
