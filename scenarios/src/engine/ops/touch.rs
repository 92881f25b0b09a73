//! The touch family: what goes through a mapping's memory: a one-byte load or store, a text
//! written, a text read back (the forked child's view of shared memory).

use super::c::{c_string, unsigned, CWriter};
use super::descriptor::byte_text;
use super::{Ended, Family};
use crate::engine::calls::{Arg, Args, Call, ValueNames};
use crate::engine::exec::{ok, Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::Val;
use crate::engine::wire::MAX_PAYLOAD;
use crate::texts::Text;
use crate::Lang;

/// An access to memory through a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TouchOp {
    /// Read or write one byte at `addr`. Returns the byte read, or the byte written.
    Byte {
        /// Where.
        addr: Val,
        /// A store (else a load).
        write: bool,
        /// The byte a store writes.
        value: u8,
    },
    /// `strcpy(addr, text)`: the text and its terminating NUL.
    WriteText {
        /// Where.
        addr: Val,
        /// What.
        text: &'static str,
    },
    /// Copy `len` bytes from `addr` into the record (as text).
    ReadText {
        /// Where.
        addr: Val,
        /// How many bytes (at most the report's payload).
        len: u64,
    },
}

/// The byte at address `at` as C writes it: `ptr[8]`, or `*(char *)(expr)`.
fn cell(at: &str) -> String {
    match at.strip_prefix("ptr + ") {
        Some(n) => format!("ptr[{n}]"),
        None if at == "ptr" => "ptr[0]".to_string(),
        // The address may be an expression (`p3 + 8`, `ptr - 1`): the cast must enclose it,
        // or C would read `*(char *)ptr - 1` as `(*ptr) - 1`.
        None => format!("*(char *)({at})"),
    }
}

impl TouchOp {
    /// The minimal program's form: the access itself, as a student writes it. A load prints
    /// the byte (so that it really is read); a text read back is printed up to its length.
    fn c_minimal(&self, c: &mut dyn CWriter) {
        match self {
            Self::Byte { addr, write, value } => {
                let cell = cell(&c.addr(*addr));
                if *write {
                    c.line(&format!("{cell} = {value:#04x};"));
                    c.value(&format!("{value:#04x}"));
                } else {
                    c.line(&format!("printf(\"{cell} = %d\\n\", {cell});"));
                }
            }
            Self::WriteText { addr, text } => {
                let at = c.addr(*addr);
                c.line(&format!("strcpy({at}, {});", c_string(text)));
                c.value(&text.len().to_string());
            }
            Self::ReadText { addr, len } => {
                let at = c.addr(*addr);
                let len = (*len).min(MAX_PAYLOAD as u64);
                c.line(&format!("printf(\"%.{len}s\\n\", {at});"));
            }
        }
    }
}

/// The text in a payload up to its first NUL.
pub(crate) fn text_of(payload: &[u8]) -> String {
    let end = payload
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(payload.len());
    String::from_utf8_lossy(&payload[..end]).into_owned()
}

impl Family for TouchOp {
    fn vals(&self) -> Vec<Val> {
        match *self {
            Self::Byte { addr, .. }
            | Self::WriteText { addr, .. }
            | Self::ReadText { addr, .. } => {
                vec![addr]
            }
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Byte { write: true, .. } => Function::Store,
            Self::Byte { .. } => Function::Load,
            Self::WriteText { .. } => Function::Strcpy,
            Self::ReadText { .. } => Function::Memcpy,
        }
    }

    fn call(&self, names: &dyn ValueNames) -> Call {
        match self {
            Self::Byte { addr, write, value } => {
                let cell = cell(&names.addr(*addr));
                let text = if *write {
                    format!("{cell} = {value:#04x}")
                } else {
                    format!("c = {cell}")
                };
                Call::single(text, Some(Arg::Access))
            }
            Self::WriteText { addr, text } => Args::new(Function::Strcpy)
                .arg(names.addr(*addr))
                .arg(format!("{text:?}"))
                .close(),
            // The bytes are copied out of the mapping into the record; the result shows them.
            Self::ReadText { addr, len } => Args::new(Function::Memcpy)
                .arg("text")
                .arg(names.addr(*addr))
                .arg(len.to_string())
                .close(),
        }
    }

    fn result(&self, end: &Ended<'_>) -> String {
        match self {
            _ if end.errno != 0 => "-1".to_string(),
            Self::Byte { .. } => byte_text(end.ret),
            Self::ReadText { .. } => format!("{:?}", text_of(end.payload)),
            Self::WriteText { .. } => end.ret.to_string(),
        }
    }

    fn execute(&self, cx: &mut Exec<'_>) -> Done {
        match *self {
            Self::Byte { addr, write, value } => {
                let p = cx.v(addr) as usize as *mut u8;
                // SAFETY: the address may be invalid on purpose: touching it is the
                // experiment. A bad address raises SIGSEGV/SIGBUS, which kills this child and
                // is reported.
                unsafe {
                    if write {
                        std::ptr::write_volatile(p, value);
                        ok(value.into())
                    } else {
                        ok(std::ptr::read_volatile(p).into())
                    }
                }
            }
            Self::WriteText { addr, text } => {
                let at = cx.v(addr) as usize as *mut u8;
                // SAFETY: copies a static string and its NUL to the mapping, as strcpy does; a
                // bad mapping raises a signal.
                unsafe {
                    std::ptr::copy_nonoverlapping(text.as_ptr(), at, text.len());
                    std::ptr::write_volatile(at.wrapping_add(text.len()), 0);
                };
                ok(text.len() as i64)
            }
            Self::ReadText { addr, len } => {
                let len = (len as usize).min(MAX_PAYLOAD);
                let at = cx.v(addr) as usize as *const u8;
                let mut copy = [0u8; MAX_PAYLOAD];
                for (i, d) in copy.iter_mut().take(len).enumerate() {
                    // SAFETY: reads byte `i` of the mapping, volatile so the read really
                    // happens here, inside this step; a bad mapping raises a signal.
                    *d = unsafe { std::ptr::read_volatile(at.wrapping_add(i)) };
                }
                cx.payload(copy.get(..len).unwrap_or(&[]));
                ok(len as i64)
            }
        }
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        if c.minimal() {
            self.c_minimal(c);
            return true;
        }
        match self {
            Self::Byte { addr, write, value } => {
                let at = c.addr(*addr);
                if *write {
                    c.line(&format!("BYTE({at}) = {value:#04x};"));
                    c.line("done();");
                    c.value(&format!("{value:#04x}"));
                    c.needs(&["touch", "done"]);
                } else {
                    c.check("check_byte", &format!("BYTE({at})"));
                    c.needs(&["touch"]);
                }
            }
            Self::WriteText { addr, text } => {
                let at = c.addr(*addr);
                c.line(&format!("strcpy({at}, {});", c_string(text)));
                c.line("done();");
                c.value(&text.len().to_string());
                c.needs(&["done"]);
            }
            Self::ReadText { addr, len } => {
                let at = c.addr(*addr);
                c.check(
                    "check_text",
                    &format!("read_text({at}, {})", unsigned(*len)),
                );
                c.line("show_text();");
                c.needs(&["read_text"]);
            }
        }
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        let text = match self {
            Self::Byte { write: true, .. } => Text::OpStore,
            Self::Byte { .. } => Text::OpLoad,
            Self::WriteText { .. } => Text::OpWriteText,
            Self::ReadText { .. } => Text::OpReadText,
        };
        text.get(lang).to_string()
    }
}
