//! The record in the JSON contract's shape (docs/json.md): the outcome object with its names
//! and numbers as separate fields, errno and signal names both ways, and `Run`'s own
//! `Serialize` / `Deserialize`, which put the warnings inside the outcome object.

use super::{Outcome, Run, SignalNo, Warning};

use crate::engine::function::Function;
use crate::engine::regions::Region;
use crate::engine::signals::{self, Hit, SignalDetail};
use crate::errnos;
use nix::errno::Errno;
use serde::{Deserialize, Serialize};

/// [`Outcome`] as the JSON contract spells it: names and numbers as separate fields, the
/// errno's message from the C library. Its doc comments are the JSON Schema's descriptions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Outcome", deny_unknown_fields))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OutcomeJson {
    /// Every critical step succeeded and no signal struck.
    Ok,
    /// A critical call failed.
    Errno {
        /// The function that failed (`mmap`).
        #[cfg_attr(feature = "schema", schemars(with = "Function"))]
        call: String,
        /// The errno's name (`EINVAL`).
        #[cfg_attr(feature = "schema", schemars(with = "ErrnoName"))]
        errno: String,
        /// Its number (22).
        code: i32,
        /// The C library's `strerror` text, what `perror` prints (`Invalid argument`).
        message: String,
    },
    /// A signal killed the experiment's process.
    Signal {
        /// Its name (`SIGBUS`, `SIGSEGV`).
        #[cfg_attr(feature = "schema", schemars(with = "SignalName"))]
        signal: String,
        /// Its number.
        number: i32,
        /// The index in `steps` of the step it interrupted.
        step: usize,
        /// That step's call.
        call: String,
        /// `si_code` by name: `SEGV_MAPERR`, `SEGV_ACCERR`, `BUS_ADRERR` …
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "Option<SiCodeName>"))]
        code: Option<String>,
        /// The faulting address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        addr: Option<u64>,
        /// The faulting address counted from the mapping (`ptr + N`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ptr_offset: Option<i64>,
        /// What was at the address, from the child's own `/proc/self/maps`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hit: Option<Hit>,
        /// Present (and `true`) when the signal came from the process's own code (the lab's,
        /// the C library's) at its own pages, not from the step's own access: the step's
        /// system call had returned.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        in_lab_code: bool,
        /// The index in `steps` of the step that took away the memory the fault hit (a
        /// `munmap`, an `mmap` with `MAP_FIXED`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caused_by_step: Option<usize>,
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
        step: usize,
        /// That step's call.
        call: String,
        /// The first of the process's own regions it hit (`plan`, `thread-local-storage` …).
        what: Region,
        /// Where it starts to hit it.
        addr: u64,
        /// How many bytes of the process's own memory the step took away, all regions.
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
pub(super) mod errno_name {
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
pub(super) mod signal_name {
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

/// The placeholder the derive needs for the skipped field; the impls below always set it.
pub(super) fn no_outcome() -> Outcome {
    Outcome::Ok
}

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

/// The schemas of what this module prints by hand: names of errnos, signals and `si_code`s
/// as enums of every name the lab can print.
#[cfg(feature = "schema")]
mod schema {
    use super::SignalNo;
    use crate::errnos;
    use nix::errno::Errno;
    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
    use std::borrow::Cow;

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

    /// What a maps capture was taken after: a function's name, or `start`.
    pub struct MapsAfter;

    impl JsonSchema for MapsAfter {
        fn schema_name() -> Cow<'static, str> {
            "MapsAfter".into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            let function = generator.subschema_for::<crate::engine::Function>();
            json_schema!({
                "anyOf": [function, {"type": "string", "const": "start"}],
            })
        }
    }

    /// How a tally's child waited: the `sync` knob's words.
    pub struct SyncName;

    impl JsonSchema for SyncName {
        fn schema_name() -> Cow<'static, str> {
            "SyncName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "enum": crate::params::Sync::NAMES,
            })
        }
    }

    /// An errno's name as the lab prints it (`StepRecord::errno`, `outcome.errno`).
    pub struct ErrnoName;

    impl JsonSchema for ErrnoName {
        fn schema_name() -> Cow<'static, str> {
            "ErrnoName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            // Every name `errnos::name` gives: the table's, then any other errno nix names
            // (Linux numbers its errnos below 134; anything past that is `UnknownErrno`).
            let mut names: Vec<String> = Vec::new();
            for raw in 0..200 {
                let name = errnos::name(Errno::from_raw(raw));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            json_schema!({
                "description": "The errno's C name (`EINVAL`).",
                "type": "string",
                "enum": names,
            })
        }
    }

    /// A signal's name as the lab prints it: a standard signal's, or `signal N`.
    pub struct SignalName;

    impl JsonSchema for SignalName {
        fn schema_name() -> Cow<'static, str> {
            "SignalName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let names: Vec<String> = nix::sys::signal::Signal::iterator()
                .map(|s| SignalNo::from(s).name())
                .collect();
            json_schema!({
                "description": "The signal's name (`SIGBUS`), or `signal N` for one without a name (a real-time signal).",
                "anyOf": [
                    {"type": "string", "enum": names},
                    {"type": "string", "pattern": "^signal [0-9]+$"},
                ],
            })
        }
    }

    /// An `si_code` as `<signal.h>` names it, or its number when it has no name there.
    pub struct SiCodeName;

    impl JsonSchema for SiCodeName {
        fn schema_name() -> Cow<'static, str> {
            "SiCodeName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let mut names: Vec<String> = Vec::new();
            for signo in [nix::libc::SIGSEGV, nix::libc::SIGBUS] {
                for code in -8..=0x80 {
                    let name = crate::engine::signals::code_name(signo, code);
                    if name.parse::<i32>().is_err() && !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            json_schema!({
                "description": "`si_code` by name (`SEGV_MAPERR`, `BUS_ADRERR` …), its number when it has none.",
                "anyOf": [
                    {"type": "string", "enum": names},
                    {"type": "string", "pattern": "^-?[0-9]+$"},
                ],
            })
        }
    }
}

#[cfg(feature = "schema")]
pub(crate) use schema::{ErrnoName, MapsAfter, SiCodeName, SignalName, SyncName};
