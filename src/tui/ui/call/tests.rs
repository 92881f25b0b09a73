//! Tests of the call pane's drawing, kept beside it.

use super::*;
use crate::tui::app::Effect;
use crate::tui::event::{Action, AppEvent};
use mmap_lab_engine::{catalog, prepare, run_scenario, Lang};

/// The lab on scenario `id` at `size`, after a real run of its defaults with `sets`.
fn ran(id: &str, sets: &[&str], size: (u16, u16)) -> App {
    let page = mmap_lab_engine::engine::page_size();
    let mut app = App::new(&crate::tui::app::test_options(id), page, size);
    let scenario = app.scenario();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params = prepare(scenario, &sets).expect("sets parse");
    app.states[app.current].params = params.clone();
    app.refresh();
    let record = run_scenario(scenario, &params).expect("the experiment runs");
    let Effect::StartRun(req) = app.apply(Action::Run) else {
        panic!("no run started");
    };
    app.handle(AppEvent::RunFinished {
        ticket: req.ticket,
        result: Ok(Box::new(record)),
    });
    app
}

/// What the whole screen shows, row by row.
fn screen(app: &App) -> String {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let mut buf = Buffer::empty(area);
    ratatui::widgets::Widget::render(app, area, &mut buf);
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn plain(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// After a real run of every scenario's defaults, the pane lists every call numbered 1, 2,
/// 3… with no gap, each number the one the record's step has everywhere else (`SIGBUS
/// during step 3`), and each call that ran ends with what it returned.
#[test]
fn after_a_run_every_call_is_numbered_without_gaps_and_shows_its_return() {
    for s in catalog::all() {
        let app = ran(s.id, &[], (200, 60));
        let record = app.shown().done().expect("a record");
        let lines: Vec<String> = call_lines(&app, 400, usize::MAX)
            .iter()
            .map(plain)
            .collect();
        assert_eq!(lines.len(), app.view.calls.len(), "{}: {lines:#?}", s.id);
        for (n, (line, call)) in lines.iter().zip(&app.view.calls).enumerate() {
            assert!(
                line.starts_with(&format!("{:>2} ", n + 1)),
                "{}: call {} is `{line}`",
                s.id,
                n + 1
            );
            let Some(step) = record.run.steps.get(call.step) else {
                assert!(line.contains(t(S::NotRun, Lang::En)), "{}: {line}", s.id);
                continue;
            };
            assert_eq!(record.run.step_number(call.step), n + 1, "{}", s.id);
            let shown = match (&step.signal, step.errno) {
                (Some(sig), _) => sig.to_string(),
                (None, Some(e)) => format!("= {} {}", step.result, errnos::name(e)),
                (None, None) => format!("= {}", step.result),
            };
            assert!(line.contains(&shown), "{}: `{line}` lacks `{shown}`", s.id);
        }
    }
}

/// The calls that once went missing after a run, at 80×24: the open of rdonly-prot-write,
/// empty-new-file's ftruncate, anonymous-ipc's strcpy, map-fixed-clobber's first mmap;
/// each with its return value.
#[test]
fn the_calls_that_went_missing_stay_listed_with_their_return() {
    for (id, sets, call) in [
        ("rdonly-prot-write", &[][..], "open(\"data\", O_RDONLY) = 3"),
        (
            "empty-new-file",
            &["grow=ftruncate"][..],
            "ftruncate(fd, 4096) = 0",
        ),
        (
            "anonymous-ipc",
            &[][..],
            "strcpy(ptr, \"hello, world\") = 12",
        ),
        (
            "map-fixed-clobber",
            &[][..],
            "mmap(NULL, 4096, PROT_READ|PROT_",
        ),
    ] {
        let app = ran(id, sets, (80, 24));
        let frame = screen(&app);
        assert!(frame.contains(call), "{id} {sets:?}: no `{call}`\n{frame}");
    }
}

/// A call too wide for its row is cut with `…` and keeps its number and its return value;
/// a call that did not run says so in words.
#[test]
fn a_cut_call_ends_with_an_ellipsis_and_keeps_its_return() {
    let app = ran("rdonly-prot-write", &[], (80, 24));
    let mmap = app
        .view
        .calls
        .iter()
        .find(|c| c.is_mapping)
        .expect("a mapping call");
    let row = plain(&call_row(&app, mmap, 40));
    assert!(row.starts_with(" 2 mmap(NULL"), "{row}");
    assert!(row.contains('…'), "{row}");
    assert!(row.ends_with("= MAP_FAILED EACCES"), "{row}");
    assert!(text::width(&row) <= 40, "{row}");
    let touch = app.view.calls.last().expect("calls");
    let row = plain(&call_row(&app, touch, 80));
    assert!(row.contains(t(S::NotRun, Lang::En)), "{row}");
}

/// Rows cut off a wrapped sentence end with `…` on the last row kept.
#[test]
fn rows_left_out_are_marked_on_the_last_row_kept() {
    let lines = vec![Line::from("abcdef"), Line::from("ghijkl")];
    let kept = keep_rows(lines.clone(), 1, 6, "…");
    assert_eq!(kept.iter().map(plain).collect::<Vec<_>>(), ["abcde…"]);
    assert_eq!(keep_rows(lines, 2, 6, "…").len(), 2);
}
