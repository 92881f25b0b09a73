//! What the tracer gathers while it holds the experiment, and hands to the engine at each
//! stop: the calls it saw ([`Seen`]), the flight recorder's bytes ([`Recorder`]), the record
//! so far ([`Snapshot`], through [`Pacing`]). Below both the tracer and the witness's entry,
//! which share it.

use crate::engine::pace::Pacer;
use crate::engine::pages::PageRead;
use crate::engine::record::{Exit, Run, Syscall};
use nix::libc;
use std::os::fd::OwnedFd;
use std::time::Duration;

/// A system call the tracer saw, and where: which process side and which plan step.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// The step that was running.
    pub step: usize,
    /// The call.
    pub call: Syscall,
}

/// What the tracer has gathered when it holds a paced run, for the engine to build the
/// record so far from.
pub(crate) struct Snapshot<'s> {
    pub bytes: &'s [u8],
    pub calls: &'s [Seen],
    pub boundaries: &'s [usize],
    pub pages: &'s [PageRead],
    /// `Held`, or how the experiment's first process ended when it stops on its way out.
    pub exit: Exit,
    /// The time the experiment ran so far.
    pub running: Duration,
    /// The plan step just made.
    pub done: Option<usize>,
}

/// A paced run's pacer, and how to make the record so far (the engine's [`super::assemble`]):
/// the tracer holds the processes, the engine knows how a record is built.
pub(crate) struct Pacing<'p> {
    pub pacer: &'p mut dyn Pacer,
    /// The record so far, and where the step just made is in its steps.
    pub snapshot: &'p dyn Fn(Snapshot<'_>) -> (Run, Option<usize>),
}

/// The flight recorder's bytes, read by two threads in turn: the reader (so a full pipe never
/// blocks the child while the tracer waits) and the tracer (at each stop, to know the step).
pub(super) struct Recorder {
    pub(super) fd: OwnedFd,
    pub(super) bytes: Vec<u8>,
}

impl Recorder {
    /// Read what is in the pipe now (it is non-blocking).
    pub(super) fn drain(&mut self) {
        crate::engine::reap::drain(&self.fd, &mut self.bytes);
    }
}

/// How a process ended, from its wait status.
pub(super) fn exit_of(status: i32) -> Exit {
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Normal
    }
}
