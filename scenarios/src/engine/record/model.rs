//! The record's data: every step with its real call and result, the maps captures, the page
//! states, what the run cost, and how the child ended. Built by `build.rs`; spelled in JSON
//! by serde's derives here and `json.rs`.

use super::outcome::Outcome;
use super::syscall::{AnsweredBy, Syscall, WitnessOff};
use super::warning::Warning;
use crate::engine::environment::{Capability, Environment};
use crate::engine::function::Function;
use crate::engine::plan::{Purpose, Side};
use crate::engine::regions::{OwnRegion, Region, Touched};
use crate::engine::signals::SignalNo;
use crate::texts::Text;
use nix::errno::Errno;
use serde::{Deserialize, Serialize};

/// One step as it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct StepRecord {
    /// The C-like call with its real arguments.
    pub call: String,
    /// The real return value (`MAP_FAILED`, `-1`, `0x7f…`, `3`, …), or `—` if a signal struck.
    pub result: String,
    /// The errno when the call failed (its name in JSON).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::names::errno_name"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<super::names::ErrnoName>"))]
    pub errno: Option<Errno>,
    /// The errno's number when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// The system calls the step made, as the kernel saw them (the witness; absent when it
    /// was off or the step was not traced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<Vec<Syscall>>,
    /// Who answered: the kernel (a system call was seen), the C library (it failed without
    /// one), or nobody (not a call). Absent when the witness could not tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<AnsweredBy>,
    /// Page faults during the step (`getrusage` in the child around it): demand paging made
    /// visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<Faults>,
    /// The signal that struck during this step (its name in JSON).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::names::signal_name"
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<super::names::SignalName>")
    )]
    pub signal: Option<SignalNo>,
    /// `child` for steps run by the process the experiment forked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["child"])))]
    pub process: Option<String>,
    /// Why the engine added this step, when the student did not ask for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// How long the step took, for timed steps (a repeated copy: its median run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nanos: Option<u64>,
    /// For a timed step run several times (`copy_runs`): each run's time, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_nanos: Vec<u64>,
    /// The function (`mmap`, `munmap`, …).
    pub function: Function,
    /// The raw return value, if the step finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ret: Option<i64>,
    /// What the addresses the step touched, unmapped or replaced were, part by part: the
    /// experiment's mapping, its guard page, or the process's own pages, named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub touched: Vec<Touched>,
    /// The state of the mapping's pages after the step, as the kernel reported it (read from
    /// outside the stopped process: `engine::pages`); after a fork, each process's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<crate::engine::pages::PageState>,
    /// The mapping's `smaps` figures after a step on it, of the process that made the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smaps: Option<crate::engine::pages::Smaps>,
}

/// `/proc/self/maps` lines near the mapping, captured by the child after some step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct MapsSnapshot {
    /// The function of the step just before the capture (`mmap`, `munmap`), `start` when
    /// none came before it.
    #[cfg_attr(feature = "schema", schemars(with = "super::names::MapsAfter"))]
    pub after: String,
    /// The lines whose range lies near the mapping.
    pub lines: Vec<String>,
}

/// What a write did to the file, when the experiment read the file back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct FileCheck {
    /// Byte offset in the file.
    pub offset: u64,
    /// The byte written through the mapping.
    pub written: u8,
    /// The byte the file holds afterwards (read with a fresh `pread`).
    pub in_file: u8,
    /// Whether the write reached the file.
    pub reached_file: bool,
}

/// The same experiment run `repeat` times, each in a new isolated process: what the
/// scheduler did, counted. In JSON: `tally`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Tally {
    /// How the child waited for the parent's write (`pipe`, `sleep`, `none`).
    #[cfg_attr(feature = "schema", schemars(with = "super::names::SyncName"))]
    pub sync: String,
    /// With `sleep`: how long, in microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sleep_us: Option<u64>,
    /// The text the parent wrote.
    pub text: String,
    /// How many runs' child read exactly that text.
    pub saw_text: u32,
    /// Every run in order, the first being this record's own.
    pub runs: Vec<TallyRun>,
}

/// One run of a [`Tally`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(description = "One run of a tally."))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct TallyRun {
    /// How it ended.
    pub outcome: Outcome,
    /// What the child read, when it got that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_read: Option<String>,
}

impl Tally {
    /// "without synchronisation the child read `hello, world` in 37 of 200 runs".
    pub fn sentence(&self, lang: crate::Lang) -> String {
        let (saw, runs) = (self.saw_text.to_string(), self.runs.len().to_string());
        Tally::sentence_of(&self.sync, self.sleep_us, &self.text, &saw, &runs, lang)
    }

    /// The same sentence from its parts, the counts as given (the C program passes `%d`).
    pub fn sentence_of(
        sync: &str,
        sleep_us: Option<u64>,
        text: &str,
        saw: &str,
        runs: &str,
        lang: crate::Lang,
    ) -> String {
        let us = sleep_us.unwrap_or(0).to_string();
        let how = match sync {
            "pipe" => Text::TallyPipe.get(lang).to_string(),
            "sleep" => Text::TallySleep.fill(lang, &[&us]),
            _ => Text::TallyNone.get(lang).to_string(),
        };
        Text::TallyLine.fill(lang, &[&how, text, saw, runs])
    }
}

/// Speed of the three copies in `mmap-copy`, MiB per second: each method's median run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Throughput {
    /// Through two mappings, a window at a time.
    pub mmap: f64,
    /// With `read` and `write` through a buffer.
    pub read_write: f64,
    /// With `copy_file_range`, in the kernel.
    pub copy_file_range: f64,
    /// From a mapping of the source with `write` (absent in records made before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmap_write: Option<f64>,
}

/// One list per copy method of `mmap-copy`, each in the order run: the speeds
/// ([`ThroughputRuns`]) and the costs ([`CostRuns`]) of the same runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        rename = "PerMethod_{T}",
        deny_unknown_fields,
        description = "One list per copy method of `mmap-copy`, each in the order run."
    )
)]
pub struct PerMethod<T> {
    /// Through two mappings, a window at a time.
    pub mmap: Vec<T>,
    /// With `read` and `write` through a buffer.
    pub read_write: Vec<T>,
    /// With `copy_file_range`, in the kernel.
    pub copy_file_range: Vec<T>,
    /// From a mapping of the source with `write` (absent in records made before it existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mmap_write: Vec<T>,
}

impl<T> Default for PerMethod<T> {
    fn default() -> Self {
        Self {
            mmap: Vec::new(),
            read_write: Vec::new(),
            copy_file_range: Vec::new(),
            mmap_write: Vec::new(),
        }
    }
}

impl<T> PerMethod<T> {
    /// The four methods' runs, in the order [`Throughput`] lists them.
    pub fn methods(&self) -> [&[T]; 4] {
        [
            &self.mmap,
            &self.read_write,
            &self.copy_file_range,
            &self.mmap_write,
        ]
    }
}

/// Every run's speed of each copy, MiB per second.
pub type ThroughputRuns = PerMethod<f64>;

/// Every run's cost of each copy.
pub type CostRuns = PerMethod<RunCost>;

/// What one timed run of a copy cost: the page faults the process took during it (the
/// kernel's count, `getrusage`) and the system calls the copy's loop made (counted by the loop,
/// one for each call).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct RunCost {
    /// Page faults served from memory: a page mapped, or allocated and zeroed.
    pub minor_faults: u64,
    /// Page faults that waited for the disk.
    pub major_faults: u64,
    /// System calls made by the copy.
    pub syscalls: u64,
}

/// The runs after the first, when there are any: the first run of a copy is the cold one (the
/// destination's blocks allocated, the caches filled), so medians leave it out and the
/// screens show it apart.
pub fn warm<T>(runs: &[T]) -> &[T] {
    match runs.get(1..) {
        Some(rest) if !rest.is_empty() => rest,
        _ => runs,
    }
}

/// The middle value of `xs` (the mean of the two middle ones for an even count); `None` when
/// empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The smallest and largest of `xs`; `None` when empty.
pub fn spread(xs: &[f64]) -> Option<(f64, f64)> {
    let min = xs.iter().copied().reduce(f64::min)?;
    let max = xs.iter().copied().reduce(f64::max)?;
    Some((min, max))
}

/// A whole run.
///
/// In JSON the warnings sit inside the outcome object (`outcome.warnings`, docs/json.md), while
/// here they are a field of their own, so that [`Outcome`] stays the kernel's answer alone.
/// The derive is `remote = "Self"`: it makes `Run::serialize` / `Run::deserialize` for every
/// other field, and the `Serialize` / `Deserialize` impls below add the outcome object. Its
/// derived JSON Schema is likewise of those fields alone (named `RunFields`); the schema of a
/// run as printed is `RunJson`'s, which adds the outcome object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(rename = "RunFields", deny_unknown_fields)
)]
pub struct Run {
    /// `sysconf(_SC_PAGESIZE)`.
    pub page_size: u64,
    /// Whether a capability the process holds may have changed this run's answer (see
    /// `privileged_by`): then a normal user's answer can differ.
    pub privileged: bool,
    /// The capabilities held that matter to this run: `CAP_IPC_LOCK` when it locks memory,
    /// `CAP_SYS_RESOURCE` when it sets a resource limit, `CAP_SYS_RAWIO` when it maps at a
    /// fixed address below `vm.mmap_min_addr`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub privileged_by: Vec<Capability>,
    /// Where the run happened: kernel, architecture, C library, limits, capabilities.
    #[serde(default)]
    pub environment: Environment,
    /// `on` when every traced step's system calls are in `steps[].syscalls`, else
    /// `off: <why>`.
    #[serde(default)]
    pub witness: String,
    /// Why the witness was off, when it was and the lab knows why: what `witness` says after
    /// `off: `, for a reader in either language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness_off: Option<WitnessOff>,
    /// The steps that started, in order.
    pub steps: Vec<StepRecord>,
    /// How it ended (in JSON: `outcome`, written by the impls below).
    #[serde(skip, default = "no_outcome")]
    pub outcome: Outcome,
    /// What the run's evidence shows beside its outcome: "OK, but…" (in JSON:
    /// `outcome.warnings`).
    #[serde(skip)]
    pub warnings: Vec<Warning>,
    /// `/proc/self/maps` captures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maps: Vec<MapsSnapshot>,
    /// The process's own regions, as the child reported them at its start: the lab's plan,
    /// its thread-local storage, signal stack (and its guard page), stack; and its image:
    /// the program, the libraries (named after their files), the heap, the vDSO.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_regions: Vec<OwnRegion>,
    /// The size of the mapped file when the run ended (`fstatat` in the experiment's
    /// directory), when the mapping is of a file the plan opened there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size_after: Option<u64>,
    /// The bytes free for an unprivileged writer on the filesystem of the experiment's files
    /// when the run ended (`fstatvfs`: `f_bavail * f_frsize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_free_bytes: Option<u64>,
    /// The mapping's address, when mmap succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping_addr: Option<u64>,
    /// A write read back from the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_check: Option<FileCheck>,
    /// What the forked child read from shared memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_read: Option<String>,
    /// With `repeat` above 1: every run's answer and how often the child read the parent's
    /// text (this record's steps are the first run's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// For copies: whether the copy matched the source byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_identical: Option<bool>,
    /// For copies that differ: the offset of the first byte that differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_differs_at: Option<u64>,
    /// Whether the experiment locks memory (`MAP_LOCKED`, `RLIMIT_MEMLOCK`): there root's
    /// `CAP_IPC_LOCK` changes the kernel's answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locks_memory: bool,
    /// For copies: MiB/s of each method.
    #[serde(
        default,
        rename = "throughput_mib_s",
        skip_serializing_if = "Option::is_none"
    )]
    pub throughput: Option<Throughput>,
    /// For copies: MiB/s of each run of each method (`throughput_mib_s` holds their medians).
    #[serde(
        default,
        rename = "throughput_runs_mib_s",
        skip_serializing_if = "Option::is_none"
    )]
    pub throughput_runs: Option<ThroughputRuns>,
    /// For copies: what each run of each method cost, in page faults and system calls, in the
    /// order of `throughput_runs_mib_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_runs: Option<CostRuns>,
    /// Wall time of the child, microseconds.
    pub elapsed_us: u64,
    /// The child's peak resident memory in KiB (`wait4`'s `ru_maxrss`). Forked children
    /// start from the parent's size, so this includes what the parent had resident.
    #[serde(default)]
    pub child_max_rss_kib: u64,
    /// The plan steps whose boundary stop the witness passed, in the order it did: one
    /// before every step an experiment's process began, the lab's bookkeeping aside. Empty
    /// when the witness is off. Not in JSON: it checks the engine, it tells a reader nothing.
    #[serde(skip)]
    #[doc(hidden)]
    pub boundaries: Vec<usize>,
    /// Where a paced run is held, when this is its record so far (see
    /// [`crate::engine::pace::Stop`]); `None` for a run that is over. Not in JSON: a JSON record is
    /// always of a run that ended.
    #[serde(skip)]
    pub held: Option<Held>,
}

impl Run {
    /// Every call succeeded, but the run's evidence qualifies that (`⚠ OK, but…`): the
    /// outcome every rendering shows as a warning.
    pub fn ok_but(&self) -> bool {
        self.outcome == Outcome::Ok && !self.warnings.is_empty()
    }

    /// One sentence per step that touched, unmapped or replaced the process's own pages, in
    /// `lang`: "this write landed in the lab's own signal stack, not in your mapping".
    pub fn touched_sentences(&self, lang: crate::Lang) -> Vec<String> {
        use crate::engine::regions::region;
        use crate::texts::Text;
        let page = self.page_size.max(1);
        let mut out = Vec::new();
        for step in &self.steps {
            let own: Vec<&Touched> = step.touched.iter().filter(|t| t.what.own()).collect();
            let Some(first) = own.first() else {
                continue;
            };
            let text = match step.function {
                Function::Munmap => Text::UnmappedOwn,
                Function::Mmap => Text::ReplacedOwn,
                Function::Load => {
                    out.push(
                        Text::TouchedOwnRead
                            .fill(lang, &[&region(first.what, first.name.as_deref(), lang)]),
                    );
                    continue;
                }
                _ => {
                    out.push(
                        Text::TouchedOwnWrite
                            .fill(lang, &[&region(first.what, first.name.as_deref(), lang)]),
                    );
                    continue;
                }
            };
            // One sentence per kind of region, its pages summed.
            let mut kinds: Vec<(Region, Option<String>, u64)> = Vec::new();
            for t in own {
                let pages = (t.end - t.start).div_ceil(page);
                match kinds.iter_mut().find(|k| k.0 == t.what && k.1 == t.name) {
                    Some(k) => k.2 += pages,
                    None => kinds.push((t.what, t.name.clone(), pages)),
                }
            }
            for (what, name, pages) in kinds {
                out.push(text.fill(
                    lang,
                    &[&pages.to_string(), &region(what, name.as_deref(), lang)],
                ));
            }
        }
        out
    }

    /// The outcome in words when the process damaged itself: a crash of its own code (and
    /// the step that caused it), or a step that clobbered its memory. `None` otherwise.
    pub fn self_damage(&self, lang: crate::Lang) -> Option<String> {
        use crate::engine::regions::region;
        use crate::texts::Text;
        match &self.outcome {
            Outcome::Signal {
                signal,
                step,
                detail: Some(d),
                ..
            } if d.in_lab_code => {
                let at = d.hit.as_ref().and_then(|h| h.what);
                match d.caused_by.and_then(|j| Some((j, self.steps.get(j)?))) {
                    Some((j, cause)) => {
                        // What the causing step took away at the address.
                        let gone = cause
                            .touched
                            .iter()
                            .find(|t| t.start <= d.addr && d.addr < t.end)
                            .map(|t| region(t.what, t.name.as_deref(), lang))
                            .or_else(|| at.map(|w| region(w, None, lang)))
                            .unwrap_or_default();
                        Some(Text::CrashCausedBy.fill(
                            lang,
                            &[
                                &signal.name(),
                                &self.step_number(j).to_string(),
                                cause.function.name(),
                                &gone,
                            ],
                        ))
                    }
                    None => Some(Text::CrashInOwnCode.fill(
                        lang,
                        &[
                            &signal.name(),
                            &at.map(|w| region(w, None, lang)).unwrap_or_default(),
                            &self.step_number(*step).to_string(),
                        ],
                    )),
                }
            }
            Outcome::Clobbered {
                step, what, bytes, ..
            } => {
                let function = self.steps.get(*step).map_or("?", |s| s.function.name());
                // A file's region is named with its file (`the C library (libc.so.6)`).
                let name = self
                    .steps
                    .get(*step)
                    .and_then(|s| s.touched.iter().find(|t| t.what == *what))
                    .and_then(|t| t.name.as_deref());
                Some(Text::ClobberedLine.fill(
                    lang,
                    &[
                        &self.step_number(*step).to_string(),
                        function,
                        &bytes.div_ceil(self.page_size.max(1)).to_string(),
                        &region(*what, name, lang),
                    ],
                ))
            }
            _ => None,
        }
    }
}

/// Page faults during one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Faults {
    /// Served from memory (a page already in the page cache, or a fresh zero page).
    pub minor: u64,
    /// Needed I/O (the page had to be read from the disk).
    pub major: u64,
}

/// The last part of a maps line's path (`data` for `/tmp/mmap-lab-…/data`), `None` when the
/// line names no file (anonymous memory).
pub(crate) fn maps_name(line: &str) -> Option<String> {
    let path = line.split_whitespace().nth(5)?;
    path.starts_with('/')
        .then(|| path.rsplit('/').next().unwrap_or(path).to_string())
}

/// How the child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Normal,
    Signal(i32),
    Timeout,
    /// Not over: held at a stop of a paced run (the record so far; its outcome is that of
    /// the steps made, final only once no step is left).
    Held,
}

/// Where a record was held, for a reader of a run in progress (not in JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The processes stopped, the parent first.
    pub pids: Vec<(Side, i32)>,
    /// The plan step that comes next (see [`crate::engine::pace::Stop::next`]).
    pub next: Option<usize>,
}

/// The placeholder the derive needs for the skipped field; the impls below always set it.
fn no_outcome() -> Outcome {
    Outcome::Ok
}
