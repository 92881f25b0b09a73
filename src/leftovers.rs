//! At start, what crashed runs left in TMPDIR is removed, in one line (issue 11); the engine
//! tells which directories are leftovers (their lock is free, see
//! `scenarios::engine::tempdir`).

use crate::output;
use crate::strings::{t, S};
use scenarios::engine::tempdir;
use scenarios::Lang;

/// Remove the leftovers and say so on stderr when there were any.
pub fn sweep(lang: Lang) {
    let removed = tempdir::sweep();
    if removed.is_empty() {
        return;
    }
    let names: Vec<String> = removed
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let line = t(S::RemovedLeftovers, lang)
        .replace("{n}", &removed.len().to_string())
        // English only: the Chinese sentence has no plural.
        .replace(
            "{directories}",
            if removed.len() == 1 {
                "directory"
            } else {
                "directories"
            },
        )
        .replace("{dir}", &std::env::temp_dir().display().to_string())
        .replace("{names}", &names.join(", "));
    output::err_line(&format!("mmap-lab: {line}"));
}
