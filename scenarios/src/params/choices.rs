//! The values of the knobs that take a word: where the descriptor comes from, how the file
//! grows, who writes, how two processes are ordered, the touch, the address.

use serde::Serialize;
use std::fmt;

/// Where the experiment's file descriptor comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FileKind {
    /// A regular file of `file_size` bytes, filled with a known pattern.
    Regular,
    /// A file created with `O_CREAT` just before: size 0.
    New,
    /// No file: `fd = -1` and `MAP_ANONYMOUS` expected.
    Anonymous,
    /// The read end of a pipe.
    Pipe,
    /// A directory opened with `O_DIRECTORY`.
    Directory,
    /// `/dev/null`.
    DevNull,
    /// A descriptor number that is not open.
    BadFd,
    /// A `memfd` sealed against writing (`F_SEAL_WRITE`).
    SealedMemfd,
}

impl FileKind {
    /// Every file kind's name, in order.
    pub const NAMES: &'static [&'static str] = &[
        "regular",
        "new",
        "anonymous",
        "pipe",
        "directory",
        "dev-null",
        "bad-fd",
        "sealed-memfd",
    ];
    const ALL: [FileKind; 8] = [
        FileKind::Regular,
        FileKind::New,
        FileKind::Anonymous,
        FileKind::Pipe,
        FileKind::Directory,
        FileKind::DevNull,
        FileKind::BadFd,
        FileKind::SealedMemfd,
    ];

    /// The name as typed.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub(super) fn parse(text: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.name() == text)
    }
}

/// How `empty-new-file` extends the new file before mapping it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Grow {
    /// Leave it empty.
    None,
    /// `ftruncate(fd, file_size)`.
    Ftruncate,
    /// `lseek(fd, file_size - 1, SEEK_SET)` then `write(fd, "", 1)`.
    LseekWrite,
}

impl Grow {
    /// Every choice's name.
    pub const NAMES: &'static [&'static str] = &["none", "ftruncate", "lseek-write"];

    /// The name as typed.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub(super) fn parse(text: &str) -> Option<Grow> {
        [Grow::None, Grow::Ftruncate, Grow::LseekWrite]
            .into_iter()
            .find(|g| g.name() == text)
    }
}

/// Who writes through a mapping that a forked child inherits, and when (`private-cow-fork`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Writer {
    /// The child, after the fork; the parent reads once the child has ended.
    Child,
    /// The parent, after the fork; the child reads once the parent has written.
    Parent,
    /// The parent, before the fork; both read afterwards.
    BeforeFork,
}

impl Writer {
    /// Every choice's name.
    pub const NAMES: &'static [&'static str] = &["child", "parent", "before-fork"];

    /// The name as typed.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub(super) fn parse(text: &str) -> Option<Writer> {
        [Writer::Child, Writer::Parent, Writer::BeforeFork]
            .into_iter()
            .find(|w| w.name() == text)
    }
}

/// How the child of `anonymous-ipc` waits until the parent has written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sync {
    /// The child blocks reading a pipe the parent writes to after its write: always ordered.
    Pipe,
    /// The child sleeps `sleep_us` first, as the course notes' `sleep(5)`: a race made
    /// unlikely, not prevented.
    Sleep,
    /// The child reads at once: a plain race.
    None,
}

impl Sync {
    /// Every choice's name.
    pub const NAMES: &'static [&'static str] = &["pipe", "sleep", "none"];

    /// The name as typed.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub(super) fn parse(text: &str) -> Option<Sync> {
        [Sync::Pipe, Sync::Sleep, Sync::None]
            .into_iter()
            .find(|s| s.name() == text)
    }
}

/// The order of a `write(2)` to the mapped file and the touches through the mapping
/// (`write-vs-mapping`). Each ends by reading the written bytes through the mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Order {
    /// `write(2)`, then read through the mapping.
    WriteRead,
    /// Read through the mapping, `write(2)`, read again: a load copies nothing.
    ReadWriteRead,
    /// Store through the mapping, `write(2)`, read: a store to a `MAP_PRIVATE` page copies it.
    StoreWriteRead,
}

impl Order {
    /// Every choice's name.
    pub const NAMES: &'static [&'static str] =
        &["write-read", "read-write-read", "store-write-read"];

    /// The name as typed.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub(super) fn parse(text: &str) -> Option<Order> {
        [
            Order::WriteRead,
            Order::ReadWriteRead,
            Order::StoreWriteRead,
        ]
        .into_iter()
        .find(|o| o.name() == text)
    }
}

/// Touch one byte of the mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No touch.
    None,
    /// Read byte N.
    Read(u64),
    /// Write byte N.
    Write(u64),
}

impl Access {
    /// The byte offset touched, if any.
    pub fn offset(self) -> Option<u64> {
        match self {
            Access::None => None,
            Access::Read(n) | Access::Write(n) => Some(n),
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::None => f.write_str("none"),
            Access::Read(n) => write!(f, "read@{n}"),
            Access::Write(n) => write!(f, "write@{n}"),
        }
    }
}

/// The `addr` argument of mmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    /// `NULL`: let the kernel choose.
    Null,
    /// A literal address.
    At(u64),
    /// The address of a mapping made just before (to collide with it).
    Existing,
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Null => f.write_str("NULL"),
            Addr::At(a) => write!(f, "{a:#x}"),
            Addr::Existing => f.write_str("existing"),
        }
    }
}

/// The open modes offered by the TUI (any `|O_APPEND` / `|O_TRUNC` combination also parses).
pub const OPEN_CHOICES: &[&str] = &[
    "O_RDONLY",
    "O_WRONLY",
    "O_RDWR",
    "O_RDONLY|O_APPEND",
    "O_WRONLY|O_APPEND",
    "O_RDWR|O_APPEND",
    "O_RDWR|O_TRUNC",
];
