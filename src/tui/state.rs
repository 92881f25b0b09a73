//! The plain types the lab's modules share: which pane has the focus, and what the command
//! line asked for. A leaf: it imports nothing of the TUI, so every module can use it without
//! an import cycle.

use super::theme::ThemeName;
use mmap_lab_engine::Lang;
use ratatui::layout::Rect;

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

/// Where things are on the screen and how far each pane scrolls, for the current state and
/// terminal size. The drawing side measures it (`ui::layout`) after every change and the state
/// code only reads it (mouse hits, scroll limits), so state code never calls drawing code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// Each pane on screen and its area, border included.
    pub panes: Vec<(Focus, Rect)>,
    /// The scenario listed at each screen row of the list.
    pub list_rows: Vec<(u16, usize)>,
    /// The form row shown at each screen row of the parameters.
    pub param_rows: Vec<(u16, usize)>,
    /// How far the outcome can scroll.
    pub max_outcome: u16,
    /// How far the lesson can scroll.
    pub max_lesson: u16,
    /// How far the help overlay can scroll.
    pub max_help: u16,
}

impl Layout {
    /// The pane under a screen cell.
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Focus> {
        self.panes
            .iter()
            .find(|(_, r)| r.contains((x, y).into()))
            .map(|(f, _)| *f)
    }

    /// The scenario at screen row `y` of the list.
    pub fn list_hit(&self, y: u16) -> Option<usize> {
        self.list_rows
            .iter()
            .find(|(row, _)| *row == y)
            .map(|r| r.1)
    }

    /// The form row at screen row `y`.
    pub fn param_hit(&self, y: u16) -> Option<usize> {
        self.param_rows
            .iter()
            .find(|(row, _)| *row == y)
            .map(|r| r.1)
    }

    /// How far `pane` can scroll (the list and the form move a selection instead).
    pub fn max_scroll(&self, pane: Focus) -> u16 {
        match pane {
            Focus::Outcome => self.max_outcome,
            Focus::Lesson => self.max_lesson,
            Focus::List | Focus::Params => 0,
        }
    }
}
