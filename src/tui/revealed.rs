//! One notion of what the screen may tell: how much of a run has been revealed. Before a
//! run nothing; while stepping, the steps made so far; after `r`, everything. Every pane
//! reaches a record through [`App::shown`](crate::tui::app::App::shown) alone, so no pane
//! can tell an answer before the step that gives it.

use mmap_lab_engine::engine::StepRecord;
use mmap_lab_engine::Record;

/// How much of a scenario's last run the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Revealed {
    /// Nothing: before a run, or a record of other parameters.
    #[default]
    Nothing,
    /// The first `n` steps of the record (stepping, or going back through a recorded run).
    Steps(usize),
    /// The whole run: its steps, its outcome and everything that follows from it.
    All,
}

/// What the panes may draw of the current scenario's run.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    /// The record of the current parameters, when something of it is revealed.
    pub record: Option<&'a Record>,
    /// How many of its steps are revealed (`record.run.steps[..upto]`).
    pub upto: usize,
    /// Whether the run is over and its deciding step revealed: only then its outcome, the
    /// findings, the verdict and every sentence that follows from the outcome may show.
    pub complete: bool,
}

impl<'a> Shown<'a> {
    /// Nothing revealed.
    pub const NOTHING: Shown<'static> = Shown {
        record: None,
        upto: 0,
        complete: false,
    };

    /// `revealed` of `record`.
    pub fn of(record: &'a Record, revealed: Revealed) -> Shown<'a> {
        let total = record.run.steps.len();
        let upto = match revealed {
            Revealed::Nothing => return Shown::NOTHING,
            Revealed::Steps(n) => n.min(total),
            Revealed::All => total,
        };
        Shown {
            record: Some(record),
            upto,
            // The steps of a record are those begun, so the deciding one (the failing
            // critical step, the step a signal struck, or the last for an OK run) is the
            // last: the outcome is revealed with it, once the run is over.
            complete: record.run.held.is_none() && upto == total,
        }
    }

    /// The record, once its outcome may be told.
    pub fn done(&self) -> Option<&'a Record> {
        self.record.filter(|_| self.complete)
    }

    /// The steps revealed.
    pub fn steps(&self) -> &'a [StepRecord] {
        self.record.map_or(&[], |r| &r.run.steps[..self.upto])
    }

    /// The last step revealed: its return, and the page state read right after it (for the
    /// page map).
    pub fn step(&self) -> Option<&'a StepRecord> {
        self.steps().last()
    }

    /// Whether any of the run is on screen.
    pub fn any(&self) -> bool {
        self.record.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(steps: usize, held: bool) -> Record {
        let step = r#"{"call": "mmap(…)", "result": "0x1000", "function": "mmap"}"#;
        let steps = vec![step; steps].join(",");
        let mut r: Record = serde_json::from_str(&format!(
            r#"{{"scenario": "zero-length", "params": {{}}, "page_size": 4096,
                "privileged": false, "steps": [{steps}], "outcome": {{"kind": "ok"}},
                "elapsed_us": 1}}"#
        ))
        .expect("a minimal record");
        if held {
            r.run.held = Some(mmap_lab_engine::engine::Held {
                pids: Vec::new(),
                next: Some(steps.len()),
            });
        }
        r
    }

    #[test]
    fn the_outcome_shows_only_with_the_last_step_of_a_finished_run() {
        let r = record(3, false);
        let s = Shown::of(&r, Revealed::Nothing);
        assert!(s.record.is_none() && s.steps().is_empty() && !s.complete);
        let s = Shown::of(&r, Revealed::Steps(2));
        assert_eq!((s.upto, s.complete, s.steps().len()), (2, false, 2));
        assert!(s.done().is_none());
        let s = Shown::of(&r, Revealed::Steps(3));
        assert!(s.complete && s.done().is_some());
        assert!(Shown::of(&r, Revealed::All).complete);
        // Held at a stop: never complete, whatever is revealed.
        let r = record(3, true);
        assert!(!Shown::of(&r, Revealed::All).complete);
        assert_eq!(Shown::of(&r, Revealed::Steps(9)).upto, 3);
    }
}
