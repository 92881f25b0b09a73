//! How long a frame takes: the whole lab drawn into a buffer at 200×60 (and the usual
//! sizes) after a recorded run; and the start-up work before the first frame. The budget is
//! 1 ms per full frame and 100 ms to the first frame (`cargo bench --bench render`).

use mmap_lab::tui::app::{App, Effect};
use mmap_lab::tui::event::{Action, AppEvent};
use mmap_lab::tui::{Options, ThemeName};
use mmap_lab_engine::{Lang, Record};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

fn main() {
    divan::main();
}

/// A recorded run of `out-of-bounds` (SIGBUS), from the test fixtures.
const RECORD: &str = include_str!("../tests/fixtures/out-of-bounds--length-8192.json");
/// A recorded run of `mmap-copy`: the outcome pane draws its bar chart.
const COPY_RECORD: &str = include_str!("../tests/fixtures/mmap-copy.json");

fn options(lang: Lang) -> Options {
    options_for("out-of-bounds", lang)
}

fn options_for(id: &str, lang: Lang) -> Options {
    Options {
        scenario: Some(id.to_string()),
        lang,
        presenter: false,
        theme: Some(ThemeName::Dark),
        ascii: false,
        mouse: false,
    }
}

/// The lab after a run, at `w`×`h`.
fn app_after_run(lang: Lang, (w, h): (u16, u16)) -> App {
    let mut app = App::new(&options(lang), 4096, (w, h));
    let record: Record = serde_json::from_str(RECORD).expect("fixture");
    // The knob that makes the fixture's run: length 8192 (three pages down the form).
    app.apply(Action::NextPane);
    app.apply(Action::Down);
    app.apply(Action::Down);
    app.apply(Action::Down);
    if let Effect::StartRun(req) = app.apply(Action::Run) {
        app.handle(AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record)),
        });
    }
    app
}

fn frame(app: &App, area: Rect, buf: &mut Buffer) {
    buf.reset();
    app.render(area, buf);
}

#[divan::bench(args = [(200, 60), (100, 30), (80, 24)])]
fn full_frame_english(bencher: divan::Bencher, (w, h): (u16, u16)) {
    let app = app_after_run(Lang::En, (w, h));
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| frame(&app, area, &mut buf));
}

#[divan::bench]
fn full_frame_chinese_200x60(bencher: divan::Bencher) {
    let app = app_after_run(Lang::Zh, (200, 60));
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| frame(&app, area, &mut buf));
}

#[divan::bench(args = [(200, 60), (80, 24)])]
fn presenter(bencher: divan::Bencher, (w, h): (u16, u16)) {
    let mut app = app_after_run(Lang::En, (w, h));
    app.apply(Action::TogglePresenter);
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| frame(&app, area, &mut buf));
}

/// mmap-copy after its run, with the bar chart of its three speeds in the outcome pane.
#[divan::bench(args = [(200, 60), (80, 24)])]
fn copy_chart(bencher: divan::Bencher, (w, h): (u16, u16)) {
    let mut app = App::new(&options_for("mmap-copy", Lang::Zh), 4096, (w, h));
    let record: Record = serde_json::from_str(COPY_RECORD).expect("fixture");
    if let Effect::StartRun(req) = app.apply(Action::Run) {
        app.handle(AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record)),
        });
    }
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    bencher.bench_local(|| frame(&app, area, &mut buf));
}

/// Everything between `main` and the first frame that does not touch the terminal: the
/// catalogue, every lesson parsed, the first plan, and the frame itself.
#[divan::bench]
fn start_to_first_frame_200x60(bencher: divan::Bencher) {
    let area = Rect::new(0, 0, 200, 60);
    bencher.bench_local(|| {
        let app = App::new(&options(Lang::En), 4096, (200, 60));
        let mut buf = Buffer::empty(area);
        app.render(area, &mut buf);
        buf
    });
}

/// One key press: the state change and the derived view (plan, page map) rebuilt.
#[divan::bench]
fn turn_a_knob(bencher: divan::Bencher) {
    let mut app = app_after_run(Lang::En, (200, 60));
    bencher.bench_local(|| {
        app.apply(Action::Right);
        app.apply(Action::Left);
    });
}
