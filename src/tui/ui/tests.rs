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

/// The status line of `app` at 100 columns.
fn status(app: &App) -> String {
    let area = Rect::new(0, 0, 100, 1);
    let mut buf = Buffer::empty(area);
    frame::render_message(app, area, &mut buf);
    let mut line = String::new();
    let mut x = 0;
    while x < area.width {
        // A wide character's second cell is not a character of its own.
        let symbol = buf[(x, 0)].symbol();
        line.push_str(symbol);
        x += (mmap_lab_engine::lesson::width(symbol) as u16).max(1);
    }
    line
}

#[test]
fn a_repeated_run_says_which_run_goes_on() {
    use crate::tui::app::Effect;
    use crate::tui::event::{Action, AppEvent};
    let mut app = crate::tui::app::test_app("anonymous-ipc");
    let Effect::StartRun(req) = app.apply(Action::Run) else {
        panic!("no run started");
    };
    // Before the worker says anything: the spinner and the time only.
    assert!(!status(&app).contains(" of "), "{}", status(&app));
    app.handle(AppEvent::Progress {
        ticket: req.ticket,
        run: 37,
        of: 1000,
    });
    let line = status(&app);
    assert!(
        line.contains("anonymous-ipc · run 37 of 1000 · running"),
        "{line}"
    );
    assert!(outcome_line(&app).contains("run 37 of 1000"));
    app.lang = mmap_lab_engine::Lang::Zh;
    assert!(
        status(&app).contains("第 37 次运行，共 1000 次"),
        "{}",
        status(&app)
    );
    app.lang = mmap_lab_engine::Lang::En;
    // A count from another run (an older ticket) is not this run's.
    app.handle(AppEvent::Progress {
        ticket: req.ticket + 1,
        run: 999,
        of: 1000,
    });
    assert!(!status(&app).contains("run 999"), "{}", status(&app));
    // Once the run is back, no count is left on screen.
    app.handle(AppEvent::RunFinished {
        ticket: req.ticket,
        result: Err("engine failed".into()),
    });
    assert!(!status(&app).contains(" of 1000"), "{}", status(&app));
}

/// The outcome pane's one-line summary, as text.
fn outcome_line(app: &App) -> String {
    call::outcome_summary(app)
        .spans
        .iter()
        .map(|s| s.content.to_string())
        .collect()
}
