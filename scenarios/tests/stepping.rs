//! Stepping (a paced run): the experiment held at every step boundary, a pacer deciding how
//! it goes on. A run stepped to its end says what a free run says; at every stop every
//! process of the experiment is really stopped; the deadline counts the running time only;
//! a kill at a stop leaves nothing behind.

mod common;

use common::{catalogue_cases, describe, dump};
use mmap_lab_engine::engine::{
    self, Command, EngineError, IpcOp, Op, Pace, Pacer, Plan, Run, RunOptions, Side, Step, Stop,
    TestSleep,
};
use mmap_lab_engine::{prepare, Outcome};
use std::path::PathBuf;
use std::time::Duration;

/// One test at a time: what lies next to a mapping (and so whether a shifted `munmap`
/// clobbers the lab's own memory) depends on the other threads' stacks, which the tests
/// running beside would change between a free run and its stepped twin.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether the run had the witness, so stops to step through. Tests run it by default; they
/// are ignored, with the reason, on a machine that cannot trace (`has_strace`, probed by
/// `build.rs`). Where tracing works the witness is off only for a plan that races two
/// processes on purpose (the tracer's stops would decide the race): anything else fails.
fn witness_on(run: &Run) -> bool {
    if run.witness == "on" {
        return true;
    }
    assert!(
        run.witness.starts_with("off: two processes race"),
        "this machine can trace (strace ran), but the witness is {}",
        run.witness
    );
    false
}

/// The state letter of process `pid` (`/proc/PID/stat`'s third field), `None` if it is gone.
fn state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

/// Says `command` at every stop, after an optional wait, and keeps what it saw.
struct Recorder {
    command: fn(usize, &Stop) -> Command,
    wait: Duration,
    stops: Vec<Stop>,
    /// Each stop's processes with their state letters, read while they were held.
    states: Vec<Vec<(Side, i32, Option<char>)>>,
    /// The experiment's directory, from the first process's working directory.
    dir: Option<PathBuf>,
}

impl Recorder {
    fn new(command: fn(usize, &Stop) -> Command) -> Recorder {
        Recorder {
            command,
            wait: Duration::ZERO,
            stops: Vec::new(),
            states: Vec::new(),
            dir: None,
        }
    }
}

impl Pacer for Recorder {
    fn held(&mut self, stop: Stop) -> Command {
        self.states.push(
            stop.pids
                .iter()
                .map(|&(side, pid)| (side, pid, state(pid)))
                .collect(),
        );
        if self.dir.is_none() {
            self.dir = stop
                .pids
                .first()
                .and_then(|(_, pid)| std::fs::read_link(format!("/proc/{pid}/cwd")).ok());
        }
        std::thread::sleep(self.wait);
        let command = (self.command)(self.stops.len(), &stop);
        self.stops.push(stop);
        command
    }
}

fn paced(plan: &Plan, pacer: &mut Recorder) -> Result<Run, EngineError> {
    engine::run_with(
        plan,
        RunOptions {
            pace: Pace::Paced(pacer),
            ..RunOptions::default()
        },
    )
}

/// Each case's plan, as `run` builds it (mmap-copy with a small copy: its loops are one step
/// each, whatever their size).
fn plans() -> Vec<(String, Plan)> {
    let page = engine::page_size();
    catalogue_cases()
        .into_iter()
        .map(|(name, scenario, mut sets, _)| {
            if scenario.id == "mmap-copy" {
                sets.push("copy_size=1M".to_string());
            }
            let params = prepare(scenario, &sets).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, (scenario.build)(&params, page))
        })
        .collect()
}

/// A record's text with its addresses left out (two runs may map at other addresses).
fn masked(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let hex = w.trim_start_matches(['(', '"']);
            if hex.starts_with("0x") && hex.len() > 8 {
                "ADDR"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What must be the same whatever the pace: each step's call, result, errno, signal and
/// process, its raw calls' names and errnos, its page bits (the frame numbers aside).
fn essence(run: &Run) -> Vec<String> {
    run.steps.iter().map(|s| step_essence(run, s)).collect()
}

/// One step of `run`, as [`essence`] says it; the forked process's pid (another in each run)
/// is said `PID`.
fn step_essence(run: &Run, s: &engine::StepRecord) -> String {
    let pid = run
        .steps
        .iter()
        .find(|s| s.function == engine::Function::Fork && s.process.is_none())
        .and_then(|s| s.ret)
        .map(|p| p.to_string());
    let text = step_text(s);
    match pid {
        Some(pid) if pid.len() > 1 => text.replace(&pid, "PID"),
        _ => text,
    }
}

fn step_text(s: &engine::StepRecord) -> String {
    // The lab's own `/proc/self/maps` captures read the lab's image too, whose size is no
    // part of the experiment.
    if s.call.contains("/proc/self/maps") {
        return s.call.clone();
    }
    let calls: Vec<String> = s
        .syscalls
        .iter()
        .flatten()
        .map(|c| format!("{}:{:?}", c.name, c.errno))
        .collect();
    let pages: Vec<String> = s
        .pages
        .iter()
        .map(|p| {
            format!(
                "{}{:?}:{}{}{}{}",
                p.page,
                p.process,
                u8::from(p.present),
                u8::from(p.swapped),
                u8::from(p.file),
                u8::from(p.exclusive)
            )
        })
        .collect();
    format!(
        "{} = {} {:?} {:?} {:?} {calls:?} {pages:?}",
        masked(&s.call),
        masked(&s.result),
        s.errno,
        s.signal,
        s.process
    )
}

/// The outcome as the C programs say it (`ok`, `errno EINVAL from mmap`, `signal SIGBUS at
/// store`), addresses aside.
fn outcome(run: &Run) -> String {
    describe(&record_of(run))
}

/// `run` as the helpers of `common` take it.
fn record_of(run: &Run) -> mmap_lab_engine::Record {
    mmap_lab_engine::Record {
        scenario: String::new(),
        params: Default::default(),
        run: run.clone(),
    }
}

/// `Step` at every stop takes the run to the end a free run reaches: the same calls,
/// results, raw calls, outcome and page bits, for every scenario and declared variant. And at
/// each stop the record so far is the free run's beginning, its last step the one just made.
#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn stepping_every_stop_gives_the_free_runs_record() {
    let _alone = alone();
    for (name, plan) in plans() {
        let free = engine::run(&plan).unwrap_or_else(|e| panic!("{name}: {e}"));
        if !witness_on(&free) {
            return;
        }
        let mut pacer = Recorder::new(|_, _| Command::Step);
        let stepped = paced(&plan, &mut pacer).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (want, got) = (essence(&free), essence(&stepped));
        assert_eq!(
            got,
            want,
            "{name}\nstepped:\n{}\nfree:\n{}",
            dump(&record_of(&stepped)),
            dump(&record_of(&free))
        );
        assert_eq!(outcome(&stepped), outcome(&free), "{name}");
        assert!(stepped.held.is_none(), "{name}: the final record is held");
        // A stop at each boundary passed, and one as each process leaves; after a fork
        // both processes reach their boundaries before the one stop that shows both.
        let forked = usize::from(plan.steps.iter().any(|s| s.side == Side::Child));
        let leaving = 1 + forked;
        assert_eq!(
            pacer.stops.len(),
            stepped.boundaries.len() - forked + leaving,
            "{name}: {:?} {:?}",
            stepped.boundaries,
            pacer
                .stops
                .iter()
                .map(|s| (s.done, s.next, s.pids.clone()))
                .collect::<Vec<_>>()
        );
        for (k, stop) in pacer.stops.iter().enumerate() {
            let so_far = essence(&stop.run);
            assert!(
                so_far.len() <= want.len(),
                "{name}: stop {k} has more steps"
            );
            assert!(stop.run.held.is_some(), "{name}: stop {k} not held");
            if let (Some(at), Some(done)) = (stop.done_at, stop.done) {
                let last = stop.last().expect("the step just made");
                let plan_step = &plan.steps[done];
                assert!(!plan_step.is_bookkeeping(), "{name}: stop {k}");
                assert_eq!(
                    step_essence(&stop.run, last),
                    want[at],
                    "{name}: stop {k}, step {done}"
                );
            }
        }
        assert_eq!(
            pacer.stops[0].done, None,
            "{name}: held before anything ran"
        );
        assert_eq!(pacer.stops[0].next, Some(0), "{name}");
    }
}

/// At every stop of a plan that forks, every process of the experiment is stopped by the
/// tracer (state `t` in `/proc/PID/stat`), and after the fork both are held at once.
#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn at_every_stop_of_a_fork_plan_both_processes_are_stopped() {
    let _alone = alone();
    let forks: Vec<(String, Plan)> = plans()
        .into_iter()
        .filter(|(_, p)| p.steps.iter().any(|s| matches!(s.op, Op::Ipc(IpcOp::Fork))))
        .collect();
    assert!(!forks.is_empty(), "the catalogue has plans that fork");
    for (name, plan) in forks {
        let mut pacer = Recorder::new(|_, _| Command::Step);
        let run = paced(&plan, &mut pacer).unwrap_or_else(|e| panic!("{name}: {e}"));
        if !witness_on(&run) {
            return;
        }
        // A variant may fail before its fork (a zero length): then there is one process.
        let forked = run
            .steps
            .iter()
            .any(|s| s.function == engine::Function::Fork);
        let both = pacer.states.iter().filter(|s| s.len() == 2).count();
        assert!(!forked || both >= 2, "{name}: {:?}", pacer.states);
        for (k, states) in pacer.states.iter().enumerate() {
            for &(side, pid, state) in states {
                assert_eq!(state, Some('t'), "{name}: stop {k}, {side:?} {pid}");
            }
        }
    }
}

/// The child reads the pipe before the parent writes it (steps 2 and 3): in plan order the
/// child waits for a step that is held until it is done, and the run times out; in free
/// order, as a race's lesson needs, the parent writes meanwhile and the run ends well.
/// Stepping it still takes the processes in turn.
fn reader_first(free_order: bool) -> Plan {
    let mut plan = Plan::new();
    plan.deadline = Duration::from_millis(300);
    plan.free_order = free_order;
    let pipe = plan.push(Step::critical(engine::DescriptorOp::Pipe));
    let pid = plan.push(Step::critical(IpcOp::Fork));
    plan.push(
        Step::critical(IpcOp::PipeRead {
            fd: engine::Val::Ret(pipe),
        })
        .in_child(),
    );
    plan.push(Step::critical(IpcOp::PipeWrite {
        fd: engine::Val::Aux(pipe),
    }));
    plan.push(Step::critical(IpcOp::Exit).in_child());
    plan.push(Step::critical(IpcOp::Waitpid {
        pid: engine::Val::Ret(pid),
    }));
    plan
}

#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn a_plan_in_free_order_runs_its_processes_at_once() {
    let _alone = alone();
    let ordered = engine::run(&reader_first(false)).expect("runs");
    if !witness_on(&ordered) {
        return;
    }
    assert!(
        matches!(ordered.outcome, Outcome::Timeout { .. }),
        "{:?}",
        ordered.outcome
    );
    let free = engine::run(&reader_first(true)).expect("runs");
    assert!(matches!(free.outcome, Outcome::Ok), "{:?}", free.outcome);
    let mut pacer = Recorder::new(|_, _| Command::Step);
    let stepped = paced(&reader_first(true), &mut pacer).expect("runs");
    assert!(
        matches!(stepped.outcome, Outcome::Timeout { .. }),
        "{:?}",
        stepped.outcome
    );
}

/// A plan of one step that sleeps `millis` in the child, with a deadline of 100 ms.
fn sleeping(millis: u64) -> Plan {
    let mut plan = Plan::new();
    plan.deadline = Duration::from_millis(100);
    plan.push(Step::critical(TestSleep { millis }));
    plan.push(Step::critical(TestSleep { millis: 1 }));
    plan
}

/// The deadline counts the time the experiment runs, not the time it waits at a stop: a
/// 100 ms deadline survives a pacer that waits 150 ms at each stop, not a step that sleeps
/// 300 ms.
#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn the_deadline_counts_running_time_only() {
    let _alone = alone();
    let mut patient = Recorder::new(|_, _| Command::Step);
    patient.wait = Duration::from_millis(150);
    let run = paced(&sleeping(1), &mut patient).expect("runs");
    if !witness_on(&run) {
        return;
    }
    assert!(patient.stops.len() >= 3, "{}", patient.stops.len());
    assert!(
        matches!(run.outcome, Outcome::Ok),
        "{:?} after {} stops",
        run.outcome,
        patient.stops.len()
    );
    assert!(
        run.elapsed_us < 100_000,
        "running time {} µs",
        run.elapsed_us
    );

    let mut quick = Recorder::new(|_, _| Command::Step);
    let run = paced(&sleeping(300), &mut quick).expect("runs");
    assert!(
        matches!(run.outcome, Outcome::Timeout { after_ms: 100 }),
        "{:?}",
        run.outcome
    );
}

/// `Kill` at a stop ends the run as cancelled: its processes killed and reaped (both, in a
/// plan that forks), its directory removed. At the second stop of a one-process plan, and at
/// the first stop where both processes of a fork plan are held.
#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn kill_at_a_stop_leaves_no_process_and_no_directory() {
    let _alone = alone();
    let all = plans();
    let find = |id: &str| {
        all.iter()
            .find(|(n, _)| n.contains(&format!("run {id} (defaults)")))
            .unwrap_or_else(|| panic!("{id}"))
    };
    let second: fn(usize, &Stop) -> Command = |n, _| match n {
        1 => Command::Kill,
        _ => Command::Step,
    };
    let both: fn(usize, &Stop) -> Command = |_, stop| match stop.pids.len() {
        2 => Command::Kill,
        _ => Command::Step,
    };
    // At the last stop the process is on its way out (its exit stop): past every signal,
    // SIGKILL included, so the kill must let it go too (quitting there hung the lab).
    let leaving: fn(usize, &Stop) -> Command = |_, stop| match stop.next {
        None => Command::Kill,
        Some(_) => Command::Step,
    };
    for ((name, plan), command, pids) in [
        (find("empty-new-file"), second, 1),
        (find("private-cow-fork"), both, 2),
        (find("empty-new-file"), leaving, 1),
    ] {
        if !witness_on(&engine::run(plan).expect("a free run")) {
            return;
        }
        let mut pacer = Recorder::new(command);
        let result = paced(plan, &mut pacer);
        assert!(
            matches!(result, Err(EngineError::Cancelled)),
            "{name}: {:?}",
            result.map(|r| r.outcome)
        );
        let last = pacer.stops.last().expect("a stop");
        assert_eq!(last.pids.len(), pids, "{name}");
        if pids == 1 && last.next.is_some() {
            assert_eq!(pacer.stops.len(), 2, "{name}");
        }
        for &(side, pid) in &last.pids {
            assert_eq!(state(pid), None, "{name}: {side:?} {pid} is still there");
        }
        let dir = pacer.dir.clone().expect("the experiment's directory");
        assert!(
            dir.to_string_lossy().contains("mmap-lab-"),
            "{name}: {dir:?}"
        );
        assert!(!dir.exists(), "{name}: {dir:?} is left");
    }
}
