//! Whatever a student does, at whatever size, drawing never panics: random sequences of
//! actions, keys, mouse events, resizes and recorded results, on any scenario, from 1×1 to
//! 250×80.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mmap_lab::tui::app::{App, Effect};
use mmap_lab::tui::event::{Action, AppEvent};
use mmap_lab::tui::ThemeName;
use mmap_lab_engine::Lang;
use proptest::prelude::*;
use tui_support::{buffer, fixture, options, PAGE};

/// Every recorded run, to feed back as results (whatever scenario is running).
const FIXTURES: &[&str] = &[
    "unaligned-offset",
    "out-of-bounds",
    "out-of-bounds--length-8192",
    "empty-new-file",
    "mmap-copy",
    "anonymous-ipc",
    "munmap-shifted-pointer",
    "playground",
];

/// Characters a student might type into the editor (and a few they should not).
fn typed() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range('0', '9'),
        Just('x'),
        Just('K'),
        Just('M'),
        Just('G'),
        Just('-'),
        Just('@'),
        Just('|'),
        Just('f'),
        Just('偏'),
        Just('４'),
        Just('\u{7f}'),
        any::<char>(),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => Just(Action::Up),
        6 => Just(Action::Down),
        1 => Just(Action::PageUp),
        1 => Just(Action::PageDown),
        1 => Just(Action::Home),
        1 => Just(Action::End),
        3 => Just(Action::NextPane),
        1 => Just(Action::PrevPane),
        2 => Just(Action::Run),
        4 => Just(Action::Left),
        4 => Just(Action::Right),
        3 => Just(Action::Toggle),
        2 => Just(Action::Edit),
        1 => Just(Action::Reset),
        2 => Just(Action::NextScenario),
        1 => Just(Action::PrevScenario),
        1 => Just(Action::ToggleLang),
        1 => Just(Action::CycleTheme),
        1 => Just(Action::TogglePresenter),
        1 => Just(Action::Help),
        1 => Just(Action::Copy),
        1 => Just(Action::Back),
        4 => typed().prop_map(Action::EditChar),
        1 => Just(Action::EditBackspace),
        2 => Just(Action::EditApply),
        1 => Just(Action::EditCancel),
        1 => (0u16..260, 0u16..90).prop_map(|(x, y)| Action::Click { x, y }),
        1 => (0u16..260, 0u16..90, any::<bool>()).prop_map(|(x, y, down)| Action::Scroll { x, y, down }),
        1 => Just(Action::ImeHint),
    ]
}

/// A step of the session: an action, a key, a resize, or a run coming back.
#[derive(Debug, Clone)]
enum Step {
    Act(Action),
    Key(char),
    Code(u8),
    Resize(u16, u16),
    Finish(usize),
    Tick,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => action().prop_map(Step::Act),
        2 => typed().prop_map(Step::Key),
        1 => (0u8..16).prop_map(Step::Code),
        1 => (1u16..=250, 1u16..=80).prop_map(|(w, h)| Step::Resize(w, h)),
        2 => (0..FIXTURES.len()).prop_map(Step::Finish),
        1 => Just(Step::Tick),
    ]
}

fn code(n: u8) -> KeyCode {
    match n {
        0 => KeyCode::Enter,
        1 => KeyCode::Esc,
        2 => KeyCode::Tab,
        3 => KeyCode::BackTab,
        4 => KeyCode::Backspace,
        5 => KeyCode::Left,
        6 => KeyCode::Right,
        7 => KeyCode::Up,
        8 => KeyCode::Down,
        9 => KeyCode::F(1),
        10 => KeyCode::F(5),
        11 => KeyCode::PageDown,
        12 => KeyCode::Home,
        13 => KeyCode::End,
        14 => KeyCode::Delete,
        _ => KeyCode::Insert,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_state_at_any_size_draws_without_panicking(
        scenario in 0usize..10,
        zh in any::<bool>(),
        ascii in any::<bool>(),
        theme in 0u8..3,
        size in (1u16..=250, 1u16..=80),
        steps in proptest::collection::vec(step(), 0..40),
    ) {
        let ids: Vec<&str> = mmap_lab_engine::catalog::all().iter().map(|s| s.id).collect();
        let mut opts = options(ids[scenario % ids.len()], if zh { Lang::Zh } else { Lang::En });
        opts.ascii = ascii;
        opts.theme = Some([ThemeName::Dark, ThemeName::Light, ThemeName::Mono][theme as usize]);
        let mut app = App::new(&opts, PAGE, size);
        let mut pending: Option<u64> = None;
        let _ = buffer(&app);
        for s in steps {
            let effect = match s {
                Step::Act(a) => app.apply(a),
                Step::Key(c) => app.handle(AppEvent::Key(KeyEvent::new(
                    KeyCode::Char(c),
                    KeyModifiers::NONE,
                ))),
                Step::Code(n) => app.handle(AppEvent::Key(KeyEvent::new(code(n), KeyModifiers::NONE))),
                Step::Resize(w, h) => app.handle(AppEvent::Resize(w, h)),
                Step::Finish(i) => match pending.take() {
                    Some(ticket) => app.handle(AppEvent::RunFinished {
                        ticket,
                        result: if i == 0 {
                            Err("engine failed".into())
                        } else {
                            Ok(Box::new(fixture(FIXTURES[i])))
                        },
                    }),
                    None => Effect::Nothing,
                },
                Step::Tick => app.handle(AppEvent::Tick),
            };
            if let Effect::StartRun(req) = effect {
                pending = Some(req.ticket);
            }
            let _ = buffer(&app);
        }
    }
}

/// Sizes from 1×1 to 250×80 (stepping, plus every layout's edges), on every other scenario,
/// after a run, with and without the help.
#[test]
fn every_size_draws() {
    let ids: Vec<&str> = mmap_lab_engine::catalog::all()
        .iter()
        .map(|s| s.id)
        .collect();
    for (n, id) in ids.iter().enumerate().step_by(2) {
        let mut app = App::new(&options(id, Lang::Zh), PAGE, (80, 24));
        tui_support::replay(&mut app, fixture(FIXTURES[n % FIXTURES.len()]));
        for w in (1..=250)
            .step_by(11)
            .chain([2, 39, 40, 79, 80, 119, 120, 250])
        {
            for h in (1..=80).step_by(9).chain([1, 11, 12, 21, 22, 29, 30, 80]) {
                app.handle(AppEvent::Resize(w, h));
                let _ = buffer(&app);
                if w % 3 == 0 {
                    app.apply(Action::Help);
                    let _ = buffer(&app);
                    app.apply(Action::Help);
                }
            }
        }
    }
}
