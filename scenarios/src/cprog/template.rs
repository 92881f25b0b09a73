//! The template's filling: its optional sections kept when a step needs them, the language
//! side of each text, the blocks put in place of their markers.

use crate::engine::plan::Plan;
use crate::Lang;
use std::collections::BTreeSet;

/// The template's language markers: the lines that open the English and the Chinese side of a
/// text, and the line that closes it.
pub(super) const LANG_EN: &str = "/*@EN@*/";

pub(super) const LANG_ZH: &str = "/*@ZH@*/";

pub(super) const LANG_END: &str = "/*@END_LANG@*/";

/// Keep the template's sections that `needs` names and the `lang` side of each language block,
/// put each block in place of its marker line.
pub(super) fn fill(
    template: &str,
    needs: &BTreeSet<&'static str>,
    blocks: &[(&str, String)],
    lang: Lang,
) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    // For each open section: whether it is kept.
    let mut open: Vec<bool> = Vec::new();
    // The language of the block the line is in, if it is in one.
    let mut side: Option<Lang> = None;
    for line in template.lines() {
        let t = line.trim();
        match t {
            LANG_EN => side = Some(Lang::En),
            LANG_ZH => side = Some(Lang::Zh),
            LANG_END => side = None,
            _ if side.is_some_and(|s| s != lang) => {}
            _ => side_line(line, t, needs, blocks, &mut open, &mut out),
        }
    }
    // Two blank lines in a row are left where a section was dropped: fold them.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// One template line of the chosen language (or of none): a section fence, a block's marker
/// or a line kept as it is.
pub(super) fn side_line(
    line: &str,
    t: &str,
    needs: &BTreeSet<&'static str>,
    blocks: &[(&str, String)],
    open: &mut Vec<bool>,
    out: &mut String,
) {
    if let Some(name) = t.strip_prefix("/*@IF ").and_then(|r| r.strip_suffix("@*/")) {
        open.push(needs.contains(name));
        return;
    }
    if t.starts_with("/*@END ") && t.ends_with("@*/") {
        open.pop();
        return;
    }
    if open.iter().any(|keep| !keep) {
        return;
    }
    match blocks.iter().find(|(marker, _)| *marker == t) {
        Some((_, block)) => out.push_str(block),
        None => {
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// A text as a C string literal in the program's own language, UTF-8 as the template is (a
/// Chinese program's strings read as Chinese).
pub(super) fn text_literal(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// The names the program may create in its directory: the plan's files and whatever its steps
/// create there (an `open(…, O_CREAT)`).
pub(super) fn created_names(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = plan.files.iter().map(|f| f.name.to_string()).collect();
    for step in &plan.steps {
        if let Some(name) = step.op.family().creates() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}
