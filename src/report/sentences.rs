//! The sentences every rendering of a run shares (the run's text, the Markdown, the TUI): a
//! parameter's value, the outcome, the evidence, the findings, the copy's speed, the witness.

use crate::strings::{self, t, S};
use crate::units::bytes_text;
use mmap_lab_engine::engine::Outcome;
use mmap_lab_engine::params::{Key, KeyKind, Params};
use mmap_lab_engine::{errnos, Lang, Record, Scenario};

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

/// The evidence line as the text and Markdown reports label it: `Evidence: …`.
pub fn evidence_line(record: &Record, params: &Params, lang: Lang) -> Option<String> {
    evidence(record, params, lang)
        .map(|e| format!("{}{}{e}", t(S::Evidence, lang), lang.pick(": ", "：")))
}

/// The command that runs this again: `mmap-lab run ID --set …` with every value that is not
/// the scenario's default, quoted for a shell.
pub fn reproduce(scenario: &Scenario, params: &Params, record: &Record) -> String {
    mmap_lab_engine::catalog::reproduce(scenario, params, record.run.page_size)
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
    use mmap_lab_engine::engine::record::AnsweredBy;
    use mmap_lab_engine::engine::signals::{code_name, HitKind};
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
