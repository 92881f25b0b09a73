//! The predictions' part of the lab's behaviour: the picker, the pending prediction, the
//! verdict. Their types and pure functions are in [`crate::tui::predict`], which knows
//! nothing of the app.

use super::{App, Message};
use crate::tui::course::Note;
use crate::tui::predict::{answers, Picker, Prediction, Verdict};
use mmap_lab_engine::params::Params;
use mmap_lab_engine::Record;

impl App {
    /// `g`: open the picker on the current scenario's answers (on the pending prediction, if
    /// there is one).
    pub fn open_picker(&mut self) {
        let answers = answers(self.scenario());
        let at = self
            .predictions
            .pending
            .as_ref()
            .filter(|p| p.scenario == self.current)
            .and_then(|p| answers.iter().position(|x| *x == p.answer))
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
                self.predictions.pending = Some(Prediction {
                    scenario: self.current,
                    params: self.states[self.current].params.clone(),
                    answer: *a,
                });
                self.message = Some(Message::Course(Note::Predicted(*a)));
            }
        }
    }

    /// Esc in the picker.
    pub fn close_picker(&mut self) {
        self.predictions.picker = None;
    }

    /// Drop the pending prediction when the parameters it was made for are no longer the
    /// scenario's (a knob, the editor, a variant, a reset, a demo step): it was a
    /// prediction about another experiment.
    pub fn drop_stale_prediction(&mut self) {
        let states = &self.states;
        self.predictions
            .pending
            .take_if(|p| states.get(p.scenario).map(|s| &s.params) != Some(&p.params));
    }

    /// Drop the pending prediction of the current scenario, whatever its parameters.
    pub fn forget_prediction(&mut self) {
        let current = self.current;
        self.predictions.pending.take_if(|p| p.scenario == current);
    }

    /// A run of scenario `i` with `params` came back: judge the prediction made for exactly
    /// that experiment, if any. A prediction for other parameters is never judged.
    pub fn judge(&mut self, i: usize, params: &Params, record: &Record) {
        let Some(Prediction {
            answer: predicted, ..
        }) = self
            .predictions
            .pending
            .take_if(|p| p.scenario == i && p.params == *params)
        else {
            return;
        };
        let verdict = Verdict::judge(predicted, params, record, self.lang);
        verdict.count(&mut self.states[i].track);
        self.states[i].verdict = Some(verdict);
    }

    /// The current scenario's verdict, while the run it judged is the one shown and has the
    /// current parameters.
    pub fn verdict(&self) -> Option<&Verdict> {
        // Once the run of the current parameters is revealed to its deciding step.
        self.shown().done()?;
        let verdict = self.states[self.current].verdict.as_ref()?;
        (verdict.params == self.states[self.current].params).then_some(verdict)
    }

    /// Predictions right, and predictions made, over every scenario.
    pub fn score(&self) -> (u32, u32) {
        self.states
            .iter()
            .map(|s| &s.track)
            .fold((0, 0), |(r, n), t| (r + t.right, n + t.right + t.wrong))
    }
}
