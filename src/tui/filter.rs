//! `/` in the lab: filter the scenario list by what is typed, matched against each
//! scenario's id and its title in both languages (a Chinese input method's text works as
//! typed). Enter selects the highlighted match and closes the filter; Esc clears it.

use mmap_lab_engine::{Lesson, Scenario};

/// The most characters the filter keeps (a paste of a whole paragraph is not a filter).
pub(crate) const MAX: usize = 40;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::App;
    use crate::tui::event::Action;

    fn app() -> App {
        crate::tui::app::test_app("munmap-shifted-pointer")
    }

    fn ids(a: &App) -> Vec<&'static str> {
        a.visible().into_iter().map(|i| a.scenarios[i].id).collect()
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
