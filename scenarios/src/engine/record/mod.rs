//! What a run produced, in the shape of the JSON contract (docs/json.md): every step with its real
//! call and result, the outcome, and the `/proc/self/maps` lines around the mapping.
//!
//! Everything here is read off the child's reports. The only judgements made are which report
//! decides the outcome (a signal that killed the child, else the first failing critical step)
//! and which *warnings* the run's own evidence supports (see [`Warning`]).

//! The record's room, one concept a file: the data (`model.rs`), how the
//! experiment ended (`outcome.rs`), the warnings (`warning.rs`), the system calls the witness
//! saw (`syscall.rs`), the names' spelling in JSON (`names.rs`), the run's JSON envelope
//! (`json.rs`), the warnings' evidence (`findings.rs`) and the building (`build.rs`). Each
//! uses the ones before it, never one after: this file only names them.

mod build;
mod findings;
mod json;
mod model;
mod names;
mod outcome;
mod syscall;
mod warning;

/// Where a maps line's range is read: beside the address regions (`regions.rs`).
pub(crate) use super::regions::maps_range;
/// A signal's number: the signals' own (`signals.rs`), named here for the record's readers.
pub use super::signals::SignalNo;
pub(crate) use build::build;
#[cfg(feature = "schema")]
pub(crate) use json::RunJson;
pub(crate) use model::Exit;
pub use model::{
    median, spread, warm, CostRuns, Faults, FileCheck, Held, MapsSnapshot, PerMethod, Run, RunCost,
    StepRecord, Tally, TallyRun, Throughput, ThroughputRuns,
};
pub use outcome::{Outcome, OutcomeJson};
#[cfg(test)]
pub(crate) use syscall::arity;
pub use syscall::{witness_why, AnsweredBy, Syscall, WitnessOff};
pub use warning::{Warning, WarningKind};
