//! The shapes of the screen and what a frame is made of: which layout a size gets
//! ([`Shape`]), the rectangles of one frame ([`Areas`]), and how rows are shared between
//! sections. A leaf: the layout in the parent and the presenter's use it.

use ratatui::layout::Rect;

/// The smallest size with a layout.
pub const MIN_SIZE: (u16, u16) = (40, 12);
/// The smallest compact layout.
const COMPACT: (u16, u16) = (80, 22);
/// The smallest roomy layout.
const ROOMY: (u16, u16) = (120, 30);

/// Which layout a size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Three columns.
    Roomy,
    /// Two columns, outcome and lesson share the bottom.
    Compact,
    /// One column.
    Minimal,
    /// Below [`MIN_SIZE`].
    TooSmall,
}

impl Shape {
    /// The layout for a `w`×`h` terminal.
    pub fn of(w: u16, h: u16) -> Shape {
        if w >= ROOMY.0 && h >= ROOMY.1 {
            Shape::Roomy
        } else if w >= COMPACT.0 && h >= COMPACT.1 {
            Shape::Compact
        } else if w >= MIN_SIZE.0 && h >= MIN_SIZE.1 {
            Shape::Minimal
        } else {
            Shape::TooSmall
        }
    }
}

/// Where everything goes, for one frame (outer rectangles, borders included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    /// The title bar.
    pub header: Rect,
    /// Key hints (and messages, when there is no status line).
    pub footer: Rect,
    /// The status line (roomy only).
    pub status: Option<Rect>,
    /// The demo's line while one plays: its position and the step's note.
    pub demo: Option<Rect>,
    /// The scenario list.
    pub list: Option<Rect>,
    /// The parameter form.
    pub params: Option<Rect>,
    /// The call(s) and the outcome line.
    pub call: Option<Rect>,
    /// The page map.
    pub pagemap: Option<Rect>,
    /// Steps, maps lines, findings.
    pub outcome: Option<Rect>,
    /// The lesson.
    pub lesson: Option<Rect>,
    /// Presenter mode's huge outcome word.
    pub big: Option<Rect>,
    /// Presenter mode's findings, under the big word (other layouts show them in the call
    /// pane).
    pub findings: Option<Rect>,
}

/// Share `total` rows between sections: each gets its minimum, then extra up to its
/// preference in `order`, and the section `fill` gets the rest.
pub(super) fn allocate(total: u16, specs: &[(u16, u16)], order: &[usize], fill: usize) -> Vec<u16> {
    let mut out: Vec<u16> = Vec::with_capacity(specs.len());
    let mut left = total;
    for (min, _) in specs {
        let h = (*min).min(left);
        out.push(h);
        left -= h;
    }
    for &i in order {
        let want = specs[i].1.saturating_sub(out[i]);
        let h = want.min(left);
        out[i] += h;
        left -= h;
    }
    if let Some(h) = out.get_mut(fill) {
        *h += left;
    }
    out
}

/// Stack `heights` from the top of `area`; zero-height sections are `None`.
pub(super) fn stack(area: Rect, heights: &[u16]) -> Vec<Option<Rect>> {
    let mut y = area.y;
    heights
        .iter()
        .map(|h| {
            let r = Rect::new(area.x, y, area.width, *h);
            y += h;
            (*h > 0).then_some(r)
        })
        .collect()
}
