//! Predictions: `g` opens a small picker of answers before a run, the run says
//! whether the prediction was right, and the header keeps the score. Optional: `r` without a
//! guess just runs.

use super::app::App;
use super::course::Note;
use crate::strings::{self, C};
use mmap_lab_engine::engine::Outcome;
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

/// The picker's answers for `scenario`: OK, "OK, but…" when the scenario has a warning
/// outcome, the errnos its defaults and variants reach, then every other errno the lab knows,
/// then SIGSEGV and SIGBUS. The answers the lesson is about come first, so the student does
/// not scroll past forty errnos; the rest are there so the picker gives nothing away.
pub fn answers(scenario: &Scenario) -> Vec<Answer> {
    let mut lesson = Vec::new();
    reached(&scenario.expect, &mut lesson);
    for v in scenario.variants {
        reached(&v.expect, &mut lesson);
    }
    let mut out = vec![Answer::Ok];
    if lesson.contains(&Answer::OkBut) {
        out.push(Answer::OkBut);
    }
    let errnos = |a: &&Answer| matches!(a, Answer::Errno(_));
    out.extend(lesson.iter().filter(errnos));
    for info in mmap_lab_engine::errnos::ERRNOS {
        let a = Answer::Errno(info.errno);
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out.extend([
        Answer::Signal(Signal::SIGSEGV),
        Answer::Signal(Signal::SIGBUS),
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

/// A prediction, judged after its run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What the student predicted.
    pub predicted: Answer,
    /// Whether it was right.
    pub right: bool,
    /// What the kernel said, as written in the picker's words.
    pub said: String,
}

impl Verdict {
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
    /// The prediction waiting for its run: scenario index and answer.
    pub pending: Option<(usize, Answer)>,
    /// Each scenario's last verdict.
    pub verdicts: Vec<Option<Verdict>>,
}

impl App {
    /// `g`: open the picker on the current scenario's answers (on the pending prediction, if
    /// there is one).
    pub fn open_picker(&mut self) {
        let answers = answers(self.scenario());
        let at = self
            .predictions
            .pending
            .filter(|(i, _)| *i == self.current)
            .and_then(|(_, a)| answers.iter().position(|x| *x == a))
            .unwrap_or(0);
        self.predictions.picker = Some(Picker {
            answers,
            cursor: at,
        });
    }

    /// Move the picker's cursor by `delta`, within its answers.
    pub fn move_picker(&mut self, delta: i32) {
        if let Some(p) = &mut self.predictions.picker {
            let last = p.answers.len().saturating_sub(1) as i64;
            p.cursor = (p.cursor as i64 + i64::from(delta)).clamp(0, last) as usize;
        }
    }

    /// Enter in the picker: record the highlighted answer for the next run of this scenario.
    pub fn choose_prediction(&mut self) {
        if let Some(p) = self.predictions.picker.take() {
            if let Some(a) = p.answers.get(p.cursor) {
                self.predictions.pending = Some((self.current, *a));
                self.message = Some(super::app::Message::Course(Note::Predicted(*a)));
            }
        }
    }

    /// Esc in the picker.
    pub fn close_picker(&mut self) {
        self.predictions.picker = None;
    }

    /// A run of scenario `i` came back: judge the prediction made for it, if any.
    pub fn judge(&mut self, i: usize, record: &Record) {
        let Some((_, predicted)) = self.predictions.pending.take_if(|(s, _)| *s == i) else {
            return;
        };
        let right = predicted.matches(record);
        let track = &mut self.course.tracks[i];
        if right {
            track.right = track.right.saturating_add(1);
        } else {
            track.wrong = track.wrong.saturating_add(1);
        }
        if self.predictions.verdicts.len() < self.scenarios.len() {
            self.predictions.verdicts.resize(self.scenarios.len(), None);
        }
        self.predictions.verdicts[i] = Some(Verdict {
            predicted,
            right,
            said: said(record, self.lang),
        });
    }

    /// The current scenario's verdict, while its result is the one shown.
    pub fn verdict(&self) -> Option<&Verdict> {
        if !self.view.fresh {
            return None;
        }
        self.predictions.verdicts.get(self.current)?.as_ref()
    }

    /// Predictions right, and predictions made, over every scenario.
    pub fn score(&self) -> (u32, u32) {
        self.course
            .tracks
            .iter()
            .fold((0, 0), |(r, n), t| (r + t.right, n + t.right + t.wrong))
    }
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
    use crate::tui::event::Action;

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
    fn the_lessons_answers_come_first_and_every_answer_is_there() {
        let s = crate::cli::find("rdonly-prot-write").unwrap();
        let a = answers(s);
        assert_eq!(a[0], Answer::Ok);
        assert_eq!(a[1], Answer::Errno(Errno::EACCES));
        assert!(a.contains(&Answer::Errno(Errno::ENOMEM)));
        assert_eq!(
            &a[a.len() - 2..],
            &[
                Answer::Signal(Signal::SIGSEGV),
                Answer::Signal(Signal::SIGBUS)
            ]
        );
        let clobber = answers(crate::cli::find("map-fixed-clobber").unwrap());
        assert_eq!(clobber[1], Answer::OkBut);
        assert!(!a.contains(&Answer::OkBut));
    }

    #[test]
    fn pick_run_and_score() {
        let mut a = app("zero-length");
        a.apply(Action::Predict);
        assert!(a.predictions.picker.is_some());
        // The first errno the lesson reaches is EINVAL, right after OK.
        a.apply(Action::Down);
        a.apply(Action::PickerChoose);
        assert!(a.predictions.picker.is_none());
        assert_eq!(
            a.predictions.pending,
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
