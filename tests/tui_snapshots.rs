//! What a person sees: every scenario of the catalogue before and after a (recorded) run, in
//! English and Chinese, at 100×30, 80×24 and 60×18; presenter mode; the help overlay; the
//! editor; the "too small" screen. Snapshots are `TestBackend` frames (insta); colours are
//! checked in `tui_styles.rs`.
//!
//! A scenario's run is replayed from `tests/fixtures/<id>.json`. To record the fixtures a new
//! scenario lacks (on a machine with 4 KiB pages, the size the snapshots are drawn for):
//! `cargo test --test tui_snapshots -- --ignored record_fixtures --nocapture`
//! (with `MMAP_LAB_RERECORD=1`, every scenario's fixture is recorded again).

mod tui_support;

use mmap_lab::tui::event::{Action, Focus};
use mmap_lab_engine::{catalog, Lang};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use tui_support::{app, backend, fixture, replay, SIZES};

/// Mask what could change between recordings, and the blank cells ratatui leaves behind a
/// wide character (a real overlap, a hidden cell that is not blank, still shows).
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"0x7f[0-9a-f]+", "[addr]");
    // The catalogue's size and a scenario's place in it, which adding a scenario changes
    // everywhere: "4/18" at the start of the header is "[i]/[n]", and every "1/18" (runs of
    // the catalogue) is "1/[n]". The header's padding and a scenario id cut short there
    // ("close-…", shown as "[id]") follow the width of those numbers: masked too.
    let n = catalog::all().len();
    s.add_filter(
        &format!(r#"\A" (mmap-lab · )?\d+/{n} "#),
        r#"" ${1}[i]/[n] "#,
    );
    s.add_filter(
        r#"\A(" (?:mmap-lab · )?\[i\]/\[n\] )[^\s…·]*… ·"#,
        "${1}[id] ·",
    );
    s.add_filter(&format!(r"\b(\d+)/{n}\b"), "$1/[n]");
    s.add_filter(r#"\A("[^"\n]*?\S)  +"#, "$1 [pad] ");
    // The help names the machine it runs on: mask what differs between machines and users.
    s.add_filter(
        r"Linux \S+ (on|（)[^,，]+[,，] [^,，]+[,，] (page size|页大小) \d+",
        "[machine]",
    );
    s.add_filter(
        r"(capabilities|能力)(: |：)[^·]+· RLIMIT_MEMLOCK [^·]+· vm\.max_map_count \d+",
        "[limits]",
    );
    s.add_filter(r"\b7f[0-9a-f]{8,}-7f[0-9a-f]{8,}\b", "[range]");
    s.add_filter(r"/tmp/mmap-lab-\w+", "[tmpdir]");
    s.add_filter(r"(fork\(\) = )\d+", "$1[pid]");
    s.add_filter(r"waitpid\(\d+", "waitpid([pid]");
    s.add_filter(r"= \d+, status", "= [pid], status");
    s.add_filter(r"\d+ µs", "[elapsed]");
    s.add_filter(r"\d+\.\d s\b", "[elapsed]");
    s.add_filter(
        r#" Hidden by multi-width symbols: \[(\(\d+, " "\)(, )?)+\]"#,
        "",
    );
    s.set_prepend_module_to_snapshot(false);
    s
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// `insta::assert_snapshot!(NAME, FRAME)`, but a mismatch is returned as the name instead of
/// ending the test. A macro, not a closure, so the snapshot's `expression:` line stays
/// `backend(&a)` as in the existing files.
macro_rules! check_snapshot {
    ($name:expr, $frame:expr) => {{
        let name: String = $name;
        panic::catch_unwind(AssertUnwindSafe(|| {
            insta::assert_snapshot!(name.clone(), $frame);
        }))
        .err()
        .map(|_| name)
    }};
}

/// Before and after a run of `id` (replaying its fixture), both languages, three sizes. Each
/// snapshot is checked even when an earlier one failed, so a new scenario gets all its
/// `.snap.new` files in one run; returns the names of those that failed.
fn scenario_snapshots(id: &str) -> Vec<String> {
    let fixture_path = tui_support::fixture_path(id);
    let mut failed = Vec::new();
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            for size in SIZES {
                let name = format!("{id}__{}_{}x{}", lang_code(lang), size.0, size.1);
                let mut a = app(id, lang, size);
                failed.extend(check_snapshot!(format!("{name}_before"), backend(&a)));
                if fixture_path.exists() {
                    replay(&mut a, fixture(id));
                    failed.extend(check_snapshot!(format!("{name}_after"), backend(&a)));
                } else {
                    failed.push(format!(
                        "{name}_after (no fixture {})",
                        fixture_path.display()
                    ));
                }
            }
        }
    });
    failed
}

/// Every scenario of the catalogue, drawn before and after its run.
#[test]
fn every_scenario_before_and_after_a_run() {
    let mut failed = Vec::new();
    for s in catalog::all() {
        failed.extend(scenario_snapshots(s.id));
    }
    assert!(
        failed.is_empty(),
        "{} snapshots are missing or differ (the diffs are above; review the `.snap.new` \
         files with `cargo insta review` or accept them with `INSTA_UPDATE=always`; record \
         missing fixtures with `cargo test --test tui_snapshots -- --ignored record_fixtures`):\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The scenario list on its own, which the other snapshots mask: the topics, every scenario
/// in the lesson order, the marks of one that ran and one that did not, the selection. The
/// one snapshot (per language) that a new scenario changes.
#[test]
fn the_scenario_list_on_its_own() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            let mut a = app("munmap-shifted-pointer", lang, (160, 44));
            replay(&mut a, fixture("munmap-shifted-pointer--shift-4096"));
            let area = a
                .view
                .layout
                .panes
                .iter()
                .find(|(focus, _)| *focus == Focus::List)
                .map(|(_, area)| *area)
                .expect("the list is on screen at 160×44");
            let pane = tui_support::text_of(&tui_support::buffer(&a), area);
            insta::assert_snapshot!(format!("list__{}_160x44", lang_code(lang)), pane);
        }
    });
}

/// Records `tests/fixtures/<id>.json` with `mmap-lab run <id> --json` for every scenario that
/// has none (every scenario with `MMAP_LAB_RERECORD=1`). Ignored: it writes into the source
/// tree, and a recording is a new kernel answer to review, not a check.
#[test]
#[ignore = "writes tests/fixtures; run with --ignored to record missing fixtures"]
fn record_fixtures() {
    let page = mmap_lab_engine::engine::page_size();
    assert_eq!(
        page,
        tui_support::PAGE,
        "the snapshots are drawn for {}-byte pages; record fixtures on such a machine",
        tui_support::PAGE
    );
    let all = std::env::var_os("MMAP_LAB_RERECORD").is_some();
    for s in catalog::all() {
        let path: PathBuf = tui_support::fixture_path(s.id);
        if path.exists() && !all {
            continue;
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mmap-lab"))
            .args(["run", s.id, "--json"])
            .output()
            .expect("mmap-lab runs");
        assert!(
            out.status.success(),
            "mmap-lab run {} --json: {}",
            s.id,
            String::from_utf8_lossy(&out.stderr)
        );
        // Check it reads back as a record before writing it.
        let _: mmap_lab_engine::Record = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("mmap-lab run {} --json: {e}", s.id));
        std::fs::write(&path, &out.stdout).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("recorded {}", path.display());
    }
}

/// A knob turned to the other answer: the page map and the call change before the run, the
/// outcome after it.
#[test]
fn variants_after_a_run() {
    settings().bind(|| {
        for (id, fx) in [
            ("unaligned-offset", "unaligned-offset--offset-4096"),
            ("out-of-bounds", "out-of-bounds--length-8192"),
            ("empty-new-file", "empty-new-file--grow-ftruncate"),
            ("rdonly-prot-write", "rdonly-prot-write--flags-private"),
            (
                "munmap-shifted-pointer",
                "munmap-shifted-pointer--shift-4096",
            ),
            ("anonymous-ipc", "anonymous-ipc--flags-private"),
        ] {
            let mut a = app(id, Lang::En, (100, 30));
            replay(&mut a, fixture(fx));
            a.apply(Action::NextPane);
            insta::assert_snapshot!(format!("variant__{fx}"), backend(&a));
            // The findings and the outcome line fit the first screen at 80×24, in Chinese
            // too, and in presenter mode.
            for presenter in [false, true] {
                let mut a = app(id, Lang::Zh, (80, 24));
                a.presenter = presenter;
                replay(&mut a, fixture(fx));
                let mode = if presenter { "presenter_" } else { "" };
                insta::assert_snapshot!(format!("variant__{fx}__{mode}zh_80x24"), backend(&a));
            }
        }
    });
}

/// Presenter mode at 60×20, after the run of every scenario, both languages: the call the
/// outcome is about is still on a numbered call line, and the outcome's word is on screen.
#[test]
fn presenter_at_60x20_keeps_the_call_under_test_and_the_outcome() {
    let mut missing = Vec::new();
    for scenario in catalog::all() {
        for lang in [Lang::En, Lang::Zh] {
            let mut a = app(scenario.id, lang, (60, 20));
            a.apply(Action::TogglePresenter);
            let record = fixture(scenario.id);
            let (call, word) = match &record.run.outcome {
                mmap_lab_engine::Outcome::Errno { call, errno } => {
                    (Some(format!("{}(", call.name())), format!("{errno:?}"))
                }
                mmap_lab_engine::Outcome::Signal { call, signal, .. } => (
                    Some(call.clone()),
                    signal
                        .known()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                ),
                _ if record.run.ok_but() => (None, "⚠".to_string()),
                _ => (None, "✔".to_string()),
            };
            replay(&mut a, record);
            let screen = backend(&a).to_string();
            let numbered = |l: &str| {
                l.trim_start_matches('"')
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
            };
            if let Some(call) = call {
                if !screen.lines().any(|l| numbered(l) && l.contains(&call)) {
                    missing.push(format!(
                        "{} {lang:?}: the call {call}\n{screen}",
                        scenario.id
                    ));
                }
            }
            if !screen.contains(&word) {
                missing.push(format!(
                    "{} {lang:?}: the outcome {word}\n{screen}",
                    scenario.id
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The shipped playlist in presenter mode at 80×24, both languages: `demo 1/N` and the
/// step's question before the run; after it, still `demo 1/N`, with the step's answer in
/// place of the question.
#[test]
fn presenter_demo_keeps_its_step_and_answers_after_the_run() {
    for (lang, name, pos) in [
        (Lang::En, "course-notes-en", "demo 1/"),
        (Lang::Zh, "course-notes", "演示 1/"),
    ] {
        let playlist = mmap_lab::demo::load(name, 4096, lang).unwrap();
        let step = playlist.steps[0].clone();
        let mut a = app(step.scenario.id, lang, (80, 24));
        a.apply(Action::TogglePresenter);
        a.start_with(&mmap_lab::tui::course::Setup {
            demo: Some(playlist),
            ..Default::default()
        });
        // Wide characters leave a blank cell after them: compare without blanks.
        let flat = |a: &mmap_lab::tui::app::App| backend(a).to_string().replace(' ', "");
        let note = step.note.unwrap().replace(' ', "");
        let after = step.after.unwrap().replace(' ', "");
        let before = flat(&a);
        assert!(before.contains(&pos.replace(' ', "")), "{before}");
        assert!(before.contains(&note[..note.len().min(30)]), "{before}");
        // Run the step's own parameters; the record is the scenario's fixture (its params are
        // spelled out, `munmap_length=8192` for the default: replaying them would be another
        // parameter set).
        let mmap_lab::tui::app::Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run started");
        };
        a.handle(mmap_lab::tui::event::AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(fixture(step.scenario.id))),
        });
        let ran = flat(&a);
        assert!(ran.contains(&pos.replace(' ', "")), "{ran}");
        assert!(ran.contains(&after[..after.len().min(30)]), "{ran}");
        assert!(!ran.contains(&note[..note.len().min(30)]), "{ran}");
    }
}

/// A student at 80×24, both languages: the lesson's question beside the form before the
/// run; after it, the lesson focused shows the variants to try while the outcome stays; `/`
/// filters the list (by an id in English, by a Chinese title in Chinese).
#[test]
fn a_student_at_80x24() {
    settings().bind(|| {
        for (lang, typed, question, try_next, found) in [
            (
                Lang::En,
                "fork",
                "The question",
                "Try next",
                "private-cow-fork",
            ),
            (Lang::Zh, "空文件", "问题", "接下来试试", "empty-new-file"),
        ] {
            let code = lang_code(lang);
            let mut a = app("empty-new-file", lang, (80, 24));
            a.apply(Action::NextPane);
            let before = backend(&a).to_string();
            assert!(before.contains(question), "{before}");
            insta::assert_snapshot!(format!("student__{code}_80x24_before"), backend(&a));
            replay(&mut a, fixture("empty-new-file"));
            a.focus = Focus::Lesson;
            a.refresh();
            // A few presses down the question, the variants come into view.
            for _ in 0..12 {
                if backend(&a).to_string().contains(try_next) {
                    break;
                }
                a.apply(Action::Down);
            }
            let after = backend(&a).to_string();
            for want in [try_next, "SIGBUS", "ptr[0] = 0x2a"] {
                assert!(after.contains(want), "{want}:\n{after}");
            }
            insta::assert_snapshot!(format!("student__{code}_80x24_lesson"), backend(&a));
            a.apply(Action::Filter);
            for c in typed.chars() {
                a.apply(Action::FilterChar(c));
            }
            // The list itself (snapshots mask it): the filter as typed and its matches only.
            let buf = tui_support::buffer(&a);
            let filtered: String = (0..buf.area.height)
                .map(|y| {
                    let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
                    row + "\n"
                })
                .collect();
            // Wide characters leave a blank cell after them: compare without blanks.
            assert!(
                filtered.replace(' ', "").contains(&format!("/{typed}")),
                "{filtered}"
            );
            assert!(filtered.contains(found), "{filtered}");
            assert!(!filtered.contains("zero-length"), "{filtered}");
            insta::assert_snapshot!(format!("student__{code}_80x24_filter"), backend(&a));
        }
    });
}

#[test]
fn presenter_mode() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            for (id, size) in [
                ("unaligned-offset", (80, 24)),
                ("empty-new-file", (80, 24)),
                ("out-of-bounds", (100, 30)),
                ("rdonly-prot-write", (60, 18)),
            ] {
                let mut a = app(id, lang, size);
                a.apply(Action::TogglePresenter);
                let name = format!("presenter__{id}_{}_{}x{}", lang_code(lang), size.0, size.1);
                insta::assert_snapshot!(format!("{name}_before"), backend(&a));
                replay(&mut a, fixture(id));
                insta::assert_snapshot!(format!("{name}_after"), backend(&a));
            }
        }
    });
}

#[test]
fn help_overlay() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            for size in [(100, 30), (80, 24), (40, 12)] {
                let mut a = app("unaligned-offset", lang, size);
                a.apply(Action::NextPane);
                assert_eq!(a.focus, Focus::Params);
                a.apply(Action::Help);
                insta::assert_snapshot!(
                    format!("help__{}_{}x{}", lang_code(lang), size.0, size.1),
                    backend(&a)
                );
            }
        }
    });
}

#[test]
fn editor_refuses_a_bad_value_in_place() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            let mut a = app("unaligned-offset", lang, (100, 30));
            a.apply(Action::NextPane);
            while a.selected_key() != Some(mmap_lab_engine::Key::Offset) {
                a.apply(Action::Down);
            }
            a.apply(Action::Edit);
            for c in "4q".chars() {
                a.apply(Action::EditChar(c));
            }
            a.apply(Action::EditApply);
            insta::assert_snapshot!(format!("editor__{}", lang_code(lang)), backend(&a));
        }
    });
}

#[test]
fn too_small_and_ascii() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            let a = app("unaligned-offset", lang, (30, 8));
            insta::assert_snapshot!(format!("too_small__{}", lang_code(lang)), backend(&a));
        }
        let mut opts = tui_support::options("out-of-bounds", Lang::En);
        opts.ascii = true;
        let mut a = mmap_lab::tui::app::App::new(&opts, tui_support::PAGE, (100, 30));
        replay(&mut a, fixture("out-of-bounds--length-8192"));
        insta::assert_snapshot!("ascii__out-of-bounds_100x30", backend(&a));
        let mut a = mmap_lab::tui::app::App::new(&opts, tui_support::PAGE, (80, 24));
        a.apply(Action::TogglePresenter);
        replay(&mut a, fixture("out-of-bounds--length-8192"));
        insta::assert_snapshot!("ascii__presenter_80x24", backend(&a));
    });
}

#[test]
fn roomy_layout() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            let mut a = app("munmap-shifted-pointer", lang, (160, 44));
            replay(&mut a, fixture("munmap-shifted-pointer--shift-4096"));
            insta::assert_snapshot!(format!("roomy__{}_160x44", lang_code(lang)), backend(&a));
        }
    });
}

/// After a run: the page map's "after" row (page 0 leaked, the page after the mapping, not
/// ours, gone) and the two maps captures as a difference (`~` the mapping shrunk, `-` the
/// page after it removed), with the changed argument in the call; both languages.
#[test]
fn after_the_run_and_the_maps_difference() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            let mut a = app("munmap-shifted-pointer", lang, (160, 44));
            replay(&mut a, fixture("munmap-shifted-pointer--shift-4096"));
            a.apply(Action::NextPane);
            a.apply(Action::NextPane);
            assert_eq!(a.focus, Focus::Outcome);
            // Scrolled to the end: the captures are the last thing the pane lists.
            a.outcome_scroll = a.view.layout.max_outcome;
            insta::assert_snapshot!(
                format!(
                    "after_run__munmap-shifted-pointer_{}_160x44",
                    lang_code(lang)
                ),
                backend(&a)
            );
        }
    });
}

/// Presenter mode at 80×24 and 100×30 in both languages, before and after the run that
/// leaves a warning: the numbered calls with the changed argument, the big word (bigger at
/// 100×30), the findings right under it, the before/after strip, and a header that keeps
/// the title whole.
#[test]
fn presenter_mode_before_and_after_a_warning() {
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            for size in [(80, 24), (100, 30)] {
                let fx = "munmap-shifted-pointer--shift-4096";
                let mut a = app("munmap-shifted-pointer", lang, size);
                a.apply(Action::TogglePresenter);
                let name = format!("presenter__{fx}_{}_{}x{}", lang_code(lang), size.0, size.1);
                let record = fixture(fx);
                // The knob set as the run has it, before the run: `?`, and the argument marked.
                let mut before = app("munmap-shifted-pointer", lang, size);
                before.apply(Action::TogglePresenter);
                before.states[before.current]
                    .params
                    .set(mmap_lab_engine::Key::MunmapShift, "4096")
                    .expect("a shift");
                before.refresh();
                insta::assert_snapshot!(format!("{name}_before"), backend(&before));
                replay(&mut a, record);
                insta::assert_snapshot!(format!("{name}_after"), backend(&a));
            }
        }
    });
}

/// mmap-copy after a run: the three speeds as bars in the outcome pane, each with the spread
/// of its runs, at the two sizes a class uses, in both languages.
#[test]
fn copy_chart() {
    use mmap_lab_engine::engine::warm;
    let record = fixture("mmap-copy");
    let runs = record
        .run
        .throughput_runs
        .clone()
        .expect("the fixture has every run's figure");
    settings().bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            for size in [(80, 24), (120, 34)] {
                let mut a = app("mmap-copy", lang, size);
                replay(&mut a, record.clone());
                let screen = tui_support::text(&a);
                let caption = mmap_lab::strings::t(mmap_lab::strings::S::CopyChart, lang)
                    .replace("{n}", &warm(&runs.mmap).len().to_string());
                assert!(screen.contains(&caption), "no caption in\n{screen}");
                for (name, figures) in ["mmap", "read/write", "copy_file_range"]
                    .into_iter()
                    .zip(runs.methods())
                {
                    // The spread of the runs the median counts: the cold first run apart.
                    let (lo, hi) = mmap_lab_engine::engine::spread(warm(figures)).expect("runs");
                    let spread = format!("{lo:.0}–{hi:.0}");
                    let row = screen
                        .lines()
                        .find(|l| l.contains(&spread))
                        .unwrap_or_else(|| panic!("no spread {spread} in\n{screen}"));
                    assert!(row.contains(name) && row.contains('█'), "{row}");
                }
                insta::assert_snapshot!(
                    format!("copy_chart__{}_{}x{}", lang_code(lang), size.0, size.1),
                    backend(&a)
                );
            }
        }
    });
}
