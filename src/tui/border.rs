//! Borders and glyphs, in Unicode or in plain ASCII (`--ascii`).
//!
//! Box-drawing characters, block elements and arrows are "ambiguous width": some CJK terminal
//! setups draw them two cells wide and every border breaks. `--ascii` swaps all of them for
//! `+ - |` and ASCII look-alikes. Status glyphs come with a word anyway, so nothing is lost.

use ratatui::symbols::border;

/// ratatui's plain border set, with `+ - |`.
pub const ASCII: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Every symbol the lab draws besides letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    /// The pane borders.
    pub border: border::Set<'static>,
    /// The selected row.
    pub cursor: &'static str,
    /// A scenario run with success.
    pub ok: &'static str,
    /// A scenario whose run failed with an errno.
    pub errno: &'static str,
    /// A scenario whose run died of a signal.
    pub signal: &'static str,
    /// A scenario whose run timed out or could not happen.
    pub timeout: &'static str,
    /// A scenario not run yet.
    pub not_run: &'static str,
    /// A flag that is set, and one that is not.
    pub checked: &'static str,
    /// See [`Glyphs::checked`].
    pub unchecked: &'static str,
    /// Page map: a page of file data.
    pub file_data: char,
    /// Page map: the rest of the file's last page (reads as zeros).
    pub file_tail: char,
    /// Page map: no file there.
    pub no_file: char,
    /// Page map: the mapping's body.
    pub mapped: char,
    /// Page map: after the child's page, another physical frame than the parent's.
    pub other_frame: char,
    /// Page map: where the pointer or the access lands.
    pub arrow: &'static str,
    /// Points from the outcome to the knob to look at.
    pub points_to: &'static str,
    /// Before a warning: the run succeeded, but… .
    pub warning: &'static str,
    /// Page map: pages left out of the drawing.
    pub gap: &'static str,
    /// The spinner while a run goes on.
    pub spinner: &'static [&'static str],
    /// The horizontal rule between sections in the compact layouts.
    pub rule: &'static str,
    /// The big-text pixel, for presenter mode (`None`: tui-big-text's own blocks).
    pub big_pixel: Option<&'static str>,
    /// One cell of a bar in a bar chart (mmap-copy's speeds).
    pub bar: &'static str,
}

/// The outcome marks are the command line's, in both sets: one table.
const ASCII_MARKS: crate::report::Marks = crate::report::Marks::ASCII;
/// See [`ASCII_MARKS`].
const UNICODE_MARKS: crate::report::Marks = crate::report::Marks::UNICODE;

impl Glyphs {
    /// Unicode or ASCII glyphs.
    pub fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs {
                border: ASCII,
                cursor: ">",
                ok: ASCII_MARKS.ok,
                errno: ASCII_MARKS.errno,
                signal: ASCII_MARKS.signal,
                timeout: ASCII_MARKS.timeout,
                not_run: ".",
                checked: "[x]",
                unchecked: "[ ]",
                file_data: '#',
                file_tail: ':',
                no_file: '.',
                mapped: '=',
                other_frame: '!',
                arrow: "^",
                points_to: "->",
                warning: ASCII_MARKS.warning,
                gap: "..",
                spinner: &["|", "/", "-", "\\"],
                rule: "-",
                big_pixel: Some("#"),
                bar: "#",
            }
        } else {
            Glyphs {
                border: border::PLAIN,
                cursor: "▸",
                ok: UNICODE_MARKS.ok,
                errno: UNICODE_MARKS.errno,
                signal: UNICODE_MARKS.signal,
                timeout: UNICODE_MARKS.timeout,
                not_run: "·",
                checked: "[x]",
                unchecked: "[ ]",
                file_data: '▓',
                file_tail: '░',
                no_file: '·',
                mapped: '═',
                other_frame: '≠',
                arrow: "↑",
                points_to: "→",
                warning: UNICODE_MARKS.warning,
                gap: "…",
                spinner: &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
                rule: "─",
                big_pixel: None,
                bar: "█",
            }
        }
    }
}
