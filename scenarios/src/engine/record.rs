//! What a run produced, in the shape of the JSON contract (docs/json.md): every step with its real
//! call and result, the outcome, and the `/proc/self/maps` lines around the mapping.
//!
//! Everything here is read off the child's reports. The only judgements made are which report
//! decides the outcome (a signal that killed the child, else the first failing critical step)
//! and which *warnings* the run's own evidence supports (see [`Warning`]).

use super::calls::{self, ValueNames};
use super::environment::{Capability, Environment};
use super::function::Function;
use super::ops::{self, CopyOp, Ended, LimitOp, MapOp, TouchOp};
use super::plan::{DescriptorOp, Limit, Op, Plan, Purpose, Side, Val};
use super::regions::{self, Landmark, Layout, OwnRegion, Region, Touched};
use super::signals::{self, Hit, SignalDetail};
use super::wire::{Kind, Report};
use super::witness::{self, AnsweredBy, Syscall};
use crate::texts::Text;
use crate::{errnos, flags};
use nix::errno::Errno;
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};

/// One step as it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// The C-like call with its real arguments.
    pub call: String,
    /// The real return value (`MAP_FAILED`, `-1`, `0x7f…`, `3`, …), or `—` if a signal struck.
    pub result: String,
    /// The errno when the call failed (its name in JSON).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "errno_name")]
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
    #[serde(default, skip_serializing_if = "Option::is_none", with = "signal_name")]
    pub signal: Option<SignalNo>,
    /// `child` for steps run by the process the experiment forked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    pub pages: Vec<super::pages::PageState>,
    /// The mapping's `smaps` figures after a step on it, of the process that made the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smaps: Option<super::pages::Smaps>,
}

/// How the experiment ended. In JSON: the `outcome` object (`kind` plus the fields of
/// each kind, names as text), through [`OutcomeJson`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "OutcomeJson", try_from = "OutcomeJson")]
pub enum Outcome {
    /// Every critical step succeeded and no signal struck.
    Ok,
    /// A critical call failed.
    Errno {
        /// The function that failed.
        call: Function,
        /// What it said.
        errno: Errno,
    },
    /// A signal killed the experiment's process.
    Signal {
        /// The signal.
        signal: SignalNo,
        /// Index (in `steps`) of the step it interrupted.
        step: usize,
        /// That step's call.
        call: String,
        /// What the kernel said about a fault signal (`si_code`, address, what was there).
        detail: Option<SignalDetail>,
    },
    /// The child ran past its deadline and was killed.
    Timeout {
        /// The deadline, in milliseconds.
        after_ms: u64,
    },
    /// A step replaced or removed memory the experiment's process itself runs on (the plan
    /// the lab's child executes, its TLS, its stack): the kernel answered that step, and the
    /// child stopped right after it, because whatever followed would not be the kernel's
    /// answer but the lab running on destroyed memory.
    Clobbered {
        /// Index (in `steps`) of the step that did it.
        step: usize,
        /// That step's call.
        call: String,
        /// The first of the process's regions it hit.
        what: Region,
        /// Where it starts to hit it.
        addr: u64,
        /// How many bytes of the process's own memory the step took away, all regions.
        bytes: u64,
    },
}

impl Outcome {
    /// The errno, when a call failed.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Outcome::Errno { errno, .. } => Some(*errno),
            _ => None,
        }
    }

    /// The signal, when one killed the experiment.
    pub fn signal(&self) -> Option<Signal> {
        match self {
            Outcome::Signal { signal, .. } => signal.known(),
            _ => None,
        }
    }
}

/// A signal as the kernel reported it: a number, named when it is a standard signal (a
/// real-time signal can only come from outside the lab, but it is still shown for what it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalNo(pub i32);

impl SignalNo {
    /// The standard signal, if it is one.
    pub fn known(self) -> Option<Signal> {
        Signal::try_from(self.0).ok()
    }

    /// `SIGBUS`, or `signal 40` for one without a name.
    pub fn name(self) -> String {
        self.known()
            .map_or_else(|| format!("signal {}", self.0), |s| s.as_str().to_string())
    }

    /// The signal called `name` (`SIGBUS`, or `signal N`).
    pub fn from_name(name: &str) -> Option<SignalNo> {
        if let Some(n) = name.strip_prefix("signal ") {
            return n.parse().ok().map(SignalNo);
        }
        name.parse::<Signal>().ok().map(|s| SignalNo(s as i32))
    }
}

impl From<Signal> for SignalNo {
    fn from(s: Signal) -> SignalNo {
        SignalNo(s as i32)
    }
}

impl std::fmt::Display for SignalNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// [`Outcome`] as the JSON contract spells it: names and numbers as separate fields, the
/// errno's message from the C library.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OutcomeJson {
    /// See [`Outcome::Ok`].
    Ok,
    /// See [`Outcome::Errno`].
    Errno {
        /// The function that failed.
        call: String,
        /// `EINVAL` …
        errno: String,
        /// 22 …
        code: i32,
        /// `strerror`: "Invalid argument" …
        message: String,
    },
    /// See [`Outcome::Signal`].
    Signal {
        /// `SIGBUS` …
        signal: String,
        /// The number.
        number: i32,
        /// Index (in `steps`) of the step it interrupted.
        step: usize,
        /// That step's call.
        call: String,
        /// `si_code` by name: `SEGV_MAPERR`, `SEGV_ACCERR`, `BUS_ADRERR` …
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// The faulting address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        addr: Option<u64>,
        /// The faulting address counted from the mapping (`ptr + N`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ptr_offset: Option<i64>,
        /// What the child's maps say was at the address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hit: Option<Hit>,
        /// The process's own code faulted (not the step's own access), at its own pages.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        in_lab_code: bool,
        /// Index (in `steps`) of the step that took away the memory the fault hit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caused_by_step: Option<usize>,
    },
    /// See [`Outcome::Timeout`].
    Timeout {
        /// The deadline, in milliseconds.
        after_ms: u64,
    },
    /// See [`Outcome::Clobbered`].
    Clobbered {
        /// Index (in `steps`) of the step that did it.
        step: usize,
        /// That step's call.
        call: String,
        /// The first of the process's own regions it hit (`plan`, `thread-local-storage` …).
        what: Region,
        /// Where.
        addr: u64,
        /// Bytes of the process's own memory taken away.
        bytes: u64,
    },
}

impl From<Outcome> for OutcomeJson {
    fn from(o: Outcome) -> OutcomeJson {
        match o {
            Outcome::Ok => OutcomeJson::Ok,
            Outcome::Errno { call, errno } => OutcomeJson::Errno {
                call: call.name().to_string(),
                errno: errnos::name(errno),
                code: errno as i32,
                message: errnos::message(errno),
            },
            Outcome::Signal {
                signal,
                step,
                call,
                detail,
            } => OutcomeJson::Signal {
                signal: signal.name(),
                number: signal.0,
                step,
                call,
                code: detail
                    .as_ref()
                    .map(|d| signals::code_name(signal.0, d.code)),
                addr: detail.as_ref().map(|d| d.addr),
                ptr_offset: detail.as_ref().and_then(|d| d.ptr_offset),
                in_lab_code: detail.as_ref().is_some_and(|d| d.in_lab_code),
                caused_by_step: detail.as_ref().and_then(|d| d.caused_by),
                hit: detail.and_then(|d| d.hit),
            },
            Outcome::Timeout { after_ms } => OutcomeJson::Timeout { after_ms },
            Outcome::Clobbered {
                step,
                call,
                what,
                addr,
                bytes,
            } => OutcomeJson::Clobbered {
                step,
                call,
                what,
                addr,
                bytes,
            },
        }
    }
}

impl TryFrom<OutcomeJson> for Outcome {
    type Error = String;

    fn try_from(o: OutcomeJson) -> Result<Outcome, String> {
        Ok(match o {
            OutcomeJson::Ok => Outcome::Ok,
            OutcomeJson::Errno { call, code, .. } => Outcome::Errno {
                call: Function::from_name(&call).ok_or(format!("unknown function `{call}`"))?,
                errno: Errno::from_raw(code),
            },
            OutcomeJson::Signal {
                number,
                step,
                call,
                code,
                addr,
                ptr_offset,
                hit,
                in_lab_code,
                caused_by_step,
                ..
            } => Outcome::Signal {
                signal: SignalNo(number),
                step,
                call,
                detail: match (code, addr) {
                    (Some(code), Some(addr)) => Some(SignalDetail {
                        code: signals::code_from_name(number, &code).unwrap_or(0),
                        addr,
                        ptr_offset,
                        hit,
                        in_lab_code,
                        caused_by: caused_by_step,
                    }),
                    _ => None,
                },
            },
            OutcomeJson::Timeout { after_ms } => Outcome::Timeout { after_ms },
            OutcomeJson::Clobbered {
                step,
                call,
                what,
                addr,
                bytes,
            } => Outcome::Clobbered {
                step,
                call,
                what,
                addr,
                bytes,
            },
        })
    }
}

/// `StepRecord::errno` as its name in JSON.
mod errno_name {
    use crate::errnos;
    use nix::errno::Errno;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(e: &Option<Errno>, s: S) -> Result<S::Ok, S::Error> {
        match e {
            Some(e) => s.serialize_str(&errnos::name(*e)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Errno>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        name.map(|n| {
            errnos::from_name(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown errno `{n}`")))
        })
        .transpose()
    }
}

/// `StepRecord::signal` as its name in JSON.
mod signal_name {
    use super::SignalNo;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(sig: &Option<SignalNo>, s: S) -> Result<S::Ok, S::Error> {
        match sig {
            Some(sig) => s.serialize_str(&sig.name()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SignalNo>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        name.map(|n| {
            SignalNo::from_name(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown signal `{n}`")))
        })
        .transpose()
    }
}

/// `/proc/self/maps` lines near the mapping, captured by the child after some step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapsSnapshot {
    /// The function of the step just before the capture (`mmap`, `munmap`).
    pub after: String,
    /// The lines whose range lies near the mapping.
    pub lines: Vec<String>,
}

/// What a write did to the file, when the experiment read the file back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Tally {
    /// How the child waited for the parent's write (`pipe`, `sleep`, `none`).
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
/// other field, and the `Serialize` / `Deserialize` impls below add the outcome object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
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
    /// [`super::pace::Stop`]); `None` for a run that is over. Not in JSON: a JSON record is
    /// always of a run that ended.
    #[serde(skip)]
    pub held: Option<super::pace::Held>,
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
        use crate::texts::{region, Text};
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
        use crate::texts::{region, Text};
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
                                &(j + 1).to_string(),
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
                            &(step + 1).to_string(),
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
                        &(step + 1).to_string(),
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
pub struct Faults {
    /// Served from memory (a page already in the page cache, or a fresh zero page).
    pub minor: u64,
    /// Needed I/O (the page had to be read from the disk).
    pub major: u64,
}

/// The placeholder the derive needs for the skipped field; the impls below always set it.
fn no_outcome() -> Outcome {
    Outcome::Ok
}

/// The outcome object of the JSON: the outcome's fields and, when there are any, `warnings`.
#[derive(Serialize, Deserialize)]
struct OutcomeObject {
    #[serde(flatten)]
    outcome: Outcome,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
}

/// A run in JSON: every field of [`Run`], and the outcome object.
#[derive(Serialize, Deserialize)]
struct RunJson {
    #[serde(flatten, with = "Run")]
    run: Run,
    outcome: OutcomeObject,
}

impl Serialize for Run {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RunJson {
            run: self.clone(),
            outcome: OutcomeObject {
                outcome: self.outcome.clone(),
                warnings: self.warnings.clone(),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Run {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Run, D::Error> {
        let json = RunJson::deserialize(d)?;
        let mut warnings = json.outcome.warnings;
        // The sentence is made from the fields, never trusted from the file.
        for w in &mut warnings {
            w.text = w.sentence(crate::Lang::En);
        }
        Ok(Run {
            outcome: json.outcome.outcome,
            warnings,
            ..json.run
        })
    }
}

/// What a warning is about. A run with a warning still has its outcome (usually `ok`): the
/// warning says what the kernel did besides, silently, as the run's own evidence shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// An `mmap` with `MAP_FIXED` succeeded where pages were already mapped: the kernel
    /// unmapped them first, without a word. Evidence: the `/proc/self/maps` captured before
    /// the call shows a mapping in the range the call returned.
    MapFixedReplaced,
    /// A `munmap` succeeded but its range was not the mapping's: part of the mapping is still
    /// mapped (leaked until the process ends), or pages outside it, which were not the
    /// mapping's, are gone. Evidence: the `/proc/self/maps` captured before and after the call.
    MunmapMissed,
}

impl WarningKind {
    /// The name in JSON (`map-fixed-replaced`).
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::MapFixedReplaced => "map-fixed-replaced",
            WarningKind::MunmapMissed => "munmap-missed",
        }
    }
}

/// An "OK, but…": something the run did that its outcome does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The sentence, in English (the screen builds its own in the student's language from the
    /// fields below; this one is for JSON readers and is ignored when a record is read back).
    #[serde(default, skip_deserializing)]
    pub text: String,
    /// Index (in `steps`) of the step that did it.
    pub step: usize,
    /// Where the replaced range starts.
    pub addr: u64,
    /// How many bytes that were mapped before the step are mapped anew by it.
    pub bytes: u64,
    /// What was mapped there: the last part of the maps line's path (`data`), `None` for
    /// anonymous memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// For `munmap-missed`: how many bytes of the mapping are still mapped after the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_mapped: Option<u64>,
}

impl Warning {
    /// The sentence in `lang`, from the library's texts.
    pub fn sentence(&self, lang: crate::Lang) -> String {
        use crate::texts::Text;
        match self.kind {
            WarningKind::MapFixedReplaced => {
                let what = match &self.replaced {
                    Some(name) => Text::WarnReplacedFile.fill(lang, &[name]),
                    None => Text::WarnReplacedAnon.get(lang).to_string(),
                };
                let page = crate::engine::page_size().max(1);
                Text::WarnMapFixedReplaced.fill(
                    lang,
                    &[
                        &self.bytes.div_ceil(page).to_string(),
                        &format!("{:#x}", self.addr),
                        &what,
                    ],
                )
            }
            WarningKind::MunmapMissed => {
                let page = crate::engine::page_size().max(1);
                let left = self.left_mapped.unwrap_or(0).div_ceil(page).to_string();
                let gone = self.bytes.div_ceil(page).to_string();
                let what = match &self.replaced {
                    Some(name) => Text::WarnReplacedFile.fill(lang, &[name]),
                    None => Text::WarnReplacedAnon.get(lang).to_string(),
                };
                let at = format!("{:#x}", self.addr);
                match (self.left_mapped.unwrap_or(0) > 0, self.bytes > 0) {
                    (true, true) => Text::WarnMunmapBoth.fill(lang, &[&left, &gone, &at, &what]),
                    (true, false) => Text::WarnMunmapLeft.fill(lang, &[&left]),
                    _ => Text::WarnMunmapOutside.fill(lang, &[&gone, &at, &what]),
                }
            }
        }
    }
}

/// The warnings the run's evidence supports. For now one kind: a `MAP_FIXED` mmap (without
/// `MAP_FIXED_NOREPLACE`, which refuses instead) that succeeded over pages the process had
/// mapped. The evidence is the child's own `/proc/self/maps`, captured after the last step
/// that changed the address space before the mmap: the lines that overlap the range the mmap
/// returned are the pages it replaced. Without such a capture there is no evidence, and no
/// warning: nothing is assumed from the parameters.
fn warnings(plan: &Plan, seen: &[Seen], record_index: &[Option<usize>]) -> Vec<Warning> {
    let mut out = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let Op::Map(MapOp::Mmap { length, flags, .. }) = step.op else {
            continue;
        };
        if flags & flags::MAP_FIXED == 0 || flags & flags::MAP_FIXED_NOREPLACE != 0 {
            continue;
        }
        let Some((ret, _, 0)) = seen.get(i).and_then(|s| s.end) else {
            continue;
        };
        // The capture before it, if nothing mapped or unmapped memory in between.
        let before = plan.steps[..i].iter().enumerate().rev().find(|(_, s)| {
            matches!(
                s.op,
                Op::Map(MapOp::Maps | MapOp::Mmap { .. } | MapOp::Munmap { .. })
            ) && s.side == step.side
        });
        let Some((j, _)) = before.filter(|(_, s)| matches!(s.op, Op::Map(MapOp::Maps))) else {
            continue;
        };
        let Some(maps) = seen.get(j).filter(|s| s.end.is_some()) else {
            continue;
        };
        let lo = ret as u64;
        let hi = lo.saturating_add(length);
        let mut bytes = 0u64;
        let mut replaced = None;
        for line in String::from_utf8_lossy(&maps.payload).lines() {
            let Some((a, b)) = maps_range(line) else {
                continue;
            };
            let (from, to) = (a.max(lo), b.min(hi));
            if from < to {
                bytes = bytes.saturating_add(to - from);
                if replaced.is_none() {
                    replaced = Some(maps_name(line));
                }
            }
        }
        if bytes == 0 {
            continue;
        }
        let mut w = Warning {
            kind: WarningKind::MapFixedReplaced,
            text: String::new(),
            step: record_index.get(i).copied().flatten().unwrap_or(0),
            addr: lo,
            bytes,
            replaced: replaced.flatten(),
            left_mapped: None,
        };
        w.text = w.sentence(crate::Lang::En);
        out.push(w);
    }
    out.extend(munmap_missed(plan, seen, record_index));
    out
}

/// The value a plan argument had when the child ran, from the steps' results.
fn resolved(v: Val, seen: &[Seen]) -> Option<i64> {
    let end = |i: usize| seen.get(i).and_then(|s| s.end);
    match v {
        Val::Lit(n) => Some(n),
        Val::Ret(i) => end(i).map(|e| e.0),
        Val::RetPlus(i, off) => end(i).map(|e| e.0.wrapping_add(off)),
        Val::Aux(i) => end(i).map(|e| e.1),
    }
}

/// Bytes of `lo..hi` that the maps listing `text` covers.
fn covered(text: &str, lo: u64, hi: u64) -> u64 {
    text.lines()
        .filter_map(maps_range)
        .map(|(a, b)| b.min(hi).saturating_sub(a.max(lo)))
        .sum()
}

/// A successful `munmap` whose range was not the mapping's (`munmap-missed`). The evidence is
/// the child's `/proc/self/maps` captured right before and right after the call (nothing else
/// mapping or unmapping in between): the mapping's bytes still listed after it, and the bytes
/// outside the mapping but inside the munmap's range that were listed before and are gone
/// after. Without both captures there is no warning.
fn munmap_missed(plan: &Plan, seen: &[Seen], record_index: &[Option<usize>]) -> Vec<Warning> {
    let mut out = Vec::new();
    let page = crate::engine::page_size().max(1);
    let Some(m) = plan
        .mapping_step
        .and_then(|i| seen.get(i)?.end)
        .and_then(|(r, _, e)| (e == 0 && r != -1).then_some(r as u64))
    else {
        return out;
    };
    let m_hi = m.saturating_add(plan.mapping_len.div_ceil(page) * page);
    let changes = |s: &super::plan::Step| {
        matches!(
            s.op,
            Op::Map(MapOp::Maps | MapOp::Mmap { .. } | MapOp::Munmap { .. })
        )
    };
    for (i, step) in plan.steps.iter().enumerate() {
        let Op::Map(MapOp::Munmap { addr, length, .. }) = step.op else {
            continue;
        };
        let Some((_, _, 0)) = seen.get(i).and_then(|s| s.end) else {
            continue;
        };
        let Some(lo) = resolved(addr, seen).map(|a| a as u64) else {
            continue;
        };
        let hi = lo.saturating_add(length.div_ceil(page) * page);
        if (lo, hi) == (m, m_hi) {
            continue;
        }
        // The captures right before and right after, on the same side.
        let capture = |j: usize| {
            let st = &plan.steps[j];
            (matches!(st.op, Op::Map(MapOp::Maps)) && st.side == step.side)
                .then(|| seen.get(j).filter(|s| s.end.is_some()))
                .flatten()
                .map(|s| String::from_utf8_lossy(&s.payload).into_owned())
        };
        let before = (0..i)
            .rev()
            .find(|&j| changes(&plan.steps[j]) && plan.steps[j].side == step.side)
            .and_then(capture);
        let after = (i + 1..plan.steps.len())
            .find(|&j| changes(&plan.steps[j]) && plan.steps[j].side == step.side)
            .and_then(capture);
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        let left = covered(&after, m, m_hi);
        // The parts of the munmap's range outside the mapping: below it and above it.
        let outside = [(lo, hi.min(m)), (lo.max(m_hi), hi)];
        let mut gone = 0u64;
        let mut first = None;
        let mut what = None;
        for (a, b) in outside.into_iter().filter(|(a, b)| a < b) {
            let g = covered(&before, a, b).saturating_sub(covered(&after, a, b));
            if g > 0 {
                gone += g;
                // The first line the call took away names what was there.
                if first.is_none() {
                    if let Some(line) = before
                        .lines()
                        .find(|l| maps_range(l).is_some_and(|(x, y)| x.max(a) < y.min(b)))
                    {
                        first = maps_range(line).map(|(x, _)| x.max(a));
                        what = Some(maps_name(line));
                    }
                }
            }
        }
        if left == 0 && gone == 0 {
            continue;
        }
        let mut w = Warning {
            kind: WarningKind::MunmapMissed,
            text: String::new(),
            step: record_index.get(i).copied().flatten().unwrap_or(0),
            addr: first.unwrap_or(m),
            bytes: gone,
            replaced: what.flatten(),
            left_mapped: (left > 0).then_some(left),
        };
        w.text = w.sentence(crate::Lang::En);
        out.push(w);
    }
    out
}

/// The address range of a `/proc/self/maps` line.
pub(crate) fn maps_range(line: &str) -> Option<(u64, u64)> {
    let (range, _) = line.split_once(' ')?;
    let (a, b) = range.split_once('-')?;
    Some((
        u64::from_str_radix(a, 16).ok()?,
        u64::from_str_radix(b, 16).ok()?,
    ))
}

/// The last part of a maps line's path (`data` for `/tmp/mmap-lab-…/data`), `None` when the
/// line names no file (anonymous memory).
fn maps_name(line: &str) -> Option<String> {
    let path = line.split_whitespace().nth(5)?;
    path.starts_with('/')
        .then(|| path.rsplit('/').next().unwrap_or(path).to_string())
}

/// What the parent learned about one plan step.
#[derive(Debug, Default, Clone)]
struct Seen {
    begun: bool,
    end: Option<(i64, i64, i32)>,
    payload: Vec<u8>,
    /// Each timed run's nanoseconds, in order.
    nanos: Vec<u64>,
    /// Each timed run's cost, in order.
    costs: Vec<RunCost>,
    faults: Option<Faults>,
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

/// Build the record of a run from the child's reports and its exit.
pub(crate) fn build(
    plan: &Plan,
    reports: Vec<Report>,
    exit: Exit,
    page_size: u64,
    env: &Environment,
    elapsed_us: u64,
    calls: Option<&[witness::Seen]>,
) -> Run {
    let mut seen = vec![Seen::default(); plan.steps.len()];
    // The fault the child's handler reported: (step, signal, si_code, address).
    let mut fault = None;
    // The child's landmarks, `(id, addr, len)`, and the step that clobbered one of them:
    // `(step, first byte, landmark)`.
    let mut landmarks = Vec::new();
    let mut clobbered = None;
    for r in reports {
        let h = r.header;
        match r.kind {
            Kind::Landmark => {
                landmarks.push((h.step, h.ret as u64, h.aux as u64));
                continue;
            }
            Kind::Clobbered => {
                clobbered = Some((h.step as usize, h.ret as u64, h.aux as u32));
                continue;
            }
            _ => {}
        }
        let Some(s) = seen.get_mut(h.step as usize) else {
            continue;
        };
        match r.kind {
            Kind::Begin => s.begun = true,
            Kind::End => s.end = Some((h.ret, h.aux, h.errno)),
            Kind::Payload => s.payload.extend_from_slice(&r.payload),
            Kind::Nanos => s.nanos.push(h.ret.max(0) as u64),
            Kind::RunCost => s.costs.push(RunCost {
                minor_faults: h.ret.max(0) as u64,
                major_faults: h.aux.max(0) as u64,
                syscalls: h.errno.max(0) as u64,
            }),
            Kind::Faults => {
                s.faults = Some(Faults {
                    minor: h.ret.max(0) as u64,
                    major: h.aux.max(0) as u64,
                })
            }
            Kind::Fault => fault = Some((h.step as usize, h.errno, h.aux as i32, h.ret as u64)),
            Kind::Witness | Kind::Landmark | Kind::Clobbered => {}
        }
    }
    let mapping_addr = plan
        .mapping_step
        .and_then(|i| seen.get(i)?.end)
        .and_then(|(r, _, e)| (e == 0 && r != -1).then_some(r as u64));
    // The program's and the libraries' regions are named after their files.
    let own: Vec<OwnRegion> = regions::own_regions(&landmarks, page_size)
        .into_iter()
        .map(|mut o| {
            if matches!(o.what, Region::Program | Region::CLibrary | Region::Library) {
                o.name = super::image_name(o.start);
            }
            o
        })
        .collect();
    // The last maps the child captured before step `at`.
    let capture_before = |at: usize| {
        plan.steps[..at.min(plan.steps.len())]
            .iter()
            .zip(&seen)
            .rev()
            .find(|(st, s)| matches!(st.op, Op::Map(MapOp::Maps)) && s.end.is_some())
            .map(|(_, s)| String::from_utf8_lossy(&s.payload).into_owned())
    };
    let experiment_before = |at: usize| experiment_ranges(plan, &seen, at, page_size);
    // Steps whose own system call the witness saw succeed, though the step did not get to
    // report its end (a signal struck right after the call returned).
    // Without the witness, a fault during such a step at an address inside the range it
    // takes away says the same: a system call faults on no address of its arguments (it
    // fails with EFAULT), so the call had returned and the memory there was gone.
    let returned: Vec<bool> = (0..plan.steps.len())
        .map(|i| {
            let name = plan.steps[i].op.function().name();
            let witnessed = calls
                .into_iter()
                .flatten()
                .any(|c| c.step == i && c.call.name == name && c.call.ret >= 0);
            let faulted_inside = fault.is_some_and(|(at, _, _, addr)| {
                at == i
                    && ops::map::takes_away(&plan.steps[i].op, |v| resolved(v, &seen).unwrap_or(0))
                        .is_some_and(|(lo, len, _)| {
                            let page = page_size.max(1);
                            lo <= addr && addr < lo.saturating_add(len.div_ceil(page) * page)
                        })
            });
            witnessed || faulted_inside
        })
        .collect();
    // What step `i` touched, unmapped or replaced, part by part (see `regions`).
    let touched = |i: usize| -> Vec<Touched> {
        let Some(((lo, hi), removes)) = reach_of(plan, &seen, &returned, i, page_size) else {
            return Vec::new();
        };
        let maps = capture_before(i);
        let experiment = experiment_before(i);
        let layout = Layout {
            own: &own,
            experiment: &experiment,
            maps: maps.as_deref(),
        };
        let mut parts = layout.split(lo, hi);
        if removes {
            parts.retain(|t| t.what != Region::NotMapped);
        }
        parts
    };
    // The fault in full, for the signal that ended the run: what the handler saw, and what
    // the last maps the child captured before that step say was at the address.
    let detail = |sig: i32| -> Option<SignalDetail> {
        let (at, _, code, addr) = fault.filter(|f| f.1 == sig)?;
        let maps = capture_before(at);
        let page = page_size.max(1);
        let mapping = mapping_addr.map(|a| (a, plan.mapping_len.div_ceil(page) * page));
        let guard = plan
            .steps
            .iter()
            .any(|st| st.purpose == Some(Purpose::GuardReserve));
        let experiment = experiment_before(at);
        let layout = Layout {
            own: &own,
            experiment: &experiment,
            maps: maps.as_deref(),
        };
        let named = layout.what_at(addr);
        let mut hit = maps
            .as_deref()
            .map(|m| signals::classify(m, addr, mapping, guard));
        if let (Some(h), Some((what, name, _))) = (hit.as_mut(), &named) {
            h.what = Some(*what);
            h.name.clone_from(name);
        }
        // The step's own access is the touch of its own range; any other fault at the
        // process's own pages comes from the code around the step (the lab's, the C
        // library's), running after the step's system call returned.
        let targeted = touch_range(plan, &seen, at).is_some_and(|(lo, hi)| lo <= addr && addr < hi);
        // The step that took away the memory at the address (this one: its call returned).
        let caused_by = (0..=at.min(plan.steps.len().saturating_sub(1)))
            .rev()
            .find(|&j| {
                reach_of(plan, &seen, &returned, j, page_size)
                    .is_some_and(|((lo, hi), removes)| removes && lo <= addr && addr < hi)
            });
        let gone_own = caused_by.is_some_and(|j| {
            touched(j)
                .iter()
                .any(|t| t.what.own() && t.start <= addr && addr < t.end)
        });
        let own_hit = named.as_ref().is_some_and(|(w, _, _)| w.own()) || gone_own;
        Some(SignalDetail {
            code,
            addr,
            ptr_offset: mapping_addr.map(|m| addr.wrapping_sub(m) as i64),
            hit,
            in_lab_code: own_hit && !targeted,
            caused_by: caused_by.filter(|_| own_hit && !targeted),
        })
    };
    let results: Vec<Option<(i64, i64)>> =
        seen.iter().map(|s| s.end.map(|(r, a, _)| (r, a))).collect();
    let namer = Namer {
        plan,
        results: &results,
    };

    // The step a signal interrupted: the last one the experiment's own process began and
    // did not finish (steps of a forked child are that child's business).
    let interrupted = match exit {
        Exit::Signal(_) => seen
            .iter()
            .enumerate()
            .rev()
            .find(|(i, s)| s.begun && s.end.is_none() && plan.steps[*i].side == Side::Parent)
            .map(|(i, _)| i),
        _ => None,
    };

    let mut steps = Vec::new();
    let mut maps = Vec::new();
    let mut outcome = None;
    let mut record_index = vec![None; plan.steps.len()];
    for (i, (step, s)) in plan.steps.iter().zip(&seen).enumerate() {
        if !s.begun {
            continue;
        }
        record_index[i] = Some(steps.len());
        let mut rec = StepRecord {
            call: calls::call(&step.op, &namer).text(),
            result: "—".to_string(),
            errno: None,
            code: None,
            signal: None,
            process: (step.side == Side::Child).then(|| "child".to_string()),
            purpose: step.purpose,
            nanos: median_nanos(&s.nanos),
            run_nanos: if s.nanos.len() > 1 {
                s.nanos.clone()
            } else {
                Vec::new()
            },
            faults: s.faults,
            syscalls: None,
            answered_by: None,
            function: step.op.function(),
            ret: s.end.map(|e| e.0),
            touched: if s.begun { touched(i) } else { Vec::new() },
            pages: Vec::new(),
            smaps: None,
        };
        match s.end {
            Some((ret, aux, e)) => {
                rec.result = step.op.family().result(&Ended {
                    ret,
                    aux,
                    errno: e,
                    payload: &s.payload,
                });
                if e != 0 {
                    let errno = Errno::from_raw(e);
                    rec.errno = Some(errno);
                    rec.code = Some(e);
                    if step.critical && outcome.is_none() {
                        // The call that got the errno, as the witness saw it (a step may
                        // make several: a read/write copy, an lseek then a write).
                        let got_it = calls
                            .into_iter()
                            .flatten()
                            .filter(|c| c.step == i && c.call.ret == -i64::from(e))
                            .find_map(|c| Function::from_name(&c.call.name));
                        outcome = Some(Outcome::Errno {
                            call: got_it.unwrap_or(step.op.family().failed_function(aux)),
                            errno,
                        });
                    }
                }
            }
            None => {
                if let (Some(at), Exit::Signal(sig)) = (interrupted, exit) {
                    if at == i {
                        rec.signal = Some(SignalNo(sig));
                        outcome = Some(Outcome::Signal {
                            signal: SignalNo(sig),
                            step: steps.len(),
                            call: rec.call.clone(),
                            detail: detail(sig),
                        });
                    }
                }
            }
        }
        if let (Some(calls), true) = (calls, witness::traces(plan, i)) {
            let made: Vec<Syscall> = calls
                .iter()
                .filter(|c| c.step == i)
                .map(|c| c.call.clone())
                .collect();
            let failed = s.end.is_some_and(|e| e.2 != 0);
            rec.answered_by = Some(if !made.is_empty() {
                AnsweredBy::Kernel
            } else if failed {
                AnsweredBy::Libc
            } else {
                AnsweredBy::None
            });
            let bookkeeping = matches!(step.op, Op::Map(MapOp::Maps));
            if !bookkeeping {
                rec.syscalls = Some(made);
            } else {
                rec.answered_by = None;
            }
        }
        if let Op::Map(MapOp::Maps) = step.op {
            // Named after the last call the student asked for: a step the engine added just
            // before the capture (the hole after a mapping) is not what it shows.
            let after = plan.steps[..i]
                .iter()
                .rev()
                .find(|s| !matches!(s.op, Op::Map(MapOp::Maps)) && s.purpose.is_none())
                .map_or("start", |s| s.op.function().name());
            maps.push(MapsSnapshot {
                after: after.to_string(),
                lines: namer.maps_lines(&s.payload, page_size, plan),
            });
        }
        steps.push(rec);
    }

    // The signal detail names the step that caused a fault by its index in the plan: in the
    // record, steps are counted among those that ran.
    if let Some(Outcome::Signal {
        detail: Some(d), ..
    }) = outcome.as_mut()
    {
        d.caused_by = d
            .caused_by
            .and_then(|j| record_index.get(j).copied().flatten());
    }
    let clobbered = clobbered.and_then(|(i, addr, id)| {
        let at = record_index.get(i).copied().flatten()?;
        let rec = steps.get(at)?;
        Some(Outcome::Clobbered {
            step: at,
            call: rec.call.clone(),
            what: Landmark::from_u32(id).map_or(Region::Plan, Landmark::region),
            addr,
            bytes: rec
                .touched
                .iter()
                .filter(|t| t.what.own())
                .map(|t| t.end - t.start)
                .sum(),
        })
    });
    // The child stops itself after a step that took away its image, and says so; if that
    // step took away what the child needed to say it (the C library's code, say), the record
    // tells the same from what the step's range held.
    let clobbered = clobbered.or_else(|| {
        steps.iter().enumerate().find_map(|(at, rec)| {
            if !matches!(rec.function, Function::Mmap | Function::Munmap) {
                return None;
            }
            let image: Vec<&Touched> = rec.touched.iter().filter(|t| t.what.image()).collect();
            let first = image.first()?;
            Some(Outcome::Clobbered {
                step: at,
                call: rec.call.clone(),
                what: first.what,
                addr: first.start,
                bytes: rec
                    .touched
                    .iter()
                    .filter(|t| t.what.own())
                    .map(|t| t.end - t.start)
                    .sum(),
            })
        })
    });
    let outcome = match exit {
        _ if clobbered.is_some() => clobbered.unwrap_or(Outcome::Ok),
        Exit::Timeout => Outcome::Timeout {
            after_ms: plan.deadline.as_millis() as u64,
        },
        Exit::Signal(sig) if outcome.is_none() => Outcome::Signal {
            signal: SignalNo(sig),
            step: steps.len().saturating_sub(1),
            call: steps.last().map(|s| s.call.clone()).unwrap_or_default(),
            detail: detail(sig).map(|mut d| {
                d.caused_by = d
                    .caused_by
                    .and_then(|j| record_index.get(j).copied().flatten());
                d
            }),
        },
        _ => outcome.unwrap_or(Outcome::Ok),
    };

    // A comparison returns 0 when the files are identical, else the first difference + 1.
    let compared = plan
        .steps
        .iter()
        .zip(&results)
        .find_map(|(st, r)| matches!(st.op, Op::Copy(CopyOp::Compare { .. })).then_some(*r))
        .flatten()
        .map(|r| r.0);

    let privileged_by = capabilities_at_stake(plan, env);
    let runs = throughput_runs(plan, &seen);
    Run {
        page_size,
        privileged: !privileged_by.is_empty(),
        privileged_by,
        environment: env.clone(),
        witness: String::new(),
        mapping_addr,
        file_check: file_check(plan, &results),
        // Only the forked child's reading is "the child read": the experiment's own process
        // may read text through its mapping too (write-vs-mapping), and that is a step result.
        child_read: plan.steps.iter().zip(&seen).find_map(|(st, s)| {
            (matches!(st.op, Op::Touch(TouchOp::ReadText { .. })) && st.side == Side::Child)
                .then(|| s.end.is_some().then(|| text_of(&s.payload)))
                .flatten()
        }),
        tally: None,
        copy_identical: compared.map(|r| r == 0),
        copy_differs_at: compared.filter(|&r| r > 0).map(|r| r as u64 - 1),
        locks_memory: plan.steps.iter().any(|st| match st.op {
            Op::Map(MapOp::Mmap { flags, .. }) => flags & flags::MAP_LOCKED != 0,
            Op::Limit(LimitOp::SetRlimit { limit, .. }) => limit == Limit::Memlock,
            _ => false,
        }),
        cost_runs: cost_runs(plan, &seen),
        // The cold first run is left out of the median (it is in `throughput_runs`).
        throughput: runs.as_ref().and_then(|r| {
            let [mmap, read_write, copy_file_range, mmap_write] =
                r.methods().map(|xs| median(warm(xs)));
            Some(Throughput {
                mmap: round1(mmap?),
                read_write: round1(read_write?),
                copy_file_range: round1(copy_file_range?),
                mmap_write: Some(round1(mmap_write?)),
            })
        }),
        throughput_runs: runs,
        warnings: warnings(plan, &seen, &record_index),
        steps,
        outcome,
        maps,
        own_regions: own,
        file_size_after: None,
        fs_free_bytes: None,
        elapsed_us,
        child_max_rss_kib: 0,
        boundaries: Vec::new(),
        held: None,
    }
}

/// The experiment's own mappings made before step `at`, most specific first: the mapping,
/// the guard reservation around it, the others (reservations, neighbours, `existing`).
fn experiment_ranges(plan: &Plan, seen: &[Seen], at: usize, page: u64) -> Vec<(u64, u64, Region)> {
    let page = page.max(1);
    let pages = |len: u64| crate::experiment::round_up(len, page);
    let mut out: Vec<(u64, u64, Region)> = Vec::new();
    for (j, st) in plan.steps.iter().enumerate().take(at) {
        let Some((ret, _, 0)) = seen.get(j).and_then(|s| s.end) else {
            continue;
        };
        // A mapping mremap moved or resized is where mremap returned, as long as it asked
        // for: reads after a move are of the mapping, not of whatever is left at its old
        // address. With MREMAP_DONTUNMAP the old range stays the experiment's, emptied.
        if let Op::Map(MapOp::Mremap {
            addr,
            new_length,
            flags: how,
            ..
        }) = st.op
        {
            let Some(old) = resolved(addr, seen).map(|a| a as u64) else {
                continue;
            };
            // The mapping itself when a reservation starts at the same address.
            let found = out
                .iter()
                .enumerate()
                .filter(|(_, r)| r.0 == old)
                .min_by_key(|(_, r)| r.2 != Region::Mapping)
                .map(|(k, _)| k);
            if let Some(k) = found {
                let (lo, hi, what) = out[k];
                if how & flags::MREMAP_DONTUNMAP != 0 {
                    out[k] = (lo, hi, Region::Experiment);
                } else {
                    out.remove(k);
                }
                let new = ret as u64;
                out.push((new, new.saturating_add(pages(new_length)), what));
            }
            continue;
        }
        let Op::Map(MapOp::Mmap { length, .. }) = st.op else {
            continue;
        };
        let lo = ret as u64;
        let hi = lo.saturating_add(pages(length));
        let what = if Some(j) == plan.mapping_step {
            Region::Mapping
        } else if st.purpose == Some(Purpose::GuardReserve) {
            Region::Guard
        } else {
            Region::Experiment
        };
        out.push((lo, hi, what));
    }
    out.sort_by_key(|r| match r.2 {
        Region::Mapping => 0,
        Region::Guard => 1,
        _ => 2,
    });
    out
}

/// The bytes a touch step reads or writes, from the values its arguments had.
fn touch_range(plan: &Plan, seen: &[Seen], i: usize) -> Option<(u64, u64)> {
    let (addr, len) = match plan.steps.get(i)?.op {
        Op::Touch(TouchOp::Byte { addr, .. }) => (addr, 1),
        Op::Touch(TouchOp::WriteText { addr, text }) => (addr, text.len() as u64 + 1),
        Op::Touch(TouchOp::ReadText { addr, len }) => (addr, len),
        _ => return None,
    };
    let a = resolved(addr, seen)? as u64;
    Some((a, a.saturating_add(len.max(1))))
}

/// What step `i` reached, and whether it took it away: the bytes a touch touched, or the
/// whole pages a successful `munmap` removed or `MAP_FIXED` replaced.
fn reach_of(
    plan: &Plan,
    seen: &[Seen],
    returned: &[bool],
    i: usize,
    page: u64,
) -> Option<((u64, u64), bool)> {
    if let Some(r) = touch_range(plan, seen, i) {
        return Some((r, false));
    }
    let succeeded = match seen.get(i)?.end {
        Some((_, _, e)) => e == 0,
        None => returned.get(i).copied().unwrap_or(false),
    };
    if !succeeded {
        return None;
    }
    let (addr, len, _) =
        ops::map::takes_away(&plan.steps.get(i)?.op, |v| resolved(v, seen).unwrap_or(0))?;
    let page = page.max(1);
    Some(((addr, addr.saturating_add(len.div_ceil(page) * page)), true))
}

/// The capabilities the process holds that could change this plan's answers.
fn capabilities_at_stake(plan: &Plan, env: &Environment) -> Vec<Capability> {
    let min_addr = env.sysctl.get("vm.mmap_min_addr").copied().unwrap_or(0);
    let needs = |cap: Capability| {
        plan.steps.iter().any(|st| match (&st.op, cap) {
            (Op::Map(MapOp::Mmap { flags, .. }), Capability::IpcLock) => {
                flags & flags::MAP_LOCKED != 0
            }
            (Op::Limit(LimitOp::SetRlimit { limit, .. }), Capability::IpcLock) => {
                *limit == Limit::Memlock
            }
            // Raising a limit above its hard limit needs CAP_SYS_RESOURCE.
            (Op::Limit(LimitOp::SetRlimit { .. }), Capability::SysResource) => true,
            (
                Op::Map(MapOp::Mmap {
                    addr: Val::Lit(a),
                    flags,
                    ..
                }),
                Capability::SysRawio,
            ) => {
                flags & (flags::MAP_FIXED | flags::MAP_FIXED_NOREPLACE) != 0
                    && (*a as u64) < min_addr
            }
            _ => false,
        })
    };
    Capability::ALL
        .into_iter()
        .filter(|c| env.has(*c) && needs(*c))
        .collect()
}

/// The text in a payload up to its first NUL.
pub(crate) fn text_of(payload: &[u8]) -> String {
    let end = payload
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(payload.len());
    String::from_utf8_lossy(&payload[..end]).into_owned()
}

/// A write through the mapping followed by a read of the file at the same offset.
fn file_check(plan: &Plan, results: &[Option<(i64, i64)>]) -> Option<FileCheck> {
    let (check_at, offset) = plan
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| match s.op {
            Op::Descriptor(DescriptorOp::ReadFileByte { offset, .. }) => Some((i, offset)),
            _ => None,
        })?;
    let in_file = results.get(check_at).copied().flatten()?.0;
    let written = plan.steps[..check_at]
        .iter()
        .zip(results)
        .find_map(|(s, r)| match s.op {
            Op::Touch(TouchOp::Byte {
                write: true, value, ..
            }) => r.map(|_| value),
            _ => None,
        })?;
    (in_file >= 0).then_some(FileCheck {
        offset,
        written,
        in_file: in_file as u8,
        reached_file: in_file as u8 == written,
    })
}

/// MiB/s to one decimal, as the record stores them.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A timed step's median run (the upper middle one for an even count: a time that was
/// really measured).
fn median_nanos(runs: &[u64]) -> Option<u64> {
    let mut v = runs.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

/// Each run's speed of each copy, from the bytes the step copied and each run's time: only
/// when all three copies finished and copied something.
fn throughput_runs(plan: &Plan, seen: &[Seen]) -> Option<ThroughputRuns> {
    let rates = |want: fn(&Op) -> bool| {
        plan.steps.iter().zip(seen).find_map(|(st, s)| {
            let (ret, _, e) = s.end?;
            (want(&st.op) && e == 0 && ret > 0 && !s.nanos.is_empty()).then(|| {
                s.nanos
                    .iter()
                    .map(|&ns| round1(ret as f64 / (1u64 << 20) as f64 / (ns.max(1) as f64 / 1e9)))
                    .collect::<Vec<f64>>()
            })
        })
    };
    Some(ThroughputRuns {
        mmap: rates(|o| matches!(o, Op::Copy(CopyOp::Mmap { .. })))?,
        read_write: rates(|o| matches!(o, Op::Copy(CopyOp::ReadWrite { .. })))?,
        copy_file_range: rates(|o| matches!(o, Op::Copy(CopyOp::FileRange { .. })))?,
        mmap_write: rates(|o| matches!(o, Op::Copy(CopyOp::MmapWrite { .. })))?,
    })
}

/// Each run's cost of each copy, beside [`throughput_runs`] and under the same condition.
fn cost_runs(plan: &Plan, seen: &[Seen]) -> Option<CostRuns> {
    let costs = |want: fn(&Op) -> bool| {
        plan.steps.iter().zip(seen).find_map(|(st, s)| {
            let (ret, _, e) = s.end?;
            (want(&st.op) && e == 0 && ret > 0 && !s.costs.is_empty()).then(|| s.costs.clone())
        })
    };
    Some(CostRuns {
        mmap: costs(|o| matches!(o, Op::Copy(CopyOp::Mmap { .. })))?,
        read_write: costs(|o| matches!(o, Op::Copy(CopyOp::ReadWrite { .. })))?,
        copy_file_range: costs(|o| matches!(o, Op::Copy(CopyOp::FileRange { .. })))?,
        mmap_write: costs(|o| matches!(o, Op::Copy(CopyOp::MmapWrite { .. })))?,
    })
}

/// Renders calls and results with the values the child really used.
struct Namer<'a> {
    plan: &'a Plan,
    results: &'a [Option<(i64, i64)>],
}

impl Namer<'_> {
    fn ret(&self, i: usize) -> Option<(i64, i64)> {
        self.results.get(i).copied().flatten()
    }

    /// The lines of `/proc/self/maps` that overlap the neighbourhood of the mapping: where it
    /// was made or, when the mmap failed, where it was asked for at an address an earlier step
    /// returned (`MAP_FIXED_NOREPLACE` over an existing mapping).
    fn maps_lines(&self, payload: &[u8], page: u64, plan: &Plan) -> Vec<String> {
        let made = |i: usize| self.ret(i).and_then(|(r, _)| (r != -1).then_some(r as u64));
        let asked = |i: usize| match plan.steps.get(i).map(|s| &s.op) {
            Some(Op::Map(MapOp::Mmap {
                addr: Val::Ret(j), ..
            })) => made(*j),
            _ => None,
        };
        let Some(addr) = plan.mapping_step.and_then(|i| made(i).or_else(|| asked(i))) else {
            return Vec::new();
        };
        let (below, above) = ops::map::capture_window(plan, page);
        let window =
            |addr: u64, above: u64| (addr.saturating_sub(below), addr.saturating_add(above));
        let mut windows = vec![window(addr, above)];
        // A mapping mremap moved lives somewhere else now: keep the lines there too.
        for (i, step) in plan.steps.iter().enumerate() {
            if let Op::Map(MapOp::Mremap { new_length, .. }) = step.op {
                if let Some((r, _)) = self.ret(i).filter(|&(r, _)| r != -1) {
                    windows.push(window(r as u64, ops::map::capture_margin(new_length, page)));
                }
            }
        }
        String::from_utf8_lossy(payload)
            .lines()
            .filter(|line| {
                maps_range(line)
                    .is_some_and(|(a, b)| windows.iter().any(|&(lo, hi)| a < hi && b > lo))
            })
            .map(str::to_string)
            .collect()
    }
}

impl ValueNames for Namer<'_> {
    /// An address argument: `ptr` for the mapping (its value is on the mmap line), else hex.
    fn addr(&self, v: Val) -> String {
        let base = |i: usize| -> String {
            if Some(i) == self.plan.mapping_step {
                return "ptr".to_string();
            }
            match self.ret(i) {
                Some((r, _)) => format!("{:#x}", r as u64),
                None => "?".to_string(),
            }
        };
        match v {
            Val::Lit(0) => "NULL".to_string(),
            Val::Lit(x) => format!("{:#x}", x as u64),
            Val::Ret(i) => base(i),
            Val::RetPlus(i, d) if Some(i) == self.plan.mapping_step => {
                if d < 0 {
                    format!("ptr - {}", d.unsigned_abs())
                } else {
                    format!("ptr + {d}")
                }
            }
            Val::RetPlus(i, d) => match self.ret(i) {
                Some((r, _)) => format!("{:#x}", r.wrapping_add(d) as u64),
                None => "?".to_string(),
            },
            Val::Aux(i) => self.ret(i).map_or("?".to_string(), |r| r.1.to_string()),
        }
    }

    /// A number argument (descriptors, pids): the real value.
    fn num(&self, v: Val) -> String {
        match v {
            Val::Lit(x) => x.to_string(),
            Val::Ret(i) => self.ret(i).map_or("?".to_string(), |r| r.0.to_string()),
            Val::RetPlus(i, d) => self
                .ret(i)
                .map_or("?".to_string(), |r| r.0.wrapping_add(d).to_string()),
            Val::Aux(i) => self.ret(i).map_or("?".to_string(), |r| r.1.to_string()),
        }
    }
}
