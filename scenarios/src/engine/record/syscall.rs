//! What the witness saw the kernel answer: one system call with its raw arguments and result
//! ([`Syscall`]), and who answered a step ([`AnsweredBy`]). The record holds them; the witness
//! fills them.

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
