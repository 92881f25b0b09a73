//! The interactive lab (issue 3). Until it lands, the bare command explains what to use.

use crate::strings::{t, S};
use scenarios::Lang;
use std::io::IsTerminal;
use std::process::ExitCode;

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

/// What the command line asked of the lab.
#[derive(Debug, Clone)]
pub struct Options {
    pub scenario: Option<String>,
    pub lang: Lang,
    pub presenter: bool,
    pub theme: Option<ThemeName>,
    pub ascii: bool,
    pub mouse: bool,
}

/// Start the lab.
pub fn main(opts: Options) -> ExitCode {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        eprintln!("mmap-lab: {}", t(S::NeedsTerminal, opts.lang));
        return ExitCode::from(2);
    }
    eprintln!("mmap-lab: {}", t(S::NeedsTerminal, opts.lang));
    ExitCode::from(2)
}
