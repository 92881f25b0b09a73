use super::*;

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn normal(code: KeyCode, focus: Focus) -> Option<Action> {
    action_for(press(code), Mode::Normal, focus)
}

/// What users of vi, less and other TUIs reach for: `h` `l` beside the arrows where those
/// change no value, `G` and Home/End to the ends of every list.
#[test]
fn vi_keys_move_where_they_change_nothing() {
    for f in [Focus::List, Focus::Outcome, Focus::Lesson] {
        for (code, action) in [
            (KeyCode::Char('h'), Action::PrevPane),
            (KeyCode::Left, Action::PrevPane),
            (KeyCode::Char('l'), Action::NextPane),
            (KeyCode::Right, Action::NextPane),
        ] {
            assert_eq!(normal(code, f), Some(action), "{f:?} {code:?}");
        }
    }
    for f in [Focus::List, Focus::Params, Focus::Outcome, Focus::Lesson] {
        assert_eq!(normal(KeyCode::Char('G'), f), Some(Action::End), "{f:?}");
        assert_eq!(normal(KeyCode::Home, f), Some(Action::Home), "{f:?}");
        assert_eq!(normal(KeyCode::End, f), Some(Action::End), "{f:?}");
    }
    // `g` stays the prediction key.
    assert_eq!(
        normal(KeyCode::Char('g'), Focus::List),
        Some(Action::Predict)
    );
}

#[test]
fn the_documented_keys_do_what_the_readme_says() {
    let f = Focus::List;
    assert_eq!(normal(KeyCode::Char('r'), f), Some(Action::Run));
    assert_eq!(normal(KeyCode::Enter, f), Some(Action::Run));
    assert_eq!(normal(KeyCode::Char('j'), f), Some(Action::Down));
    assert_eq!(normal(KeyCode::Up, f), Some(Action::Up));
    assert_eq!(normal(KeyCode::Tab, f), Some(Action::NextPane));
    assert_eq!(normal(KeyCode::BackTab, f), Some(Action::PrevPane));
    assert_eq!(normal(KeyCode::Char('d'), f), Some(Action::Reset));
    assert_eq!(normal(KeyCode::Char('n'), f), Some(Action::NextScenario));
    assert_eq!(normal(KeyCode::Char('b'), f), Some(Action::PrevScenario));
    assert_eq!(normal(KeyCode::Char('L'), f), Some(Action::ToggleLang));
    assert_eq!(normal(KeyCode::Char('t'), f), Some(Action::CycleTheme));
    assert_eq!(normal(KeyCode::Char('P'), f), Some(Action::TogglePresenter));
    assert_eq!(normal(KeyCode::F(5), f), Some(Action::TogglePresenter));
    assert_eq!(normal(KeyCode::Char('?'), f), Some(Action::Help));
    assert_eq!(normal(KeyCode::F(1), f), Some(Action::Help));
    assert_eq!(normal(KeyCode::Char('y'), f), Some(Action::Copy));
    assert_eq!(normal(KeyCode::Char('q'), f), Some(Action::Back));
    // Esc never quits from the main screen: it only closes.
    assert_eq!(normal(KeyCode::Esc, f), Some(Action::Close));
    let p = Focus::Params;
    assert_eq!(normal(KeyCode::Left, p), Some(Action::Left));
    assert_eq!(normal(KeyCode::Right, p), Some(Action::Right));
    // `h` `l` would turn a knob here: they do nothing.
    assert_eq!(normal(KeyCode::Char('h'), p), None);
    assert_eq!(normal(KeyCode::Char('l'), p), None);
    assert_eq!(normal(KeyCode::Char(' '), p), Some(Action::Toggle));
    assert_eq!(normal(KeyCode::Char('e'), p), Some(Action::Edit));
    assert_eq!(normal(KeyCode::Char('z'), p), None);
}

#[test]
fn ctrl_c_quits_from_everywhere() {
    let k = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for mode in [Mode::Normal, Mode::Editing, Mode::Help] {
        assert_eq!(action_for(k, mode, Focus::Params), Some(Action::Quit));
    }
}

#[test]
fn fullwidth_keys_work_like_their_ascii_twins() {
    assert_eq!(halfwidth('ｒ'), 'r');
    assert_eq!(halfwidth('？'), '?');
    assert_eq!(halfwidth('Ｌ'), 'L');
    assert_eq!(halfwidth('　'), ' ');
    assert_eq!(normal(KeyCode::Char('ｒ'), Focus::List), Some(Action::Run));
    assert_eq!(normal(KeyCode::Char('？'), Focus::List), Some(Action::Help));
    assert_eq!(normal(KeyCode::Char('ｑ'), Focus::List), Some(Action::Back));
    assert_eq!(
        normal(KeyCode::Char('运'), Focus::List),
        Some(Action::ImeHint)
    );
    // In the editor, fullwidth digits become digits.
    assert_eq!(
        action_for(press(KeyCode::Char('４')), Mode::Editing, Focus::Params),
        Some(Action::EditChar('4'))
    );
}

#[test]
fn s_and_its_twins_step_and_comma_goes_back_in_every_pane() {
    for focus in [Focus::List, Focus::Params, Focus::Outcome, Focus::Lesson] {
        // `。` and `，` are what a Chinese input method sends for `.` and `,`.
        for c in ['s', '.', '。', 'ｓ'] {
            assert_eq!(normal(KeyCode::Char(c), focus), Some(Action::Step), "{c}");
        }
        for c in [',', '，'] {
            assert_eq!(
                normal(KeyCode::Char(c), focus),
                Some(Action::StepBack),
                "{c}"
            );
        }
    }
    let (_, global) = help(Mode::Normal, Focus::Params);
    assert!(global.iter().any(|c| c.text == S::CmdStep), "in the help");
    let f = footer(Mode::Normal, Focus::Outcome);
    assert!(f.iter().any(|c| c.text == S::CmdStep), "in the footer");
}

#[test]
fn the_editor_takes_letters_that_are_commands_elsewhere() {
    for c in ['r', 'q', 'e', 'L', 'K', 'x'] {
        assert_eq!(
            action_for(press(KeyCode::Char(c)), Mode::Editing, Focus::Params),
            Some(Action::EditChar(c))
        );
    }
    assert_eq!(
        action_for(press(KeyCode::Enter), Mode::Editing, Focus::Params),
        Some(Action::EditApply)
    );
    assert_eq!(
        action_for(press(KeyCode::Esc), Mode::Editing, Focus::Params),
        Some(Action::EditCancel)
    );
    assert_eq!(
        action_for(
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            Mode::Editing,
            Focus::Params
        ),
        Some(Action::EditClear)
    );
}

#[test]
fn help_closes_with_esc_q_and_question_mark() {
    for code in [KeyCode::Esc, KeyCode::Char('q'), KeyCode::Char('?')] {
        assert_eq!(
            action_for(press(code), Mode::Help, Focus::List),
            Some(Action::Back)
        );
    }
}

/// While the filter is open every character is the filter's, `q` and a Chinese input
/// method's characters included; only Enter, Esc, the arrows and Backspace act.
#[test]
fn the_filter_takes_typed_characters() {
    for c in ['q', '/', 'r', 'j', '空', 'Ｍ'] {
        assert_eq!(
            action_for(press(KeyCode::Char(c)), Mode::Filtering, Focus::List),
            Some(Action::FilterChar(c))
        );
    }
    assert_eq!(
        action_for(press(KeyCode::Char('/')), Mode::Normal, Focus::List),
        Some(Action::Filter)
    );
    assert_eq!(
        action_for(press(KeyCode::Esc), Mode::Filtering, Focus::List),
        Some(Action::FilterCancel)
    );
    assert_eq!(
        action_for(press(KeyCode::Enter), Mode::Filtering, Focus::List),
        Some(Action::FilterApply)
    );
}

#[test]
fn every_binding_in_the_table_maps_back_to_its_action() {
    for c in COMMANDS {
        let (mode, focus) = match c.scope {
            Scope::Editor => (Mode::Editing, Focus::Params),
            Scope::Help => (Mode::Help, Focus::List),
            Scope::Picker => (Mode::Picking, Focus::Params),
            Scope::Filter => (Mode::Filtering, Focus::List),
            Scope::Pane(f) => (Mode::Normal, f),
            Scope::Global => (Mode::Normal, Focus::Outcome),
        };
        for b in c.bindings {
            let mods = if b.ctrl {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            let got = action_for(KeyEvent::new(b.code, mods), mode, focus);
            // A pane binding may shadow a global one with the same key: the footer shows
            // the pane's, which is the one that fires.
            if c.scope == Scope::Global {
                let shadowed = COMMANDS.iter().any(|o| {
                    o.scope == Scope::Pane(focus) && o.bindings.iter().any(|ob| ob.code == b.code)
                });
                if shadowed {
                    continue;
                }
            }
            assert_eq!(got, Some(b.action), "{:?} in {:?}", b.code, c.scope);
        }
    }
}

#[test]
fn footers_are_short_and_end_with_help() {
    for focus in [Focus::List, Focus::Params, Focus::Outcome, Focus::Lesson] {
        let f = footer(Mode::Normal, focus);
        assert!((4..=7).contains(&f.len()), "{focus:?}: {}", f.len());
        assert_eq!(f.last().map(|c| c.text), Some(S::CmdHelp));
    }
    let (here, global) = help(Mode::Normal, Focus::Params);
    assert!(here.iter().any(|c| c.text == S::CmdChange));
    assert!(global.iter().any(|c| c.text == S::CmdLang));
}
