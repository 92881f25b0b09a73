//! Registers every scenario: each `src/catalog/<name>.rs` (except `mod.rs`) becomes a module,
//! and its two lessons `assets/lessons/{en,zh}/<id>.md` (id = name with `-` for `_`) are
//! embedded. Adding a scenario is adding that file, its two lessons and its id's line in the
//! lesson order (`ORDER` in `src/catalog/mod.rs`); nothing else changes.
//! A missing lesson is a build error, so no scenario can ship in one language only; so is a
//! file missing from `ORDER`, or an `ORDER` entry without a file, so no scenario is left out
//! of the lessons or listed without existing. Scenarios are registered in `ORDER`'s order.
//! It also finds out whether this machine has a C compiler and can trace (`strace`), so that
//! the tests needing them are reported as ignored, with the reason, where it cannot (the
//! program's own `build.rs` does the same for the tools its tests use).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

/// Whether `program args…` runs here and exits with status 0.
fn succeeds(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    println!("cargo:rerun-if-env-changed=PATH");
    let probes = [
        ("has_cc", succeeds("cc", &["--version"])),
        // strace present and allowed to trace (ptrace): the witness needs the same.
        (
            "has_strace",
            succeeds("strace", &["-o", "/dev/null", "true"]),
        ),
    ];
    for (name, holds) in probes {
        println!("cargo::rustc-check-cfg=cfg({name})");
        if holds {
            println!("cargo::rustc-cfg={name}");
        }
    }
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let catalog = root.join("src/catalog");
    let lessons = root.join("assets/lessons");
    println!("cargo:rerun-if-changed={}", catalog.display());
    println!("cargo:rerun-if-changed={}", lessons.display());

    let mut names: Vec<String> = fs::read_dir(&catalog)
        .expect("src/catalog exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".rs") && n != "mod.rs")
        .map(|n| n.trim_end_matches(".rs").to_string())
        .collect();
    names.sort();

    println!(
        "cargo:rerun-if-changed={}",
        catalog.join("mod.rs").display()
    );
    let order = read_order(&catalog.join("mod.rs"));
    for name in &names {
        let id = name.replace('_', "-");
        if !order.contains(&id) {
            panic!(
                "scenario file src/catalog/{name}.rs (id `{id}`) is not in the lesson order: \
                 add the line \"{id}\", to ORDER in src/catalog/mod.rs where it belongs"
            );
        }
    }
    for (i, id) in order.iter().enumerate() {
        if order[..i].contains(id) {
            panic!("`{id}` is twice in ORDER in src/catalog/mod.rs");
        }
        if !names.contains(&id.replace('-', "_")) {
            panic!(
                "ORDER in src/catalog/mod.rs lists `{id}`, but there is no scenario file \
                 src/catalog/{}.rs",
                id.replace('-', "_")
            );
        }
    }
    // Registered in lesson order, so `catalog::all()` needs no sorting.
    let names: Vec<String> = order.iter().map(|id| id.replace('-', "_")).collect();

    let mut out = String::new();
    for name in &names {
        let path = catalog.join(format!("{name}.rs"));
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "#[path = {:?}]\nmod {name};",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("/// Every scenario with its lessons, in lesson order (`ORDER`).\n");
    out.push_str("pub(crate) static REGISTERED: &[Entry] = &[\n");
    for name in &names {
        let id = name.replace('_', "-");
        let mut texts = Vec::new();
        for lang in ["en", "zh"] {
            let lesson = lessons.join(lang).join(format!("{id}.md"));
            println!("cargo:rerun-if-changed={}", lesson.display());
            if !lesson.exists() {
                panic!("scenario `{id}` has no lesson {}", lesson.display());
            }
            texts.push(format!("include_str!({:?})", lesson.display().to_string()));
        }
        writeln!(
            out,
            "    Entry {{ file_id: {id:?}, scenario: &{name}::SCENARIO, en: {}, zh: {} }},",
            texts[0], texts[1]
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("registry.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

/// The ids of `pub const ORDER: &[&str] = &[ … ];` in `mod.rs`, one quoted id per line as
/// `cargo fmt` leaves them. Read as text because a build script cannot import the crate it
/// builds; anything else in the list than quoted ids and comments is refused.
fn read_order(mod_rs: &std::path::Path) -> Vec<String> {
    const START: &str = "pub const ORDER: &[&str] = &[";
    let text = fs::read_to_string(mod_rs).expect("src/catalog/mod.rs exists");
    let Some(start) = text.find(START) else {
        panic!("src/catalog/mod.rs has no `{START}`: the lesson order must be declared there");
    };
    let mut ids = Vec::new();
    for line in text[start + START.len()..].lines() {
        let line = line.trim();
        if line.starts_with("];") {
            return ids;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let id = line
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix("\","))
            .filter(|id| !id.contains('"'));
        match id {
            Some(id) => ids.push(id.to_string()),
            None => panic!(
                "ORDER in src/catalog/mod.rs: cannot read `{line}`; write one \"id\", per line"
            ),
        }
    }
    panic!("ORDER in src/catalog/mod.rs has no closing `];`");
}
