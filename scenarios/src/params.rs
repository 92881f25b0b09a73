//! The knobs a student can turn: every `--set KEY=VALUE` key of DESIGN.md, how each value is
//! parsed from text and shown back in symbolic form.
//!
//! Parsing never panics: every bad value becomes a [`ParamError`] naming the key, the value and
//! what is accepted, so the command line and the TUI can both refuse it with a clear message.

use crate::flags::{self, FlagSet};
use serde::Serialize;
use std::fmt;

/// What went wrong with a `KEY=VALUE`. The `Display` text is English; the program shows a
/// translated message built from the same fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// `--set` text without `=`.
    #[error("`{0}` is not KEY=VALUE")]
    NotKeyValue(String),
    /// A key no scenario knows.
    #[error("unknown key `{key}`; known keys: {known}")]
    UnknownKey { key: String, known: String },
    /// A key this scenario does not take.
    #[error("scenario `{scenario}` does not take `{key}`; it takes: {accepted}")]
    NotAccepted {
        scenario: String,
        key: String,
        accepted: String,
    },
    /// A value that does not parse for its key.
    #[error("bad value `{value}` for `{key}`: expected {expected}")]
    BadValue {
        key: String,
        value: String,
        expected: String,
    },
}

/// Every parameter key, in the order DESIGN.md lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Key {
    File,
    FileSize,
    Open,
    Addr,
    Length,
    Offset,
    Prot,
    Flags,
    CloseFd,
    Access,
    Mprotect,
    MunmapShift,
    MunmapLength,
    RlimitAs,
    RlimitData,
    RlimitMemlock,
    ExhaustMapCount,
    Guard,
    Grow,
    CopySize,
    Window,
}

/// How a key's value is edited: the TUI picks its widget from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// One of a fixed list of words (←/→ cycles).
    Choice(&'static [&'static str]),
    /// A set of flags joined by `|` (space toggles one).
    Flags(&'static [FlagSet]),
    /// A number (decimal, `0x` hex, K/M/G suffix).
    Number { signed: bool },
    /// `true` / `false`.
    Bool,
    /// Free text with its own grammar (`addr`, `access`).
    Text,
}

impl Key {
    /// All keys, in display order.
    pub const ALL: [Key; 21] = [
        Key::File,
        Key::FileSize,
        Key::Open,
        Key::Addr,
        Key::Length,
        Key::Offset,
        Key::Prot,
        Key::Flags,
        Key::CloseFd,
        Key::Access,
        Key::Mprotect,
        Key::MunmapShift,
        Key::MunmapLength,
        Key::RlimitAs,
        Key::RlimitData,
        Key::RlimitMemlock,
        Key::ExhaustMapCount,
        Key::Guard,
        Key::Grow,
        Key::CopySize,
        Key::Window,
    ];

    /// The key as typed after `--set`.
    pub fn name(self) -> &'static str {
        match self {
            Key::File => "file",
            Key::FileSize => "file_size",
            Key::Open => "open",
            Key::Addr => "addr",
            Key::Length => "length",
            Key::Offset => "offset",
            Key::Prot => "prot",
            Key::Flags => "flags",
            Key::CloseFd => "close_fd",
            Key::Access => "access",
            Key::Mprotect => "mprotect",
            Key::MunmapShift => "munmap_shift",
            Key::MunmapLength => "munmap_length",
            Key::RlimitAs => "rlimit_as",
            Key::RlimitData => "rlimit_data",
            Key::RlimitMemlock => "rlimit_memlock",
            Key::ExhaustMapCount => "exhaust_map_count",
            Key::Guard => "guard",
            Key::Grow => "grow",
            Key::CopySize => "copy_size",
            Key::Window => "window",
        }
    }

    /// The key named `name`, if any.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }

    /// How the value is edited.
    pub fn kind(self) -> KeyKind {
        match self {
            Key::File => KeyKind::Choice(FileKind::NAMES),
            Key::Open => KeyKind::Choice(OPEN_CHOICES),
            Key::Grow => KeyKind::Choice(Grow::NAMES),
            Key::Prot | Key::Mprotect => KeyKind::Flags(flags::PROT_FLAGS),
            Key::Flags => KeyKind::Flags(flags::MAP_FLAGS),
            Key::Offset | Key::MunmapShift => KeyKind::Number { signed: true },
            Key::FileSize
            | Key::Length
            | Key::MunmapLength
            | Key::RlimitAs
            | Key::RlimitData
            | Key::RlimitMemlock
            | Key::CopySize
            | Key::Window => KeyKind::Number { signed: false },
            Key::CloseFd | Key::ExhaustMapCount | Key::Guard => KeyKind::Bool,
            Key::Addr | Key::Access => KeyKind::Text,
        }
    }

    /// What a value of this key looks like, for error messages and help.
    pub fn expected(self) -> String {
        match self.kind() {
            KeyKind::Choice(words) => format!("one of {}", words.join(", ")),
            KeyKind::Flags(set) => {
                let names: Vec<&str> = set.iter().map(|f| f.name).collect();
                let extra = if self == Key::Flags {
                    " or a number"
                } else {
                    ""
                };
                let none = if self == Key::Flags {
                    ""
                } else {
                    "PROT_NONE, or "
                };
                format!("{none}{} joined by |{extra}", names.join(", "))
            }
            KeyKind::Number { signed } => format!(
                "{}: decimal, 0x hex, or with a K/M/G suffix{}",
                if signed {
                    "an integer, possibly negative"
                } else {
                    "an integer"
                },
                if matches!(self, Key::FileSize | Key::CopySize) {
                    ", at most 1G"
                } else {
                    ""
                }
            ),
            KeyKind::Bool => "true or false".to_string(),
            KeyKind::Text => match self {
                Key::Addr => "NULL, a hex address such as 0x10000000, or existing".to_string(),
                _ => "none, read@N or write@N (N: byte offset from the pointer)".to_string(),
            },
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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

    fn parse(text: &str) -> Option<FileKind> {
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

/// Every knob of one experiment. Scenarios start from their defaults; `--set` changes the keys
/// the scenario accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub file: FileKind,
    pub file_size: u64,
    /// `open(2)` flags (access mode plus `O_APPEND` / `O_TRUNC`).
    pub open: i32,
    pub addr: Addr,
    pub length: u64,
    pub offset: i64,
    pub prot: i32,
    pub flags: i32,
    pub close_fd: bool,
    pub access: Access,
    pub mprotect: Option<i32>,
    pub munmap_shift: i64,
    /// `None`: the same as `length`.
    pub munmap_length: Option<u64>,
    pub rlimit_as: Option<u64>,
    pub rlimit_data: Option<u64>,
    pub rlimit_memlock: Option<u64>,
    pub exhaust_map_count: bool,
    pub guard: bool,
    pub grow: Grow,
    pub copy_size: u64,
    pub window: u64,
}

impl Params {
    /// A plain, working experiment: one page of a 4-page regular file, read/write, shared.
    pub fn base(page: u64) -> Params {
        Params {
            file: FileKind::Regular,
            file_size: 4 * page,
            open: flags::O_RDWR,
            addr: Addr::Null,
            length: page,
            offset: 0,
            prot: flags::PROT_READ | flags::PROT_WRITE,
            flags: flags::MAP_SHARED,
            close_fd: false,
            access: Access::None,
            mprotect: None,
            munmap_shift: 0,
            munmap_length: None,
            rlimit_as: None,
            rlimit_data: None,
            rlimit_memlock: None,
            exhaust_map_count: false,
            guard: false,
            grow: Grow::None,
            copy_size: 64 << 20,
            window: 8 << 20,
        }
    }

    /// The length passed to munmap.
    pub fn munmap_len(&self) -> u64 {
        self.munmap_length.unwrap_or(self.length)
    }

    /// Parse `value` and store it under `key`. On error nothing changes.
    pub fn set(&mut self, key: Key, value: &str) -> Result<(), ParamError> {
        let bad = || ParamError::BadValue {
            key: key.name().to_string(),
            value: value.to_string(),
            expected: key.expected(),
        };
        let text = value.trim();
        match key {
            Key::File => {
                let file = FileKind::parse(text).ok_or_else(bad)?;
                // "No file" means fd -1 *and* MAP_ANONYMOUS; moving away from it drops the flag.
                // A later `flags=` still wins, so `EBADF` stays one knob away.
                if file == FileKind::Anonymous {
                    self.flags |= flags::MAP_ANONYMOUS;
                } else if self.file == FileKind::Anonymous {
                    self.flags &= !flags::MAP_ANONYMOUS;
                }
                self.file = file;
            }
            Key::FileSize => self.file_size = parse_size(text, MAX_FILE).ok_or_else(bad)?,
            Key::Open => self.open = flags::parse_open(text).ok_or_else(bad)?,
            Key::Addr => self.addr = parse_addr(text).ok_or_else(bad)?,
            Key::Length => self.length = parse_u64(text).ok_or_else(bad)?,
            Key::Offset => self.offset = parse_i64(text).ok_or_else(bad)?,
            Key::Prot => self.prot = flags::parse_prot(text).ok_or_else(bad)?,
            Key::Flags => self.flags = flags::parse_map(text).ok_or_else(bad)?,
            Key::CloseFd => self.close_fd = parse_bool(text).ok_or_else(bad)?,
            Key::Access => self.access = parse_access(text).ok_or_else(bad)?,
            Key::Mprotect => {
                self.mprotect = match text {
                    "none" | "" => None,
                    _ => Some(flags::parse_prot(text).ok_or_else(bad)?),
                }
            }
            Key::MunmapShift => self.munmap_shift = parse_i64(text).ok_or_else(bad)?,
            Key::MunmapLength => self.munmap_length = Some(parse_u64(text).ok_or_else(bad)?),
            Key::RlimitAs => self.rlimit_as = parse_limit(text).ok_or_else(bad)?,
            Key::RlimitData => self.rlimit_data = parse_limit(text).ok_or_else(bad)?,
            Key::RlimitMemlock => self.rlimit_memlock = parse_limit(text).ok_or_else(bad)?,
            Key::ExhaustMapCount => self.exhaust_map_count = parse_bool(text).ok_or_else(bad)?,
            Key::Guard => self.guard = parse_bool(text).ok_or_else(bad)?,
            Key::Grow => {
                self.grow = match text {
                    "none" => Grow::None,
                    "ftruncate" => Grow::Ftruncate,
                    "lseek-write" => Grow::LseekWrite,
                    _ => return Err(bad()),
                }
            }
            Key::CopySize => self.copy_size = parse_size(text, MAX_FILE).ok_or_else(bad)?,
            Key::Window => {
                let w = parse_u64(text).ok_or_else(bad)?;
                if w == 0 {
                    return Err(bad());
                }
                self.window = w
            }
        }
        Ok(())
    }

    /// The value of `key` as text that [`Params::set`] accepts back.
    pub fn get(&self, key: Key) -> String {
        match key {
            Key::File => self.file.name().to_string(),
            Key::FileSize => self.file_size.to_string(),
            Key::Open => flags::open_name(self.open),
            Key::Addr => self.addr.to_string(),
            Key::Length => self.length.to_string(),
            Key::Offset => self.offset.to_string(),
            Key::Prot => flags::prot_name(self.prot),
            Key::Flags => flags::map_name(self.flags),
            Key::CloseFd => self.close_fd.to_string(),
            Key::Access => self.access.to_string(),
            Key::Mprotect => self
                .mprotect
                .map_or_else(|| "none".to_string(), flags::prot_name),
            Key::MunmapShift => self.munmap_shift.to_string(),
            Key::MunmapLength => self.munmap_len().to_string(),
            Key::RlimitAs => limit_name(self.rlimit_as),
            Key::RlimitData => limit_name(self.rlimit_data),
            Key::RlimitMemlock => limit_name(self.rlimit_memlock),
            Key::ExhaustMapCount => self.exhaust_map_count.to_string(),
            Key::Guard => self.guard.to_string(),
            Key::Grow => self.grow.name().to_string(),
            Key::CopySize => self.copy_size.to_string(),
            Key::Window => self.window.to_string(),
        }
    }

    /// The numeric value of `key`, when it has one (for hex/decimal display).
    pub fn number(&self, key: Key) -> Option<i128> {
        Some(match key {
            Key::FileSize => self.file_size.into(),
            Key::Length => self.length.into(),
            Key::Offset => self.offset.into(),
            Key::MunmapShift => self.munmap_shift.into(),
            Key::MunmapLength => self.munmap_len().into(),
            Key::RlimitAs => self.rlimit_as?.into(),
            Key::RlimitData => self.rlimit_data?.into(),
            Key::RlimitMemlock => self.rlimit_memlock?.into(),
            Key::CopySize => self.copy_size.into(),
            Key::Window => self.window.into(),
            Key::Open => self.open.into(),
            Key::Prot => self.prot.into(),
            Key::Flags => self.flags.into(),
            Key::Mprotect => self.mprotect?.into(),
            Key::Addr => match self.addr {
                Addr::At(a) => a.into(),
                Addr::Null => 0,
                Addr::Existing => return None,
            },
            _ => return None,
        })
    }

    /// The value as JSON: numbers for numeric keys, text for the rest.
    pub fn json_value(&self, key: Key) -> serde_json::Value {
        match key.kind() {
            KeyKind::Number { .. } => match self.number(key) {
                Some(n) => match i64::try_from(n) {
                    Ok(v) => v.into(),
                    Err(_) => (n as u64).into(),
                },
                None => serde_json::Value::String(self.get(key)),
            },
            KeyKind::Bool => matches!(self.get(key).as_str(), "true").into(),
            _ => self.get(key).into(),
        }
    }
}

/// The largest file the lab will write into its temporary directory (`file_size`,
/// `copy_size`): a typo must not fill the disk.
pub const MAX_FILE: u64 = 1 << 30;

fn parse_size(text: &str, max: u64) -> Option<u64> {
    parse_u64(text).filter(|&v| v <= max)
}

fn limit_name(limit: Option<u64>) -> String {
    limit.map_or_else(|| "unlimited".to_string(), |v| v.to_string())
}

fn parse_limit(text: &str) -> Option<Option<u64>> {
    match text {
        "unlimited" | "none" => Some(None),
        _ => parse_u64(text).map(Some),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

fn parse_addr(text: &str) -> Option<Addr> {
    match text {
        "NULL" | "null" | "0" => Some(Addr::Null),
        "existing" => Some(Addr::Existing),
        _ => {
            let hex = text
                .strip_prefix("0x")
                .or_else(|| text.strip_prefix("0X"))?;
            u64::from_str_radix(hex, 16).ok().map(Addr::At)
        }
    }
}

fn parse_access(text: &str) -> Option<Access> {
    if text == "none" {
        return Some(Access::None);
    }
    let (what, at) = text.split_once('@')?;
    let n = parse_u64(at)?;
    match what {
        "read" => Some(Access::Read(n)),
        "write" => Some(Access::Write(n)),
        _ => None,
    }
}

/// Parse an unsigned size: decimal, `0x` hex, or a `K`/`M`/`G` suffix (powers of 1024).
pub fn parse_u64(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, scale) = match text.char_indices().last()? {
        (i, 'k' | 'K') => (&text[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&text[..i], 1 << 20),
        (i, 'g' | 'G') => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).ok()?
    } else {
        if digits.starts_with('+') {
            return None;
        }
        digits.parse::<u64>().ok()?
    };
    value.checked_mul(scale)
}

/// Parse a signed integer with the same forms as [`parse_u64`] plus a leading `-`.
pub fn parse_i64(text: &str) -> Option<i64> {
    let text = text.trim();
    match text.strip_prefix('-') {
        Some(rest) => {
            let v = parse_u64(rest)?;
            if v == 1u64 << 63 {
                Some(i64::MIN)
            } else {
                i64::try_from(v).ok().map(|v| -v)
            }
        }
        None => i64::try_from(parse_u64(text)?).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_accept_decimal_hex_and_suffixes() {
        assert_eq!(parse_u64("4096"), Some(4096));
        assert_eq!(parse_u64("0x1000"), Some(4096));
        assert_eq!(parse_u64("4K"), Some(4096));
        assert_eq!(parse_u64("64M"), Some(64 << 20));
        assert_eq!(parse_u64("0x10k"), Some(16 << 10));
        assert_eq!(parse_u64("1G"), Some(1 << 30));
        assert_eq!(parse_u64(""), None);
        assert_eq!(parse_u64("K"), None);
        assert_eq!(parse_u64("-1"), None);
        assert_eq!(parse_u64("99999999999G"), None);
        assert_eq!(parse_i64("-4096"), Some(-4096));
        assert_eq!(parse_i64("-4K"), Some(-4096));
        assert_eq!(parse_i64("--4"), None);
    }

    #[test]
    fn set_then_get_round_trips() {
        let mut p = Params::base(4096);
        for (key, value) in [
            (Key::Open, "O_RDONLY|O_APPEND"),
            (Key::Prot, "PROT_READ|PROT_WRITE"),
            (Key::Flags, "MAP_PRIVATE|MAP_ANONYMOUS"),
            (Key::Access, "write@4096"),
            (Key::Addr, "0x10000000"),
            (Key::File, "sealed-memfd"),
            (Key::Mprotect, "PROT_NONE"),
            (Key::Grow, "lseek-write"),
        ] {
            p.set(key, value).unwrap();
            assert_eq!(p.get(key), value, "{key}");
        }
    }

    #[test]
    fn a_bad_value_names_key_value_and_expectation_and_changes_nothing() {
        let mut p = Params::base(4096);
        let before = p.clone();
        let err = p.set(Key::Offset, "12x").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("offset") && text.contains("12x") && text.contains("integer"));
        assert_eq!(p, before);
    }
}
