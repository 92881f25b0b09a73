//! The reports a student pastes into notes: the Markdown of `run --format md` (kept by
//! snapshots, from recorded runs so the kernel's addresses do not change them) and the text
//! of `run`, which fits a terminal's width when it has one.

use mmap_lab::report::{self, Marks};
use mmap_lab_engine::{catalog, Lang, Params, Record, Scenario};

fn fixture(id: &str) -> (&'static Scenario, Params, Record) {
    let path = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", id]
        .iter()
        .collect::<std::path::PathBuf>()
        .with_extension("json");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let record: Record = serde_json::from_str(&text).expect("a record");
    let scenario = catalog::find(id).expect("a scenario");
    // The knobs the record ran with, applied as `--set`s.
    let sets: Vec<String> = record
        .params
        .iter()
        .filter(|(k, _)| scenario.keys.iter().any(|key| key.name() == k.as_str()))
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect();
    let params = mmap_lab_engine::prepare(scenario, &sets).expect("the record's own parameters");
    (scenario, params, record)
}

#[test]
fn markdown_reports() {
    for (id, lang) in [
        ("unaligned-offset", Lang::En),
        ("out-of-bounds", Lang::En),
        ("munmap-shifted-pointer", Lang::Zh),
    ] {
        let (scenario, params, record) = fixture(id);
        let md = mmap_lab::markdown::report(scenario, &params, &record, lang);
        // The version changes with every release; the rest must not.
        let md = md.replace(env!("CARGO_PKG_VERSION"), "VERSION");
        insta::assert_snapshot!(format!("{id}_{}", lang.code()), md);
    }
}

#[test]
fn markdown_tables_escape_pipes_and_every_step_is_numbered() {
    let (scenario, params, record) = fixture("out-of-bounds");
    let md = mmap_lab::markdown::report(scenario, &params, &record, Lang::En);
    assert!(md.contains("`PROT_READ\\|PROT_WRITE`"), "{md}");
    // The experiment's steps are numbered 1, 2, 3… without a gap; the lab's bookkeeping (its
    // `/proc/self/maps` captures) is listed under the step before it, without a number.
    let numbered = record
        .run
        .steps
        .iter()
        .filter(|s| !s.is_bookkeeping())
        .count();
    assert!(
        numbered < record.run.steps.len(),
        "the fixture has a capture"
    );
    for i in 1..=numbered {
        assert!(md.contains(&format!("\n{i}. `")), "step {i} in {md}");
    }
    assert!(!md.contains(&format!("\n{}. `", numbered + 1)), "{md}");
    assert!(
        md.contains("   <br>`read(\"/proc/self/maps\")` → `"),
        "{md}"
    );
    assert!(
        md.contains("```text\n"),
        "maps lines in a fenced block: {md}"
    );
}

#[test]
fn text_fits_the_terminal_and_keeps_results_beside_their_calls() {
    for id in ["out-of-bounds", "munmap-shifted-pointer", "mmap-copy"] {
        let (scenario, params, record) = fixture(id);
        for lang in [Lang::En, Lang::Zh] {
            for width in [60, 80] {
                let text = report::record_text_fit(
                    scenario,
                    &params,
                    &record,
                    lang,
                    Some(width),
                    Marks::UNICODE,
                );
                // Everything but the kernel's own maps lines fits.
                let body = text.split("\n\n/proc").next().unwrap_or(&text);
                let body = body.split("/proc/self/maps").next().unwrap_or(body);
                for line in body.lines() {
                    assert!(
                        mmap_lab_engine::lesson::width(line) <= width,
                        "{id} {lang:?} at {width}: {line:?} is {} wide",
                        mmap_lab_engine::lesson::width(line)
                    );
                }
                // Each step's result is on the last line of its call, with ` = `.
                let steps = report::step_lines(&record, lang, Some(width));
                let results = steps.iter().filter(|l| l.contains(" = ")).count();
                assert!(results >= record.run.steps.len(), "{id}: {steps:#?}");
            }
        }
    }
}

#[test]
fn text_without_a_terminal_is_not_padded_beyond_its_contents() {
    let (scenario, params, record) = fixture("out-of-bounds");
    let text = report::record_text(scenario, &params, &record, Lang::En);
    for line in text.lines() {
        assert_eq!(line, line.trim_end(), "trailing spaces: {line:?}");
    }
}

#[test]
fn human_units() {
    assert_eq!(report::bytes_text(67108864).as_deref(), Some("64 MiB"));
    assert_eq!(report::bytes_text(1536).as_deref(), Some("1.5 KiB"));
    assert_eq!(report::bytes_text(-4096).as_deref(), Some("-4 KiB"));
    assert_eq!(report::bytes_text(1000), None);
    assert_eq!(report::duration_text(468_000_000), "468 ms");
    assert_eq!(report::duration_text(930_000), "930 µs");
    assert_eq!(report::duration_text(1_250_000_000), "1.25 s");
}

/// A page as the record has it (the fixtures were recorded before pages were read).
fn page(
    n: i64,
    process: &str,
    (present, file, exclusive): (bool, bool, bool),
    pfn: Option<u64>,
) -> mmap_lab_engine::engine::pages::PageState {
    mmap_lab_engine::engine::pages::PageState {
        page: n,
        addr: 0x7f00_0000_0000 + n as u64 * 4096,
        present,
        swapped: false,
        file,
        exclusive,
        soft_dirty: false,
        pfn,
        cached: Some(true),
        zero_page: Some(false),
        process: Some(process.to_string()),
    }
}

/// Each step's page state is one compact line under it, in the text and in the Markdown,
/// in both languages, with the legend once: a glyph per page and process, the child's
/// frame compared with the parent's, the mapping's resident size.
#[test]
fn a_steps_page_state_is_one_compact_line_in_both_languages() {
    let (scenario, params, mut record) = fixture("private-cow-fork");
    let absent = (false, false, false);
    let fork = &mut record.run.steps[3];
    fork.pages = vec![
        page(0, "parent", (true, false, false), Some(0x10)),
        page(1, "parent", absent, None),
        page(0, "child", (true, false, false), Some(0x10)),
        page(1, "child", absent, None),
    ];
    let store = &mut record.run.steps[4];
    store.pages = vec![
        page(0, "child", (true, false, true), Some(0x22)),
        page(1, "child", absent, None),
    ];
    store.smaps = Some(mmap_lab_engine::engine::pages::Smaps {
        rss: 4096,
        ..Default::default()
    });
    let load = &mut record.run.steps[8];
    load.pages = vec![page(0, "parent", (true, true, true), Some(0x33))];
    let text = report::record_text(scenario, &params, &record, Lang::En);
    for want in [
        "↳ pages: parent S · | child S= ·",
        "↳ pages: child A ·  RSS 4 KiB",
        "↳ pages: parent F",
        "F the file's page, A a private copy",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    assert_eq!(text.matches("F the file's page").count(), 1, "{text}");
    let zh = report::record_text(scenario, &params, &record, Lang::Zh);
    for want in [
        "↳ 页面：父进程 S · | 子进程 S= ·",
        "↳ 页面：子进程 A ·  RSS 4 KiB",
        "F 文件的页",
    ] {
        assert!(zh.contains(want), "{want}\n{zh}");
    }
    let md = mmap_lab::markdown::report(scenario, &params, &record, Lang::En);
    assert!(md.contains("<br>`pages: child A ·  RSS 4 KiB`"), "{md}");
    assert!(md.contains("F the file's page"), "{md}");
    // Where the frames differ, the child's page says so.
    record.run.steps[3].pages[2].pfn = Some(0x11);
    let text = report::record_text(scenario, &params, &record, Lang::En);
    assert!(text.contains("child S≠ ·"), "{text}");
    // A record without pages (the witness off) prints neither lines nor legend.
    let (scenario, params, mut record) = fixture("private-cow-fork");
    for step in &mut record.run.steps {
        step.pages.clear();
        step.smaps = None;
    }
    let text = report::record_text(scenario, &params, &record, Lang::En);
    assert!(
        !text.contains("pages:") && !text.contains("the file's page"),
        "{text}"
    );
}
