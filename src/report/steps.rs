//! The numbered steps of the run's text: each call, its result, what the witness saw and the
//! pages after it.

use crate::strings::{self, t, S};
use crate::units::{bytes_text, duration_text};
use mmap_lab_engine::{errnos, Lang, Record};
use std::fmt::Write as _;

use super::wrap::{width, wrap_text};

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
    use mmap_lab_engine::engine::record::AnsweredBy;
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
