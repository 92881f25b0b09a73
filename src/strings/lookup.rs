//! A string's text: the row of the file that holds it.

use mmap_lab_engine::Lang;

use super::{config, errors, help, man, pagemap, report, tui, S};

/// A string's `(English, Chinese)`.
type Pair = (&'static str, &'static str);

/// The files that hold rows of [`S`], each answering for its own strings.
pub(super) const ROWS: &[fn(S) -> Option<Pair>] = &[
    report::pair,
    tui::pair,
    pagemap::pair,
    errors::pair,
    help::pair,
    man::pair,
    config::pair,
];

impl S {
    /// `(English, Chinese)`: the row of the file that holds it. Every string has exactly one
    /// row (the test `every_string_has_one_row`); were one missing, the text would be empty,
    /// not a panic in a student's terminal.
    fn pair(self) -> Pair {
        if let S::Course(c) = self {
            return c.pair();
        }
        ROWS.iter().find_map(|rows| rows(self)).unwrap_or(("", ""))
    }

    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
        lang.pick(en, zh)
    }
}

/// Shorthand for [`S::get`].
pub fn t(s: S, lang: Lang) -> &'static str {
    s.get(lang)
}
