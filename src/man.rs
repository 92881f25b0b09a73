//! The lab as a real command: its manual page (clap_mangen), shell completions
//! (clap_complete) and the parts of `--help` that depend on the catalogue (the keys a
//! scenario takes, with an example). All built from the one command-line definition, so the
//! page, the completions and `--help` cannot disagree.

use crate::strings::{t, S};
use clap::builder::PossibleValue;
use clap_mangen::roff::{bold, italic, roman, Roff};
use mmap_lab_engine::params::KeyKind;
use mmap_lab_engine::{catalog, engine, Key, Lang, Scenario};
use std::io::{self, Write};

/// `mmap-lab man`: the page for `cmd` (already in `lang`), with the sections clap does not
/// know about: the environment, the files, the exit status, examples. Long as the page is:
/// its sections in the order `man` shows them, each a few lines.
pub fn write_man(cmd: clap::Command, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    // clap_mangen names four of its sections in English whatever the command's language:
    // its part of the page is written here, then its headings put in `lang`.
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    out.write_all(localized_headings(&page, lang).as_bytes())?;

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
        ("MMAP_LAB_STATE", S::HelpEnvState),
        ("NO_COLOR", S::HelpEnvNoColor),
        ("COLORTERM, TERM", S::HelpEnvTerm),
        ("COLUMNS", S::HelpEnvColumns),
        ("LC_ALL, LC_MESSAGES, LANG", S::HelpEnvLocale),
        ("XDG_CONFIG_HOME, XDG_STATE_HOME", S::HelpEnvXdg),
        ("TMPDIR", S::HelpEnvTmpdir),
    ] {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(t(s, lang))]);
    }
    // The playlist format: its heading as a section, the example kept as written.
    roff.control(
        "SH",
        [crate::strings::C::PlaylistHeading
            .get(lang)
            .split([' ', '（'])
            .next()
            .unwrap_or_default()
            .to_uppercase()
            .as_str()],
    );
    let format = crate::strings::C::PlaylistFormat.get(lang);
    let (intro, example) = format.split_once("\n\n").unwrap_or((format, ""));
    roff.text([roman(intro)]);
    roff.control("nf", []);
    for line in example.lines() {
        roff.text([roman(line.trim_start())]);
        roff.control("br", []);
    }
    roff.control("fi", []);
    roff.control("SH", [t(S::HelpFiles, lang)]);
    for (path, default, s) in [
        (
            "$XDG_CONFIG_HOME/mmap-lab/config.toml",
            "~/.config/mmap-lab/config.toml",
            S::HelpFileConfig,
        ),
        (
            "$XDG_STATE_HOME/mmap-lab/state.json",
            "~/.local/state/mmap-lab/state.json",
            S::HelpFileState,
        ),
    ] {
        roff.control("TP", []);
        roff.text([italic(path)]);
        roff.text([roman(format!("({default}) {}", t(s, lang)))]);
    }
    roff.control("SH", [t(S::HelpExitStatus, lang)]);
    for (code, s) in [
        ("0", S::HelpExit0),
        ("1", S::HelpExit1),
        ("2", S::HelpExit2),
        ("128+N", S::HelpExitSignal),
    ] {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(t(s, lang))]);
    }
    let heading = t(S::HelpExamples, lang)
        .trim_end_matches([':', '：'])
        .to_uppercase();
    roff.control("SH", [heading.as_str()]);
    for (line, s) in examples() {
        roff.control("TP", []);
        roff.text([bold(line)]);
        roff.text([roman(t(s, lang))]);
    }
    roff.control("SH", [t(S::HelpSeeAlso, lang)]);
    let pages = [
        "mmap(2)",
        "munmap(2)",
        "mprotect(2)",
        "mremap(2)",
        "msync(2)",
        "madvise(2)",
        "proc(5)",
        "strace(1)",
    ];
    let mut refs = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let (name, section) = page.split_once('(').unwrap_or((page, ""));
        refs.push(bold(name.to_string()));
        let sep = if i + 1 < pages.len() { ", " } else { "" };
        refs.push(roman(format!("({section}{sep}")));
    }
    roff.text(refs);
    roff.control("PP", []);
    roff.text([roman(t(S::HelpSeeAlsoJson, lang))]);
    roff.control("SH", [t(S::HelpAuthors, lang)]);
    roff.text([roman(t(S::HelpAuthorsText, lang))]);
    roff.to_writer(out)?;
    let mut version = Vec::new();
    man.render_version_section(&mut version)?;
    out.write_all(localized_headings(&version, lang).as_bytes())
}

/// clap_mangen's section headings (`.SH NAME`…) in `lang`.
fn localized_headings(page: &[u8], lang: Lang) -> String {
    let mut text = String::from_utf8_lossy(page).into_owned();
    for (en, s) in [
        ("NAME", S::HelpManName),
        ("SYNOPSIS", S::HelpManSynopsis),
        ("DESCRIPTION", S::HelpManDescription),
        ("VERSION", S::HelpManVersion),
    ] {
        text = text.replace(&format!(".SH {en}\n"), &format!(".SH {}\n", t(s, lang)));
    }
    text
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
    // `--set` completes through `mmap-lab __complete-set` (see [`set_candidates`]); told
    // `Other`, clap's scripts offer no file names there.
    let sets = |a: clap::Arg| a.value_hint(clap::ValueHint::Other);
    let with_ids = |c: clap::Command, arg: &str| {
        let ids = ids.clone();
        c.mut_arg(arg, move |a| a.value_parser(ids))
    };
    let mut cmd = cmd
        .mut_arg("scenario", |a| a.value_parser(ids.clone()))
        .mut_arg("lab_sets", sets)
        .mut_subcommand("run", |c| with_ids(c, "id").mut_arg("sets", sets))
        .mut_subcommand("c", |c| with_ids(c, "id").mut_arg("sets", sets))
        .mut_subcommand("explain", |c| with_ids(c, "id"));
    let which = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(which, &mut cmd, "mmap-lab", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        Shell::Bash => {
            // clap_complete 4.6 spells the subcommands' states of a hyphenated binary two
            // ways (`mmap__lab__subcmd__run` where it walks the words,
            // `mmap__subcmd__lab__subcmd__run` in the case labels), so nothing after the
            // subcommand completes; one spelling fixes it.
            script = script.replace("mmap__subcmd__lab", "mmap__lab");
            let at = script
                .find("\nif [[ \"${BASH_VERSINFO")
                .unwrap_or(script.len());
            script.insert_str(at, BASH_SET);
            script = script.replace("complete -F _mmap__lab ", "complete -F _mmap_lab ");
        }
        Shell::Zsh => {
            script = script.replace(":KEY=VALUE:' \\", ":KEY=VALUE:_mmap_lab_set' \\");
            let at = script
                .find("\nif [ \"$funcstack[1]\"")
                .unwrap_or(script.len());
            script.insert_str(at, ZSH_SET);
        }
        Shell::Fish => {
            // clap's test for "no subcommand yet" fails while the lab's own `--set` waits
            // for its value (`mmap-lab --scenario 3 --set <Tab>`): that line asks whether a
            // subcommand was seen instead.
            let subcommands: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
            let no_subcommand = format!(
                "\"not __fish_seen_subcommand_from {}\"",
                subcommands.join(" ")
            );
            script = script
                .lines()
                .map(|l| match l.contains(" -l set ") {
                    true => format!(
                        "{} -a \"(__fish_mmap_lab_set)\"\n",
                        l.replace("\"__fish_mmap_lab_needs_command\"", &no_subcommand)
                    ),
                    false => format!("{l}\n"),
                })
                .collect();
            script.push_str(FISH_SET);
            // clap writes no completion for a positional argument in fish: the ids here.
            for sub in ["run", "c", "explain"] {
                script.push_str(&format!(
                    "complete -c mmap-lab -n \"__fish_mmap_lab_using_subcommand {sub}\" -f -a \"{}\"\n",
                    catalog::all()
                        .iter()
                        .map(|s| format!("{}\\t'{}'", s.id, s.title(Lang::En).replace('\'', "\\'")))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
        }
    }
    let _ = out.write_all(script.as_bytes());
}

/// What completes `word`, a `--set` value being typed: the keys (`fl` → `flags=`), then the
/// key's values (`flags=MAP_SH` → `flags=MAP_SHARED`), for a set of flags the next one after
/// each `|` (`flags=MAP_SHARED|MAP_AN` → `flags=MAP_SHARED|MAP_ANONYMOUS`, a flag given once
/// only). Nothing for a number or free text: no list could be right.
pub fn set_candidates(word: &str) -> Vec<String> {
    let Some((name, value)) = word.split_once('=') else {
        return Key::ALL
            .iter()
            .map(|k| k.name())
            .filter(|n| n.starts_with(word))
            .map(|n| format!("{n}="))
            .collect();
    };
    let Some(key) = Key::ALL.iter().find(|k| k.name() == name) else {
        return Vec::new();
    };
    let (given, last) = match value.rsplit_once('|') {
        Some((given, last)) => (format!("{given}|"), last),
        None => (String::new(), value),
    };
    let words: Vec<&str> = match key.kind() {
        KeyKind::Choice(words) => words.to_vec(),
        KeyKind::Bool => vec!["true", "false"],
        KeyKind::Flags(set) => set
            .iter()
            .map(|f| f.name)
            .filter(|f| !given.split('|').any(|g| g == *f))
            .collect(),
        KeyKind::Number { .. } | KeyKind::Text => Vec::new(),
    };
    // Only a set of flags goes on after a `|`.
    if !given.is_empty() && !matches!(key.kind(), KeyKind::Flags(_)) {
        return Vec::new();
    }
    words
        .into_iter()
        .filter(|w| w.starts_with(last))
        .map(|w| format!("{name}={given}{w}"))
        .collect()
}

/// The hidden command the scripts call for a `--set` value: `mmap-lab __complete-set WORD`
/// prints [`set_candidates`] one a line.
pub const COMPLETE_SET: &str = "__complete-set";

/// bash: the word being typed is read from the line itself, because bash splits
/// `flags=MAP_SHARED|MAP_P` at `=` and `|` (its `COMP_WORDBREAKS`); readline replaces only
/// the text after the last of those, unless the word opened a quote (then all after it), so
/// each candidate loses what comes before. Any other word goes to clap's function.
const BASH_SET: &str = r#"
_mmap_lab_set() {
    local line=${COMP_LINE:0:COMP_POINT}
    local word=${line##*[[:space:]]}
    local before=${line%"$word"}
    before=${before%"${before##*[![:space:]]}"}
    local prev=${before##*[[:space:]]}
    local set
    if [[ $word == --set=* ]]; then
        set=${word#--set=}
    elif [[ $prev == --set ]]; then
        set=$word
    else
        return 1
    fi
    local text=$set i
    if [[ $set == [\"\']* ]]; then
        set=${set:1}
        text=$set
    else
        for ((i = ${#set} - 1; i >= 0; i--)); do
            if [[ $COMP_WORDBREAKS == *"${set:i:1}"* ]]; then
                text=${set:i+1}
                break
            fi
        done
    fi
    local cut=$((${#set} - ${#text})) c
    COMPREPLY=()
    while IFS= read -r c; do
        COMPREPLY+=("${c:cut}")
    done < <("${COMP_WORDS[0]}" __complete-set "$set" 2>/dev/null)
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

_mmap_lab() {
    _mmap_lab_set || _mmap__lab "$@"
}
"#;

/// zsh: `_arguments` hands the `--set` value to this function. The command is the line's
/// first word: `$words` starts at the subcommand by then.
const ZSH_SET: &str = r#"
(( $+functions[_mmap_lab_set] )) ||
_mmap_lab_set() {
    local -a words_
    words_=(${(f)"$(${(Q)${(z)BUFFER}[1]} __complete-set "${(Q)PREFIX}" 2>/dev/null)"})
    compadd -S '' -- ${(M)words_:#*=}
    compadd -- ${words_:#*=}
}
"#;

/// fish: the `--set` lines ask this function.
const FISH_SET: &str = r#"
function __fish_mmap_lab_set
    set -l cmd (commandline -opc)
    # The value as typed: without `--set=`, an opening quote or the backslash before a `|`.
    set -l word (commandline -ct | string replace -r '^--set=' '' | string trim -l -c "'\"" | string replace -a '\\' '')
    $cmd[1] __complete-set "$word"
end
"#;

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
