//! At start, what crashed runs left in TMPDIR is removed, in one line; the engine
//! tells which directories are leftovers (their lock is free, see
//! `mmap_lab_engine::engine::tempdir`).

use crate::output;
use crate::strings::{t, S};
use mmap_lab_engine::engine::tempdir;
use mmap_lab_engine::Lang;

/// Remove the leftovers and say so on stderr when there were any.
pub fn sweep(lang: Lang) {
    say(&tempdir::sweep(), lang);
}

/// A [`sweep`] done while a run's experiment runs, on the engine's waiting thread (reading a
/// large TMPDIR takes a good part of a millisecond, and the run does not need it done first:
/// a leftover's lock is free, a run's own directory is locked, a fresh one is left alone
/// while it is young). `run` gets the work to hand to the engine; what was removed is said
/// when it returns (swept then, if the run never got as far as its experiment).
pub fn sweep_beside<R>(
    lang: Lang,
    run: impl FnOnce(mmap_lab_engine::engine::Beside<'_>) -> R,
) -> R {
    let found = std::sync::Mutex::new(None);
    let result = run(Box::new(|| {
        let removed = tempdir::sweep();
        if let Ok(mut slot) = found.lock() {
            *slot = Some(removed);
        }
    }));
    let found = found.into_inner().ok().flatten();
    say(&found.unwrap_or_else(tempdir::sweep), lang);
    result
}

/// The one line that says what a sweep removed; nothing when it removed nothing.
fn say(removed: &[std::path::PathBuf], lang: Lang) {
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
