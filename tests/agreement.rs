//! One answer everywhere: for every scenario, with its defaults and with each variant the
//! catalogue declares for it, the lab runs the experiment once and every output made from that
//! record must say the same thing, in both languages: the JSON, the text of `run`, the Markdown
//! report, the TUI (drawn headless), and the C programs of `mmap-lab c` (full and `--minimal`,
//! compiled and run). They are compared on the outcome's kind with its errno or signal, the
//! warnings (each sentence, in every rendering made for people), and the evidence where a C
//! program prints it: the bytes the experiment read, the byte read back from the file, the text
//! the other process saw. Any difference fails, naming the case and the two outputs.
//!
//! The C programs are also held to what they always were: each compiles with
//! `cc -Wall -Wextra -Werror` (once per program: the run and the comparison share it), runs,
//! and leaves nothing behind in its `TMPDIR`; a minimal program is at most [`MINIMAL_LINES`]
//! lines long and, where the lab reports a signal, dies of that same signal (it has no handler).
//!
//! Nothing here says what the outcome should be: the kernel decides, twice, and the answers
//! must match. The cases whose answer depends on the process's layout, or on the scheduler's
//! timing, are listed in one place, [`LAYOUT_DEPENDENT`], with why: their renderings are
//! compared; a layout-dependent case's C programs are only compiled, a timing-dependent case's
//! run and must give the same outcome, not the same values.

mod tui_support;

use mmap_lab::report;
use mmap_lab::strings::{t, S};
use mmap_lab_engine::engine::{self, Outcome, Plan};
use mmap_lab_engine::texts::Text;
use mmap_lab_engine::{catalog, cprog, errnos, evidence, prepare, Lang, Record};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long one C program may run before it counts as hung (its own alarm fires earlier).
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The most lines a minimal program may have: short enough to copy into notes.
const MINIMAL_LINES: usize = 60;

/// The cases whose answer depends on what the process has mapped next to the mapping, which
/// differs between the lab's process and a C program's, or on how the scheduler ordered two
/// racing processes, which differs from run to run: (scenario, its `--set`s, which, why). The
/// one place they are listed. Every rendering of their record is compared. A layout-dependent
/// case's C programs are only compiled ([`compile_only_cases`]); a timing-dependent case's C
/// programs run and must end with the lab's outcome, but the values they print (what the
/// racing child read) are not compared with the lab's. The test checks that the layout
/// entries are exactly the catalogue's variants declared `Expect::DependsOnLayout`.
const LAYOUT_DEPENDENT: &[(&str, &[&str], Depends, &str)] = &[
    (
        "out-of-bounds",
        &["guard=false"],
        Depends::Layout,
        "with no guard page, the touch one page past the mapping meets whatever the process has \
         mapped above it (nothing: SIGSEGV; the C library's or the lab's memory: a read that \
         works), and the lab's process and the C program are laid out differently",
    ),
    (
        "anonymous-ipc",
        &["sync=none", "repeat=200"],
        Depends::Timing,
        "nothing orders the parent's write and the child's read: which comes first is the \
         scheduler's choice in each run (and the C program's printing between the steps shifts \
         it)",
    ),
    (
        "anonymous-ipc",
        &["sync=sleep", "repeat=200"],
        Depends::Timing,
        "a sleep only makes the parent's write likely to come first; on a loaded machine the \
         child can still read too early",
    ),
];

/// Why a case's C programs cannot be compared value for value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depends {
    /// On what the process has mapped: the C programs are only compiled.
    Layout,
    /// On the scheduler: the C programs run and give the same outcome, their values differ.
    Timing,
}

/// Whether the values a case's C programs print are compared with the lab's: not for a
/// timing-dependent case of [`LAYOUT_DEPENDENT`].
fn values_compared(id: &str, sets: &[String]) -> bool {
    !LAYOUT_DEPENDENT
        .iter()
        .any(|(i, s, d, _)| *d == Depends::Timing && *i == id && s.iter().eq(sets.iter()))
}

/// One combination: a scenario and its `--set` values.
struct Case {
    id: &'static str,
    sets: Vec<String>,
    /// Whether its C programs run and are compared (not a [`LAYOUT_DEPENDENT`] case).
    c_runs: bool,
}

/// From the catalogue: every scenario with its defaults, then each variant it declares (with
/// its placeholders filled for this page size). Every parameter set this test once listed by
/// hand is a declared variant now (or a scenario's defaults).
fn cases(page: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for s in catalog::all() {
        cases.push(Case {
            id: s.id,
            sets: Vec::new(),
            c_runs: true,
        });
        for v in s.variants {
            cases.push(Case {
                id: s.id,
                sets: v.sets(page),
                c_runs: v.expect.is_determined(),
            });
        }
    }
    cases
}

/// Combinations only compiled, not run: the extremes of every knob, where a number or a flag
/// could come out as C that does not compile cleanly. Some would map over the program itself;
/// some have an answer that depends on what else the process has mapped, which differs between
/// the lab's process and the C program's.
fn compile_only_cases(page: u64) -> Vec<Case> {
    let play = |sets: &[&str]| Case {
        id: "playground",
        sets: sets.iter().map(|s| s.to_string()).collect(),
        c_runs: false,
    };
    let other = |id: &'static str, sets: &[&str]| Case {
        id,
        sets: sets.iter().map(|s| s.to_string()).collect(),
        c_runs: false,
    };
    let mut cases = vec![
        play(&["offset=-9223372036854775808"]),
        play(&["offset=9223372036854775807"]),
        play(&["length=0xffffffffffffffff", "file_size=0"]),
        play(&["addr=0xffffffffffffffff", "flags=MAP_SHARED|MAP_FIXED"]),
        play(&["addr=0x10000", "flags=MAP_PRIVATE|MAP_FIXED_NOREPLACE"]),
        play(&["flags=0xffffffff"]),
        play(&["flags=0"]),
        play(&["prot=0x7fffffff", "mprotect=0x80000000"]),
        play(&["prot=PROT_NONE", "mprotect=PROT_READ|PROT_WRITE|PROT_EXEC"]),
        play(&["open=O_RDWR|O_APPEND|O_TRUNC"]),
        play(&[
            "munmap_shift=-9223372036854775808",
            "munmap_length=0xffffffffffffffff",
        ]),
        play(&["access=write@18446744073709551615"]),
        play(&["access=read@9223372036854775808"]),
        play(&[
            "rlimit_as=0xffffffffffffffff",
            "rlimit_data=0",
            "rlimit_memlock=1",
        ]),
        play(&["exhaust_map_count=true", "guard=true", "close_fd=true"]),
        play(&["exhaust_map_count=true", "guard=true"]),
        // The parent dies of SIGSEGV right after the fork. Not run here: the engine's forked
        // grandchild sets PR_SET_PDEATHSIG without checking that its parent is still alive, so
        // when the parent dies first it is left blocked on the pipe forever, holding the test's
        // stdout open.
        other("anonymous-ipc", &["prot=PROT_READ"]),
        // The touch past the end meets whatever the process has there.
        other("out-of-bounds", &["guard=false"]),
        play(&["file=sealed-memfd", "file_size=0", "access=write@0"]),
        play(&[
            "file=new",
            "close_fd=true",
            "access=write@4096",
            "guard=true",
        ]),
        play(&["file=anonymous", "addr=existing", "close_fd=true"]),
        play(&["file=bad-fd", "close_fd=true"]),
        play(&["file=pipe", "close_fd=true", "mprotect=PROT_READ"]),
        play(&["file=dev-null", "open=O_WRONLY"]),
    ];
    cases.extend([
        other("empty-new-file", &["grow=lseek-write", "file_size=0"]),
        other("empty-new-file", &["grow=ftruncate", "file_size=1G"]),
        other("mmap-copy", &["copy_size=1", "window=4K"]),
        other("mmap-copy", &["copy_size=1G", "window=1G"]),
        other("anonymous-ipc", &["flags=0", "prot=PROT_NONE"]),
        other(
            "munmap-shifted-pointer",
            &["file=anonymous", "munmap_shift=-1"],
        ),
        other(
            "zero-length",
            &["file=anonymous", "flags=MAP_SHARED_VALIDATE|MAP_ANONYMOUS"],
        ),
    ]);
    // The catalogue's variants whose answer depends on the layout, unless listed above.
    for s in catalog::all() {
        for v in s.variants.iter().filter(|v| !v.expect.is_determined()) {
            let sets = v.sets(page);
            if !cases.iter().any(|c| c.id == s.id && c.sets == sets) {
                cases.push(Case {
                    id: s.id,
                    sets,
                    c_runs: false,
                });
            }
        }
    }
    cases
}

/// The engine's outcome as the C program's last line says it.
fn outcome_line(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok => "outcome: ok".to_string(),
        Outcome::Errno { errno, .. } => format!("outcome: errno {}", errnos::name(*errno)),
        Outcome::Signal { signal, .. } => format!("outcome: signal {signal}"),
        Outcome::Timeout { .. } => "outcome: timeout".to_string(),
        // The lab stops where the C program would go on running on destroyed memory: no
        // declared parameter set reaches this (none replaces the process's own pages).
        Outcome::Clobbered { .. } => "outcome: clobbered".to_string(),
    }
}

/// Both languages everything is written in.
const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// The answer as one word or two, the same in every language: `ok`, `ok-but` (every call
/// succeeded and the run warns), `errno EINVAL`, `signal SIGBUS`, `clobbered`, `timeout`.
fn kind_of_record(record: &Record) -> String {
    let run = &record.run;
    match &run.outcome {
        Outcome::Ok if !run.warnings.is_empty() => "ok-but".to_string(),
        Outcome::Ok => "ok".to_string(),
        Outcome::Errno { errno, .. } => format!("errno {}", errnos::name(*errno)),
        Outcome::Signal { signal, .. } => format!("signal {}", signal.name()),
        Outcome::Clobbered { .. } => "clobbered".to_string(),
        Outcome::Timeout { .. } => "timeout".to_string(),
    }
}

/// The answer as the JSON says it: the outcome object's kind, errno or signal, and whether it
/// carries warnings; and the warnings' kinds.
fn kind_of_json(record: &Record) -> (String, Vec<String>) {
    let json = serde_json::to_value(record).expect("a record is JSON");
    let o = &json["outcome"];
    let warnings: Vec<String> = o["warnings"]
        .as_array()
        .map(|w| w.iter().map(|w| w["kind"].to_string()).collect())
        .unwrap_or_default();
    let word = |k: &str| o[k].as_str().unwrap_or("?").to_string();
    let kind = match o["kind"].as_str().unwrap_or("?") {
        "ok" if !warnings.is_empty() => "ok-but".to_string(),
        "errno" => format!("errno {}", word("errno")),
        "signal" => format!("signal {}", word("signal")),
        other => other.to_string(),
    };
    (kind, warnings)
}

/// The answer a line made for people shows: what follows its mark. `None` when it shows none.
fn kind_of_line(line: &str, lang: Lang) -> Option<String> {
    let after = |mark: &str| line.split_once(mark).map(|(_, rest)| rest.trim_start());
    let first_word = |rest: &str| {
        rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("")
            .to_string()
    };
    if let Some(rest) = after("⚠ ") {
        return rest
            .starts_with(t(S::OkBut, lang))
            .then(|| "ok-but".to_string());
    }
    if let Some(rest) = after("✔ ") {
        return rest
            .starts_with(t(S::OkWord, lang))
            .then(|| "ok".to_string());
    }
    // The list of scenarios marks each one with its last answer's mark: `✘ zero-length` is
    // a scenario's id, not an answer.
    if let Some(rest) = after("✘ ") {
        let word = first_word(rest);
        let errno = word.starts_with('E') && word.chars().all(|c| c.is_ascii_uppercase());
        return errno.then(|| format!("errno {word}"));
    }
    if let Some(rest) = after("⚡ ") {
        // A signal is named first; the process's damage to itself is said in a sentence.
        let word = first_word(rest);
        if word.starts_with("SIG") {
            return Some(format!("signal {word}"));
        }
        let clobbered = rest.starts_with(t(S::ClobberedWord, lang))
            || rest.starts_with("step ")
            || rest.starts_with("第 ");
        return clobbered.then(|| "clobbered".to_string());
    }
    after("⌛ ").map(|_| "timeout".to_string())
}

/// The outcome line of `run`'s text: the answer and the sentences under it (`  ⚠ …`).
fn from_text(text: &str, lang: Lang) -> (Option<String>, Vec<String>) {
    let head = format!("{}{}", t(S::Outcome, lang), lang.pick(": ", "："));
    let mut lines = text.lines().skip_while(|l| !l.starts_with(&head));
    let kind = lines.next().and_then(|l| kind_of_line(l, lang));
    // The evidence line comes first under the outcome (compared in `evidence_agrees`).
    let evidence = format!("  {}", t(S::Evidence, lang));
    let notes = lines
        .skip_while(|l| l.starts_with(&evidence))
        .map_while(|l| l.strip_prefix("  ⚠ "))
        .map(str::to_string)
        .collect();
    (kind, notes)
}

/// The Markdown report's outcome: the bold line under its heading, and the `- ⚠ …` list.
fn from_markdown(md: &str, lang: Lang) -> (Option<String>, Vec<String>) {
    let heading = format!("### {}", t(S::Outcome, lang));
    let mut lines = md
        .lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .filter(|l| !l.is_empty());
    let kind = lines
        .next()
        .and_then(|l| l.strip_prefix("**"))
        .and_then(|l| kind_of_line(l, lang));
    let notes = lines
        .skip_while(|l| l.starts_with(t(S::Evidence, lang)))
        .map_while(|l| l.strip_prefix("- ⚠ "))
        .map(str::to_string)
        .collect();
    (kind, notes)
}

/// The TUI's frame after the run, drawn headless: every answer a line of it shows, and the
/// frame itself.
fn from_screen(case: &Case, record: &Record, lang: Lang) -> (Vec<String>, String) {
    let mut app = tui_support::app(case.id, lang, SCREEN);
    tui_support::replay(&mut app, record.clone());
    let frame = tui_support::text(&app);
    let mut kinds: Vec<String> = frame
        .lines()
        .filter_map(|l| kind_of_line(l, lang))
        .collect();
    kinds.sort();
    kinds.dedup();
    (kinds, frame)
}

/// The size the TUI is drawn at: wide and tall enough that the outcome pane shows the answer
/// and each sentence under it on a line of its own.
const SCREEN: (u16, u16) = (200, 60);

/// The evidence a C program may print, from the record, in the order of the steps: each byte
/// a touch read (`c = ptr[0]` → `0x2a '*'`), the byte read back from the file, the text the
/// other process read. `(the step's call, its result, the value as a number if it is one)`.
fn evidence(record: &Record) -> Vec<(String, String, Option<i64>)> {
    record
        .run
        .steps
        .iter()
        .filter(|s| {
            s.function.name() == "load"
                || s.call.starts_with("pread(")
                || s.call.starts_with("memcpy(text")
        })
        .filter(|s| s.errno.is_none() && s.signal.is_none())
        .map(|s| {
            let number = (s.function.name() != "memcpy").then_some(s.ret).flatten();
            let call = match &s.process {
                Some(_) => format!("[child] {}", s.call),
                None => s.call.clone(),
            };
            (call, s.result.clone(), number)
        })
        .collect()
}

/// `line` with every hex number written `0x#`: addresses differ from one process to another.
fn addresses_masked(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        out.push_str("0x#");
        rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// Whether the full C program printed each piece of evidence with the lab's result: the same
/// call (addresses aside), in the same order, with the very result the lab shows.
fn full_evidence_agrees(stdout: &str, record: &Record) -> Result<usize, String> {
    // The other process's lines are marked in the program's language.
    let lines: Vec<String> = stdout
        .lines()
        .map(|l| l.replacen("[子进程] ", "[child] ", 1))
        .collect();
    let mut at = 0;
    let mut compared = 0;
    for (call, result, _) in evidence(record) {
        let want = addresses_masked(&call);
        let found = lines[at..].iter().position(|l| {
            l.split_once(" = ").is_some() && addresses_masked(l).starts_with(&format!("{want} = "))
        });
        let Some(k) = found else {
            return Err(format!(
                "the lab shows `{call} = {result}`; the C program prints no such call after \
                 line {at}\n--- stdout ---\n{stdout}"
            ));
        };
        let line = &lines[at + k];
        // The call itself may hold ` = ` (`c = ptr[0]`): the result follows one more.
        let n = call.matches(" = ").count() + 1;
        let printed = line.splitn(n + 1, " = ").nth(n).unwrap_or("");
        if printed != result {
            return Err(format!(
                "the lab shows `{call} = {result}`, the C program `{line}`\n--- stdout ---\n{stdout}"
            ));
        }
        at += k + 1;
        compared += 1;
    }
    Ok(compared)
}

/// A page state line, parsed: see [`pages_line`].
type PagesLine<'a> = (usize, Option<&'static str>, Vec<(i64, Vec<&'a str>)>);

/// One page state line of the full C program in `lang` (`  pages after step 4 (child): 0
/// present,exclusive,cached | 1 absent`, `  第 4 步之后的页（子进程）：0 在内存、只属于本进程、
/// 在页缓存中 | 1 不在内存`): the plan step it follows, whose pages (`None` with one process),
/// and each page's number with the words printed for it.
fn pages_line(line: &str, lang: Lang) -> Option<PagesLine<'_>> {
    let line = line.trim_start();
    let (head, rest) = match lang {
        Lang::En => line.strip_prefix("pages after step ")?.split_once(": ")?,
        Lang::Zh => line
            .strip_prefix("第 ")
            .filter(|r| r.contains("步之后的页"))?
            .split_once('：')?,
    };
    let step = head
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let who = if head.contains("(parent)") || head.contains("（父进程）") {
        Some("parent")
    } else if head.contains("(child)") || head.contains("（子进程）") {
        Some("child")
    } else {
        None
    };
    let pages = rest
        .split(" | ")
        .filter_map(|e| {
            let (n, words) = e.trim().split_once(' ')?;
            let words = words.split(cprog::page_word_separator(lang)).collect();
            Some((n.parse().ok()?, words))
        })
        .collect();
    Some((step, who, pages))
}

/// What [`pages_agree`] compared: the pages, and among them those the lab found mapped to the
/// kernel's shared zero page.
#[derive(Debug, Default, Clone, Copy)]
struct PagesCompared {
    pages: usize,
    zero: usize,
}

/// Whether the page states the full C program printed in `lang` (its own `/proc/self/pagemap`,
/// `PAGEMAP_SCAN` and `mincore`) are the lab's for the same step and process: present,
/// swapped, file and exclusive as the record has them, the zero page where the lab knows it
/// (the program asks the same kernel the same way: where the lab knows, so does it, and a
/// page the lab saw as the zero page must be named so), and the page cache where the program
/// could ask (`mincore` on its own mapping's pages). The words are read in the program's
/// language, from the table it is written from. Frame numbers differ between two processes and
/// are not compared; nor are `exclusive` and the page cache from the fork until the child is
/// reaped, where the C program's parent and child run on while the other prints (the lab
/// reads both stopped, one going on at a time): the other's touch or `ftruncate` may come
/// first; nor a file page a read fault mapped in one process and
/// not in the other (fault-around). The lab's page states must reach the program: where the
/// record has some, the program must print page lines this reads.
fn pages_agree(stdout: &str, record: &Record, lang: Lang) -> Result<PagesCompared, String> {
    let steps = &record.run.steps;
    if steps.iter().all(|s| s.pages.is_empty()) {
        // The lab read no pages here (the witness off): nothing to compare.
        return Ok(PagesCompared::default());
    }
    let word = |t: Text| t.get(lang);
    let mut compared = PagesCompared::default();
    // From the fork until the parent has reaped the child, the C program's two processes run
    // at once: the other one's touch or `ftruncate` may come before this one prints.
    let fork = steps.iter().position(|s| s.call == "fork()");
    let reaped = steps.iter().position(|s| s.call.starts_with("waitpid("));
    let mut lines = 0;
    for (step, who, pages) in stdout.lines().filter_map(|l| pages_line(l, lang)) {
        lines += 1;
        // The program numbers the steps as the lab shows them (its maps captures unnumbered).
        let index = (0..steps.len())
            .find(|&i| !steps[i].is_bookkeeping() && record.run.step_number(i) == step)
            .ok_or_else(|| {
                format!("the C program prints pages after step {step}, past the record")
            })?;
        let rec = &steps[index];
        let at_fork = fork.is_some_and(|f| f <= index && reaped.is_none_or(|r| index < r));
        for (n, words) in pages {
            let Some(lab) = rec
                .pages
                .iter()
                .find(|p| p.page == n && p.process.as_deref() == who)
            else {
                return Err(format!(
                    "the C program prints page {n} after step {step} ({}, {who:?}); the lab \
                     recorded no such page there",
                    rec.call
                ));
            };
            let has = |t: Text| words.contains(&word(t));
            if !has(Text::CPagePresent) && !has(Text::CPageAbsent) {
                return Err(format!(
                    "after step {step}, page {n} {who:?}: the C program says neither `{}` nor \
                     `{}`: {words:?}",
                    word(Text::CPagePresent),
                    word(Text::CPageAbsent)
                ));
            }
            // A read fault maps, besides its page, neighbours that sit in the page cache as the
            // kernel sees fit (fault-around): one process may have a file page mapped there
            // that the other has not. Only a load, only a file page.
            let around = rec.function.name() == "load"
                && has(Text::CPagePresent) != lab.present
                && if lab.present {
                    lab.file
                } else {
                    has(Text::CPageFile)
                };
            if around {
                continue;
            }
            let mut bits = vec![
                (Text::CPagePresent, has(Text::CPagePresent), lab.present),
                (Text::CPageSwapped, has(Text::CPageSwapped), lab.swapped),
                (Text::CPageFile, has(Text::CPageFile), lab.file),
            ];
            if let Some(zero) = lab.zero_page {
                bits.push((Text::CPageZero, has(Text::CPageZero), zero));
                compared.zero += usize::from(zero);
            }
            if !at_fork {
                bits.push((
                    Text::CPageExclusive,
                    has(Text::CPageExclusive),
                    lab.exclusive,
                ));
                let asked = has(Text::CPageCached) || has(Text::CPageUncached);
                if let (true, Some(cached)) = (asked, lab.cached) {
                    bits.push((Text::CPageCached, has(Text::CPageCached), cached));
                }
            }
            for (name, c, l) in bits {
                if c != l {
                    return Err(format!(
                        "after step {step} ({}), page {n} {who:?}: the C program says `{}` \
                         {c}, the lab {l}",
                        rec.call,
                        word(name)
                    ));
                }
            }
            compared.pages += 1;
        }
    }
    if lines == 0 {
        return Err(format!(
            "the lab recorded page states; the C program printed no page line in {} that \
             this test reads",
            lang.code()
        ));
    }
    Ok(compared)
}

/// Whether the minimal program printed the lab's bytes: each number it prints (`ptr[0] = 42`,
/// `data[0] = 0x2a`) is the next byte of the lab's evidence, in order. It prints fewer (the
/// other process's text it does not print); what it prints must be the lab's.
fn minimal_evidence_agrees(stdout: &str, record: &Record) -> Result<usize, String> {
    let lab: Vec<i64> = evidence(record).iter().filter_map(|e| e.2).collect();
    let printed: Vec<i64> = stdout
        .lines()
        .filter(|l| !l.starts_with("outcome:"))
        .filter_map(|l| l.rsplit_once(" = "))
        .filter_map(|(_, v)| match v.strip_prefix("0x") {
            Some(hex) => i64::from_str_radix(hex, 16).ok(),
            None => v.parse().ok(),
        })
        .collect();
    // Bytes as the lab shows them: a char read as signed in C is the same byte.
    let byte = |v: i64| v & 0xff;
    let mut lab_at = lab.iter();
    for (i, v) in printed.iter().enumerate() {
        if !lab_at.any(|l| byte(*l) == byte(*v)) {
            return Err(format!(
                "the minimal program's value #{} is {v}, which the lab never read (its bytes: \
                 {lab:?})\n--- stdout ---\n{stdout}",
                i + 1
            ));
        }
    }
    Ok(printed.len())
}

/// A case with what the engine said, and its C program in one language.
struct Prepared {
    label: String,
    expected: String,
    source: String,
    /// The minimal program (`--minimal`), not the full one.
    minimal: bool,
    /// The signal the engine reports, which kills the minimal program.
    signal: Option<i32>,
    /// The record the lab made, for the evidence.
    record: std::sync::Arc<Record>,
    /// Whether the printed values must be the lab's (not for a race: see [`Depends::Timing`]).
    values: bool,
    /// The program's language.
    lang: Lang,
}

/// What a program that agreed with the lab showed: its last line, and the page states
/// compared.
struct Agreed {
    last: String,
    pages: PagesCompared,
}

impl Agreed {
    fn new(last: String) -> Agreed {
        Agreed {
            last,
            pages: PagesCompared::default(),
        }
    }
}

/// Both programs, full and minimal, for `case`, in `lang`.
/// The full one runs a repeated experiment (`repeat`) that many times, as `mmap-lab c` writes it.
fn sources(
    case: &Case,
    params: &mmap_lab_engine::Params,
    params_line: &str,
    plan: &Plan,
    page: u64,
    lang: Lang,
) -> [String; 2] {
    let repeat = cprog::Repeat::of(params);
    [
        cprog::repeated(case.id, params_line, plan, page, lang, repeat.as_ref()),
        cprog::minimal(case.id, params_line, plan, page, lang),
    ]
}

/// A case the lab ran: its parameters, the plan and the record.
struct Ran<'c> {
    case: &'c Case,
    scenario: &'static mmap_lab_engine::Scenario,
    params: mmap_lab_engine::Params,
    plan: Plan,
    record: Record,
    /// The command that reproduces it, which names it in every message.
    label: String,
}

/// The case run once by the lab.
fn run_case(case: &Case, page: u64) -> Ran<'_> {
    let scenario = catalog::find(case.id).unwrap_or_else(|| panic!("no scenario {}", case.id));
    let params = prepare(scenario, &case.sets)
        .unwrap_or_else(|e| panic!("{} {:?}: {e}", case.id, case.sets));
    let plan: Plan = (scenario.build)(&params, page);
    let record = mmap_lab_engine::run_scenario(scenario, &params)
        .unwrap_or_else(|e| panic!("{} {:?}: {e}", case.id, case.sets));
    let label = report::reproduce(scenario, &params, &record);
    Ran {
        case,
        scenario,
        params,
        plan,
        record,
        label,
    }
}

/// Every rendering of the case's record compared with its JSON: each difference found, and
/// how many outputs were compared.
fn renderings_agree(ran: &Ran<'_>) -> (Vec<String>, usize) {
    let (case, scenario, params, record, label) = (
        ran.case,
        ran.scenario,
        &ran.params,
        &ran.record,
        ran.label.as_str(),
    );
    let mut differences = Vec::new();
    let mut outputs = 1;
    let want = kind_of_record(record);
    let (json_kind, json_warnings) = kind_of_json(record);
    if json_kind != want || json_warnings.len() != record.run.warnings.len() {
        differences.push(format!(
            "{label}: the record says {want} with {} warning(s), the JSON {json_kind} with \
             {json_warnings:?}",
            record.run.warnings.len()
        ));
    }
    for lang in LANGS {
        let notes = report::outcome_notes(record, lang);
        let text = report::record_text(scenario, params, record, lang);
        let md = mmap_lab::markdown::report(scenario, params, record, lang);
        let (screen_kinds, frame) = from_screen(case, record, lang);
        outputs += 3;
        for (name, (kind, shown), whole) in [
            ("text", from_text(&text, lang), &text),
            ("Markdown", from_markdown(&md, lang), &md),
        ] {
            if kind.as_deref() != Some(want.as_str()) || shown != notes {
                differences.push(format!(
                    "[{}] {label}: JSON says {json_kind} with {notes:?}; {name} says {kind:?} \
                     with {shown:?}\n--- {name} ---\n{whole}",
                    lang.code()
                ));
            }
            if !whole.contains(label) {
                differences.push(format!(
                    "[{}] {label}: {name} lacks the command that reproduces it\n{whole}",
                    lang.code()
                ));
            }
        }
        // The screen shows the answer (maybe twice: the call pane and the outcome pane) and
        // no other, and each sentence right after a warning mark.
        let missing: Vec<&String> = notes
            .iter()
            .filter(|n| {
                let start: String = n.chars().take(30).collect();
                !frame.contains(&format!("⚠ {start}"))
            })
            .collect();
        if screen_kinds != [want.clone()] || !missing.is_empty() {
            differences.push(format!(
                "[{}] {label}: JSON says {json_kind}; the screen shows {screen_kinds:?}, \
                 lacking {missing:?}\n--- screen ---\n{frame}",
                lang.code()
            ));
        }
        differences.extend(evidence_agrees(ran, lang, &text, &md, &frame));
        // The evidence (the file read back, what the other process read, the copy's check)
        // and the rule, in the same words on each: whole in text and Markdown, their start on
        // the screen, where a pane may wrap them. The screen draws mmap-copy's speeds as a
        // chart, not as the sentence; it keeps the findings under the outcome, never below
        // the fold, but the rule may be (a long run's steps come first): it is compared
        // where the screen shows it.
        let lesson = scenario.lesson(lang);
        let rule = mmap_lab_engine::explain::rule_line(scenario, &record.run, &lesson.rule, lang);
        let speeds = report::throughput_line(record, lang);
        let rule_shown = frame.contains(&format!("{}: ", t(S::Rule, lang)));
        let mut said: Vec<(String, bool)> = report::findings(record, lang)
            .into_iter()
            .map(|f| {
                let on_screen = Some(&f) != speeds.as_ref();
                (f, on_screen)
            })
            .collect();
        said.push((rule, rule_shown));
        // Each step's call and what it returned, as the record has them (the screen's
        // outcome pane lists them below the fold of a long run: the call pane and the JSON
        // show the same record).
        for step in &record.run.steps {
            let line = format!("{} = {}", step.call, step.result);
            let md_line = format!("`{}` → `{}`", step.call, step.result);
            let in_text = text.lines().any(|l| {
                l.contains(step.call.as_str()) && l.contains(&format!(" = {}", step.result))
            });
            if !in_text || !md.contains(&md_line) {
                differences.push(format!(
                    "[{}] {label}: the record's step `{line}` is not in {}",
                    lang.code(),
                    if in_text { "the Markdown" } else { "the text" }
                ));
            }
        }
        for (sentence, on_screen) in &said {
            let start: String = sentence.chars().take(24).collect();
            for (name, whole) in [("text", &text), ("Markdown", &md), ("screen", &frame)] {
                let found = match name {
                    "screen" => !on_screen || whole.contains(&start),
                    _ => whole.contains(sentence.as_str()),
                };
                if !found {
                    differences.push(format!(
                        "[{}] {label}: {name} lacks `{sentence}`\n--- {name} ---\n{whole}",
                        lang.code()
                    ));
                }
            }
        }
    }
    (differences, outputs)
}

/// The evidence line of the case in `lang`: there, made of the record's own value (the byte
/// or text the deciding step read, the errno, the signal's address), the same sentence in the
/// text, the Markdown, the JSON and on the screen (its start: a pane may wrap it), and gone
/// when the record is cut before the step that decides it.
fn evidence_agrees(ran: &Ran<'_>, lang: Lang, text: &str, md: &str, frame: &str) -> Vec<String> {
    let (record, label) = (&ran.record, ran.label.as_str());
    let code = lang.code();
    let Some(found) = ran.scenario.evidence(&record.run, &ran.params, lang) else {
        return vec![format!(
            "[{code}] {label}: no evidence for {}",
            kind_of_record(record)
        )];
    };
    let mut out = Vec::new();
    let sentence = found.text.as_str();
    let Some(step) = record.run.steps.get(found.step) else {
        return vec![format!(
            "[{code}] {label}: the evidence's step {} did not run",
            found.step
        )];
    };
    let byte = || step.ret.map(evidence::byte).unwrap_or_default();
    let value = match &record.run.outcome {
        Outcome::Errno { errno, .. } => errnos::name(*errno).to_string(),
        Outcome::Signal {
            detail: Some(d), ..
        } => format!("{:#x}", d.addr),
        Outcome::Signal { signal, .. } => signal.name(),
        _ if step.function.name() == "memcmp" => String::new(),
        _ if step.function.name() == "memcpy" => step.result.clone(),
        _ if step.function.name() == "load"
            || step.function.name() == "store"
            || step.purpose.is_some() =>
        {
            byte()
        }
        _ => step.result.clone(),
    };
    if !sentence.contains(&value) {
        out.push(format!(
            "[{code}] {label}: the evidence `{sentence}` does not name the record's {value}"
        ));
    }
    let line = report::evidence_line(record, &ran.params, lang).unwrap_or_default();
    let json = report::record_json(record, &ran.params, lang).expect("a record is JSON");
    let start: String = line.chars().take(24).collect();
    for (name, shown) in [
        ("text", text.contains(&line)),
        ("Markdown", md.contains(&line)),
        ("JSON", json["evidence"].as_str() == Some(sentence)),
        ("screen", frame.contains(&start)),
    ] {
        if !shown {
            out.push(format!("[{code}] {label}: {name} lacks `{line}`"));
        }
    }
    let mut cut = record.run.clone();
    cut.steps.truncate(found.step);
    if let Some(e) = ran.scenario.evidence(&cut, &ran.params, lang) {
        out.push(format!(
            "[{code}] {label}: cut before step {}, the record still has evidence `{}`",
            found.step, e.text
        ));
    }
    out
}

/// The case's C programs, full and minimal, in each language.
fn programs(ran: &Ran<'_>, page: u64) -> Vec<Prepared> {
    let case = ran.case;
    let params_line = case
        .sets
        .iter()
        .map(|s| format!("--set {s}"))
        .collect::<Vec<_>>()
        .join(" ");
    let expected = outcome_line(&ran.record.run.outcome);
    let signal = match ran.record.run.outcome {
        Outcome::Signal { signal, .. } => Some(signal.0),
        _ => None,
    };
    let record = std::sync::Arc::new(ran.record.clone());
    let values = values_compared(case.id, &case.sets);
    LANGS
        .iter()
        .flat_map(|&lang| {
            let [full, minimal] = sources(case, &ran.params, &params_line, &ran.plan, page, lang);
            [
                Prepared {
                    source: full,
                    expected: expected.clone(),
                    label: format!("[{}] {}", lang.code(), ran.label),
                    minimal: false,
                    signal,
                    record: record.clone(),
                    values,
                    lang,
                },
                Prepared {
                    source: minimal,
                    expected: expected.clone(),
                    label: format!("[{} minimal] {}", lang.code(), ran.label),
                    minimal: true,
                    signal,
                    record: record.clone(),
                    values,
                    lang,
                },
            ]
        })
        .collect()
}

/// Whether a minimal program is short enough.
fn short_enough(source: &str) -> Result<(), String> {
    let lines = source.lines().count();
    if lines > MINIMAL_LINES {
        return Err(format!(
            "{lines} lines, more than {MINIMAL_LINES}\n--- source ---\n{source}"
        ));
    }
    Ok(())
}

/// Run `cmd` with a time limit; returns (exit status, stdout, stderr).
fn run_limited(
    mut cmd: Command,
    limit: Duration,
) -> Result<(std::process::ExitStatus, String, String), String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let mut err = child.stderr.take().ok_or("no stderr")?;
    // Read both pipes to their end on threads of their own, so a full pipe never stalls the
    // program, and a process that keeps them open (a forked child that outlived the program)
    // cannot stall the test.
    let (out_tx, out_rx) = std::sync::mpsc::channel();
    let (err_tx, err_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        let _ = out_tx.send(s);
    });
    std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        let _ = err_tx.send(s);
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| format!("wait: {e}"))? {
            Some(status) => break status,
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {limit:?}: killed"));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let grace = Duration::from_secs(10);
    let stdout = out_rx.recv_timeout(grace).map_err(|_| {
        "the program exited but its output stayed open: a forked child outlived it".to_string()
    })?;
    let stderr = err_rx.recv_timeout(grace).unwrap_or_default();
    Ok((
        status,
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    ))
}

/// Compile `source` with warnings as errors into `dir/prog`.
fn compile(source: &str, dir: &Path) -> Result<std::path::PathBuf, String> {
    let src = dir.join("prog.c");
    let bin = dir.join("prog");
    std::fs::write(&src, source).map_err(|e| format!("write source: {e}"))?;
    let cc = Command::new("cc")
        .args(["-Wall", "-Wextra", "-Werror", "-O1", "-o"])
        .arg(&bin)
        .arg(&src)
        .output()
        .map_err(|e| format!("cc: {e}"))?;
    if !cc.status.success() {
        return Err(format!(
            "does not compile:\n{}\n--- source ---\n{source}",
            String::from_utf8_lossy(&cc.stderr),
        ));
    }
    Ok(bin)
}

/// Compile and run one program; returns its last line (or the signal that killed a minimal
/// program) with the page states compared, or why the case failed.
fn compile_and_run(p: &Prepared) -> Result<Agreed, String> {
    if p.minimal {
        short_enough(&p.source)?;
    }
    let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let bin = compile(&p.source, dir.path())?;
    let tmp = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let mut cmd = Command::new(&bin);
    cmd.env("TMPDIR", tmp.path()).current_dir(dir.path());
    let (status, stdout, stderr) = run_limited(cmd, RUN_LIMIT)?;
    let last = stdout.lines().last().unwrap_or("").to_string();
    let left = leftovers(tmp.path());
    if !left.is_empty() {
        return Err(format!(
            "left behind in TMPDIR: {left:?}\n--- stdout ---\n{stdout}"
        ));
    }
    if let (true, Some(expected)) = (p.minimal, p.signal) {
        // No handler: the program dies of the signal, as a student's program would.
        return match status.signal() {
            Some(sig) if sig == expected => Ok(Agreed::new(format!("killed by signal {sig}"))),
            other => Err(format!(
                "the engine says signal {expected}, the minimal program ended with {other:?} \
                 ({status}); stderr: {stderr}\n--- stdout ---\n{stdout}\n--- source ---\n{}",
                p.source
            )),
        };
    }
    if !status.success() {
        return Err(format!(
            "exited with failure; stderr: {stderr}\n--- stdout ---\n{stdout}"
        ));
    }
    if last != p.expected {
        return Err(format!(
            "C says `{last}`, engine says `{}`\n--- stdout ---\n{stdout}\n--- source ---\n{}",
            p.expected, p.source
        ));
    }
    if !p.values {
        return Ok(Agreed::new(format!(
            "{last} · values not compared (a race)"
        )));
    }
    let compared = if p.minimal {
        minimal_evidence_agrees(&stdout, &p.record)
    } else {
        full_evidence_agrees(&stdout, &p.record)
    }
    .map_err(|why| format!("{why}\n--- source ---\n{}", p.source))?;
    if p.minimal {
        return Ok(Agreed::new(format!(
            "{last} · {compared} value(s) as the lab's"
        )));
    }
    let pages = pages_agree(&stdout, &p.record, p.lang).map_err(|why| {
        format!(
            "{why}\n--- stdout ---\n{stdout}\n--- source ---\n{}",
            p.source
        )
    })?;
    Ok(Agreed {
        last: format!(
            "{last} · {compared} value(s) and {} page state(s) as the lab's ({} the zero page)",
            pages.pages, pages.zero
        ),
        pages,
    })
}

/// Everything under `dir`, recursively.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            found.push(e.path().display().to_string());
            if e.path().is_dir() {
                found.extend(leftovers(&e.path()));
            }
        }
    }
    found
}

/// `f` over every item, on a few threads at once (compiling is the slow part); results in the
/// items' order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(item) = items.get(i) else {
                    return;
                };
                let r = f(item);
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((i, r));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    assert_eq!(results.len(), items.len(), "a worker thread panicked");
    results.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn every_output_gives_the_same_answer() {
    let page = engine::page_size();
    let cases = cases(page);
    assert!(cases.len() >= 25, "only {} combinations", cases.len());
    // The one list of layout-dependent cases is the catalogue's.
    let declared: Vec<(&str, Vec<String>)> = cases
        .iter()
        .filter(|c| !c.c_runs)
        .map(|c| (c.id, c.sets.clone()))
        .collect();
    let listed: Vec<(&str, Vec<String>)> = LAYOUT_DEPENDENT
        .iter()
        .filter(|(_, _, d, _)| *d == Depends::Layout)
        .map(|(id, sets, _, _)| (*id, sets.iter().map(|s| s.to_string()).collect()))
        .collect();
    // Each timing-dependent entry is a case of the catalogue (a stale entry would hide nothing).
    for (id, sets, _, _) in LAYOUT_DEPENDENT
        .iter()
        .filter(|(_, _, d, _)| *d == Depends::Timing)
    {
        assert!(
            cases
                .iter()
                .any(|c| c.id == *id && c.c_runs && c.sets.iter().eq(sets.iter())),
            "LAYOUT_DEPENDENT lists {id} {sets:?} as timing-dependent: not a declared variant"
        );
    }
    assert_eq!(
        declared, listed,
        "LAYOUT_DEPENDENT must list exactly the catalogue's DependsOnLayout variants"
    );
    // To look at one scenario: MMAP_LAB_AGREE_ONLY=ID runs its cases only.
    let only = std::env::var("MMAP_LAB_AGREE_ONLY").ok();
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| only.as_deref().is_none_or(|id| c.id == id))
        .collect();
    let cc = cfg!(has_cc);
    if !cc {
        eprintln!("no C compiler (`cc --version` failed): the C programs are not compared");
    }

    // The engine first, one experiment at a time, as the lab runs them; then each record
    // rendered every way and compared, several at once.
    let ran: Vec<Ran<'_>> = cases.iter().map(|c| run_case(c, page)).collect();
    // Timed for the test's report: the suite's time is watched, and this is what the
    // renderings add to the C programs' run.
    let rendering = Instant::now();
    let mut differences = Vec::new();
    let mut outputs = 0;
    for (diff, n) in parallel(&ran, renderings_agree) {
        differences.extend(diff);
        outputs += n;
    }
    let rendering = rendering.elapsed();
    let prepared: Vec<Prepared> = ran
        .iter()
        .filter(|r| cc && r.case.c_runs)
        .flat_map(|r| programs(r, page))
        .collect();

    // To read the programs: MMAP_LAB_C_DUMP=some/dir keeps each one there.
    if let Some(dir) = std::env::var_os("MMAP_LAB_C_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).expect("create MMAP_LAB_C_DUMP");
        for (i, p) in prepared.iter().enumerate() {
            let name: String = p
                .label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            std::fs::write(dir.join(format!("{i:03}-{name}.c")), &p.source)
                .expect("write to MMAP_LAB_C_DUMP");
        }
    }

    // Then the C programs, several at once: the full ones first, then the minimal ones, so
    // that the full programs' deadlines are measured with the load they always had.
    let (full, minimal): (Vec<Prepared>, Vec<Prepared>) =
        prepared.into_iter().partition(|p| !p.minimal);
    let mut results = parallel(&full, compile_and_run);
    results.extend(parallel(&minimal, compile_and_run));
    let prepared: Vec<&Prepared> = full.iter().chain(&minimal).collect();
    let mut pages_compared = [PagesCompared::default(); 2];
    for (p, r) in prepared.iter().zip(&results) {
        match r {
            Ok(agreed) => {
                eprintln!("ok    {:<70} {}", p.label, agreed.last);
                let tally = &mut pages_compared[usize::from(p.lang == Lang::Zh)];
                tally.pages += agreed.pages.pages;
                tally.zero += agreed.pages.zero;
            }
            Err(why) => {
                eprintln!("FAIL  {:<70} engine: {}", p.label, p.expected);
                differences.push(format!("== {} ==\n{why}", p.label));
            }
        }
    }
    outputs += prepared.len();
    eprintln!(
        "{} cases compared, {outputs} outputs ({} C programs run; the renderings took {:.1} s); \
         layout- or timing-dependent (C programs only compiled, or values not compared): {} ({})",
        cases.len(),
        prepared.len(),
        rendering.as_secs_f64(),
        LAYOUT_DEPENDENT.len(),
        LAYOUT_DEPENDENT
            .iter()
            .map(|(id, sets, d, why)| format!("{id} {} ({d:?}): {why}", sets.join(" ")))
            .collect::<Vec<_>>()
            .join("; ")
    );
    // The page lines are read in both languages, and where the lab saw the zero page in a run
    // whose C programs are compared (madvise-dontneed's read after MADV_DONTNEED, a kernel
    // with PAGEMAP_SCAN), both languages' programs named it there.
    let zero_seen = ran.iter().any(|r| {
        cc && r.case.c_runs
            && values_compared(r.case.id, &r.case.sets)
            && r.record
                .run
                .steps
                .iter()
                .flat_map(|s| &s.pages)
                .any(|p| p.zero_page == Some(true))
    });
    if cc {
        for (lang, compared) in LANGS.iter().zip(pages_compared) {
            if compared.pages == 0 && only.is_none() {
                differences.push(format!("no page state compared in {}", lang.code()));
            }
            if zero_seen && compared.zero == 0 {
                differences.push(format!(
                    "the lab saw the zero page; no {} C program's page compared as it",
                    lang.code()
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} difference(s) between the outputs:\n{}",
        differences.len(),
        differences.join("\n\n")
    );
}

/// A `MAP_FIXED` over the lab's own program (aimed at this test's executable, which the
/// experiment's child, a fork, shares): the record says `clobbered`, and the text, the
/// Markdown and the screen say so, naming the region, in both languages.
#[test]
fn a_clobbered_run_names_the_region_everywhere() {
    use mmap_lab_engine::engine::{MapOp, Op, Val};
    let page = engine::page_size();
    let exe = std::fs::read_link("/proc/self/exe").expect("exe");
    let exe = exe
        .to_string_lossy()
        .trim_end_matches(" (deleted)")
        .to_string();
    let maps = std::fs::read_to_string("/proc/self/maps").expect("maps");
    let program = maps
        .lines()
        .find(|l| l.split_whitespace().nth(5) == Some(exe.as_str()))
        .and_then(|l| u64::from_str_radix(l.split('-').next()?, 16).ok())
        .expect("the executable is mapped");
    let scenario = catalog::find("playground").expect("playground");
    let sets: Vec<String> = [
        "file=anonymous",
        "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let params = prepare(scenario, &sets).expect("valid");
    let mut plan = (scenario.build)(&params, page);
    let map = plan.mapping_step.expect("a mapping");
    if let Op::Map(MapOp::Mmap { addr, length, .. }) = &mut plan.steps[map].op {
        *addr = Val::Lit(program as i64);
        *length = page;
    }
    let record = Record {
        scenario: scenario.id.to_string(),
        params: serde_json::Map::new(),
        run: engine::run(&plan).expect("runs"),
    };
    assert_eq!(
        kind_of_record(&record),
        "clobbered",
        "{:?}",
        record.run.outcome
    );
    assert_eq!(kind_of_json(&record).0, "clobbered");
    let name = exe.rsplit('/').next().unwrap_or_default();
    let case = Case {
        id: scenario.id,
        sets,
        c_runs: false,
    };
    for (lang, what, file) in [
        (Lang::En, "the lab's own code", format!("({name})")),
        (Lang::Zh, "mmap-lab 自己的代码", format!("（{name}）")),
    ] {
        let region = format!("{what} {file}").replace(" （", "（");
        let text = report::record_text(scenario, &params, &record, lang);
        let md = mmap_lab::markdown::report(scenario, &params, &record, lang);
        let (kinds, frame) = from_screen(&case, &record, lang);
        assert_eq!(
            from_text(&text, lang).0.as_deref(),
            Some("clobbered"),
            "{text}"
        );
        assert_eq!(
            from_markdown(&md, lang).0.as_deref(),
            Some("clobbered"),
            "{md}"
        );
        assert_eq!(kinds, ["clobbered"], "{frame}");
        for (output, whole) in [("text", &text), ("Markdown", &md)] {
            assert!(whole.contains(&region), "{output} lacks {region}:\n{whole}");
        }
        // On the screen the sentence wraps in its pane, maybe between the two.
        assert!(frame.contains(what) && frame.contains(&file), "{frame}");
    }
}

#[test]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn c_programs_compile_at_every_extreme() {
    let page = engine::page_size();
    let programs: Vec<(String, String)> = compile_only_cases(page)
        .iter()
        .flat_map(|case| {
            let scenario =
                catalog::find(case.id).unwrap_or_else(|| panic!("no scenario {}", case.id));
            let params = prepare(scenario, &case.sets)
                .unwrap_or_else(|e| panic!("{} {:?}: {e}", case.id, case.sets));
            let plan = (scenario.build)(&params, page);
            let label = format!("{} {}", case.id, case.sets.join(" "));
            LANGS.into_iter().flat_map(move |lang| {
                let line = case.sets.join(" ");
                let [full, minimal] = sources(case, &params, &line, &plan, page, lang);
                [
                    (format!("[{}] {label}", lang.code()), full),
                    (format!("[{} minimal] {label}", lang.code()), minimal),
                ]
            })
        })
        .collect();
    let results = parallel(&programs, |(label, source)| {
        if label.contains(" minimal]") {
            short_enough(source)?;
        }
        let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        compile(source, dir.path()).map(|_| ())
    });
    let failures: Vec<String> = programs
        .iter()
        .zip(results)
        .filter_map(|((label, _), r)| r.err().map(|why| format!("== {label} ==\n{why}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} C programs do not compile:\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}

/// The full C program of a repeated `anonymous-ipc` runs the experiment that many times
/// itself, each run a whole experiment in a new process, and prints the lab's tally sentence
/// before the first run's outcome: with the pipe the child reads the text in every run;
/// without synchronisation the count is the scheduler's, at most the runs. Nothing is left in
/// its `TMPDIR`.
#[test]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn the_c_program_repeats_the_experiment_and_prints_the_tally() {
    let page = engine::page_size();
    let scenario = catalog::find("anonymous-ipc").expect("anonymous-ipc");
    for (sync, every_run) in [("pipe", true), ("none", false)] {
        let sets = vec![format!("sync={sync}"), "repeat=20".to_string()];
        let params = prepare(scenario, &sets).expect("valid sets");
        let plan = (scenario.build)(&params, page);
        let repeat = cprog::Repeat::of(&params).expect("repeat=20 repeats");
        let source = cprog::repeated(scenario.id, "", &plan, page, Lang::En, Some(&repeat));
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = compile(&source, dir.path()).unwrap_or_else(|e| panic!("{sync}: {e}"));
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut cmd = Command::new(&bin);
        cmd.env("TMPDIR", tmp.path()).current_dir(dir.path());
        let (status, stdout, stderr) = run_limited(cmd, RUN_LIMIT).expect("it runs");
        assert!(status.success(), "{sync}: {status}, {stderr}\n{stdout}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.last(), Some(&"outcome: ok"), "{sync}:\n{stdout}");
        assert!(
            stdout.contains("fork() = "),
            "the first run's steps: {stdout}"
        );
        let tally = lines[lines.len() - 2];
        let saw: u32 = tally
            .rsplit_once(" in ")
            .and_then(|(_, rest)| rest.split(' ').next()?.parse().ok())
            .unwrap_or_else(|| panic!("{sync}: no count in {tally:?}"));
        let want = engine::Tally::sentence_of(
            params.sync.name(),
            repeat.sleep_us,
            "hello, world",
            &saw.to_string(),
            "20",
            Lang::En,
        );
        assert_eq!(tally, want, "{sync}");
        if every_run {
            assert_eq!(saw, 20, "{sync}: {tally}");
        } else {
            assert!(saw <= 20, "{sync}: {tally}");
        }
        assert!(leftovers(tmp.path()).is_empty(), "{sync}: left behind");
    }
}

/// The compiled mmap-copy program prints, for each run of each method, what it cost as the
/// lab's `cost_runs` counts it: the same number of system calls as the lab's run (the calls
/// are the plan's, not the machine's), and page faults that tell the methods apart the same
/// way: the mmap copy faults at least once per page of the file, read/write (after its first
/// run) next to never.
#[test]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn the_c_copy_program_counts_each_runs_calls_and_faults_like_the_lab() {
    let page = engine::page_size();
    let scenario = catalog::find("mmap-copy").expect("mmap-copy");
    let sets = vec!["copy_size=1M".to_string()];
    let params = prepare(scenario, &sets).expect("valid sets");
    let plan = (scenario.build)(&params, page);
    let record = mmap_lab_engine::run_scenario(scenario, &params).expect("the lab runs");
    let lab = record
        .run
        .cost_runs
        .clone()
        .expect("the lab counts each run");
    let source = cprog::program(scenario.id, "", &plan, page, Lang::En);
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = compile(&source, dir.path()).expect("compiles");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(&bin);
    cmd.env("TMPDIR", tmp.path()).current_dir(dir.path());
    let (status, stdout, stderr) = run_limited(cmd, RUN_LIMIT).expect("it runs");
    assert!(status.success(), "{status}: {stderr}\n{stdout}");
    // `    run 2: … · minor page faults / major / system calls: 274 / 0 / 6`, in plan order.
    let costs: Vec<[u64; 3]> = stdout
        .lines()
        .filter_map(|l| l.split_once("system calls: "))
        .map(|(_, c)| {
            let n: Vec<u64> = c
                .split(" / ")
                .filter_map(|x| x.trim().parse().ok())
                .collect();
            [n[0], n[1], n[2]]
        })
        .collect();
    let runs = lab.mmap.len();
    let methods = [
        ("mmap", &lab.mmap),
        ("read/write", &lab.read_write),
        ("copy_file_range", &lab.copy_file_range),
        ("mmap+write", &lab.mmap_write),
    ];
    assert_eq!(costs.len(), runs * methods.len(), "{stdout}");
    for (k, (name, lab_runs)) in methods.iter().enumerate() {
        let c_runs = &costs[k * runs..(k + 1) * runs];
        for (run, (c, l)) in c_runs.iter().zip(lab_runs.iter()).enumerate() {
            assert_eq!(
                c[2],
                l.syscalls,
                "{name} run {}: system calls\n{stdout}",
                run + 1
            );
        }
    }
    let file_pages = (1u64 << 20) / page;
    for c in &costs[..runs] {
        assert!(
            c[0] >= file_pages,
            "mmap: {c:?} faults for {file_pages} pages\n{stdout}"
        );
    }
    for c in &costs[runs + 1..2 * runs] {
        assert!(c[0] <= 8, "read/write: {c:?}\n{stdout}");
    }
    assert!(leftovers(tmp.path()).is_empty(), "left behind");
}
