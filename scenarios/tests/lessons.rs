//! The lessons only suggest what the lab accepts: every `mmap-lab run ID --set …` they quote
//! names a real scenario and `--set` values that scenario takes. And each suggestion, run,
//! gives an outcome (the kernel decides which; the lesson text says what to expect). Each
//! command of a lesson's "Try next" is one of the catalogue's variants of the scenario it
//! names, so the outcome it promises is tested (`defaults.rs`, and the root crate's `tests/agreement.rs`).

mod common;

use mmap_lab_engine::{catalog, lesson, prepare, Lang};

/// Split a quoted command line like a shell would, for the simple quoting lessons use.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn every_command_a_lesson_suggests_is_valid() {
    let mut checked = 0;
    for scenario in catalog::all() {
        for lang in [Lang::En, Lang::Zh] {
            let text = scenario.lesson(lang).text;
            for quoted in text.split('`').skip(1).step_by(2) {
                let Some(rest) = quoted.strip_prefix("mmap-lab ") else {
                    continue;
                };
                let w = words(rest);
                match w.first().map(String::as_str) {
                    Some("run") | Some("c") => {}
                    Some("explain") | Some("list") => continue,
                    other => panic!(
                        "{} {lang:?}: unknown subcommand {other:?} in `{quoted}`",
                        scenario.id
                    ),
                }
                let id = w.get(1).map(String::as_str).unwrap_or_default();
                let target = catalog::find(id).unwrap_or_else(|| {
                    panic!("{} {lang:?}: no scenario `{id}` in `{quoted}`", scenario.id)
                });
                let mut sets = Vec::new();
                let mut it = w.iter().skip(2);
                while let Some(arg) = it.next() {
                    match arg.as_str() {
                        "--set" => sets.push(it.next().cloned().unwrap_or_default()),
                        "--json" | "--lang" | "zh" | "en" => {}
                        other => panic!(
                            "{} {lang:?}: unexpected `{other}` in `{quoted}`",
                            scenario.id
                        ),
                    }
                }
                if let Err(e) = prepare(target, &sets) {
                    panic!("{} {lang:?}: `{quoted}` is refused: {e}", scenario.id);
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} commands found in the lessons"
    );
}

/// The page size the lessons' texts are written for: they quote x86_64's numbers (`4096`,
/// `8192`, `16385`), while variants declare `{page}` placeholders; a quoted command is
/// compared with the variants filled in for this size.
const LESSON_PAGE: u64 = 4096;

#[test]
fn every_command_to_try_next_is_a_declared_variant() {
    let mut checked = 0;
    let mut strays = Vec::new();
    for scenario in catalog::all() {
        for lang in [Lang::En, Lang::Zh] {
            let lesson = scenario.lesson(lang);
            let heading = lesson::headings(lang)[5];
            let Some(body) = lesson.section(heading) else {
                strays.push(format!("{} {lang:?}: no section `{heading}`", scenario.id));
                continue;
            };
            for quoted in body.split('`').skip(1).step_by(2) {
                let Some(rest) = quoted.strip_prefix("mmap-lab ") else {
                    continue;
                };
                let w = words(rest);
                if !matches!(w.first().map(String::as_str), Some("run" | "c")) {
                    continue;
                }
                // A command may quote another scenario: it counts against that one's variants.
                let id = w.get(1).map(String::as_str).unwrap_or_default();
                let Some(target) = catalog::find(id) else {
                    strays.push(format!(
                        "{} {lang:?}: no scenario `{id}` in `{quoted}`",
                        scenario.id
                    ));
                    continue;
                };
                let mut sets = Vec::new();
                let mut it = w.iter().skip(2);
                while let Some(arg) = it.next() {
                    if arg == "--set" {
                        sets.push(it.next().cloned().unwrap_or_default());
                    }
                }
                sets.sort();
                // No `--set` at all is the scenario's defaults, which it always declares.
                let declared = sets.is_empty()
                    || target.variants.iter().any(|v| {
                        let mut vs = v.sets(LESSON_PAGE);
                        vs.sort();
                        vs == sets
                    });
                if !declared {
                    strays.push(format!(
                        "{} {lang:?}: `{quoted}` is not a declared variant of `{}`: add \
                         `Variant {{ sets: &{sets:?}, expect: … }}` to its catalogue file \
                         (with `{{page}}` for page-sized values), or change the lesson",
                        scenario.id, target.id
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(strays.is_empty(), "{}", strays.join("\n"));
    assert!(
        checked >= 60,
        "only {checked} commands found in the lessons' Try next"
    );
}

/// After a run, a lesson points at what the page map proved: its after-run section ("What
/// this experiment shows") names every glyph the page map draws for the scenario's own run
/// (`F`, `A`, `S`, `·`: the pages the kernel reported after each step), quoted, in both
/// languages. A run as the lab does it, so a kernel that reports other pages shows here.
#[test]
fn the_after_run_section_names_the_page_states_the_run_shows() {
    use mmap_lab_engine::pagemap::PageLook;
    let ids = [
        "private-cow-fork",
        "write-vs-mapping",
        "madvise-dontneed",
        "truncate-after-mmap",
        "mremap-grow",
        "out-of-bounds",
        "empty-new-file",
        "close-after-mmap",
    ];
    let mut missing = Vec::new();
    for id in ids {
        let record = common::run(id, &[]);
        let mut glyphs: Vec<char> = record
            .run
            .steps
            .iter()
            .flat_map(|s| &s.pages)
            .map(|p| PageLook::of(p).glyph('·'))
            .collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        if glyphs.is_empty() {
            // The witness is off here (tracing refused): no pages to compare.
            eprintln!("{id}: no pages in the record, skipped");
            continue;
        }
        let scenario = catalog::find(id).unwrap();
        for lang in [Lang::En, Lang::Zh] {
            let lesson = scenario.lesson(lang);
            let section = lesson
                .section(lesson::headings(lang)[3])
                .unwrap_or_default();
            for g in &glyphs {
                if !section.contains(&format!("`{g}`")) {
                    missing.push(format!("{id} ({}): `{g}`", lang.code()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "glyphs the run draws, not named: {missing:?}"
    );
}
