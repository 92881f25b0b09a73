//! One scenario's state in the lab: its parameters, its lesson, its last run and how much of
//! it is revealed, its verdict, the student's track. One value per scenario instead of
//! vectors indexed in parallel, so nothing of one scenario can be paired with another's.

use super::predict::Verdict;
use super::revealed::Shown;
use crate::progress::Track;
use mmap_lab_engine::params::Params;
use mmap_lab_engine::Record;
use mmap_lab_engine::{Lang, Lesson, Scenario};

/// A finished run of one scenario.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The parameters it ran with.
    pub params: Params,
    /// The record, or why the lab could not run it.
    pub outcome: Result<Box<Record>, String>,
    /// How much of it the screen shows (see [`App::shown`](crate::tui::app::App::shown)).
    pub revealed: super::revealed::Revealed,
}

/// Everything the lab keeps about one scenario.
#[derive(Debug)]
pub struct ScenarioState {
    /// The scenario.
    pub scenario: &'static Scenario,
    /// Its lesson, parsed once: `[English, Chinese]`.
    pub lessons: [Lesson; 2],
    /// Its parameters (edits are kept when moving between scenarios).
    pub params: Params,
    /// Its last run, and how much of it is revealed.
    pub result: Option<RunResult>,
    /// Whether the student unfolded the whole lesson before running it (Space in the
    /// lesson pane).
    pub unfolded: bool,
    /// The variant `v` applied last (where the next `v` continues).
    pub variant_at: Option<usize>,
    /// What the student did with it, kept in the state file.
    pub track: Track,
    /// The last judged prediction, and the parameters of the run that judged it.
    pub verdict: Option<Verdict>,
}

impl ScenarioState {
    /// `scenario` at its defaults for pages of `page` bytes, never run.
    pub fn new(scenario: &'static Scenario, page: u64) -> ScenarioState {
        ScenarioState {
            scenario,
            lessons: [scenario.lesson(Lang::En), scenario.lesson(Lang::Zh)],
            params: (scenario.defaults)(page),
            result: None,
            unfolded: false,
            variant_at: None,
            track: Track::default(),
            verdict: None,
        }
    }

    /// The lesson in `lang`.
    pub fn lesson(&self, lang: Lang) -> &Lesson {
        &self.lessons[match lang {
            Lang::En => 0,
            Lang::Zh => 1,
        }]
    }

    /// What the panes may draw of its last run: nothing unless it ran with the current
    /// parameters, then as much as is revealed.
    pub fn shown(&self) -> Shown<'_> {
        match &self.result {
            Some(RunResult {
                params,
                outcome: Ok(record),
                revealed,
            }) if *params == self.params => Shown::of(record, *revealed),
            _ => Shown::NOTHING,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::revealed::Revealed;

    #[test]
    fn a_record_shows_only_beside_its_own_parameters() {
        let scenario = crate::cli::find("zero-length").expect("a scenario");
        let mut state = ScenarioState::new(scenario, 4096);
        let record: mmap_lab_engine::Record = serde_json::from_str(
            r#"{"scenario": "zero-length", "params": {}, "page_size": 4096,
                "privileged": false, "steps": [], "outcome": {"kind": "ok"},
                "elapsed_us": 1}"#,
        )
        .expect("a minimal record");
        state.result = Some(RunResult {
            params: state.params.clone(),
            outcome: Ok(Box::new(record)),
            revealed: Revealed::All,
        });
        assert!(state.shown().complete);
        state.params.length = 1;
        assert!(state.shown().record.is_none(), "another experiment now");
        assert_eq!(
            state.lesson(Lang::Zh).title,
            scenario.lesson(Lang::Zh).title
        );
    }
}
