//! mmap-lab: a terminal lab where mmap(2) and munmap(2) fail for real.
//!
//! `main` only parses the command line and dispatches: the subcommands live in `cli`, the
//! interactive lab in `tui` (both in the library, so tests and benchmarks reach them), and
//! every experiment in the `scenarios` crate.

#![forbid(unsafe_code)]

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use mmap_lab::strings::{t, S};
use mmap_lab::{cli, tui};
use scenarios::Lang;
use std::process::ExitCode;

/// The command line. Every help text comes from the strings table ([`command`] sets them), in
/// English and Chinese alike, so the two languages cannot drift.
#[derive(Debug, Parser)]
#[command(name = "mmap-lab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[arg(long, value_name = "ID")]
    scenario: Option<String>,
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[arg(long)]
    presenter: bool,
    #[arg(long, value_enum)]
    theme: Option<ThemeArg>,
    #[arg(long)]
    ascii: bool,
    #[arg(long)]
    mouse: bool,
}

/// The subcommands (their help texts: see [`command`]).
#[derive(Debug, Subcommand)]
enum Command {
    List {
        #[arg(long)]
        json: bool,
    },
    Run {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        #[arg(long)]
        all: bool,
        #[arg(long = "set", value_name = "KEY=VALUE", conflicts_with = "all")]
        sets: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    Explain {
        id: String,
    },
    C {
        id: String,
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

/// The language asked for before the arguments are parsed (`--lang zh`, `--lang=zh`), so
/// that `--help` and usage errors can already speak it.
fn early_lang() -> Option<LangArg> {
    let args: Vec<String> = std::env::args().collect();
    let value = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    })?;
    LangArg::from_str(&value, true).ok()
}

/// The command line's definition with its help texts in `lang`, all from the strings table
/// (clap's own frame, headings and flags, too, in Chinese).
fn command(lang: Lang) -> clap::Command {
    let cmd = Cli::command();
    let arg = |cmd: clap::Command, id: &str, s: S| cmd.mut_arg(id, |a| a.help(t(s, lang)));
    let cmd = cmd.about(t(S::HelpAbout, lang));
    let cmd = [
        ("scenario", S::HelpScenario),
        ("lang", S::HelpLang),
        ("presenter", S::HelpPresenter),
        ("theme", S::HelpTheme),
        ("ascii", S::HelpAscii),
        ("mouse", S::HelpMouse),
    ]
    .into_iter()
    .fold(cmd, |c, (id, s)| arg(c, id, s));
    let cmd = cmd
        .mut_subcommand("list", |c| {
            arg(c.about(t(S::HelpList, lang)), "json", S::HelpListJson)
        })
        .mut_subcommand("run", |c| {
            let c = c.about(t(S::HelpRun, lang));
            let c = arg(c, "id", S::HelpId);
            let c = arg(c, "all", S::HelpAll);
            let c = arg(c, "sets", S::HelpSet);
            arg(c, "json", S::HelpJson)
        })
        .mut_subcommand("explain", |c| {
            arg(c.about(t(S::HelpExplain, lang)), "id", S::HelpId)
        })
        .mut_subcommand("c", |c| {
            let c = c.about(t(S::HelpC, lang));
            let c = arg(c, "id", S::HelpId);
            arg(c, "sets", S::HelpSet)
        });
    match lang {
        // clap's own frame is English already.
        Lang::En => cmd,
        Lang::Zh => localize_frame(cmd, lang),
    }
}

/// clap's own words in `lang`: the headings, and the help and version flags (its
/// `[possible values: …]` and error messages stay as clap writes them).
fn localize_frame(cmd: clap::Command, lang: Lang) -> clap::Command {
    let template = format!(
        "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t(S::HelpUsage, lang)
    );
    let options = t(S::HelpOptions, lang);
    let arguments = t(S::HelpArguments, lang);
    let mut cmd = cmd
        .help_template(template)
        .subcommand_help_heading(t(S::HelpCommands, lang))
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .global(true)
                .action(clap::ArgAction::Help)
                .help(t(S::HelpHelp, lang)),
        );
    if cmd.get_name() == "mmap-lab" {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help(t(S::HelpVersion, lang)),
        );
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = if positional { arguments } else { options };
        cmd = cmd.mut_arg(id, |a| a.help_heading(heading));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |c| localize_frame(c, lang));
    }
    cmd
}

fn main() -> ExitCode {
    let early = resolve_lang(early_lang());
    let matches = command(early).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
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
