//! What `cargo install` and `cargo package` rely on, checked where a student would hit it:
//!
//! - `rust-version` promises a toolchain; it must be at least what every dependency that
//!   is built asks for (read from `cargo metadata`);
//! - each package must contain every file its build reads (the lessons and the C template
//!   that the engine (`mmap-lab-engine`) embeds, through `scenarios/assets`, a link to the top-level `assets/`),
//!   or it builds here and fails from crates.io. What a build reads comes from the build
//!   itself: rustc's dep-info files and the build script's `rerun-if-changed` lines.
//!
//! Both run cargo's read-only commands (`metadata`, `tree`, `package --list`) offline.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// `1.88` as `[1, 88, 0]`, so that it compares equal to `1.88.0`.
fn version(text: &str) -> Vec<u64> {
    let mut v: Vec<u64> = text.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    v.resize(3, 0);
    v
}

#[test]
fn rust_version_covers_every_dependency_that_is_built() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let ours = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("the workspace declares rust-version");

    let host = String::from_utf8(
        Command::new("rustc")
            .args(["-vV"])
            .output()
            .expect("rustc runs")
            .stdout,
    )
    .expect("UTF-8")
    .lines()
    .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
    .expect("rustc names its host");

    let metadata: Value = serde_json::from_str(&cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--offline",
        "--filter-platform",
        &host,
    ]))
    .expect("cargo metadata is JSON");
    // The lock file also lists optional dependencies of features nobody enables (ratatui's
    // termwiz backend pulls uuid, which asks for a newer Rust); `cargo tree` gives what is
    // really built on this platform (Linux only), normal, build and dev dependencies alike.
    let built: BTreeSet<String> = cargo(&[
        "tree",
        "--workspace",
        "--locked",
        "--offline",
        "--target",
        &host,
        "-e",
        "normal,build,dev",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ])
    .lines()
    .filter_map(|l| {
        let mut words = l.split_whitespace();
        Some(format!(
            "{} {}",
            words.next()?,
            words.next()?.trim_start_matches('v')
        ))
    })
    .collect();
    let mut needs: BTreeMap<Vec<u64>, Vec<String>> = BTreeMap::new();
    for p in metadata["packages"].as_array().expect("packages") {
        let (Some(name), Some(v)) = (p["name"].as_str(), p["version"].as_str()) else {
            continue;
        };
        if !built.contains(&format!("{name} {v}")) {
            continue;
        }
        if let Some(rv) = p["rust_version"].as_str() {
            needs
                .entry(version(rv))
                .or_default()
                .push(format!("{name} {v}"));
        }
    }
    assert!(
        built.len() > 50,
        "cargo tree listed the dependencies: {built:?}"
    );
    let (highest, who) = needs
        .iter()
        .next_back()
        .expect("some dependency declares one");
    assert!(
        version(ours) >= *highest,
        "rust-version = \"{ours}\" in Cargo.toml, but {} need {highest:?}: raise it",
        who.join(", ")
    );
}

/// The paths a crate's build read, from the newest dep-info file of its library and its
/// build script's `rerun-if-changed` lines (directories stand for every file inside).
fn files_read(crate_name: &str, marker: &str) -> Vec<PathBuf> {
    let exe = std::env::current_exe().expect("the test binary");
    let deps = exe.parent().expect("target/<profile>/deps");
    let newest = |dir: &Path, prefix: &str, file: Option<&str>, must: &str| -> Option<PathBuf> {
        let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .map(|e| match file {
                Some(f) => e.path().join(f),
                None => e.path(),
            })
            .filter(|p| {
                // Clippy's dep-info lists the manifest as an input of its own: not the build's.
                std::fs::read_to_string(p)
                    .is_ok_and(|t| t.contains(must) && !t.contains("env-dep:CLIPPY_ARGS"))
                    && (file.is_some() || p.extension().is_some_and(|x| x == "d"))
            })
            .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
            .collect();
        found.sort();
        found.pop().map(|(_, p)| p)
    };
    let mut paths = Vec::new();
    let dep_info = newest(deps, &format!("{crate_name}-"), None, marker)
        .unwrap_or_else(|| panic!("no dep-info of {crate_name} in {}", deps.display()));
    let text = std::fs::read_to_string(&dep_info).expect("dep-info");
    // `path:` alone on a line is one input of the compilation.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(path) = line.strip_suffix(':') {
            paths.push(PathBuf::from(path.replace("\\ ", " ")));
        }
    }
    let build = deps.parent().expect("target/<profile>").join("build");
    if let Some(output) = newest(
        &build,
        &format!("{crate_name}-"),
        Some("output"),
        "rerun-if",
    ) {
        let text = std::fs::read_to_string(output).expect("build script output");
        for line in text.lines() {
            let Some(path) = line
                .strip_prefix("cargo:rerun-if-changed=")
                .or_else(|| line.strip_prefix("cargo::rerun-if-changed="))
            else {
                continue;
            };
            let path = PathBuf::from(path);
            if path.is_dir() {
                let mut stack = vec![path];
                while let Some(dir) = stack.pop() {
                    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                        if e.path().is_dir() {
                            stack.push(e.path());
                        } else {
                            paths.push(e.path());
                        }
                    }
                }
            } else {
                paths.push(path);
            }
        }
    }
    paths
}

/// `a/src/../assets/x` as `a/assets/x`: rustc records paths as `include_str!` spelled them.
/// Lexical on purpose: `scenarios/assets` is a link, and what matters is the path cargo sees.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn each_package_contains_every_file_its_build_reads() {
    let target = root().join("target");
    let mut problems = Vec::new();
    for (package, dir, crate_name, marker) in [
        (
            "mmap-lab-engine",
            root().join("scenarios"),
            "mmap_lab_engine",
            "scenarios/src/lib.rs",
        ),
        ("mmap-lab", root(), "mmap_lab", "src/strings/mod.rs"),
    ] {
        let listed: BTreeSet<String> = cargo(&[
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            package,
        ])
        .lines()
        .map(str::to_string)
        .collect();
        let read = files_read(crate_name, marker);
        assert!(read.len() > 10, "{package}: inputs found: {read:?}");
        for path in read {
            let path = normalize(&root().join(path));
            // Generated files and other crates' sources are not ours to ship.
            if path.starts_with(&target) || !path.starts_with(root()) {
                continue;
            }
            // Not canonicalised: `scenarios/assets/…` is inside `scenarios/` through its link.
            let Ok(inside) = path.strip_prefix(&dir) else {
                problems.push(format!(
                    "{package}: its build reads {}, outside the package",
                    path.display()
                ));
                continue;
            };
            let inside = inside.to_string_lossy().to_string();
            if inside.split('/').any(|part| part == "..") {
                problems.push(format!(
                    "{package}: its build reads {inside}, outside the package"
                ));
            } else if !listed.contains(&inside) {
                problems.push(format!("{package}: `cargo package --list` lacks {inside}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
