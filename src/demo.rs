//! Demos prepared in advance: `mmap-lab --demo FILE|NAME` loads a TOML playlist,
//! an ordered list of steps, each a scenario, its settings and an optional note for the
//! instructor. Everything is checked before the screen opens: a playlist with an unknown
//! scenario, key or value is refused with the file, the line and what is accepted.
//!
//! ```toml
//! title = "mmap in 15 minutes"
//!
//! [[step]]
//! scenario = "unaligned-offset"      # an id or a lesson number
//! set = ["offset={page}"]            # as `run --set` takes them; {page}, {2*page}…
//! note = "Ask first: does any multiple of the page size work?"
//! ```

use crate::strings::{self, C};
use mmap_lab_engine::{Lang, Params, Scenario};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The playlists shipped with the lab, by name: found by `--demo NAME` wherever the lab is
/// installed, since they are compiled in.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "course-notes",
        include_str!("../assets/demos/course-notes.toml"),
    ),
    (
        "course-notes-en",
        include_str!("../assets/demos/course-notes-en.toml"),
    ),
];

/// One step of a demo, checked.
#[derive(Debug, Clone)]
pub struct Step {
    /// The scenario.
    pub scenario: &'static Scenario,
    /// Its parameters: the defaults with the step's settings applied.
    pub params: Params,
    /// The settings as written.
    pub sets: Vec<String>,
    /// The instructor's note.
    pub note: Option<String>,
}

/// A checked playlist.
#[derive(Debug, Clone)]
pub struct Playlist {
    /// Where it came from (a path, or a shipped name).
    pub source: String,
    /// Its title.
    pub title: Option<String>,
    /// The steps, at least one.
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaylist {
    title: Option<String>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    scenario: Spanned<toml::Value>,
    #[serde(default)]
    set: Vec<Spanned<String>>,
    note: Option<String>,
}

/// Find the playlist `arg` (a file, else a shipped name) and check it; the error is one
/// line (`file:line: what; what is accepted`).
pub fn load(arg: &str, page: u64, lang: Lang) -> Result<Playlist, String> {
    // A path that exists is read as a file, with limits: a FIFO, a device or a file over
    // the cap is one message, never a hang or all memory.
    let shipped = SHIPPED.iter().any(|(n, _)| *n == arg);
    if std::fs::symlink_metadata(arg).is_ok() && (!shipped || Path::new(arg).is_file()) {
        let text = crate::input::read_text(Path::new(arg))
            .map_err(|why| format!("{arg}: {}", why.text(lang)))?;
        return parse(arg, &text, page, lang);
    }
    if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == arg) {
        return parse(name, text, page, lang);
    }
    let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
    Err(strings::no_playlist(arg, &names.join(", "), lang))
}

/// Check a playlist's text; `source` names it in messages.
pub fn parse(source: &str, text: &str, page: u64, lang: Lang) -> Result<Playlist, String> {
    let line_of = crate::input::line_numbers(text);
    let raw: RawPlaylist = toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |s| line_of(s.start));
        let why = err.message().lines().next().unwrap_or_default().to_string();
        format!(
            "{source}:{line}: {why}{}{}",
            lang.pick("; ", "；"),
            C::PlaylistAccepts.get(lang)
        )
    })?;
    if raw.step.is_empty() {
        return Err(format!(
            "{source}:1: {}{}{}",
            C::PlaylistEmpty.get(lang),
            lang.pick("; ", "；"),
            C::PlaylistAccepts.get(lang)
        ));
    }
    let mut steps = Vec::new();
    for step in raw.step {
        let step = step.into_inner();
        let at = line_of(step.scenario.span().start);
        let id = match step.scenario.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            other => other.to_string(),
        };
        let Some(scenario) = crate::cli::find(&id) else {
            let known: Vec<&str> = mmap_lab_engine::catalog::all()
                .iter()
                .map(|s| s.id)
                .collect();
            return Err(format!(
                "{source}:{at}: {}",
                strings::playlist_unknown_scenario(&id, &known.join(", "), lang)
            ));
        };
        let mut params = (scenario.defaults)(page);
        let mut sets = Vec::new();
        for set in step.set {
            let at = line_of(set.span().start);
            // `{page}`, `{2*page}`…: a playlist means pages, whatever the machine's size.
            let set = mmap_lab_engine::variant::substitute(&set.into_inner(), page);
            if let Err(err) = mmap_lab_engine::session::apply(scenario, &mut params, &set) {
                let hint = crate::suggest::for_param_error(&err);
                return Err(format!(
                    "{source}:{at}: {}",
                    strings::param_error_with(&err, hint.as_deref(), lang)
                ));
            }
            sets.push(set);
        }
        steps.push(Step {
            scenario,
            params,
            sets,
            note: step.note,
        });
    }
    Ok(Playlist {
        source: source.to_string(),
        title: raw.title,
        steps,
    })
}

/// `--scenario ID --set K=V …` for the lab: the same rules and messages as `run --set`.
pub fn lab_params(scenario: &Scenario, sets: &[String], lang: Lang) -> Result<Params, String> {
    mmap_lab_engine::prepare(scenario, sets).map_err(|err| {
        let hint = crate::suggest::for_param_error(&err);
        format!(
            "{}: {}",
            strings::t(strings::S::BadSet, lang),
            strings::param_error_with(&err, hint.as_deref(), lang)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_playlists_load_and_every_step_is_accepted() {
        for (name, _) in SHIPPED {
            let p = load(name, 4096, Lang::En).unwrap_or_else(|e| panic!("{e}"));
            assert!(p.steps.len() >= 9, "{name}");
        }
        let zh = load("course-notes", 4096, Lang::Zh).unwrap();
        assert!(zh.steps.iter().all(|s| s
            .note
            .as_deref()
            .is_some_and(|n| n.chars().any(mmap_lab_engine::lesson::is_wide))));
    }

    #[test]
    fn a_bad_playlist_names_the_file_the_line_and_what_is_accepted() {
        let bad_key = "[[step]]\nscenario = \"zero-length\"\nset = [\"lenght=1\"]\n";
        let err = parse("demo.toml", bad_key, 4096, Lang::En).unwrap_err();
        assert!(err.starts_with("demo.toml:3:"), "{err}");
        assert!(err.contains("lenght"), "{err}");
        let bad_scenario = "[[step]]\n\nscenario = \"zero-lenght\"\n";
        let err = parse("demo.toml", bad_scenario, 4096, Lang::En).unwrap_err();
        assert!(
            err.starts_with("demo.toml:3:") && err.contains("zero-length"),
            "{err}"
        );
        let bad_field = "[[step]]\nscenario = 4\nsettings = []\n";
        let err = parse("demo.toml", bad_field, 4096, Lang::Zh).unwrap_err();
        assert!(err.starts_with("demo.toml:"), "{err}");
        assert!(err.contains("scenario"), "{err}");
        let bad_value = "[[step]]\nscenario = 3\nset = [\"offset=12x\"]\n";
        let err = parse("d.toml", bad_value, 4096, Lang::En).unwrap_err();
        assert!(err.starts_with("d.toml:3:") && err.contains("12x"), "{err}");
        assert!(parse("d.toml", "title = \"x\"\n", 4096, Lang::En).is_err());
    }
}
