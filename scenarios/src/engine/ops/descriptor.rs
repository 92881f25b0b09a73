//! The descriptor family: where the experiment's `fd` comes from (open, pipe, a sealed memfd),
//! how a file grows (ftruncate, lseek + write), close, and reading a file's byte back to see
//! whether a write through the mapping reached it.

use super::c::{c_string, unsigned, CWriter};
use super::syscalls::{sys, SysCall};
use super::{CType, Ended, Family};
use crate::engine::calls::{Arg, Args, Call, ValueNames};
use crate::engine::exec::{checked, errno, failed, ok, ok2, with_errno, Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::Val;
use crate::flags;
use crate::texts::Text;
use crate::Lang;
use nix::libc;
use std::ffi::{CStr, CString};

/// The system calls this family's steps make (see [`super::syscalls`]).
pub(crate) const SYSCALLS: &[SysCall] = &[
    sys(libc::SYS_openat, "openat", 4),
    sys(libc::SYS_close, "close", 1),
    sys(libc::SYS_pipe2, "pipe2", 2),
    sys(libc::SYS_memfd_create, "memfd_create", 2),
    sys(libc::SYS_ftruncate, "ftruncate", 2),
    sys(libc::SYS_fcntl, "fcntl", 3),
    sys(libc::SYS_lseek, "lseek", 3),
    sys(libc::SYS_write, "write", 3),
    sys(libc::SYS_read, "read", 3),
    sys(libc::SYS_pread64, "pread64", 4),
];

/// The older calls of this family that only some architectures have (aarch64 has none).
#[cfg(target_arch = "x86_64")]
pub(crate) const LEGACY: &[SysCall] = &[
    sys(libc::SYS_open, "open", 3),
    sys(libc::SYS_pipe, "pipe", 1),
];
#[cfg(not(target_arch = "x86_64"))]
pub(crate) const LEGACY: &[SysCall] = &[];

/// An operation on a file descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescriptorOp {
    /// `open(path, flags, 0600)`.
    Open {
        /// The path, relative to the experiment's directory.
        path: CString,
        /// `O_*` flags.
        flags: i32,
    },
    /// `pipe(fds)`: returns the read end, aux the write end.
    Pipe,
    /// `memfd_create` + `ftruncate(size)` + `fcntl(F_ADD_SEALS, F_SEAL_WRITE)`.
    SealedMemfd {
        /// The memfd's size.
        size: u64,
    },
    /// `ftruncate(fd, size)`.
    Ftruncate {
        /// The descriptor.
        fd: Val,
        /// The new size.
        size: u64,
    },
    /// `lseek(fd, size - 1, SEEK_SET)` then `write(fd, "", 1)`.
    LseekWrite {
        /// The descriptor.
        fd: Val,
        /// The size the file grows to.
        size: u64,
    },
    /// `write(fd, text, strlen(text))`: new bytes written into the file at the descriptor's
    /// offset, beside whatever maps the file.
    WriteText {
        /// The descriptor.
        fd: Val,
        /// The bytes (without a terminating NUL).
        text: &'static str,
    },
    /// `close(fd)`.
    Close {
        /// The descriptor.
        fd: Val,
    },
    /// Open `path` afresh, `pread` one byte at `offset`, close. Returns the byte.
    ReadFileByte {
        /// The file.
        path: CString,
        /// Where to read.
        offset: u64,
    },
}

/// `open(2)` flags as names, with any bit `open_name` does not know in hex.
fn open_flags(flags: i32) -> String {
    let known =
        libc::O_ACCMODE | libc::O_CREAT | libc::O_APPEND | libc::O_TRUNC | libc::O_DIRECTORY;
    let rest = flags & !known;
    let name = flags::open_name(flags);
    if rest == 0 {
        name
    } else {
        format!("{name}|{rest:#x}")
    }
}

/// The mode argument of `open`, which only matters, and is only shown, when open may create
/// the file.
fn open_mode(flags: i32) -> &'static str {
    if flags & libc::O_CREAT != 0 {
        ", 0600"
    } else {
        ""
    }
}

/// `0x41 'A'` for a printable byte, `0x00` otherwise.
pub(crate) fn byte_text(b: i64) -> String {
    let b = b as u8;
    if b.is_ascii_graphic() {
        format!("{b:#04x} '{}'", b as char)
    } else {
        format!("{b:#04x}")
    }
}

impl DescriptorOp {
    /// The minimal program's form of the steps whose full C uses a helper of the template;
    /// false for the others, whose call is the same in both programs.
    fn c_minimal(&self, c: &mut dyn CWriter) -> bool {
        match self {
            Self::Pipe => {
                let n = c.var();
                c.line(&format!("int {n}[2];"));
                let on_failure = c.on_failure();
                c.if_line(&format!("pipe({n}) == -1"), &on_failure);
            }
            Self::SealedMemfd { size } => {
                let n = c.var();
                c.line(&format!(
                    "int {n} = memfd_create(\"mmap-lab\", MFD_ALLOW_SEALING);"
                ));
                let on_failure = c.on_failure();
                let size = unsigned(*size);
                c.if_line(
                    &format!(
                        "{n} == -1 || ftruncate({n}, {size}) == -1 || \
                         fcntl({n}, F_ADD_SEALS, F_SEAL_WRITE) == -1"
                    ),
                    &on_failure,
                );
            }
            // Through the descriptor opened before the names were removed: the file itself,
            // not the mapping.
            Self::ReadFileByte { path, offset } => {
                let fd = c.reread_fd();
                let byte = fd.replace("file", "byte");
                c.line(&format!("unsigned char {byte} = 0;"));
                let on_failure = c.on_failure_of("pread");
                let offset = unsigned(*offset);
                c.if_line(
                    &format!("pread({fd}, &{byte}, 1, {offset}) == -1"),
                    &on_failure,
                );
                let shown = path.to_string_lossy().replace(['"', '\\', '%'], "_");
                c.line(&format!(
                    "printf(\"{shown}[{offset}] = 0x%02x\\n\", {byte});"
                ));
            }
            _ => return false,
        }
        true
    }
}

impl Family for DescriptorOp {
    fn vals(&self) -> Vec<Val> {
        match *self {
            Self::Ftruncate { fd, .. }
            | Self::LseekWrite { fd, .. }
            | Self::WriteText { fd, .. }
            | Self::Close { fd } => vec![fd],
            Self::Open { .. } | Self::Pipe | Self::SealedMemfd { .. } => Vec::new(),
            Self::ReadFileByte { .. } => Vec::new(),
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Open { .. } | Self::ReadFileByte { .. } => Function::Open,
            Self::Pipe => Function::Pipe,
            Self::SealedMemfd { .. } => Function::MemfdCreate,
            Self::Ftruncate { .. } => Function::Ftruncate,
            Self::LseekWrite { .. } | Self::WriteText { .. } => Function::Write,
            Self::Close { .. } => Function::Close,
        }
    }

    fn call(&self, names: &dyn ValueNames) -> Call {
        match self {
            Self::Open { path, flags } => {
                let args = Args::new(Function::Open)
                    .arg(format!("{:?}", path.to_string_lossy()))
                    .arg(open_flags(*flags));
                match open_mode(*flags) {
                    "" => args.close(),
                    _ => args.arg("0600").close(),
                }
            }
            Self::Pipe => Args::new(Function::Pipe).arg("fds").close(),
            Self::SealedMemfd { size } => Call::single(
                format!(
                    "memfd_create(\"mmap-lab\", MFD_ALLOW_SEALING); ftruncate(fd, {size}); \
                     fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)"
                ),
                Some(Arg::Memfd),
            ),
            Self::Ftruncate { fd, size } => Args::new(Function::Ftruncate)
                .arg(names.num(*fd))
                .arg(size.to_string())
                .close(),
            Self::LseekWrite { fd, size } => {
                let fd = names.num(*fd);
                Call::single(
                    format!(
                        "lseek({fd}, {}, SEEK_SET); write({fd}, \"\", 1)",
                        size.saturating_sub(1)
                    ),
                    Some(Arg::Grow),
                )
            }
            Self::WriteText { fd, text } => Args::new(Function::Write)
                .arg(names.num(*fd))
                .arg(format!("{text:?}"))
                .arg(text.len().to_string())
                .close(),
            Self::Close { fd } => Args::new(Function::Close).arg(names.num(*fd)).close(),
            Self::ReadFileByte { path, offset } => Call::single(
                format!(
                    "pread(open({:?}, O_RDONLY), &c, 1, {offset})",
                    path.to_string_lossy()
                ),
                None,
            ),
        }
    }

    fn result(&self, end: &Ended<'_>) -> String {
        match self {
            _ if end.errno != 0 => "-1".to_string(),
            Self::Pipe => format!("0, fds = {{{}, {}}}", end.ret, end.aux),
            Self::ReadFileByte { .. } => byte_text(end.ret),
            _ => end.ret.to_string(),
        }
    }

    fn execute(&self, cx: &mut Exec<'_>) -> Done {
        match *self {
            Self::Open { ref path, flags } => {
                // SAFETY: `path` is a NUL-terminated string owned by the plan.
                checked(unsafe { libc::open(path.as_ptr(), flags, 0o600 as libc::c_uint) }.into())
            }
            Self::Pipe => {
                let mut fds = [-1i32; 2];
                // SAFETY: pipe writes two ints into a local array.
                if unsafe { libc::pipe(fds.as_mut_ptr()) } == -1 {
                    return failed(-1, 0);
                }
                ok2(fds[0].into(), fds[1].into())
            }
            Self::SealedMemfd { size } => sealed_memfd(size),
            Self::Ftruncate { fd, size } => {
                // SAFETY: plain syscall on integers.
                checked(unsafe { libc::ftruncate(cx.v(fd) as i32, size as libc::off_t) }.into())
            }
            Self::LseekWrite { fd, size } => {
                let fd = cx.v(fd) as i32;
                let at = size.saturating_sub(1) as libc::off_t;
                // SAFETY: plain syscalls; write reads one byte from a static.
                unsafe {
                    if libc::lseek(fd, at, libc::SEEK_SET) == -1 {
                        return failed(-1, 0);
                    }
                    checked(libc::write(fd, c"".as_ptr().cast(), 1) as i64)
                }
            }
            Self::WriteText { fd, text } => {
                // SAFETY: write reads `text.len()` bytes from a static string.
                checked(
                    unsafe { libc::write(cx.v(fd) as i32, text.as_ptr().cast(), text.len()) }
                        as i64,
                )
            }
            Self::Close { fd } => {
                // SAFETY: closing a descriptor number.
                checked(unsafe { libc::close(cx.v(fd) as i32) }.into())
            }
            Self::ReadFileByte { ref path, offset } => read_file_byte(path, offset),
        }
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        if c.minimal() && self.c_minimal(c) {
            return true;
        }
        match self {
            Self::Open { path, flags } => {
                let call = format!(
                    "open({}, {}{})",
                    c_string(&path.to_string_lossy()),
                    open_flags(*flags),
                    open_mode(*flags)
                );
                c.check("check", &call);
            }
            Self::Pipe => {
                c.keep();
                let n = c.var();
                c.check_only("check_pipe", &format!("pipe({n}), {n}"));
            }
            Self::SealedMemfd { size } => {
                c.check("check", &format!("sealed_memfd({})", unsigned(*size)));
                c.needs(&["sealed_memfd"]);
            }
            Self::Ftruncate { fd, size } => {
                let fd = c.int(*fd);
                c.check("check", &format!("ftruncate({fd}, {})", unsigned(*size)));
            }
            Self::LseekWrite { fd, size } => {
                // As the lab does: no write after a failed lseek, whose -1 and errno are then
                // the step's.
                let fd = c.int(*fd);
                let at = unsigned(size.saturating_sub(1));
                c.check(
                    "check",
                    &format!("lseek({fd}, {at}, SEEK_SET) == -1 ? -1 : write({fd}, \"\", 1)"),
                );
            }
            Self::WriteText { fd, text } => {
                let fd = c.int(*fd);
                let call = format!("write({fd}, {}, {})", c_string(text), text.len());
                c.check("check", &call);
            }
            Self::Close { fd } => {
                let fd = c.int(*fd);
                c.check("check", &format!("close({fd})"));
            }
            Self::ReadFileByte { path, offset } => {
                let call = format!(
                    "read_file_byte({}, {})",
                    c_string(&path.to_string_lossy()),
                    unsigned(*offset)
                );
                c.check("check_byte", &call);
                c.needs(&["read_file_byte"]);
            }
        }
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        match self {
            Self::Open { path, flags } if flags & libc::O_CREAT != 0 => {
                Text::OpCreate.fill(lang, &[&path.to_string_lossy()])
            }
            Self::Open { path, .. } => Text::OpOpen.fill(lang, &[&path.to_string_lossy()]),
            Self::Pipe => Text::OpPipe.get(lang).to_string(),
            Self::SealedMemfd { .. } => Text::OpSealedMemfd.get(lang).to_string(),
            Self::Ftruncate { size, .. } => Text::OpFtruncate.fill(lang, &[&size.to_string()]),
            Self::LseekWrite { size, .. } => Text::OpLseekWrite.fill(lang, &[&size.to_string()]),
            Self::WriteText { text, .. } => Text::OpWriteFile.fill(lang, &[text]),
            Self::Close { .. } => Text::OpClose.get(lang).to_string(),
            Self::ReadFileByte { .. } => Text::OpReadFileByte.get(lang).to_string(),
        }
    }

    fn c_type(&self) -> CType {
        match self {
            Self::Open { .. } | Self::SealedMemfd { .. } => CType::Int,
            Self::Pipe => CType::Pipe,
            _ => CType::Long,
        }
    }

    fn named_path(&self) -> Option<(String, bool)> {
        match self {
            Self::Open { path, .. } => Some((path.to_string_lossy().into_owned(), false)),
            Self::ReadFileByte { path, .. } => Some((path.to_string_lossy().into_owned(), true)),
            _ => None,
        }
    }

    fn creates(&self) -> Option<String> {
        match self {
            Self::Open { path, flags } if flags & libc::O_CREAT != 0 => {
                let name = path.to_string_lossy().into_owned();
                let inside = !name.contains('/') && name != "." && name != "..";
                inside.then_some(name)
            }
            _ => None,
        }
    }
}

/// `memfd_create` + `ftruncate` + `F_ADD_SEALS`; aux says which of the three failed.
fn sealed_memfd(size: u64) -> Done {
    // SAFETY: memfd_create/ftruncate/fcntl on a new descriptor of our own.
    unsafe {
        let fd = libc::memfd_create(c"mmap-lab".as_ptr(), libc::MFD_ALLOW_SEALING);
        if fd < 0 {
            return failed(-1, 1);
        }
        if libc::ftruncate(fd, size as libc::off_t) != 0 {
            return failed(-1, 2);
        }
        if libc::fcntl(fd, libc::F_ADD_SEALS, libc::F_SEAL_WRITE) != 0 {
            return failed(-1, 3);
        }
        ok(fd.into())
    }
}

/// The byte at `offset` of the file itself, read through a fresh descriptor. -1 with errno 0
/// at the end of the file.
fn read_file_byte(path: &CStr, offset: u64) -> Done {
    let mut c = 0u8;
    // SAFETY: open/pread/close with a local one-byte buffer.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return failed(-1, 1);
        }
        let n = libc::pread(fd, (&mut c as *mut u8).cast(), 1, offset as libc::off_t);
        let e = errno();
        libc::close(fd);
        match n {
            1 => ok(c.into()),
            0 => with_errno(-1, 0, 0),
            _ => with_errno(-1, 2, e),
        }
    }
}
