//! The record in the JSON contract's shape (docs/json.md): `Run`'s own `Serialize` /
//! `Deserialize`, which put the warnings inside the outcome object (the outcome's own
//! spelling is `outcome.rs`'s, the names' `names.rs`'s).

use super::model::Run;
use super::outcome::Outcome;
use super::warning::Warning;
use serde::{Deserialize, Serialize};

/// How the experiment ended, by `kind`, and what the run did besides that its outcome does not
/// say (`warnings`, "OK, but…").
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = schema::warnings_in_each_kind))]
struct OutcomeObject {
    #[serde(flatten)]
    outcome: Outcome,
    /// What the run did besides, silently ("OK, but…"); absent when nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
}

/// A run in JSON: every field of [`Run`], and the outcome object. [`Run`]'s own schema is
/// this one.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct RunJson {
    /// (schemars reads serde's `with` as the type whose schema to use: [`Run`]'s derived
    /// one, its fields without the outcome.)
    #[serde(flatten, with = "Run")]
    run: Run,
    /// How the experiment ended.
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

#[cfg(feature = "schema")]
mod schema {
    use schemars::Schema;

    /// The outcome object's `warnings` moved into each kind's schema, and each kind made to
    /// refuse any other field (flattening drops that from `OutcomeJson`'s kinds; with
    /// `warnings` left beside them, it would be a field no kind allows).
    pub fn warnings_in_each_kind(schema: &mut Schema) {
        let Some(warnings) = schema
            .get_mut("properties")
            .and_then(|p| p.as_object_mut())
            .and_then(|p| p.remove("warnings"))
        else {
            return;
        };
        if schema
            .get("properties")
            .and_then(|p| p.as_object())
            .is_some_and(|p| p.is_empty())
        {
            schema.remove("properties");
        }
        for kind in schema
            .get_mut("oneOf")
            .and_then(|k| k.as_array_mut())
            .into_iter()
            .flatten()
        {
            if let Some(properties) = kind.get_mut("properties").and_then(|p| p.as_object_mut()) {
                properties.insert("warnings".into(), warnings.clone());
            }
            if let Some(kind) = kind.as_object_mut() {
                kind.insert("additionalProperties".into(), false.into());
            }
        }
    }
}
