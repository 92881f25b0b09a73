//! Runs, the app's side: starting one, the worker's stops and results coming back, and
//! stepping forward and back through a record. The types they use (`Running`, `Stepping`,
//! `Speed`, `RunRequest`) are declared with `App` in `mod.rs`.

use super::*;

impl App {
    /// Store a run that came back, if it is the one we are waiting for.
    pub(super) fn finish(&mut self, ticket: u64, result: Result<Box<Record>, String>) {
        let Some(running) = self.running.take_if(|r| r.ticket == ticket) else {
            return;
        };
        if let Ok(record) = &result {
            self.judge(running.scenario, &running.params, record);
            self.record_course_run(running.scenario, &running.params);
        }
        let persist = result.is_ok();
        if let (Some(stepping), Ok(record)) = (&running.stepping, &result) {
            // No stop came back: the witness was off, so nothing could hold the child.
            if stepping.stops == 0 && record.run.witness != "on" {
                self.message = Some(Message::NoStepping {
                    off: record.run.witness_off.clone(),
                    witness: record.run.witness.clone(),
                });
            }
        }
        if running.scenario == self.current {
            self.outcome_scroll = 0;
            self.bottom = Focus::Outcome;
        }
        self.states[running.scenario].result = Some(RunResult {
            params: running.params,
            outcome: result,
            revealed: crate::tui::revealed::Revealed::All,
        });
        if persist {
            self.persist();
        }
    }

    /// `r`/Enter: the held child runs to its end (everything revealed); else a free run.
    pub(super) fn run_key(&mut self) -> Effect {
        if let Some(r) = self.running.as_mut().filter(|r| r.scenario == self.current) {
            if let Some(s) = r.stepping.as_mut().filter(|s| s.stops > 0 && !s.waiting) {
                s.waiting = true;
                return Effect::Pace {
                    ticket: r.ticket,
                    command: Command::RunToEnd,
                };
            }
        }
        self.start_run(Speed::Free)
    }

    /// `s`/`.`: forward through what is recorded, then one step of the held child; with no
    /// live run, a stepped run held before its first step.
    pub(super) fn step_key(&mut self) -> Effect {
        // A view behind what was recorded moves forward first, a step a key.
        if self.forward() {
            return Effect::Nothing;
        }
        match &mut self.running {
            Some(r) if r.scenario == self.current && r.stepping.is_some() => {
                let Some(s) = r.stepping.as_mut() else {
                    return Effect::Nothing;
                };
                // Before its first stop, or while the child makes its step: the key waits.
                if s.stops == 0 || s.waiting {
                    return Effect::Nothing;
                }
                s.waiting = true;
                Effect::Pace {
                    ticket: r.ticket,
                    command: Command::Step,
                }
            }
            _ => self.start_run(Speed::Stepped),
        }
    }

    /// The current scenario's result, when it is a record of the current parameters.
    pub(super) fn shown_result(&mut self) -> Option<&mut RunResult> {
        let state = &mut self.states[self.current];
        let params = &state.params;
        state
            .result
            .as_mut()
            .filter(|r| r.params == *params && r.outcome.is_ok())
    }

    /// One recorded step more on screen, if the view is behind the record; says whether it
    /// moved.
    pub(super) fn forward(&mut self) -> bool {
        let Some(result) = self.shown_result() else {
            return false;
        };
        let Ok(record) = &result.outcome else {
            return false;
        };
        let total = record.run.steps.len();
        // A live run's view goes no further than its stop.
        let total = match &self.running {
            Some(Running {
                scenario,
                stepping: Some(s),
                ..
            }) if *scenario == self.current => s.live.min(total),
            _ => total,
        };
        let Some(result) = self.shown_result() else {
            return false;
        };
        match result.revealed {
            Revealed::Steps(n) if n < total => {
                result.revealed = Revealed::Steps(n + 1);
                true
            }
            _ => false,
        }
    }

    /// `,`: the state after the step before, from what was recorded.
    pub(super) fn step_back(&mut self) {
        let Some(result) = self.shown_result() else {
            return;
        };
        let Ok(record) = &result.outcome else { return };
        let upto = Shown::of(record, result.revealed).upto;
        if upto > 0 {
            result.revealed = Revealed::Steps(upto - 1);
        }
    }

    /// A stepped run is held at a stop: show its record so far, up to the step just made.
    pub(super) fn stopped(&mut self, ticket: u64, stop: Stop) -> Effect {
        let Some(running) = self.running.as_mut().filter(|r| r.ticket == ticket) else {
            // A run this state no longer knows: it must not wait for a key that never comes.
            return Effect::Pace {
                ticket,
                command: Command::Kill,
            };
        };
        let Some(stepping) = running.stepping.as_mut() else {
            return Effect::Nothing;
        };
        stepping.pids = stop.pids.clone();
        stepping.stops += 1;
        stepping.waiting = false;
        let scenario = self.scenarios[running.scenario];
        let record = Record {
            scenario: scenario.id.to_string(),
            params: mmap_lab_engine::session::params_json(scenario, &running.params),
            run: *stop.run,
        };
        // Up to the step just made; without one (before the first step), nothing.
        let made = stop
            .done_at
            .map_or(0, |i| i + 1)
            .min(record.run.steps.len());
        stepping.live = made;
        if running.scenario == self.current {
            self.outcome_scroll = 0;
            self.bottom = Focus::Outcome;
        }
        self.states[running.scenario].result = Some(RunResult {
            params: running.params.clone(),
            outcome: Ok(Box::new(record)),
            revealed: Revealed::Steps(made),
        });
        Effect::Nothing
    }

    /// The stepped run, if there is one and it is no longer the experiment on screen (or
    /// `force`): forgotten with its record so far, and the effect that kills its child.
    pub(super) fn end_stale_stepping(&mut self, force: bool) -> Option<Effect> {
        let r = self.running.as_ref()?;
        r.stepping.as_ref()?;
        let stale = r.scenario != self.current || r.params != self.states[r.scenario].params;
        if !(force || stale) {
            return None;
        }
        let r = self.running.take()?;
        if let Some(Ok(record)) = self.states[r.scenario].result.as_ref().map(|x| &x.outcome) {
            if record.run.held.is_some() {
                self.states[r.scenario].result = None;
            }
        }
        Some(Effect::Pace {
            ticket: r.ticket,
            command: Command::Kill,
        })
    }

    pub(super) fn start_run(&mut self, speed: Speed) -> Effect {
        if self.running.is_some() {
            self.message = Some(Message::AlreadyRunning);
            return Effect::Nothing;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let params = self.states[self.current].params.clone();
        self.running = Some(Running {
            ticket,
            scenario: self.current,
            params: params.clone(),
            started: Instant::now(),
            elapsed: Duration::ZERO,
            stepping: (speed == Speed::Stepped).then(Stepping::default),
        });
        Effect::StartRun(Box::new(RunRequest {
            ticket,
            scenario: self.scenario(),
            params,
            lang: self.lang,
            speed,
        }))
    }
}
