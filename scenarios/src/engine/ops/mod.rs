//! The step kinds, one module per family. Each family knows everything about its operations:
//! how the child executes them (async-signal-safe, see `child.rs`), the C-like call the screen
//! and the C program both print ([`Call`]), the C statements of the C program, the C
//! function's name, how a result is shown, and what the step does in words (for the C
//! program's comments, from [`crate::texts`]).
//!
//! [`Op`], the plan's step, is one variant per family, and `Op::family` is the one place that
//! sends it to its family. A new step kind is a variant in a family's module (with its arms in
//! that module's `impl Family`); a new family is a new module plus, here, its `Op` variant, its
//! `op_from!` entry and its dispatch arm.

pub(crate) mod c;
pub mod copy;
pub mod descriptor;
pub mod ipc;
pub mod limits;
pub mod map;
#[cfg(test)]
pub mod scratch;
pub mod syscalls;
pub mod touch;

pub use copy::CopyOp;
pub use descriptor::DescriptorOp;
pub use ipc::IpcOp;
pub use limits::LimitOp;
pub use map::{MapOp, Via};
pub use touch::TouchOp;

/// Every family's system calls (see [`syscalls`]): the witness traces these. A new family
/// adds its tables here, beside its `Op` variant.
pub(crate) const SYSCALLS: &[&[syscalls::SysCall]] = &[
    descriptor::SYSCALLS,
    descriptor::LEGACY,
    map::SYSCALLS,
    ipc::SYSCALLS,
    ipc::LEGACY,
    copy::SYSCALLS,
    limits::SYSCALLS,
    #[cfg(test)]
    scratch::SYSCALLS,
];

use super::calls::{Call, ValueNames};
use super::child::{checked, Done, Exec};
use super::plan::Val;
use crate::engine::function::Function;
use crate::Lang;
use c::CWriter;
use nix::libc;

/// One thing the child does, the plan's step: an operation of one of the families below,
/// each of which knows how to run, show and print its operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Get, grow or close a descriptor, or read the file back.
    Descriptor(DescriptorOp),
    /// mmap, munmap, mprotect, and the `/proc/self/maps` capture.
    Map(MapOp),
    /// Load, store, write or read text through a mapping.
    Touch(TouchOp),
    /// fork, the pipe that orders the two processes, exit and waitpid.
    Ipc(IpcOp),
    /// The copy benchmark's copies and their comparison.
    Copy(CopyOp),
    /// Resource limits, and filling the process up to `vm.max_map_count`.
    Limit(LimitOp),
    /// Only for tests of the deadline: see [`TestSleep`].
    #[doc(hidden)]
    TestSleep(TestSleep),
    /// Only in the engine's tests: the scratch family (see [`scratch`]).
    #[cfg(test)]
    Scratch(scratch::ScratchOp),
}

/// `From` each family's operation to [`Op`], so that a plan builder writes
/// `Step::critical(MapOp::Munmap { … })`.
macro_rules! op_from {
    ($($family:ident => $variant:ident),*) => {$(
        impl From<$family> for Op {
            fn from(op: $family) -> Op {
                Op::$variant(op)
            }
        }
    )*};
}

op_from!(
    DescriptorOp => Descriptor,
    MapOp => Map,
    TouchOp => Touch,
    IpcOp => Ipc,
    CopyOp => Copy,
    LimitOp => Limit,
    TestSleep => TestSleep
);
#[cfg(test)]
use scratch::ScratchOp;
#[cfg(test)]
op_from!(ScratchOp => Scratch);

/// How a step ended, as the parent read it from the child's report.
pub(crate) struct Ended<'p> {
    /// The return value.
    pub ret: i64,
    /// The second value (a pipe's write end, a wait status, a limit).
    pub aux: i64,
    /// The errno, 0 when the step succeeded.
    pub errno: i32,
    /// What the step sent besides (text read, `/proc/self/maps`).
    pub payload: &'p [u8],
}

/// What a step's variable holds in the C program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CType {
    /// `char *`: what mmap returned.
    Ptr,
    /// `int`: a descriptor.
    Int,
    /// `int fds[2]`: a pipe.
    Pipe,
    /// `pid_t`: what fork returned.
    Pid,
    /// `long`, with an `int status` beside it: what waitpid returned.
    Wait,
    /// `long`: anything else.
    Long,
}

/// Everything one family knows about its operations. Implemented by each family's enum;
/// reached through [`Op::family`].
pub(crate) trait Family {
    /// The arguments that refer to other steps' results.
    fn vals(&self) -> Vec<Val>;

    /// The C function this step calls (the main one, for composite steps).
    fn function(&self) -> Function;

    /// The function that failed, for a composite step whose `aux` says which of its calls it
    /// was (a read/write copy: the write, when the disk is full). The default: [`function`].
    ///
    /// [`function`]: Family::function
    fn failed_function(&self, _aux: i64) -> Function {
        self.function()
    }

    /// The C-like call, its values named by `names`: the screen, the record and the C program
    /// all print this.
    fn call(&self, names: &dyn ValueNames) -> Call;

    /// The result as the record shows it. The default: `-1` on failure, else the number.
    fn result(&self, end: &Ended<'_>) -> String {
        if end.errno != 0 {
            "-1".to_string()
        } else {
            end.ret.to_string()
        }
    }

    /// Do it, in the experiment's child process: async-signal-safe only (no allocation, no
    /// lock, no panic).
    fn execute(&self, cx: &mut Exec<'_>) -> Done;

    /// Write the C statements after the call's `begin(…)` line. Returns false when the
    /// process ends there.
    fn c_code(&self, c: &mut dyn CWriter) -> bool;

    /// What the step does, for the C program's comment, in `lang`. `is_mapping`: this step
    /// makes the mapping the experiment is about.
    fn what(&self, is_mapping: bool, lang: Lang) -> String;

    /// What the step's C variable holds.
    fn c_type(&self) -> CType {
        CType::Long
    }

    /// A name this step may create in the experiment's directory (for the C program's
    /// cleanup list).
    fn creates(&self) -> Option<String> {
        None
    }

    /// Bytes of scratch memory the parent must allocate before the fork for this step.
    fn scratch_len(&self) -> usize {
        0
    }

    /// Whether the witness stops for this step's calls. Not for timed loops and fillers,
    /// whose calls it lets through (see [`Family::untraced_calls`]).
    fn traced(&self) -> bool {
        true
    }

    /// The system calls the witness lets through without a stop in a plan that has this
    /// step: those a timed loop or a filler makes hundreds of times a run.
    fn untraced_calls(&self) -> &'static [i64] {
        &[]
    }

    /// The one system call this step makes (whichever way it asks: the C library's wrapper
    /// or the raw call), where another step's [`Family::untraced_calls`] may hide it; `None`
    /// when the witness should trace the step whatever the plan holds.
    fn syscall(&self) -> Option<i64> {
        None
    }

    /// Whether the C program has this step (all real operations do).
    fn in_c_program(&self) -> bool {
        true
    }

    /// The name this step opens in the experiment's directory, with whether it only reads
    /// the file back (then the minimal program opens it before it removes the names).
    fn named_path(&self) -> Option<(String, bool)> {
        None
    }

    /// Whether the minimal C program (`mmap-lab c ID --minimal`) has this step: every step of
    /// the full program but those that only show or time what happened (the
    /// `/proc/self/maps` capture, the copy benchmark's other copies), which never decide the
    /// outcome of a scenario's defaults or variants.
    fn in_minimal(&self) -> bool {
        self.in_c_program()
    }
}

impl Op {
    /// The family that knows this step kind: the one dispatch of [`Op`].
    pub(crate) fn family(&self) -> &dyn Family {
        match self {
            Op::Descriptor(op) => op,
            Op::Map(op) => op,
            Op::Touch(op) => op,
            Op::Ipc(op) => op,
            Op::Copy(op) => op,
            Op::Limit(op) => op,
            Op::TestSleep(op) => op,
            #[cfg(test)]
            Op::Scratch(op) => op,
        }
    }

    /// The arguments that refer to other steps' results.
    pub fn vals(&self) -> Vec<Val> {
        self.family().vals()
    }

    /// The C function this step calls (the main one, for composite steps).
    pub fn function(&self) -> Function {
        self.family().function()
    }
}

/// The test-only step: `nanosleep` in the child, so that tests of the deadline and of
/// cancelling have a step that outlasts them. No scenario builds it, and the C program leaves
/// it out (see [`crate::cprog`]): it is not part of any experiment.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestSleep {
    /// How long to sleep.
    pub millis: u64,
}

impl Family for TestSleep {
    fn vals(&self) -> Vec<Val> {
        Vec::new()
    }

    fn function(&self) -> Function {
        Function::Nanosleep
    }

    fn call(&self, _: &dyn ValueNames) -> Call {
        Call::single(
            format!(
                "nanosleep(&(struct timespec){{{}, {}}}, NULL)",
                self.millis / 1000,
                (self.millis % 1000) * 1_000_000
            ),
            None,
        )
    }

    fn execute(&self, _: &mut Exec<'_>) -> Done {
        let ts = libc::timespec {
            tv_sec: (self.millis / 1000) as libc::time_t,
            tv_nsec: ((self.millis % 1000) * 1_000_000) as libc::c_long,
        };
        // SAFETY: sleeps; reads a local timespec.
        checked(unsafe { libc::nanosleep(&ts, std::ptr::null_mut()) }.into())
    }

    fn c_code(&self, _: &mut dyn CWriter) -> bool {
        true
    }

    fn what(&self, _: bool, _: Lang) -> String {
        String::new()
    }

    fn in_c_program(&self) -> bool {
        false
    }
}
