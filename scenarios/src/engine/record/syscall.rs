//! What the witness saw the kernel answer: one system call with its raw arguments and result
//! ([`Syscall`]), and who answered a step ([`AnsweredBy`]); or why it saw nothing
//! ([`WitnessOff`]). The record holds them; the witness fills them.

use crate::texts::Text;
use crate::Lang;
use serde::{Deserialize, Serialize};

/// One system call as the kernel saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Syscall {
    /// Its name (`mmap`, `openat`, `clone`): a free string in the schema, since which calls
    /// the witness names depends on the machine (`open` and `fork` exist on x86-64 only).
    pub name: String,
    /// Its six raw arguments (as many as the call takes are meaningful).
    pub args: Vec<u64>,
    /// What it returned: a value, or `-errno`.
    pub ret: i64,
    /// The errno, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<super::names::ErrnoName>"))]
    pub errno: Option<String>,
}

impl Syscall {
    /// The call as the kernel got it: its arguments raw, in hex (as many as it takes), and
    /// its result: `mmap(0, 0x1000, 0x1, 0x1, 0x3, 0x3e8) = -EINVAL`.
    pub fn shown(&self) -> String {
        let n = arity(&self.name).min(self.args.len());
        let args: Vec<String> = self.args[..n].iter().map(|a| arg_text(*a)).collect();
        let ret = match &self.errno {
            Some(e) => format!("-{e}"),
            None if self.ret > 0xffff => format!("{:#x}", self.ret),
            None => self.ret.to_string(),
        };
        format!("{}({}) = {ret}", self.name, args.join(", "))
    }
}

/// A raw argument as a reader takes it in: small numbers in decimal, a 32-bit negative
/// number (a descriptor of -1, `AT_FDCWD`) as negative, anything else (addresses, flags) in
/// hex.
fn arg_text(a: u64) -> String {
    if a < 0x10000 {
        a.to_string()
    } else if a >> 32 == 0 && a & 0x8000_0000 != 0 {
        (a as u32 as i32).to_string()
    } else {
        format!("{a:#x}")
    }
}

/// How many arguments the system call `name` takes, from the families' tables; six (all
/// the registers) for a call the witness does not know.
pub(crate) fn arity(name: &str) -> usize {
    crate::engine::ops::SYSCALLS
        .iter()
        .flat_map(|family| family.iter())
        .find(|c| c.name == name)
        .map_or(6, |c| c.arity)
}

/// Who answered a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AnsweredBy {
    /// A system call the witness saw.
    Kernel,
    /// The C library refused the call itself: it failed, and no system call was made.
    Libc,
    /// Not a call at all (a load or store through a pointer, a copy in memory).
    None,
}

/// Why the witness was off for a run, so that a reader is told in their language. In JSON
/// `witness_off`, beside `witness`, which is `off: ` and the English sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum WitnessOff {
    /// `MMAP_LAB_WITNESS=off` in the environment.
    Disabled,
    /// The experiment races two processes; the tracer's stops would decide the race.
    Race,
    /// `ptrace(PTRACE_TRACEME)` was refused: a debugger or `strace` already traces the lab,
    /// or the system allows no tracing (Yama).
    Ptrace {
        /// The errno's name (`EPERM`).
        #[cfg_attr(feature = "schema", schemars(with = "super::names::ErrnoName"))]
        errno: String,
    },
    /// The witness's seccomp filter was refused.
    Seccomp {
        /// The errno's name.
        #[cfg_attr(feature = "schema", schemars(with = "super::names::ErrnoName"))]
        errno: String,
    },
    /// The open-files limit is below the descriptor the flight recorder moves to.
    Descriptors {
        /// The limit (`ulimit -n`), when it could be read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u64>,
        /// The descriptor the flight recorder needs.
        needed: i32,
    },
    /// The child was traced but never stopped for the tracer.
    NoStop,
}

impl WitnessOff {
    /// Why, in `lang`. The English sentence is the record's `witness` string after `off: `.
    pub fn sentence(&self, lang: Lang) -> String {
        match self {
            WitnessOff::Disabled => Text::WitnessOffDisabled.get(lang).to_string(),
            WitnessOff::Race => Text::WitnessOffRace.get(lang).to_string(),
            WitnessOff::Ptrace { errno } if errno == "EPERM" => {
                Text::WitnessOffPtracePerm.get(lang).to_string()
            }
            WitnessOff::Ptrace { errno } => Text::WitnessOffPtrace.fill(lang, &[errno]),
            WitnessOff::Seccomp { errno } => Text::WitnessOffSeccomp.fill(lang, &[errno]),
            WitnessOff::Descriptors { limit, needed } => {
                let limit = limit.map_or_else(|| "?".to_string(), |n| n.to_string());
                Text::WitnessOffDescriptors.fill(lang, &[&limit, &needed.to_string()])
            }
            WitnessOff::NoStop => Text::WitnessOffNoStop.get(lang).to_string(),
        }
    }
}

/// Why the witness was off, in `lang`, from a record's `witness_off` and `witness`: the
/// structured reason where the record has one, else the words after `off: ` (a record from
/// an older lab has only those, in English); empty when the record gives no reason.
pub fn witness_why(off: Option<&WitnessOff>, witness: &str, lang: Lang) -> String {
    match (off, witness.strip_prefix("off: ")) {
        (Some(off), _) => off.sentence(lang),
        (None, Some(why)) => why.to_string(),
        (None, None) => String::new(),
    }
}
