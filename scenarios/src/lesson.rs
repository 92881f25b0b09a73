//! Lesson texts: `assets/lessons/{en,zh}/<id>.md`, parsed into a title, a one-line rule and
//! sections. The format is fixed: `# title`, then `> rule`, then `## ` sections.

use serde::Serialize;

/// A language every user-facing text exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Chinese (simplified).
    Zh,
}

impl Lang {
    /// `en` or `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The one of two texts (or values) that is in this language: the one helper every
    /// bilingual table uses.
    pub fn pick<T>(self, en: T, zh: T) -> T {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// `en` / `zh` (also `zh_CN.UTF-8`-style locale names).
    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.to_ascii_lowercase();
        if t == "en" || t.starts_with("en_") || t == "c" || t == "posix" {
            Some(Lang::En)
        } else if t.starts_with("zh") {
            Some(Lang::Zh)
        } else {
            None
        }
    }
}

/// A parsed lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lesson {
    /// The `# ` line.
    pub title: String,
    /// The `> ` line: the kernel's rule in one sentence.
    pub rule: String,
    /// `(heading, body)` for each `## ` section, body as written.
    pub sections: Vec<(String, String)>,
    /// The whole text, as written.
    pub text: &'static str,
}

impl Lesson {
    /// Parse a lesson's Markdown.
    pub fn parse(text: &'static str) -> Lesson {
        let mut lines = text.lines();
        let title = lines
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .unwrap_or_default()
            .trim()
            .to_string();
        let rule = lines
            .next()
            .and_then(|l| l.strip_prefix("> "))
            .unwrap_or_default()
            .trim()
            .to_string();
        let mut sections: Vec<(String, String)> = Vec::new();
        for line in lines {
            if let Some(h) = line.strip_prefix("## ") {
                sections.push((h.trim().to_string(), String::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        for (_, body) in &mut sections {
            *body = body.trim().to_string();
        }
        Lesson {
            title,
            rule,
            sections,
            text,
        }
    }
}

/// Join hard-wrapped lines into paragraphs: a space between English words, nothing between
/// Chinese characters (the Chinese lessons are wrapped between characters). Between a
/// Chinese character and a Latin word the lessons write a space (`第 n 页`, `从 2.6.12 开始`),
/// so a line break there is one too; full-width punctuation brings its own room and takes
/// none (`返回：EINVAL`).
pub fn unwrap_paragraph(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let glue = match (out.chars().last(), line.chars().next()) {
            (None, _) => false,
            (Some(a), Some(b)) => {
                let tight = (is_wide(a) && is_wide(b))
                    || is_fullwidth_punctuation(a)
                    || is_fullwidth_punctuation(b);
                !tight
            }
            _ => true,
        };
        if glue {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Cells a character takes in a terminal (East Asian wide characters take two, combining
/// marks none): the lab's one width rule, shared by the screen, the report and the C program's
/// comments.
pub fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Cells a text takes in a terminal: the sum of [`char_width`].
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Chinese punctuation (`，。：（）「」…`): no space on either side of it.
pub fn is_fullwidth_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65 | 0x2018..=0x201F | 0x2026)
}

/// CJK characters and fullwidth punctuation: no spaces around them when joining lines.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// The sections every lesson has, in this order, as headed in `lang`. The third, "Where the
/// kernel decides", names the kernel functions (and the C library's check, if any) that produce
/// the lesson's errno or signal. The last one, "Try next", quotes commands that must each be
/// one of the scenario's declared variants.
pub fn headings(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::En => [
            "The question",
            "The rule",
            "Where the kernel decides",
            "What this experiment shows",
            "Man page",
            "Try next",
        ],
        Lang::Zh => [
            "问题",
            "规则",
            "内核在哪里做决定",
            "实验展示了什么",
            "手册",
            "接下来试试",
        ],
    }
}

impl Lesson {
    /// The body of the section headed `heading`, if the lesson has it.
    pub fn section(&self, heading: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|(h, _)| h == heading)
            .map(|(_, body)| body.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::unwrap_paragraph;

    #[test]
    fn a_line_break_between_chinese_and_latin_is_a_space() {
        assert_eq!(
            unwrap_paragraph(&["内核把映射的第 n", "页对应到第 n 页"]),
            "内核把映射的第 n 页对应到第 n 页"
        );
        assert_eq!(
            unwrap_paragraph(&["Linux 从 2.6.12", "开始照此执行"]),
            "Linux 从 2.6.12 开始照此执行"
        );
        assert_eq!(
            unwrap_paragraph(&["只写的描述符得到", "`EACCES`。"]),
            "只写的描述符得到 `EACCES`。"
        );
    }

    #[test]
    fn chinese_joins_tight_and_english_with_a_space() {
        assert_eq!(
            unwrap_paragraph(&["偏移量必须是", "页大小的整数倍"]),
            "偏移量必须是页大小的整数倍"
        );
        assert_eq!(
            unwrap_paragraph(&["the offset", "must be"]),
            "the offset must be"
        );
        // Full-width punctuation brings its own room.
        assert_eq!(unwrap_paragraph(&["返回：", "EINVAL"]), "返回：EINVAL");
        assert_eq!(unwrap_paragraph(&["EINVAL", "。下一句"]), "EINVAL。下一句");
        assert_eq!(unwrap_paragraph(&["（见", "mmap(2)）"]), "（见 mmap(2)）");
    }
}
