//! Demos prepared in advance: `mmap-lab --demo FILE|NAME` loads a TOML playlist,
//! an ordered list of steps, each a scenario, its settings, an optional note for the
//! instructor (shown before the run: it asks) and an optional `after` note (shown once the
//! step's parameters have run: it answers). Everything is checked before the screen opens: a playlist with an unknown
//! scenario, key or value is refused with the file, the line and what is accepted.
//!
//! ```toml
//! title = "mmap in 15 minutes"
//!
//! [[step]]
//! scenario = "unaligned-offset"      # an id or a lesson number
//! set = ["offset={page}"]            # as `run --set` takes them; {page}, {2*page}…
//! note = "Ask first: does any multiple of the page size work?"
//! after = "It does: the offset must be a multiple of the page size."
//! ```

use crate::strings::{self, C};
use mmap_lab_engine::{Lang, Params, Scenario};
use serde::Deserialize;
use std::collections::BTreeMap;
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
    /// The instructor's note, shown before the run: it asks, it does not tell.
    pub note: Option<String>,
    /// The note shown once the step's parameters have run: the answer.
    pub after: Option<String>,
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
    after: Option<String>,
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

/// The playlist format as `--help` shows it at `width` columns: a heading, a sentence
/// (wrapped: clap breaks lines at ASCII spaces only), then an example, each key under its
/// comment.
pub fn format_help(lang: Lang, width: usize) -> String {
    let format = C::PlaylistFormat.get(lang);
    let (intro, example) = format.split_once("\n\n").unwrap_or((format, ""));
    format!(
        "{}{}\n{}\n\n{example}",
        C::PlaylistHeading.get(lang),
        lang.pick(":", "："),
        crate::report::wrap_text(intro, width.max(20), 0).trim_end()
    )
}

/// The keys of a playlist and of its steps.
const PLAYLIST_KEYS: [&str; 2] = ["title", "step"];
const STEP_KEYS: [&str; 4] = ["scenario", "set", "note", "after"];

/// A table with each value's place in the text.
type SpannedTable = BTreeMap<String, Spanned<toml::Value>>;

/// Only the steps, each a table with its values' places (the rest of the file is checked
/// apart).
#[derive(Deserialize)]
struct StepTables {
    #[serde(default)]
    step: Vec<Spanned<SpannedTable>>,
}

/// Check the playlist's structure before its contents: not TOML, an unknown key, a step
/// without a scenario, a value of the wrong kind. Each is said in the user's language with
/// its line (serde's own messages are English).
fn check_structure(source: &str, text: &str, lang: Lang) -> Result<(), String> {
    let line_of = crate::input::line_numbers(text);
    let fail = |at: usize, fault: strings::PlaylistFault<'_>, accepts: bool| {
        let tail = if accepts {
            format!("{}{}", lang.pick("; ", "；"), C::PlaylistAccepts.get(lang))
        } else {
            String::new()
        };
        Err(format!(
            "{source}:{}: {}{tail}",
            line_of(at),
            strings::playlist_fault(fault, lang)
        ))
    };
    let top: SpannedTable = match toml::from_str(text) {
        Ok(top) => top,
        Err(err) => {
            let at = err.span().map_or(0, |s| s.start);
            return fail(at, strings::PlaylistFault::NotToml, false);
        }
    };
    for (key, value) in &top {
        let at = value.span().start;
        if !PLAYLIST_KEYS.contains(&key.as_str()) {
            let key = key.as_str();
            return fail(
                at,
                strings::PlaylistFault::UnknownKey {
                    key,
                    in_step: false,
                },
                false,
            );
        }
        let fits = match (key.as_str(), value.get_ref()) {
            ("title", v) => v.is_str(),
            (_, toml::Value::Array(steps)) => steps.iter().all(toml::Value::is_table),
            _ => false,
        };
        if !fits {
            return fail(at, strings::PlaylistFault::WrongType(key), true);
        }
    }
    let Ok(tables) = toml::from_str::<StepTables>(text) else {
        // The shape was checked above: what is left is the typed parse's to say.
        return Ok(());
    };
    for step in &tables.step {
        let table = step.get_ref();
        for (key, value) in table {
            let at = value.span().start;
            if !STEP_KEYS.contains(&key.as_str()) {
                let key = key.as_str();
                return fail(
                    at,
                    strings::PlaylistFault::UnknownKey { key, in_step: true },
                    false,
                );
            }
            let fits = match (key.as_str(), value.get_ref()) {
                ("scenario", v) => v.is_str() || v.is_integer(),
                ("set", toml::Value::Array(sets)) => sets.iter().all(toml::Value::is_str),
                ("set", _) => false,
                (_, v) => v.is_str(),
            };
            if !fits {
                return fail(at, strings::PlaylistFault::WrongType(key), true);
            }
        }
        if !table.contains_key("scenario") {
            return fail(step.span().start, strings::PlaylistFault::NoScenario, false);
        }
    }
    Ok(())
}

/// Check a playlist's text; `source` names it in messages.
pub fn parse(source: &str, text: &str, page: u64, lang: Lang) -> Result<Playlist, String> {
    let line_of = crate::input::line_numbers(text);
    check_structure(source, text, lang)?;
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
            after: step.after,
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

    /// A playlist's structural faults (not TOML, a missing or unknown field, a value of the
    /// wrong kind) are said in the user's language with their line, never in the TOML
    /// parser's English.
    #[test]
    fn structural_faults_are_said_in_the_users_language() {
        let cases = [
            ("title = \"x\n[[step]]\nscenario = 3\n", 1, "TOML"),
            ("title = \"x\"\n\n[[step]]\nnote = \"hi\"\n", 3, "scenario"),
            ("[[step]]\nscenario = 3\nsettings = []\n", 3, "settings"),
            ("titel = \"x\"\n[[step]]\nscenario = 3\n", 1, "titel"),
            ("[[step]]\nscenario = 3\nset = \"offset=0\"\n", 3, "set"),
            ("[[step]]\nscenario = 3\nnote = 4\n", 3, "note"),
            ("[step]\nscenario = 3\n", 1, "step"),
        ];
        // What serde and the TOML parser say in English.
        let english = [
            "missing field",
            "unknown field",
            "expected",
            "invalid",
            "TOML parse",
        ];
        for (text, line, names) in cases {
            for lang in [Lang::En, Lang::Zh] {
                let err = parse("d.toml", text, 4096, lang).unwrap_err();
                assert!(
                    err.starts_with(&format!("d.toml:{line}: ")),
                    "{text:?}: {err}"
                );
                assert!(err.contains(names), "{text:?}: {err}");
                if lang == Lang::Zh {
                    assert!(
                        err.chars().any(mmap_lab_engine::lesson::is_wide),
                        "{text:?}: {err}"
                    );
                    for e in english {
                        assert!(!err.contains(e), "{text:?}: {err}");
                    }
                }
            }
        }
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

    /// The words that give away what a run of `params` answered: its errno's name, its signal's
    /// name, or OK (正常 in Chinese). Computed from a real run, never from a table.
    fn answer_words(
        scenario: &'static mmap_lab_engine::Scenario,
        params: &mmap_lab_engine::Params,
    ) -> Vec<String> {
        let record = mmap_lab_engine::run_scenario(scenario, params)
            .unwrap_or_else(|e| panic!("{}: the run failed: {e:?}", scenario.id));
        match &record.run.outcome {
            mmap_lab_engine::Outcome::Ok => vec!["OK".into(), "正常".into()],
            mmap_lab_engine::Outcome::Errno { errno, .. } => vec![format!("{errno:?}")],
            mmap_lab_engine::Outcome::Signal { signal, .. } => signal
                .known()
                .map(|s| vec![s.as_str().to_string()])
                .unwrap_or_default(),
            other => panic!(
                "{}: an outcome no text should predict: {other:?}",
                scenario.id
            ),
        }
    }

    /// Where `text` says `word`: as a word of its own for Latin words (`O_RDONLY` is not `OK`,
    /// `EINVALID` not `EINVAL`), anywhere for Chinese ones.
    fn says(text: &str, word: &str) -> bool {
        if !word.is_ascii() {
            return text.contains(word);
        }
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        text.match_indices(word).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
    }

    #[test]
    fn says_finds_whole_words_only() {
        assert!(says("返回 EINVAL。", "EINVAL"));
        assert!(says("OK: it works", "OK"));
        assert!(!says("O_RDONLY, OKAY", "OK"));
        assert!(!says("SIGBUSY", "SIGBUS"));
        assert!(says("一切正常", "正常"));
    }

    /// Nothing is told before it happens: a playlist's `note` is on screen before the class
    /// votes, and a lesson's question section before the first run, so neither may name what
    /// that step's run answers (its errno, its signal, OK / 正常). The answer belongs in the
    /// step's `after` note and the lesson's later sections. Each step and each scenario's
    /// defaults is run for real to know its answer.
    #[test]
    fn no_note_and_no_lesson_question_names_its_own_runs_answer() {
        let page = mmap_lab_engine::engine::page_size();
        let mut answers: Vec<(&'static str, mmap_lab_engine::Params, Vec<String>)> = Vec::new();
        let mut answer = |scenario: &'static mmap_lab_engine::Scenario,
                          params: &mmap_lab_engine::Params| {
            if let Some((_, _, words)) = answers
                .iter()
                .find(|(id, p, _)| *id == scenario.id && p == params)
            {
                return words.clone();
            }
            let words = answer_words(scenario, params);
            answers.push((scenario.id, params.clone(), words.clone()));
            words
        };
        let mut spoilers = Vec::new();
        let mut checked = 0;
        for (name, lang) in [("course-notes", Lang::Zh), ("course-notes-en", Lang::En)] {
            let playlist = load(name, page, lang).unwrap();
            for (i, step) in playlist.steps.iter().enumerate() {
                let note = step.note.as_deref().unwrap_or_default();
                assert!(!note.is_empty(), "{name} step {}: a step asks", i + 1);
                assert!(
                    step.after.is_some(),
                    "{name} step {}: the answer is in `after`",
                    i + 1
                );
                for word in answer(step.scenario, &step.params) {
                    if says(note, &word) {
                        spoilers.push(format!("{name} step {}: {word} in {note:?}", i + 1));
                    }
                }
                checked += 1;
            }
        }
        for scenario in mmap_lab_engine::catalog::all() {
            let words = answer(scenario, &(scenario.defaults)(page));
            for lang in [Lang::En, Lang::Zh] {
                let lesson = scenario.lesson(lang);
                let (_, question) = lesson.sections.first().expect("a question section");
                for word in &words {
                    if says(question, word) {
                        spoilers.push(format!("{} ({lang:?}) question: {word}", scenario.id));
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
        assert!(
            spoilers.is_empty(),
            "answers told before the run:\n{}",
            spoilers.join("\n")
        );
    }

    /// The shipped playlists follow the course notes' nine questions in order, with the
    /// variants a class compares: length 0 and 4096, `close_fd` true and false, MAP_SHARED and
    /// MAP_PRIVATE for questions 2 and 9.
    #[test]
    fn the_shipped_playlists_follow_the_nine_questions_with_their_variants() {
        let page = mmap_lab_engine::engine::page_size();
        // The catalogue's first nine scenarios are the course notes' nine questions, in order.
        let order = &mmap_lab_engine::catalog::ORDER[..9];
        for name in ["course-notes", "course-notes-en"] {
            let playlist = load(name, page, Lang::En).unwrap();
            // Each question's first step comes in the notes' order.
            let mut firsts: Vec<&str> = Vec::new();
            for s in &playlist.steps {
                if !firsts.contains(&s.scenario.id) {
                    firsts.push(s.scenario.id);
                }
            }
            assert_eq!(firsts, order, "{name}");
            let has = |id: &str, pred: &dyn Fn(&mmap_lab_engine::Params) -> bool| {
                playlist
                    .steps
                    .iter()
                    .any(|s| s.scenario.id == id && pred(&s.params))
            };
            assert!(has("zero-length", &|p| p.length == 0), "{name}");
            assert!(has("zero-length", &|p| p.length == 4096), "{name}");
            assert!(has("close-after-mmap", &|p| p.close_fd), "{name}");
            assert!(has("close-after-mmap", &|p| !p.close_fd), "{name}");
            for id in ["rdonly-prot-write", "anonymous-ipc"] {
                let shared = |p: &mmap_lab_engine::Params| p.flags & libc_map::SHARED != 0;
                assert!(has(id, &shared), "{name}: {id} MAP_SHARED");
                assert!(has(id, &|p| !shared(p)), "{name}: {id} MAP_PRIVATE");
            }
        }
    }

    mod libc_map {
        /// MAP_SHARED's bit, as Linux defines it.
        pub const SHARED: i32 = 0x01;
    }
}
