//! The JSON contract in the repository: `docs/schema/*.schema.json` are generated from the
//! types of `mmap_lab::schema`, and the real binary's `list --json` and `run --json` output
//! must validate against them. Either failing names what to do:
//!
//! ```sh
//! MMAP_LAB_UPDATE_SCHEMA=1 cargo test --test json_schema   # regenerate docs/schema/
//! ```
//!
//! The validator below covers what schemars emits (`$ref` into `$defs`, `type`, `properties`,
//! `required`, `additionalProperties`, `items`, `enum`, `const`, `oneOf`/`anyOf`, numeric
//! `minimum`); a general JSON Schema crate would pull in far more than this test needs.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "docs", "schema"]
        .iter()
        .collect()
}

#[test]
fn the_committed_schema_is_the_one_the_types_generate() {
    let update = std::env::var_os("MMAP_LAB_UPDATE_SCHEMA").is_some_and(|v| !v.is_empty());
    let mut stale = Vec::new();
    for (name, text) in mmap_lab::schema::files() {
        let path = schema_dir().join(name);
        if update {
            std::fs::create_dir_all(schema_dir()).expect("docs/schema can be made");
            std::fs::write(&path, &text).expect("docs/schema is writable");
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != text {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale JSON Schema: {}\nregenerate with: MMAP_LAB_UPDATE_SCHEMA=1 cargo test --test json_schema",
        stale.join(", ")
    );
}

fn lab(args: &[&str]) -> Value {
    let out = Command::cargo_bin("mmap-lab")
        .expect("the binary is built")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The committed schema; while regenerating, the generated one (the file may be being written
/// by the test above).
fn schema(name: &str) -> Value {
    let text = if std::env::var_os("MMAP_LAB_UPDATE_SCHEMA").is_some_and(|v| !v.is_empty()) {
        mmap_lab::schema::files()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| text)
            .expect("a generated schema")
    } else {
        std::fs::read_to_string(schema_dir().join(name)).expect("a committed schema")
    };
    serde_json::from_str(&text).expect("the schema is JSON")
}

#[test]
fn every_json_output_validates_against_the_committed_schema() {
    let run = schema("run.schema.json");
    let list = schema("list.schema.json");
    let progress = schema("progress.schema.json");
    let mut problems = Vec::new();
    // The whole array, as printed: the schema describes the output, not one item of it.
    validate(
        &list,
        &list,
        &lab(&["list", "--json"]),
        "list",
        &mut problems,
    );
    let state = tempfile::tempdir().expect("a state directory");
    let file = state.path().join("state.json");
    let file = file.to_str().expect("UTF-8");
    std::fs::write(
        file,
        r#"{"last_scenario": "zero-length", "scenarios": {"zero-length": {"runs": 2}}}"#,
    )
    .expect("a state file");
    for args in [
        &["progress", "--json", "--state", file][..],
        &["progress", "--json", "--state", "/nonexistent/state.json"],
    ] {
        let out = lab(args);
        assert_eq!(out["schema"], 1, "{args:?}");
        validate(&progress, &progress, &out, &args.join(" "), &mut problems);
    }
    let all = lab(&["run", "--all", "--json"]);
    for (i, record) in all.as_array().expect("an array").iter().enumerate() {
        validate(
            &run,
            &run,
            record,
            &format!("run --all [{i}]"),
            &mut problems,
        );
    }
    // The contract checker's runs: a success, a signal, a copy, a private mapping, no access.
    for args in [
        &["run", "unaligned-offset", "--set", "offset=4096", "--json"][..],
        &["run", "empty-new-file", "--json"],
        &["run", "mmap-copy", "--set", "copy_size=1M", "--json"],
        &[
            "run",
            "anonymous-ipc",
            "--set",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "--json",
        ],
        &[
            "run",
            "anonymous-ipc",
            "--set",
            "sync=sleep",
            "--set",
            "repeat=3",
            "--json",
        ],
        &[
            "run",
            "playground",
            "--set",
            "file=anonymous",
            "--set",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "--set",
            "prot=PROT_NONE",
            "--set",
            "access=read@0",
            "--json",
        ],
        &["run", "3", "--format", "json"],
    ] {
        let record = lab(args);
        assert_eq!(record["schema"], 1, "{args:?}");
        assert_eq!(record["lab_version"], env!("CARGO_PKG_VERSION"), "{args:?}");
        validate(&run, &run, &record, &args.join(" "), &mut problems);
    }
    assert!(
        problems.is_empty(),
        "output and docs/schema disagree (describe new fields in src/schema.rs, then \
         MMAP_LAB_UPDATE_SCHEMA=1 cargo test --test json_schema):\n{}",
        problems.join("\n")
    );
}

/// The validator can fail: a record with an extra field, a missing one, a wrong type.
#[test]
fn the_validator_rejects_what_the_schema_does_not_allow() {
    let run = schema("run.schema.json");
    let mut record = lab(&["run", "zero-length", "--json"]);
    let mut problems = Vec::new();
    validate(&run, &run, &record, "ok", &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    // A field no outcome kind has, or a name the lab cannot print, each alone.
    for (what, change) in [
        ("an unknown field in the outcome", ["outcome", "surprise"]),
        ("an errno the lab cannot print", ["outcome", "errno"]),
        ("a function the lab cannot call", ["outcome", "call"]),
    ] {
        let mut bad = record.clone();
        bad[change[0]][change[1]] = "EWHATEVER".into();
        let mut found = Vec::new();
        validate(&run, &run, &bad, "bad", &mut found);
        assert!(!found.is_empty(), "{what} passed: {}", bad[change[0]]);
    }
    record["surprise"] = 1.into();
    record["page_size"] = "4096".into();
    record.as_object_mut().expect("object").remove("steps");
    record["outcome"]["kind"] = "maybe".into();
    validate(&run, &run, &record, "bad", &mut problems);
    let text = problems.join("\n");
    for what in ["surprise", "page_size", "steps", "outcome"] {
        assert!(text.contains(what), "{what} not reported: {text}");
    }
}

/// `docs/json.md`'s example is a real record, abridged: it validates against the schema, it
/// shows every field a real run of its command has (the steps' fields the page says it leaves
/// out aside), and every field it shows is in that real record with the same value, or the
/// same type where the machine or the moment decides the value.
#[test]
fn json_md_example_is_a_real_record_abridged() {
    let doc = std::fs::read_to_string(
        [env!("CARGO_MANIFEST_DIR"), "docs", "json.md"]
            .iter()
            .collect::<PathBuf>(),
    )
    .expect("docs/json.md");
    let example = doc
        .split("## Example")
        .nth(1)
        .and_then(|rest| rest.split("```json\n").nth(1))
        .and_then(|rest| rest.split("\n```").next())
        .expect("docs/json.md has an example in a json block under ## Example");
    let example: Value = serde_json::from_str(example).expect("the example is JSON");
    let real = lab(&["run", "unaligned-offset", "--json"]);
    let run = schema("run.schema.json");
    let mut problems = Vec::new();
    validate(&run, &run, &example, "example", &mut problems);
    let witness_on = real["witness"] == "on";
    compare(&example, &real, "", witness_on, &mut problems);
    // Every field of the real record is shown (the page names what it leaves out of a step).
    let fields = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    for name in fields(&real) {
        if example.get(&name).is_none() {
            problems.push(format!("the example lacks the real record's `{name}`"));
        }
    }
    for (i, step) in real["steps"].as_array().into_iter().flatten().enumerate() {
        for name in fields(step) {
            let abridged = ["faults", "pages", "smaps", "touched"].contains(&name.as_str());
            if !abridged && example["steps"][i].get(&name).is_none() {
                problems.push(format!("the example's steps[{i}] lacks `{name}`"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "docs/json.md's example and `run unaligned-offset --json` disagree:\n{}",
        problems.join("\n")
    );
}

/// Every leaf of `example` is in `real` at the same place: the same value, or the same type
/// under a field whose value the machine or the moment decides.
fn compare(example: &Value, real: &Value, at: &str, witness_on: bool, problems: &mut Vec<String>) {
    const MEASURED: [&str; 7] = [
        "environment",
        "witness",
        "own_regions",
        "args",
        "fs_free_bytes",
        "elapsed_us",
        "child_max_rss_kib",
    ];
    let measured = MEASURED
        .iter()
        .any(|m| at.split(['.', '[']).any(|part| part == *m));
    match (example, real) {
        (Value::Object(e), Value::Object(r)) => {
            for (name, value) in e {
                let here = format!("{at}.{name}");
                match r.get(name) {
                    Some(real) => compare(value, real, &here, witness_on, problems),
                    None if !witness_on && ["syscalls", "answered_by"].contains(&name.as_str()) => {
                    }
                    None if measured => {}
                    None => problems.push(format!("{here}: not in the real record")),
                }
            }
        }
        (Value::Array(e), Value::Array(r)) => {
            if e.len() > r.len() {
                problems.push(format!(
                    "{at}: {} items, the real record {}",
                    e.len(),
                    r.len()
                ));
            }
            for (i, (value, real)) in e.iter().zip(r).enumerate() {
                compare(value, real, &format!("{at}[{i}]"), witness_on, problems);
            }
        }
        (e, r) if measured => {
            if std::mem::discriminant(e) != std::mem::discriminant(r) {
                problems.push(format!("{at}: {e} and the real {r} differ in type"));
            }
        }
        (e, r) => {
            if e != r {
                problems.push(format!("{at}: the example says {e}, the real record {r}"));
            }
        }
    }
}

/// Check `value` against `schema` (resolving `$ref` in `root`), pushing one line per problem.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if schema == &Value::Bool(true) {
        return;
    }
    if let Some(options) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
        let fits = options.as_array().into_iter().flatten().any(|option| {
            let mut inner = Vec::new();
            validate(root, option, value, at, &mut inner);
            inner.is_empty()
        });
        if !fits {
            problems.push(format!("{at}: {value} matches none of the alternatives"));
        }
    }
    if let Some(expected) = schema.get("const") {
        if expected != value {
            problems.push(format!("{at}: {value} is not {expected}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.iter().any(|t| has_type(value, t)) {
            problems.push(format!("{at}: {value} is not of type {types:?}"));
            return;
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n < min {
            problems.push(format!("{at}: {n} is below {min}"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                problems.push(format!("{at}: required field `{name}` is missing"));
            }
        }
        for (name, field) in object {
            let here = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => validate(root, sub, field, &here, problems),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        problems.push(format!("{here}: field `{name}` is not in the schema"))
                    }
                    Some(extra @ Value::Object(_)) => validate(root, extra, field, &here, problems),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            validate(root, items, item, &format!("{at}[{i}]"), problems);
        }
    }
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            resolve(root, root.pointer(pointer).unwrap_or(&Value::Bool(true)))
        }
        None => schema,
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        _ => true,
    }
}

/// The values `docs/json.md` names for a field are every value the lab can print there: the
/// schema derives them from the lab's own enums, so a new value fails here until the reader's
/// page names it too.
#[test]
fn json_md_names_every_value_of_the_labs_enums() {
    use mmap_lab_engine::catalog::Topic;
    use mmap_lab_engine::engine::environment::Capability;
    use mmap_lab_engine::engine::record::AnsweredBy;
    use mmap_lab_engine::engine::regions::Region;
    use mmap_lab_engine::engine::signals::HitKind;
    use mmap_lab_engine::engine::{Purpose, WarningKind};
    let doc = std::fs::read_to_string(
        [env!("CARGO_MANIFEST_DIR"), "docs", "json.md"]
            .iter()
            .collect::<PathBuf>(),
    )
    .expect("docs/json.md");
    // Every `const` and `enum` string of a schema: the values of an enum, however schemars
    // spells it.
    fn values(schema: schemars::Schema) -> Vec<String> {
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(Value::String(c)) = o.get("const") {
                        out.push(c.clone());
                    }
                    for e in o
                        .get("enum")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        out.extend(e.as_str().map(str::to_string));
                    }
                    o.values().for_each(|v| walk(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&schema.to_value(), &mut out);
        out
    }
    // The line of the page that describes the field, and the enum printed there.
    for (line, all) in [
        ("| `purpose` |", values(schemars::schema_for!(Purpose))),
        (
            "| `answered_by` |",
            values(schemars::schema_for!(AnsweredBy)),
        ),
        ("| `topic` |", values(schemars::schema_for!(Topic))),
        ("| `touched` |", values(schemars::schema_for!(Region))),
        (
            "| `signal` | `signal` (",
            values(schemars::schema_for!(HitKind)),
        ),
        ("| `ok` |", values(schemars::schema_for!(WarningKind))),
        (
            "| `privileged_by` |",
            values(schemars::schema_for!(Capability)),
        ),
        (
            "`order`, `stage` (",
            values(schemars::schema_for!(mmap_lab::progress::Stage)),
        ),
    ] {
        assert!(all.len() > 1, "{line}: {all:?}");
        let row = doc
            .lines()
            .find(|l| l.contains(line))
            .unwrap_or_else(|| panic!("docs/json.md has no line with {line}"));
        for v in all {
            assert!(
                row.contains(&format!("`{v}`")),
                "docs/json.md's line with {line} lacks `{v}`"
            );
        }
    }
}
