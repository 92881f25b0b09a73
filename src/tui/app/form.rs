//! The parameter form, the app's side: turning a knob, toggling a flag, the value editor.
//! `Editor` is declared with `App` in `mod.rs`.

use super::*;

impl App {
    /// Whether the selected key may be changed here; says why not otherwise.
    pub(super) fn editable(&mut self) -> Option<Key> {
        if self.focus != Focus::Params {
            return None;
        }
        let key = self.selected_key()?;
        if self.scenario().accepts(key) {
            Some(key)
        } else {
            self.message = Some(Message::NotAKnob(key));
            None
        }
    }

    /// Store a typed value under `key`; a refusal becomes the status message.
    pub(super) fn set(&mut self, key: Key, value: Value) {
        if let Err(err) = self.states[self.current].params.assign(key, value) {
            self.message = Some(Message::Refused(err));
        }
    }

    /// Where the cursor starts on the selected row: on the current choice.
    pub(super) fn cursor_start(&self) -> usize {
        self.selected_key()
            .map_or(0, |key| key.choice_index(&self.states[self.current].params))
    }

    /// ←/→ on the selected parameter: flags move the cursor over their names, other knobs
    /// step as the knob table says; a knob that can only be typed says so.
    pub(super) fn turn(&mut self, delta: i32) {
        let Some(key) = self.editable() else { return };
        if let KeyKind::Flags(set) = key.kind() {
            let n = set.len() as i32;
            self.flag_cursor = (self.flag_cursor as i32 + delta).rem_euclid(n) as usize;
            return;
        }
        let direction = if delta > 0 {
            Direction::Next
        } else {
            Direction::Previous
        };
        match key.step(&self.states[self.current].params, direction, self.page) {
            Some(value) => {
                self.set(key, value);
                if let KeyKind::Choice(_) = key.kind() {
                    self.flag_cursor = self.cursor_start();
                }
            }
            None => self.message = Some(Message::PressE),
        }
    }

    /// Space on the selected parameter.
    pub(super) fn toggle(&mut self) {
        if self.focus == Focus::Lesson {
            self.states[self.current].unfolded = true;
            return;
        }
        let Some(key) = self.editable() else { return };
        match key.toggle(&self.states[self.current].params, self.flag_cursor) {
            Some(value) => {
                self.set(key, value);
                if !matches!(key.kind(), KeyKind::Flags(_)) {
                    self.flag_cursor = self.cursor_start();
                }
            }
            None => self.message = Some(Message::PressE),
        }
    }

    pub(super) fn open_editor(&mut self) {
        let Some(key) = self.editable() else { return };
        self.editor = Some(Editor {
            key,
            text: self.states[self.current].params.get(key),
            selected: true,
            error: None,
        });
    }

    pub(super) fn apply_editor(&mut self) {
        let Some(ed) = self.editor.take() else { return };
        // The editor only opens on a knob the scenario takes (`editable`): parse and store.
        match self.states[self.current].params.set(ed.key, &ed.text) {
            Ok(()) => self.flag_cursor = self.cursor_start(),
            // Refused in place: the editor stays open with the text and the reason, the text
            // no longer selected, so the student corrects it rather than retyping it.
            Err(err) => {
                self.editor = Some(Editor {
                    error: Some(err),
                    selected: false,
                    ..ed
                })
            }
        }
    }
}
