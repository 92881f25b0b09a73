//! The registry check (after rustlings' `dev check`): every scenario of the catalogue has what
//! the lab and its tests need, and the failure says which scenario lacks what: both lessons
//! with their six sections, at least one declared variant, a recorded run for the TUI tests
//! and every TUI snapshot. The lesson order and the lesson files themselves are checked when
//! the engine crate is built (`scenarios/build.rs`).

mod tui_support;

use mmap_lab_engine::{catalog, lesson, Lang};
use std::path::PathBuf;
use tui_support::SIZES;

/// What `scenario` lacks, one phrase each.
fn lacks(scenario: &mmap_lab_engine::Scenario) -> Vec<String> {
    let mut lacks = Vec::new();
    for lang in [Lang::En, Lang::Zh] {
        let lesson = scenario.lesson(lang);
        let file = format!("assets/lessons/{}/{}.md", lang.code(), scenario.id);
        for heading in lesson::headings(lang) {
            match lesson.section(heading) {
                None => lacks.push(format!("the section `## {heading}` in {file}")),
                Some("") => lacks.push(format!("text under `## {heading}` in {file}")),
                Some(_) => {}
            }
        }
    }
    if scenario.variants.is_empty() {
        lacks.push(format!(
            "a variant: declare the parameter sets its lesson suggests in \
             scenarios/src/catalog/{}.rs (`variants: &[Variant {{ sets: …, expect: … }}]`)",
            scenario.id.replace('-', "_")
        ));
    }
    let fixture = tui_support::fixture_path(scenario.id);
    if !fixture.exists() {
        lacks.push(format!(
            "a fixture tests/fixtures/{}.json (record it with \
             `cargo test --test tui_snapshots -- --ignored record_fixtures`)",
            scenario.id
        ));
    }
    let missing: Vec<String> = snapshot_names(scenario.id)
        .into_iter()
        .filter(|name| !snapshot_path(name).exists())
        .collect();
    if !missing.is_empty() {
        lacks.push(format!(
            "{} of its {} snapshots in tests/snapshots/ (draw and accept them with \
             `INSTA_UPDATE=always cargo test --test tui_snapshots`, or review the \
             `.snap.new` files with `cargo insta review`): {}",
            missing.len(),
            snapshot_names(scenario.id).len(),
            missing.join(", ")
        ));
    }
    lacks
}

/// The snapshots `tui_snapshots.rs` draws of scenario `id`: before and after its run, in both
/// languages, at every size.
fn snapshot_names(id: &str) -> Vec<String> {
    let mut names = Vec::new();
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in SIZES {
            for phase in ["before", "after"] {
                names.push(format!("{id}__{}_{w}x{h}_{phase}", lang.code()));
            }
        }
    }
    names
}

fn snapshot_path(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "snapshots"]
        .iter()
        .collect::<PathBuf>()
        .join(format!("{name}.snap"))
}

#[test]
fn every_scenario_has_its_lessons_variants_fixture_and_snapshots() {
    let all = catalog::all();
    assert_eq!(
        all.len(),
        catalog::ORDER.len(),
        "build.rs registers exactly the scenarios of ORDER"
    );
    let report: Vec<String> = all
        .iter()
        .filter_map(|s| {
            let lacks = lacks(s);
            (!lacks.is_empty())
                .then(|| format!("scenario `{}` lacks:\n  - {}", s.id, lacks.join("\n  - ")))
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The check itself: a scenario with nothing but its declaration (no lessons, no variant, no
/// fixture, no snapshot) is reported as lacking each, so the check above can fail.
#[test]
fn the_check_names_what_a_bare_scenario_lacks() {
    let base = catalog::find("zero-length").expect("a scenario to copy");
    let bare = mmap_lab_engine::Scenario {
        id: "no-such-scenario",
        variants: &[],
        ..*base
    };
    let found = lacks(&bare);
    let text = found.join("\n");
    // Six sections in each language, a variant, a fixture, the snapshots.
    assert_eq!(found.len(), 15, "{text}");
    assert!(
        text.contains("`## Try next` in assets/lessons/en/no-such-scenario.md"),
        "{text}"
    );
    assert!(
        text.contains("`## 手册` in assets/lessons/zh/no-such-scenario.md"),
        "{text}"
    );
    assert!(text.contains("a variant"), "{text}");
    assert!(
        text.contains("tests/fixtures/no-such-scenario.json"),
        "{text}"
    );
    assert!(text.contains("12 of its 12 snapshots"), "{text}");
    assert!(text.contains("no-such-scenario__zh_60x18_after"), "{text}");
    // A complete scenario lacks nothing under the same check.
    assert_eq!(lacks(base), Vec::<String>::new());
}
