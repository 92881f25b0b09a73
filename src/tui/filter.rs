//! `/` in the lab: filter the scenario list by what is typed, matched against each
//! scenario's id and its title in both languages (a Chinese input method's text works as
//! typed). Enter selects the highlighted match and closes the filter; Esc clears it.

use super::app::{App, Effect};
use super::event::Action;
use super::state::Focus;
use mmap_lab_engine::{Lesson, Scenario};

/// The most characters the filter keeps (a paste of a whole paragraph is not a filter).
const MAX: usize = 40;

/// Whether `scenario` (with its lessons, English and Chinese) matches `text`: every word of
/// it is in the id, in a title or is the scenario's number. Case and width are ignored
/// (`ＭＭＡＰ` finds `mmap`), and an empty text matches everything.
pub fn matches(scenario: &Scenario, lessons: &[Lesson; 2], text: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                // Full-width ASCII forms, as a Chinese input method may type them.
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
                '\u{3000}' => ' ',
                c => c,
            })
            .flat_map(char::to_lowercase)
            .collect()
    };
    let haystack = fold(&format!(
        "{} {} {}",
        scenario.id, lessons[0].title, lessons[1].title
    ));
    let number = scenario.order().to_string();
    fold(text)
        .split_whitespace()
        .all(|word| word == number || haystack.contains(word))
}

/// The scenarios that match the filter, in lesson order (all of them without a filter).
pub fn visible(app: &App) -> Vec<usize> {
    (0..app.scenarios.len())
        .filter(|&i| match &app.filter {
            Some(text) => matches(app.scenarios[i], &app.states[i].lessons, text),
            None => true,
        })
        .collect()
}

/// Keep the selection on a match: the first one when the selected scenario no longer is.
fn follow(app: &mut App) {
    let shown = visible(app);
    if !shown.contains(&app.current) {
        if let Some(&first) = shown.first() {
            app.select(first);
        }
    }
}

/// `/`: open the filter on the list.
pub fn open(app: &mut App) {
    app.editor = None;
    app.filter = Some(String::new());
    app.focus = Focus::List;
}

/// What an action does while the filter is open; `None`: the action is not the filter's.
pub fn apply(app: &mut App, action: Action) -> Option<Effect> {
    let text = app.filter.as_mut()?;
    match action {
        Action::FilterChar(c) => {
            if !c.is_control() && text.chars().count() < MAX {
                text.push(c);
            }
            follow(app);
        }
        Action::FilterBackspace => {
            text.pop();
            follow(app);
        }
        Action::Up | Action::Down => {
            let shown = visible(app);
            let at = shown.iter().position(|&i| i == app.current);
            let next = match (action, at) {
                (_, None) => shown.first(),
                (Action::Up, Some(at)) => shown.get(at.saturating_sub(1)),
                (_, Some(at)) => shown.get(at + 1).or(shown.last()),
            };
            if let Some(&i) = next {
                app.select(i);
            }
        }
        // Enter: the highlighted match it is; the list shows everything again around it.
        Action::FilterApply => {
            follow(app);
            app.filter = None;
            app.focus = Focus::Params;
        }
        Action::FilterCancel | Action::Close | Action::Back => app.filter = None,
        _ => return None,
    }
    Some(Effect::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        crate::tui::app::test_app("munmap-shifted-pointer")
    }

    fn ids(a: &App) -> Vec<&'static str> {
        visible(a).into_iter().map(|i| a.scenarios[i].id).collect()
    }

    fn typed(a: &mut App, text: &str) {
        a.apply(Action::Filter);
        for c in text.chars() {
            a.apply(Action::FilterChar(c));
        }
    }

    #[test]
    fn the_filter_matches_ids_and_titles_in_either_language() {
        let mut a = app();
        typed(&mut a, "fork");
        assert_eq!(ids(&a), ["anonymous-ipc", "private-cow-fork"]);
        assert_eq!(
            a.scenario().id,
            "anonymous-ipc",
            "the first match is selected"
        );
        a.apply(Action::FilterCancel);
        // A Chinese title, as an input method commits it, and full-width letters.
        typed(&mut a, "空文件");
        assert_eq!(ids(&a), ["empty-new-file"]);
        a.apply(Action::FilterCancel);
        typed(&mut a, "ＭＲＥＭＡＰ");
        assert_eq!(ids(&a), ["mremap-grow"]);
        a.apply(Action::FilterCancel);
        // The English title, any case; every word must match.
        typed(&mut a, "Shared MEMORY fork");
        assert_eq!(ids(&a), ["anonymous-ipc"]);
        a.apply(Action::FilterCancel);
        typed(&mut a, "nothing-like-thi");
        let before = a.scenario().id;
        a.apply(Action::FilterChar('s'));
        assert!(ids(&a).is_empty());
        assert_eq!(a.scenario().id, before, "no match: the selection stays");
    }

    #[test]
    fn enter_selects_esc_clears_and_arrows_move_among_matches() {
        let mut a = app();
        typed(&mut a, "mmap");
        assert_eq!(a.mode(), crate::tui::event::Mode::Filtering);
        let shown = ids(&a);
        assert!(shown.len() >= 3, "{shown:?}");
        assert!(shown.iter().all(|id| {
            let i = a.scenarios.iter().position(|s| s.id == *id).unwrap();
            matches(a.scenarios[i], &a.states[i].lessons, "mmap")
        }));
        a.apply(Action::Down);
        assert_eq!(a.scenario().id, shown[1]);
        a.apply(Action::FilterBackspace);
        assert_eq!(a.filter.as_deref(), Some("mma"));
        a.apply(Action::FilterApply);
        assert_eq!(a.filter, None);
        assert_eq!(
            a.scenario().id,
            shown[1],
            "Enter keeps the highlighted match"
        );
        assert_eq!(ids(&a).len(), a.scenarios.len(), "the whole list again");
        typed(&mut a, "zero");
        assert_eq!(a.scenario().id, "zero-length");
        a.apply(Action::FilterCancel);
        assert_eq!(a.filter, None);
        assert_eq!(a.mode(), crate::tui::event::Mode::Normal);
    }
}
