//! Registers every scenario: each `src/catalog/<name>.rs` (except `mod.rs`) becomes a module,
//! and its two lessons `assets/lessons/{en,zh}/<id>.md` (id = name with `-` for `_`) are
//! embedded. Adding a scenario is adding that file and its two lessons; nothing else changes.
//! A missing lesson is a build error, so no scenario can ship in one language only.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let catalog = root.join("src/catalog");
    let lessons = root.join("../assets/lessons");
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
    out.push_str(
        "/// Every scenario with its lessons, in file-name order (sort by `order` to show).\n",
    );
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
