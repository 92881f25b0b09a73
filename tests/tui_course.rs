//! What the course shows (issue 10), drawn: the prediction picker, the verdict after the run
//! and the header's score, in both languages; the variants' check marks.

mod tui_support;

use mmap_lab::tui::event::Action;
use scenarios::Lang;
use tui_support::{app, fixture, replay, text};

#[test]
fn the_picker_the_verdict_and_the_score_are_on_screen() {
    for (lang, title, verdict, score) in [
        (
            Lang::En,
            "Your prediction",
            "you predicted EINVAL: right",
            "predictions 1/1",
        ),
        (
            Lang::Zh,
            "你的预测",
            "你预测的是 EINVAL：猜对了",
            "预测 1/1",
        ),
    ] {
        let mut a = app("unaligned-offset", lang, (100, 30));
        a.apply(Action::Predict);
        let screen = text(&a);
        assert!(screen.contains(title), "{screen}");
        assert!(screen.contains("EINVAL"), "{screen}");
        // OK first, then the errnos the lesson reaches: EINVAL is the first of them.
        a.apply(Action::Down);
        a.apply(Action::PickerChoose);
        assert!(!text(&a).contains(title));
        replay(&mut a, fixture("unaligned-offset"));
        let screen = text(&a);
        assert!(screen.contains(verdict), "{screen}");
        assert!(
            screen.lines().next().is_some_and(|l| l.contains(score)),
            "{screen}"
        );
    }
}

#[test]
fn a_variant_run_gets_its_check_mark_in_the_try_next_list() {
    let mut a = app("unaligned-offset", Lang::En, (160, 44));
    let screen = text(&a);
    assert!(screen.contains("Try next (v, 1–9)"), "{screen}");
    replay(&mut a, fixture("unaligned-offset"));
    let screen = text(&a);
    assert!(
        screen.lines().any(|l| l.contains("d ✔ the defaults")),
        "{screen}"
    );
    assert!(screen
        .lines()
        .any(|l| l.contains("◐") && l.contains("unaligned-offset")));
}
