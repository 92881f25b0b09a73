//! A finished run as text for people: parameters (symbolic, hex, decimal), each step with its
//! real return value, the outcome, the lesson's rule, the maps lines. Used by `mmap-lab run`
//! and by the TUI's copy-to-clipboard.

use crate::strings::{self, t, S};
pub use crate::units::{bytes_text, duration_text, with_units};
use mmap_lab_engine::engine::Outcome;
use mmap_lab_engine::params::{Key, KeyKind, Params};
use mmap_lab_engine::{errnos, Lang, Record, Scenario};
use std::fmt::Write as _;

/// `4096  0x1000` style: the symbolic value, then hex and decimal when it is a number.
pub fn param_line(params: &Params, key: Key) -> (String, String, String) {
    let symbolic = params.get(key);
    let Some(n) = params.number(key) else {
        return (symbolic, String::new(), String::new());
    };
    // A count (copy_runs) reads as it is: no hex, no unit.
    if matches!(key.kind(), KeyKind::Number { .. }) && !key.bytes() {
        return (symbolic, String::new(), String::new());
    }
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

/// [`param_line`] for the TUI's form: a byte count's last column is its size in units
/// (`64 MiB`, `4 KiB`), where the report has its own column of [`value_text`].
pub fn form_line(params: &Params, key: Key) -> (String, String, String) {
    let (symbolic, hex, dec) = param_line(params, key);
    let units = params
        .number(key)
        .filter(|_| key.bytes())
        .and_then(bytes_text);
    (symbolic, hex, units.unwrap_or(dec))
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
    /// Before "OK, but…" and each of its sentences.
    pub warning: &'static str,
}

impl Marks {
    /// `✔ ✘ ⚡ ⌛ ⚠`: the marks the command line prints.
    pub const UNICODE: Marks = Marks {
        ok: "✔",
        errno: "✘",
        signal: "⚡",
        timeout: "⌛",
        warning: "⚠",
    };

    /// `v x ! @ *`: for terminals that draw the symbols at the wrong width (`--ascii`).
    /// Each its own character, and none that `--ascii` puts in place of a symbol in a text
    /// (`…` becomes `~`, a bullet `-`): a mark read alone says what happened.
    pub const ASCII: Marks = Marks {
        ok: "v",
        errno: "x",
        signal: "!",
        timeout: "@",
        warning: "*",
    };
}

/// The outcome in one line: `✔ OK`, `✘ EINVAL (22) from mmap: …`, `⚡ SIGBUS during step 3 …`.
pub fn outcome_line(outcome: &Outcome, lang: Lang) -> String {
    outcome_line_marked(outcome, lang, Marks::UNICODE)
}

/// [`outcome_line`] with other marks (the TUI's `--ascii` set, for terminals that draw
/// symbols such as `⚡` at the wrong width).
pub fn outcome_line_marked(outcome: &Outcome, lang: Lang, marks: Marks) -> String {
    outcome_line_numbered(outcome, lang, marks, &|i| i + 1)
}

/// [`outcome_line_marked`] with the step named by the number `number` gives its index (a
/// run's [`mmap_lab_engine::engine::Run::step_number`]: its bookkeeping not counted).
fn outcome_line_numbered(
    outcome: &Outcome,
    lang: Lang,
    marks: Marks,
    number: &dyn Fn(usize) -> usize,
) -> String {
    match outcome {
        Outcome::Ok => format!("{} {}", marks.ok, t(S::OkWord, lang)),
        Outcome::Errno { call, errno } => format!(
            "{} {} ({}) {} {call}{}{}",
            marks.errno,
            errnos::name(*errno),
            *errno as i32,
            t(S::From, lang),
            // Chinese takes the full-width colon.
            lang.pick(": ", "："),
            errnos::explain(*errno, lang)
        ),
        Outcome::Signal {
            signal, step, call, ..
        } => during_step(
            marks.signal,
            &signal.to_string(),
            number(*step),
            call,
            Some(strings::signal_text(signal.known(), lang)),
            lang,
        ),
        Outcome::Timeout { after_ms } => format!(
            "{} {} — {} {after_ms} ms",
            marks.timeout,
            t(S::TimeoutWord, lang),
            t(S::TimeoutAfter, lang)
        ),
        Outcome::Clobbered { step, call, .. } => during_step(
            marks.signal,
            t(S::ClobberedWord, lang),
            number(*step),
            call,
            None,
            lang,
        ),
    }
}

/// `⚡ SIGSEGV during step 4 (call): why`: what happened, at which step (its number as
/// shown), and why if said; full-width brackets and colon in a Chinese sentence.
fn during_step(
    mark: &str,
    what: &str,
    number: usize,
    call: &str,
    why: Option<&str>,
    lang: Lang,
) -> String {
    let mut line = format!(
        "{mark} {what} {} {}{}{call}{}",
        t(S::During, lang),
        number,
        lang.pick(" (", "（"),
        lang.pick(")", "）")
    );
    if let Some(why) = why {
        line.push_str(lang.pick(": ", "："));
        line.push_str(why);
    }
    line
}

/// The outcome of a whole run in one line: [`outcome_line_marked`], or, when the process
/// damaged itself (its own code crashed because of an earlier step, or a step clobbered its
/// memory), that said with the step that caused it.
pub fn outcome_line_run(run: &mmap_lab_engine::engine::Run, lang: Lang, marks: Marks) -> String {
    use mmap_lab_engine::explain::{explain, Explanation};
    if let Some(text) = run.self_damage(lang) {
        return format!("{} {text}", marks.signal);
    }
    match (&run.outcome, explain(run)) {
        // The signal's usual sentence says "past the end of the file": not when the page
        // lies inside it.
        (
            Outcome::Signal {
                signal, step, call, ..
            },
            Some(e @ Explanation::SigbusNoPage { .. }),
        ) => {
            let why = e.sentence(run.page_size, lang);
            during_step(
                marks.signal,
                &signal.to_string(),
                run.step_number(*step),
                call,
                Some(&why),
                lang,
            )
        }
        _ => outcome_line_numbered(&run.outcome, lang, marks, &|i| run.step_number(i)),
    }
}

/// The outcome's headline, the one every rendering shows (text, Markdown, the screen, the
/// clipboard): [`outcome_line_run`], or `⚠ OK, but…` when every call succeeded and the run's
/// evidence qualifies that (its sentences are [`outcome_notes`]).
pub fn outcome_headline(run: &mmap_lab_engine::engine::Run, lang: Lang, marks: Marks) -> String {
    if run.ok_but() {
        format!("{} {}", marks.warning, t(S::OkBut, lang))
    } else {
        outcome_line_run(run, lang, marks)
    }
}

/// The sentences that go with the headline, each shown after a warning mark: the run's
/// warnings, then what the steps touched of the process's own pages.
pub fn outcome_notes(record: &Record, lang: Lang) -> Vec<String> {
    let mut out = warnings(record, lang);
    out.extend(touched(record, lang));
    out
}

/// The evidence line of a run: the sentence, read off the record, that answers the
/// scenario's question (the byte read back, the argument refused, where a signal struck);
/// `None` when the step that decides it did not run. One function for every rendering.
pub fn evidence(record: &Record, params: &Params, lang: Lang) -> Option<String> {
    let scenario = mmap_lab_engine::catalog::find(&record.scenario)?;
    scenario.evidence(&record.run, params, lang).map(|e| e.text)
}

/// A record's JSON object, as `run --json` prints it: the engine's fields, stamped with the
/// schema and the lab's version, and the evidence line in `lang`.
pub fn record_json(
    record: &Record,
    params: &Params,
    lang: Lang,
) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::to_value(crate::schema::RunRecord {
        stamp: crate::schema::Stamp::NOW,
        record,
        evidence: evidence(record, params, lang),
    })
}

/// The evidence line as the text and Markdown reports label it: `Evidence: …`.
pub fn evidence_line(record: &Record, params: &Params, lang: Lang) -> Option<String> {
    evidence(record, params, lang)
        .map(|e| format!("{}{}{e}", t(S::Evidence, lang), lang.pick(": ", "：")))
}

/// The command that runs this again: `mmap-lab run ID --set …` with every value that is not
/// the scenario's default, quoted for a shell.
pub fn reproduce(scenario: &Scenario, params: &Params, record: &Record) -> String {
    mmap_lab_engine::variant::reproduce(scenario, params, record.run.page_size)
}

/// What the steps touched of the process's own pages, one sentence each in `lang`.
pub fn touched(record: &Record, lang: Lang) -> Vec<String> {
    record.run.touched_sentences(lang)
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
            // A Chinese sentence takes the full-width colon.
            out.push(format!(
                "{}{}{text:?}",
                t(S::ChildRead, lang),
                lang.pick(": ", "：")
            ));
        }
    }
    // Repeated: the count of all runs, the one line a race can be read from.
    if let Some(tally) = &run.tally {
        out.push(tally.sentence(lang));
    }
    if let Some(identical) = run.copy_identical {
        if identical {
            out.push(t(S::CopyIdentical, lang).to_string());
        } else {
            let at = run.copy_differs_at.unwrap_or(0);
            out.push(format!("{} {at}", t(S::CopyDiffers, lang)));
        }
    }
    out.extend(throughput_line(record, lang));
    out.extend(cold_line(record, lang));
    out.extend(cost_line(record, lang));
    if run.privileged && privilege_matters(record) {
        out.push(t(S::PrivilegedNote, lang).to_string());
    }
    out
}

/// mmap-copy's speeds in one line (each method's median run), when the run measured them.
pub fn throughput_line(record: &Record, lang: Lang) -> Option<String> {
    let tp = record.run.throughput?;
    Some(format!(
        "{}{}mmap {:.0} · read/write {:.0} · copy_file_range {:.0}{}",
        t(S::Throughput, lang),
        lang.pick(": ", "："),
        tp.mmap,
        tp.read_write,
        tp.copy_file_range,
        tp.mmap_write
            .map_or_else(String::new, |m| format!(" · mmap+write {m:.0}"))
    ))
}

/// The first run of each copy, which the medians leave out (the cold one), when there were
/// others.
pub fn cold_line(record: &Record, lang: Lang) -> Option<String> {
    let runs = record.run.throughput_runs.as_ref()?;
    let [mmap, read_write, copy_file_range, mmap_write] = runs.methods();
    if mmap.len() < 2 {
        return None;
    }
    Some(format!(
        "{}{}mmap {:.0} · read/write {:.0} · copy_file_range {:.0}{}",
        t(S::CopyCold, lang),
        lang.pick(": ", "："),
        mmap.first()?,
        read_write.first()?,
        copy_file_range.first()?,
        mmap_write
            .first()
            .map_or_else(String::new, |m| format!(" · mmap+write {m:.0}"))
    ))
}

/// What one run of each copy cost, the median over the runs the speeds' medians count:
/// minor faults / major faults / system calls.
pub fn cost_line(record: &Record, lang: Lang) -> Option<String> {
    use mmap_lab_engine::engine::{median, warm, RunCost};
    let costs = record.run.cost_runs.as_ref()?;
    let mid = |runs: &[RunCost], of: fn(&RunCost) -> u64| {
        let xs: Vec<f64> = warm(runs).iter().map(|c| of(c) as f64).collect();
        median(&xs).map_or(0, |m| m.round() as u64)
    };
    let one = |runs: &[RunCost]| {
        format!(
            "{} / {} / {}",
            mid(runs, |c| c.minor_faults),
            mid(runs, |c| c.major_faults),
            mid(runs, |c| c.syscalls)
        )
    };
    let [mmap, read_write, copy_file_range, mmap_write] = costs.methods();
    Some(format!(
        "{}{}mmap {} · read/write {} · copy_file_range {} · mmap+write {}",
        t(S::CopyCost, lang),
        lang.pick(": ", "："),
        one(mmap),
        one(read_write),
        one(copy_file_range),
        one(mmap_write)
    ))
}

/// What the witness and the fault handler showed, one line each: a step the C library
/// answered itself (`answered_by: libc`), and for a fault signal its `si_code`, where it
/// struck (`ptr + N`) and what was there. The screen shows these beside the outcome, because
/// they are the evidence that explains it.
pub fn witness_lines(record: &Record, lang: Lang) -> Vec<String> {
    use mmap_lab_engine::engine::signals::{code_name, HitKind};
    use mmap_lab_engine::engine::witness::AnsweredBy;
    let run = &record.run;
    let mut out = Vec::new();
    if let Some(step) = run
        .steps
        .iter()
        .find(|s| s.answered_by == Some(AnsweredBy::Libc) && s.errno.is_some())
    {
        // Named after the run's own C library (`glibc 2.36` → `glibc`).
        let who = run
            .environment
            .libc
            .split_whitespace()
            .next()
            .unwrap_or("glibc");
        out.push(format!(
            "{}{}{}",
            step.function.name(),
            lang.pick(": ", "："),
            strings::libc_refused(who, lang)
        ));
    }
    if let Outcome::Signal {
        signal,
        detail: Some(d),
        ..
    } = &run.outcome
    {
        let at = match d.ptr_offset {
            Some(n) if n < 0 => format!("ptr - {}", n.unsigned_abs()),
            Some(n) => format!("ptr + {n}"),
            None => format!("{:#x}", d.addr),
        };
        let hit = match d.hit.as_ref().map(|h| h.kind) {
            Some(HitKind::Mapping) => t(S::HitMapping, lang),
            Some(HitKind::Guard) => t(S::HitGuard, lang),
            Some(HitKind::Other) => t(S::HitOther, lang),
            Some(HitKind::NotMapped) | None => t(S::HitNothing, lang),
        };
        out.push(
            t(S::SignalAt, lang)
                .replace("{0}", &signal.name())
                .replace("{1}", &code_name(signal.0, d.code))
                .replace("{2}", &at)
                .replace("{3}", hit),
        );
    }
    out
}

/// Whether root's answer may differ from a normal user's in this run: locking memory
/// (`MAP_LOCKED` and `RLIMIT_MEMLOCK`) is where `CAP_IPC_LOCK` changes what the kernel says.
pub fn privilege_matters(record: &Record) -> bool {
    record.run.locks_memory
}

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

/// `text` in lines of at most `width` columns, breaking after a space or beside a wide (CJK)
/// character, later lines indented by `indent`. A word longer than a line stays whole.
pub fn wrap_text(text: &str, width: usize, indent: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    // Byte index in `line` after which it may break, and the width up to there.
    let mut brk: Option<(usize, usize)> = None;
    for c in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if cw == 2 {
            brk = Some((line.len(), line_width));
        }
        if line_width + cw > width && line_width > indent {
            if let Some((at, at_width)) = brk.filter(|(at, _)| *at > 0) {
                let rest = line.split_off(at);
                lines.push(line.trim_end().to_string());
                let rest = rest.trim_start().to_string();
                line_width = indent + width_of(&rest);
                let _ = at_width;
                line = format!("{}{rest}", " ".repeat(indent));
                brk = None;
            }
        }
        line.push(c);
        line_width += cw;
        if c == ' ' || cw == 2 {
            brk = Some((line.len(), line_width));
        }
    }
    lines.push(line);
    lines.join("\n")
}

fn width_of(s: &str) -> usize {
    mmap_lab_engine::lesson::width(s)
}

/// `67108864 (64 MiB)` for a byte count of 1 KiB or more, the value as it is otherwise.
pub fn value_text(params: &Params, key: Key) -> String {
    let symbolic = params.get(key);
    match params.number(key) {
        Some(n) if key.bytes() => match bytes_text(n) {
            Some(human) => format!("{symbolic} ({human})"),
            None => symbolic,
        },
        _ => symbolic,
    }
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

fn width(s: &str) -> usize {
    mmap_lab_engine::lesson::width(s)
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

/// What follows a step's call on its line: ` = result  EINVAL (22)  ⚡ SIGBUS (interrupted)`.
fn step_tail(step: &mmap_lab_engine::engine::StepRecord, lang: Lang) -> String {
    let mut tail = format!(" = {}", step.result);
    if let Some(errno) = step.errno {
        let _ = write!(tail, "  {} ({})", errnos::name(errno), errno as i32);
    }
    if let Some(sig) = &step.signal {
        let _ = write!(tail, "  ⚡ {sig} {}", t(S::Interrupted, lang));
    }
    if let Some(nanos) = step.nanos {
        let _ = write!(tail, "  ({} {})", t(S::Took, lang), duration_text(nanos));
    }
    tail
}

/// The numbered steps. Results line up in one column, as far as the widest call allows
/// (at most 72 columns without a width, so one long call does not push every result away).
/// With a width, a call too long for it wraps after a `, ` or a `|`, continuing under the
/// call's first argument, and its result follows its last line.
pub fn step_lines(record: &Record, lang: Lang, width_limit: Option<usize>) -> Vec<String> {
    const NUMBER: usize = 6; // "  12  "
    let steps = &record.run.steps;
    let calls: Vec<String> = steps
        .iter()
        .map(|step| {
            if step.process.is_some() {
                format!("[{}] {}", t(S::Child, lang), step.call)
            } else {
                step.call.clone()
            }
        })
        .collect();
    let tails: Vec<String> = steps.iter().map(|s| step_tail(s, lang)).collect();
    let wrapped: Vec<Vec<String>> = calls
        .iter()
        .zip(&tails)
        .map(|(call, tail)| match width_limit {
            Some(w) => wrap_call(
                call,
                w.saturating_sub(NUMBER + width(tail)).max(24),
                continuation_indent(call, width_limit),
            ),
            None => vec![call.clone()],
        })
        .collect();
    let last_width = |lines: &Vec<String>| lines.last().map_or(0, |l| width(l));
    let cap = match width_limit {
        Some(w) => {
            let widest_tail = tails.iter().map(|t| width(t)).max().unwrap_or(0);
            w.saturating_sub(NUMBER + widest_tail)
        }
        None => 72,
    };
    let column = wrapped
        .iter()
        .map(last_width)
        .filter(|w| *w <= cap)
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for (i, ((lines, tail), step)) in wrapped.iter().zip(&tails).zip(steps).enumerate() {
        let indent = continuation_indent(&calls[i], width_limit);
        for (n, line) in lines.iter().enumerate() {
            let lead = if n == 0 && steps[i].is_bookkeeping() {
                // The lab's bookkeeping: shown, not numbered.
                format!("  {:>2}  ", "")
            } else if n == 0 {
                format!("  {:>2}  ", record.run.step_number(i))
            } else {
                " ".repeat(NUMBER + indent)
            };
            if n + 1 < lines.len() {
                out.push(format!("{lead}{line}").trim_end().to_string());
                continue;
            }
            let used = width(&lead) + width(line);
            let target = NUMBER + column;
            let padding = " ".repeat(target.saturating_sub(used));
            let mut text = format!("{lead}{line}{padding}{tail}");
            if let Some(p) = step.purpose {
                let comment = format!("// {}", strings::purpose(p, lang));
                match width_limit {
                    Some(w) if width(&text) + 3 + width(&comment) > w => {
                        out.push(text);
                        let line = format!("{}{comment}", " ".repeat(NUMBER));
                        text = wrap_text(&line, w, NUMBER + 3);
                    }
                    _ => text = format!("{text}   {comment}"),
                }
            }
            out.push(text);
        }
        if let Some(line) = witness_line(step, &record.run.environment.libc, lang) {
            let line = format!("{}↳ {line}", " ".repeat(NUMBER + 2));
            out.push(match width_limit {
                Some(w) => wrap_text(&line, w, NUMBER + 4),
                None => line,
            });
        }
        if let Some(line) = pages_line(step, lang) {
            let line = format!("{}↳ {line}", " ".repeat(NUMBER + 2));
            out.push(match width_limit {
                Some(w) => wrap_text(&line, w, NUMBER + 4),
                None => line,
            });
        }
    }
    if steps.iter().any(|s| !s.pages.is_empty()) {
        let legend = format!("{}{}", " ".repeat(NUMBER), t(S::PagesLegend, lang));
        out.push(match width_limit {
            Some(w) => wrap_text(&legend, w, NUMBER),
            None => legend,
        });
    }
    out
}

/// One step's page state in one line, from the record (`steps[].pages`, `steps[].smaps`): a
/// glyph per page (see [`PageLook`]), per process when the step has both, the child's
/// followed by `=` or `≠` where both frames are known, then the mapping's resident size:
/// `pages: F ·  RSS 4 KiB`, `pages: parent S · | child S= ·`. `None` without pages.
pub fn pages_line(step: &mmap_lab_engine::engine::StepRecord, lang: Lang) -> Option<String> {
    use mmap_lab_engine::pagemap::{same_frame, PageLook};
    if step.pages.is_empty() {
        return None;
    }
    let mut groups: Vec<(Option<&str>, Vec<String>)> = Vec::new();
    for p in &step.pages {
        let mark = match same_frame(&step.pages, p) {
            Some(true) => "=",
            Some(false) => "≠",
            None => "",
        };
        let text = format!("{}{mark}", PageLook::of(p).glyph('·'));
        match groups.last_mut() {
            Some((who, glyphs)) if *who == p.process.as_deref() => glyphs.push(text),
            _ => groups.push((p.process.as_deref(), vec![text])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(who, glyphs)| {
            let who = match *who {
                Some("parent") => format!("{} ", t(S::Parent, lang)),
                Some(_) => format!("{} ", t(S::Child, lang)),
                None => String::new(),
            };
            format!("{who}{}", glyphs.join(" "))
        })
        .collect();
    let colon = lang.pick(": ", "：");
    let mut line = format!("{}{colon}{}", t(S::Pages, lang), parts.join(" | "));
    if let Some(smaps) = &step.smaps {
        let rss = bytes_text(i128::from(smaps.rss)).unwrap_or_else(|| format!("{} B", smaps.rss));
        let _ = write!(line, "  RSS {rss}");
    }
    Some(line)
}

/// What the witness saw of a step, in one line: the system calls the kernel was asked (raw
/// arguments, as the kernel got them) and what it returned, or that the C library refused the
/// call itself, or that the step was no call at all; with the page faults it caused. `None`
/// when the witness did not watch the step.
pub fn witness_line(
    step: &mmap_lab_engine::engine::StepRecord,
    libc: &str,
    lang: Lang,
) -> Option<String> {
    use mmap_lab_engine::engine::witness::AnsweredBy;
    let faults = step.faults.map(|f| strings::faults(f.minor, f.major, lang));
    let what = match step.answered_by? {
        AnsweredBy::Libc => {
            let who = libc.split_whitespace().next().unwrap_or("libc");
            strings::libc_refused(who, lang)
        }
        AnsweredBy::None => t(S::WitnessNoCall, lang).to_string(),
        AnsweredBy::Kernel => {
            let calls: Vec<String> = step.syscalls.iter().flatten().map(|c| c.shown()).collect();
            let colon = lang.pick(": ", "：");
            format!("{}{colon}{}", t(S::WitnessKernel, lang), calls.join("; "))
        }
    };
    Some(match faults {
        Some(f) => format!("{what} · {f}"),
        None => what,
    })
}

/// Where a wrapped call's later lines start, counted from the call's first column: under its
/// first argument, unless that leaves too little room.
fn continuation_indent(call: &str, width_limit: Option<usize>) -> usize {
    let open = call.find('(').map_or(0, |i| width(&call[..=i]));
    match width_limit {
        Some(w) if open <= w / 3 => open,
        _ => 4,
    }
}

/// Split `call` into lines of at most `room` columns, the later ones indented by `indent`
/// (so they have that much less room); breaks after `, ` or `|`, never inside a word.
fn wrap_call(call: &str, room: usize, indent: usize) -> Vec<String> {
    if width(call) <= room {
        return vec![call.to_string()];
    }
    // Pieces that may not be split: up to and including each ", " or "|".
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in call.char_indices() {
        let end = i + c.len_utf8();
        let brk = (c == ' ' && call[..i].ends_with([',', ';', '{'])) || c == '|';
        if brk {
            pieces.push(&call[start..end]);
            start = end;
        }
    }
    pieces.push(&call[start..]);
    let mut lines: Vec<String> = vec![String::new()];
    for piece in pieces {
        let limit = if lines.len() == 1 {
            room
        } else {
            room.saturating_sub(indent).max(12)
        };
        let current = lines.last_mut().expect("one line at least");
        if !current.is_empty() && width(current) + width(piece.trim_end()) > limit {
            lines.push(piece.to_string());
        } else {
            current.push_str(piece);
        }
    }
    lines.iter().map(|l| l.trim_end().to_string()).collect()
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
