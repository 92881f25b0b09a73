//! Shared by the TUI tests: build an app in a known state, load a recorded run, draw a frame.
//! Rendering tests use recorded outcomes (`tests/fixtures/*.json`, made with
//! `mmap-lab run ID --json`), never live runs, so they do not depend on the kernel.

#![allow(dead_code)]

use mmap_lab::tui::app::{App, Effect};
use mmap_lab::tui::event::{Action, AppEvent};
use mmap_lab::tui::{Options, ThemeName};
use mmap_lab_engine::{Lang, Record};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::path::PathBuf;

/// The page size the fixtures were recorded with.
pub const PAGE: u64 = 4096;

/// The sizes every scenario is drawn at, before and after its run.
pub const SIZES: [(u16, u16); 3] = [(100, 30), (80, 24), (60, 18)];

/// Options for scenario `id`.
pub fn options(id: &str, lang: Lang) -> Options {
    Options {
        scenario: Some(id.to_string()),
        lang,
        presenter: false,
        theme: Some(ThemeName::Dark),
        ascii: false,
        mouse: false,
    }
}

/// An app on scenario `id` at `w`×`h`.
pub fn app(id: &str, lang: Lang, (w, h): (u16, u16)) -> App {
    App::new(&options(id, lang), PAGE, (w, h))
}

/// Where the recorded run `NAME` lives: `tests/fixtures/NAME.json` (a scenario's own run is
/// named by its id).
pub fn fixture_path(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
        .iter()
        .collect::<PathBuf>()
        .with_extension("json")
}

/// A recorded run from `tests/fixtures/NAME.json`.
pub fn fixture(name: &str) -> Record {
    let path = fixture_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Set the app's knobs to the ones the record ran with, then "run" it: the run's result
/// comes back as the worker's event would.
pub fn replay(app: &mut App, record: Record) {
    let scenario = app.scenario();
    let mut params = (scenario.defaults)(PAGE);
    for (key, value) in &record.params {
        let value = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if let Some(k) = mmap_lab_engine::Key::from_name(key) {
            if scenario.accepts(k) {
                mmap_lab_engine::session::apply(scenario, &mut params, &format!("{key}={value}"))
                    .expect("fixture params apply");
            }
        }
    }
    app.states[app.current].params = params;
    app.refresh();
    let Effect::StartRun(req) = app.apply(Action::Run) else {
        panic!("no run started");
    };
    app.handle(AppEvent::RunFinished {
        ticket: req.ticket,
        result: Ok(Box::new(record)),
    });
}

/// The frame of `app` at its size, in a buffer.
pub fn buffer(app: &App) -> Buffer {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let mut buf = Buffer::empty(area);
    app.render(area, &mut buf);
    buf
}

/// What a snapshot shows in place of the scenario list's rows.
pub const LIST_MASK: &str = "░";

/// The frame of `app` in a `TestBackend` (whose `Display` is what snapshots store), with the
/// scenario list's rows masked (`LIST_MASK`, the pane's border and title kept): the list
/// shows the whole catalogue, so without the mask adding a scenario would change every
/// snapshot. What the list draws is checked on its own (`tui_course.rs`, `tui_styles.rs`).
pub fn backend(app: &App) -> TestBackend {
    let (w, h) = app.size;
    let mut terminal = ratatui::Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal
        .draw(|f| {
            f.render_widget(app, f.area());
            mask_list(app, f.buffer_mut());
        })
        .expect("draw");
    terminal.backend().clone()
}

/// Covers the list pane's rows below its title with `LIST_MASK`, from its left border (kept)
/// up to the next border line on each row (the pane's own, or that of the help drawn over
/// it), which is kept.
fn mask_list(app: &App, buf: &mut Buffer) {
    let Some(&(_, area)) = app
        .view
        .layout
        .panes
        .iter()
        .find(|(focus, _)| *focus == mmap_lab::tui::event::Focus::List)
    else {
        return;
    };
    let area = area.intersection(buf.area);
    for y in area.y.saturating_add(1)..area.bottom() {
        for x in area.x..area.right() {
            let cell = &mut buf[(x, y)];
            let border = cell
                .symbol()
                .chars()
                .next()
                .is_some_and(|c| ('\u{2500}'..='\u{257f}').contains(&c));
            if border && x == area.x {
                continue; // the pane's left border, where it has one
            }
            if border {
                break;
            }
            cell.set_symbol(LIST_MASK);
        }
    }
}

/// The frame as plain text, one line per row.
pub fn text(app: &App) -> String {
    let buf = buffer(app);
    text_of(&buf, buf.area)
}

/// The part `area` of a frame as plain text, one line per row.
pub fn text_of(buf: &Buffer, area: Rect) -> String {
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn unicode_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    s.width()
}
