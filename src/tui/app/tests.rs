use super::*;

fn app(id: &str) -> App {
    test_app(id)
}

fn select_key(app: &mut App, key: Key) {
    app.apply(Action::NextPane);
    assert_eq!(app.focus, Focus::Params);
    let row = app.view.keys.iter().position(|k| *k == key).unwrap();
    for _ in 0..row {
        app.apply(Action::Down);
    }
    assert_eq!(app.selected_key(), Some(key));
}

#[test]
fn typing_a_value_applies_it_or_refuses_it_in_place() {
    let mut a = app("unaligned-offset");
    select_key(&mut a, Key::Offset);
    a.apply(Action::Edit);
    assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some("1000"));
    for _ in 0..4 {
        a.apply(Action::EditBackspace);
    }
    for c in "12x".chars() {
        a.apply(Action::EditChar(c));
    }
    a.apply(Action::EditApply);
    let ed = a.editor.as_ref().expect("the editor stays open");
    assert_eq!(ed.text, "12x");
    assert!(matches!(ed.error, Some(ParamError::BadValue { .. })));
    assert_eq!(a.current_params().offset, 1000);
    for _ in 0..3 {
        a.apply(Action::EditBackspace);
    }
    for c in "4K".chars() {
        a.apply(Action::EditChar(c));
    }
    a.apply(Action::EditApply);
    assert!(a.editor.is_none());
    assert_eq!(a.current_params().offset, 4096);
    assert!(a.view.calls.iter().any(|c| c.text().ends_with("fd, 4096)")));
}

#[test]
fn the_old_value_is_selected_typing_replaces_it_and_ctrl_u_clears() {
    let mut a = app("unaligned-offset");
    select_key(&mut a, Key::Offset);
    a.apply(Action::Edit);
    assert!(a.editor.as_ref().is_some_and(|e| e.selected));
    a.apply(Action::EditChar('4'));
    assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some("4"));
    a.apply(Action::EditChar('K'));
    a.apply(Action::EditClear);
    assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some(""));
    a.apply(Action::EditChar('8'));
    a.apply(Action::EditCancel);
    assert!(a.editor.is_none());
    assert_eq!(a.current_params().offset, 1000, "Esc applies nothing");
    // Backspace on the selection clears it; a refused value stays, unselected.
    a.apply(Action::Edit);
    a.apply(Action::EditBackspace);
    assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some(""));
    for c in "4x".chars() {
        a.apply(Action::EditChar(c));
    }
    a.apply(Action::EditApply);
    let ed = a.editor.as_ref().expect("refused: the editor stays open");
    assert_eq!((ed.text.as_str(), ed.selected), ("4x", false));
    assert!(ed.error.is_some());
    a.apply(Action::EditBackspace);
    a.apply(Action::EditChar('K'));
    a.apply(Action::EditApply);
    assert!(a.editor.is_none());
    assert_eq!(a.current_params().offset, 4096);
}

#[test]
fn arrows_step_numbers_by_pages_and_cycle_choices() {
    let mut a = app("unaligned-offset");
    select_key(&mut a, Key::Offset);
    a.apply(Action::Right);
    assert_eq!(a.current_params().offset, 4096);
    a.apply(Action::Left);
    a.apply(Action::Left);
    assert_eq!(a.current_params().offset, -4096);
    let mut a = app("playground");
    select_key(&mut a, Key::File);
    a.apply(Action::Right);
    assert_eq!(a.current_params().get(Key::File), "new");
    a.apply(Action::Left);
    a.apply(Action::Left);
    assert_eq!(a.current_params().get(Key::File), "sealed-memfd");
}

#[test]
fn space_toggles_the_flag_under_the_cursor() {
    let mut a = app("rdonly-prot-write");
    select_key(&mut a, Key::Flags);
    a.apply(Action::Right); // MAP_PRIVATE
    a.apply(Action::Toggle);
    assert_eq!(a.current_params().get(Key::Flags), "MAP_PRIVATE");
    a.apply(Action::Toggle);
    assert_eq!(a.current_params().get(Key::Flags), "0");
}

#[test]
fn a_fixed_knob_says_so_and_does_not_change() {
    let mut a = app("unaligned-offset");
    select_key(&mut a, Key::Prot);
    let before = a.current_params().clone();
    a.apply(Action::Toggle);
    a.apply(Action::Edit);
    assert_eq!(a.current_params(), &before);
    assert!(a.editor.is_none());
    assert_eq!(a.message, Some(Message::NotAKnob(Key::Prot)));
}

#[test]
fn runs_come_back_through_their_ticket() {
    let mut a = app("zero-length");
    let Effect::StartRun(req) = a.apply(Action::Run) else {
        panic!("no run started");
    };
    assert!(matches!(a.apply(Action::Run), Effect::Nothing));
    assert_eq!(a.message, Some(Message::AlreadyRunning));
    a.handle(AppEvent::RunFinished {
        ticket: req.ticket + 7,
        result: Err("stale".into()),
    });
    assert!(a.running.is_some());
    a.handle(AppEvent::RunFinished {
        ticket: req.ticket,
        result: Err("engine failed".into()),
    });
    assert!(a.running.is_none());
    assert!(a.result().is_some());
}

/// A record of empty-new-file with `steps` steps (`open` = 3, then `mmap`, then a
/// touch that SIGBUS ends), held at a stop or finished.
fn stepped_record(steps: usize, held: bool) -> Record {
    let all = [
        r#"{"call": "open(\"data\", O_RDWR|O_CREAT, 0600)", "result": "3", "function": "open"}"#,
        r#"{"call": "mmap(NULL, 4096, …)", "result": "0x7f0000000000", "function": "mmap"}"#,
        r#"{"call": "ptr[0] = 0x2a", "result": "—", "function": "store", "signal": "SIGBUS"}"#,
    ];
    let outcome = if steps == 3 && !held {
        r#"{"kind": "signal", "signal": "SIGBUS", "number": 7, "step": 2, "call": "ptr[0] = 0x2a"}"#
    } else {
        r#"{"kind": "ok"}"#
    };
    let mut r: Record = serde_json::from_str(&format!(
        r#"{{"scenario": "empty-new-file", "params": {{}}, "page_size": 4096,
            "privileged": false, "steps": [{}], "outcome": {outcome}, "elapsed_us": 1}}"#,
        all[..steps].join(",")
    ))
    .expect("a record");
    if held {
        r.run.held = Some(mmap_lab_engine::engine::Held {
            pids: vec![(Side::Parent, 4242)],
            next: Some(steps),
        });
    }
    r
}

fn stop(steps: usize, pids: Vec<(Side, i32)>) -> Box<Stop> {
    Box::new(Stop {
        pids,
        done: steps.checked_sub(1),
        done_at: steps.checked_sub(1),
        next: Some(steps),
        run: Box::new(stepped_record(steps, true).run),
    })
}

fn start_stepping(a: &mut App) -> u64 {
    let Effect::StartRun(req) = a.apply(Action::Step) else {
        panic!("s starts a stepped run");
    };
    assert_eq!(req.speed, Speed::Stepped);
    req.ticket
}

fn pace(effect: Effect) -> Option<(u64, Command)> {
    match effect {
        Effect::Pace { ticket, command } => Some((ticket, command)),
        _ => None,
    }
}

#[test]
fn s_steps_a_held_child_and_comma_goes_back_through_the_record() {
    let mut a = app("empty-new-file");
    let ticket = start_stepping(&mut a);
    // Before the first stop the key waits; the stop shows the pid, and nothing ran.
    assert!(matches!(a.apply(Action::Step), Effect::Nothing));
    a.handle(AppEvent::Stopped {
        ticket,
        stop: stop(0, vec![(Side::Parent, 4242)]),
    });
    assert_eq!(a.held_pids(), &[(Side::Parent, 4242)]);
    assert_eq!((a.shown().upto, a.shown().complete), (0, false));
    assert!(!a.running_here(), "held, so its record shows");
    assert_eq!(pace(a.apply(Action::Step)), Some((ticket, Command::Step)));
    // The child makes its step: a second key waits for it, never queues a step more.
    assert!(matches!(a.apply(Action::Step), Effect::Nothing));
    assert!(a.held_pids().is_empty(), "running, not held");
    a.handle(AppEvent::Stopped {
        ticket,
        stop: stop(1, vec![(Side::Parent, 4242)]),
    });
    assert_eq!(a.shown().step().map(|s| s.result.as_str()), Some("3"));
    assert!(a.shown().done().is_none());
    a.handle(AppEvent::Stopped {
        ticket,
        stop: stop(1, vec![(Side::Parent, 4242)]),
    });
    // Going back shows the recorded state, and `s` comes forward again without a
    // command to the child until the view is at the live step.
    assert!(matches!(a.apply(Action::StepBack), Effect::Nothing));
    assert_eq!(a.shown().upto, 0);
    assert!(matches!(a.apply(Action::Step), Effect::Nothing));
    assert_eq!(a.shown().upto, 1);
    assert_eq!(pace(a.apply(Action::Step)), Some((ticket, Command::Step)));
    a.handle(AppEvent::Stopped {
        ticket,
        stop: stop(2, vec![(Side::Parent, 4242)]),
    });
    // `r` while held: to the end, everything revealed when it comes back.
    assert_eq!(
        pace(a.apply(Action::Run)),
        Some((ticket, Command::RunToEnd))
    );
    a.handle(AppEvent::RunFinished {
        ticket,
        result: Ok(Box::new(stepped_record(3, false))),
    });
    assert!(a.running.is_none());
    assert!(a.shown().complete);
    assert_eq!(a.shown().upto, 3);
    // Back through the finished run: the outcome goes with its step.
    a.apply(Action::StepBack);
    assert_eq!((a.shown().upto, a.shown().complete), (2, false));
    a.apply(Action::Step);
    assert!(a.shown().complete, "forward again, no rerun");
    assert!(a.running.is_none());
}

#[test]
fn s_without_the_witness_says_why_and_shows_the_whole_run() {
    let mut a = app("empty-new-file");
    let ticket = start_stepping(&mut a);
    let mut record = stepped_record(3, false);
    record.run.witness = "off: MMAP_LAB_WITNESS=off".into();
    record.run.witness_off = Some(mmap_lab_engine::engine::WitnessOff::Disabled);
    a.handle(AppEvent::RunFinished {
        ticket,
        result: Ok(Box::new(record)),
    });
    let Some(Message::NoStepping { .. }) = &a.message else {
        panic!("s says why it could not step: {:?}", a.message);
    };
    let text = crate::tui::ui::message_text(&a, a.message.as_ref().unwrap());
    assert!(text.contains("no stepping here"), "{text}");
    assert!(text.contains("(MMAP_LAB_WITNESS=off)"), "{text}");
    // Why, in the screen's language, from the record's reason (not its English string).
    a.lang = Lang::Zh;
    let text = crate::tui::ui::message_text(&a, a.message.as_ref().unwrap());
    assert!(text.contains("不能单步执行"), "{text}");
    assert!(
        text.contains("环境变量 MMAP_LAB_WITNESS=off 关掉了它"),
        "{text}"
    );
    assert!(a.shown().complete, "the run went to its end, as with r");
}

#[test]
fn a_stale_stop_is_killed_and_changes_nothing() {
    let mut a = app("empty-new-file");
    let ticket = start_stepping(&mut a);
    let effect = a.handle(AppEvent::Stopped {
        ticket: ticket + 5,
        stop: stop(1, vec![(Side::Parent, 7)]),
    });
    assert_eq!(pace(effect), Some((ticket + 5, Command::Kill)));
    assert!(a.result().is_none());
    assert_eq!(a.running.as_ref().map(|r| r.ticket), Some(ticket));
}

#[test]
fn a_knob_a_variant_or_another_scenario_kills_the_held_child() {
    for leave in [
        Action::Right,
        Action::Variant(1),
        Action::Reset,
        Action::NextScenario,
    ] {
        let mut a = app("empty-new-file");
        select_key(&mut a, Key::Grow);
        let ticket = start_stepping(&mut a);
        a.handle(AppEvent::Stopped {
            ticket,
            stop: stop(1, vec![(Side::Parent, 4242), (Side::Child, 4243)]),
        });
        assert_eq!(a.held_pids().len(), 2);
        // Language, theme and scrolling leave it held.
        for keep in [
            Action::ToggleLang,
            Action::CycleTheme,
            Action::Help,
            Action::Help,
        ] {
            assert!(pace(a.apply(keep)).is_none(), "{keep:?}");
        }
        assert!(a.running.is_some());
        assert_eq!(
            pace(a.apply(leave)),
            Some((ticket, Command::Kill)),
            "{leave:?}"
        );
        assert!(a.running.is_none(), "{leave:?}");
        assert!(a.held_pids().is_empty());
        let id = "empty-new-file";
        let i = a.scenarios.iter().position(|s| s.id == id).unwrap();
        assert!(
            a.states[i].result.is_none(),
            "{leave:?}: the record so far goes with it"
        );
        // Its result, should it still come back, is stale.
        a.handle(AppEvent::RunFinished {
            ticket,
            result: Err("cancelled".into()),
        });
        assert!(a.states[i].result.is_none());
    }
}

#[test]
fn esc_closes_the_help_and_never_quits() {
    let mut a = app("unaligned-offset");
    a.apply(Action::Help);
    assert!(matches!(a.apply(Action::Close), Effect::Nothing));
    assert!(a.help.is_none());
    // Once more, and again: the main screen stays.
    assert!(matches!(a.apply(Action::Close), Effect::Nothing));
    assert!(matches!(a.apply(Action::Close), Effect::Nothing));
}

#[test]
fn back_closes_help_then_editor_then_quits() {
    let mut a = app("unaligned-offset");
    a.apply(Action::Help);
    assert!(matches!(a.apply(Action::Back), Effect::Nothing));
    assert!(a.help.is_none());
    assert!(matches!(a.apply(Action::Back), Effect::Quit));
}

#[test]
fn clicks_select_and_the_wheel_scrolls_only_with_mouse_on() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let click = |column, row| {
        AppEvent::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut a = app("unaligned-offset");
    // 100×30 is the compact layout: the list's rows start under its title rule, with
    // the topic "Arguments" first, then munmap-shifted-pointer.
    a.handle(click(5, 3));
    assert_eq!(
        a.scenario().id,
        "unaligned-offset",
        "mouse is off by default"
    );
    a.mouse = true;
    a.handle(click(5, 3));
    assert_eq!(a.scenario().id, "munmap-shifted-pointer");
    a.apply(Action::NextPane);
    a.apply(Action::Down);
    a.apply(Action::PrevPane);
    assert_eq!(a.param_row, 1);
    // The form's first row sits under its title rule.
    a.handle(click(40, 2));
    assert_eq!(a.focus, Focus::Params);
    assert_eq!(a.param_row, 0);
    a.handle(AppEvent::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.focus, Focus::List);
    assert_ne!(a.scenario().id, "munmap-shifted-pointer");
}

#[test]
fn copy_needs_a_run_and_says_what_it_did() {
    let mut a = app("zero-length");
    assert!(matches!(a.apply(Action::Copy), Effect::Nothing));
    assert_eq!(a.message, Some(Message::NothingToCopy));
    let Effect::StartRun(req) = a.apply(Action::Run) else {
        panic!("no run started");
    };
    // The smallest record the JSON contract allows.
    let record: Record = serde_json::from_str(
        r#"{"scenario": "zero-length", "params": {}, "page_size": 4096,
            "privileged": false, "steps": [], "outcome": {"kind": "ok"},
            "elapsed_us": 1}"#,
    )
    .expect("a minimal record");
    a.handle(AppEvent::RunFinished {
        ticket: req.ticket,
        result: Ok(Box::new(record)),
    });
    let Effect::Copy(text) = a.apply(Action::Copy) else {
        panic!("nothing copied");
    };
    assert!(text.contains("zero-length"));
    assert_eq!(a.message, Some(Message::Copied("zero-length")));
}

#[test]
fn the_copy_carries_the_warnings_and_the_command_that_reproduces_the_run() {
    for format in [
        crate::config::CopyFormat::Markdown,
        crate::config::CopyFormat::Text,
    ] {
        let mut a = app("munmap-shifted-pointer");
        a.copy_format = format;
        let scenario = a.scenario();
        a.states[a.current].params =
            mmap_lab_engine::prepare(scenario, &["munmap_shift=4096".into()])
                .expect("a valid knob");
        a.refresh();
        let Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run started");
        };
        let record: Record = serde_json::from_str(
            r#"{"scenario": "munmap-shifted-pointer", "params": {}, "page_size": 4096,
                "privileged": false, "steps": [], "elapsed_us": 1,
                "outcome": {"kind": "ok", "warnings": [{"kind": "munmap-missed",
                    "step": 0, "addr": 4096, "bytes": 4096, "left_mapped": 4096}]}}"#,
        )
        .expect("a record");
        let warning = record.run.warnings[0].sentence(a.lang);
        a.handle(AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record)),
        });
        let Effect::Copy(text) = a.apply(Action::Copy) else {
            panic!("nothing copied");
        };
        assert!(
            text.contains("⚠ OK, but…") && text.contains(&warning),
            "{text}"
        );
        assert!(
            text.contains("mmap-lab run munmap-shifted-pointer --set munmap_shift=4096"),
            "{text}"
        );
    }
}

#[test]
fn presenter_mode_keeps_the_focus_on_a_visible_pane() {
    let mut a = app("out-of-bounds");
    assert_eq!(a.focus, Focus::List);
    a.apply(Action::TogglePresenter);
    assert_eq!(a.focus, Focus::Params);
    a.apply(Action::NextPane);
    assert_eq!(a.focus, Focus::Outcome);
    a.apply(Action::NextPane);
    assert_eq!(a.focus, Focus::Params);
    a.apply(Action::NextScenario);
    assert_eq!(a.scenario().id, "mmap-copy");
}
