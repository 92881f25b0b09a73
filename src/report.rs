//! A finished run as text for people: parameters (symbolic, hex, decimal), each step with its
//! real return value, the outcome, the lesson's rule, the maps lines. Used by `mmap-lab run`
//! and by the TUI's copy-to-clipboard.

use crate::strings::{self, t, S};
use scenarios::engine::Outcome;
use scenarios::params::{Key, KeyKind, Params};
use scenarios::{errnos, Lang, Record, Scenario};
use std::fmt::Write as _;

/// `4096  0x1000` style: the symbolic value, then hex and decimal when it is a number.
pub fn param_line(params: &Params, key: Key) -> (String, String, String) {
    let symbolic = params.get(key);
    let Some(n) = params.number(key) else {
        return (symbolic, String::new(), String::new());
    };
    let hex = if n < 0 {
        format!("-{:#x}", n.unsigned_abs())
    } else {
        format!("{n:#x}")
    };
    let dec = match key.kind() {
        KeyKind::Number { .. } => String::new(),
        _ => n.to_string(),
    };
    (symbolic, hex, dec)
}

/// The marks before an outcome: success, errno, signal, timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    /// Before a success.
    pub ok: &'static str,
    /// Before an errno.
    pub errno: &'static str,
    /// Before a signal.
    pub signal: &'static str,
    /// Before a timeout.
    pub timeout: &'static str,
}

impl Marks {
    /// `✔ ✘ ⚡ ⌛`: the marks the command line prints.
    pub const UNICODE: Marks = Marks {
        ok: "✔",
        errno: "✘",
        signal: "⚡",
        timeout: "⌛",
    };
}

/// The outcome in one line: `✔ OK`, `✘ EINVAL (22) from mmap: …`, `⚡ SIGBUS during step 3 …`.
pub fn outcome_line(outcome: &Outcome, lang: Lang) -> String {
    outcome_line_marked(outcome, lang, Marks::UNICODE)
}

/// [`outcome_line`] with other marks (the TUI's `--ascii` set, for terminals that draw
/// symbols such as `⚡` at the wrong width).
pub fn outcome_line_marked(outcome: &Outcome, lang: Lang, marks: Marks) -> String {
    match outcome {
        Outcome::Ok => format!("{} {}", marks.ok, t(S::OkWord, lang)),
        Outcome::Errno { call, errno } => format!(
            "{} {} ({}) {} {call}: {}",
            marks.errno,
            errnos::name(*errno),
            *errno as i32,
            t(S::From, lang),
            errnos::explain(*errno, lang)
        ),
        Outcome::Signal {
            signal, step, call, ..
        } => format!(
            "{} {signal} {} {} ({call}): {}",
            marks.signal,
            t(S::During, lang),
            step + 1,
            strings::signal_text(signal.known(), lang)
        ),
        Outcome::Timeout { after_ms } => format!(
            "{} {} — {} {after_ms} ms",
            marks.timeout,
            t(S::TimeoutWord, lang),
            t(S::TimeoutAfter, lang)
        ),
    }
}

/// The run's warnings ("OK, but…"), one sentence each in `lang`.
pub fn warnings(record: &Record, lang: Lang) -> Vec<String> {
    record
        .run
        .warnings
        .iter()
        .map(|w| w.sentence(lang))
        .collect()
}

/// Facts the run established beyond the outcome (file read back, child read, copy check).
pub fn findings(record: &Record, lang: Lang) -> Vec<String> {
    let run = &record.run;
    let mut out = Vec::new();
    if let Some(check) = run.file_check {
        let what = if check.reached_file {
            t(S::FileChanged, lang)
        } else {
            t(S::FileUnchanged, lang)
        };
        // A full-width bracket brings its own space in Chinese.
        let sep = lang.pick(" ", "");
        out.push(format!(
            "{what}{sep}{}",
            strings::file_byte(check.offset, check.in_file, lang)
        ));
    }
    if let Some(text) = &run.child_read {
        if text.is_empty() {
            out.push(t(S::ChildReadNothing, lang).to_string());
        } else {
            out.push(format!("{}: {text:?}", t(S::ChildRead, lang)));
        }
    }
    if let Some(identical) = run.copy_identical {
        if identical {
            out.push(t(S::CopyIdentical, lang).to_string());
        } else {
            let at = run.copy_differs_at.unwrap_or(0);
            out.push(format!("{} {at}", t(S::CopyDiffers, lang)));
        }
    }
    if let Some(tp) = run.throughput {
        out.push(format!(
            "{}: mmap {:.0} · read/write {:.0} · copy_file_range {:.0}",
            t(S::Throughput, lang),
            tp.mmap,
            tp.read_write,
            tp.copy_file_range
        ));
    }
    if run.privileged && privilege_matters(record) {
        out.push(t(S::PrivilegedNote, lang).to_string());
    }
    out
}

/// Whether root's answer may differ from a normal user's in this run: locking memory
/// (`MAP_LOCKED` and `RLIMIT_MEMLOCK`) is where `CAP_IPC_LOCK` changes what the kernel says.
pub fn privilege_matters(record: &Record) -> bool {
    record.run.locks_memory
}

/// The whole run as text.
pub fn record_text(scenario: &Scenario, params: &Params, record: &Record, lang: Lang) -> String {
    let lesson = scenario.lesson(lang);
    let run = &record.run;
    let mut out = String::new();
    let _ = writeln!(out, "{} · {}", scenario.id, lesson.title);
    let _ = writeln!(
        out,
        "{}: {} (sysconf(_SC_PAGESIZE))\n",
        t(S::PageSize, lang),
        run.page_size
    );
    let _ = writeln!(out, "{}", t(S::Parameters, lang));
    for key in scenario.shown_keys() {
        let (sym, hex, dec) = param_line(params, key);
        let line = format!("  {:<15} {:<28} {:<12} {}", key.name(), sym, hex, dec);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "\n{}", t(S::Steps, lang));
    let who = |step: &scenarios::engine::StepRecord| {
        if step.process.is_some() {
            format!("[{}] {}", t(S::Child, lang), step.call)
        } else {
            step.call.clone()
        }
    };
    let width = run
        .steps
        .iter()
        .map(|s| scenarios::lesson::width(&who(s)))
        .max()
        .unwrap_or(0)
        .min(72);
    for (i, step) in run.steps.iter().enumerate() {
        let call = who(step);
        let pad = width.saturating_sub(scenarios::lesson::width(&call));
        let mut line = format!(
            "  {:>2}  {call}{} = {}",
            i + 1,
            " ".repeat(pad),
            step.result
        );
        if let Some(errno) = step.errno {
            let _ = write!(line, "  {} ({})", errnos::name(errno), errno as i32);
        }
        if let Some(sig) = &step.signal {
            let _ = write!(line, "  ⚡ {sig} {}", t(S::Interrupted, lang));
        }
        if let Some(p) = step.purpose {
            let _ = write!(line, "   // {}", strings::purpose(p, lang));
        }
        let _ = writeln!(out, "{line}");
    }
    let warned = warnings(record, lang);
    let outcome = match (&run.outcome, warned.is_empty()) {
        (Outcome::Ok, false) => format!("⚠ {}", t(S::OkBut, lang)),
        _ => outcome_line(&run.outcome, lang),
    };
    let _ = writeln!(out, "\n{}: {outcome}", t(S::Outcome, lang));
    for w in warned {
        let _ = writeln!(out, "  ⚠ {w}");
    }
    for finding in findings(record, lang) {
        let _ = writeln!(out, "  • {finding}");
    }
    let _ = writeln!(out, "{}: {}", t(S::Rule, lang), lesson.rule);
    for snap in &run.maps {
        let _ = writeln!(out, "\n{}", maps_heading(&snap.after, lang));
        if snap.lines.is_empty() {
            let _ = writeln!(out, "  {}", t(S::NoMapsLines, lang));
        }
        for line in &snap.lines {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// `/proc/self/maps after munmap:` in the student's language.
pub fn maps_heading(after: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} {after}:", t(S::MapsAfter, lang)),
        Lang::Zh => format!("{after} {}", t(S::MapsAfter, lang)),
    }
}
