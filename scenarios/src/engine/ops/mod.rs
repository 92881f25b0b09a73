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
mod family;
pub mod ipc;
pub mod limits;
pub mod map;
#[cfg(test)]
pub mod scratch;
pub mod syscalls;
pub mod touch;

pub use copy::CopyOp;
pub use descriptor::DescriptorOp;
pub(crate) use family::{CType, Ended, Family};
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
use super::exec::{checked, Done, Exec};
use super::values::Val;
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

    /// This step as the call it makes, its values named by `names`. The shape of each call
    /// is its family's.
    pub fn call(&self, names: &dyn ValueNames) -> Call {
        self.family().call(names)
    }

    /// The C function this step calls (the main one, for composite steps).
    pub fn function(&self) -> Function {
        self.family().function()
    }

    /// What this step takes away from the address space (see [`MapOp::takes_away`]).
    pub(crate) fn takes_away(&self, value: impl Fn(Val) -> i64) -> Option<(u64, u64, bool)> {
        match self {
            Op::Map(op) => op.takes_away(value),
            _ => None,
        }
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
