//! A run that could not happen: the environment's fault (said with what to do, in the
//! language in force) or the lab's own (an internal error). Both exit 1, as DESIGN.md says;
//! the first word tells them apart (issue 11).

use crate::output;
use crate::strings::{t, S};
use scenarios::engine::faults::{classify, EnvFault};
use scenarios::engine::EngineError;
use scenarios::Lang;
use std::process::ExitCode;

/// Report `err` on stderr and give the exit code. `need`: what the run needs free in TMPDIR,
/// when it says more than "free some space" (`(copy_size, bytes)`, see
/// `scenarios::bounds::tmpdir_need`).
pub fn engine_failed(err: &EngineError, lang: Lang, need: Option<(u64, u64)>) -> ExitCode {
    match classify(err) {
        Some(fault) => output::err_line(&format!(
            "mmap-lab: {}{}{}",
            t(S::EnvironmentError, lang),
            lang.pick(": ", "："),
            describe(&fault, lang, need)
        )),
        None => output::err_line(&format!("mmap-lab: {}: {err}", t(S::InternalError, lang))),
    }
    ExitCode::FAILURE
}

/// What is wrong and what to do.
pub fn describe(fault: &EnvFault, lang: Lang, need: Option<(u64, u64)>) -> String {
    let dir = std::env::temp_dir().display().to_string();
    let bytes = |n: u64| crate::report::bytes_text(n.into()).unwrap_or_else(|| format!("{n} B"));
    match fault {
        EnvFault::TmpdirUnusable => t(S::EnvTmpdirUnusable, lang).replace("{dir}", &dir),
        EnvFault::TmpdirFull => match need {
            Some((size, need)) => t(S::EnvTmpdirFullCopy, lang)
                .replace("{dir}", &dir)
                .replace("{size}", &bytes(size))
                .replace("{need}", &bytes(need)),
            None => t(S::EnvTmpdirFull, lang).replace("{dir}", &dir),
        },
        EnvFault::TooManyFiles(limit) => t(S::EnvTooManyFiles, lang).replace(
            "{n}",
            &limit.map_or_else(|| "?".to_string(), |n| n.to_string()),
        ),
        EnvFault::NoProcess => t(S::EnvNoProcess, lang).to_string(),
        EnvFault::NoMemory(n) => t(S::EnvNoMemory, lang).replace("{n}", &n.to_string()),
    }
}
