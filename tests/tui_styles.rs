//! Colours and emphasis, which snapshots do not keep: checked cell by cell.

mod tui_support;

use mmap_lab::tui::app::App;
use mmap_lab::tui::event::Action;
use mmap_lab::tui::ThemeName;
use mmap_lab_engine::Lang;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Style};
use tui_support::{buffer, fixture, options, replay, PAGE};

/// The first cell where `text` starts on screen, from row `from` on (a wide character
/// takes two cells: the second is skipped).
fn find_from(buf: &Buffer, text: &str, from: u16) -> Option<(u16, u16)> {
    use unicode_width::UnicodeWidthChar;
    let first = text.chars().next()?.to_string();
    for y in from..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].symbol() != first {
                continue;
            }
            let mut xx = x;
            let mut ok = true;
            for c in text.chars() {
                if xx >= buf.area.width || buf[(xx, y)].symbol() != c.to_string() {
                    ok = false;
                    break;
                }
                xx += c.width().unwrap_or(1).max(1) as u16;
            }
            if ok {
                return Some((x, y));
            }
        }
    }
    None
}

fn find(buf: &Buffer, text: &str) -> Option<(u16, u16)> {
    find_from(buf, text, 0)
}

fn app_with(id: &str, theme: ThemeName, size: (u16, u16), fx: &str) -> App {
    let mut opts = options(id, Lang::En);
    opts.theme = Some(theme);
    let mut a = App::new(&opts, PAGE, size);
    replay(&mut a, fixture(fx));
    a
}

/// The style of the outcome word in the call pane after a run of `fx`.
fn outcome_word_style(fx: &str, id: &str, word: &str) -> Style {
    let a = app_with(id, ThemeName::Dark, (100, 30), fx);
    let buf = buffer(&a);
    let (x, y) = find(&buf, word).unwrap_or_else(|| panic!("{word} not on screen"));
    buf[(x, y)].style()
}

#[test]
fn the_outcome_word_looks_different_for_ok_errno_and_signal() {
    let ok = outcome_word_style("unaligned-offset--offset-4096", "unaligned-offset", "✔ OK");
    let errno = outcome_word_style("unaligned-offset", "unaligned-offset", "✘ EINVAL");
    let signal = outcome_word_style("empty-new-file", "empty-new-file", "⚡ SIGBUS");
    assert_ne!(ok.fg, errno.fg);
    assert_ne!(ok.fg, signal.fg);
    assert_ne!(errno.fg, signal.fg);
    for s in [ok, errno, signal] {
        assert!(s.fg.is_some() && s.fg != Some(Color::Reset), "{s:?}");
    }
}

#[test]
fn the_blamed_argument_is_highlighted_after_a_run() {
    let a = app_with(
        "unaligned-offset",
        ThemeName::Dark,
        (100, 30),
        "unaligned-offset",
    );
    let buf = buffer(&a);
    let (x, y) = find(&buf, "fd, 1000)").expect("the call is on screen");
    let offset = buf[(x + 4, y)].style();
    let fd = buf[(x, y)].style();
    let blame = a.theme.blame;
    assert_eq!(Some(offset.fg), Some(blame.fg), "{offset:?}");
    assert_eq!(offset.bg, blame.bg);
    assert!(offset.add_modifier.contains(blame.add_modifier));
    assert_ne!(offset.bg, fd.bg);
}

/// The argument a knob changed from the scenario's defaults stands out in every theme, with
/// an underline besides its colour (mono has only the underline and bold); an argument left
/// at its default does not.
#[test]
fn the_argument_a_knob_changed_is_highlighted() {
    use ratatui::style::Modifier;
    for theme in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
        for presenter in [false, true] {
            let mut a = app_with(
                "munmap-shifted-pointer",
                theme,
                (100, 30),
                "munmap-shifted-pointer--shift-4096",
            );
            a.presenter = presenter;
            a.refresh();
            let buf = buffer(&a);
            let (x, y) = find(&buf, "munmap(ptr + 4096, 8192)")
                .unwrap_or_else(|| panic!("{theme:?} {presenter}: the call is not on screen"));
            let shifted = buf[(x + 7, y)].style();
            let length = buf[(x + 20, y)].style();
            let or_reset = |c: Option<Color>| Some(c.unwrap_or(Color::Reset));
            assert_eq!(shifted.fg, or_reset(a.theme.changed.fg), "{theme:?}");
            assert_eq!(shifted.bg, or_reset(a.theme.changed.bg), "{theme:?}");
            assert!(
                shifted.add_modifier.contains(Modifier::UNDERLINED),
                "{theme:?} {shifted:?}"
            );
            assert!(!length.add_modifier.contains(Modifier::UNDERLINED));
        }
        // At its defaults nothing is marked as changed.
        let mut opts = options("munmap-shifted-pointer", Lang::En);
        opts.theme = Some(theme);
        let a = App::new(&opts, PAGE, (100, 30));
        let buf = buffer(&a);
        // The default shift is one byte (`ptr++`).
        let (x, y) = find(&buf, "munmap(ptr + 1, 8192)").expect("the call is on screen");
        assert!(!buf[(x + 7, y)]
            .style()
            .add_modifier
            .contains(Modifier::UNDERLINED));
    }
}

#[test]
fn mono_uses_no_colour_anywhere() {
    let sizes = [(100, 30), (80, 24), (60, 18), (200, 60), (30, 8)];
    for (id, fx) in [
        ("unaligned-offset", "unaligned-offset"),
        ("empty-new-file", "empty-new-file"),
        ("out-of-bounds", "out-of-bounds--length-8192"),
        ("anonymous-ipc", "anonymous-ipc"),
    ] {
        for size in sizes {
            let mut a = app_with(id, ThemeName::Mono, size, fx);
            let mut frames = vec![buffer(&a)];
            a.apply(Action::Help);
            frames.push(buffer(&a));
            a.apply(Action::Help);
            a.apply(Action::TogglePresenter);
            frames.push(buffer(&a));
            for buf in frames {
                for cell in buf.content() {
                    assert_eq!(cell.fg, Color::Reset, "{id} {size:?} {:?}", cell.symbol());
                    assert_eq!(cell.bg, Color::Reset, "{id} {size:?} {:?}", cell.symbol());
                }
            }
        }
    }
}

#[test]
fn every_theme_marks_the_selected_scenario_without_relying_on_colour() {
    for theme in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
        let a = app_with("out-of-bounds", theme, (100, 30), "out-of-bounds");
        let buf = buffer(&a);
        // The glyph beside the id says what happened, whatever the colours.
        let (x, y) = find_from(&buf, "out-of-bounds", 2).expect("list row");
        let row: String = (0..x).map(|i| buf[(i, y)].symbol().to_string()).collect();
        assert!(
            row.contains('▸') && row.contains('⚡'),
            "{theme:?}: {row:?}"
        );
    }
}

/// `--ascii` is for terminals that draw ambiguous-width symbols two cells wide: every cell
/// of every layout is then plain ASCII, or a character that is wide everywhere (Chinese).
#[test]
fn ascii_frames_hold_only_ascii_and_wide_characters() {
    use unicode_width::UnicodeWidthStr;
    for lang in [Lang::En, Lang::Zh] {
        for size in [(120, 34), (100, 30), (80, 24), (50, 14)] {
            for presenter in [false, true] {
                let mut opts = options("out-of-bounds", lang);
                opts.ascii = true;
                let mut a = App::new(&opts, PAGE, size);
                if presenter {
                    a.apply(Action::TogglePresenter);
                }
                replay(&mut a, fixture("out-of-bounds--length-8192"));
                let buf = buffer(&a);
                for cell in buf.content() {
                    let s = cell.symbol();
                    assert!(
                        s.is_ascii() || s.width() == 2 || s.is_empty(),
                        "{lang:?} {size:?} presenter={presenter}: {s:?} ({:?})",
                        s.chars().map(|c| c as u32).collect::<Vec<_>>()
                    );
                }
            }
        }
    }
}

/// `--ascii` spells the keys out (`Up/Down`, `Shift-Tab`), which makes the footer longer: at
/// 80 columns the run key still has its place in every pane, in both languages, and the
/// language switch does not read as an equation.
#[test]
fn ascii_footer_keeps_the_run_key_at_80_columns() {
    for lang in [Lang::En, Lang::Zh] {
        let mut opts = options("unaligned-offset", lang);
        opts.ascii = true;
        let mut a = App::new(&opts, PAGE, (80, 24));
        for _ in 0..4 {
            let buf = buffer(&a);
            // Without spaces: the cell behind a wide character is blank.
            let footer: String = (0..buf.area.width)
                .map(|x| buf[(x, buf.area.height - 1)].symbol().to_string())
                .filter(|s| s.trim() != "")
                .collect();
            let run = mmap_lab::strings::t(mmap_lab::strings::S::CmdRun, lang);
            assert!(
                footer.contains(&format!("r{run}")),
                "{lang:?} {:?}: {footer}",
                a.focus
            );
            assert!(!footer.contains("English="), "{footer}");
            a.apply(Action::NextPane);
        }
    }
}
