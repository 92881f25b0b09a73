//! The C program of `mmap-lab c` agrees with the engine: for every scenario, with its defaults
//! and with each variant the catalogue declares for it (parameter sets that reach each errno
//! and signal of the lessons), the program
//! compiles with `cc -Wall -Wextra -Werror`, runs, ends with the outcome the engine found for the
//! same plan, and leaves nothing behind in its `TMPDIR`. Every program is generated, compiled
//! and run in both languages, English and Chinese: only its comments and printed text differ,
//! never its last line.
//!
//! The minimal program of `mmap-lab c ID --minimal` is held to the same: for the same cases, in
//! both languages, it is at most [`MINIMAL_LINES`] lines long, compiles with the same warnings
//! as errors, leaves nothing in its `TMPDIR`, and ends with the engine's outcome line, or, where
//! the engine reports a signal, dies of that same signal (it has no handler).
//!
//! Nothing here says what the outcome should be: the kernel decides, twice, and the two answers
//! must match.

use scenarios::engine::{self, Outcome, Plan};
use scenarios::{catalog, cprog, errnos, prepare, Lang};
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

/// Cases whose minimal program is compiled, run and checked for leftovers, but whose last line
/// is not compared with the engine's, each with why: (scenario, a `--set` of the case, reason).
/// None today: the one listed here (`MREMAP_DONTUNMAP`) disagreed because the program left out
/// mremap's fifth argument, which it now passes.
const MINIMAL_UNCOMPARED: &[(&str, &str, &str)] = &[];

/// Why the minimal program of the case labelled `label` is not compared, if it is not.
fn uncompared(label: &str) -> Option<&'static str> {
    MINIMAL_UNCOMPARED
        .iter()
        .find(|(id, set, _)| label.contains(&format!("] {id} ")) && label.contains(set))
        .map(|(_, _, why)| *why)
}

/// One combination: a scenario and its `--set` values.
struct Case {
    id: &'static str,
    sets: Vec<String>,
}

/// From the catalogue: every scenario with its defaults, then each variant it declares (with
/// its placeholders filled for this page size), except those whose answer depends on the
/// process's layout, which [`compile_only_cases`] takes. Every parameter set this test once
/// listed by hand is a declared variant now (or a scenario's defaults).
fn cases(page: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for s in catalog::all() {
        cases.push(Case {
            id: s.id,
            sets: Vec::new(),
        });
        for v in s.variants.iter().filter(|v| v.expect.is_determined()) {
            cases.push(Case {
                id: s.id,
                sets: v.sets(page),
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
    };
    let other = |id: &'static str, sets: &[&str]| Case {
        id,
        sets: sets.iter().map(|s| s.to_string()).collect(),
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
                cases.push(Case { id: s.id, sets });
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
        // generated parameter set reaches this (none replaces the process's own pages).
        Outcome::Clobbered { .. } => "outcome: clobbered".to_string(),
    }
}

/// Both languages the program is written in.
const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// A case with its plan, what the engine said, and its C program in one language.
struct Prepared {
    label: String,
    expected: String,
    source: String,
    /// The minimal program (`--minimal`), not the full one.
    minimal: bool,
    /// The signal the engine reports, which kills the minimal program.
    signal: Option<i32>,
}

/// Both programs, full and minimal, for `case`, in `lang`.
fn sources(case: &Case, params_line: &str, plan: &Plan, page: u64, lang: Lang) -> [String; 2] {
    [
        cprog::program(case.id, params_line, plan, page, lang),
        cprog::minimal(case.id, params_line, plan, page, lang),
    ]
}

/// The case in each language: the engine runs it once, the programs (full and minimal) are
/// written in both.
fn prepare_case(case: &Case, page: u64) -> Vec<Prepared> {
    let scenario = catalog::find(case.id).unwrap_or_else(|| panic!("no scenario {}", case.id));
    let params = prepare(scenario, &case.sets)
        .unwrap_or_else(|e| panic!("{} {:?}: {e}", case.id, case.sets));
    let plan: Plan = (scenario.build)(&params, page);
    let run = engine::run(&plan).unwrap_or_else(|e| panic!("{} {:?}: {e}", case.id, case.sets));
    let params_line = case
        .sets
        .iter()
        .map(|s| format!("--set {s}"))
        .collect::<Vec<_>>()
        .join(" ");
    let label = format!("{} {}", case.id, params_line).trim().to_string();
    let expected = outcome_line(&run.outcome);
    let signal = match run.outcome {
        Outcome::Signal { signal, .. } => Some(signal.0),
        _ => None,
    };
    LANGS
        .iter()
        .flat_map(|&lang| {
            let [full, minimal] = sources(case, &params_line, &plan, page, lang);
            [
                Prepared {
                    source: full,
                    expected: expected.clone(),
                    label: format!("[{}] {label}", lang.code()),
                    minimal: false,
                    signal,
                },
                Prepared {
                    source: minimal,
                    expected: expected.clone(),
                    label: format!("[{} minimal] {label}", lang.code()),
                    minimal: true,
                    signal,
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
/// program), or why the case failed.
fn compile_and_run(p: &Prepared) -> Result<String, String> {
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
            Some(sig) if sig == expected => Ok(format!("killed by signal {sig}")),
            other => Err(format!(
                "the engine says signal {expected}, the minimal program ended with {other:?} \
                 ({status}); stderr: {stderr}\n--- stdout ---\n{stdout}\n--- source ---\n{}",
                p.source
            )),
        };
    }
    if let (true, Some(why)) = (p.minimal, uncompared(&p.label)) {
        if status.success() {
            return Ok(format!("{last} (not compared: {why})"));
        }
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
    Ok(last)
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

fn cc_available() -> bool {
    Command::new("cc")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
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
fn c_programs_agree_with_the_engine() {
    if !cc_available() {
        eprintln!("skipped: no C compiler (`cc --version` failed); install gcc to run this test");
        return;
    }
    let page = engine::page_size();
    let cases = cases(page);
    assert!(cases.len() >= 25, "only {} combinations", cases.len());

    // The engine first, one experiment at a time, as the lab runs them.
    let prepared: Vec<Prepared> = cases.iter().flat_map(|c| prepare_case(c, page)).collect();

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
    let mut failures = Vec::new();
    for (p, r) in prepared.iter().zip(&results) {
        match r {
            Ok(last) => eprintln!("ok    {:<70} {last}", p.label),
            Err(why) => {
                eprintln!("FAIL  {:<70} engine: {}", p.label, p.expected);
                failures.push(format!("== {} ==\n{why}", p.label));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} C programs disagree:\n{}",
        failures.len(),
        prepared.len(),
        failures.join("\n\n")
    );
}

#[test]
fn c_programs_compile_at_every_extreme() {
    if !cc_available() {
        eprintln!("skipped: no C compiler (`cc --version` failed); install gcc to run this test");
        return;
    }
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
                let [full, minimal] = sources(case, &case.sets.join(" "), &plan, page, lang);
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
