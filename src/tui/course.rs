//! The course: each scenario's declared variants one key away (`v`, `1`–`9`),
//! which of them ran, and whether a scenario is done. Kept apart from [`super::app`] so that
//! file only carries the dispatch lines; the state here is plain data that `progress.rs`
//! stores between sessions.

use super::app::{App, Message};
use super::theme::ThemeName;
use crate::progress::{SetAside, State, Store};
pub use crate::progress::{Stage, Track};
use crate::strings::{self, C};
use mmap_lab_engine::params::{Key, Params};
use mmap_lab_engine::{Lang, Scenario};
use std::path::PathBuf;
use std::sync::OnceLock;

/// A status message of the course's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Variant `n` (1-based) of `total` applied; it differs from the defaults in these
    /// settings.
    Variant {
        /// Its number.
        n: usize,
        /// How many the scenario declares.
        total: usize,
        /// Its settings that differ from the scenario's defaults, as `KEY=VALUE`, in the
        /// order the form shows them (whatever the parameters were before it).
        changed: Vec<String>,
    },
    /// The scenario declares no variants.
    NoVariants,
    /// There is no variant with this number.
    NoSuchVariant(usize),
    /// The state file could not be used.
    SetAside(SetAside),
    /// The state file could not be written (where, and why).
    NotSaved(String),
    /// A prediction was recorded for the next run.
    Predicted(super::predict::Answer),
    /// `]` / `[` without `--demo`.
    NoDemo,
}

/// The parameters of `scenario`'s variant: its defaults with the variant's `--set`s applied.
/// `None` only if a declaration were wrong, which the catalogue's tests rule out.
pub fn variant_params(scenario: &Scenario, index: usize, page: u64) -> Option<Params> {
    let v = scenario.variants.get(index)?;
    let mut params = (scenario.defaults)(page);
    for set in v.sets(page) {
        mmap_lab_engine::session::apply(scenario, &mut params, &set).ok()?;
    }
    Some(params)
}

/// The keys whose values differ between `a` and `b`, in the order the form shows them.
pub fn changed_keys(scenario: &Scenario, a: &Params, b: &Params) -> Vec<Key> {
    scenario
        .shown_keys()
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .collect()
}

/// The parameters as `KEY=VALUE` texts of the keys the scenario takes, for the state file.
pub fn param_sets(scenario: &Scenario, params: &Params) -> Vec<String> {
    scenario
        .keys
        .iter()
        .map(|k| format!("{}={}", k.name(), params.get(*k)))
        .collect()
}

/// The defaults with `sets` applied; `None` when one is refused (a state file from another
/// version): the caller keeps the defaults then.
pub fn params_from_sets(scenario: &Scenario, sets: &[String], page: u64) -> Option<Params> {
    let mut params = (scenario.defaults)(page);
    for set in sets {
        mmap_lab_engine::session::apply(scenario, &mut params, set).ok()?;
    }
    Some(params)
}

/// The course's part of the lab's state.
#[derive(Debug, Clone, Default)]
pub struct Course {
    /// Where progress is kept (`None`: `--no-state`, or a test).
    pub store: Option<Store>,
    /// Whether a failed write was already reported (once is enough).
    pub save_failed: bool,
    /// The parameters the state file remembered for each scenario, where they were not the
    /// defaults and the lab opened with them.
    pub remembered: Vec<Option<Params>>,
    /// The demo being played, and the step shown (0-based).
    pub demo: Option<(crate::demo::Playlist, usize)>,
}

impl Course {
    /// A course for `n` scenarios, nothing remembered yet.
    pub fn new(n: usize) -> Course {
        Course {
            remembered: vec![None; n],
            ..Course::default()
        }
    }
}

/// What the command line asked of the course. `main` sets it once before the lab starts and
/// the lab reads it when it starts ([`App::start_course`]): a global rather than new fields of
/// the shared `Options`, which every test and branch constructs, so adding the course's
/// options touches none of them.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The state file (`None`: `--no-state`).
    pub state: Option<PathBuf>,
    /// Whether `--scenario` was given (else the state's last scenario is opened).
    pub scenario_given: bool,
    /// Whether `--lang` was given (else the state's language wins over the locale).
    pub lang_given: bool,
    /// Whether `--theme` was given.
    pub theme_given: bool,
    /// `--scenario ID --set K=V…`: the scenario's parameters, checked before the screen opened.
    pub params: Option<Params>,
    /// `--demo`: the playlist, checked before the screen opened.
    pub demo: Option<crate::demo::Playlist>,
}

static SETUP: OnceLock<Setup> = OnceLock::new();

/// Set what the command line asked of the course (once; later calls are ignored).
pub fn setup(setup: Setup) {
    let _ = SETUP.set(setup);
}

fn theme_name(name: ThemeName) -> &'static str {
    match name {
        ThemeName::Dark => "dark",
        ThemeName::Light => "light",
        ThemeName::Mono => "mono",
    }
}

fn theme_named(name: &str) -> Option<ThemeName> {
    [ThemeName::Dark, ThemeName::Light, ThemeName::Mono]
        .into_iter()
        .find(|t| theme_name(*t) == name)
}

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
        let scenario = self.scenarios[i];
        let page = self.page;
        let class = self.for_a_class();
        let track = &mut self.states[i].track;
        track.runs = track.runs.saturating_add(1);
        if *params == (scenario.defaults)(page) {
            track.default_done = true;
        }
        for v in 0..scenario.variants.len() {
            if variant_params(scenario, v, page).as_ref() == Some(params) {
                track.mark_variant(v);
            }
        }
        if !class {
            track.last_params = param_sets(scenario, params);
        }
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
                self.theme = super::theme::Theme::named(name);
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
        for (i, scenario) in self.scenarios.iter().enumerate() {
            let mut track = self.states[i].track.clone();
            // The parameters as they are now, run or not: the lab reopens with them. Not a
            // class's: presenter and demo keep what the student's lab remembered.
            track.last_params = if self.for_a_class() {
                track.last_params
            } else if self.states[i].params == (scenario.defaults)(self.page) {
                Vec::new()
            } else {
                param_sets(scenario, &self.states[i].params)
            };
            if track != Track::default() {
                state.scenarios.insert(scenario.id.to_string(), track);
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
        self.states[i].track.stage(self.scenarios[i].variants.len())
    }

    /// How many scenarios are done.
    pub fn done_count(&self) -> usize {
        (0..self.scenarios.len())
            .filter(|i| self.stage(*i) == Stage::Done)
            .count()
    }
}

/// A course message as text.
pub fn note_text(note: &Note, lang: Lang) -> String {
    match note {
        Note::Variant { n, total, changed } => strings::variant_applied(*n, *total, changed, lang),
        Note::NoVariants => C::NoVariants.get(lang).to_string(),
        Note::NoSuchVariant(n) => strings::no_such_variant(*n, lang),
        Note::SetAside(aside) => aside.message(lang),
        Note::NotSaved(why) => strings::not_saved(why, lang),
        Note::Predicted(a) => super::predict::predicted_text(*a, lang),
        Note::NoDemo => C::NoDemo.get(lang).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::event::Action;

    fn app(id: &str) -> App {
        crate::tui::app::test_app(id)
    }

    fn finish(a: &mut App) {
        let params = a.current_params().clone();
        let i = a.current;
        a.record_course_run(i, &params);
    }

    #[test]
    fn v_applies_the_variants_in_turn_without_running_and_says_what_changed() {
        let mut a = app("unaligned-offset");
        let s = a.scenario();
        let total = s.variants.len();
        assert!(total >= 3);
        let effect = a.apply(Action::NextVariant);
        assert!(matches!(effect, crate::tui::app::Effect::Nothing));
        assert!(a.running.is_none());
        let want = variant_params(s, 0, 4096).unwrap();
        assert_eq!(a.current_params(), &want);
        let defaults = (s.defaults)(4096);
        assert_eq!(
            a.message,
            Some(Message::Course(Note::Variant {
                n: 1,
                total,
                changed: changed_keys(s, &defaults, &want)
                    .iter()
                    .map(|k| format!("{}={}", k.name(), want.get(*k)))
                    .collect(),
            }))
        );
        a.apply(Action::NextVariant);
        assert_eq!(a.current_params(), &variant_params(s, 1, 4096).unwrap());
        // `offset=4096`, the variant the lesson quotes first, changes exactly that knob.
        a.apply(Action::Reset);
        a.apply(Action::Variant(2));
        assert_eq!(a.current_params().offset, 4096);
        assert!(matches!(
            &a.message,
            Some(Message::Course(Note::Variant { n: 2, changed, .. })) if changed == &["offset=4096"]
        ));
        a.apply(Action::Variant(3));
        assert_eq!(a.current_params(), &variant_params(s, 2, 4096).unwrap());
        a.apply(Action::Variant(9));
        assert_eq!(a.message, Some(Message::Course(Note::NoSuchVariant(9))));
        assert_eq!(a.current_params(), &variant_params(s, 2, 4096).unwrap());
    }

    #[test]
    fn demo_steps_set_scenario_and_parameters_without_running() {
        let mut a = app("zero-length");
        a.apply(Action::DemoNext);
        assert_eq!(a.message, Some(Message::Course(Note::NoDemo)));
        let playlist = crate::demo::load("course-notes-en", 4096, Lang::En).unwrap();
        let n = playlist.steps.len();
        let setup = Setup {
            demo: Some(playlist),
            ..Setup::default()
        };
        a.start_with(&setup);
        assert_eq!(a.demo_position(), Some((1, n)));
        assert_eq!(a.scenario().id, "munmap-shifted-pointer");
        a.apply(Action::DemoNext);
        assert_eq!(a.demo_position(), Some((2, n)));
        assert_eq!(a.current_params().get(Key::MunmapShift), "4096");
        assert!(a.running.is_none());
        a.apply(Action::DemoPrev);
        a.apply(Action::DemoPrev);
        assert_eq!(a.demo_position(), Some((1, n)));
        assert_eq!(a.current_params().get(Key::MunmapShift), "1");
    }

    /// The banner names the variant's own settings, measured from the defaults, not from
    /// whatever the form held before (a demo step, a knob turned by hand).
    #[test]
    fn a_variants_banner_names_what_differs_from_the_defaults() {
        let mut a = app("empty-new-file");
        let s = a.scenario();
        for set in ["flags=MAP_PRIVATE", "access=read@0"] {
            mmap_lab_engine::session::apply(s, &mut a.states[a.current].params, set).unwrap();
        }
        a.apply(Action::Variant(1));
        let Some(Message::Course(note @ Note::Variant { changed, .. })) = &a.message else {
            panic!("{:?}", a.message);
        };
        assert_eq!(changed, &["grow=ftruncate"]);
        assert_eq!(
            note_text(note, Lang::Zh),
            format!(
                "变体 1/{}：grow=ftruncate，其余为默认值；先预测，再按 r",
                a.scenario().variants.len()
            )
        );
    }

    /// The demo's line asks before the run and answers after it, and stays on screen
    /// through the run; a knob turned after the run brings the question back.
    #[test]
    fn the_demo_line_shows_the_note_then_after_the_run_the_answer() {
        use crate::tui::app::Effect;
        use crate::tui::event::AppEvent;
        let mut a = app("zero-length");
        let playlist = crate::demo::load("course-notes-en", 4096, Lang::En).unwrap();
        let n = playlist.steps.len();
        let step = playlist.steps[0].clone();
        a.start_with(&Setup {
            demo: Some(playlist),
            ..Setup::default()
        });
        let note = step.note.clone().unwrap();
        let after = step.after.clone().unwrap();
        let asked = a.demo_line().unwrap();
        assert!(asked.starts_with(&format!("demo 1/{n}")), "{asked}");
        assert!(asked.contains(&note) && !asked.contains(&after), "{asked}");
        let Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run started");
        };
        assert!(
            a.demo_line().unwrap().contains(&note),
            "still asking while it runs"
        );
        let record = mmap_lab_engine::run_scenario(req.scenario, &req.params).unwrap();
        a.handle(AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record)),
        });
        let answered = a.demo_line().unwrap();
        assert!(answered.starts_with(&format!("demo 1/{n}")), "{answered}");
        assert!(
            answered.contains(&after) && !answered.contains(&note),
            "{answered}"
        );
        // Another shift is another experiment: the answer goes, the question comes back.
        a.states[a.current].params.munmap_shift = 0;
        a.refresh();
        assert!(a.demo_line().unwrap().contains(&note));
    }

    /// Remembered parameters are a student's: the student's lab reopens with them and says
    /// so; presenter and demo open every scenario at its defaults and leave them as they were.
    #[test]
    fn a_class_sees_the_defaults_and_a_student_their_last_settings() {
        let mut a = app("zero-length");
        a.apply(Action::Variant(1));
        finish(&mut a);
        let state = a.state();
        let variant = a.current_params().clone();
        let defaults = (a.scenario().defaults)(4096);
        assert_ne!(variant, defaults);

        let mut student = app("playground");
        student.resume(&state, &Setup::default());
        assert_eq!(student.current_params(), &variant);
        assert!(student.last_settings_shown());
        student.states[student.current].params = defaults.clone();
        assert!(
            !student.last_settings_shown(),
            "only while they are on screen"
        );

        let mut presenter = app("playground");
        presenter.presenter = true;
        presenter.resume(&state, &Setup::default());
        assert_eq!(presenter.scenario().id, "zero-length");
        assert_eq!(presenter.current_params(), &defaults);
        assert!(!presenter.last_settings_shown());
        // A rehearsal's run leaves the student's parameters as they were.
        presenter.states[presenter.current].params.length = 8192;
        finish(&mut presenter);
        let i = presenter.current;
        assert_eq!(
            presenter.state().scenarios["zero-length"].last_params,
            state.scenarios["zero-length"].last_params
        );
        assert_eq!(presenter.states[i].track.runs, 2);

        let mut demo = app("playground");
        let playlist = crate::demo::load("course-notes-en", 4096, Lang::En).unwrap();
        let setup = Setup {
            demo: Some(playlist),
            ..Setup::default()
        };
        demo.resume(&state, &setup);
        let z = demo
            .scenarios
            .iter()
            .position(|s| s.id == "zero-length")
            .unwrap();
        assert_eq!(demo.states[z].params, defaults);
    }

    #[test]
    fn state_resumes_tracks_parameters_scenario_and_language() {
        let mut a = app("zero-length");
        a.apply(Action::Variant(1));
        finish(&mut a);
        a.lang = Lang::Zh;
        let state = a.state();
        let mut b = app("playground");
        b.resume(&state, &Setup::default());
        assert_eq!(b.scenario().id, "zero-length");
        assert_eq!(b.current_params(), a.current_params());
        assert_eq!(b.states[b.current].track, a.states[a.current].track);
        assert_eq!(b.lang, Lang::Zh);
        // What the command line says wins.
        let mut c = app("playground");
        let given = Setup {
            scenario_given: true,
            lang_given: true,
            ..Setup::default()
        };
        c.resume(&state, &given);
        assert_eq!((c.scenario().id, c.lang), ("playground", Lang::En));
    }

    #[test]
    fn a_scenario_is_done_when_its_default_and_every_variant_ran() {
        let mut a = app("unaligned-offset");
        let i = a.current;
        assert_eq!(a.stage(i), Stage::NotStarted);
        a.apply(Action::NextVariant);
        finish(&mut a);
        assert_eq!(a.stage(i), Stage::InProgress);
        assert!(a.states[i].track.variant_done(0));
        assert!(!a.states[i].track.default_done);
        a.apply(Action::Reset);
        finish(&mut a);
        assert!(a.states[i].track.default_done);
        for n in 2..=a.scenario().variants.len() as u8 {
            assert_eq!(a.stage(i), Stage::InProgress);
            a.apply(Action::Variant(n));
            finish(&mut a);
        }
        assert_eq!(a.stage(i), Stage::Done);
        assert_eq!(a.done_count(), 1);
    }
}
