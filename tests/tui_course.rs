//! What the course shows, drawn: the prediction picker, the verdict after the run
//! and the header's score, in both languages; the variants' check marks.

mod tui_support;

use mmap_lab::tui::event::Action;
use mmap_lab_engine::Lang;
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
        // One fixed order: OK first, then the errnos alphabetically.
        let picker = a.predictions.picker.clone().expect("the picker is open");
        let at = picker
            .answers
            .iter()
            .position(|x| x.label(lang) == "EINVAL")
            .expect("EINVAL is in the picker");
        for _ in 0..at {
            a.apply(Action::Down);
        }
        assert!(text(&a).contains("EINVAL"), "{}", text(&a));
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

#[test]
fn the_picker_draws_at_every_size_and_in_presenter_mode() {
    for (w, h) in [(20, 6), (30, 8), (40, 12), (60, 18), (80, 24), (160, 44)] {
        for presenter in [false, true] {
            let mut a = app("map-fixed-clobber", Lang::Zh, (w, h));
            if presenter {
                a.apply(Action::TogglePresenter);
            }
            a.apply(Action::Predict);
            for _ in 0..60 {
                a.apply(Action::Down);
            }
            let _ = text(&a);
            a.apply(Action::PickerChoose);
            assert!(a.predictions.pending.is_some());
        }
    }
}
