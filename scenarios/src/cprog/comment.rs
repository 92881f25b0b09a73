//! Text made safe for a C comment, and wrapped to the program's width (a Chinese comment
//! breaks beside any character, never before closing punctuation).

use crate::lesson::{char_width, width as text_width};

/// Text that can sit inside a `/* … */` comment on one line.
pub(super) fn comment_safe(text: &str) -> String {
    text.replace("*/", "* /").replace(['\n', '\r'], " ")
}

/// Punctuation that may not begin a line.
pub(super) const CLOSING: &str = "，。、；：！？）」』》.,;:!?)]";

/// Punctuation that may not end a line.
pub(super) const OPENING: &str = "（「『《([";

/// The pieces `text` may be broken between, each with whether a space comes before it. With
/// `phrases`, a run of Chinese up to its punctuation is one piece (so that lines break between
/// phrases); without, each Chinese character is one (Chinese may break between any two).
/// Punctuation that may not begin a line stays with the piece before it, an opening bracket
/// with the piece after it.
pub(super) fn pieces(text: &str, phrases: bool) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            prev = None;
            continue;
        }
        let glued = match prev {
            Some(p) if !space => {
                let (wide, p_wide) = (char_width(c) == 2, char_width(p) == 2);
                CLOSING.contains(c)
                    || OPENING.contains(p)
                    || (!wide && !p_wide)
                    || (phrases && wide && p_wide && !CLOSING.contains(p))
            }
            _ => false,
        };
        match out.last_mut() {
            Some((_, piece)) if glued => piece.push(c),
            _ => out.push((space, c.to_string())),
        }
        space = false;
        prev = Some(c);
    }
    out
}

/// A `/* … */` comment holding `text`, wrapped so that no line is wider than `width` columns
/// (unless a single word is). Lines break between words and between Chinese phrases; a phrase
/// too long for that is broken between its characters.
pub(super) fn wrap_comment(text: &str, width: usize) -> Vec<String> {
    let limit = width.saturating_sub(3);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::from("/*");
    let mut at_start = true;
    let mut place = |space: bool, piece: &str, current: &mut String, at_start: &mut bool| {
        let gap = usize::from(space || *at_start);
        if text_width(current) + gap + text_width(piece) > limit && !*at_start {
            lines.push(std::mem::replace(current, String::from(" *")));
            *at_start = true;
        }
        if space || *at_start {
            current.push(' ');
        }
        current.push_str(piece);
        *at_start = false;
    };
    for (space, phrase) in pieces(text, true) {
        let gap = usize::from(space || at_start);
        let fits = text_width(&current) + gap + text_width(&phrase) <= limit;
        if fits || text_width(&phrase) <= limit / 4 {
            place(space, &phrase, &mut current, &mut at_start);
        } else {
            // A long phrase: fill the line up with it, character by character.
            for (i, (inner_space, piece)) in pieces(&phrase, false).into_iter().enumerate() {
                let space = if i == 0 { space } else { inner_space };
                place(space, &piece, &mut current, &mut at_start);
            }
        }
    }
    current.push_str(" */");
    lines.push(current);
    lines
}
