//! The reports a student pastes into notes: the Markdown of `run --format md` (kept by
//! snapshots, from recorded runs so the kernel's addresses do not change them) and the text
//! of `run`, which fits a terminal's width when it has one.

use mmap_lab::report::{self, Marks};
use scenarios::{catalog, Lang, Params, Record, Scenario};

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
    let params = scenarios::prepare(scenario, &sets).expect("the record's own parameters");
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
    for i in 1..=record.run.steps.len() {
        assert!(md.contains(&format!("\n{i}. `")), "step {i} in {md}");
    }
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
                        scenarios::lesson::width(line) <= width,
                        "{id} {lang:?} at {width}: {line:?} is {} wide",
                        scenarios::lesson::width(line)
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
