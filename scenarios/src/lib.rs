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

// The experiments are Linux's own calls and files (`mremap`, `MAP_FIXED_NOREPLACE`, ptrace,
// `/proc/PID/maps` and `pagemap`): elsewhere the build would fail on a missing item deep in
// the engine, so it stops here first, with a sentence in both languages.
#[cfg(not(target_os = "linux"))]
compile_error!(
    "mmap-lab runs its experiments on the Linux kernel and builds only for Linux targets \
     (mmap-lab 的实验运行在 Linux 内核上，只能为 Linux 目标构建)"
);

pub mod blame;
pub mod bounds;
pub mod catalog;
pub mod cprog;
pub mod engine;
pub mod errnos;
pub mod evidence;
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
pub use session::{
    prepare, run_scenario, run_scenario_beside, run_scenario_counted, run_scenario_until, Record,
};

/// A path inside the experiment's temporary directory (or an absolute one), as the child
/// needs it: a `CString` built before the fork.
pub(crate) fn plan_path(path: &str) -> std::ffi::CString {
    engine::plan::c_path(path)
}
