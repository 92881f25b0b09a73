//! A finished run as text for people: parameters (symbolic, hex, decimal), each step with its
//! real return value, the outcome, the lesson's rule, the maps lines. Used by `mmap-lab run`
//! and by the TUI's copy-to-clipboard. This file lays the whole text out; its parts are beside
//! it: the sentences every rendering shares (`report/sentences.rs`), the numbered steps
//! (`report/steps.rs`), the JSON (`report/json.rs`), widths and wrapping (`report/wrap.rs`).

use crate::strings::{self, t, S};
pub use crate::units::{bytes_text, duration_text, with_units};
use mmap_lab_engine::params::Params;
use mmap_lab_engine::{Lang, Record, Scenario};
use std::fmt::Write as _;

mod json;
mod sentences;
mod steps;
mod wrap;

pub use json::record_json;
pub use sentences::{
    cold_line, cost_line, evidence, evidence_line, findings, form_line, outcome_headline,
    outcome_line, outcome_line_marked, outcome_line_run, outcome_notes, param_line,
    privilege_matters, reproduce, throughput_line, touched, value_text, warnings, witness_lines,
    Marks,
};
pub use steps::{pages_line, step_lines, witness_line};
pub use wrap::wrap_text;
use wrap::{pad, width};

/// The whole run as text, not fitted to any width (files, pipes, the clipboard).
pub fn record_text(scenario: &Scenario, params: &Params, record: &Record, lang: Lang) -> String {
    record_text_fit(scenario, params, record, lang, None, Marks::UNICODE)
}

/// The whole run as text. With a `width` (stdout is a terminal that wide), long calls wrap
/// under themselves and results stay beside their call; without one nothing wraps and the
/// columns are only as wide as their contents.
pub fn record_text_fit(
    scenario: &Scenario,
    params: &Params,
    record: &Record,
    lang: Lang,
    width: Option<usize>,
    marks: Marks,
) -> String {
    let lesson = scenario.lesson(lang);
    let run = &record.run;
    let mut out = String::new();
    let _ = writeln!(out, "{} · {}", scenario.id, lesson.title);
    let _ = writeln!(
        out,
        "{}{}{} (sysconf(_SC_PAGESIZE))",
        t(S::PageSize, lang),
        lang.pick(": ", "："),
        run.page_size
    );
    if let Some(line) = strings::ran_on(run, lang) {
        // A long kernel release and the capabilities of root make it wider than a terminal.
        let line = match width {
            Some(w) => wrap_text(&line, w, 2),
            None => line,
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", t(S::Parameters, lang));
    for line in param_lines(scenario, params) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\n{}", t(S::Steps, lang));
    for line in step_lines(record, lang, width) {
        let _ = writeln!(out, "{line}");
    }
    // Sentences wrap at the terminal's width, their later lines indented by two.
    let prose = |text: String| match width {
        Some(w) => wrap_text(&text, w, 2),
        None => text,
    };
    let _ = writeln!(
        out,
        "\n{}",
        prose(format!(
            "{}{}{}",
            t(S::Outcome, lang),
            lang.pick(": ", "："),
            outcome_headline(run, lang, marks)
        ))
    );
    if let Some(line) = evidence_line(record, params, lang) {
        let _ = writeln!(out, "{}", prose(format!("  {line}")));
    }
    for note in outcome_notes(record, lang) {
        let _ = writeln!(out, "{}", prose(format!("  {} {note}", marks.warning)));
    }
    for finding in findings(record, lang) {
        let _ = writeln!(out, "{}", prose(format!("  • {finding}")));
    }
    let _ = writeln!(
        out,
        "{}",
        prose(format!(
            "{}{}{}",
            t(S::Rule, lang),
            lang.pick(": ", "："),
            mmap_lab_engine::explain::rule_line(scenario, run, &lesson.rule, lang)
        ))
    );
    let _ = writeln!(
        out,
        "{}{}{}",
        t(S::Elapsed, lang),
        lang.pick(": ", "："),
        duration_text(run.elapsed_us.saturating_mul(1000))
    );
    let _ = writeln!(
        out,
        "{}{}{}",
        t(S::Reproduce, lang),
        lang.pick(": ", "："),
        reproduce(scenario, params, record)
    );
    for snap in &run.maps {
        let _ = writeln!(out, "\n{}", maps_heading(&snap.after, lang));
        if snap.lines.is_empty() {
            let _ = writeln!(out, "  {}", t(S::NoMapsLines, lang));
        }
        for line in &snap.lines {
            // The kernel pads an anonymous mapping's line with a space where a path would be.
            let _ = writeln!(out, "  {}", line.trim_end());
        }
    }
    out
}

/// The parameter block: name, value (with human units), hex, decimal, each column as wide
/// as its widest entry.
fn param_lines(scenario: &Scenario, params: &Params) -> Vec<String> {
    let rows: Vec<(String, String, String, String)> = scenario
        .shown_keys()
        .into_iter()
        .map(|key| {
            let (_, hex, dec) = param_line(params, key);
            (key.name().to_string(), value_text(params, key), hex, dec)
        })
        .collect();
    let w = |f: fn(&(String, String, String, String)) -> &String| {
        rows.iter().map(|r| width(f(r))).max().unwrap_or(0)
    };
    let (w0, w1, w2) = (w(|r| &r.0), w(|r| &r.1), w(|r| &r.2));
    rows.iter()
        .map(|(name, value, hex, dec)| {
            let line = format!(
                "  {}  {}  {}  {dec}",
                pad(name, w0),
                pad(value, w1),
                pad(hex, w2)
            );
            line.trim_end().to_string()
        })
        .collect()
}

/// `/proc/self/maps after munmap:` in the student's language.
pub fn maps_heading(after: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} {after}:", t(S::MapsAfter, lang)),
        Lang::Zh => format!("{after} {}", t(S::MapsAfter, lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmap_lab_engine::params::Key;

    #[test]
    fn byte_counts_read_in_binary_units_beside_the_raw_number() {
        assert_eq!(bytes_text(64 << 20).as_deref(), Some("64 MiB"));
        assert_eq!(bytes_text(1536).as_deref(), Some("1.5 KiB"));
        assert_eq!(bytes_text(-4096).as_deref(), Some("-4 KiB"));
        assert_eq!(bytes_text(1 << 30).as_deref(), Some("1 GiB"));
        assert_eq!(bytes_text(1000), None, "below 1 KiB the number says it all");
        assert_eq!(with_units(67_108_864), "67108864 (64 MiB)");
        assert_eq!(with_units(4000), "4000 (3.9 KiB)");
        assert_eq!(with_units(1000), "1000");
    }

    #[test]
    fn durations_take_the_unit_that_keeps_them_short() {
        assert_eq!(duration_text(4_605_970_000), "4.61 s");
        assert_eq!(duration_text(468_000_000), "468 ms");
        assert_eq!(duration_text(93_000), "93 µs");
        assert_eq!(duration_text(12), "12 ns");
    }

    #[test]
    fn the_form_shows_a_size_in_units_and_a_count_as_it_is() {
        let mut p = Params::base(4096);
        p.copy_size = 64 << 20;
        assert_eq!(form_line(&p, Key::CopySize).2, "64 MiB");
        assert_eq!(form_line(&p, Key::CopySize).1, "0x4000000");
        assert_eq!(
            form_line(&p, Key::CopyRuns),
            ("5".to_string(), String::new(), String::new())
        );
        // Flags keep their number in the last column.
        assert_eq!(form_line(&p, Key::Prot).2, "3");
    }
}
