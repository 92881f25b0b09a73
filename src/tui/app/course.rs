//! The course's part of the lab's behaviour: variants, the state file, the demo, the
//! stages. The course's types and its pure functions are in [`crate::tui::course`], which
//! knows nothing of the app.

use super::{App, Message};
use crate::progress::{State, Store};
use crate::strings;
use crate::tui::course::{
    self, changed_keys, params_from_sets, theme_name, theme_named, variant_params, Note, Setup,
    Stage, Track, SETUP,
};
use mmap_lab_engine::params::Params;
use mmap_lab_engine::Lang;

impl App {
    /// `v`: apply the variant after the one applied last (the first, the first time); `1`–`9`
    /// (`Some(n)`, 1-based): that one. Sets the parameters without running, so the student
    /// predicts first, and says which knobs changed.
    pub fn apply_variant(&mut self, number: Option<usize>) {
        let scenario = self.scenario();
        let total = scenario.variants.len();
        if total == 0 {
            self.message = Some(Message::Course(Note::NoVariants));
            return;
        }
        let index = match number {
            Some(n) if (1..=total).contains(&n) => n - 1,
            Some(n) => {
                self.message = Some(Message::Course(Note::NoSuchVariant(n)));
                return;
            }
            None => self.states[self.current]
                .variant_at
                .map_or(0, |i| (i + 1) % total),
        };
        let Some(params) = variant_params(scenario, index, self.page) else {
            return;
        };
        let defaults = (scenario.defaults)(self.page);
        let changed = changed_keys(scenario, &defaults, &params)
            .into_iter()
            .map(|k| format!("{}={}", k.name(), params.get(k)))
            .collect();
        self.states[self.current].params = params;
        self.forget_prediction();
        self.states[self.current].variant_at = Some(index);
        self.editor = None;
        self.message = Some(Message::Course(Note::Variant {
            n: index + 1,
            total,
            changed,
        }));
    }

    /// Count a finished run of scenario `i` with `params`: the defaults or a variant get
    /// their check mark.
    pub fn record_course_run(&mut self, i: usize, params: &Params) {
        let class = self.for_a_class();
        course::record_run(&mut self.states[i], params, self.page, class);
    }

    /// Start the course as the command line asked ([`setup`]): read the state file and
    /// resume from it. Without a setup (tests), nothing is read or written.
    pub fn start_course(&mut self) {
        let Some(setup) = SETUP.get() else { return };
        self.start_with(setup);
    }

    /// [`App::start_course`] for this setup.
    pub fn start_with(&mut self, setup: &Setup) {
        if let Some(path) = setup.state.clone() {
            let mut store = Store::at(path);
            let (state, aside) = store.load();
            self.course.store = Some(store);
            if let Some(aside) = aside {
                self.message = Some(Message::Course(Note::SetAside(aside)));
            }
            self.resume(&state, setup);
        }
        if let Some(params) = &setup.params {
            self.states[self.current].params = params.clone();
        }
        if let Some(playlist) = &setup.demo {
            self.course.demo = Some((playlist.clone(), 0));
            self.demo_step(0);
        }
        self.refresh();
    }

    /// `]` (`+1`) / `[` (`-1`): the demo's next or previous step; sets the scenario and its
    /// parameters without running, so the class predicts first.
    pub fn demo_step(&mut self, delta: i32) {
        let Some((playlist, at)) = &self.course.demo else {
            self.message = Some(Message::Course(Note::NoDemo));
            return;
        };
        let total = playlist.steps.len();
        let to = (*at as i64 + i64::from(delta)).clamp(0, total as i64 - 1) as usize;
        let step = playlist.steps[to].clone();
        if let Some((_, at)) = &mut self.course.demo {
            *at = to;
        }
        if let Some(i) = self.scenarios.iter().position(|s| s.id == step.scenario.id) {
            self.select(i);
            self.states[i].params = step.params;
        }
        self.editor = None;
        self.predictions.picker = None;
        self.predictions.pending = None;
        // The demo's line says where the demo is and what to ask ([`App::demo_line`]).
        self.message = None;
    }

    /// Whether the lab is in front of a class (`--presenter` or `--demo`): every scenario
    /// opens at its defaults and nothing of a student's parameters is read or written.
    pub fn for_a_class(&self) -> bool {
        self.presenter || self.course.demo.is_some()
    }

    /// Whether the parameters on screen are the ones the state file remembered for this
    /// scenario (the header says so: a student knows why the form is not at its defaults).
    pub fn last_settings_shown(&self) -> bool {
        !self.for_a_class()
            && self.course.remembered[self.current].as_ref() == Some(self.current_params())
    }

    /// The demo's line, while one plays: its position (`demo 3/12`), then the step's note
    /// while its scenario is on screen; once the step's parameters have run, its `after`
    /// note (the answer) in place of the question. The screen keeps it in view whatever
    /// happens (a run, a message), so the class always knows where the demo is.
    pub fn demo_line(&self) -> Option<String> {
        let (playlist, at) = self.course.demo.as_ref()?;
        let step = &playlist.steps[*at];
        let pos = strings::demo_position(at + 1, playlist.steps.len(), self.lang);
        let here = step.scenario.id == self.scenario().id;
        // The answer only once this step's whole run is revealed.
        let ran = here && self.current_params() == &step.params && self.shown().done().is_some();
        let note = match (ran, &step.after) {
            (true, Some(after)) => Some(after),
            _ if here => step.note.as_ref(),
            _ => None,
        };
        Some(match note {
            Some(note) => format!("{pos}{}{note}", self.lang.pick(": ", "：")),
            None => pos,
        })
    }

    /// The demo's position, `(step, steps)`, 1-based.
    pub fn demo_position(&self) -> Option<(usize, usize)> {
        self.course
            .demo
            .as_ref()
            .map(|(p, at)| (at + 1, p.steps.len()))
    }

    /// Take over what `state` remembers.
    pub fn resume(&mut self, state: &State, setup: &Setup) {
        for (i, scenario) in self.scenarios.iter().enumerate() {
            let Some(track) = state.scenarios.get(scenario.id) else {
                continue;
            };
            self.states[i].track = track.clone();
            // Remembered parameters are a student's: a class sees every scenario at its
            // defaults, whatever a rehearsal left.
            if self.presenter || setup.demo.is_some() {
                continue;
            }
            if let Some(p) = params_from_sets(scenario, &track.last_params, self.page) {
                if p != (scenario.defaults)(self.page) {
                    self.course.remembered[i] = Some(p.clone());
                }
                self.states[i].params = p;
            }
        }
        if !setup.lang_given {
            if let Some(lang) = state.lang.as_deref().and_then(Lang::parse) {
                self.lang = lang;
            }
        }
        if !setup.theme_given {
            if let Some(name) = state.theme.as_deref().and_then(theme_named) {
                self.theme = crate::tui::theme::Theme::named(name);
            }
        }
        if !setup.scenario_given {
            let last = state.last_scenario.as_deref();
            if let Some(i) = self.scenarios.iter().position(|s| Some(s.id) == last) {
                self.select(i);
            }
        }
        self.refresh();
    }

    /// What the state file should say now.
    pub fn state(&self) -> State {
        let mut state = State {
            last_scenario: Some(self.scenario().id.to_string()),
            lang: Some(self.lang.code().to_string()),
            theme: Some(theme_name(self.theme.name).to_string()),
            ..State::default()
        };
        for s in &self.states {
            let track = course::saved_track(s, self.page, self.for_a_class());
            if track != Track::default() {
                state.scenarios.insert(s.scenario.id.to_string(), track);
            }
        }
        state
    }

    /// Write the state file, if there is one, merged with what other labs wrote to it since
    /// (see [`crate::progress::merge`]); the lab then shows the merged tracks. A failure is
    /// said once in the status line.
    pub fn persist(&mut self) {
        let now = self.state();
        let Some(store) = &mut self.course.store else {
            return;
        };
        match store.save(&now) {
            Ok(merged) => {
                for (i, scenario) in self.scenarios.iter().enumerate() {
                    let mut track = merged
                        .scenarios
                        .get(scenario.id)
                        .cloned()
                        .unwrap_or_default();
                    // The parameters on screen stay this lab's own.
                    track.last_params = std::mem::take(&mut self.states[i].track.last_params);
                    self.states[i].track = track;
                }
            }
            Err(err) => {
                if !self.course.save_failed {
                    self.course.save_failed = true;
                    self.message = Some(Message::Course(Note::NotSaved(format!(
                        "{}: {err}",
                        store.path.display()
                    ))));
                }
            }
        }
    }

    /// Scenario `i`'s stage.
    pub fn stage(&self, i: usize) -> Stage {
        course::stage(&self.states[i])
    }

    /// How many scenarios are done.
    pub fn done_count(&self) -> usize {
        (0..self.scenarios.len())
            .filter(|i| self.stage(*i) == Stage::Done)
            .count()
    }
}
