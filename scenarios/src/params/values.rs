//! The parameters' values: [`Params`], a knob's typed [`Value`], how a key is edited
//! ([`KeyKind`]), and the bounds. A leaf: the knob table reads and writes these, and
//! `params/mod.rs`, which answers questions about a key from the table, re-exports them.

use super::choices::{Access, Addr, FileKind, Grow, Order, Sync, Writer};
use crate::engine::Via;
use crate::flags::{self, FlagSet};
use std::fmt;

/// How a key's value is edited: the TUI picks its widget from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// One of a fixed list of words (←/→ cycles).
    Choice(&'static [&'static str]),
    /// A set of flags joined by `|` (space toggles one).
    Flags(&'static [FlagSet]),
    /// A number (decimal, `0x` hex, K/M/G suffix).
    Number {
        /// Whether it may be negative.
        signed: bool,
    },
    /// `true` / `false`.
    Bool,
    /// Free text with its own grammar (`addr`, `access`).
    Text,
}

/// A knob's value, typed. [`fmt::Display`] gives the text [`Params::set`] accepts back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// One of the knob's words (`regular`, `ftruncate`).
    Word(&'static str),
    /// `open(2)` flags.
    Open(i32),
    /// Protection bits (`prot`, `mprotect`).
    Prot(i32),
    /// `mmap` flags.
    Map(i32),
    /// A number.
    Number(i128),
    /// Yes or no.
    Bool(bool),
    /// A one-byte touch.
    Access(Access),
    /// mmap's `addr`.
    Addr(Addr),
    /// msync's flags.
    Msync(i32),
    /// mremap's flags.
    Mremap(i32),
    /// madvise's advice.
    Advice(i32),
    /// The knob is off; the word says so (`none`, `unlimited`).
    Off(&'static str),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Word(w) | Value::Off(w) => f.write_str(w),
            Value::Open(o) => f.write_str(&flags::open_name(o)),
            Value::Prot(p) => f.write_str(&flags::prot_name(p)),
            Value::Map(m) => f.write_str(&flags::map_name(m)),
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Access(a) => write!(f, "{a}"),
            Value::Addr(a) => write!(f, "{a}"),
            Value::Msync(m) => f.write_str(&flags::msync_name(m)),
            Value::Mremap(m) => f.write_str(&flags::mremap_name(m)),
            Value::Advice(a) => f.write_str(&flags::advice_name(a)),
        }
    }
}

impl Value {
    /// The number behind the value, when it has one (for hex/decimal display).
    pub fn number(self) -> Option<i128> {
        match self {
            Value::Number(n) => Some(n),
            Value::Open(v)
            | Value::Prot(v)
            | Value::Map(v)
            | Value::Msync(v)
            | Value::Mremap(v)
            | Value::Advice(v) => Some(v.into()),
            Value::Addr(Addr::At(a)) => Some(a.into()),
            Value::Addr(Addr::Null) => Some(0),
            _ => None,
        }
    }
}

/// Which way a student steps a knob (←/→).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// → : the next choice, one page more.
    Next,
    /// ← : the previous choice, one page less.
    Previous,
}

/// Every knob of one experiment. Scenarios start from their defaults; `--set` changes the keys
/// the scenario accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // each field is the knob of the same name; the knob table documents it
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
    pub mprotect_shift: i64,
    /// `None`: the same as `length`.
    pub mprotect_length: Option<u64>,
    /// `None`: no msync call.
    pub msync_flags: Option<i32>,
    pub msync_shift: i64,
    /// `None`: the same as `length`.
    pub msync_length: Option<u64>,
    /// `None`: no madvise call.
    pub advice: Option<i32>,
    /// `None`: the same as `length`.
    pub madvise_length: Option<u64>,
    /// The scratch knob of the engine's tests (see `knobs.rs`).
    #[cfg(test)]
    pub scratch_shift: i64,
    /// `None`: no mremap call.
    pub mremap_flags: Option<i32>,
    pub new_length: u64,
    pub touch_old: bool,
    pub neighbour: bool,
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
    /// How many times each copy of mmap-copy runs (1 ..= [`MAX_COPY_RUNS`]).
    pub copy_runs: u32,
    /// How mmap, munmap and mprotect reach the kernel.
    pub via: Via,
    /// `None`: no other process touches the file's size.
    pub truncate_to: Option<u64>,
    pub grow_back: bool,
    pub writer: Writer,
    pub order: Order,
    pub sync: Sync,
    /// With `sync` = sleep: how long the child sleeps, in microseconds.
    pub sleep_us: u64,
    /// How many times the experiment runs (1 ..= [`MAX_REPEAT`]).
    pub repeat: u32,
}

/// The largest file the lab will write into its temporary directory (`file_size`,
/// `copy_size`): a typo must not fill the disk.
pub const MAX_FILE: u64 = 1 << 30;

/// The most runs of each copy `copy_runs` allows: enough for a steady median, few enough that
/// a 1 GiB copy still ends within the run's deadline.
pub const MAX_COPY_RUNS: u64 = 20;

/// The most times `repeat` runs an experiment: enough to count a race, few enough that the
/// runs end within a few seconds.
pub const MAX_REPEAT: u64 = 1000;

/// The longest sleep `sleep_us` allows (one second): the notes' `sleep(5)`, repeated, would
/// keep a class waiting for minutes.
pub const MAX_SLEEP_US: u64 = 1_000_000;
