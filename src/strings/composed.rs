//! Messages composed of rows of the table (through [`t`]) and the values of one case: a refused
//! size, a bad `--set`, a bad setting, a held process.

use mmap_lab_engine::params::{Key, ParamError};
use mmap_lab_engine::Lang;

use super::{t, S};

/// The processes of a stepped run held at a stop, for the header: `/proc/1234/`, and for two
/// `/proc/1234/ · child /proc/1235/`.
pub fn held_pids(pids: &[(mmap_lab_engine::engine::Side, i32)], lang: Lang) -> String {
    pids.iter()
        .map(|(side, pid)| match side {
            mmap_lab_engine::engine::Side::Child => {
                format!("{} /proc/{pid}/", t(S::Child, lang))
            }
            _ => format!("/proc/{pid}/"),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A run still going: `running 1.2 s`.
pub fn running_for(elapsed_ms: u128, lang: Lang) -> String {
    let secs = elapsed_ms as f64 / 1000.0;
    format!("{} {secs:.1} s", t(S::Running, lang))
}

/// Which run of a repeated experiment goes on: `run 37 of 1000`.
pub fn run_of(run: u32, of: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("run {run} of {of}"),
        Lang::Zh => format!("第 {run} 次运行，共 {of} 次"),
    }
}

/// Why a size is refused (the limit on what an experiment may take at once).
pub fn too_large(big: &mmap_lab_engine::bounds::TooLarge, lang: Lang) -> String {
    let text = match big.flag {
        Some(_) => t(S::TooLargeWith, lang),
        None => t(S::TooLargeCopy, lang),
    };
    let size =
        crate::units::bytes_text(big.value.into()).unwrap_or_else(|| format!("{} B", big.value));
    text.replace("{key}", big.key.name())
        .replace("{value}", &big.value.to_string())
        .replace("{size}", &size)
        .replace("{flag}", big.flag.unwrap_or_default())
}

/// A bad `--set`, explained in `lang`.
pub fn param_error(err: &ParamError, lang: Lang) -> String {
    param_error_with(err, None, lang)
}

/// [`param_error`] with a "did you mean" for `suggestion` (a key, or a whole `KEY=VALUE`),
/// placed right after what was wrong, before the list of what is accepted.
pub fn param_error_with(err: &ParamError, suggestion: Option<&str>, lang: Lang) -> String {
    let hint = suggestion.map_or_else(String::new, |s| format!("{} ", did_you_mean(s, lang)));
    match err {
        ParamError::NotKeyValue(text) => format!("{} `{text}`", t(S::NotKeyValue, lang)),
        ParamError::UnknownKey { key, known } => {
            format!(
                "{} `{key}`; {hint}{}: {known}",
                t(S::UnknownKey, lang),
                t(S::Accepted, lang)
            )
        }
        ParamError::NotAccepted {
            scenario,
            key,
            accepted,
        } => match lang {
            Lang::En => format!(
                "scenario `{scenario}` does not take `{key}`; {hint}{}: {accepted}",
                t(S::ScenarioTakes, lang)
            ),
            Lang::Zh => format!(
                "场景 `{scenario}` 不接受参数 `{key}`；{hint}{}：{accepted}",
                t(S::ScenarioTakes, lang)
            ),
        },
        ParamError::BadValue {
            key,
            value,
            expected,
        } => {
            let expected =
                Key::from_name(key).map_or_else(|| expected.clone(), |k| k.expected_in(lang));
            let hint = hint.trim_end();
            match lang {
                Lang::En if hint.is_empty() => {
                    format!("bad value `{value}` for `{key}`: expected {expected}")
                }
                Lang::En => format!("bad value `{value}` for `{key}`: {hint} expected {expected}"),
                Lang::Zh if hint.is_empty() => {
                    format!("参数 `{key}` 的值 `{value}` 无效：应为{expected}")
                }
                Lang::Zh => format!("参数 `{key}` 的值 `{value}` 无效：{hint}应为{expected}"),
            }
        }
    }
}

/// `did you mean `x`?` after a message about something unknown.
pub fn did_you_mean(candidate: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} `{candidate}`?", t(S::DidYouMean, lang)),
        Lang::Zh => format!("{} `{candidate}`？", t(S::DidYouMean, lang)),
    }
}

/// A lab-only option given to a subcommand: `--theme only applies to the interactive lab …`;
/// `also`, the one subcommand that takes it too (`run --ascii`, `progress --state`).
pub fn only_in_lab(flag: &str, command: &str, also: Option<&str>, lang: Lang) -> String {
    let what = match also {
        Some(other) => t(S::OnlyInLabOr, lang).replace("{command}", other),
        None => t(S::OnlyInLab, lang).to_string(),
    };
    match lang {
        Lang::En => format!("`{flag}` is not an option of `{command}`: it {what}"),
        Lang::Zh => format!("`{flag}` 不是 `{command}` 的选项：它{what}"),
    }
}

/// A bad setting, in one line: where it is (`file:line`, or the environment variable), what
/// was found, what is accepted, and that the default is used instead.
pub fn bad_setting(place: &str, key: &str, value: &str, accepted: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{place}: {} `{value}` for `{key}`; {}: {accepted}; {}",
            t(S::CfgBadValue, lang),
            t(S::Accepted, lang),
            t(S::CfgUsingDefault, lang)
        ),
        Lang::Zh => format!(
            "{place}：`{key}` 的值 `{value}` 无效；{}：{accepted}；{}",
            t(S::Accepted, lang),
            t(S::CfgUsingDefault, lang)
        ),
    }
}

/// A key the configuration file does not know, with the keys it does.
pub fn unknown_setting(
    place: &str,
    key: &str,
    known: &str,
    hint: Option<String>,
    lang: Lang,
) -> String {
    let hint = hint.map_or_else(String::new, |h| lang.pick(format!(" {h}"), h));
    match lang {
        Lang::En => format!(
            "{place}: {} `{key}`;{hint} {}: {known}",
            t(S::CfgUnknownKey, lang),
            t(S::Accepted, lang)
        ),
        Lang::Zh => format!(
            "{place}：{} `{key}`；{hint}{}：{known}",
            t(S::CfgUnknownKey, lang),
            t(S::Accepted, lang)
        ),
    }
}

/// A configuration file that is not TOML: where, what the parser said, and that every
/// setting falls back to its default.
pub fn unreadable_config(place: &str, why: &str, lang: Lang) -> String {
    let sep = lang.pick(": ", "：");
    let semi = lang.pick("; ", "；");
    format!(
        "{place}{sep}{}{sep}{why}{semi}{}",
        t(S::CfgUnreadable, lang),
        t(S::CfgUsingDefaults, lang)
    )
}

/// How many more problems of the configuration were not printed.
pub fn more_problems(n: usize, path: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} more problems in {path} not shown"),
        Lang::Zh => format!("{path} 中还有 {n} 个问题未显示"),
    }
}

/// The configuration file could not be read at all.
pub fn config_not_read(place: &str, why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{place}: not read ({why}); using the defaults"),
        Lang::Zh => format!("{place}：未读取（{why}）；全部改用默认值"),
    }
}
