//! Progress that lasts (issue 10): the state file, `$XDG_STATE_HOME/mmap-lab/state.json`
//! (default `~/.local/state/mmap-lab/state.json`), overridden by `--state FILE` or
//! `MMAP_LAB_STATE`, off with `--no-state`.
//!
//! Writes are atomic: the whole file goes to a temporary file beside it, then a rename puts
//! it in place, so a crash or a second lab never leaves half a file (two labs open at once:
//! the last writer wins, with a whole file). A file that cannot be used (unreadable, not JSON,
//! from a newer version, a directory) is never overwritten unseen: it is copied to a backup
//! first, the lab says so in one line and starts fresh; when not even a backup can be made,
//! the lab does not write at all.

use crate::strings::{self, C};
use crate::tui::course::Track;
use scenarios::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The version this program writes; a file with a greater one is from a newer lab.
pub const VERSION: u32 = 1;

/// The environment variable naming the state file.
pub const ENV: &str = "MMAP_LAB_STATE";

/// Everything the lab remembers between sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The format's version ([`VERSION`]).
    pub version: u32,
    /// The scenario the lab was on when it closed.
    #[serde(default)]
    pub last_scenario: Option<String>,
    /// The language, `en` or `zh`.
    #[serde(default)]
    pub lang: Option<String>,
    /// The theme, `dark`, `light` or `mono`.
    #[serde(default)]
    pub theme: Option<String>,
    /// Each scenario's track, by id.
    #[serde(default)]
    pub scenarios: BTreeMap<String, Track>,
}

impl Default for State {
    fn default() -> State {
        State {
            version: VERSION,
            last_scenario: None,
            lang: None,
            theme: None,
            scenarios: BTreeMap::new(),
        }
    }
}

/// Why a state file was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// It could not be read (a directory, no permission).
    Unreadable(String),
    /// It is not a state file (empty, garbage, truncated JSON).
    Corrupt(String),
    /// A newer lab wrote it.
    Newer(u32),
}

/// A state file that was set aside: what was wrong, and where its copy went (none when not
/// even a copy could be made; then the lab does not write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The file.
    pub path: PathBuf,
    /// What was wrong with it.
    pub problem: Problem,
    /// Its backup copy.
    pub backup: Option<PathBuf>,
}

impl SetAside {
    /// The one line that says so.
    pub fn message(&self, lang: Lang) -> String {
        strings::state_set_aside(
            &self.path.display().to_string(),
            &match &self.problem {
                Problem::Unreadable(why) | Problem::Corrupt(why) => why.clone(),
                Problem::Newer(v) => strings::state_newer(*v, VERSION, lang),
            },
            self.backup
                .as_ref()
                .map(|b| b.display().to_string())
                .as_deref(),
            lang,
        )
    }
}

/// Where the state lives, and whether the lab may write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// The file.
    pub path: PathBuf,
    /// False after a file that could not even be backed up: never overwrite it.
    pub writable: bool,
}

/// The state file's path from `--state`, `--no-state` and the environment: `None` when the
/// state is off (or no home directory is known).
pub fn path(flag: Option<&Path>, no_state: bool) -> Option<PathBuf> {
    if no_state {
        return None;
    }
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var(ENV) {
        return Some(PathBuf::from(p));
    }
    let dir = var("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(dir.join("mmap-lab").join("state.json"))
}

impl Store {
    /// A store at `path`.
    pub fn at(path: PathBuf) -> Store {
        Store {
            path,
            writable: true,
        }
    }

    /// Read the state: a missing file is a fresh start; an unusable one is backed up and set
    /// aside (the second value says so).
    pub fn load(&mut self) -> (State, Option<SetAside>) {
        let problem = match std::fs::read(&self.path) {
            Ok(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(value) => {
                    let version = value.get("version").and_then(|v| v.as_u64());
                    match version {
                        Some(v) if v > u64::from(VERSION) => {
                            Problem::Newer(u32::try_from(v).unwrap_or(u32::MAX))
                        }
                        _ => match serde_json::from_value::<State>(value) {
                            Ok(state) => return (state, None),
                            Err(err) => Problem::Corrupt(err.to_string()),
                        },
                    }
                }
                Err(err) => Problem::Corrupt(err.to_string()),
            },
            Err(err) if err.kind() == io::ErrorKind::NotFound => return (State::default(), None),
            Err(err) => Problem::Unreadable(err.to_string()),
        };
        let backup = self.backup();
        if backup.is_none() {
            self.writable = false;
        }
        let aside = SetAside {
            path: self.path.clone(),
            problem,
            backup,
        };
        (State::default(), Some(aside))
    }

    /// Copy the file beside itself, `state.json.bak-SECONDS`: `None` when it cannot be read
    /// (or the copy cannot be written).
    fn backup(&self) -> Option<PathBuf> {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut name = self.path.file_name()?.to_os_string();
        name.push(format!(".bak-{secs}"));
        let to = self.path.with_file_name(name);
        // A directory "copies" as an error: nothing to back up, and nothing may replace it.
        std::fs::copy(&self.path, &to).ok()?;
        Some(to)
    }

    /// Write the whole state: a temporary file in the same directory, then a rename.
    pub fn save(&self, state: &State) -> io::Result<()> {
        if !self.writable {
            return Ok(());
        }
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)?;
        let text = serde_json::to_string_pretty(state).map_err(io::Error::other)? + "\n";
        // Unique per process and per write: two labs never share a temporary file.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!(".state.tmp-{}-{nanos}", std::process::id()));
        let written = (|| {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

/// `mmap-lab progress [--json]`: each scenario's progress.
pub fn print(store: Option<Store>, json: bool, lang: Lang) -> std::process::ExitCode {
    let Some(mut store) = store else {
        crate::output::err_line(&format!("mmap-lab: {}", C::StateOff.get(lang)));
        return std::process::ExitCode::from(crate::cli::USAGE);
    };
    let (state, aside) = store.load();
    if let Some(a) = &aside {
        crate::output::err_line(&format!("mmap-lab: {}", a.message(lang)));
    }
    let all = scenarios::catalog::all();
    let mut text = String::new();
    if json {
        let items: Vec<serde_json::Value> = all
            .iter()
            .map(|s| {
                let track = state.scenarios.get(s.id).cloned().unwrap_or_default();
                let n = s.variants.len();
                serde_json::json!({
                    "id": s.id,
                    "order": s.order(),
                    "stage": stage_name(track.stage(n)),
                    "runs": track.runs,
                    "default_done": track.default_done,
                    "variants_done": (0..n).filter(|i| track.variant_done(*i)).count(),
                    "variants": n,
                    "predictions_right": track.right,
                    "predictions_wrong": track.wrong,
                    "last_params": track.last_params,
                })
            })
            .collect();
        let out = crate::schema::stamp(serde_json::json!({
            "state_file": store.path.display().to_string(),
            "last_scenario": state.last_scenario,
            "scenarios": items,
        }));
        text = format!("{out:#}\n");
    } else {
        text.push_str(&strings::state_file_line(
            &store.path.display().to_string(),
            lang,
        ));
        text.push('\n');
        let (mut done, mut right, mut total) = (0, 0, 0);
        for s in &all {
            let track = state.scenarios.get(s.id).cloned().unwrap_or_default();
            let n = s.variants.len();
            let stage = track.stage(n);
            if stage == crate::tui::course::Stage::Done {
                done += 1;
            }
            right += track.right;
            total += track.right + track.wrong;
            let vdone = (0..n).filter(|i| track.variant_done(*i)).count();
            text.push_str(&format!(
                "{:>2}  {} {:<24} {}\n",
                s.order(),
                stage_glyph(stage),
                s.id,
                strings::progress_row(track.runs, track.default_done, vdone, n, lang)
            ));
        }
        text.push_str(&strings::progress_total(
            done,
            all.len(),
            right,
            total,
            lang,
        ));
        text.push('\n');
    }
    // Through the one writer: a closed pipe or a full disk ends the command cleanly.
    crate::output::finish(&text, lang)
}

/// `mmap-lab progress --reset`: asks on stdin, then removes the file.
pub fn reset(store: Option<Store>, lang: Lang) -> std::process::ExitCode {
    let Some(store) = store else {
        crate::output::err_line(&format!("mmap-lab: {}", C::StateOff.get(lang)));
        return std::process::ExitCode::from(crate::cli::USAGE);
    };
    let shown = store.path.display().to_string();
    let _ = write!(io::stderr(), "{} ", strings::reset_question(&shown, lang));
    let _ = io::stderr().flush();
    let mut answer = String::new();
    let _ = io::stdin().read_line(&mut answer);
    let yes = matches!(answer.trim(), "y" | "Y" | "yes" | "是" | "ｙ");
    if !yes {
        crate::output::err_line(C::ResetKept.get(lang));
        return std::process::ExitCode::SUCCESS;
    }
    match std::fs::remove_file(&store.path) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return crate::cli::io_error(&err, lang),
    }
    crate::output::err_line(C::ResetDone.get(lang));
    std::process::ExitCode::SUCCESS
}

fn stage_name(stage: crate::tui::course::Stage) -> &'static str {
    use crate::tui::course::Stage;
    match stage {
        Stage::Done => "done",
        Stage::InProgress => "in_progress",
        Stage::NotStarted => "not_started",
    }
}

fn stage_glyph(stage: crate::tui::course::Stage) -> &'static str {
    use crate::tui::course::Stage;
    match stage {
        Stage::Done => "●",
        Stage::InProgress => "◐",
        Stage::NotStarted => "○",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &tempfile::TempDir) -> Store {
        Store::at(dir.path().join("sub").join("state.json"))
    }

    #[test]
    fn a_state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let mut state = State {
            last_scenario: Some("zero-length".into()),
            lang: Some("zh".into()),
            theme: Some("mono".into()),
            ..State::default()
        };
        state.scenarios.insert(
            "zero-length".into(),
            Track {
                runs: 3,
                default_done: true,
                variants_done: vec![true, false],
                right: 2,
                wrong: 1,
                last_params: vec!["length=4096".into()],
            },
        );
        s.save(&state).unwrap();
        assert_eq!(s.load(), (state, None));
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_missing_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(store(&dir).load(), (State::default(), None));
    }

    fn set_aside(content: &[u8]) -> (SetAside, Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        std::fs::create_dir_all(s.path.parent().unwrap()).unwrap();
        std::fs::write(&s.path, content).unwrap();
        let (state, aside) = s.load();
        assert_eq!(state, State::default());
        let aside = aside.expect("set aside");
        let backup = aside.backup.clone().expect("a backup");
        assert_eq!(std::fs::read(backup).unwrap(), content);
        assert!(s.writable);
        (aside, s, dir)
    }

    #[test]
    fn garbage_empty_and_truncated_files_are_backed_up_and_set_aside() {
        for content in [&b"\x00\xffgarbage"[..], b"", b"{\"version\": 1, \"scen"] {
            let (aside, _, _dir) = set_aside(content);
            assert!(matches!(aside.problem, Problem::Corrupt(_)));
            let line = aside.message(Lang::En);
            assert!(
                !line.contains('\n') && line.contains("state.json"),
                "{line}"
            );
            assert!(aside
                .message(Lang::Zh)
                .chars()
                .any(scenarios::lesson::is_wide));
        }
    }

    #[test]
    fn a_file_from_a_newer_lab_is_kept_and_set_aside() {
        let (aside, s, _dir) = set_aside(br#"{"version": 99, "scenarios": {}}"#);
        assert_eq!(aside.problem, Problem::Newer(99));
        // The fresh start then writes a new file; the old one lives on in its backup.
        s.save(&State::default()).unwrap();
        assert!(aside.backup.unwrap().exists());
    }

    #[test]
    fn a_directory_in_the_way_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        std::fs::create_dir_all(&s.path).unwrap();
        let (_, aside) = s.load();
        let aside = aside.expect("set aside");
        assert!(matches!(aside.problem, Problem::Unreadable(_)));
        assert_eq!(aside.backup, None);
        assert!(!s.writable);
        s.save(&State::default()).unwrap();
        assert!(s.path.is_dir());
    }

    #[test]
    fn an_unreadable_file_or_a_read_only_directory_does_not_crash() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let sub = s.path.parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(&s.path, b"{}").unwrap();
        std::fs::set_permissions(&s.path, std::fs::Permissions::from_mode(0o000)).unwrap();
        let (state, aside) = s.load();
        assert_eq!(state, State::default());
        // Root reads it anyway (then `{}` is a state with no version: corrupt).
        assert!(aside.is_some());
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o500)).unwrap();
        let mut ro = Store::at(sub.join("other.json"));
        let _ = ro.load();
        let saved = ro.save(&State::default());
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o700)).unwrap();
        if !scenarios::engine::privileged() {
            assert!(saved.is_err(), "a read-only directory refuses the write");
        }
    }

    #[test]
    fn two_labs_writing_at_once_leave_one_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let writers: Vec<_> = (0..2u32)
            .map(|n| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let s = Store::at(path);
                    for runs in 0..50 {
                        let mut state = State::default();
                        state.scenarios.insert(
                            format!("lab-{n}"),
                            Track {
                                runs,
                                ..Track::default()
                            },
                        );
                        s.save(&state).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        // The last writer wins, with a whole file: it parses, and nothing else is left.
        let (state, aside) = Store::at(path).load();
        assert_eq!(aside, None);
        assert_eq!(state.scenarios.len(), 1);
        assert_eq!(state.scenarios.values().next().map(|t| t.runs), Some(49));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn no_state_means_no_path() {
        assert_eq!(path(Some(Path::new("/x/s.json")), true), None);
        assert_eq!(
            path(Some(Path::new("/x/s.json")), false),
            Some(PathBuf::from("/x/s.json"))
        );
    }
}
