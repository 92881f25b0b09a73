//! `/` in the lab, the app's side: opening the filter, typing into it, moving among its
//! matches. What matches is [`crate::tui::filter::matches`], which knows nothing of the app.

use super::{App, Effect};
use crate::tui::event::Action;
use crate::tui::filter::{matches, MAX};
use crate::tui::state::Focus;

impl App {
    /// The scenarios that match the filter, in lesson order (all of them without a filter).
    pub fn visible(&self) -> Vec<usize> {
        (0..self.scenarios.len())
            .filter(|&i| match &self.filter {
                Some(text) => matches(self.scenarios[i], &self.states[i].lessons, text),
                None => true,
            })
            .collect()
    }

    /// Keep the selection on a match: the first one when the selected scenario no longer is.
    fn follow_filter(&mut self) {
        let shown = self.visible();
        if !shown.contains(&self.current) {
            if let Some(&first) = shown.first() {
                self.select(first);
            }
        }
    }

    /// `/`: open the filter on the list.
    pub fn open_filter(&mut self) {
        self.editor = None;
        self.filter = Some(String::new());
        self.focus = Focus::List;
    }

    /// What an action does while the filter is open; `None`: the action is not the filter's.
    pub fn apply_filter(&mut self, action: Action) -> Option<Effect> {
        let text = self.filter.as_mut()?;
        match action {
            Action::FilterChar(c) => {
                if !c.is_control() && text.chars().count() < MAX {
                    text.push(c);
                }
                self.follow_filter();
            }
            Action::FilterBackspace => {
                text.pop();
                self.follow_filter();
            }
            Action::Up | Action::Down => {
                let shown = self.visible();
                let at = shown.iter().position(|&i| i == self.current);
                let next = match (action, at) {
                    (_, None) => shown.first(),
                    (Action::Up, Some(at)) => shown.get(at.saturating_sub(1)),
                    (_, Some(at)) => shown.get(at + 1).or(shown.last()),
                };
                if let Some(&i) = next {
                    self.select(i);
                }
            }
            // Enter: the highlighted match it is; the list shows everything again around it.
            Action::FilterApply => {
                self.follow_filter();
                self.filter = None;
                self.focus = Focus::Params;
            }
            Action::FilterCancel | Action::Close | Action::Back => self.filter = None,
            _ => return None,
        }
        Some(Effect::Nothing)
    }
}
