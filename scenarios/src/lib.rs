//! mmap-lab's engine and scenarios, free of any terminal code.
//!
//! - [`engine`] runs an experiment ([`engine::Plan`]) in a child process and records what the
//!   kernel answered ([`engine::Run`]).
//! - [`catalog`] holds the scenarios, one file each, with their lessons.
//! - [`params`] parses and prints every `--set` knob.
//! - [`cprog`] prints an experiment as an equivalent C program.
//! - [`variant`] declares what a scenario's lesson suggests trying and what the kernel answers.
//! - [`texts`] holds the library's sentences for a reader, in English and Chinese.

#![warn(missing_docs)]

pub mod blame;
pub mod bounds;
pub mod catalog;
pub mod cprog;
pub mod engine;
pub mod errnos;
pub mod experiment;
pub mod explain;
pub mod flags;
pub mod lesson;
pub mod pagemap;
pub mod params;
pub mod process;
pub mod session;
pub mod texts;
pub mod variant;

pub use catalog::{Scenario, Topic};
pub use engine::{Outcome, Run};
pub use lesson::{Lang, Lesson};
/// The errno and signal types records carry (nix's), for crates that use this one.
pub use nix::{errno::Errno, sys::signal::Signal};
pub use params::{Key, ParamError, Params};
pub use session::{prepare, run_scenario, run_scenario_beside, run_scenario_until, Record};

/// A path inside the experiment's temporary directory (or an absolute one), as the child
/// needs it: a `CString` built before the fork.
pub(crate) fn plan_path(path: &str) -> std::ffi::CString {
    engine::plan::c_path(path)
}
