//! mmap-lab: a terminal lab where mmap(2) and munmap(2) fail for real.
//!
//! `main` only parses the command line and dispatches: the subcommands live in `cli`, the
//! interactive lab in `tui` (both in the library, so tests and benchmarks reach them), and
//! every experiment in the engine crate (`mmap-lab-engine`, in `scenarios/`).

#![forbid(unsafe_code)]

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use mmap_lab::config::{Config, Flags, Sources};
use mmap_lab::strings::{t, C, S};
use mmap_lab::{cli, man, output, tui, usage};
use mmap_lab_engine::Lang;
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
    // The lab's own options are the top-level command's only: each subcommand's help lists
    // what acts there, and one given where it does nothing is refused with what it is for
    // (see `lab_only` and `misplaced`). `run` takes `--ascii` and `progress` the state file
    // as options of their own.
    #[arg(long)]
    presenter: bool,
    #[arg(long, value_enum)]
    theme: Option<ThemeArg>,
    #[arg(long)]
    ascii: bool,
    #[arg(long)]
    mouse: bool,
    #[arg(long, value_name = "FILE", conflicts_with = "no_state")]
    state: Option<std::path::PathBuf>,
    #[arg(long)]
    no_state: bool,
    #[arg(long, value_name = "FILE|NAME")]
    demo: Option<String>,
    #[arg(long = "set", value_name = "KEY=VALUE", requires = "scenario")]
    lab_sets: Vec<String>,
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
        #[arg(long, conflicts_with = "format")]
        json: bool,
        #[arg(long, value_enum)]
        format: Option<Format>,
        #[arg(long)]
        allow_large: bool,
        #[arg(long)]
        ascii: bool,
    },
    Explain {
        id: String,
    },
    C {
        id: String,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        #[arg(long)]
        minimal: bool,
    },
    Man,
    Completions {
        #[arg(value_enum)]
        shell: man::Shell,
    },
    Config,
    Progress {
        #[arg(long)]
        json: bool,
        #[arg(long, conflicts_with = "json")]
        reset: bool,
        #[arg(long, value_name = "FILE", conflicts_with = "no_state")]
        state: Option<std::path::PathBuf>,
        #[arg(long)]
        no_state: bool,
    },
}

/// `run --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Md,
    Json,
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

fn lang_of(arg: LangArg) -> Lang {
    match arg {
        LangArg::En => Lang::En,
        LangArg::Zh => Lang::Zh,
    }
}

fn theme_of(arg: ThemeArg) -> tui::ThemeName {
    match arg {
        ThemeArg::Dark => tui::ThemeName::Dark,
        ThemeArg::Light => tui::ThemeName::Light,
        ThemeArg::Mono => tui::ThemeName::Mono,
    }
}

/// The language asked for before the arguments are parsed (`--lang zh`, `--lang=zh`), so
/// that `--help` and usage errors can already speak it.
fn early_lang(args: &[String]) -> Option<LangArg> {
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
    command_for(lang, KeysHelp::Every)
}

/// What `run --help` and `c --help` list after their options.
#[derive(Clone, Copy)]
enum KeysHelp {
    /// The keys of this scenario (the one named on the command line).
    Of(&'static mmap_lab_engine::Scenario),
    /// Every key of the knob table.
    Every,
    /// Nothing: no help is asked for, and that text (every key, its words, its default) is
    /// the dearest part of building the command line, paid on every run.
    Omitted,
}

/// Whether `args` ask for a help text (`-h`, `--help`, `help`): the only time clap shows an
/// after-help.
fn asks_for_help(args: &[String]) -> bool {
    args.iter()
        .skip(1)
        .any(|a| matches!(a.as_str(), "-h" | "--help" | "help"))
}

/// [`command`], with `run --help` and `c --help` listing the keys `keys` says.
fn command_for(lang: Lang, keys: KeysHelp) -> clap::Command {
    command_at(lang, keys, usage::help_width())
}

/// [`command_for`], its help laid out for `width` columns.
fn command_at(lang: Lang, keys: KeysHelp, width: usize) -> clap::Command {
    let cmd = Cli::command().term_width(width);
    let after_help = |c: clap::Command| match keys {
        KeysHelp::Of(s) => c.after_help(man::run_after_help(Some(s), lang, width)),
        KeysHelp::Every => c.after_help(man::run_after_help(None, lang, width)),
        KeysHelp::Omitted => c,
    };
    let arg = |cmd: clap::Command, id: &str, s: S| cmd.mut_arg(id, |a| a.help(t(s, lang)));
    let cmd = cmd
        .about(t(S::HelpAbout, lang))
        .after_help(mmap_lab::demo::format_help(lang, width));
    let cmd = [
        ("scenario", S::HelpScenario),
        ("lang", S::HelpLang),
        ("presenter", S::HelpPresenter),
        ("theme", S::HelpTheme),
        ("ascii", S::HelpAsciiText),
        ("mouse", S::HelpMouse),
        ("state", S::Course(C::HelpState)),
        ("no_state", S::Course(C::HelpNoState)),
        ("demo", S::Course(C::HelpDemo)),
        ("lab_sets", S::Course(C::HelpLabSet)),
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
            let c = arg(c, "format", S::HelpFormat);
            let c = arg(c, "allow_large", S::HelpAllowLarge);
            let c = arg(c, "ascii", S::HelpAsciiRun);
            after_help(arg(c, "json", S::HelpJson))
        })
        .mut_subcommand("explain", |c| {
            arg(c.about(t(S::HelpExplain, lang)), "id", S::HelpId)
        })
        .mut_subcommand("c", |c| {
            let c = c.about(t(S::HelpC, lang));
            let c = arg(c, "id", S::HelpId);
            let c = arg(c, "minimal", S::HelpCMinimal);
            after_help(arg(c, "sets", S::HelpSet))
        })
        .mut_subcommand("man", |c| c.about(t(S::HelpMan, lang)))
        .mut_subcommand("completions", |c| {
            arg(c.about(t(S::HelpCompletions, lang)), "shell", S::HelpShell)
        })
        .mut_subcommand("config", |c| c.about(t(S::HelpConfig, lang)))
        .mut_subcommand("progress", |c| {
            let c = c.about(t(S::Course(C::HelpProgress), lang));
            let c = arg(c, "json", S::Course(C::HelpProgressJson));
            let c = arg(c, "state", S::Course(C::HelpState));
            let c = arg(c, "no_state", S::Course(C::HelpNoState));
            arg(c, "reset", S::Course(C::HelpProgressReset))
        });
    match lang {
        // clap's own frame is English already.
        Lang::En => cmd,
        Lang::Zh => localize_built(localize_frame(cmd, lang, width), lang, width),
    }
}

/// What clap only adds while it builds the command, in `lang`: the usage lines' `[OPTIONS]`
/// and `[COMMAND]`, and the `help` subcommand's line. The command is built here, once, so
/// that the lines can be read and replaced.
fn localize_built(mut cmd: clap::Command, lang: Lang, width: usize) -> clap::Command {
    cmd.build();
    let words = [
        (
            t(S::HelpUsageOptions, Lang::En),
            t(S::HelpUsageOptions, lang),
        ),
        (
            t(S::HelpUsageCommand, Lang::En),
            t(S::HelpUsageCommand, lang),
        ),
    ];
    let usage = |c: &mut clap::Command| {
        let mut line = c.render_usage().to_string();
        line = line
            .strip_prefix("Usage: ")
            .map(str::to_string)
            .unwrap_or(line);
        for (en, local) in words {
            line = line
                .replace(&format!("[{en}]"), &format!("[{local}]"))
                .replace(&format!("<{en}>"), &format!("<{local}>"));
        }
        line
    };
    let root = usage(&mut cmd);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let line = cmd.find_subcommand_mut(&name).map(usage);
        cmd = cmd.mut_subcommand(&name, |c| match line {
            Some(line) => c.override_usage(line),
            None => c,
        });
    }
    cmd.override_usage(root).mut_subcommand("help", |c| {
        c.about(fit_help(t(S::HelpHelpCommand, lang), width))
    })
}

/// The column where clap writes a help text under its option (`next_line_help`).
const HELP_INDENT: usize = 10;

/// A help text in lines that fit under its option at `width`: clap breaks lines at ASCII
/// spaces only, which a Chinese sentence hardly has, so it is broken here, beside its wide
/// characters too, and clap indents each line.
fn fit_help(text: &str, width: usize) -> String {
    mmap_lab::report::wrap_text(text, width.saturating_sub(HELP_INDENT).max(20), 0)
}

/// clap's own words in `lang`: the headings, the help and version flags and the possible
/// values (its error messages: see `usage`). Every text goes on the line under its option,
/// broken to fit `width` by [`fit_help`].
fn localize_frame(cmd: clap::Command, lang: Lang, width: usize) -> clap::Command {
    let template = format!(
        "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t(S::HelpUsage, lang)
    );
    let options = t(S::HelpOptions, lang);
    let arguments = t(S::HelpArguments, lang);
    let about = cmd
        .get_about()
        .map(|a| fit_help(&a.to_string(), width))
        .unwrap_or_default();
    let mut cmd = cmd
        .about(about)
        .next_line_help(true)
        .help_template(template)
        .subcommand_help_heading(t(S::HelpCommands, lang))
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .global(true)
                .action(clap::ArgAction::Help)
                .help(fit_help(t(S::HelpHelp, lang), width)),
        );
    if cmd.get_name() == "mmap-lab" {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help(fit_help(t(S::HelpVersion, lang), width)),
        );
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = if positional { arguments } else { options };
        // clap's `[possible values: …]` is English: hidden, and written in `lang` instead.
        cmd = cmd.mut_arg(id, |a| {
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let a = a.help_heading(heading);
            if values.is_empty()
                || !a.get_action().takes_values()
                || a.is_hide_possible_values_set()
            {
                return a.help(fit_help(&help, width));
            }
            let help = format!("{help} {}{}]", t(S::ClapPossible, lang), values.join(", "));
            a.hide_possible_values(true).help(fit_help(&help, width))
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |c| localize_frame(c, lang, width));
    }
    cmd
}

/// The scenario named after `run` or `c` on the command line, for its `--help`.
fn scenario_in_args(args: &[String]) -> Option<&'static mmap_lab_engine::Scenario> {
    let sub = args.iter().position(|a| a == "run" || a == "c")?;
    let mut rest = args[sub + 1..].iter();
    while let Some(a) = rest.next() {
        if matches!(a.as_str(), "--set" | "--lang" | "--theme" | "--format") {
            rest.next();
        } else if !a.starts_with('-') {
            return cli::find(a);
        }
    }
    None
}

/// The lab's own options, and the subcommand that takes each too (`None`: the lab alone).
const LAB_OPTIONS: [(&str, Option<&str>); 6] = [
    ("--presenter", None),
    ("--theme", None),
    ("--mouse", None),
    ("--ascii", Some("run")),
    ("--state", Some("progress")),
    ("--no-state", Some("progress")),
];

/// The lab's own options given before a subcommand that has no use for them
/// (`mmap-lab --presenter man`): refused by name, with what they are for.
fn lab_only(cli: &Cli, command: &str, lang: Lang) -> Result<(), ExitCode> {
    let given = |flag: &str| match flag {
        "--presenter" => cli.presenter,
        "--theme" => cli.theme.is_some(),
        "--mouse" => cli.mouse,
        "--ascii" => cli.ascii,
        "--state" => cli.state.is_some(),
        _ => cli.no_state,
    };
    match LAB_OPTIONS
        .iter()
        .find(|(flag, also)| given(flag) && *also != Some(command))
    {
        Some((flag, also)) => {
            output::err_line(&format!(
                "mmap-lab: {}",
                mmap_lab::strings::only_in_lab(flag, command, *also, lang)
            ));
            Err(ExitCode::from(cli::USAGE))
        }
        None => Ok(()),
    }
}

/// The stack the program runs on: its own thread's, whatever `ulimit -s` says (a limit of
/// 16 KiB overflowed the main thread's while parsing the command line).
const STACK: usize = 8 << 20;

/// clap's refusal of a lab option after a subcommand that does not take it
/// (`mmap-lab man --presenter`), said as [`lab_only`] says it before one: the same words
/// wherever the option is put.
fn misplaced(err: &clap::Error, args: &[String], lang: Lang) -> Option<ExitCode> {
    if err.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let clap::error::ContextValue::String(arg) = err.get(clap::error::ContextKind::InvalidArg)?
    else {
        return None;
    };
    let flag = arg.split('=').next()?;
    let (_, also) = LAB_OPTIONS.iter().find(|(f, _)| *f == flag)?;
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let command = args.iter().skip(1).find(|a| names.contains(a))?;
    output::err_line(&format!(
        "mmap-lab: {}",
        mmap_lab::strings::only_in_lab(flag, command, *also, lang)
    ));
    Some(ExitCode::from(cli::USAGE))
}

fn main() -> ExitCode {
    // A write past `ulimit -f` fails with EFBIG and is reported, instead of killing the lab.
    mmap_lab_engine::process::ignore_sigxfsz();
    match std::thread::Builder::new()
        .name("mmap-lab".into())
        .stack_size(STACK)
        .spawn(lab_main)
    {
        Ok(main) => main.join().unwrap_or(ExitCode::FAILURE),
        // No thread to be had (a process limit): the main thread's stack, as it is.
        Err(_) => lab_main(),
    }
}

fn lab_main() -> ExitCode {
    // Read as `OsString`: `std::env::args` panics on an argument that is not UTF-8.
    let args_os: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lossy: Vec<String> = args_os
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // The language before parsing, so that `--help` and usage errors already speak it: the
    // command line's `--lang`, else the environment, the file, the locale.
    let sources = Sources::read();
    let early = Config::from_sources(
        &sources,
        &Flags {
            lang: early_lang(&lossy).map(lang_of),
            ..Flags::default()
        },
    );
    let early_lang = early.lang.value;
    if let Some(bad) = args_os.iter().find(|a| a.to_str().is_none()) {
        // `{:?}` shows the bytes that are not UTF-8 escaped (`"\xFF"`).
        output::err_line(&format!("mmap-lab: {}: {bad:?}", t(S::NotUtf8, early_lang)));
        return ExitCode::from(cli::USAGE);
    }
    let args = lossy;
    // What a completion script asks while a `--set` value is typed: not a command of its own
    // (no help, no manual page lists it).
    if args.get(1).map(String::as_str) == Some(man::COMPLETE_SET) {
        let word = args.get(2).map_or("", String::as_str);
        let lines: String = man::set_candidates(word)
            .into_iter()
            .map(|c| c + "\n")
            .collect();
        return output::finish(&lines, early_lang);
    }
    let keys = match (asks_for_help(&args), scenario_in_args(&args)) {
        (false, _) => KeysHelp::Omitted,
        (true, Some(s)) => KeysHelp::Of(s),
        (true, None) => KeysHelp::Every,
    };
    let parsed = command_for(early_lang, keys)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            return misplaced(&err, &args, early_lang)
                .unwrap_or_else(|| usage::clap_error(&err, early_lang))
        }
    };
    // `run --ascii` and `progress --state FILE`: the subcommand's own, acting as the lab's.
    let (ascii, state, no_state) = match &cli.command {
        Some(Command::Run { ascii, .. }) => (cli.ascii || *ascii, cli.state.clone(), cli.no_state),
        Some(Command::Progress {
            state, no_state, ..
        }) => (
            cli.ascii,
            state.clone().or_else(|| cli.state.clone()),
            cli.no_state || *no_state,
        ),
        _ => (cli.ascii, cli.state.clone(), cli.no_state),
    };
    let config = Config::from_sources(
        &sources,
        &Flags {
            lang: cli.lang.map(lang_of),
            theme: cli.theme.map(theme_of),
            ascii,
            mouse: cli.mouse,
            presenter: cli.presenter,
        },
    );
    config.report_problems();
    let lang = config.lang.value;
    if cli.scenario.is_some() && cli.command.is_some() {
        output::err_line(&format!("mmap-lab: {}", t(S::ScenarioWithCommand, lang)));
        return ExitCode::from(cli::USAGE);
    }
    let name = match &cli.command {
        None => None,
        Some(Command::List { .. }) => Some("list"),
        Some(Command::Run { .. }) => Some("run"),
        Some(Command::Explain { .. }) => Some("explain"),
        Some(Command::C { .. }) => Some("c"),
        Some(Command::Man) => Some("man"),
        Some(Command::Completions { .. }) => Some("completions"),
        Some(Command::Config) => Some("config"),
        Some(Command::Progress { .. }) => Some("progress"),
    };
    if let Some(name) = name {
        if let Err(code) = lab_only(&cli, name, lang) {
            return code;
        }
    }
    let state = mmap_lab::progress::path(state.as_deref(), no_state);
    // What a `kill -9` left goes: before the screen opens or the runs of `run --all` start,
    // and beside the experiment of a single run.
    if matches!(cli.command, None | Some(Command::Run { all: true, .. })) {
        mmap_lab::leftovers::sweep(lang);
    }
    dispatch(cli, &config, state, lang)
}

/// The subcommand (or the lab) the command line asked for, once it is parsed and checked.
fn dispatch(
    mut cli: Cli,
    config: &Config,
    state: Option<std::path::PathBuf>,
    lang: Lang,
) -> ExitCode {
    let text = cli::Text {
        lang,
        ascii: config.ascii.value,
    };
    match cli.command.take() {
        Some(Command::List { json }) => cli::list(json, lang),
        Some(Command::Run {
            id,
            all,
            sets,
            json,
            format,
            allow_large,
            ..
        }) => {
            let format = match (json, format) {
                (true, _) | (_, Some(Format::Json)) => cli::Format::Json,
                (_, Some(Format::Md)) => cli::Format::Markdown,
                _ => cli::Format::Text,
            };
            if all {
                cli::run_all_as(format, text)
            } else {
                let id = id.as_deref().unwrap_or_default();
                cli::run_one_within(id, &sets, format, text, allow_large)
            }
        }
        Some(Command::Explain { id }) => cli::explain(&id, lang),
        Some(Command::C { id, sets, minimal }) => cli::c_program(&id, &sets, minimal, lang),
        // Written to memory first, then out through `output`: the generators panic or give
        // up on a failing writer.
        Some(Command::Man) => man_page(lang),
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            man::write_completions(command(lang), shell, &mut script);
            match output::out_bytes(&script, lang) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        Some(Command::Progress { json, reset, .. }) => {
            let store = state.map(mmap_lab::progress::Store::at);
            if reset {
                mmap_lab::progress::command::reset(store, lang)
            } else {
                mmap_lab::progress::command::print(store, json, lang)
            }
        }
        Some(Command::Config) => output::finish(&config.describe(), lang),
        None => open_lab(&cli, config, state, lang),
    }
}

/// `man`: the manual page, in roff.
fn man_page(lang: Lang) -> ExitCode {
    let mut page = Vec::new();
    // Not broken into lines: man lays the page out to its reader's width.
    let cmd = command_at(lang, KeysHelp::Every, usize::MAX / 2);
    match man::write_man(cmd, lang, &mut page) {
        Ok(()) => match output::out_bytes(&page, lang) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Err(err) => cli::io_error(&err, lang),
    }
}

/// No subcommand: the interactive lab, on the scenario, playlist and `--set`s given.
fn open_lab(cli: &Cli, config: &Config, state: Option<std::path::PathBuf>, lang: Lang) -> ExitCode {
    // `--scenario 3` is the third lesson: the lab is given its id.
    let scenario = match cli.scenario.as_deref().map(|id| cli::scenario(id, lang)) {
        Some(Ok(s)) => Some(s.id.to_string()),
        Some(Err(code)) => return code,
        None => None,
    };
    // A playlist and `--set`s are checked before the screen opens (exit 2).
    let page = mmap_lab_engine::engine::page_size();
    let demo = match cli
        .demo
        .as_deref()
        .map(|d| mmap_lab::demo::load(d, page, lang))
    {
        Some(Ok(p)) => Some(p),
        Some(Err(line)) => {
            output::err_line(&format!("mmap-lab: {line}"));
            return ExitCode::from(cli::USAGE);
        }
        None => None,
    };
    let params = match scenario.as_deref().and_then(cli::find) {
        Some(s) if !cli.lab_sets.is_empty() => {
            match mmap_lab::demo::lab_params(s, &cli.lab_sets, lang) {
                Ok(p) => Some(p),
                Err(line) => {
                    output::err_line(&format!("mmap-lab: {line}"));
                    return ExitCode::from(cli::USAGE);
                }
            }
        }
        _ => None,
    };
    tui::course::setup(tui::course::Setup {
        state,
        params,
        scenario_given: scenario.is_some() || demo.is_some(),
        demo,
        lang_given: cli.lang.is_some(),
        // Under NO_COLOR, a theme remembered from another session does not come back.
        theme_given: cli.theme.is_some() || tui::theme::no_color(),
    });
    tui::main_with(
        tui::Options {
            scenario,
            lang,
            presenter: config.presenter.value,
            theme: config.theme.value,
            ascii: config.ascii.value,
            mouse: config.mouse.value,
        },
        config.copy.value,
    )
}
