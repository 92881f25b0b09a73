//! mmap-lab: a terminal lab where mmap(2) and munmap(2) fail for real.
//!
//! `main` only parses the command line and dispatches: the subcommands live in `cli`, the
//! interactive lab in `tui` (both in the library, so tests and benchmarks reach them), and
//! every experiment in the `scenarios` crate.

use clap::{Parser, Subcommand, ValueEnum};
use mmap_lab::{cli, tui};
use scenarios::Lang;
use std::process::ExitCode;

/// mmap-lab: run the failure cases of mmap(2) and munmap(2) against the real kernel.
#[derive(Debug, Parser)]
#[command(name = "mmap-lab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Open the lab on this scenario.
    #[arg(long, value_name = "ID")]
    scenario: Option<String>,
    /// Language of everything shown (default: from LC_ALL / LANG).
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    /// Presenter mode: the call and the outcome in huge letters, for a projector.
    #[arg(long)]
    presenter: bool,
    /// Colour theme (NO_COLOR set means mono).
    #[arg(long, value_enum)]
    theme: Option<ThemeArg>,
    /// Draw borders with + - | for terminals that draw box characters two cells wide.
    #[arg(long)]
    ascii: bool,
    /// Capture the mouse: click to select, wheel to scroll (stops the terminal's own text
    /// selection while the lab runs).
    #[arg(long)]
    mouse: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the scenarios in lesson order.
    List {
        /// One JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Run a scenario (or all of them) and show what the kernel answered.
    Run {
        /// The scenario id (see `list`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Run every scenario with its defaults.
        #[arg(long)]
        all: bool,
        /// Change a parameter: KEY=VALUE (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE", conflicts_with = "all")]
        sets: Vec<String>,
        /// Print JSON (an array with --all).
        #[arg(long)]
        json: bool,
    },
    /// Print a scenario's lesson.
    Explain {
        /// The scenario id.
        id: String,
    },
    /// Print an equivalent C program.
    C {
        /// The scenario id.
        id: String,
        /// Change a parameter: KEY=VALUE (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
}

/// `--lang`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Zh,
}

/// `--theme`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ThemeArg {
    Dark,
    Light,
    Mono,
}

/// The language: `--lang`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English.
fn resolve_lang(arg: Option<LangArg>) -> Lang {
    if let Some(arg) = arg {
        return match arg {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        };
    }
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| Lang::parse(&v))
        .unwrap_or(Lang::En)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = resolve_lang(cli.lang);
    match cli.command {
        Some(Command::List { json }) => cli::list(json, lang),
        Some(Command::Run {
            id,
            all,
            sets,
            json,
        }) => {
            if all {
                cli::run_all(json, lang)
            } else {
                cli::run_one(id.as_deref().unwrap_or_default(), &sets, json, lang)
            }
        }
        Some(Command::Explain { id }) => cli::explain(&id, lang),
        Some(Command::C { id, sets }) => cli::c_program(&id, &sets, lang),
        None => {
            let theme = match cli.theme {
                Some(ThemeArg::Dark) => Some(tui::ThemeName::Dark),
                Some(ThemeArg::Light) => Some(tui::ThemeName::Light),
                Some(ThemeArg::Mono) => Some(tui::ThemeName::Mono),
                None => None,
            };
            tui::main(tui::Options {
                scenario: cli.scenario,
                lang,
                presenter: cli.presenter,
                theme,
                ascii: cli.ascii,
                mouse: cli.mouse,
            })
        }
    }
}
