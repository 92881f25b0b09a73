//! The JSON contract as types: what `mmap-lab list --json` and `mmap-lab run --json` print,
//! field by field, from which the committed JSON Schema (`docs/schema/`) is generated with
//! schemars. `docs/json.md` says the same for readers.
//!
//! The records themselves are serialised by the engine crate (`mmap-lab-engine`, in
//! `scenarios/`). Where an engine type serialises with a plain derive, the schema is derived
//! from that type itself (its `schema` feature, which this crate turns on): the enums
//! (`Purpose`, `Region`, `WarningKind`, `AnsweredBy`, a fault's `HitKind`) and the plain
//! structs (`Syscall`, `Faults`, `OwnRegion`, `Touched`, `PageState`, `Smaps`, `Hit`,
//! `MapsSnapshot`, `FileCheck`, `Throughput`, `RunCost`), re-exported below. The types still
//! declared here are those the engine writes by hand (the outcome object, a step with its
//! function, errno and signal names, the run with its outcome inside) or that come from the
//! program (the list, the progress). All deny unknown fields on purpose:
//! `tests/json_schema.rs` validates real output against the schema, so a field added to a
//! record fails that test until it is described, and the committed schema is regenerated with
//!
//! ```sh
//! MMAP_LAB_UPDATE_SCHEMA=1 cargo test --test json_schema
//! ```

pub use mmap_lab_engine::engine::pages::{PageState, Smaps};
pub use mmap_lab_engine::engine::record::{Faults, FileCheck, MapsSnapshot, RunCost, Throughput};
pub use mmap_lab_engine::engine::regions::{OwnRegion, Touched};
pub use mmap_lab_engine::engine::signals::Hit;
use mmap_lab_engine::engine::witness::AnsweredBy;
pub use mmap_lab_engine::engine::witness::Syscall;
use mmap_lab_engine::engine::{Purpose, WarningKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the JSON shape, in every record as `"schema"`. It grows when a field
/// changes meaning or goes away; added fields do not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// The lab's version, in every record as `"lab_version"`.
pub const LAB_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One scenario of `mmap-lab list --json` (the output is an array of these).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mmap-lab list --json item")]
pub struct ListItem {
    /// The version of this JSON shape: 1.
    pub schema: u32,
    /// The lab that printed it (`0.1.0`).
    pub lab_version: String,
    /// The scenario's id, as `run`, `explain` and `c` take it.
    pub id: String,
    /// Its title, in the language chosen (`--lang`).
    pub title: String,
    /// Its group in the lesson order.
    pub topic: Topic,
    /// The `--set` keys it accepts, in the knob table's order.
    pub keys: Vec<String>,
}

/// What `mmap-lab list --json` prints: one array of every scenario, in lesson order.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(title = "mmap-lab list --json")]
pub struct ListOutput(pub Vec<ListItem>);

/// What `mmap-lab progress --json` prints: the state file and each scenario's progress.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mmap-lab progress --json")]
pub struct ProgressOutput {
    /// The version of this JSON shape: 1.
    pub schema: u32,
    /// The lab that printed it (`0.1.0`).
    pub lab_version: String,
    /// The state file read.
    pub state_file: String,
    /// The scenario the lab showed last, if any.
    pub last_scenario: Option<String>,
    /// Every scenario, in lesson order.
    pub scenarios: Vec<ProgressItem>,
}

/// One scenario's progress.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressItem {
    /// The scenario's id.
    pub id: String,
    /// Its lesson number.
    pub order: u32,
    /// `done`, `in_progress` or `not_started`.
    pub stage: Stage,
    /// How many runs finished.
    pub runs: u32,
    /// Whether it ran with its defaults.
    pub default_done: bool,
    /// How many of its lesson's variants ran.
    pub variants_done: u32,
    /// How many variants its lesson has.
    pub variants: u32,
    /// Predictions that were right.
    pub predictions_right: u32,
    /// Predictions that were wrong.
    pub predictions_wrong: u32,
    /// The `--set`s of its last run, `KEY=VALUE`.
    pub last_params: Vec<String>,
}

/// Where a scenario stands in the course.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Run with its defaults and every variant.
    Done,
    /// Run at least once.
    InProgress,
    /// Never run.
    NotStarted,
}

/// A scenario's group.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// What mmap and munmap accept as arguments.
    Arguments,
    /// The file behind a mapping.
    TheFile,
    /// Copying, sharing.
    Uses,
    /// Beyond the course notes: more ways mmap surprises people.
    Beyond,
    /// Every knob free.
    Free,
}

/// One run of `mmap-lab run ID --json` (`run --all --json`: an array of these).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mmap-lab run --json record")]
pub struct RunRecord {
    /// The version of this JSON shape: 1.
    pub schema: u32,
    /// The lab that produced the record (`0.1.0`).
    pub lab_version: String,
    /// The scenario's id.
    pub scenario: String,
    /// The parameters it ran with: every key the scenario shows, numbers as numbers, the
    /// rest as the text `--set` accepts back (`"PROT_READ|PROT_WRITE"`, `"read@0"`).
    pub params: BTreeMap<String, ParamValue>,
    /// `sysconf(_SC_PAGESIZE)` in the run.
    pub page_size: u64,
    /// Whether a capability the lab holds may have changed this run's answer (see
    /// `privileged_by`): a normal user's answer can then differ.
    pub privileged: bool,
    /// The capabilities held that matter to this run: `CAP_IPC_LOCK` (it locks memory),
    /// `CAP_SYS_RESOURCE` (it sets a resource limit), `CAP_SYS_RAWIO` (it maps at a fixed
    /// address below `vm.mmap_min_addr`). Absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged_by: Option<Vec<String>>,
    /// Where the run happened.
    pub environment: Environment,
    /// `on` when every traced step lists the system calls the kernel saw, else `off: <why>`.
    pub witness: String,
    /// Every step that started, in order.
    pub steps: Vec<Step>,
    /// How the experiment ended.
    pub outcome: Outcome,
    /// `/proc/self/maps` lines near the mapping, captured by the child after mmap (and after
    /// munmap in the munmap scenarios). Absent when nothing was captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maps: Option<Vec<MapsSnapshot>>,
    /// The address mmap returned, when it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping_addr: Option<u64>,
    /// The process's own regions the experiment's child reported at its start (page-rounded):
    /// the lab's plan, its thread-local storage, its signal stack and that stack's guard
    /// page, its stack; and its image as the lab found it before the fork: the program, the
    /// C library and the other libraries (named), the heap, the vDSO and its data page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_regions: Option<Vec<OwnRegion>>,
    /// The mapped file's size when the run ended, when the mapping is of a file the plan
    /// opened in the experiment's directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size_after: Option<u64>,
    /// The bytes free on the filesystem of the experiment's files when the run ended
    /// (`fstatvfs`): with the file's size, what tells a `SIGBUS` past the end of the file from
    /// one of a full filesystem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_free_bytes: Option<u64>,
    /// A write through the mapping read back from the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_check: Option<FileCheck>,
    /// What the forked child read from the shared memory (`anonymous-ipc`); empty when it
    /// read nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_read: Option<String>,
    /// With `repeat` above 1 (`anonymous-ipc`): every run's answer and how often the child
    /// read the parent's text; the record's other fields are the first run's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// Whether the copy matched the source byte for byte (`mmap-copy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_identical: Option<bool>,
    /// The offset of the first byte that differs, when a copy differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_differs_at: Option<u64>,
    /// Present (and `true`) when the experiment locks memory, where root's
    /// `CAP_IPC_LOCK` changes the kernel's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locks_memory: Option<bool>,
    /// MiB per second of each way of copying the same file in the same run (`mmap-copy`):
    /// the median of its runs (`copy_runs`), the first (cold) run left out when there are
    /// others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput_mib_s: Option<Throughput>,
    /// MiB per second of every run of each way of copying, in the order run (`mmap-copy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput_runs_mib_s: Option<ThroughputRuns>,
    /// What every run of each way of copying cost, in the order of `throughput_runs_mib_s`
    /// (`mmap-copy`): page faults (the kernel's count) and system calls (the copy's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_runs: Option<CostRuns>,
    /// Wall time of the experiment's child, in microseconds.
    pub elapsed_us: u64,
    /// The child's peak resident memory in KiB (`wait4`'s `ru_maxrss`).
    pub child_max_rss_kib: u64,
}

/// A parameter's value: a number for numeric keys, `true`/`false` for yes/no keys, text for
/// the rest.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ParamValue {
    /// A number (`length`, `offset`, …).
    Number(i64),
    /// A number beyond `i64` (a large unsigned `length`).
    Unsigned(u64),
    /// A yes/no knob (`close_fd`, `guard`, …).
    Bool(bool),
    /// Anything else, as `--set` takes it.
    Text(String),
}

/// One step as it ran.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The C-like call with its real arguments: `mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 1000)`.
    pub call: String,
    /// The return value as C shows it (`3`, `0x7f…`, `MAP_FAILED`, `-1`), or `—` when a
    /// signal struck during the step.
    pub result: String,
    /// The errno's name when the call failed (`EINVAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<String>,
    /// The errno's number when the call failed (22).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// The signal that struck during the step (`SIGBUS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// `child` for a step run by a process the experiment forked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Why the engine added the step when the student did not ask for it (the engine's own
    /// type: every value it can print).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// How long a timed step took, in nanoseconds (a step run several times: its median run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nanos: Option<u64>,
    /// Each run's nanoseconds, in order, for a timed step run several times (`copy_runs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_nanos: Option<Vec<u64>>,
    /// The function called (`open`, `mmap`, `munmap`, `load`, `store`, `fork`, …).
    pub function: String,
    /// The raw return value, when the step finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ret: Option<i64>,
    /// The system calls the step made, as the kernel saw them (the witness). Absent when
    /// the witness was off, for the lab's own bookkeeping and for untraced timed loops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<Vec<Syscall>>,
    /// Who answered (the engine's own type): `kernel` (a system call was seen), `libc` (the C
    /// library failed the call without one), `none` (not a call: a load, a store, a copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<AnsweredBy>,
    /// Page faults during the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<Faults>,
    /// What the addresses the step touched (a load, a store), unmapped (a successful munmap)
    /// or replaced (a successful mmap with `MAP_FIXED`) were, part by part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touched: Option<Vec<Touched>>,
    /// The state of the mapping's pages after the step, as the kernel reported it
    /// (`/proc/PID/pagemap`, read from outside the stopped process; after a fork, each
    /// process's). Absent before the mapping exists, for mmap-copy, and with the witness off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<PageState>>,
    /// The mapping's `/proc/PID/smaps` figures after a step on it (a mapping call, a touch,
    /// the fork), of the process that made the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smaps: Option<Smaps>,
}

/// Where a run happened.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The kernel release (`uname -r`).
    pub kernel: String,
    /// The machine (`x86_64`, `aarch64`).
    pub arch: String,
    /// The C library and its version (`glibc 2.36`).
    pub libc: String,
    /// `sysconf(_SC_PAGESIZE)`.
    pub page_size: u64,
    /// The effective capabilities among `CAP_IPC_LOCK`, `CAP_SYS_RESOURCE`, `CAP_SYS_RAWIO`.
    pub capabilities: Vec<String>,
    /// `RLIMIT_AS`, `RLIMIT_DATA`, `RLIMIT_MEMLOCK`, `RLIMIT_NOFILE` in force.
    pub limits: BTreeMap<String, LimitValue>,
    /// `vm.max_map_count`, `vm.overcommit_memory`, `vm.mmap_min_addr`, when readable.
    pub sysctl: BTreeMap<String, u64>,
    /// Whether `steps[].pages[].pfn` holds frame numbers: the kernel shows them only to a
    /// reader with `CAP_SYS_ADMIN`.
    pub pfn_visible: bool,
    /// Why not, when `pfn_visible` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pfn_reason: Option<String>,
}

/// A resource limit: soft and hard, `null` for unlimited.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitValue {
    /// The limit a process meets.
    pub soft: Option<u64>,
    /// How far an unprivileged process may raise it.
    pub hard: Option<u64>,
}

/// An "OK, but…": what a run did that its outcome does not say.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// What it is about (the engine's own type: every value it can print).
    pub kind: WarningKind,
    /// The sentence, in English.
    pub text: String,
    /// Index in `steps` of the step that did it.
    pub step: u64,
    /// Where the affected range starts.
    pub addr: u64,
    /// How many bytes it affected.
    pub bytes: u64,
    /// What was there: the file's name, absent for anonymous memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// For `munmap-missed`: how many bytes of the mapping are still mapped after the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_mapped: Option<u64>,
}

/// How the experiment ended, by `kind`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Outcome {
    /// Every critical step succeeded and no signal struck.
    Ok {
        /// What the run did besides, silently ("OK, but…").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warnings: Option<Vec<Warning>>,
    },
    /// A critical call failed.
    Errno {
        /// The function that failed (`mmap`).
        call: String,
        /// The errno's name (`EINVAL`).
        errno: String,
        /// Its number (22).
        code: i32,
        /// The C library's `strerror` text (`Invalid argument`).
        message: String,
    },
    /// A signal killed the experiment's process.
    Signal {
        /// Its name (`SIGBUS`, `SIGSEGV`).
        signal: String,
        /// Its number.
        number: i32,
        /// The index in `steps` of the step it interrupted.
        step: u64,
        /// That step's call.
        call: String,
        /// `si_code` by name (`SEGV_MAPERR`, `SEGV_ACCERR`, `BUS_ADRERR` …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// The faulting address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        addr: Option<u64>,
        /// The faulting address counted from the mapping (`ptr + N`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ptr_offset: Option<i64>,
        /// What was at the address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hit: Option<Hit>,
        /// Present (and `true`) when the signal came from the process's own code (the lab's,
        /// the C library's) at its own pages, not from the step's own access: the step's
        /// system call had returned.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_lab_code: Option<bool>,
        /// The index in `steps` of the step that took away the memory the fault hit (a
        /// `munmap`, an `mmap` with `MAP_FIXED`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caused_by_step: Option<u64>,
    },
    /// The child ran past its deadline and was killed.
    Timeout {
        /// The deadline, in milliseconds.
        after_ms: u64,
    },
    /// A step replaced or removed memory the experiment's process itself runs on (the lab's
    /// plan, its TLS, its stack): the kernel's answer to that step is real, and the child
    /// stopped right after it, since what would follow is not the kernel's answer.
    Clobbered {
        /// The index in `steps` of the step that did it.
        step: u64,
        /// That step's call.
        call: String,
        /// The first of the process's own regions it hit (`plan`, `thread-local-storage` …).
        what: String,
        /// Where it starts to hit it.
        addr: u64,
        /// How many bytes of the process's own memory the step took away, all regions.
        bytes: u64,
    },
}

/// The same experiment run `repeat` times, each in a new process, counted.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// How the child waited for the parent's write: `pipe`, `sleep` or `none`.
    pub sync: String,
    /// With `sleep`: how long the child slept, in microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sleep_us: Option<u64>,
    /// The text the parent wrote (`hello, world`).
    pub text: String,
    /// How many runs' child read exactly that text.
    pub saw_text: u32,
    /// Every run, in order; the first is the record's own.
    pub runs: Vec<TallyRun>,
}

/// One run of a [`Tally`].
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TallyRun {
    /// How it ended.
    pub outcome: Outcome,
    /// What the child read, when it got that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_read: Option<String>,
}

/// MiB per second of each run of each copy in `mmap-copy`, in the order run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThroughputRuns {
    /// Through two mappings, a window at a time.
    pub mmap: Vec<f64>,
    /// With `read` and `write` through a buffer.
    pub read_write: Vec<f64>,
    /// With `copy_file_range`, in the kernel.
    pub copy_file_range: Vec<f64>,
    /// From a mapping of the source with `write` into the destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmap_write: Option<Vec<f64>>,
}

/// What each run of each copy in `mmap-copy` cost, in the order run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostRuns {
    /// Through two mappings, a window at a time.
    pub mmap: Vec<RunCost>,
    /// With `read` and `write` through a buffer.
    pub read_write: Vec<RunCost>,
    /// With `copy_file_range`, in the kernel.
    pub copy_file_range: Vec<RunCost>,
    /// From a mapping of the source with `write` into the destination.
    pub mmap_write: Vec<RunCost>,
}

/// The schemas as committed in `docs/schema/`, one for each `--json` output (file name,
/// schema), pretty-printed with a final newline.
pub fn files() -> Vec<(&'static str, String)> {
    let pretty = |schema: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    };
    vec![
        ("run.schema.json", pretty(schemars::schema_for!(RunRecord))),
        (
            "list.schema.json",
            pretty(schemars::schema_for!(ListOutput)),
        ),
        (
            "progress.schema.json",
            pretty(schemars::schema_for!(ProgressOutput)),
        ),
    ]
}

/// `value` (a record's or a list item's JSON object) with `schema` and `lab_version` first.
pub fn stamp(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(fields) => {
            let mut out = serde_json::Map::new();
            out.insert("schema".into(), SCHEMA_VERSION.into());
            out.insert("lab_version".into(), LAB_VERSION.into());
            for (k, v) in fields {
                // The engine may one day stamp records itself; ours are the same values.
                if k != "schema" && k != "lab_version" {
                    out.insert(k, v);
                }
            }
            serde_json::Value::Object(out)
        }
        other => other,
    }
}
