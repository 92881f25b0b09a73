//! The documents a newcomer reads: every relative link in the READMEs, CONTRIBUTING.md and
//! `docs/` points to a file that exists, no document sends the reader to a file outside the
//! repository, and the README keeps the exact test command CI runs.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown files a reader of the repository meets: the top-level ones and all of `docs/`.
fn documents() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for name in [
        "README.md",
        "README.zh.md",
        "CONTRIBUTING.md",
        "CHANGELOG.md",
    ] {
        let path = root().join(name);
        assert!(path.is_file(), "{name} is missing");
        found.push(path);
    }
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The targets of the inline links `[text](target)` and images `![alt](target)` in `text`,
/// outside fenced code blocks, with the line each is on.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((n + 1, after[..end].to_string()));
            rest = &after[end..];
        }
    }
    out
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_relative_link_points_to_a_file_that_exists() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("a readable document");
        for (line, target) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let resolved = doc.parent().expect("a folder").join(file);
            checked += 1;
            if !resolved.exists() {
                broken.push(format!("{}:{line}: {target}", shown(&doc)));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the parser right?"
    );
    assert!(
        broken.is_empty(),
        "links to files that do not exist:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_link_parser_finds_links_and_skips_code() {
    let text = "see [a](docs/a.md) and ![b](b.svg)\n```\n[c](c.md)\n```\n[d](d.md#x)";
    let found: Vec<String> = links(text).into_iter().map(|(_, t)| t).collect();
    assert_eq!(found, ["docs/a.md", "b.svg", "d.md#x"]);
}

#[test]
fn no_document_cites_a_file_outside_the_repository() {
    // The design notes the lab started from are not part of the repository; a reader who is
    // sent to them finds nothing. What they fixed is written out in docs/cli.md.
    let mut found = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("a readable document");
        for (n, line) in text.lines().enumerate() {
            if line.contains("DESIGN.md") {
                found.push(format!("{}:{}: {line}", shown(&doc), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "cites DESIGN.md:\n{}", found.join("\n"));
}

#[test]
fn the_readme_keeps_the_test_command_ci_runs() {
    // CI runs the README's test command as written: it must stay exactly this one.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    assert!(
        readme.contains("```sh\ncargo test --workspace\n```"),
        "README.md no longer shows `cargo test --workspace` in a block of its own"
    );
}
