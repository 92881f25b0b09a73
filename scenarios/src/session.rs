//! From a scenario and its `--set` texts to a finished [`Record`]: the one path the command
//! line, the TUI and the tests all take.

use crate::catalog::Scenario;
use crate::engine::{self, EngineError, Run};
use crate::params::{Key, ParamError, Params};
use serde::{Deserialize, Serialize};

/// One run of one scenario: the JSON object of docs/json.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Record {
    /// The scenario's id.
    pub scenario: String,
    /// The parameters it ran with: every key the scenario shows, numbers as numbers, yes/no
    /// keys as booleans, the rest as the text `--set` accepts back (`"PROT_READ|PROT_WRITE"`,
    /// `"read@0"`).
    #[cfg_attr(feature = "schema", schemars(with = "ParamsObject"))]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Everything the run produced (its JSON: the run's fields and its outcome object).
    #[serde(flatten)]
    #[cfg_attr(feature = "schema", schemars(with = "engine::record::RunJson"))]
    pub run: Run,
}

/// The schema of [`Record::params`], from the knob table: each key with the JSON type
/// [`Params::json_value`] writes for its kind, a word key's words as an enum.
#[cfg(feature = "schema")]
struct ParamsObject;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ParamsObject {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Params".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        use crate::params::KeyKind;
        use serde_json::json;
        let properties: serde_json::Map<String, serde_json::Value> = Key::ALL
            .iter()
            .map(|key| {
                let knob = key.knob();
                let mut schema = match (key.kind(), knob.off) {
                    // A number knob that is off prints its word (`none`, `unlimited`).
                    (KeyKind::Number { .. }, Some(off)) => {
                        json!({"anyOf": [{"type": "integer"}, {"type": "string", "const": off}]})
                    }
                    (KeyKind::Number { .. }, None) => json!({"type": "integer"}),
                    (KeyKind::Bool, _) => json!({"type": "boolean"}),
                    (KeyKind::Choice(words), _) => json!({"type": "string", "enum": words}),
                    (KeyKind::Flags(_) | KeyKind::Text, _) => json!({"type": "string"}),
                };
                schema["description"] = knob.doc.0.into();
                (key.name().to_string(), schema)
            })
            .collect();
        schemars::json_schema!({
            "description": "The parameters a run used: the keys its scenario shows, numbers as numbers, yes/no keys as booleans, the rest as the text `--set` accepts back.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}

/// The scenario's defaults with each `KEY=VALUE` applied in order.
pub fn prepare(scenario: &Scenario, sets: &[String]) -> Result<Params, ParamError> {
    let mut params = (scenario.defaults)(engine::page_size());
    for set in sets {
        apply(scenario, &mut params, set)?;
    }
    Ok(params)
}

/// Apply one `KEY=VALUE` to `params`, checking the key exists and the scenario takes it.
pub fn apply(scenario: &Scenario, params: &mut Params, set: &str) -> Result<(), ParamError> {
    let Some((key, value)) = set.split_once('=') else {
        return Err(ParamError::NotKeyValue(set.to_string()));
    };
    let key_text = key.trim();
    let key = Key::from_name(key_text).ok_or_else(|| ParamError::UnknownKey {
        key: key_text.to_string(),
        known: Key::ALL.map(Key::name).join(", "),
    })?;
    if !scenario.accepts(key) {
        return Err(ParamError::NotAccepted {
            scenario: scenario.id.to_string(),
            key: key_text.to_string(),
            accepted: scenario
                .keys
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    params.set(key, value)
}

/// The parameters as the JSON's `params` object.
pub fn params_json(
    scenario: &Scenario,
    params: &Params,
) -> serde_json::Map<String, serde_json::Value> {
    scenario
        .shown_keys()
        .into_iter()
        .map(|k| (k.name().to_string(), params.json_value(k)))
        .collect()
}

/// Run the scenario's experiment with these parameters.
pub fn run_scenario(scenario: &'static Scenario, params: &Params) -> Result<Record, EngineError> {
    run_scenario_until(scenario, params, None)
}

/// [`run_scenario`], cancelled early when `cancel` becomes true (see [`engine::run_until`]).
pub fn run_scenario_until(
    scenario: &'static Scenario,
    params: &Params,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Record, EngineError> {
    run_scenario_beside(scenario, params, cancel, None)
}

/// [`run_scenario_until`], doing `beside` while the experiment runs (see [`engine::Beside`]).
pub fn run_scenario_beside(
    scenario: &'static Scenario,
    params: &Params,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    beside: Option<engine::Beside<'_>>,
) -> Result<Record, EngineError> {
    run_scenario_told(scenario, params, cancel, beside, &mut |_, _| {})
}

/// [`run_scenario_until`], telling `progress` which run of a repeated experiment (`repeat`)
/// starts, `(n, of)`, before each one: a thousand runs take seconds, and the screen says how
/// far they are. Not called for a single run.
pub fn run_scenario_counted(
    scenario: &'static Scenario,
    params: &Params,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Record, EngineError> {
    run_scenario_told(scenario, params, cancel, None, progress)
}

fn run_scenario_told(
    scenario: &'static Scenario,
    params: &Params,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    beside: Option<engine::Beside<'_>>,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Record, EngineError> {
    let page = engine::page_size();
    let plan = (scenario.build)(params, page);
    if params.repeat > 1 {
        progress(1, params.repeat);
    }
    let mut run = engine::run_beside(&plan, cancel, beside)?;
    if params.repeat > 1 {
        run.tally = Some(tally(&plan, params, &run, cancel, progress)?);
    }
    Ok(Record {
        scenario: scenario.id.to_string(),
        params: params_json(scenario, params),
        run,
    })
}

/// Run the plan again until it has run `repeat` times, each run a whole experiment in a new
/// process, and count how often the child read the text the parent wrote. A cancelled run
/// stops the count where it is: the tally then says of how many runs.
fn tally(
    plan: &engine::Plan,
    params: &Params,
    first: &engine::Run,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<engine::Tally, EngineError> {
    let text = plan
        .steps
        .iter()
        .find_map(|s| match s.op {
            engine::Op::Touch(engine::TouchOp::WriteText { text, .. }) => Some(text),
            _ => None,
        })
        .unwrap_or_default();
    let entry = |run: &engine::Run| engine::TallyRun {
        outcome: run.outcome.clone(),
        child_read: run.child_read.clone(),
    };
    let mut runs = vec![entry(first)];
    while runs.len() < params.repeat as usize
        && !cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    {
        progress(runs.len() as u32 + 1, params.repeat);
        runs.push(entry(&engine::run_until(plan, cancel)?));
    }
    let saw_text = runs
        .iter()
        .filter(|r| r.child_read.as_deref() == Some(text))
        .count() as u32;
    Ok(engine::Tally {
        sync: params.sync.name().to_string(),
        sleep_us: (params.sync == crate::params::Sync::Sleep).then_some(params.sleep_us),
        text: text.to_string(),
        saw_text,
        runs,
    })
}
