//! The course: each scenario's declared variants one key away (`v`, `1`–`9`),
//! which of them ran, and whether a scenario is done. Kept apart from [`super::app`] so that
//! file only carries the dispatch lines; the state here is plain data that `progress.rs`
//! stores between sessions.

use super::scenario_state::ScenarioState;
use super::theme::ThemeName;
use crate::progress::{SetAside, Store};
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

/// Count a finished run of `state`'s scenario with `params` (pages of `page` bytes): the
/// defaults or a variant get their check mark; outside a `class` the parameters are kept for
/// the next session.
pub fn record_run(state: &mut ScenarioState, params: &Params, page: u64, class: bool) {
    let scenario = state.scenario;
    let track = &mut state.track;
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

/// What the state file keeps of `state`: its track, with the parameters as they are now, run
/// or not (the lab reopens with them; none when they are the defaults). Not a `class`'s:
/// presenter and demo keep what the student's lab remembered.
pub fn saved_track(state: &ScenarioState, page: u64, class: bool) -> Track {
    let mut track = state.track.clone();
    track.last_params = if class {
        track.last_params
    } else if state.params == (state.scenario.defaults)(page) {
        Vec::new()
    } else {
        param_sets(state.scenario, &state.params)
    };
    track
}

/// The stage of `state`'s scenario.
pub fn stage(state: &ScenarioState) -> Stage {
    state.track.stage(state.scenario.variants.len())
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
/// the lab reads it when it starts ([`App::start_course`](crate::tui::app::App::start_course)): a global rather than new fields of
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

pub(crate) static SETUP: OnceLock<Setup> = OnceLock::new();

/// Set what the command line asked of the course (once; later calls are ignored).
pub fn setup(setup: Setup) {
    let _ = SETUP.set(setup);
}

pub(crate) fn theme_name(name: ThemeName) -> &'static str {
    match name {
        ThemeName::Dark => "dark",
        ThemeName::Light => "light",
        ThemeName::Mono => "mono",
    }
}

pub(crate) fn theme_named(name: &str) -> Option<ThemeName> {
    [ThemeName::Dark, ThemeName::Light, ThemeName::Mono]
        .into_iter()
        .find(|t| theme_name(*t) == name)
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
    use crate::tui::app::{App, Message};
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
