//! What every step family implements ([`Family`]), and the small types its methods speak:
//! how a step ended ([`Ended`]), what its C variable holds ([`CType`]). A leaf of the
//! families: each family module implements the trait, and [`super::Op`] dispatches to them.

use super::c::CWriter;
use crate::engine::calls::{Call, ValueNames};
use crate::engine::exec::{Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::Val;
use crate::Lang;

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
