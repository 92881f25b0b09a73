//! A run that could not happen: the environment's fault (said with what to do, in the
//! language in force) or the lab's own (an internal error). Both exit 1, as the exit-code
//! contract says (docs/cli.md); the first word tells them apart.

use crate::output;
use crate::strings::{t, S};
use mmap_lab_engine::bounds::Need;
use mmap_lab_engine::engine::faults::{classify, EnvFault};
use mmap_lab_engine::engine::EngineError;
use mmap_lab_engine::Lang;
use std::process::ExitCode;

/// Report `err` on stderr and give the exit code. `need`: what the run needs free in TMPDIR
/// and the knob behind it, when the message can say more than "free some space" (see
/// `mmap_lab_engine::bounds::tmpdir_need`).
pub fn engine_failed(err: &EngineError, lang: Lang, need: Option<Need>) -> ExitCode {
    output::err_line(&format!("mmap-lab: {}", text(err, lang, need)));
    ExitCode::FAILURE
}

/// What the lab says of `err` (after `mmap-lab: `): the environment's fault with what to do,
/// or the lab's own, in `lang`. The TUI shows it where the outcome would be.
pub fn text(err: &EngineError, lang: Lang, need: Option<Need>) -> String {
    match classify(err) {
        Some(fault) => format!(
            "{}{}{}",
            t(S::EnvironmentError, lang),
            lang.pick(": ", "："),
            describe(&fault, lang, need)
        ),
        None => format!("{}: {err}", t(S::InternalError, lang)),
    }
}

/// What is wrong and what to do.
pub fn describe(fault: &EnvFault, lang: Lang, need: Option<Need>) -> String {
    let dir = std::env::temp_dir().display().to_string();
    let bytes = |n: u64| crate::units::bytes_text(n.into()).unwrap_or_else(|| format!("{n} B"));
    match fault {
        EnvFault::TmpdirUnusable => t(S::EnvTmpdirUnusable, lang).replace("{dir}", &dir),
        EnvFault::TmpdirFull => match need {
            Some(need) if need.key == mmap_lab_engine::Key::CopySize => {
                t(S::EnvTmpdirFullCopy, lang)
                    .replace("{dir}", &dir)
                    .replace("{size}", &bytes(need.value))
                    .replace("{need}", &bytes(need.bytes))
            }
            _ => t(S::EnvTmpdirFull, lang).replace("{dir}", &dir),
        },
        EnvFault::NoRoom {
            need: bytes_needed,
            free,
        } => {
            let text = match need {
                Some(n) => t(S::EnvNoRoomKnob, lang)
                    .replace("{key}", n.key.name())
                    .replace("{value}", &n.value.to_string())
                    .replace("{size}", &bytes(n.value)),
                None => t(S::EnvNoRoom, lang).to_string(),
            };
            text.replace("{dir}", &dir)
                .replace("{need}", &bytes(*bytes_needed))
                .replace("{free}", &bytes(*free))
        }
        EnvFault::TooManyFiles(limit) => t(S::EnvTooManyFiles, lang).replace(
            "{n}",
            &limit.map_or_else(|| "?".to_string(), |n| n.to_string()),
        ),
        EnvFault::NoProcess => t(S::EnvNoProcess, lang).to_string(),
        EnvFault::NoMemory(n, limit) => {
            use mmap_lab_engine::engine::faults::MemoryLimit;
            let (text, limit) = match limit {
                Some(MemoryLimit::Data(l)) => (S::EnvNoMemoryData, *l),
                Some(MemoryLimit::AddressSpace(l)) => (S::EnvNoMemoryAs, *l),
                None => (S::EnvNoMemory, 0),
            };
            t(text, lang)
                .replace("{n}", &n.to_string())
                .replace("{limit}", &bytes(limit))
        }
        EnvFault::FileTooLarge(limit) => t(S::EnvFileTooLarge, lang)
            .replace("{limit}", &limit.map_or_else(|| "?".to_string(), bytes)),
    }
}
