//! What a person sees: every scenario before and after a (recorded) run, in English and
//! Chinese, at 100×30, 80×24 and 60×18; presenter mode; the help overlay; the editor; the
//! "too small" screen. Snapshots are `TestBackend` frames (insta); colours are checked in
//! `tui_styles.rs`.

mod tui_support;

use mmap_lab::tui::event::{Action, Focus};
use scenarios::Lang;
use tui_support::{app, backend, fixture, replay};

const SIZES: [(u16, u16); 3] = [(100, 30), (80, 24), (60, 18)];

/// Mask what could change between recordings, and the blank cells ratatui leaves behind a
/// wide character (a real overlap, a hidden cell that is not blank, still shows).
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"0x7f[0-9a-f]+", "[addr]");
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

/// Before and after a run of `id` (replaying fixture `fx`), both languages, three sizes.
fn scenario_snapshots(id: &str, fx: &str) {
    let settings = settings();
    settings.bind(|| {
        for lang in [Lang::En, Lang::Zh] {
            for size in SIZES {
                let name = format!("{id}__{}_{}x{}", lang_code(lang), size.0, size.1);
                let mut a = app(id, lang, size);
                insta::assert_snapshot!(format!("{name}_before"), backend(&a));
                replay(&mut a, fixture(fx));
                insta::assert_snapshot!(format!("{name}_after"), backend(&a));
            }
        }
    });
}

macro_rules! scenario_test {
    ($name:ident, $id:literal) => {
        #[test]
        fn $name() {
            scenario_snapshots($id, $id);
        }
    };
}

scenario_test!(munmap_shifted_pointer, "munmap-shifted-pointer");
scenario_test!(rdonly_prot_write, "rdonly-prot-write");
scenario_test!(unaligned_offset, "unaligned-offset");
scenario_test!(zero_length, "zero-length");
scenario_test!(empty_new_file, "empty-new-file");
scenario_test!(close_after_mmap, "close-after-mmap");
scenario_test!(out_of_bounds, "out-of-bounds");
scenario_test!(mmap_copy, "mmap-copy");
scenario_test!(anonymous_ipc, "anonymous-ipc");
scenario_test!(playground, "playground");

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
        ] {
            let mut a = app(id, Lang::En, (100, 30));
            replay(&mut a, fixture(fx));
            a.apply(Action::NextPane);
            insta::assert_snapshot!(format!("variant__{fx}"), backend(&a));
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
            while a.selected_key() != Some(scenarios::Key::Offset) {
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
