//! Settings that outlive one command: `$XDG_CONFIG_HOME/mmap-lab/config.toml` (default
//! `~/.config/mmap-lab/config.toml`) and the `MMAP_LAB_*` environment variables.
//!
//! The command line wins over the environment, which wins over the file; the language then
//! falls back to the locale, everything else to its default. A classroom PC can so default
//! to Chinese, the light theme or ASCII borders without anyone typing a flag.
//!
//! Nothing here may stop the lab: a file that is not TOML, an unknown key or a bad value is
//! one line on stderr (the file and line, what was found, what is accepted) and the default
//! for that setting. Those lines are collected as [`Problem`]s and printed by the caller, in
//! the language finally in force, which the file itself may have chosen.

use crate::strings::{self, t, S};
use mmap_lab_engine::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background (no yellow or cyan: they wash out on white).
    Light,
    /// No colour at all: bold, reversed, underline and symbols only.
    Mono,
}

impl ThemeName {
    /// The next theme for the `t` key: dark, light, mono, dark…
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Mono,
            ThemeName::Mono => ThemeName::Dark,
        }
    }
}

/// The keys the file takes, in the order `mmap-lab config` shows them.
pub const KEYS: [&str; 6] = ["lang", "theme", "ascii", "mouse", "presenter", "copy"];

/// What `y` in the lab puts on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CopyFormat {
    /// The Markdown report of `run --format md`.
    #[default]
    Markdown,
    /// The plain text of `run`.
    Text,
}

impl CopyFormat {
    /// The word the file uses.
    pub fn name(self) -> &'static str {
        match self {
            CopyFormat::Markdown => "markdown",
            CopyFormat::Text => "text",
        }
    }
}

/// Where a setting in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A flag.
    CommandLine,
    /// An `MMAP_LAB_*` variable.
    Environment,
    /// The configuration file.
    File,
    /// `LC_ALL`, `LC_MESSAGES` or `LANG` (the language only).
    Locale,
    /// Nothing set it.
    Default,
}

impl Source {
    /// The source's name in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        t(
            match self {
                Source::CommandLine => S::SrcCommandLine,
                Source::Environment => S::SrcEnvironment,
                Source::File => S::SrcFile,
                Source::Locale => S::SrcLocale,
                Source::Default => S::SrcDefault,
            },
            lang,
        )
    }
}

/// One setting: its value and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// Who set it.
    pub source: Source,
}

/// What the command line said (`None`: not given), to be merged with the rest.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    /// `--lang`.
    pub lang: Option<Lang>,
    /// `--theme`.
    pub theme: Option<ThemeName>,
    /// `--ascii`.
    pub ascii: bool,
    /// `--mouse`.
    pub mouse: bool,
    /// `--presenter`.
    pub presenter: bool,
}

/// A setting that could not be used, to be printed as one line in the language in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file could not be read at all (not a regular file, too large, a symlink loop).
    NotRead {
        /// The file.
        place: String,
        /// Why.
        why: crate::input::Refused,
    },
    /// The file is not TOML.
    Unreadable {
        /// `path:line`.
        place: String,
        /// What the TOML parser said, first line only.
        why: String,
    },
    /// A key the file does not take.
    UnknownKey {
        /// `path:line`.
        place: String,
        /// The key.
        key: String,
    },
    /// A value that does not fit its key.
    BadValue {
        /// `path:line`, or the environment variable.
        place: String,
        /// The key.
        key: &'static str,
        /// The value as written.
        value: String,
    },
}

impl Problem {
    /// The one line to print (without the `mmap-lab: ` prefix).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Problem::NotRead { place, why } => {
                strings::config_not_read(place, &why.text(lang), lang)
            }
            Problem::Unreadable { place, why } => strings::unreadable_config(place, why, lang),
            Problem::UnknownKey { place, key } => strings::unknown_setting(
                place,
                key,
                &KEYS.join(", "),
                crate::suggest::closest(key, KEYS).map(|k| strings::did_you_mean(k, lang)),
                lang,
            ),
            Problem::BadValue { place, key, value } => {
                strings::bad_setting(place, key, value, accepted(key), lang)
            }
        }
    }
}

/// How many problems of the settings are printed; the rest are counted.
pub const SHOWN: usize = 20;

/// What a key accepts, as the messages and `mmap-lab config` say it.
pub fn accepted(key: &str) -> &'static str {
    match key {
        "lang" => "en, zh",
        "theme" => "dark, light, mono",
        "copy" => "markdown, text",
        _ => "true, false",
    }
}

/// What the settings are made from, read once: the file, the environment, the locale.
#[derive(Debug, Clone)]
pub struct Sources {
    path: Option<PathBuf>,
    text: Option<String>,
    refused: Option<crate::input::Refused>,
    env: Vec<(&'static str, String)>,
    locale: Option<Lang>,
}

impl Sources {
    /// The configuration file (if there is one), the `MMAP_LAB_*` variables and the locale.
    pub fn read() -> Sources {
        let var = |name: &str| std::env::var(name).ok();
        let path = path_from(var("XDG_CONFIG_HOME").as_deref(), var("HOME").as_deref());
        // Bounded and never blocking: every command reads this file, `list` included.
        let (text, refused) = match path.as_deref().map(crate::input::read_text) {
            None | Some(Err(crate::input::Refused::Missing)) => (None, None),
            Some(Ok(text)) => (Some(text), None),
            Some(Err(why)) => (None, Some(why)),
        };
        let env = ENV_VARS
            .iter()
            .filter_map(|(name, _)| var(name).filter(|v| !v.is_empty()).map(|v| (*name, v)))
            .collect();
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| var(v))
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v));
        Sources {
            path,
            text,
            refused,
            env,
            locale,
        }
    }
}

/// Every setting in force, with its source, plus what could not be used.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file looked at, if a home or `XDG_CONFIG_HOME` tells where it is.
    pub path: Option<PathBuf>,
    /// Whether that file exists.
    pub found: bool,
    /// The language.
    pub lang: Setting<Lang>,
    /// The lab's theme (`None`: dark, or mono under `NO_COLOR`, decided by the lab).
    pub theme: Setting<Option<ThemeName>>,
    /// ASCII borders and marks.
    pub ascii: Setting<bool>,
    /// Mouse capture in the lab.
    pub mouse: Setting<bool>,
    /// Start the lab in presenter mode.
    pub presenter: Setting<bool>,
    /// What `y` copies.
    pub copy: Setting<CopyFormat>,
    /// Settings that were ignored, each one line to print.
    pub problems: Vec<Problem>,
}

/// The file's path: `$XDG_CONFIG_HOME/mmap-lab/config.toml` when that is an absolute path
/// (the XDG spec says to ignore a relative one), else `$HOME/.config/mmap-lab/config.toml`.
pub fn path_from(xdg: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let base = match xdg.filter(|x| Path::new(x).is_absolute()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(home.filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(base.join("mmap-lab").join("config.toml"))
}

/// The environment variables read, in the order `mmap-lab config` shows them.
pub const ENV_VARS: [(&str, &str); 3] = [
    ("MMAP_LAB_LANG", "lang"),
    ("MMAP_LAB_THEME", "theme"),
    ("MMAP_LAB_ASCII", "ascii"),
];

/// Values as found in the file or the environment, before they are parsed.
type Raw = BTreeMap<&'static str, (String, String)>;

impl Config {
    /// The settings in force: `sources` merged under `flags`. The command line is parsed in two passes
    /// (the language first, for clap's own messages), and the file and the environment are
    /// read once for both.
    pub fn from_sources(sources: &Sources, flags: &Flags) -> Config {
        let mut config = Config::merge(
            flags,
            sources.path.clone(),
            sources.text.as_deref(),
            &sources.env,
            sources.locale,
        );
        if let (Some(why), Some(path)) = (&sources.refused, &sources.path) {
            config.found = true;
            config.problems.insert(
                0,
                Problem::NotRead {
                    place: path.display().to_string(),
                    why: why.clone(),
                },
            );
        }
        config
    }

    /// [`Config::from_sources`] from given inputs, so tests need no real home or environment.
    /// One block per setting, each the same precedence (flag, environment, file, default).
    pub fn merge(
        flags: &Flags,
        path: Option<PathBuf>,
        file: Option<&str>,
        env: &[(&str, String)],
        locale: Option<Lang>,
    ) -> Config {
        let mut problems = Vec::new();
        let shown = path
            .as_ref()
            .map_or_else(|| "config.toml".to_string(), |p| p.display().to_string());
        let from_file = file.map_or_else(Raw::new, |text| read_file(&shown, text, &mut problems));
        let from_env: Raw = env
            .iter()
            .filter_map(|(name, value)| {
                let key = ENV_VARS.iter().find(|(n, _)| n == name)?.1;
                Some((key, (name.to_string(), value.clone())))
            })
            .collect();

        // The first source in precedence order whose value parses; a bad one is reported
        // and skipped, so the next source (finally the default) decides.
        let mut pick = |key: &'static str| -> Option<(String, Source)> {
            for (raw, source) in [(&from_env, Source::Environment), (&from_file, Source::File)] {
                if let Some((place, value)) = raw.get(key) {
                    if valid(key, value) {
                        return Some((value.clone(), source));
                    }
                    problems.push(Problem::BadValue {
                        place: place.clone(),
                        key,
                        value: value.clone(),
                    });
                }
            }
            None
        };
        let lang = match flags.lang {
            Some(l) => Setting {
                value: l,
                source: Source::CommandLine,
            },
            None => match pick("lang").and_then(|(v, s)| Some((Lang::parse(&v)?, s))) {
                Some((value, source)) => Setting { value, source },
                None => match locale {
                    Some(value) => Setting {
                        value,
                        source: Source::Locale,
                    },
                    None => Setting {
                        value: Lang::En,
                        source: Source::Default,
                    },
                },
            },
        };
        let theme = match flags.theme {
            Some(th) => Setting {
                value: Some(th),
                source: Source::CommandLine,
            },
            None => match pick("theme") {
                Some((v, source)) => Setting {
                    value: theme(&v),
                    source,
                },
                None => Setting {
                    value: None,
                    source: Source::Default,
                },
            },
        };
        let mut boolean = |key: &'static str, flag: bool| -> Setting<bool> {
            if flag {
                return Setting {
                    value: true,
                    source: Source::CommandLine,
                };
            }
            match pick(key) {
                Some((v, source)) => Setting {
                    value: boolean(&v).unwrap_or(false),
                    source,
                },
                None => Setting {
                    value: false,
                    source: Source::Default,
                },
            }
        };
        let ascii = boolean("ascii", flags.ascii);
        let mouse = boolean("mouse", flags.mouse);
        let presenter = boolean("presenter", flags.presenter);
        let copy = match pick("copy") {
            Some((v, source)) if v == "text" => Setting {
                value: CopyFormat::Text,
                source,
            },
            Some((_, source)) => Setting {
                value: CopyFormat::Markdown,
                source,
            },
            None => Setting {
                value: CopyFormat::Markdown,
                source: Source::Default,
            },
        };
        // In the file's order, whatever step found them.
        problems.sort_by_key(|p| match p {
            Problem::NotRead { .. } => 0,
            Problem::Unreadable { place, .. }
            | Problem::UnknownKey { place, .. }
            | Problem::BadValue { place, .. } => place
                .rsplit(':')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0),
        });
        Config {
            found: file.is_some(),
            path,
            lang,
            theme,
            ascii,
            mouse,
            presenter,
            copy,
            problems,
        }
    }

    /// Print the problems, one line each, in the language in force: the first [`SHOWN`],
    /// then how many more (a file of a hundred thousand unknown keys is one screen, not a
    /// hundred thousand lines).
    pub fn report_problems(&self) {
        let lang = self.lang.value;
        for p in self.problems.iter().take(SHOWN) {
            crate::output::err_line(&format!("mmap-lab: {}", p.text(lang)));
        }
        let more = self.problems.len().saturating_sub(SHOWN);
        if more > 0 {
            let path = self
                .path
                .as_ref()
                .map_or_else(|| "config.toml".to_string(), |p| p.display().to_string());
            crate::output::err_line(&format!(
                "mmap-lab: {}",
                strings::more_problems(more, &path, lang)
            ));
        }
    }

    /// `mmap-lab config`: where the settings are read from and which are in force.
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let lang = self.lang.value;
        let mut out = String::new();
        let state = if self.found {
            S::CfgFound
        } else {
            S::CfgNotFound
        };
        let path = self
            .path
            .as_ref()
            .map_or_else(|| "—".to_string(), |p| p.display().to_string());
        let (colon, open, close) = lang.pick((":", " (", ")"), ("：", "（", "）"));
        let _ = writeln!(
            out,
            "{}{colon}{}{path}{open}{}{close}",
            t(S::CfgFile, lang),
            lang.pick(" ", ""),
            t(state, lang)
        );
        let _ = writeln!(out, "{}{colon}", t(S::CfgEnvironment, lang));
        for (name, _) in ENV_VARS {
            let value = std::env::var(name).ok().filter(|v| !v.is_empty());
            let shown =
                value.map_or_else(|| t(S::CfgUnset, lang).to_string(), |v| format!("{v:?}"));
            let _ = writeln!(out, "  {name:<16} {shown}");
        }
        let _ = writeln!(
            out,
            "{}{open}{}{close}{colon}",
            t(S::CfgInForce, lang),
            t(S::CfgPrecedence, lang)
        );
        let theme = self.theme.value.map_or("dark", theme_name);
        let rows: [(&str, String, Source); 6] = [
            ("lang", lang.code().to_string(), self.lang.source),
            ("theme", theme.to_string(), self.theme.source),
            ("ascii", self.ascii.value.to_string(), self.ascii.source),
            ("mouse", self.mouse.value.to_string(), self.mouse.source),
            (
                "presenter",
                self.presenter.value.to_string(),
                self.presenter.source,
            ),
            ("copy", self.copy.value.name().to_string(), self.copy.source),
        ];
        for (key, value, source) in rows {
            let source = source.text(lang);
            let pad = " ".repeat(14usize.saturating_sub(mmap_lab_engine::lesson::width(source)));
            let _ = writeln!(
                out,
                "  {key:<10} {value:<9} {source}{pad} [{}]",
                accepted(key)
            );
        }
        let _ = writeln!(out, "\n{}{colon}", t(S::CfgExample, lang));
        let _ = writeln!(
            out,
            "  lang = \"zh\"\n  theme = \"light\"\n  ascii = true\n  mouse = false\n  presenter = false\n  copy = \"markdown\""
        );
        out
    }
}

/// The keys and values of the file, each with `path:line`; problems for what cannot be read.
fn read_file(shown: &str, text: &str, problems: &mut Vec<Problem>) -> Raw {
    let line_of = crate::input::line_numbers(text);
    let table: BTreeMap<String, toml::Spanned<toml::Value>> = match toml::from_str(text) {
        Ok(t) => t,
        Err(err) => {
            let line = err.span().map_or(1, |s| line_of(s.start));
            let why = err.message().lines().next().unwrap_or_default().to_string();
            problems.push(Problem::Unreadable {
                place: format!("{shown}:{line}"),
                why,
            });
            return Raw::new();
        }
    };
    let mut raw = Raw::new();
    for (key, value) in table {
        let place = format!("{shown}:{}", line_of(value.span().start));
        let Some(&known) = KEYS.iter().find(|k| **k == key) else {
            problems.push(Problem::UnknownKey { place, key });
            continue;
        };
        // Strings and booleans as the user would type them on the command line.
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        raw.insert(known, (place, text));
    }
    raw
}

/// Whether `value` is accepted for `key`.
fn valid(key: &str, value: &str) -> bool {
    match key {
        "lang" => matches!(value, "en" | "zh"),
        "theme" => theme(value).is_some(),
        "copy" => matches!(value, "markdown" | "text"),
        _ => boolean(value).is_some(),
    }
}

fn theme(value: &str) -> Option<ThemeName> {
    match value {
        "dark" => Some(ThemeName::Dark),
        "light" => Some(ThemeName::Light),
        "mono" => Some(ThemeName::Mono),
        _ => None,
    }
}

/// The theme's name in the file.
pub fn theme_name(theme: ThemeName) -> &'static str {
    match theme {
        ThemeName::Dark => "dark",
        ThemeName::Light => "light",
        ThemeName::Mono => "mono",
    }
}

/// `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`: what people write in an environment variable.
fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(file: &str, env: &[(&str, &str)]) -> Config {
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Config::merge(
            &Flags::default(),
            Some(PathBuf::from("/home/s/.config/mmap-lab/config.toml")),
            Some(file),
            &env,
            None,
        )
    }

    #[test]
    fn the_file_sets_every_key() {
        let c = merge(
            "lang = \"zh\"\ntheme = \"light\"\nascii = true\nmouse = true\npresenter = true\ncopy = \"text\"\n",
            &[],
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.lang.value, Lang::Zh);
        assert_eq!(c.theme.value, Some(ThemeName::Light));
        assert!(c.ascii.value && c.mouse.value && c.presenter.value);
        assert_eq!(c.copy.value, CopyFormat::Text);
        assert_eq!(c.lang.source, Source::File);
    }

    #[test]
    fn the_command_line_wins_over_the_environment_which_wins_over_the_file() {
        let c = merge(
            "lang = \"en\"\ntheme = \"light\"\n",
            &[("MMAP_LAB_LANG", "zh")],
        );
        assert_eq!(
            (c.lang.value, c.lang.source),
            (Lang::Zh, Source::Environment)
        );
        assert_eq!(c.theme.source, Source::File);
        let flags = Flags {
            lang: Some(Lang::En),
            ..Flags::default()
        };
        let env = vec![("MMAP_LAB_LANG", "zh".to_string())];
        let c = Config::merge(&flags, None, Some("lang = \"zh\""), &env, None);
        assert_eq!(
            (c.lang.value, c.lang.source),
            (Lang::En, Source::CommandLine)
        );
    }

    #[test]
    fn a_bad_value_names_the_file_and_line_and_falls_back() {
        let c = merge("lang = \"zh\"\n\ntheme = \"purple\"\n", &[]);
        assert_eq!(c.theme.value, None);
        assert_eq!(c.lang.value, Lang::Zh, "the good keys still count");
        let line = c.problems[0].text(Lang::En);
        assert!(line.contains("config.toml:3"), "{line}");
        assert!(
            line.contains("purple") && line.contains("dark, light, mono"),
            "{line}"
        );
    }

    #[test]
    fn a_bad_environment_value_falls_back_to_the_file() {
        let c = merge("ascii = true", &[("MMAP_LAB_ASCII", "maybe")]);
        assert!(c.ascii.value);
        assert_eq!(c.ascii.source, Source::File);
        assert!(c.problems[0].text(Lang::En).contains("MMAP_LAB_ASCII"));
    }

    #[test]
    fn a_file_that_is_not_toml_gives_the_defaults() {
        let c = merge("lang = \"zh\"\ntheme = \n", &[]);
        assert_eq!(c.lang.value, Lang::En);
        let line = c.problems[0].text(Lang::Zh);
        assert!(line.contains("config.toml:2"), "{line}");
        assert!(line.contains("TOML"), "{line}");
    }

    #[test]
    fn an_unknown_key_gets_a_suggestion() {
        let c = merge("thme = \"dark\"", &[]);
        let line = c.problems[0].text(Lang::En);
        assert!(line.contains("`theme`"), "{line}");
    }

    #[test]
    fn the_path_follows_xdg() {
        assert_eq!(
            path_from(Some("/x"), Some("/home/s")),
            Some(PathBuf::from("/x/mmap-lab/config.toml"))
        );
        assert_eq!(
            path_from(Some("relative"), Some("/home/s")),
            Some(PathBuf::from("/home/s/.config/mmap-lab/config.toml"))
        );
        assert_eq!(path_from(None, None), None);
    }
}
