//! Progress that lasts: the state file, `$XDG_STATE_HOME/mmap-lab/state.json`
//! (default `~/.local/state/mmap-lab/state.json`), overridden by `--state FILE` or
//! `MMAP_LAB_STATE`, off with `--no-state`.
//!
//! Progress is merged, never overwritten: a save takes a lock beside the file, reads it again
//! and adds what this lab did since it last read or wrote it (counts add, variants and the
//! defaults' marks are the union), then writes the whole file atomically (a temporary file
//! beside it, then a rename), so two labs open at once keep each other's runs. A reset is a
//! recorded event (a fresh file whose `resets` is one more): a lab still open adds only what
//! it does afterwards, never its old progress. A symbolic link is followed and its target
//! replaced.
//!
//! The file is read with limits (a regular file of at most 1 MiB, see `crate::input`). One
//! that cannot be used (not JSON, from a newer version) is never overwritten unseen: it is
//! copied to a backup first (once: an identical backup is reused), the lab says so in one line
//! and starts fresh; when not even a backup can be made (a directory, a device), the lab does
//! not write at all.

pub mod command;

use crate::strings::{self};
use mmap_lab_engine::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What a student did with one scenario. Serialised as is into the state file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Track {
    /// How many runs finished.
    pub runs: u32,
    /// Whether the defaults ran.
    pub default_done: bool,
    /// Which declared variants ran, by index (shorter than the variants when the catalogue
    /// grew since the state was written: missing means not run).
    pub variants_done: Vec<bool>,
    /// Predictions that were right.
    pub right: u32,
    /// Predictions that were wrong.
    pub wrong: u32,
    /// The last parameters, as `KEY=VALUE` texts of the keys the scenario takes.
    pub last_params: Vec<String>,
}

/// How far a student got with a scenario: shown in the list apart from the last outcome. In
/// `progress --json`: `done`, `in_progress`, `not_started`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing ran.
    NotStarted,
    /// Something ran, but not the defaults and every variant.
    InProgress,
    /// The defaults and every variant ran.
    Done,
}

impl Track {
    /// Whether variant `i` ran.
    pub fn variant_done(&self, i: usize) -> bool {
        self.variants_done.get(i).copied().unwrap_or(false)
    }

    /// The stage, for a scenario with `variants` declared variants.
    pub fn stage(&self, variants: usize) -> Stage {
        if self.default_done && (0..variants).all(|i| self.variant_done(i)) {
            Stage::Done
        } else if self.runs > 0 {
            Stage::InProgress
        } else {
            Stage::NotStarted
        }
    }

    pub(crate) fn mark_variant(&mut self, i: usize) {
        if self.variants_done.len() <= i {
            self.variants_done.resize(i + 1, false);
        }
        self.variants_done[i] = true;
    }
}

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
    /// How many times `progress --reset` cleared the file (the record of it; labs still open
    /// respect it because they only ever add what they did since they last saved).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resets: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Default for State {
    fn default() -> State {
        State {
            version: VERSION,
            last_scenario: None,
            lang: None,
            theme: None,
            scenarios: BTreeMap::new(),
            resets: 0,
        }
    }
}

/// What to write when the file holds `disk`, this lab last read or wrote `base`, and its
/// state is now `now`: what this lab did since `base` is added to the file. Runs and
/// predictions since `base` add to the file's counts; a mark (the defaults, a variant) this
/// lab made since `base` joins the file's; its settings, and its last parameters where it
/// changed them, win. A reset in between (the file's counts below `base`'s) stands: only what
/// came since `base` is added to it, never this lab's older progress.
pub fn merge(disk: &State, base: &State, now: &State) -> State {
    let mut merged = State {
        version: VERSION,
        last_scenario: now
            .last_scenario
            .clone()
            .or_else(|| disk.last_scenario.clone()),
        lang: now.lang.clone().or_else(|| disk.lang.clone()),
        theme: now.theme.clone().or_else(|| disk.theme.clone()),
        scenarios: disk.scenarios.clone(),
        resets: disk.resets,
    };
    let none = Track::default();
    for (id, n) in &now.scenarios {
        let b = base.scenarios.get(id).unwrap_or(&none);
        let d = merged.scenarios.entry(id.clone()).or_default();
        let since = |now: u32, then: u32| now.saturating_sub(then);
        d.runs = d.runs.saturating_add(since(n.runs, b.runs));
        d.right = d.right.saturating_add(since(n.right, b.right));
        d.wrong = d.wrong.saturating_add(since(n.wrong, b.wrong));
        d.default_done |= n.default_done && !b.default_done;
        for i in 0..n.variants_done.len() {
            if n.variant_done(i) && !b.variant_done(i) {
                if d.variants_done.len() <= i {
                    d.variants_done.resize(i + 1, false);
                }
                d.variants_done[i] = true;
            }
        }
        if n.last_params != b.last_params {
            d.last_params = n.last_params.clone();
        }
    }
    merged.scenarios.retain(|_, t| *t != Track::default());
    merged
}

/// Why a state file was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// It could not be read (a directory, a device, too large, no permission).
    Unreadable(crate::input::Refused),
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
                Problem::Unreadable(why) => why.text(lang),
                Problem::Corrupt(why) => why.clone(),
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
    /// The state as this lab last read or wrote it: what it did since is what a save adds.
    base: State,
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
            base: State::default(),
        }
    }

    /// Read the state: a missing file is a fresh start; an unusable one is backed up and set
    /// aside (the second value says so).
    pub fn load(&mut self) -> (State, Option<SetAside>) {
        let problem = match read(&self.path) {
            Ok(Some(state)) => {
                self.base = state.clone();
                return (state, None);
            }
            Ok(None) => {
                self.base = State::default();
                return (State::default(), None);
            }
            Err(problem) => problem,
        };
        // Only a file that could be read is copied: a directory, a device or a FIFO is
        // neither copied nor ever written over.
        let backup = match problem {
            Problem::Unreadable(_) => None,
            _ => backup(&self.path),
        };
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

    /// The file written: the link's target when the path is a symbolic link (even one whose
    /// target does not exist yet), so that the link stays and its target is replaced.
    fn target(&self) -> PathBuf {
        if let Ok(real) = std::fs::canonicalize(&self.path) {
            return real;
        }
        match std::fs::read_link(&self.path) {
            Ok(to) => parent_of(&self.path).join(to),
            Err(_) => self.path.clone(),
        }
    }

    /// Save `now`, merged with what the file holds (see [`merge`]), under the lock beside
    /// it; the merged state is returned, for the lab to show what every window did.
    pub fn save(&mut self, now: &State) -> io::Result<State> {
        if !self.writable {
            return Ok(now.clone());
        }
        let (target, _lock) = self.locked()?;
        let disk = match read(&target) {
            Ok(state) => state.unwrap_or_default(),
            // Spoiled since it was read: kept in a backup, or not written over at all.
            Err(Problem::Unreadable(why)) => return Err(io::Error::other(why.text(Lang::En))),
            Err(_) => match backup(&target) {
                Some(_) => State::default(),
                None => return Err(io::Error::other("the state file could not be backed up")),
            },
        };
        let merged = merge(&disk, &self.base, now);
        write_atomically(&target, &merged)?;
        clean_temporaries(&target);
        // What this lab wrote is its own baseline, with its own last parameters (it adopts
        // the others' counts, not their parameters).
        let mut base = merged.clone();
        for (id, track) in &now.scenarios {
            base.scenarios.entry(id.clone()).or_default().last_params = track.last_params.clone();
        }
        self.base = base;
        Ok(merged)
    }

    /// The file to write and the lock beside it, taken. A path that is there but no regular
    /// file (a device, a FIFO, a directory) is refused before anything is made beside it.
    fn locked(&self) -> io::Result<(PathBuf, std::fs::File)> {
        let target = self.target();
        if let Err(Problem::Unreadable(why)) = read(&target) {
            return Err(io::Error::other(why.text(Lang::En)));
        }
        std::fs::create_dir_all(parent_of(&target))?;
        let lock = lock_beside(&target)?;
        Ok((target, lock))
    }

    /// `progress --reset`: a fresh state whose reset count is one more, under the lock, so a
    /// lab still open sees the reset and does not undo it.
    pub fn reset(&mut self) -> io::Result<()> {
        let (target, _lock) = self.locked()?;
        let resets = match read(&target) {
            Ok(Some(state)) => state.resets,
            _ => 0,
        };
        let fresh = State {
            resets: resets.saturating_add(1),
            ..State::default()
        };
        write_atomically(&target, &fresh)?;
        clean_temporaries(&target);
        self.base = fresh;
        Ok(())
    }
}

/// The directory of `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path`'s file name with `suffix`, hidden, beside it: `.state.json.lock`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "state.json".into(), |n| n.to_string_lossy().into_owned());
    parent_of(path).join(format!(".{name}{suffix}"))
}

/// The state in `path`: `None` when there is no file, the problem when it cannot be used.
fn read(path: &Path) -> Result<Option<State>, Problem> {
    let bytes = match crate::input::read(path) {
        Ok(bytes) => bytes,
        Err(crate::input::Refused::Missing) => return Ok(None),
        Err(why) => return Err(Problem::Unreadable(why)),
    };
    let value = serde_json::from_slice::<serde_json::Value>(&bytes)
        .map_err(|err| Problem::Corrupt(err.to_string()))?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(VERSION) => {
            Err(Problem::Newer(u32::try_from(v).unwrap_or(u32::MAX)))
        }
        _ => serde_json::from_value::<State>(value)
            .map(Some)
            .map_err(|err| Problem::Corrupt(err.to_string())),
    }
}

/// Copy the file beside itself, `state.json.bak-SECONDS`, unless a backup with the same
/// bytes is already there (then that one is named: reading a spoiled file again and again
/// makes no more copies). `None` when it cannot be read or the copy cannot be written.
fn backup(path: &Path) -> Option<PathBuf> {
    let bytes = crate::input::read(path).ok()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let prefix = format!("{name}.bak-");
    let dir = parent_of(path);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let same_name = entry.file_name().to_string_lossy().starts_with(&prefix);
            if same_name && crate::input::read(&entry.path()).is_ok_and(|b| b == bytes) {
                return Some(entry.path());
            }
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let to = dir.join(format!("{prefix}{secs}"));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&to)
        .and_then(|mut f| f.write_all(&bytes))
        .ok()?;
    Some(to)
}

/// Take the lock beside `target` (`.state.json.lock`, created once and left empty), waiting
/// for another lab's save to end; released when the file is dropped.
fn lock_beside(target: &Path) -> io::Result<std::fs::File> {
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(beside(target, ".lock"))?;
    mmap_lab_engine::engine::tempdir::lock(std::os::fd::AsFd::as_fd(&lock))?;
    Ok(lock)
}

/// Write `state` to a temporary file beside `target`, then rename it over `target`.
fn write_atomically(target: &Path, state: &State) -> io::Result<()> {
    let text = serde_json::to_string_pretty(state).map_err(io::Error::other)? + "\n";
    // Unique per process and per write: two labs never share a temporary file.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = beside(target, &format!(".tmp-{}-{nanos}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Remove the temporary files a killed save left beside `target`. Called under the lock: no
/// save of this file is under way, so every one of them is a leftover. Those of labs from
/// before the lock (`.state.tmp-*`) go once a minute old.
fn clean_temporaries(target: &Path) {
    let ours = beside(target, ".tmp-");
    let ours = ours
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(parent_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() >= 60)
        };
        let file = entry.file_type().is_ok_and(|t| t.is_file());
        if file && (name.starts_with(&ours) || (name.starts_with(".state.tmp-") && old())) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

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
                variants_done: vec![false, true],
                right: 2,
                wrong: 1,
                last_params: vec!["length=4096".into()],
            },
        );
        s.save(&state).unwrap();
        assert_eq!(s.load(), (state, None));
        // No temporary file is left beside it: only the lock.
        assert_eq!(
            names_in(&dir.path().join("sub")),
            [".state.json.lock", "state.json"]
        );
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
                .any(mmap_lab_engine::lesson::is_wide));
        }
    }

    #[test]
    fn a_file_from_a_newer_lab_is_kept_and_set_aside() {
        let (aside, mut s, _dir) = set_aside(br#"{"version": 99, "scenarios": {}}"#);
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
        if !mmap_lab_engine::engine::privileged() {
            assert!(saved.is_err(), "a read-only directory refuses the write");
        }
    }

    #[test]
    fn two_labs_writing_at_once_keep_both_and_one_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let writers: Vec<_> = (0..2u32)
            .map(|n| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut s = Store::at(path);
                    for runs in 1..=50 {
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
        // Each lab's 50 runs, in one whole file; beside it only the lock.
        let (state, aside) = Store::at(path).load();
        assert_eq!(aside, None);
        let runs: Vec<u32> = state.scenarios.values().map(|t| t.runs).collect();
        assert_eq!(runs, [50, 50]);
        assert_eq!(names_in(dir.path()), [".state.json.lock", "state.json"]);
    }

    /// Counts add what a lab did since it last saved, marks join, and a reset in between
    /// stands: only what came after it is added.
    #[test]
    fn merging_adds_what_was_done_since_and_respects_a_reset() {
        let track = |runs, default_done, variants: &[bool]| Track {
            runs,
            default_done,
            variants_done: variants.to_vec(),
            right: runs,
            ..Track::default()
        };
        let state = |tracks: &[(&str, Track)], resets| State {
            scenarios: tracks
                .iter()
                .map(|(id, t)| (id.to_string(), t.clone()))
                .collect(),
            resets,
            ..State::default()
        };
        let disk = state(&[("a", track(5, false, &[false, true]))], 0);
        let base = state(&[("a", track(2, false, &[]))], 0);
        let now = state(
            &[("a", track(4, true, &[true])), ("b", track(1, false, &[]))],
            0,
        );
        let merged = merge(&disk, &base, &now);
        assert_eq!(merged.scenarios["a"], track(7, true, &[true, true]));
        assert_eq!(merged.scenarios["b"], track(1, false, &[]));
        // After a reset the file is empty: this lab's older runs and marks are not restored.
        let reset = state(&[], 1);
        let merged = merge(&reset, &base, &now);
        assert_eq!(merged.scenarios["a"], track(2, true, &[true]));
        assert_eq!(merged.resets, 1);
        let merged = merge(&reset, &now, &now);
        assert!(merged.scenarios.is_empty(), "{merged:?}");
    }

    /// A symbolic link stays a link: its target is replaced, atomically, beside it.
    #[test]
    fn a_symlinked_state_file_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        let link = dir.path().join("state.json");
        std::os::unix::fs::symlink(real.join("state.json"), &link).unwrap();
        let mut s = Store::at(link.clone());
        let _ = s.load();
        let mut state = State::default();
        state.scenarios.insert(
            "x".into(),
            Track {
                runs: 1,
                ..Track::default()
            },
        );
        s.save(&state).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            Store::at(real.join("state.json")).load().0.scenarios["x"].runs,
            1
        );
    }

    /// What a killed save left beside the file goes at the next save; a spoiled file read
    /// again and again has one backup, not one per reading.
    #[test]
    fn temporaries_are_cleaned_and_backups_not_repeated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let left = dir.path().join(".state.json.tmp-1234-5678");
        std::fs::write(&left, b"half").unwrap();
        Store::at(path.clone()).save(&State::default()).unwrap();
        assert!(!left.exists());
        std::fs::write(&path, b"{spoiled").unwrap();
        for _ in 0..3 {
            let (_, aside) = Store::at(path.clone()).load();
            assert!(aside.and_then(|a| a.backup).is_some());
        }
        let backups = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().contains(".bak-"))
            })
            .count();
        assert_eq!(backups, 1);
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
