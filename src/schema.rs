//! The JSON contract's top-level documents: what `mmap-lab list --json`, `mmap-lab run --json`
//! and `mmap-lab progress --json` print, assembled from the types that are serialised, from
//! which the committed JSON Schema (`docs/schema/`) is generated with schemars.
//!
//! A run's fields, its steps, its outcome and every enum in them are the engine's own types
//! (`mmap-lab-engine`, in `scenarios/`), which derive their schema behind its `schema` feature
//! (hand-written where the engine serialises by hand: function, errno and signal names). This
//! file only adds what the program prints around them: the stamp (`schema`, `lab_version`),
//! the evidence sentence, and the list and progress outputs, which the program serialises
//! from these very types. `tests/json_schema.rs` validates real output against the committed
//! schema, and fails when it is stale; regenerate it with
//!
//! ```sh
//! MMAP_LAB_UPDATE_SCHEMA=1 cargo test --test json_schema
//! ```

use crate::progress::Stage;
use mmap_lab_engine::catalog::Topic;
use mmap_lab_engine::session::Record;
use schemars::JsonSchema;
use serde::Serialize;

/// The version of the JSON shape, in every record as `"schema"`. It grows when a field
/// changes meaning or goes away; added fields do not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// The lab's version, in every record as `"lab_version"`.
pub const LAB_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What every JSON object the lab prints at the top level starts with.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub struct Stamp {
    /// The version of this JSON shape: 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema: u32,
    /// The lab that printed it (`0.1.0`).
    pub lab_version: &'static str,
}

impl Stamp {
    /// This lab's stamp.
    pub const NOW: Stamp = Stamp {
        schema: SCHEMA_VERSION,
        lab_version: LAB_VERSION,
    };
}

/// One run of `mmap-lab run ID --json` (`run --all --json`: an array of these): the engine's
/// record, stamped, with the evidence sentence.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "mmap-lab run --json record", deny_unknown_fields)]
pub struct RunRecord<'a> {
    /// The stamp.
    #[serde(flatten)]
    pub stamp: Stamp,
    /// The record as the engine serialises it.
    #[serde(flatten)]
    pub record: &'a Record,
    /// The sentence that answers the scenario's question, read off this record, in the
    /// language of the output (`--lang`): the byte read back, the argument refused and its
    /// value, where a signal struck. The same sentence as the text and Markdown reports.
    /// Absent when the step that decides it did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// One scenario of `mmap-lab list --json` (the output is an array of these).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "mmap-lab list --json item", deny_unknown_fields)]
pub struct ListItem {
    /// The stamp.
    #[serde(flatten)]
    pub stamp: Stamp,
    /// The scenario's id, as `run`, `explain` and `c` take it.
    pub id: &'static str,
    /// Its title, in the language chosen (`--lang`).
    pub title: String,
    /// Its group in the lesson order.
    pub topic: Topic,
    /// The `--set` keys it accepts, in the knob table's order.
    pub keys: Vec<&'static str>,
}

/// What `mmap-lab list --json` prints: one array of every scenario, in lesson order.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(transparent)]
#[schemars(title = "mmap-lab list --json")]
pub struct ListOutput(pub Vec<ListItem>);

/// What `mmap-lab progress --json` prints: the state file and each scenario's progress.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "mmap-lab progress --json", deny_unknown_fields)]
pub struct ProgressOutput {
    /// The stamp.
    #[serde(flatten)]
    pub stamp: Stamp,
    /// The state file read.
    pub state_file: String,
    /// The scenario the lab showed last, if any.
    pub last_scenario: Option<String>,
    /// Every scenario, in lesson order.
    pub scenarios: Vec<ProgressItem>,
}

/// One scenario's progress.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ProgressItem {
    /// The scenario's id.
    pub id: &'static str,
    /// Its lesson number.
    pub order: u32,
    /// Where it stands in the course.
    pub stage: Stage,
    /// How many runs finished.
    pub runs: u32,
    /// Whether it ran with its defaults.
    pub default_done: bool,
    /// How many of its lesson's variants ran.
    pub variants_done: usize,
    /// How many variants its lesson has.
    pub variants: usize,
    /// Predictions that were right.
    pub predictions_right: u32,
    /// Predictions that were wrong.
    pub predictions_wrong: u32,
    /// The `--set`s of its last run, `KEY=VALUE`.
    pub last_params: Vec<String>,
}

/// The schemas as committed in `docs/schema/`, one for each `--json` output (file name,
/// schema), pretty-printed with a final newline.
pub fn files() -> Vec<(&'static str, String)> {
    fn pretty<T: JsonSchema>() -> String {
        // What the lab prints, so the serialising side of each type: a field it skips when
        // empty is optional, one it always writes is required.
        let generator = schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator();
        let mut text = serde_json::to_string_pretty(&generator.into_root_schema_for::<T>())
            .unwrap_or_default();
        text.push('\n');
        text
    }
    vec![
        ("run.schema.json", pretty::<RunRecord>()),
        ("list.schema.json", pretty::<ListOutput>()),
        ("progress.schema.json", pretty::<ProgressOutput>()),
    ]
}
