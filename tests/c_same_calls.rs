//! `mmap-lab c` is the same experiment: the compiled C program makes the same system
//! calls, in the same order and with the same errors, for the experiment's steps, as the lab's
//! own experiment child. Both are watched from outside by `strace`: the lab's child through
//! its witness record (itself checked against strace in `tests/witness.rs`), the C program
//! directly. Every scenario's defaults and variants are compared, and a few hundred parameter
//! sets generated from the playground's knobs; the agreement rate is printed and must be 100%.
//!
//! Skipped, with the reason printed, where `strace` or `cc` is missing. mmap-copy is left out
//! of that comparison: its timed copy loops are untraced by design (see the witness); strace
//! counts their calls instead, in the lab and in the C program, against what the step prints
//! (`the_copy_loops_make_the_calls_they_print`).

use mmap_lab_engine::engine::{self, witness, MapOp, Op};
use mmap_lab_engine::params::{Direction, Key, Value, PLAYGROUND_KEYS};
use mmap_lab_engine::{catalog, prepare, Params};
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// The calls compared: those the witness traces (see `witness.rs`), and `alarm`, which ends
/// the C program's set-up.
fn traced() -> String {
    witness::names()
        .chain(["alarm"])
        .collect::<Vec<_>>()
        .join(",")
}

mod cc_support;
mod strace_support;

use strace_support::Call;

/// The calls of each compared step of one process, in order.
type Steps = Vec<Vec<Call>>;

fn lab() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmap-lab"));
    cmd.env_remove("MMAP_LAB_WITNESS").env("LANG", "C.UTF-8");
    cmd
}

/// The steps compared: traced by the witness and not the lab's reading of its own maps.
fn compared_steps(id: &str, sets: &[String], page: u64) -> Vec<bool> {
    let scenario = catalog::find(id).expect("scenario");
    let params = prepare(scenario, sets).expect("valid");
    let plan = (scenario.build)(&params, page);
    (0..plan.steps.len())
        .map(|i| {
            let maps = matches!(plan.steps[i].op, Op::Map(MapOp::Maps));
            !maps && witness::traces(&plan, i)
        })
        .collect()
}

/// The lab's side: the witness's calls of each compared step, per process (the experiment's,
/// then its forked child's). `None` when the witness is off here.
fn lab_calls(id: &str, sets: &[String], compared: &[bool]) -> Option<[Steps; 2]> {
    let out = lab()
        .args(["run", id, "--json"])
        .args(sets.iter().flat_map(|s| ["--set", s.as_str()]))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{id} {sets:?}");
    let record: Json = serde_json::from_slice(&out.stdout).expect("JSON");
    if record["witness"] != "on" {
        return None;
    }
    let mut sides: [Steps; 2] = Default::default();
    for (i, st) in record["steps"].as_array()?.iter().enumerate() {
        // A step that did not run has no result and is not in the C program's output.
        if !compared.get(i).copied().unwrap_or(false) || st["result"].is_null() {
            continue;
        }
        let side = usize::from(st["process"] == "child");
        let calls = st["syscalls"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["name"] != "exit_group")
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or("?").to_string(),
                    c["errno"].as_str().map(str::to_string),
                )
            })
            .collect();
        sides[side].push(calls);
    }
    Some(sides)
}

/// The bytes of a `write` line of `strace -xx` (`write(1, "\x6f\x70…", 25) = 25`).
fn written(line: &str) -> Option<Vec<u8>> {
    let data = line.strip_prefix("write(1, \"")?;
    let data = data.split('"').next()?;
    Some(
        data.split("\\x")
            .skip(1)
            .filter_map(|h| u8::from_str_radix(h.get(..2)?, 16).ok())
            .collect(),
    )
}

/// Whether a line the C program printed is a step's: `call = result`, `call  (done)`, or the
/// signal handler's `call  <- SIGSEGV`. The others are a maps listing (indented), the text
/// a step read (`process read: …`), `note:` and `outcome:`.
fn is_step_line(line: &str) -> bool {
    !line.starts_with(' ')
        && !line.starts_with("note:")
        && !line.starts_with("outcome:")
        && (line.contains(" = ") || line.ends_with("(done)") || line.contains("  <- "))
}

/// Whether a line the C program printed is its page state after a step (`  pages after step
/// 4 (child): …`, or the Chinese program's `  第 4 步之后的页…`), printed after the step's line.
fn is_pages_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("pages after step ")
        || (line.starts_with("第 ") && line.contains("步之后的页"))
}

/// The C program's side, from one process's strace file: its calls, cut into steps at the
/// lines it prints (each executed step prints one line once its call returns; its output is
/// unbuffered, but a line may come in several writes). The parent's steps begin after its
/// `alarm` (the end of its set-up); a forked child's at once. `executed` says, for each of
/// this process's steps in order, whether it is compared.
fn c_calls(trace: &str, is_child: bool, executed: &[bool]) -> Steps {
    let mut started = is_child;
    let mut step = 0usize;
    let mut steps = Vec::new();
    let mut current = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    for line in trace.lines() {
        if line.starts_with("+++") || line.starts_with("---") {
            continue;
        }
        let Some((name, _)) = line.split_once('(') else {
            continue;
        };
        if !started {
            started = name == "alarm";
            continue;
        }
        if let Some(bytes) = written(line) {
            pending.extend(bytes);
            while let Some(at) = pending.iter().position(|&b| b == b'\n') {
                let text: Vec<u8> = pending.drain(..=at).collect();
                let text = String::from_utf8_lossy(&text);
                if is_pages_line(text.trim_end()) {
                    // Its calls (reading /proc/self/pagemap, mincore) are the program's
                    // look at the step just printed, not the next step's.
                    current.clear();
                    continue;
                }
                if !is_step_line(text.trim_end()) {
                    continue;
                }
                if executed.get(step).copied().unwrap_or(false) {
                    steps.push(std::mem::take(&mut current));
                } else {
                    current.clear();
                }
                step += 1;
            }
            continue;
        }
        if name == "exit_group" || name == "alarm" {
            continue;
        }
        current.extend(strace_support::call(line));
    }
    steps
}

/// Compile the C program of `id` with `sets` and trace it. `None` when `cc` is missing.
fn c_traces(id: &str, sets: &[String], dir: &Path) -> Option<Vec<(u32, String)>> {
    let out = lab()
        .args(["c", id])
        .args(sets.iter().flat_map(|s| ["--set", s.as_str()]))
        .output()
        .expect("c runs");
    assert!(out.status.success(), "c {id} {sets:?}");
    let source = dir.join("exp.c");
    std::fs::write(&source, &out.stdout).expect("write");
    let exe = dir.join("exp");
    if let Err(messages) = cc_support::compile(&source, &exe) {
        panic!("{id} {sets:?}: {messages}");
    }
    let traces = dir.join("trace");
    std::fs::create_dir(&traces).expect("mkdir");
    let tmp = dir.join("tmp");
    std::fs::create_dir(&tmp).expect("mkdir");
    Command::new("strace")
        .args(["-ff", "-qq", "-xx", "-s", "4096", "-e"])
        .arg(format!("trace={}", traced()))
        .arg("-o")
        .arg(traces.join("t"))
        .arg(&exe)
        .env("TMPDIR", &tmp)
        .output()
        .expect("strace runs");
    Some(strace_support::traces_by_pid(&traces))
}

/// A small deterministic generator (xorshift), so a failure names a case that comes back.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `count` playground parameter sets: from the defaults, a few knobs turned the ways a
/// student turns them (← / →, Space on a flag), written as `--set` texts.
fn generated(count: usize, page: u64) -> Vec<Vec<String>> {
    let scenario = catalog::find("playground").expect("playground");
    let defaults: Params = (scenario.defaults)(page);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    while out.len() < count {
        let mut p = defaults.clone();
        for _ in 0..1 + rng.below(4) {
            let key: Key = PLAYGROUND_KEYS[rng.below(PLAYGROUND_KEYS.len())];
            let value: Option<Value> = match rng.below(3) {
                0 => key.step(&p, Direction::Next, page),
                1 => key.step(&p, Direction::Previous, page),
                _ => key.toggle(&p, rng.below(6)),
            };
            if let Some(v) = value {
                let _ = p.assign(key, v);
            }
        }
        let sets: Vec<String> = PLAYGROUND_KEYS
            .iter()
            .filter(|k| p.get(**k) != defaults.get(**k))
            .map(|k| format!("{}={}", k.name(), p.get(*k)))
            .collect();
        // The CLI's own bounds (sizes over 1 GiB need --allow-large) are not this test's.
        if prepare(scenario, &sets).is_ok()
            && mmap_lab_engine::bounds::check(scenario, &p, mmap_lab_engine::bounds::LARGE)
                .is_none()
        {
            out.push(sets);
        }
    }
    out
}

#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn the_c_program_makes_the_same_calls_as_the_lab() {
    let page = engine::page_size();
    let mut cases: Vec<(&'static str, Vec<String>)> = Vec::new();
    for s in catalog::all() {
        if s.id == "mmap-copy" {
            continue;
        }
        cases.push((s.id, Vec::new()));
        cases.extend(s.variants.iter().map(|v| (s.id, v.sets(page))));
    }
    // How many generated sets (`MMAP_LAB_GENERATED=N` to try more, or fewer).
    let count = std::env::var("MMAP_LAB_GENERATED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    cases.extend(
        generated(count, page)
            .into_iter()
            .map(|s| ("playground", s)),
    );
    let total = cases.len();
    let queue = Mutex::new(cases);
    let failures = Mutex::new(Vec::new());
    let layout_dependent = Mutex::new(0usize);
    let racing = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some((id, sets)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let scenario = catalog::find(id).expect("scenario");
                let plan = (scenario.build)(&prepare(scenario, &sets).expect("valid"), page);
                // A plan that races two processes runs without the witness on purpose (its
                // stops would decide the race): there are no witnessed calls to compare.
                if plan.untraced {
                    *racing.lock().unwrap() += 1;
                    continue;
                }
                let compared = compared_steps(id, &sets, page);
                let ours = lab_calls(id, &sets, &compared)
                    .expect("the witness is on where strace can trace");
                let dir = tempfile::tempdir().expect("tmp");
                let files = c_traces(id, &sets, dir.path()).expect("cc starts");
                // The steps each process ran, as the lab's record has them.
                let executed = |child: bool| -> Vec<bool> {
                    plan.steps
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| (s.side == engine::Side::Child) == child)
                        .map(|(i, _)| compared[i])
                        .collect()
                };
                let theirs_main = files
                    .first()
                    .map(|(_, t)| c_calls(t, false, &executed(false)))
                    .unwrap_or_default();
                let theirs_child = files
                    .get(1)
                    .map(|(_, t)| c_calls(t, true, &executed(true)))
                    .unwrap_or_default();
                // Filled up to vm.max_map_count, the process is exactly at the limit: whether
                // a later mapping fits depends on whether it merges with a neighbour, and the
                // two processes have other neighbours. The lab says so (the knob's text and the
                // playground lesson); here the calls must still be the same, their errors may
                // differ.
                let layout = sets.iter().any(|s| s == "exhaust_map_count=true");
                if layout {
                    *layout_dependent.lock().unwrap() += 1;
                }
                let names = |steps: &Steps| -> Vec<Vec<String>> {
                    steps
                        .iter()
                        .map(|calls| calls.iter().map(|(n, _)| n.clone()).collect())
                        .collect()
                };
                let agree = |ours: &Steps, theirs: &Steps| {
                    if layout {
                        // Where one side's mapping did not fit, that side stops there and the
                        // other goes on: the calls agree up to the shorter side, whose last
                        // step is the refusal.
                        let (a, b) = (names(ours), names(theirs));
                        let n = a.len().min(b.len());
                        let short = if a.len() <= b.len() { ours } else { theirs };
                        let refused = a.len() == b.len()
                            || short
                                .last()
                                .is_some_and(|calls| calls.iter().any(|(_, e)| e.is_some()));
                        a[..n] == b[..n] && refused
                    } else {
                        ours == theirs
                    }
                };
                if !agree(&ours[0], &theirs_main) || !agree(&ours[1], &theirs_child) {
                    failures.lock().unwrap().push(format!(
                        "{id} {sets:?}:\n  lab: {:?} / {:?}\n  C:   {:?} / {:?}",
                        ours[0], ours[1], theirs_main, theirs_child
                    ));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let racing = racing.into_inner().unwrap();
    let total = total - racing;
    let agreed = total - failures.len();
    eprintln!(
        "C program and lab: the same calls in {agreed} of {total} cases ({:.1}%); {} of them \
         filled to vm.max_map_count, where only the calls are compared; {racing} racing \
         case(s) left out (run without the witness on purpose)",
        100.0 * agreed as f64 / total as f64,
        layout_dependent.into_inner().unwrap()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The lines of every trace of `strace -f -e trace=mmap,madvise,read` run on `cmd`, in `dir`;
/// `read`'s arguments raw (in hex), so that its buffer's address shows.
fn mmap_and_madvise(cmd: Command, dir: &Path) -> String {
    let out = dir.join("copy-trace");
    let mut strace = Command::new("strace");
    strace
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=mmap,madvise,read",
            "-e",
            "raw=read",
            "-o",
        ])
        .arg(&out)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env("TMPDIR", dir)
        .env("LANG", "C.UTF-8")
        .current_dir(dir);
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            strace.env(k, v);
        }
    }
    let ran = strace.output().expect("strace runs");
    assert!(ran.status.success(), "{cmd:?} under strace: {}", ran.status);
    std::fs::read_to_string(&out).expect("the trace")
}

#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn the_copy_loops_make_the_calls_they_print() {
    // Four windows, two timed runs: the loop's body eight times.
    let sets = ["copy_size=1M", "window=256K", "copy_runs=2"];
    let loops = 4 * 2;
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = lab();
    c.arg("c").arg("mmap-copy");
    for s in sets {
        c.args(["--set", s]);
    }
    let source = c.output().expect("c runs").stdout;
    let source = String::from_utf8(source).expect("text");
    let exe = dir.path().join("copy");
    let src = dir.path().join("copy.c");
    std::fs::write(&src, &source).expect("write");
    if let Err(messages) = cc_support::compile(&src, &exe) {
        panic!("{messages}");
    }
    let c_trace = mmap_and_madvise(Command::new(&exe), dir.path());
    let mut run = lab();
    run.args(["run", "mmap-copy"]);
    for s in sets {
        run.args(["--set", s]);
    }
    let lab_trace = mmap_and_madvise(run, dir.path());

    // What the loop says it does, per window: the source mapped with MAP_POPULATE, the
    // destination without, its pages populated writable, the source read sequentially.
    let printed = "MAP_POPULATE); mmap(%d); madvise(POPULATE_WRITE); madvise(SEQUENTIAL); memcpy";
    assert!(source.contains(printed), "the step prints: {printed}");
    let count = |trace: &str, what: &str| trace.lines().filter(|l| l.contains(what)).count();
    // MADV_SEQUENTIAL twice per window: the mmap copy and the mmap+write copy each advise
    // their source.
    for (what, per_loop) in [("MADV_POPULATE_WRITE", 1), ("MADV_SEQUENTIAL", 2)] {
        let loops = loops * per_loop;
        assert_eq!(
            count(&c_trace, what),
            loops,
            "{what} in the C program:\n{c_trace}"
        );
        assert_eq!(
            count(&lab_trace, what),
            loops,
            "{what} in the lab:\n{lab_trace}"
        );
    }
    // The copy's destination is mapped writable without MAP_POPULATE, once per loop.
    let writable_plain = |trace: &str| {
        trace
            .lines()
            .filter(|l| l.contains("PROT_READ|PROT_WRITE, MAP_SHARED, "))
            .count()
    };
    assert_eq!(
        writable_plain(&c_trace),
        writable_plain(&lab_trace),
        "{c_trace}\n{lab_trace}"
    );
    assert!(writable_plain(&c_trace) >= loops, "{c_trace}");

    // The read/write copy reads into one buffer in every run, on a page boundary, in both:
    // where the buffer sits in its page changes the copy's speed (malloc's 1 MiB buffer starts
    // 16 bytes in, and was about 40% slower), and a buffer allocated in each run takes its
    // page faults inside the timed loop.
    let buffers = |trace: &str| {
        let mut seen: Vec<u64> = trace
            .lines()
            // strace splits a call another thread interrupts: `read(3, buf, 0x100000
            // <unfinished ...>` then `<... read resumed>`; the first half has the buffer.
            .filter(|l| l.contains(", 0x100000)") || l.contains(", 0x100000 <unfinished"))
            .filter_map(|l| l.split(", ").nth(1))
            .filter_map(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok())
            .collect();
        let reads = seen.len();
        seen.dedup();
        (reads, seen)
    };
    let page = engine::page_size();
    for (who, trace) in [("the C program", &c_trace), ("the lab", &lab_trace)] {
        let (reads, buffers) = buffers(trace);
        assert_eq!(reads, 2, "{who}: one 1 MiB read per run:\n{trace}");
        assert_eq!(
            buffers.len(),
            1,
            "{who}: one buffer for every run: {buffers:x?}"
        );
        assert!(
            buffers.iter().all(|b| b % page == 0),
            "{who}: the buffer starts on a page: {buffers:x?}"
        );
    }
}
