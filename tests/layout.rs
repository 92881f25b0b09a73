//! The import graph between source files: which circles there are. A circle (file A uses
//! file B, which, through others, uses A) means neither can be read, changed or tested
//! without the other. There are none: each file uses only files below it, and a circle fails
//! here, listing which file uses which inside it (where to cut). docs/ARCHITECTURE.md draws
//! the layers: in the engine, the leaves (values, marks, wire, signals, regions…), then the
//! step families (`ops/`, each through `ops/family.rs` and `exec.rs`), the plan, the child,
//! the record's room (`record/`: model, then findings, then build), the page reader and the
//! pacer, the witness, and `engine/mod.rs` on top.
//!
//! How: each `.rs` file under a crate's `src/` is a module (`a/b.rs` and `a/b/mod.rs` are
//! `a::b`). Comments, strings and characters are blanked, `#[cfg(test)]` modules cut (a
//! test may use anything). Every `crate::`, `self::` and `super::` path (in `use` trees and
//! inline), every `use` of a child module and every inline path that starts with a child
//! module's name (`call::render(..)` in the parent) is resolved to the deepest module that is
//! a file; a name a module re-exports (`pub use x::Y`) is followed to where it is defined.
//! The circles are the strongly connected components of more than one file (Tarjan).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

#[test]
fn no_import_circle_between_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    for krate in ["src", "scenarios/src"] {
        let files = read_crate(&root.join(krate));
        assert!(files.len() > 10, "{krate}: only {} files read", files.len());
        let edges = edges(&files);
        for circle in tarjan(&edges) {
            let names: BTreeSet<String> = circle.iter().map(|m| m.join("::")).collect();
            {
                // Which file uses which inside the circle: where to cut it.
                let inside: Vec<String> = circle
                    .iter()
                    .flat_map(|m| {
                        let to = edges.get(m).into_iter().flatten();
                        to.filter(|t| circle.contains(t))
                            .map(move |t| format!("  {} -> {}", m.join("::"), t.join("::")))
                    })
                    .collect();
                failures.push(format!(
                    "{krate}: an import circle: {names:?}, through\n{}",
                    inside.join("\n")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_method_finds_a_circle_and_follows_re_exports() {
    let files = |list: &[(&str, &str)]| -> BTreeMap<Module, String> {
        list.iter()
            .map(|(m, src)| (module(m), src.to_string()))
            .collect()
    };
    // a -> d::x -> a (a grouped use tree, `super::super`), and a -> d -> d::x (`self` in the
    // tree, d's re-export).
    let circle = files(&[
        ("", "pub mod a; pub mod d;"),
        ("a", "use crate::d::{x::Thing, self};\nfn f() {}"),
        ("d", "pub mod x;\npub use x::Thing;"),
        (
            "d::x",
            "pub struct Thing;\nfn g() { super::super::a::f(); }",
        ),
    ]);
    let found = circles(&circle);
    assert_eq!(found, vec![vec![module("a"), module("d"), module("d::x")]]);
    // A parent naming its child inline without `self::`, the child naming the parent.
    let bare = files(&[
        ("", "pub mod p;"),
        ("p", "mod c;\npub fn f() { c::g(); }"),
        ("p::c", "pub fn g() { super::f(); }"),
    ]);
    assert_eq!(circles(&bare), vec![vec![module("p"), module("p::c")]]);
    // The same imports in a string, a comment or a test module are no circle.
    let none = files(&[
        ("", "pub mod a; pub mod b;"),
        ("a", "use crate::b::B;\npub struct A;"),
        (
            "b",
            "pub struct B;\n// crate::a::A\nconst S: &str = \"crate::a::A\";\n\
             #[cfg(test)]\nmod tests { use crate::a::A; }",
        ),
    ]);
    assert_eq!(circles(&none), Vec::<Vec<Module>>::new());
    // A test module declared in its own file (`#[cfg(test)] mod t;`) hides nothing after it.
    let declared = files(&[
        ("", "pub mod a; pub mod b;"),
        (
            "a",
            "#[cfg(test)]\nmod t;\npub use crate::b::{B, C};\npub struct A;",
        ),
        ("a::t", ""),
        ("b", "pub struct B;\npub struct C;\nfn f() { crate::a::A; }"),
    ]);
    assert_eq!(circles(&declared), vec![vec![module("a"), module("b")]]);
    // A path in a serde attribute's string is a use; any other string is not.
    let attribute = files(&[
        ("", "pub mod a; pub mod b;"),
        ("a", "#[serde(with = \"crate::b::name\")]\npub struct A;"),
        (
            "b",
            "pub fn name() {}\nconst S: &str = \"crate::a::A\";\nfn f() { crate::a::A; }",
        ),
    ]);
    assert_eq!(circles(&attribute), vec![vec![module("a"), module("b")]]);
}

fn module(path: &str) -> Module {
    path.split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every `.rs` file under `dir`, by module path, its text cleaned (see [`clean`]).
fn read_crate(dir: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .expect("under dir")
                .with_extension("");
            let mut m: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // `main.rs` is the binary's root, a crate of its own.
            if m == ["main"] {
                continue;
            }
            if matches!(m.last().map(String::as_str), Some("mod" | "lib")) {
                m.pop();
            }
            out.insert(m, std::fs::read_to_string(&path).expect("read"));
        }
    }
    out
}

/// `src` with comments, string and character literals blanked and `#[cfg(test)] mod`s cut.
fn clean(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if src[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if src[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                } else {
                    i += 1;
                }
                if depth == 0 {
                    break;
                }
            }
        } else if let Some(len) = raw_string(rest).filter(|_| i == 0 || !ident(b[i - 1])) {
            out.push_str("\"\"");
            i += len;
        } else if b[i] == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            // A path serde or schemars reads from an attribute's string (`with =
            // "super::names::errno_name"`, `default = "no_outcome"`) is a use like any other.
            let attr = ["with", "default", "into", "from", "try_from", "remote"]
                .iter()
                .any(|k| {
                    out.trim_end()
                        .strip_suffix('=')
                        .is_some_and(|o| o.trim_end().ends_with(k))
                });
            if attr {
                out.push(' ');
                out.push_str(&src[start..i.saturating_sub(1).max(start)]);
                out.push(' ');
            } else {
                out.push_str("\"\"");
            }
        } else if let Some(len) = char_literal(rest) {
            out.push_str("' '");
            i += len;
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            i += c.len_utf8();
        }
    }
    cut_test_modules(&out)
}

/// The length of a raw (byte) string literal at the start of `s`, if there is one.
fn raw_string(s: &str) -> Option<usize> {
    let body = s.strip_prefix('b').unwrap_or(s).strip_prefix('r')?;
    let hashes = body.len() - body.trim_start_matches('#').len();
    let open = body[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = open.find(&close)?;
    Some(s.len() - open.len() + end + close.len())
}

/// The length of a character literal at the start of `s` (not a lifetime).
fn char_literal(s: &str) -> Option<usize> {
    let body = s.strip_prefix('\'')?;
    if let Some(esc) = body.strip_prefix('\\') {
        return Some(s.len() - esc.len() + 1 + esc.get(1..)?.find('\'')? + 1);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..]
        .starts_with('\'')
        .then_some(1 + c.len_utf8() + 1)
}

fn cut_test_modules(src: &str) -> String {
    let mut out = src.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = out[at + 12..].trim_start();
        let is_mod = after.starts_with("mod ") || after.starts_with("pub mod ");
        // `#[cfg(test)] mod x;` declares a test module kept in its own file: cut the line.
        let semi = out[at..].find(';').map(|o| at + o);
        let brace = out[at..].find('{').map(|o| at + o);
        if let (true, Some(semi)) = (is_mod, semi.filter(|s| brace.is_none_or(|b| *s < b))) {
            out.replace_range(at..=semi, "");
            continue;
        }
        let Some(open) = brace.filter(|_| is_mod) else {
            // An attribute on something else: keep it, blank the marker.
            out.replace_range(at..at + 12, "            ");
            continue;
        };
        let mut depth = 0;
        let mut end = out.len();
        for (k, c) in out[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.replace_range(at..end, "");
    }
    out
}

/// The paths of a `use` tree (`a::{b, c::{d, e as f}}`), each with the name it binds.
fn use_leaves(tree: &str) -> Vec<(Module, String)> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree = tree.replace(" as ", "@").replace(' ', "");
    let mut out = Vec::new();
    fn walk(prefix: &[String], t: &str, out: &mut Vec<(Module, String)>) {
        if let Some(inner) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        walk(prefix, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            walk(prefix, &inner[start..], out);
            return;
        }
        if t.is_empty() {
            return;
        }
        match t.split_once("::") {
            Some((head, rest)) => {
                let mut p = prefix.to_vec();
                p.push(head.to_string());
                walk(&p, rest, out);
            }
            None => {
                let (name, alias) = t.split_once('@').unwrap_or((t, t));
                let mut p = prefix.to_vec();
                p.push(name.to_string());
                let bound = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    alias.to_string()
                };
                out.push((p, bound));
            }
        }
    }
    walk(&[], &tree, &mut out);
    out
}

/// `(is pub, tree)` of each `use` item.
fn uses(src: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = src[from..].find("use ").map(|a| from + a) {
        from = at + 4;
        if at > 0
            && (src.as_bytes()[at - 1].is_ascii_alphanumeric() || src.as_bytes()[at - 1] == b'_')
        {
            continue;
        }
        let Some(end) = src[at..].find(';').map(|e| at + e) else {
            break;
        };
        let before = src[..at].trim_end();
        let public = before.ends_with("pub") || before.ends_with(')') && before.contains("pub(");
        out.push((public, src[at + 4..end].trim().to_string()));
    }
    out
}

/// `path` (relative to `here`) made absolute, if it is a path of this crate.
fn absolute(here: &Module, path: &Module, files: &BTreeMap<Module, String>) -> Option<Module> {
    let mut parts = path.iter().peekable();
    let mut base = match parts.peek().map(|s| s.as_str()) {
        Some("crate") => {
            parts.next();
            Vec::new()
        }
        Some("self") => {
            parts.next();
            here.clone()
        }
        Some("super") => {
            let mut b = here.clone();
            while parts.peek().is_some_and(|s| *s == "super") {
                parts.next();
                b.pop();
            }
            b
        }
        // A child module named without `self::` (edition 2018 paths).
        Some(first) if files.contains_key(&[here.clone(), vec![first.to_string()]].concat()) => {
            here.clone()
        }
        _ => return None,
    };
    base.extend(parts.cloned());
    Some(base)
}

/// The file an absolute path lands in, re-exports followed.
fn resolve(
    path: &Module,
    files: &BTreeMap<Module, String>,
    exports: &BTreeMap<Module, BTreeMap<String, Module>>,
    depth: usize,
) -> Module {
    let k = (0..=path.len())
        .rev()
        .find(|&k| files.contains_key(&path[..k]))
        .unwrap_or(0);
    let file = path[..k].to_vec();
    if depth < 8 {
        if let Some(target) = path.get(k).and_then(|n| exports.get(&file)?.get(n)) {
            let mut next = target.clone();
            next.extend(path[k + 1..].iter().cloned());
            return resolve(&next, files, exports, depth + 1);
        }
    }
    file
}

/// The circles of files (sorted), from the files' raw texts.
fn circles(raw: &BTreeMap<Module, String>) -> Vec<Vec<Module>> {
    tarjan(&edges(raw))
}

/// Which files each file uses, from the files' raw texts.
fn edges(raw: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let files: BTreeMap<Module, String> = raw.iter().map(|(m, s)| (m.clone(), clean(s))).collect();
    let mut exports: BTreeMap<Module, BTreeMap<String, Module>> = BTreeMap::new();
    for (m, src) in &files {
        for (_, tree) in uses(src).into_iter().filter(|(public, _)| *public) {
            for (path, bound) in use_leaves(&tree) {
                if let Some(abs) = absolute(m, &path, &files) {
                    exports.entry(m.clone()).or_default().insert(bound, abs);
                }
            }
        }
    }
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, src) in &files {
        // A re-export is a use too: the module's own code may name what it re-exports.
        let mut paths: Vec<Module> = uses(src)
            .into_iter()
            .flat_map(|(_, tree)| use_leaves(&tree))
            .map(|(p, _)| p)
            .collect();
        paths.extend(inline_paths(src));
        let targets = edges.entry(m.clone()).or_default();
        for p in paths {
            if let Some(abs) = absolute(m, &p, &files) {
                let to = resolve(&abs, &files, &exports, 0);
                if &to != m && !to.is_empty() {
                    targets.insert(to);
                }
            }
        }
    }
    edges
}

/// `crate::a::b`, `super::x`, `self::y` written anywhere in the text.
fn inline_paths(src: &str) -> Vec<Module> {
    let b = src.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = src[from..].find(start).map(|a| from + a) {
            from = at + start.len();
            if at > 0 && (ident(b[at - 1]) || b[at - 1] == b':') {
                continue;
            }
            let end = src[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(src.len(), |e| at + e);
            // `super::{a, b}` and `crate::x::*` are use trees, read whole by `use_leaves`.
            if !src[at..end].ends_with("::") {
                out.push(module(&src[at..end]));
            }
        }
    }
    // A child module named inline without `self::` (`call::render(..)` in the parent):
    // every `name::` that starts a path; `absolute` keeps those that name a child.
    let mut at = 0;
    while let Some(rel) = src[at..].find("::") {
        let colons = at + rel;
        let start = src[..colons]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        at = colons + 2;
        if start == colons || (start > 0 && b[start - 1] == b':') {
            continue;
        }
        let word = &src[start..colons];
        if ["crate", "super", "self"].contains(&word) {
            continue;
        }
        let end = src[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .map_or(src.len(), |e| start + e);
        if !src[start..end].ends_with("::") {
            out.push(module(&src[start..end]));
        }
    }
    out
}

fn tarjan(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let Some((w, _)) = edges.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}
