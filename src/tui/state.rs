//! The plain types the lab's modules share: which pane has the focus, and what the command
//! line asked for. A leaf: it imports nothing of the TUI, so every module can use it without
//! an import cycle.

use super::theme::ThemeName;
use scenarios::Lang;

/// The panes that can have the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    /// The scenario list.
    List,
    /// The parameter form.
    Params,
    /// The outcome: steps, maps lines, findings.
    Outcome,
    /// The lesson text.
    Lesson,
}

/// What the command line asked of the lab.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--scenario ID`: start on this scenario.
    pub scenario: Option<String>,
    /// `--lang`, or the locale.
    pub lang: Lang,
    /// `--presenter`.
    pub presenter: bool,
    /// `--theme` (else dark, or mono when `NO_COLOR` is set).
    pub theme: Option<ThemeName>,
    /// `--ascii`: borders and glyphs in plain ASCII.
    pub ascii: bool,
    /// `--mouse`: capture the mouse (off by default: it stops the terminal's own selection).
    pub mouse: bool,
}
