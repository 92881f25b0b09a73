//! A finished run as a Markdown report, for lab reports: the question, the parameters as a
//! table, the numbered steps with their results, the outcome, the findings, the maps lines.
//! `mmap-lab run … --format md` prints it and `y` in the lab copies it.
//!
//! Written for GitHub's renderer (GFM) and plain Markdown viewers alike: one `##` heading per
//! run, `###` per part, code spans for everything the kernel or the lab wrote verbatim (so
//! `MAP_SHARED|MAP_FIXED` is not read as emphasis or a table cell), fenced blocks for the maps.

use crate::report::{self, Marks};
use crate::strings::{self, t, S};
use mmap_lab_engine::{errnos, Lang, Params, Record, Scenario};
use std::fmt::Write as _;

/// The report of one run. Long as the report is: its sections in the order a reader meets
/// them, each a few lines.
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
            .filter(|_| key.bytes())
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
        if step.is_bookkeeping() {
            // The lab's bookkeeping: under the step before it, not numbered.
            let _ = writeln!(out, "   <br>{} → {}", code(&step.call), code(&step.result));
            continue;
        }
        let mut line = format!(
            "{}. {who}{} → {}",
            run.step_number(i),
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
        report::outcome_headline(run, lang, Marks::UNICODE)
    );
    if let Some(line) = report::evidence_line(record, params, lang) {
        let _ = writeln!(out, "{line}\n");
    }
    let notes = report::outcome_notes(record, lang);
    for note in &notes {
        let _ = writeln!(out, "- {} {note}", Marks::UNICODE.warning);
    }
    if !notes.is_empty() {
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "{}{}{}\n",
        t(S::Rule, lang),
        lang.pick(": ", "："),
        mmap_lab_engine::explain::rule_line(scenario, run, &lesson.rule, lang)
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
        "{}{}{}\n",
        t(S::Reproduce, lang),
        lang.pick(": ", "："),
        code(&report::reproduce(scenario, params, record))
    );
    let _ = writeln!(
        out,
        "<sub>{}{}mmap-lab {} · {}{}{}</sub>",
        t(S::MdProducedBy, lang),
        lang.pick(" ", ""),
        env!("CARGO_PKG_VERSION"),
        t(S::Elapsed, lang),
        lang.pick(": ", "："),
        report::duration_text(run.elapsed_us.saturating_mul(1000)),
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
    fn the_report_carries_the_warnings_and_the_command_that_reproduces_it() {
        let scenario = mmap_lab_engine::catalog::find("anonymous-ipc").expect("a scenario");
        let sets = ["flags=MAP_PRIVATE|MAP_ANONYMOUS".to_string()];
        let params = mmap_lab_engine::prepare(scenario, &sets).expect("valid sets");
        let record: Record = serde_json::from_str(
            r#"{"scenario": "anonymous-ipc", "params": {}, "page_size": 4096,
                "privileged": false, "steps": [], "elapsed_us": 1,
                "outcome": {"kind": "ok", "warnings": [{"kind": "munmap-missed",
                    "step": 0, "addr": 4096, "bytes": 4096, "left_mapped": 4096}]}}"#,
        )
        .expect("a record");
        for lang in [Lang::En, Lang::Zh] {
            let md = report(scenario, &params, &record, lang);
            let text = report::record_text(scenario, &params, &record, lang);
            let headline = format!("⚠ {}", t(S::OkBut, lang));
            let warning = report::warnings(&record, lang).remove(0);
            assert!(md.contains(&format!("**{headline}**")), "{md}");
            assert!(md.contains(&format!("- ⚠ {warning}")), "{md}");
            assert!(
                text.contains(&headline) && text.contains(&warning),
                "{text}"
            );
            // Pasted into a shell, the `|` stays inside the value.
            let command = "mmap-lab run anonymous-ipc --set 'flags=MAP_PRIVATE|MAP_ANONYMOUS'";
            assert!(md.contains(&format!("`{command}`")), "{md}");
            assert!(text.contains(command), "{text}");
        }
    }

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
