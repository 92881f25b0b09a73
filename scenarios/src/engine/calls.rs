//! One step of a plan as the C-like call it makes, e.g. `mmap(NULL, 4096, PROT_READ,
//! MAP_SHARED, fd, 1000)`. Both places that show calls use it:
//!
//! - the record of a run (`StepRecord::call`), with the values each step really returned;
//! - the preview before a run (`blame::describe_calls`), with placeholder names (`fd`, `ptr`,
//!   `fds[1]`) for results not known yet.
//!
//! The caller names the values ([`ValueNames`]); this module gives every call its shape. The
//! call comes in pieces, the arguments tagged with what they are ([`Arg`]), so that a screen
//! can highlight one; [`Call::text`] joins them.

use super::plan::{Limit, Op, Val};
use crate::flags;

/// What an argument is, so that a caller can tie it to what produced it. Unqualified names are
/// mmap's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// setrlimit's `&(struct rlimit){n, n}`, for this resource.
    Rlimit(Limit),
    /// The whole loop that fills the process up to `vm.max_map_count`.
    ExhaustMapCount,
    /// open's path.
    OpenPath,
    /// open's flags.
    OpenFlags,
    /// The whole `memfd_create` + `ftruncate` + `fcntl` sequence that makes a sealed memfd.
    Memfd,
    /// ftruncate's length.
    TruncateSize,
    /// The whole `lseek` + `write` that grows a file.
    Grow,
    /// mmap's `addr`.
    Addr,
    /// mmap's `length`.
    Length,
    /// mmap's `prot`.
    Prot,
    /// mmap's `flags`.
    Flags,
    /// mmap's `fd`.
    Fd,
    /// mmap's `offset`.
    Offset,
    /// munmap's address.
    MunmapAddr,
    /// munmap's length.
    MunmapLength,
    /// mprotect's protection.
    MprotectProt,
    /// close's descriptor.
    CloseFd,
    /// The whole one-byte load or store.
    Access,
    /// The window of a copy through mappings.
    CopyWindow,
    /// The number of bytes a copy moves.
    CopySize,
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

/// Builds a call `head(arg, arg, …)` piece by piece.
struct Args(Vec<Part>);

impl Args {
    fn new(head: &str) -> Args {
        Args(vec![Part {
            text: format!("{head}("),
            arg: None,
        }])
    }

    /// An argument no caller singles out.
    fn arg(self, text: impl Into<String>) -> Args {
        self.push(text.into(), None)
    }

    /// An argument tagged with what it is.
    fn tagged(self, text: impl Into<String>, arg: Arg) -> Args {
        self.push(text.into(), Some(arg))
    }

    /// An argument, with `, ` before it unless it is the first.
    fn push(mut self, text: String, arg: Option<Arg>) -> Args {
        if self.0.len() > 1 {
            self.0.push(Part {
                text: ", ".to_string(),
                arg: None,
            });
        }
        self.0.push(Part { text, arg });
        self
    }

    fn close(mut self) -> Call {
        self.0.push(Part {
            text: ")".to_string(),
            arg: None,
        });
        Call { parts: self.0 }
    }
}

/// A whole statement in one piece.
fn single(text: String, arg: Option<Arg>) -> Call {
    Call {
        parts: vec![Part { text, arg }],
    }
}

/// `op` as the call it makes, its values named by `names`.
pub fn call(op: &Op, names: &dyn ValueNames) -> Call {
    match op {
        Op::SetRlimit { limit, bytes } => Args::new("setrlimit")
            .arg(limit.name())
            .tagged(
                format!("&(struct rlimit){{{bytes}, {bytes}}}"),
                Arg::Rlimit(*limit),
            )
            .close(),
        Op::ExhaustMapCount { page } => single(
            format!(
                "for (i = 1; ; i += 2) mprotect(base + i*{page}, {page}, PROT_READ)  \
                     /* → vm.max_map_count */"
            ),
            Some(Arg::ExhaustMapCount),
        ),
        Op::Open { path, flags: f } => {
            let args = Args::new("open")
                .tagged(format!("{:?}", path.to_string_lossy()), Arg::OpenPath)
                .tagged(flags::open_name(*f), Arg::OpenFlags);
            // The mode only matters, and is only shown, when open may create the file.
            let args = if f & nix::libc::O_CREAT != 0 {
                args.arg("0600")
            } else {
                args
            };
            args.close()
        }
        Op::Pipe => Args::new("pipe").arg("fds").close(),
        Op::SealedMemfd { size } => single(
            format!(
                "memfd_create(\"mmap-lab\", MFD_ALLOW_SEALING); ftruncate(fd, {size}); \
                 fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)"
            ),
            Some(Arg::Memfd),
        ),
        Op::Ftruncate { fd, size } => Args::new("ftruncate")
            .arg(names.num(*fd))
            .tagged(size.to_string(), Arg::TruncateSize)
            .close(),
        Op::LseekWrite { fd, size } => {
            let fd = names.num(*fd);
            single(
                format!(
                    "lseek({fd}, {}, SEEK_SET); write({fd}, \"\", 1)",
                    size.saturating_sub(1)
                ),
                Some(Arg::Grow),
            )
        }
        Op::Mmap {
            addr,
            length,
            prot,
            flags: f,
            fd,
            offset,
        } => Args::new("mmap")
            .tagged(names.addr(*addr), Arg::Addr)
            .tagged(length.to_string(), Arg::Length)
            .tagged(flags::prot_name(*prot), Arg::Prot)
            .tagged(flags::map_name(*f), Arg::Flags)
            .tagged(names.num(*fd), Arg::Fd)
            .tagged(offset.to_string(), Arg::Offset)
            .close(),
        Op::Munmap { addr, length } => Args::new("munmap")
            .tagged(names.addr(*addr), Arg::MunmapAddr)
            .tagged(length.to_string(), Arg::MunmapLength)
            .close(),
        Op::Mprotect { addr, length, prot } => Args::new("mprotect")
            .arg(names.addr(*addr))
            .arg(length.to_string())
            .tagged(flags::prot_name(*prot), Arg::MprotectProt)
            .close(),
        Op::Close { fd } => Args::new("close")
            .tagged(names.num(*fd), Arg::CloseFd)
            .close(),
        Op::Touch { addr, write, value } => {
            let at = names.addr(*addr);
            let cell = match at.strip_prefix("ptr + ") {
                Some(n) => format!("ptr[{n}]"),
                None if at == "ptr" => "ptr[0]".to_string(),
                // The address may be an expression (`p3 + 8`, `ptr - 1`): the cast must
                // enclose it, or C would read `*(char *)ptr - 1` as `(*ptr) - 1`.
                None => format!("*(char *)({at})"),
            };
            let text = if *write {
                format!("{cell} = {value:#04x}")
            } else {
                format!("c = {cell}")
            };
            single(text, Some(Arg::Access))
        }
        Op::ReadFileByte { path, offset } => single(
            format!(
                "pread(open({:?}, O_RDONLY), &c, 1, {offset})",
                path.to_string_lossy()
            ),
            None,
        ),
        Op::Maps => single("read(\"/proc/self/maps\")".to_string(), None),
        Op::Fork => single("fork()".to_string(), None),
        Op::WriteText { addr, text } => Args::new("strcpy")
            .arg(names.addr(*addr))
            .arg(format!("{text:?}"))
            .close(),
        Op::PipeRead { fd } => Args::new("read")
            .arg(names.num(*fd))
            .arg("&c")
            .arg("1")
            .close(),
        Op::PipeWrite { fd } => Args::new("write")
            .arg(names.num(*fd))
            .arg("\"x\"")
            .arg("1")
            .close(),
        Op::ReadText { addr, len } => {
            let addr = names.addr(*addr);
            // The text read is the step's result, so the call reads as printing it.
            let text = format!("printf(\"%.{len}s\", {addr})");
            single(text, None)
        }
        Op::Exit => single("_exit(0)".to_string(), None),
        Op::Waitpid { pid } => Args::new("waitpid")
            .arg(names.num(*pid))
            .arg("&status")
            .arg("0")
            .close(),
        Op::CopyMmap {
            src,
            dst,
            size,
            window,
        } => {
            let part = |text: String, arg: Option<Arg>| Part { text, arg };
            Call {
                parts: vec![
                    part("for each ".to_string(), None),
                    part(window.to_string(), Some(Arg::CopyWindow)),
                    part("-byte window of ".to_string(), None),
                    part(size.to_string(), Some(Arg::CopySize)),
                    part(
                        format!(
                            ": mmap({}) + mmap({}) + memcpy + munmap",
                            names.num(*src),
                            names.num(*dst)
                        ),
                        None,
                    ),
                ],
            }
        }
        Op::CopyReadWrite {
            src,
            dst,
            size,
            buf_len,
        } => single(
            format!(
                "while (n = read({}, buf, {buf_len})) write({}, buf, n)  /* {size} bytes */",
                names.num(*src),
                names.num(*dst)
            ),
            None,
        ),
        Op::CopyFileRange { src, dst, size } => Args::new("copy_file_range")
            .arg(names.num(*src))
            .arg("NULL")
            .arg(names.num(*dst))
            .arg("NULL")
            .tagged(size.to_string(), Arg::CopySize)
            .arg("0")
            .close(),
        Op::Compare { a, b, size, .. } => single(
            format!(
                "memcmp(mmap({}), mmap({}), {size})",
                names.num(*a),
                names.num(*b)
            ),
            None,
        ),
        Op::Sleep { millis } => single(format!("usleep({})", millis * 1000), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            &Op::Mmap {
                addr: Val::Lit(0),
                length: 4096,
                prot: nix::libc::PROT_READ,
                flags: nix::libc::MAP_SHARED,
                fd: Val::Ret(1),
                offset: 1000,
            },
            &Names,
        );
        assert_eq!(c.text(), "mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 1000)");
        let offset: Vec<&str> = c
            .parts
            .iter()
            .filter(|p| p.arg == Some(Arg::Offset))
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(offset, ["1000"]);
    }

    #[test]
    fn a_touch_below_the_pointer_casts_the_whole_expression() {
        let touch = |d: i64| {
            call(
                &Op::Touch {
                    addr: Val::RetPlus(0, d),
                    write: false,
                    value: 0,
                },
                &Names,
            )
            .text()
        };
        assert_eq!(touch(8), "c = ptr[8]");
        assert_eq!(touch(-1), "c = *(char *)(ptr - 1)");
    }
}
