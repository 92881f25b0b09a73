//! The plain subcommands: `list`, `run`, `run --all`, `explain`, `c`. Every action of the lab
//! is available here without a terminal, for scripts, tests and notes.
//!
//! Exit codes (a stable contract, docs/cli.md): 0 whenever the experiment ran, whatever it
//! answered; 2 for a usage error or a bad `--set`; 1 when the lab itself failed.

use crate::report::{self, Marks};
use crate::strings::{self, t, S};
use crate::{fault, leftovers, markdown, output, schema, signals, suggest};
use mmap_lab_engine::{catalog, engine, Lang, Params, Scenario};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit code for usage errors and bad `--set` values.
pub const USAGE: u8 = 2;

/// How `run` prints a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text for people (`run`).
    Text,
    /// The Markdown report (`--format md`).
    Markdown,
    /// The JSON of docs/json.md (`--json`, `--format json`).
    Json,
}

/// How text output is written: its language, and ASCII marks (`--ascii`) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// The language.
    pub lang: Lang,
    /// `v x ! @ *` instead of `✔ ✘ ⚡ ⌛ ⚠`, for terminals that draw those at the wrong width.
    pub ascii: bool,
}

impl Text {
    fn marks(self) -> Marks {
        if self.ascii {
            Marks::ASCII
        } else {
            Marks::UNICODE
        }
    }
}

/// The scenario with this id, or with this lesson number (`run 3`).
pub fn find(id: &str) -> Option<&'static Scenario> {
    catalog::find(id).or_else(|| {
        let n: u32 = id.parse().ok()?;
        catalog::all().into_iter().find(|s| s.order() == n)
    })
}

/// Find a scenario (by id or lesson number) or explain which ones exist, suggesting the
/// closest id.
pub fn scenario(id: &str, lang: Lang) -> Result<&'static Scenario, ExitCode> {
    find(id).ok_or_else(|| {
        let known: Vec<&str> = catalog::all().iter().map(|s| s.id).collect();
        let space = lang.pick(" ", "");
        let hint = suggest::closest(id, known.iter().copied()).map_or_else(String::new, |s| {
            format!("{space}{}", strings::did_you_mean(s, lang))
        });
        let semi = lang.pick(";", "；");
        let colon = lang.pick(": ", "：");
        output::err_line(&format!(
            "mmap-lab: {} `{id}`{semi}{hint}{space}{}{colon}{} ({} 1–{})",
            t(S::UnknownScenario, lang),
            t(S::KnownScenarios, lang),
            known.join(", "),
            t(S::OrLessonNumber, lang),
            known.len()
        ));
        ExitCode::from(USAGE)
    })
}

/// The scenario's parameters with the `--set`s applied, or a usage error.
fn params(
    scenario: &Scenario,
    sets: &[String],
    lang: Lang,
) -> Result<mmap_lab_engine::Params, ExitCode> {
    mmap_lab_engine::prepare(scenario, sets).map_err(|err| {
        let hint = suggest::for_param_error(&err);
        output::err_line(&format!(
            "mmap-lab: {}: {}",
            t(S::BadSet, lang),
            strings::param_error_with(&err, hint.as_deref(), lang)
        ));
        ExitCode::from(USAGE)
    })
}

/// `mmap-lab list`.
pub fn list(json: bool, lang: Lang) -> ExitCode {
    let all = catalog::all();
    if json {
        let items = schema::ListOutput(
            all.iter()
                .map(|s| schema::ListItem {
                    stamp: schema::Stamp::NOW,
                    id: s.id,
                    title: s.title(lang),
                    topic: s.topic,
                    keys: s.keys.iter().map(|k| k.name()).collect(),
                })
                .collect(),
        );
        let text = serde_json::to_string(&items).unwrap_or_default();
        output::finish(&format!("{text}\n"), lang)
    } else {
        let lines: String = all
            .iter()
            .map(|s| format!("{:>2}  {:<24} {}\n", s.order(), s.id, s.title(lang)))
            .collect();
        output::finish(&lines, lang)
    }
}

/// `mmap-lab run ID`.
pub fn run_one(id: &str, sets: &[String], json: bool, lang: Lang) -> ExitCode {
    let format = if json { Format::Json } else { Format::Text };
    run_one_as(id, sets, format, Text { lang, ascii: false })
}

/// `mmap-lab run ID` in the given format.
pub fn run_one_as(id: &str, sets: &[String], format: Format, text: Text) -> ExitCode {
    run_one_within(id, sets, format, text, false)
}

/// [`run_one_as`]; `allow_large` (`--allow-large`) lifts the limit of
/// [`mmap_lab_engine::bounds::LARGE`] on what the experiment may take at once.
pub fn run_one_within(
    id: &str,
    sets: &[String],
    format: Format,
    text: Text,
    allow_large: bool,
) -> ExitCode {
    let lang = text.lang;
    let scenario = match scenario(id, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let params = match params(scenario, sets, lang) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !allow_large {
        if let Some(big) =
            mmap_lab_engine::bounds::check(scenario, &params, mmap_lab_engine::bounds::LARGE)
        {
            output::err_line(&format!(
                "mmap-lab: {}: {}",
                t(S::BadSet, lang),
                strings::too_large(&big, lang)
            ));
            return ExitCode::from(USAGE);
        }
    }
    let interrupt = signals::interrupt();
    let result = leftovers::sweep_beside(lang, |job| {
        mmap_lab_engine::run_scenario_beside(scenario, &params, Some(interrupt.cancel()), Some(job))
    });
    // Interrupted: the engine has removed everything; nothing more is said.
    if let Some(code) = interrupt.caught() {
        return code;
    }
    match result {
        Ok(record) => {
            let shown = match format {
                Format::Json => format!("{}\n", to_json(&record, &params, lang)),
                Format::Markdown => markdown::report(scenario, &params, &record, lang),
                Format::Text => human(scenario, &params, &record, text),
            };
            output::finish(&shown, lang)
        }
        Err(err) => fault::engine_failed(
            &err,
            lang,
            mmap_lab_engine::bounds::tmpdir_need(scenario, &params),
        ),
    }
}

/// The text of a run, fitted to the terminal when stdout is one.
fn human(
    scenario: &Scenario,
    params: &mmap_lab_engine::Params,
    record: &mmap_lab_engine::Record,
    text: Text,
) -> String {
    report::record_text_fit(
        scenario,
        params,
        record,
        text.lang,
        terminal_width(),
        text.marks(),
    )
}

/// The terminal's width when stdout is a terminal: there, output is fitted to it; in a file
/// or a pipe nothing is wrapped.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| usize::from(w))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .filter(|w| *w >= 20)
}

/// `mmap-lab run --all`.
pub fn run_all(json: bool, lang: Lang) -> ExitCode {
    let format = if json { Format::Json } else { Format::Text };
    run_all_as(format, Text { lang, ascii: false })
}

/// `mmap-lab run --all` in the given format.
pub fn run_all_as(format: Format, text: Text) -> ExitCode {
    let lang = text.lang;
    let mut records = Vec::new();
    let mut reports = Vec::new();
    let interrupt = signals::interrupt();
    for scenario in catalog::all() {
        let params = (scenario.defaults)(engine::page_size());
        let result =
            mmap_lab_engine::run_scenario_until(scenario, &params, Some(interrupt.cancel()));
        if let Some(code) = interrupt.caught() {
            return code;
        }
        match result {
            Ok(record) => {
                match format {
                    Format::Text => {
                        let rule = if text.ascii { "-" } else { "─" };
                        let shown = format!(
                            "{}{}\n",
                            human(scenario, &params, &record, text),
                            rule.repeat(terminal_width().unwrap_or(60).min(60))
                        );
                        if let Err(code) = output::out(&shown, lang) {
                            return code;
                        }
                    }
                    Format::Markdown => {
                        reports.push(markdown::report(scenario, &params, &record, lang));
                    }
                    Format::Json => {}
                }
                records.push((record, params));
            }
            Err(err) => {
                let need = mmap_lab_engine::bounds::tmpdir_need(scenario, &params);
                return fault::engine_failed(&err, lang, need);
            }
        }
    }
    match format {
        Format::Json => {
            let values: Result<Vec<serde_json::Value>, _> = records
                .iter()
                .map(|(r, p)| report::record_json(r, p, lang))
                .collect();
            match values {
                Ok(values) => {
                    output::finish(&format!("{}\n", serde_json::Value::Array(values)), lang)
                }
                Err(err) => internal(&err, lang),
            }
        }
        Format::Markdown => output::finish(&markdown::join(&reports), lang),
        Format::Text => ExitCode::SUCCESS,
    }
}

/// `mmap-lab explain ID`: the lesson, its paragraphs fitted to the terminal when stdout is
/// one; in a file or a pipe, the Markdown as written.
pub fn explain(id: &str, lang: Lang) -> ExitCode {
    match scenario(id, lang) {
        Ok(s) => {
            let text = s.lesson(lang).text;
            match terminal_width() {
                Some(width) => output::finish(&lesson_fitted(text, width), lang),
                None => output::finish(text, lang),
            }
        }
        Err(code) => code,
    }
}

/// A lesson's Markdown in lines of at most `width` columns: each paragraph and list item
/// joined (the lessons are hard-wrapped at about 90 columns, the Chinese ones between
/// characters) and wrapped again, an item's later lines under its text; code blocks, tables
/// and blank lines kept as written.
pub fn lesson_fitted(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut para: Vec<&str> = Vec::new();
    // The hanging indent of the paragraph being gathered (a list item's marker).
    let mut hang = 0;
    let flush = |para: &mut Vec<&str>, hang: usize, out: &mut String| {
        if para.is_empty() {
            return;
        }
        let joined = mmap_lab_engine::lesson::unwrap_paragraph(para);
        out.push_str(&report::wrap_text(&joined, width, hang));
        out.push('\n');
        para.clear();
    };
    let mut in_code = false;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        if fence || in_code || line.trim().is_empty() || line.starts_with('|') {
            flush(&mut para, hang, &mut out);
            if fence {
                in_code = !in_code;
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // A heading, the rule line and a list item start a paragraph of their own.
        let marker = if line.starts_with('#') || line.starts_with("> ") {
            Some(0)
        } else if line.starts_with("- ") {
            Some(2)
        } else {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
        };
        if let Some(indent) = marker {
            flush(&mut para, hang, &mut out);
            hang = indent;
        } else if para.is_empty() {
            hang = 0;
        }
        para.push(line);
        // A heading or the rule ends where its line ends.
        if line.starts_with('#') || line.starts_with("> ") {
            flush(&mut para, hang, &mut out);
        }
    }
    flush(&mut para, hang, &mut out);
    out
}

/// `mmap-lab c ID [--minimal]`: the full program, or with `minimal` the shortest one.
pub fn c_program(id: &str, sets: &[String], minimal: bool, lang: Lang) -> ExitCode {
    let scenario = match scenario(id, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let params = match params(scenario, sets, lang) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let page = engine::page_size();
    let plan = (scenario.build)(&params, page);
    let line = if sets.is_empty() {
        String::new()
    } else {
        sets.iter()
            .map(|s| format!("--set {s}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The full program runs a repeated experiment that many times itself and prints the
    // tally; the minimal one runs it once.
    let source = if minimal {
        mmap_lab_engine::cprog::minimal(scenario.id, &line, &plan, page, lang)
    } else {
        let repeat = mmap_lab_engine::cprog::Repeat::of(&params);
        mmap_lab_engine::cprog::repeated(scenario.id, &line, &plan, page, lang, repeat.as_ref())
    };
    output::finish(&source, lang)
}

fn to_json(record: &mmap_lab_engine::Record, params: &Params, lang: Lang) -> String {
    report::record_json(record, params, lang)
        .map(|v| v.to_string())
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}

/// Writing the output failed (a closed pipe, a full disk).
pub fn io_error(err: &std::io::Error, lang: Lang) -> ExitCode {
    output::write_failed(err, lang)
}

fn internal(err: &dyn std::fmt::Display, lang: Lang) -> ExitCode {
    output::err_line(&format!("mmap-lab: {}: {err}", t(S::InternalError, lang)));
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lesson in both languages, fitted to 60 and 80 columns: no line outside a code
    /// block or a table is wider (unless it is one word with no place to break), and not a
    /// character of the text is lost or added but the spaces.
    #[test]
    fn explain_fits_every_lesson_to_the_width() {
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for scenario in catalog::all() {
            for lang in [Lang::En, Lang::Zh] {
                let text = scenario.lesson(lang).text;
                // Unfitted, some line is wider than 80: the test has something to check.
                let widest = text.lines().map(mmap_lab_engine::lesson::width).max();
                for width in [60, 80] {
                    let fitted = lesson_fitted(text, width);
                    assert_eq!(squeeze(&fitted), squeeze(text), "{} {lang:?}", scenario.id);
                    let mut in_code = false;
                    for line in fitted.lines() {
                        if line.trim_start().starts_with("```") {
                            in_code = !in_code;
                        }
                        if in_code || line.starts_with('|') {
                            continue;
                        }
                        let w = mmap_lab_engine::lesson::width(line);
                        assert!(
                            w <= width
                                || !line
                                    .trim()
                                    .chars()
                                    .any(|c| c == ' ' || mmap_lab_engine::lesson::is_wide(c)),
                            "{} {lang:?} at {width} (widest unfitted {widest:?}): {w} columns: {line}",
                            scenario.id
                        );
                    }
                }
            }
        }
    }
}
