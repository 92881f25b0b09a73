//! One step of a plan as the C-like call it makes, e.g. `mmap(NULL, 4096, PROT_READ,
//! MAP_SHARED, fd, 1000)`. Both places that show calls use it:
//!
//! - the record of a run (`StepRecord::call`), with the values each step really returned;
//! - the preview before a run (`blame::describe_calls`), with placeholder names (`fd`, `ptr`,
//!   `fds[1]`) for results not known yet.
//!
//! The C program (`cprog.rs`) prints the same call, its values named by printf conversions.
//!
//! The caller names the values ([`ValueNames`]); each step's family (`engine/ops/`) gives its
//! calls their shape. The call comes in pieces, the arguments tagged with what they are
//! ([`Arg`]), so that a screen can highlight one; [`Call::text`] joins them. The pieces are C,
//! never words: the record keeps them without a language.

use super::function::Function;
use super::values::{Limit, Val};

/// What an argument is, so that a caller can tie it to what produced it (a knob's `shows`
/// column names these): an argument by its place in its call, or a whole statement that
/// stands for a knob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// Argument `n` (from 0) of a call to the function: `Of(Function::Munmap, 1)` is
    /// munmap's length. Every argument of a call built with [`Args`] is tagged so.
    Of(Function, u8),
    /// setrlimit's `&(struct rlimit){n, n}`, for this resource.
    Rlimit(Limit),
    /// The whole loop that fills the process up to `vm.max_map_count`.
    ExhaustMapCount,
    /// The whole `memfd_create` + `ftruncate` + `fcntl` sequence that makes a sealed memfd.
    Memfd,
    /// The whole `lseek` + `write` that grows a file.
    Grow,
    /// The whole one-byte load or store.
    Access,
    /// The window of a copy through mappings.
    CopyWindow,
    /// The whole head of a call made as a raw system call (`syscall(SYS_mmap, `).
    Via,
    /// The number of bytes a copy moves.
    CopySize,
    /// How many times a timed copy runs (`×5`).
    CopyRuns,
}

/// One piece of a call's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The text, e.g. `1000` or `, `.
    pub text: String,
    /// What the text is, when it is an argument a caller may single out. Punctuation, names
    /// of constants and the other arguments carry none.
    pub arg: Option<Arg>,
}

/// A call in pieces; joined they read like C.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The pieces, in order.
    pub parts: Vec<Part>,
}

impl Call {
    /// The whole call as one string.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }
}

/// How a caller names the values of a call's arguments.
pub trait ValueNames {
    /// An address argument: `NULL`, `ptr + 1`, `0x7f…`.
    fn addr(&self, v: Val) -> String;
    /// A number argument (a descriptor, a pid): `3`, `fd`, `fds[1]`.
    fn num(&self, v: Val) -> String;
}

/// Builds a call `function(arg, arg, …)` piece by piece, each argument tagged with its place
/// ([`Arg::Of`]).
pub(crate) struct Args {
    function: Function,
    parts: Vec<Part>,
    /// How many arguments so far.
    n: u8,
}

impl Args {
    /// `function(`.
    pub(crate) fn new(function: Function) -> Args {
        Args::open(function, &format!("{}(", function.name()), None)
    }

    /// A call to `function` whose opening text is given whole, `syscall(SYS_mmap, ` for
    /// instance, tagged when a knob chose it.
    pub(crate) fn open(function: Function, opening: &str, arg: Option<Arg>) -> Args {
        Args {
            function,
            parts: vec![Part {
                text: opening.to_string(),
                arg,
            }],
            n: 0,
        }
    }

    /// The next argument, tagged with its place.
    pub(crate) fn arg(self, text: impl Into<String>) -> Args {
        let at = Arg::Of(self.function, self.n);
        self.push(text.into(), at)
    }

    /// The next argument, tagged as a whole statement rather than by its place (the
    /// resource limit setrlimit sets, which three knobs set, one per resource).
    pub(crate) fn tagged(self, text: impl Into<String>, arg: Arg) -> Args {
        self.push(text.into(), arg)
    }

    /// An argument, with `, ` before it unless it is the first.
    fn push(mut self, text: String, arg: Arg) -> Args {
        self.n += 1;
        let arg = Some(arg);
        if self.parts.len() > 1 {
            self.parts.push(Part {
                text: ", ".to_string(),
                arg: None,
            });
        }
        self.parts.push(Part { text, arg });
        self
    }

    /// `)`: the finished call.
    pub(crate) fn close(mut self) -> Call {
        self.parts.push(Part {
            text: ")".to_string(),
            arg: None,
        });
        Call { parts: self.parts }
    }
}

impl Call {
    /// A whole statement in one piece.
    pub(crate) fn single(text: String, arg: Option<Arg>) -> Call {
        Call {
            parts: vec![Part { text, arg }],
        }
    }

    /// A statement of several pieces, some tagged.
    pub(crate) fn pieces(parts: Vec<(String, Option<Arg>)>) -> Call {
        Call {
            parts: parts
                .into_iter()
                .map(|(text, arg)| Part { text, arg })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::{MapOp, Op, TouchOp};

    fn call(op: &Op, names: &dyn ValueNames) -> Call {
        op.call(names)
    }

    /// Names as a record shows them: step 0 is the mapping, anything else a number.
    struct Names;

    impl ValueNames for Names {
        fn addr(&self, v: Val) -> String {
            match v {
                Val::Lit(0) => "NULL".to_string(),
                Val::Ret(0) => "ptr".to_string(),
                Val::RetPlus(0, d) if d < 0 => format!("ptr - {}", d.unsigned_abs()),
                Val::RetPlus(0, d) => format!("ptr + {d}"),
                other => format!("{other:?}"),
            }
        }
        fn num(&self, v: Val) -> String {
            match v {
                Val::Lit(x) => x.to_string(),
                _ => "3".to_string(),
            }
        }
    }

    #[test]
    fn mmap_arguments_are_tagged_with_their_role() {
        let c = call(
            &Op::from(MapOp::Mmap {
                addr: Val::Lit(0),
                length: 4096,
                prot: nix::libc::PROT_READ,
                flags: nix::libc::MAP_SHARED,
                fd: Val::Ret(1),
                offset: 1000,
                via: crate::engine::Via::Libc,
            }),
            &Names,
        );
        assert_eq!(c.text(), "mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 1000)");
        let offset: Vec<&str> = c
            .parts
            .iter()
            .filter(|p| p.arg == Some(Arg::Of(Function::Mmap, 5)))
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(offset, ["1000"]);
    }

    #[test]
    fn a_touch_below_the_pointer_casts_the_whole_expression() {
        let touch = |d: i64| {
            call(
                &Op::from(TouchOp::Byte {
                    addr: Val::RetPlus(0, d),
                    write: false,
                    value: 0,
                }),
                &Names,
            )
            .text()
        };
        assert_eq!(touch(8), "c = ptr[8]");
        assert_eq!(touch(-1), "c = *(char *)(ptr - 1)");
    }
}
