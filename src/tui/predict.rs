//! Predictions: `g` opens a small picker of answers before a run, the run says
//! whether the prediction was right, and the header keeps the score. Optional: `r` without a
//! guess just runs.

use crate::progress::Track;
use crate::strings::{self, C};
use mmap_lab_engine::engine::Outcome;
use mmap_lab_engine::params::Params;
use mmap_lab_engine::variant::Expect;
use mmap_lab_engine::{Errno, Lang, Record, Scenario, Signal};

/// An answer a student can predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Every call succeeds, nothing to worry about.
    Ok,
    /// Success, but the run did what the student did not mean (a warning).
    OkBut,
    /// A call fails with this errno.
    Errno(Errno),
    /// This signal kills the experiment.
    Signal(Signal),
}

impl Answer {
    /// How the answer is written: `OK`, `OK, but…`, `EINVAL`, `SIGBUS`.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Answer::Ok => crate::strings::t(crate::strings::S::OkWord, lang).to_string(),
            Answer::OkBut => crate::strings::t(crate::strings::S::OkBut, lang).to_string(),
            Answer::Errno(e) => mmap_lab_engine::errnos::name(e),
            Answer::Signal(s) => s.as_str().to_string(),
        }
    }

    /// Whether the run is this answer.
    pub fn matches(self, record: &Record) -> bool {
        let run = &record.run;
        match (self, &run.outcome) {
            (Answer::Ok, Outcome::Ok) => run.warnings.is_empty(),
            (Answer::OkBut, Outcome::Ok) => !run.warnings.is_empty(),
            (Answer::Errno(e), Outcome::Errno { errno, .. }) => *errno == e,
            (Answer::Signal(s), Outcome::Signal { signal, .. }) => signal.known() == Some(s),
            _ => false,
        }
    }
}

/// What the kernel said, in the words of the picker.
pub fn said(record: &Record, lang: Lang) -> String {
    let run = &record.run;
    match &run.outcome {
        Outcome::Ok if run.warnings.is_empty() => Answer::Ok.label(lang),
        Outcome::Ok => Answer::OkBut.label(lang),
        Outcome::Errno { errno, .. } => mmap_lab_engine::errnos::name(*errno),
        Outcome::Signal { signal, .. } => signal.name(),
        Outcome::Timeout { .. } => {
            crate::strings::t(crate::strings::S::TimeoutWord, lang).to_string()
        }
        Outcome::Clobbered { .. } => {
            crate::strings::t(crate::strings::S::ClobberedWord, lang).to_string()
        }
    }
}

/// Every answer an expectation can lead to, in order.
fn reached(expect: &Expect, out: &mut Vec<Answer>) {
    let answer = match expect {
        Expect::Ok => Answer::Ok,
        Expect::OkWarned(_) => Answer::OkBut,
        Expect::Errno { errno, .. } => Answer::Errno(*errno),
        Expect::Signal(s) => Answer::Signal(*s),
        Expect::Privileged { user, root } => {
            reached(user, out);
            reached(root, out);
            return;
        }
        Expect::DependsOnLayout(any) => {
            for e in *any {
                reached(e, out);
            }
            return;
        }
    };
    if !out.contains(&answer) {
        out.push(answer);
    }
}

/// The picker's answers for `scenario`, in one fixed order that is the same in every
/// scenario: OK, "OK, but…", every errno the lab knows (and any the scenario can reach)
/// alphabetically, then SIGBUS and SIGSEGV. An order built from the scenario's likely
/// answers would tell the class the answer before the run.
pub fn answers(scenario: &Scenario) -> Vec<Answer> {
    let mut reachable = Vec::new();
    reached(&scenario.expect, &mut reachable);
    for v in scenario.variants {
        reached(&v.expect, &mut reachable);
    }
    let mut errnos: Vec<Errno> = mmap_lab_engine::errnos::ERRNOS
        .iter()
        .map(|info| info.errno)
        .chain(reachable.iter().filter_map(|a| match a {
            Answer::Errno(e) => Some(*e),
            _ => None,
        }))
        .collect();
    errnos.sort_by_key(|e| mmap_lab_engine::errnos::name(*e));
    errnos.dedup();
    let mut out = vec![Answer::Ok, Answer::OkBut];
    out.extend(errnos.into_iter().map(Answer::Errno));
    out.extend([
        Answer::Signal(Signal::SIGBUS),
        Answer::Signal(Signal::SIGSEGV),
    ]);
    out
}

/// The open picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    /// The answers, in order.
    pub answers: Vec<Answer>,
    /// The highlighted one.
    pub cursor: usize,
}

/// A prediction waiting for its run. It belongs to one experiment: the scenario and the
/// parameters it was made for. Any change of those parameters drops it, and only a run of
/// exactly these parameters judges it.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Index of the scenario.
    pub scenario: usize,
    /// The parameters the class predicted for.
    pub params: Params,
    /// What it predicted.
    pub answer: Answer,
}

/// A prediction, judged after its run.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// What the student predicted.
    pub predicted: Answer,
    /// Whether it was right.
    pub right: bool,
    /// What the kernel said, as written in the picker's words.
    pub said: String,
    /// The parameters of the run that was judged: the verdict is shown only beside that run.
    pub params: Params,
}

impl Verdict {
    /// The verdict on `predicted` for a run with `params` that gave `record`.
    pub fn judge(predicted: Answer, params: &Params, record: &Record, lang: Lang) -> Verdict {
        Verdict {
            predicted,
            right: predicted.matches(record),
            said: said(record, lang),
            params: params.clone(),
        }
    }

    /// Count it in the scenario's `track`: one more right or wrong prediction.
    pub fn count(&self, track: &mut Track) {
        if self.right {
            track.right = track.right.saturating_add(1);
        } else {
            track.wrong = track.wrong.saturating_add(1);
        }
    }

    /// `you predicted EINVAL: right` / `you predicted OK: the kernel said EACCES`.
    pub fn text(&self, lang: Lang) -> String {
        strings::verdict(&self.predicted.label(lang), self.right, &self.said, lang)
    }
}

/// The predictions' part of the lab's state.
#[derive(Debug, Clone, Default)]
pub struct Predictions {
    /// The picker, when open.
    pub picker: Option<Picker>,
    /// The prediction waiting for its run.
    pub pending: Option<Prediction>,
}

/// A label for the status line after a choice.
pub fn predicted_text(a: Answer, lang: Lang) -> String {
    strings::predicted(&a.label(lang), lang)
}

/// The picker's title.
pub fn title(lang: Lang) -> &'static str {
    C::PickerTitle.get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::App;
    use crate::tui::event::Action;
    use mmap_lab_engine::params::Key;

    fn app(id: &str) -> App {
        crate::tui::app::test_app(id)
    }

    fn record(outcome: &str) -> Record {
        serde_json::from_str(&format!(
            r#"{{"scenario": "zero-length", "params": {{}}, "page_size": 4096,
                "privileged": false, "steps": [], "outcome": {outcome}, "elapsed_us": 1}}"#
        ))
        .expect("a minimal record")
    }

    #[test]
    fn the_picker_has_one_fixed_order_in_every_scenario() {
        let first = answers(crate::cli::find("rdonly-prot-write").unwrap());
        assert_eq!(&first[..2], &[Answer::Ok, Answer::OkBut]);
        let names: Vec<String> = first[2..first.len() - 2]
            .iter()
            .map(|a| a.label(Lang::En))
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "errnos alphabetically");
        assert!(first.contains(&Answer::Errno(Errno::EACCES)));
        assert!(first.contains(&Answer::Errno(Errno::ENOMEM)));
        assert_eq!(
            &first[first.len() - 2..],
            &[
                Answer::Signal(Signal::SIGBUS),
                Answer::Signal(Signal::SIGSEGV)
            ]
        );
        for s in mmap_lab_engine::catalog::all() {
            assert_eq!(answers(s), first, "{}: the same order everywhere", s.id);
        }
    }

    fn choose(a: &mut App, answer: Answer) {
        a.apply(Action::Predict);
        let at = a
            .predictions
            .picker
            .as_ref()
            .unwrap()
            .answers
            .iter()
            .position(|x| *x == answer);
        let at = at.expect("the answer is in the picker");
        for _ in 0..at {
            a.apply(Action::Down);
        }
        a.apply(Action::PickerChoose);
    }

    fn finish(a: &mut App, outcome: &str) {
        let crate::tui::app::Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run");
        };
        a.handle(crate::tui::event::AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record(outcome))),
        });
    }

    const EINVAL: &str = r#"{"kind": "errno", "call": "mmap", "errno": "EINVAL", "code": 22, "message": "Invalid argument"}"#;

    #[test]
    fn a_prediction_is_never_judged_against_other_parameters() {
        // The class predicts EINVAL for length 0, runs it (right), applies the variant
        // `length=1` and runs again: that run is OK and no verdict of the earlier
        // prediction may stand beside it.
        let mut a = app("zero-length");
        choose(&mut a, Answer::Errno(Errno::EINVAL));
        finish(&mut a, EINVAL);
        assert!(a.verdict().is_some_and(|v| v.right));
        let v = a
            .scenario()
            .variants
            .iter()
            .position(|v| v.sets(4096) == ["length=1"]);
        a.apply(Action::Variant(v.expect("a length=1 variant") as u8 + 1));
        assert_eq!(a.current_params().length, 1);
        assert_eq!(a.verdict(), None, "the shown verdict was for length 0");
        finish(&mut a, r#"{"kind": "ok"}"#);
        assert_eq!(a.verdict(), None, "EINVAL was never predicted for length 1");
        assert_eq!(a.score(), (1, 1));

        // A prediction left pending dies with its parameters: a knob, a variant, a reset.
        choose(&mut a, Answer::Errno(Errno::EINVAL));
        assert!(a.predictions.pending.is_some());
        a.apply(Action::Reset);
        assert_eq!(a.predictions.pending, None, "reset");
        choose(&mut a, Answer::Errno(Errno::EINVAL));
        a.apply(Action::NextVariant);
        assert_eq!(a.predictions.pending, None, "variant");
        a.apply(Action::Reset);
        choose(&mut a, Answer::Ok);
        a.apply(Action::NextPane);
        let row = a.view.keys.iter().position(|k| *k == Key::Length).unwrap();
        for _ in 0..row {
            a.apply(Action::Down);
        }
        a.apply(Action::Right);
        assert_ne!(a.current_params().length, 0);
        assert_eq!(a.predictions.pending, None, "a knob");
        // Turned back: still no prediction, and a run judges nothing.
        a.apply(Action::Left);
        assert_eq!(a.current_params().length, 0);
        finish(&mut a, EINVAL);
        assert_eq!(a.score(), (1, 1));
    }

    #[test]
    fn pick_run_and_score() {
        let mut a = app("zero-length");
        choose(&mut a, Answer::Errno(Errno::EINVAL));
        assert!(a.predictions.picker.is_none());
        assert_eq!(
            a.predictions
                .pending
                .as_ref()
                .map(|p| (p.scenario, p.answer)),
            Some((a.current, Answer::Errno(Errno::EINVAL)))
        );
        let crate::tui::app::Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run");
        };
        a.handle(crate::tui::event::AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record(
                r#"{"kind": "errno", "call": "mmap", "errno": "EINVAL", "code": 22, "message": "Invalid argument"}"#,
            ))),
        });
        let v = a.verdict().expect("judged");
        assert_eq!(v.text(Lang::En), "you predicted EINVAL: right");
        assert_eq!(a.score(), (1, 1));
        // A wrong one, and a run without a guess, which counts for nothing.
        a.apply(Action::Predict);
        a.apply(Action::PickerChoose);
        let crate::tui::app::Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run");
        };
        a.handle(crate::tui::event::AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record(
                r#"{"kind": "errno", "call": "mmap", "errno": "EACCES", "code": 13, "message": "Permission denied"}"#,
            ))),
        });
        let v = a.verdict().expect("judged");
        assert_eq!(v.text(Lang::En), "you predicted OK: the kernel said EACCES");
        assert!(v.text(Lang::Zh).contains("EACCES"));
        assert_eq!(a.score(), (1, 2));
        // Stored with the tracks, so the state file keeps it.
        assert_eq!(a.state().scenarios["zero-length"].wrong, 1);
    }

    #[test]
    fn esc_closes_the_picker_without_predicting() {
        let mut a = app("zero-length");
        a.apply(Action::Predict);
        a.apply(Action::PickerCancel);
        assert!(a.predictions.picker.is_none());
        assert_eq!(a.predictions.pending, None);
    }
}
