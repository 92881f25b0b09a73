//! clap's usage errors in the language in force.
//!
//! clap writes its errors in English only. The first line (what is wrong) is rebuilt from the
//! error's kind and context with the strings table; the rest (the tip with clap's suggestion,
//! the possible values, the usage line) is kept, its fixed words translated. Everything goes
//! through [`output`](crate::output), so a value the user typed is echoed with its control
//! characters escaped and a closed stream never panics.

use crate::output;
use crate::strings::{t, S};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use mmap_lab_engine::Lang;
use std::process::ExitCode;

/// The width help is laid out at: the terminal's when stdout or stderr is one, else
/// `COLUMNS` when it is set, else 100 columns (a file, a pipe, a man page generator).
pub fn help_width() -> usize {
    use std::io::IsTerminal;
    let terminal = std::io::stdout().is_terminal() || std::io::stderr().is_terminal();
    terminal
        .then(|| {
            crossterm::terminal::size()
                .ok()
                .map(|(w, _)| usize::from(w))
        })
        .flatten()
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|w| *w > 0)
        .unwrap_or(100)
}

/// Show `err` (an error, or `--help`/`--version`) and give the exit code clap would.
pub fn clap_error(err: &clap::Error, lang: Lang) -> ExitCode {
    let code = ExitCode::from(err.exit_code().clamp(0, 255) as u8);
    let rendered = err.render().to_string();
    if !err.use_stderr() {
        // `--help`, `--version`: to stdout, like any output.
        return match output::out(&rendered, lang) {
            Ok(()) => code,
            Err(failed) => failed,
        };
    }
    output::err_text(&localize(err, &rendered, lang));
    code
}

/// clap's rendered error in `lang`. English stays as clap writes it.
pub fn localize(err: &clap::Error, rendered: &str, lang: Lang) -> String {
    let rendered = &visible_values(err, rendered);
    if lang == Lang::En {
        return rendered.to_string();
    }
    let (first, rest) = rendered.split_once('\n').unwrap_or((rendered, ""));
    let Some(message) = first.strip_prefix("error: ") else {
        // Help shown for a missing subcommand: already localized by `localize_frame`.
        return rendered.to_string();
    };
    let arg = context(err, ContextKind::InvalidArg)
        .or_else(|| context(err, ContextKind::InvalidSubcommand))
        .unwrap_or_default();
    let fill = |s: S| {
        t(s, lang)
            .replace("{arg}", &arg)
            .replace(
                "{value}",
                &context(err, ContextKind::InvalidValue).unwrap_or_default(),
            )
            .replace(
                "{other}",
                &context(err, ContextKind::PriorArg).unwrap_or_default(),
            )
    };
    let line = match err.kind() {
        ErrorKind::InvalidValue => fill(S::ClapInvalidValue),
        ErrorKind::UnknownArgument => fill(S::ClapUnknownArgument),
        ErrorKind::InvalidSubcommand => fill(S::ClapInvalidSubcommand),
        ErrorKind::ArgumentConflict => fill(S::ClapConflict),
        ErrorKind::MissingRequiredArgument => fill(S::ClapMissing),
        ErrorKind::MissingSubcommand => fill(S::ClapMissingSubcommand),
        // The rarer kinds (a value count, `--x=`): clap's own description is kept inside.
        _ => t(S::ClapOther, lang).replace("{arg}", message),
    };
    let rest: String = rest
        .split_inclusive('\n')
        .map(|l| {
            let mut l = l.replacen("tip:", t(S::ClapTip, lang), 1);
            for s in [S::ClapSimilarSubcommand, S::ClapSimilarArgument] {
                l = l.replacen(t(s, Lang::En), t(s, lang), 1);
            }
            l.replacen("[possible values:", t(S::ClapPossible, lang), 1)
                .replacen("Usage:", t(S::HelpUsage, lang), 1)
                .replacen(t(S::ClapMoreInfo, Lang::En), t(S::ClapMoreInfo, lang), 1)
        })
        .collect();
    format!("{}{line}\n{rest}", t(S::ClapError, lang))
}

/// A context value of the error as text (several values joined with commas).
fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        other => Some(other.to_string()),
    }
}

/// clap's text with each value it echoes shown whole, its control characters escaped.
/// clap strips escape sequences from its text, so `li\e[2Jst` would read as `'list'`: the
/// stripped form is put back as the user typed it (escaped later by `output`).
fn visible_values(err: &clap::Error, rendered: &str) -> String {
    let mut text = rendered.to_string();
    for kind in [
        ContextKind::InvalidArg,
        ContextKind::InvalidValue,
        ContextKind::InvalidSubcommand,
    ] {
        let Some(ContextValue::String(raw)) = err.get(kind) else {
            continue;
        };
        if !raw.chars().any(char::is_control) {
            continue;
        }
        let stripped = clap::builder::StyledStr::from(raw.clone()).to_string();
        text = text.replacen(&format!("'{stripped}'"), &format!("'{raw}'"), 1);
    }
    text
}
