//! How the experiment ended ([`Outcome`]) and how the JSON contract spells it
//! ([`OutcomeJson`]): names and numbers as separate fields, the errno's message from the C
//! library.

#[cfg(feature = "schema")]
use super::names::{ErrnoName, SiCodeName, SignalName};
use crate::engine::function::Function;
use crate::engine::regions::Region;
use crate::engine::signals::{self, Hit, SignalDetail, SignalNo};
use crate::errnos;
use nix::errno::Errno;
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};

/// How the experiment ended. In JSON: the `outcome` object (`kind` plus the fields of
/// each kind, names as text), through [`OutcomeJson`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(description = "How the experiment ended, by `kind`.")
)]
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
