use super::*;
use ratatui::style::Style;

#[test]
fn allocation_gives_minimums_then_preferences_then_the_rest() {
    assert_eq!(
        allocate(20, &[(2, 5), (2, 4), (2, 2)], &[0, 1], 2),
        [5, 4, 11]
    );
    assert_eq!(
        allocate(5, &[(2, 5), (2, 4), (2, 2)], &[0, 1], 2),
        [2, 2, 1]
    );
    assert_eq!(allocate(0, &[(2, 5)], &[0], 0), [0]);
}

#[test]
fn an_overlay_blanks_the_wide_character_behind_its_left_border() {
    let app = crate::tui::app::test_app("unaligned-offset");
    let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
    // "映" takes cells 2 and 3; the overlay starts at 3.
    buf.set_string(0, 0, "ab映射", Style::default());
    buf.set_string(0, 1, "abcdef", Style::default());
    clear_for_overlay(&app, Rect::new(3, 0, 5, 2), &mut buf);
    assert_eq!(buf[(2, 0)].symbol(), " ", "the wide character is gone");
    assert_eq!(buf[(2, 1)].symbol(), "c", "narrow ones stay");
    assert_eq!(buf[(1, 0)].symbol(), "b");
}

/// `--ascii` gives each mark its own character: none shared with another mark, nor with
/// what a symbol in a text becomes (`…` → `~` would read as a timeout).
#[test]
fn every_ascii_mark_is_its_own_character() {
    let g = crate::tui::border::Glyphs::new(true);
    let marks = [g.ok, g.errno, g.signal, g.timeout, g.warning, g.not_run];
    for (i, a) in marks.iter().enumerate() {
        for b in &marks[i + 1..] {
            assert_ne!(a, b, "two marks share a character");
        }
    }
    let symbols = [
        "·", "•", "…", "→", "▸", "►", "←", "↑", "↓", "⇄", "↔", "—", "–", "─", "×", "“", "”", "‘",
        "’", "±", "°",
    ];
    for s in symbols {
        let plain = ascii_stand_in(s).unwrap();
        assert!(!marks.contains(&plain), "{s} becomes the mark {plain}");
    }
}

#[test]
fn shapes_by_size() {
    assert_eq!(Shape::of(200, 60), Shape::Roomy);
    assert_eq!(Shape::of(100, 30), Shape::Compact);
    assert_eq!(Shape::of(80, 24), Shape::Compact);
    assert_eq!(Shape::of(60, 18), Shape::Minimal);
    assert_eq!(Shape::of(40, 12), Shape::Minimal);
    assert_eq!(Shape::of(39, 12), Shape::TooSmall);
    assert_eq!(Shape::of(1, 1), Shape::TooSmall);
}
