//! Tests of the page map pane's drawing, kept beside it.

use super::*;
use mmap_lab_engine::catalog;

const PAGE: u64 = 4096;

fn map(id: &str, sets: &[(Key, &str)]) -> PageMap {
    let s = catalog::find(id).unwrap();
    let mut p = (s.defaults)(PAGE);
    for (k, v) in sets {
        p.set(*k, v).unwrap();
    }
    PageMap::from_plan(&(s.build)(&p, PAGE), PAGE).unwrap()
}

#[test]
fn renders_at_every_small_size_without_panicking() {
    let theme = Theme::named(super::super::ThemeName::Dark);
    for ascii in [false, true] {
        let glyphs = Glyphs::new(ascii);
        let mut maps: Vec<PageMap> = [
            "out-of-bounds",
            "mmap-copy",
            "munmap-shifted-pointer",
            "zero-length",
        ]
        .iter()
        .map(|id| map(id, &[]))
        .collect();
        // The largest values a student can type.
        maps.push(map(
            "playground",
            &[
                (Key::Length, "0xffffffffffffffff"),
                (Key::Access, "read@0xffffffffffffffff"),
                (Key::MunmapShift, "-9223372036854775808"),
                (Key::MunmapLength, "0xffffffffffffffff"),
                (Key::Offset, "-1"),
            ],
        ));
        for m in &maps {
            for w in (0..40).chain([120, 250]) {
                for h in 0..9 {
                    let area = Rect::new(0, 0, w, h);
                    let mut buf = Buffer::empty(area);
                    PageMapWidget {
                        map: m,
                        after: None,
                        measured: None,
                        answered: true,
                        theme: &theme,
                        glyphs: &glyphs,
                        lang: Lang::Zh,
                    }
                    .render(area, &mut buf);
                }
            }
        }
    }
}

/// A page as the kernel could report it: `look` is one of `·FSA0`.
fn state(page: i64, look: char, process: Option<&str>, pfn: Option<u64>) -> PageState {
    let (present, file, exclusive) = match look {
        'F' => (true, true, false),
        'S' | '0' => (true, false, false),
        'A' => (true, false, true),
        _ => (false, false, false),
    };
    PageState {
        page,
        addr: 0x7f00_0000_0000 + page as u64 * PAGE,
        present,
        swapped: false,
        file,
        exclusive,
        soft_dirty: false,
        pfn: pfn.filter(|_| present),
        cached: Some(look == 'F'),
        zero_page: Some(look == '0'),
        process: process.map(str::to_string),
    }
}

/// The page map of out-of-bounds (two pages, then one unmapped) drawn at 80x8 with these
/// measured pages, as text rows.
fn draw(measured: Option<Measured<'_>>, ascii: bool, lang: Lang) -> Vec<String> {
    draw_in(measured, ascii, lang, 8)
}

/// [`draw`] in `height` rows.
fn draw_in(measured: Option<Measured<'_>>, ascii: bool, lang: Lang, height: u16) -> Vec<String> {
    let theme = Theme::named(super::super::ThemeName::Dark);
    let glyphs = Glyphs::new(ascii);
    let m = map("out-of-bounds", &[(Key::Length, "8192")]);
    let area = Rect::new(0, 0, 80, height);
    let mut buf = Buffer::empty(area);
    PageMapWidget {
        map: &m,
        after: None,
        measured,
        answered: measured.is_some(),
        theme: &theme,
        glyphs: &glyphs,
        lang,
    }
    .render(area, &mut buf);
    (0..area.height)
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < area.width {
                // A wide character's second cell is not a character of its own.
                let symbol = buf[(x, y)].symbol();
                row.push_str(symbol);
                x += (width(symbol) as u16).max(1);
            }
            row
        })
        .collect()
}

/// The row whose label is `label`, without the label, its glyphs split by blanks.
fn cells(rows: &[String], label: &str) -> Vec<String> {
    let row = rows
        .iter()
        .find(|r| r.starts_with(label))
        .unwrap_or_else(|| panic!("no row {label:?} in {rows:#?}"));
    row[label.len()..]
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn before_a_run_no_page_state_is_drawn() {
    let rows = draw(None, false, Lang::En);
    assert!(rows.iter().all(|r| !r.starts_with("pages")
        && !r.starts_with("parent")
        && !r.starts_with("cache")
        && !r.contains("private copy")));
}

#[test]
fn each_measured_state_draws_its_glyph_and_the_legend_names_it() {
    let pages = [
        state(0, 'F', None, None),
        state(1, 'A', None, None),
        state(2, '·', None, None),
    ];
    let measured = Measured {
        pages: &pages,
        pfn_visible: true,
        by_child: false,
    };
    let rows = draw(Some(measured), false, Lang::En);
    assert_eq!(cells(&rows, "pages"), ["F", "A", "·"]);
    // The page cache row: only page 0 is the file's and cached.
    assert_eq!(cells(&rows, "cache"), ["C", "·", "·"]);
    let legend = rows
        .iter()
        .find(|r| r.starts_with("F the file's page"))
        .unwrap();
    assert!(legend.contains("A a private copy") && legend.contains("· not in memory"));
    // Only the glyphs drawn are explained.
    assert!(!legend.contains("S shared") && !legend.contains("swapped"));
    // ASCII: a dot, not the middle dot; Chinese labels and legend.
    let rows = draw(Some(measured), true, Lang::Zh);
    assert_eq!(cells(&rows, "页面"), ["F", "A", "."]);
    assert!(rows.iter().any(|r| r.starts_with("F 文件的页")));
}

#[test]
fn the_zero_page_draws_0_and_the_legend_names_it() {
    let pages = [state(0, '0', None, None), state(1, 'S', None, None)];
    let measured = Measured {
        pages: &pages,
        pfn_visible: false,
        by_child: false,
    };
    for (ascii, lang, pages_label, zero, shared) in [
        (false, Lang::En, "pages", "0 the zero page", "S shared"),
        (true, Lang::En, "pages", "0 the zero page", "S shared"),
        (false, Lang::Zh, "页面", "0 零页", "S 共享"),
    ] {
        let rows = draw(Some(measured), ascii, lang);
        assert_eq!(cells(&rows, pages_label), ["0", "S"]);
        assert!(
            rows.iter().any(|r| r.contains(zero) && r.contains(shared)),
            "{rows:#?}"
        );
        assert!(!rows.iter().any(|r| r.contains("cannot tell")), "{rows:#?}");
    }
    // A kernel without PAGEMAP_SCAN: the same bits stay S, and the legend says that
    // S may be the zero page, not that it is not.
    let unknown = [PageState {
        zero_page: None,
        ..state(0, 'S', None, None)
    }];
    let m = Measured {
        pages: &unknown,
        pfn_visible: false,
        by_child: false,
    };
    let rows = draw(Some(m), false, Lang::En);
    assert_eq!(cells(&rows, "pages"), ["S"]);
    assert!(
        rows.iter()
            .any(|r| r.contains("S shared (or the zero page: this kernel cannot tell)")),
        "{rows:#?}"
    );
    let rows = draw(Some(m), false, Lang::Zh);
    assert!(rows.iter().any(|r| r.contains("也可能是零页")), "{rows:#?}");
}

#[test]
fn two_processes_get_a_row_each_and_frames_compare_where_visible() {
    let pages = [
        state(0, 'S', Some("parent"), Some(7)),
        state(1, 'A', Some("parent"), Some(8)),
        state(0, 'S', Some("child"), Some(7)),
        state(1, 'A', Some("child"), Some(9)),
    ];
    let visible = Measured {
        pages: &pages,
        pfn_visible: true,
        by_child: false,
    };
    let rows = draw(Some(visible), false, Lang::En);
    assert_eq!(cells(&rows, "parent"), ["S", "A"]);
    assert_eq!(cells(&rows, "child"), ["S=", "A≠"]);
    assert!(rows
        .iter()
        .any(|r| r.contains("= the child's page is the parent's frame")));
    let rows = draw(Some(visible), true, Lang::En);
    assert_eq!(cells(&rows, "child"), ["S=", "A!"]);
    // Without CAP_SYS_ADMIN every frame reads as 0: the record has none, and the map
    // says why it cannot compare.
    let hidden: Vec<PageState> = pages
        .iter()
        .map(|p| PageState {
            pfn: None,
            ..p.clone()
        })
        .collect();
    let m = Measured {
        pages: &hidden,
        pfn_visible: false,
        by_child: false,
    };
    let rows = draw(Some(m), false, Lang::En);
    assert_eq!(cells(&rows, "child"), ["S", "A"]);
    assert!(
        rows.iter().any(|r| r.contains("without CAP_SYS_ADMIN")),
        "{rows:#?}"
    );
    let rows = draw(Some(m), false, Lang::Zh);
    assert!(rows
        .iter()
        .any(|r| r.contains("CAP_SYS_ADMIN 时页框号读作 0")));
}

/// The frames' note is drawn where a frame is compared (a child's page beside a parent's
/// present one), not at a step whose rows hold no `=`/`≠`; without room for its row, the
/// legend reads the mark. The legend names the page cache's `C` only with the cache's row.
#[test]
fn the_frames_note_and_the_cache_word_come_with_what_they_read() {
    // The child's first store: its own copy beside the parent's empty page table.
    let store = [
        state(0, '·', Some("parent"), None),
        state(0, 'A', Some("child"), Some(9)),
    ];
    let m = Measured {
        pages: &store,
        pfn_visible: true,
        by_child: false,
    };
    let rows = draw(Some(m), false, Lang::En);
    assert_eq!(cells(&rows, "child"), ["A"]);
    assert!(!rows.iter().any(|r| r.contains("frame")), "{rows:#?}");
    // Both map one frame: compared; with 5 rows, no room for the note's own row.
    let shared = [
        state(0, 'S', Some("parent"), Some(7)),
        state(0, 'S', Some("child"), Some(7)),
    ];
    let m = Measured {
        pages: &shared,
        pfn_visible: true,
        by_child: false,
    };
    let rows = draw_in(Some(m), false, Lang::En, 4);
    assert_eq!(cells(&rows, "child"), ["S="]);
    assert!(
        rows.iter().any(|r| r.contains("= same frame, ≠ another")),
        "{rows:#?}"
    );
    let rows = draw_in(Some(m), false, Lang::Zh, 4);
    assert!(
        rows.iter().any(|r| r.contains("= 与父进程同一页框")),
        "{rows:#?}"
    );
    // A file page in the cache: its row and its word at 8 rows, neither at 3.
    let file = [state(0, 'F', None, None)];
    let m = Measured {
        pages: &file,
        pfn_visible: false,
        by_child: false,
    };
    let rows = draw(Some(m), false, Lang::En);
    assert!(rows.iter().any(|r| r.contains("cache C")), "{rows:#?}");
    let rows = draw_in(Some(m), false, Lang::En, 3);
    assert!(!rows.iter().any(|r| r.contains("cache")), "{rows:#?}");
    assert!(
        rows.iter().any(|r| r.contains("F the file's page")),
        "{rows:#?}"
    );
}

/// Where only one process's row fits (presenter mode at 80×24), it is that of the process
/// that made the step: the child's store shows the child's copy, not the parent's untouched
/// page. With room for both, the parent's row comes first either way.
#[test]
fn a_short_pane_keeps_the_row_of_the_process_that_made_the_step() {
    let pages = [
        state(0, '·', Some("parent"), None),
        state(0, 'A', Some("child"), None),
    ];
    let by = |by_child| Measured {
        pages: &pages,
        pfn_visible: false,
        by_child,
    };
    let rows = draw_in(Some(by(true)), false, Lang::En, 2);
    assert!(rows.iter().any(|r| r.starts_with("child")), "{rows:#?}");
    assert!(!rows.iter().any(|r| r.starts_with("parent")), "{rows:#?}");
    let rows = draw_in(Some(by(false)), false, Lang::En, 2);
    assert!(rows.iter().any(|r| r.starts_with("parent")), "{rows:#?}");
    let rows = draw_in(Some(by(true)), false, Lang::En, 8);
    let at = |who: &str| rows.iter().position(|r| r.starts_with(who));
    assert!(
        at("parent") < at("child") && at("parent").is_some(),
        "{rows:#?}"
    );
}
