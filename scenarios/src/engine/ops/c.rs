//! How a step family writes its C: the [`CWriter`] the C generator (`crate::cprog`) hands
//! each family's `c_code`, and the C constants the families print. A leaf of the engine, so
//! that the families depend on it and the C generator depends on the engine, never the reverse.

use crate::engine::values::Val;
use crate::texts::Text;

/// What a step family's C code may use: the step's values as C expressions, the lines, the
/// template sections. The C generator implements it, one per step being written.
pub(crate) trait CWriter {
    /// An integer argument (a descriptor, a pid) as a C expression.
    fn int(&self, v: Val) -> String;
    /// An address argument as a C expression (a `char *` or `NULL`).
    fn addr(&self, v: Val) -> String;
    /// One line of C, indented.
    fn line(&mut self, s: &str);
    /// A one-line comment in the program's language.
    fn comment(&mut self, text: Text);
    /// `name = helper(args, CRITICAL);`: the call checked by the template's `helper`; in the
    /// minimal program, the call itself and the test of its result.
    fn check(&mut self, helper: &'static str, args: &str);
    /// Whether this is the minimal program (no template, no helpers).
    fn minimal(&self) -> bool;
    /// Minimal program: the call, its result kept if read, tested against `failed`.
    fn plain_check(&mut self, call: &str, failed: &str);
    /// Minimal program: `if (cond) then`, on one line if it fits.
    fn if_line(&mut self, cond: &str, then: &str);
    /// Minimal program: what a failure of this step does.
    fn on_failure(&mut self) -> String;
    /// [`CWriter::on_failure`], `perror` naming `function`.
    fn on_failure_of(&mut self, function: &str) -> String;
    /// `helper(args, CRITICAL);`, the result not kept.
    fn check_only(&mut self, helper: &'static str, args: &str);
    /// `name = value;` for a step that cannot fail, kept only if its result is read.
    fn value(&mut self, value: &str);
    /// Keep the template's sections `names`.
    fn needs(&mut self, names: &[&'static str]);
    /// The step's variable.
    fn var(&self) -> String;
    /// Declare the step's variable even if nothing reads it.
    fn keep(&mut self);
    /// The step's second variable (waitpid's status), declared.
    fn aux_var(&mut self) -> String;
    /// `CRITICAL` or `OPTIONAL`.
    fn crit(&self) -> &'static str;
    /// Which process runs this step.
    fn mode(&self) -> Mode;
    /// Indent the following lines one level more (`1`) or less (`-1`).
    fn indent(&mut self, by: isize);
    /// Write the steps the child forked here runs, up to its `_exit`.
    fn child_steps(&mut self);
    /// The mapping's expression and how far below and above it `/proc/self/maps` is kept.
    fn maps_window(&self) -> (String, u64, u64);
    /// Minimal program: the descriptor a step that reads its file back reads from, opened
    /// before the names were removed.
    fn reread_fd(&self) -> String;
    /// Minimal program: `text` as a comment after the next line, if it fits there.
    fn trailing_comment(&mut self, text: Text);
    /// Minimal program: the statement that ends the experiment's process here.
    fn end_here(&mut self) -> String;
}

/// `text` as a C string literal, escaped so that no trigraph can form (`-Wall` warns about them).
pub(crate) fn c_string(text: &str) -> String {
    let mut out = String::from("\"");
    let mut last = 0u8;
    for &b in text.as_bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' if last == b'?' => out.push_str("\\?"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
        last = b;
    }
    out.push('"');
    out
}

/// An unsigned number as a C constant (with `UL` when it does not fit in a `long`).
pub(crate) fn unsigned(v: u64) -> String {
    if v > i64::MAX as u64 {
        format!("{v}UL")
    } else {
        v.to_string()
    }
}

/// A signed number as a C constant (`LONG_MIN` has no literal of its own).
pub(crate) fn signed(v: i64) -> String {
    if v == i64::MIN {
        "(-9223372036854775807L - 1)".to_string()
    } else {
        v.to_string()
    }
}

/// Which process runs the code being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The experiment's own process.
    Parent,
    /// The process a `fork` step made.
    Child,
}
