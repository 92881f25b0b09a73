//! The lab as a real command: its manual page (clap_mangen), shell completions
//! (clap_complete) and the parts of `--help` that depend on the catalogue (the keys a
//! scenario takes, with an example). All built from the one command-line definition, so the
//! page, the completions and `--help` cannot disagree.

use crate::strings::{t, S};
use clap::builder::PossibleValue;
use clap_mangen::roff::{bold, italic, roman, Roff};
use scenarios::params::KeyKind;
use scenarios::{catalog, engine, Key, Lang, Scenario};
use std::io::{self, Write};

/// `mmap-lab man`: the page for `cmd` (already in `lang`), with the sections clap does not
/// know about: the environment, the files, the exit status, examples.
pub fn write_man(cmd: clap::Command, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;

    // The subcommands in this one page, with their own options, rather than clap_mangen's
    // references to `mmap-lab-run(1)` pages that nobody installs.
    let mut roff = Roff::new();
    roff.control(
        "SH",
        [cmd.get_subcommand_help_heading().unwrap_or("SUBCOMMANDS")],
    );
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut synopsis = format!("mmap-lab {}", sub.get_name());
        for a in sub.get_arguments().filter(|a| !a.is_global_set()) {
            let id = a.get_id().as_str();
            if id == "help" {
                continue;
            }
            let value = a
                .get_value_names()
                .and_then(|v| v.first())
                .map(|v| v.to_string())
                .unwrap_or_else(|| id.to_uppercase());
            synopsis.push(' ');
            synopsis.push_str(&match a.get_long() {
                Some(long) if a.get_action().takes_values() => format!("[--{long} {value}]"),
                Some(long) => format!("[--{long}]"),
                None => value,
            });
        }
        roff.control("TP", []);
        roff.text([bold(synopsis)]);
        roff.text([roman(
            sub.get_about().map(|a| a.to_string()).unwrap_or_default(),
        )]);
        for a in sub.get_arguments().filter(|a| !a.is_global_set()) {
            let (Some(long), Some(help)) = (a.get_long(), a.get_help()) else {
                continue;
            };
            if long == "help" {
                continue;
            }
            roff.control("RS", []);
            roff.control("TP", []);
            roff.text([bold(format!("--{long}"))]);
            roff.text([roman(help.to_string())]);
            roff.control("RE", []);
        }
    }
    roff.control(
        "SH",
        [t(S::HelpKeysHeading, lang).trim_end_matches([':', '：'])],
    );
    for key in Key::ALL {
        roff.control("TP", []);
        roff.text([bold(key.name())]);
        roff.text([roman(format!(
            "{} ({})",
            key.doc(lang),
            key.expected_in(lang)
        ))]);
    }
    roff.control("SH", [t(S::HelpEnvironment, lang)]);
    for (name, s) in [
        ("MMAP_LAB_LANG", S::HelpEnvLang),
        ("MMAP_LAB_THEME", S::HelpEnvTheme),
        ("MMAP_LAB_ASCII", S::HelpEnvAscii),
    ] {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(t(s, lang))]);
    }
    roff.control("SH", [t(S::HelpFiles, lang)]);
    roff.control("TP", []);
    roff.text([italic("$XDG_CONFIG_HOME/mmap-lab/config.toml")]);
    roff.text([roman(format!(
        "(~/.config/mmap-lab/config.toml) {}",
        t(S::HelpFileConfig, lang)
    ))]);
    roff.control("SH", [t(S::HelpExitStatus, lang)]);
    for (code, s) in [
        ("0", S::HelpExit0),
        ("1", S::HelpExit1),
        ("2", S::HelpExit2),
    ] {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(t(s, lang))]);
    }
    roff.control(
        "SH",
        [t(S::HelpExamples, lang).trim_end_matches([':', '：'])],
    );
    for (line, s) in examples() {
        roff.control("TP", []);
        roff.text([bold(line)]);
        roff.text([roman(t(s, lang))]);
    }
    roff.to_writer(out)?;
    man.render_version_section(out)?;
    man.render_authors_section(out)
}

/// The shells `mmap-lab completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// bash (`source <(mmap-lab completions bash)`).
    Bash,
    /// zsh (a `_mmap-lab` file on `$fpath`).
    Zsh,
    /// fish (`~/.config/fish/completions/mmap-lab.fish`).
    Fish,
}

/// `mmap-lab completions SHELL`: the script for `cmd`, with the scenario ids (and lesson
/// numbers) and every `KEY=VALUE` the knob table can spell added as the values clap
/// completes. They are added to this copy of the command only: the real parser keeps its
/// own messages for unknown ids and keys (with suggestions), which a closed list of clap
/// values would replace.
pub fn write_completions(cmd: clap::Command, shell: Shell, out: &mut dyn Write) {
    let ids: Vec<PossibleValue> = catalog::all()
        .iter()
        .map(|s| PossibleValue::new(s.id).help(s.title(Lang::En)))
        .collect();
    let sets = set_values();
    let with_ids = |c: clap::Command, arg: &str| {
        let ids = ids.clone();
        c.mut_arg(arg, move |a| a.value_parser(ids))
    };
    let mut cmd = cmd
        .mut_arg("scenario", |a| a.value_parser(ids.clone()))
        .mut_subcommand("run", |c| {
            with_ids(c, "id").mut_arg("sets", |a| a.value_parser(sets.clone()))
        })
        .mut_subcommand("c", |c| {
            with_ids(c, "id").mut_arg("sets", |a| a.value_parser(sets.clone()))
        })
        .mut_subcommand("explain", |c| with_ids(c, "id"));
    let which = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(which, &mut cmd, "mmap-lab", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == Shell::Bash {
        // clap_complete 4.6 spells the subcommands' states of a hyphenated binary two ways
        // (`mmap__lab__subcmd__run` where it walks the words, `mmap__subcmd__lab__subcmd__run`
        // in the case labels), so nothing after the subcommand completes; one spelling fixes it.
        script = script.replace("mmap__subcmd__lab", "mmap__lab");
    }
    let _ = out.write_all(script.as_bytes());
}

/// Every `--set` a completion offers: `key=word` for each word of a choice, yes/no and single
/// flag, and `key=` for the keys that take a number or free text.
fn set_values() -> Vec<PossibleValue> {
    let mut out = Vec::new();
    for key in Key::ALL {
        let name = key.name();
        let words: Vec<String> = match key.kind() {
            KeyKind::Choice(words) => words.iter().map(|w| w.to_string()).collect(),
            KeyKind::Flags(set) => set.iter().map(|f| f.name.to_string()).collect(),
            KeyKind::Bool => vec!["true".into(), "false".into()],
            KeyKind::Number { .. } | KeyKind::Text => vec![String::new()],
        };
        for word in words {
            out.push(PossibleValue::new(format!("{name}={word}")).help(key.doc(Lang::En)));
        }
    }
    out
}

/// A few commands worth copying, with what each shows.
fn examples() -> [(&'static str, S); 3] {
    [
        (
            "mmap-lab run unaligned-offset --set offset=4096",
            S::HelpExampleRun,
        ),
        (
            "mmap-lab run empty-new-file --format md > report.md",
            S::HelpExampleMd,
        ),
        ("mmap-lab c zero-length > zero.c", S::HelpExampleC),
    ]
}

/// What `run --help` (and `c --help`) says after the options: the keys of `scenario` with
/// their values and defaults, or, without one, every key and how to see a scenario's own;
/// then examples. In lines of at most `width` columns (the help's width: clap would wrap a
/// longer line again, losing its indent).
pub fn run_after_help(scenario: Option<&Scenario>, lang: Lang, width: usize) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: &str, indent: usize| {
        out.push_str(&crate::report::wrap_text(text, width, indent));
        out.push('\n');
    };
    match scenario {
        Some(s) => {
            let page = engine::page_size();
            let defaults = (s.defaults)(page);
            let (sep, open, close, colon) =
                lang.pick((" ", " (", "):", ": "), ("", "（", "）：", "："));
            line(
                &mut out,
                &format!(
                    "{}{sep}{}{open}{}{close}",
                    t(S::HelpScenarioKeys, lang),
                    s.id,
                    s.title(lang)
                ),
                2,
            );
            let name_width = s.keys.iter().map(|k| k.name().len()).max().unwrap_or(0);
            for key in s.keys {
                let indent = 2 + name_width + 2;
                line(
                    &mut out,
                    &format!(
                        "  {:<name_width$}  {}{}{}{colon}{}{}",
                        key.name(),
                        key.doc(lang),
                        lang.pick(" (", "（"),
                        t(S::HelpDefault, lang),
                        defaults.get(*key),
                        lang.pick(")", "）"),
                    ),
                    indent,
                );
                line(
                    &mut out,
                    &format!("{}{}", " ".repeat(indent), key.expected_in(lang)),
                    indent,
                );
            }
        }
        None => {
            line(&mut out, t(S::HelpKeysHeading, lang), 2);
            let names: Vec<&str> = Key::ALL.iter().map(|k| k.name()).collect();
            out.push_str(&wrap_words(&names, width, "  "));
            line(&mut out, t(S::HelpKeysHint, lang), 0);
        }
    }
    line(&mut out, "", 0);
    line(&mut out, t(S::HelpExamples, lang), 2);
    // The scenario's first lesson variant is the example: the knob its lesson turns first.
    let page = engine::page_size();
    let example = scenario
        .or_else(|| catalog::find("unaligned-offset"))
        .and_then(|s| s.variants.first().map(|v| v.command(s.id, page)));
    if let Some(example) = example {
        line(&mut out, &format!("  {example}"), 4);
    }
    let id = scenario.map_or("unaligned-offset", |s| s.id);
    line(
        &mut out,
        &format!("  mmap-lab run {id} --format md > report.md"),
        4,
    );
    line(
        &mut out,
        &format!(
            "  mmap-lab run {} --json",
            scenario.map_or_else(|| "3".to_string(), |s| s.order().to_string())
        ),
        4,
    );
    out
}

/// `words` joined by `, ` in lines of at most `width` columns, each starting with `indent`.
fn wrap_words(words: &[&str], width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for (i, w) in words.iter().enumerate() {
        let piece = if i + 1 < words.len() {
            format!("{w}, ")
        } else {
            w.to_string()
        };
        if line.len() + piece.trim_end().len() > width && !line.trim().is_empty() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        line.push_str(&piece);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}
