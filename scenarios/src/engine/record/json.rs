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
