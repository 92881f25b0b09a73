//! Every label, hint and message the program shows, in English and Chinese. Lesson prose lives
//! in `assets/lessons`; everything else a user reads is here. [`S`] names each string
//! (`table.rs`); its text is a row, `(English, Chinese)`, in the one match (`pair`) of the file
//! for its part of the program (`report.rs`, `tui.rs`, `pagemap.rs`, `errors.rs`, `help.rs`,
//! `man.rs`, `config.rs`; the course's own table [`C`] in `course.rs`), which also holds the
//! messages made of its values alone; [`t`] looks a string up (`lookup.rs`), and messages
//! composed of rows are in `composed.rs`. Split so, the files import one way: the rows know
//! only the names, the lookup the rows, the composed messages the lookup.

mod composed;
mod config;
mod course;
mod errors;
mod help;
mod lookup;
mod man;
mod pagemap;
mod report;
mod table;
mod tui;

pub use composed::{
    bad_setting, config_not_read, did_you_mean, held_pids, more_problems, only_in_lab, param_error,
    param_error_with, run_of, running_for, too_large, unknown_setting, unreadable_config,
};
pub use course::{
    demo_position, no_playlist, no_such_variant, not_saved, playlist_fault,
    playlist_unknown_scenario, predicted, progress_row, progress_total, reset_question, score,
    state_file_line, state_newer, state_set_aside, variant_applied, verdict, PlaylistFault, C,
};
pub use errors::{
    input_missing, input_not_regular, input_refused, input_too_big, libc_refused, not_a_knob,
    unaligned,
};
pub use lookup::t;
pub use pagemap::{
    after_page, copy_windows, file_extent, frames_note, frames_short, map_extent, page_legend,
};
pub use report::{faults, file_byte, machine_lines, purpose, ran_on, signal_text};
pub use table::S;
pub use tui::{copied, no_stepping, run_count, stepped, too_small, topic};

#[cfg(test)]
mod tests {
    use super::lookup::ROWS;
    use super::*;
    use mmap_lab_engine::params::Key;
    use mmap_lab_engine::Lang;

    /// Each plain string has a row in exactly one file, so none shows empty and none has two
    /// texts depending on the order the files are asked in.
    #[test]
    fn every_string_has_one_row() {
        for &s in S::PLAIN {
            let rows = ROWS.iter().filter(|rows| rows(s).is_some()).count();
            assert_eq!(rows, 1, "{s:?} has {rows} row(s)");
        }
    }

    #[test]
    fn every_key_has_a_doc_in_both_languages() {
        for key in Key::ALL {
            assert!(!key.doc(Lang::En).is_empty());
            assert!(
                key.doc(Lang::Zh)
                    .chars()
                    .any(mmap_lab_engine::lesson::is_wide),
                "{key}"
            );
            assert!(
                key.expected_in(Lang::Zh)
                    .chars()
                    .any(mmap_lab_engine::lesson::is_wide),
                "{key}"
            );
        }
    }
}
