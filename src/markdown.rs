//! A finished run as a Markdown report, for lab reports: the question, the parameters as a
//! table, the numbered steps with their results, the outcome, the findings, the maps lines.
//! `mmap-lab run … --format md` prints it and `y` in the lab copies it.
//!
//! Written for GitHub's renderer (GFM) and plain Markdown viewers alike: one `##` heading per
//! run, `###` per part, code spans for everything the kernel or the lab wrote verbatim (so
//! `MAP_SHARED|MAP_FIXED` is not read as emphasis or a table cell), fenced blocks for the maps.

use crate::report::{self, Marks};
use crate::strings::{self, t, S};
use scenarios::{errnos, Lang, Params, Record, Scenario};
use std::fmt::Write as _;

/// The report of one run.
pub fn report(scenario: &Scenario, params: &Params, record: &Record, lang: Lang) -> String {
    let lesson = scenario.lesson(lang);
    let run = &record.run;
    let mut out = String::new();
    let _ = writeln!(out, "## {} · {}\n", code(scenario.id), lesson.title);

    if let Some((_, body)) = lesson.sections.first() {
        let _ = writeln!(out, "> **{}**", t(S::Question, lang));
        let _ = writeln!(out, ">");
        for line in body.trim().lines() {
            let _ = writeln!(out, "{}", format!("> {line}").trim_end());
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "### {}\n", t(S::Parameters, lang));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |",
        t(S::MdKey, lang),
        t(S::MdValue, lang),
        t(S::MdHex, lang),
        t(S::MdDecimal, lang)
    );
    let _ = writeln!(out, "|---|---|---:|---:|");
    for key in scenario.shown_keys() {
        let (symbolic, hex, dec) = report::param_line(params, key);
        let human = params
            .number(key)
            .filter(|_| report::BYTE_KEYS.contains(&key))
            .and_then(report::bytes_text)
            .map_or_else(String::new, |h| format!(" ({h})"));
        let _ = writeln!(
            out,
            "| {} | {}{human} | {} | {} |",
            cell(&code(key.name())),
            cell(&code(&symbolic)),
            cell(&code_or_empty(&hex)),
            cell(&dec)
        );
    }
    let _ = writeln!(
        out,
        "\n{}{}{} (`sysconf(_SC_PAGESIZE)`)\n",
        t(S::PageSize, lang),
        lang.pick(": ", "："),
        run.page_size
    );

    let _ = writeln!(out, "### {}\n", t(S::Steps, lang));
    for (i, step) in run.steps.iter().enumerate() {
        let who = if step.process.is_some() {
            format!("[{}] ", t(S::Child, lang))
        } else {
            String::new()
        };
        let mut line = format!(
            "{}. {who}{} → {}",
            i + 1,
            code(&step.call),
            code(&step.result)
        );
        if let Some(errno) = step.errno {
            let _ = write!(line, " **{} ({})**", errnos::name(errno), errno as i32);
        }
        if let Some(sig) = &step.signal {
            let _ = write!(line, " **⚡ {sig}** {}", t(S::Interrupted, lang));
        }
        if let Some(nanos) = step.nanos {
            let _ = write!(
                line,
                " ({} {})",
                t(S::Took, lang),
                report::duration_text(nanos)
            );
        }
        let _ = writeln!(out, "{line}");
        if let Some(p) = step.purpose {
            // Indented under the item: part of the step, not a new paragraph.
            let _ = writeln!(out, "   <br>*{}*", strings::purpose(p, lang));
        }
        if let Some(pages) = report::pages_line(step, lang) {
            let _ = writeln!(out, "   <br>{}", code(&pages));
        }
    }
    if run.steps.iter().any(|s| !s.pages.is_empty()) {
        let _ = writeln!(out, "\n{}", t(S::PagesLegend, lang));
    }

    let _ = writeln!(out, "\n### {}\n", t(S::Outcome, lang));
    let _ = writeln!(
        out,
        "**{}**\n",
        report::outcome_line_run(run, lang, Marks::UNICODE)
    );
    let _ = writeln!(
        out,
        "{}{}{}\n",
        t(S::Rule, lang),
        lang.pick(": ", "："),
        scenarios::explain::rule_line(scenario, run, &lesson.rule, lang)
    );

    let findings = report::findings(record, lang);
    if !findings.is_empty() {
        let _ = writeln!(out, "### {}\n", t(S::Findings, lang));
        for finding in findings {
            let _ = writeln!(out, "- {finding}");
        }
        let _ = writeln!(out);
    }

    for snap in &run.maps {
        let heading = report::maps_heading(&snap.after, lang);
        let _ = writeln!(out, "### {}\n", heading.trim_end_matches([':', '：']));
        if snap.lines.is_empty() {
            let _ = writeln!(out, "*{}*\n", t(S::NoMapsLines, lang));
            continue;
        }
        let _ = writeln!(out, "```text");
        for line in &snap.lines {
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let _ = writeln!(out, "```\n");
    }

    let _ = writeln!(
        out,
        "<sub>{}{}mmap-lab {} · {}{}{} · `mmap-lab run {}`</sub>",
        t(S::MdProducedBy, lang),
        lang.pick(" ", ""),
        env!("CARGO_PKG_VERSION"),
        t(S::Elapsed, lang),
        lang.pick(": ", "："),
        report::duration_text(run.elapsed_us.saturating_mul(1000)),
        scenario.id
    );
    out
}

/// Several reports, one after the other (`run --all --format md`).
pub fn join(reports: &[String]) -> String {
    reports.join("\n---\n\n")
}

/// `text` as a code span, with a fence longer than any run of backticks inside it.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space keeps a leading or trailing backtick out of the fence.
    if longest > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

fn code_or_empty(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        code(text)
    }
}

/// A table cell: GFM splits cells at every `|`, even inside code spans, unless escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("MAP_SHARED"), "`MAP_SHARED`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(
            cell(&code("PROT_READ|PROT_WRITE")),
            "`PROT_READ\\|PROT_WRITE`"
        );
    }
}
