//! Two speeds of one run: `Free` lets the experiment go from its first step to its end, as
//! `r` and `run` do; `Paced` holds its processes at every step boundary and asks a [`Pacer`]
//! what to do next, as stepping does.
//!
//! The witness already stops each process at the boundary before each step and releases
//! them one at a time, in plan order (see `witness::Tracer::release`): a paced run asks the
//! pacer at that moment, when every process of the experiment is still, with the record so
//! far. The pacer is called on the tracer's thread (ptrace requests must come from the thread
//! that forked), so it may block there, between key presses, for as long as it likes: the
//! deadline counts only the time the experiment runs ([`RunClock`]).

use super::pages::PageDetail;
use super::plan::Side;
use super::record::{Run, StepRecord};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Work for the lab to do while the experiment runs, on the witness's thread (which mostly
/// waits): the command line sweeps TMPDIR's leftovers there, so that a run does not wait for
/// it. It runs once the child is forked, or not at all if the run fails before that.
pub type Beside<'a> = Box<dyn FnOnce() + Send + 'a>;

/// How to run an experiment: the one entry point [`super::run_with`] takes.
pub struct RunOptions<'a> {
    /// Stop early when it becomes true: the processes are killed and reaped, the temporary
    /// directory removed.
    pub cancel: Option<&'a AtomicBool>,
    /// Work to do on the witness's thread while the experiment runs.
    pub beside: Option<Beside<'a>>,
    /// At once, or a step at a time.
    pub pace: Pace<'a>,
    /// How much of the page state to read at each boundary.
    pub pages: PageDetail,
}

impl Default for RunOptions<'_> {
    /// A free run, reading the pages `MMAP_LAB_PAGES` asks for: what `run` does.
    fn default() -> Self {
        RunOptions {
            cancel: None,
            beside: None,
            pace: Pace::Free,
            pages: PageDetail::wanted(),
        }
    }
}

/// The speed of a run.
pub enum Pace<'a> {
    /// From the first step to the end without holding: `r` and `run`.
    Free,
    /// Held at every boundary until the pacer says how to go on. Where the witness is off
    /// (tracing refused, `MMAP_LAB_WITNESS=off`) there are no boundaries: the run is free and
    /// its record says why the witness was off.
    Paced(&'a mut dyn Pacer),
}

/// Who decides, at each stop of a paced run, how it goes on.
pub trait Pacer {
    /// Every process of the experiment is stopped; `stop` says where and what happened so
    /// far. Called on the tracer's thread; the time spent here does not count against the
    /// deadline.
    fn held(&mut self, stop: Stop) -> Command;
}

/// What a pacer answers at a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Let the next process make one step, and stop again.
    Step,
    /// Let the run go on to its end without holding again.
    RunToEnd,
    /// End it now: the experiment's processes are killed and reaped, its directory removed,
    /// and the run returns [`super::EngineError::Cancelled`].
    Kill,
}

/// Where a paced run is held: the processes stopped, the step made just before, the one
/// that comes next, and the record so far (its steps, their returns, calls and pages).
#[derive(Debug, Clone)]
pub struct Stop {
    /// The experiment's processes, each stopped (state `t` in `/proc/PID/stat`) and
    /// readable there by its user while it waits: the parent first.
    pub pids: Vec<(Side, i32)>,
    /// The plan step that was made just before this stop (by the process that stopped last),
    /// `None` before the first.
    pub done: Option<usize>,
    /// Where that step is in `run.steps` (the lab's bookkeeping and the steps not begun are
    /// not there).
    pub done_at: Option<usize>,
    /// The plan step that comes next, `None` when the process that stopped last is on its
    /// way out (its plan done, or killed by a signal: the record then has it).
    pub next: Option<usize>,
    /// The record so far: every step begun, with its return, raw calls, faults and the page
    /// state read at its stop. Its [`Run::held`] is set; its outcome is final only once no
    /// step is left.
    pub run: Box<Run>,
}

impl Stop {
    /// The record of the step made just before this stop, with its return (or the signal
    /// that ended it) and the page state read here.
    pub fn last(&self) -> Option<&StepRecord> {
        self.run.steps.get(self.done_at?)
    }
}

/// The time the experiment has run, its stops at a pacer aside: what the deadline is
/// compared with. Shared by the tracer (which pauses it around [`Pacer::held`]) and the
/// witness's reader thread (which enforces the deadline).
#[derive(Debug)]
pub(crate) struct RunClock {
    start: Instant,
    /// The time held so far, and since when it is held now.
    held: Mutex<(Duration, Option<Instant>)>,
}

impl RunClock {
    /// A clock running from now.
    pub(crate) fn start() -> RunClock {
        RunClock {
            start: Instant::now(),
            held: Mutex::new((Duration::ZERO, None)),
        }
    }

    /// The experiment is held from now.
    pub(crate) fn pause(&self) {
        if let Ok(mut h) = self.held.lock() {
            h.1.get_or_insert_with(Instant::now);
        }
    }

    /// The experiment runs again from now.
    pub(crate) fn resume(&self) {
        if let Ok(mut h) = self.held.lock() {
            if let Some(since) = h.1.take() {
                h.0 += since.elapsed();
            }
        }
    }

    /// The time held, the hold in progress included.
    pub(crate) fn held(&self) -> Duration {
        self.held
            .lock()
            .map(|h| h.0 + h.1.map_or(Duration::ZERO, |s| s.elapsed()))
            .unwrap_or_default()
    }

    /// The time the experiment has run.
    pub(crate) fn running(&self) -> Duration {
        self.start.elapsed().saturating_sub(self.held())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hold in progress counts, and one resumed stays counted: the running time is the
    /// wall time less both.
    #[test]
    fn the_run_clock_leaves_out_the_time_held() {
        let clock = RunClock::start();
        clock.pause();
        std::thread::sleep(Duration::from_millis(30));
        assert!(clock.held() >= Duration::from_millis(30));
        clock.resume();
        let held = clock.held();
        assert!(held >= Duration::from_millis(30));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.held(), held, "not held any more");
        let running = clock.running();
        assert!(running + held <= clock.start.elapsed());
        assert!(running >= Duration::from_millis(5));
    }
}
