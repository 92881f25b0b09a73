//! The knobs a student can turn: every `--set KEY=VALUE` key (docs/cli.md), in one table
//! ([`knob`]). Each row says how the knob is named, what kind of value it takes, what it means
//! (in English and Chinese), how its value is read from and stored into [`Params`], how a
//! student steps it, and which call arguments show it on screen.
//!
//! Values are typed ([`Value`]). Text is parsed only at the edges (the command line, the TUI's
//! editor, JSON) with [`Params::set`]; inside the program a knob is set with
//! [`Params::assign`]. Parsing never panics: every bad value becomes a [`ParamError`] naming
//! the key, the value and what is accepted, so the command line and the TUI can both refuse it
//! with a clear message.
//!
//! Adding a knob is one row in [`knobs!`]'s invocation below plus one field of [`Params`],
//! plus wherever the experiment uses it.

use crate::engine::calls::Arg;
use crate::engine::{Limit, Via};
use crate::flags::{self, FlagSet, MapType};
use crate::lesson::Lang;
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
    UnknownKey {
        /// The key as typed.
        key: String,
        /// Every key, joined by `, `.
        known: String,
    },
    /// A key this scenario does not take.
    #[error("scenario `{scenario}` does not take `{key}`; it takes: {accepted}")]
    NotAccepted {
        /// The scenario's id.
        scenario: String,
        /// The key as typed.
        key: String,
        /// The keys it takes, joined by `, `.
        accepted: String,
    },
    /// A value that does not parse for its key.
    #[error("bad value `{value}` for `{key}`: expected {expected}")]
    BadValue {
        /// The key's name.
        key: String,
        /// The value as typed.
        value: String,
        /// What is accepted, in English.
        expected: String,
    },
}

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

/// One row of the knob table.
#[derive(Debug, Clone, Copy)]
pub struct Knob {
    /// The key.
    pub key: Key,
    /// The key as typed after `--set`.
    pub name: &'static str,
    /// How its value is edited.
    pub kind: KeyKind,
    /// One line of documentation: `(English, Chinese)`.
    pub doc: (&'static str, &'static str),
    /// The word that means "off", when the knob can be off (`none`, `unlimited`).
    pub off: Option<&'static str>,
    /// The largest value accepted, for numbers with a cap (`at most 1G`).
    pub max: Option<u64>,
    /// Whether `playground` offers it (every knob its standard experiment honours).
    pub playground: bool,
    /// The call arguments that show this knob on screen.
    pub shows: &'static [Arg],
    /// Text to value.
    parse: fn(&str) -> Option<Value>,
    /// The value in `Params`.
    read: fn(&Params) -> Value,
    /// Store a value; `None` when this knob cannot hold it.
    write: fn(&mut Params, Value) -> Option<()>,
}

/// Declares [`Key`] and the table [`KNOBS`] from one list of rows, so a knob is written once.
macro_rules! knobs {
    ($($(#[$doc:meta])* $key:ident { $($field:ident: $value:expr),* $(,)? })*) => {
        /// Every parameter key, in the order of the rows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum Key {
            $($(#[$doc])* $key,)*
        }

        const KEY_COUNT: usize = [$(stringify!($key)),*].len();

        impl Key {
            /// All keys, in display order.
            pub const ALL: [Key; KEY_COUNT] = [$(Key::$key),*];
        }

        /// The knob table: one row per [`Key`], in the same order.
        pub const KNOBS: [Knob; KEY_COUNT] = [$(Knob { key: Key::$key, $($field: $value),* }),*];
    };
}

/// The `mmap` call's arguments, shared by the knobs that set them.
const NUMBER: KeyKind = KeyKind::Number { signed: false };
const SIGNED: KeyKind = KeyKind::Number { signed: true };

knobs! {
    /// Where the descriptor comes from.
    File {
        name: "file", kind: KeyKind::Choice(FileKind::NAMES),
        doc: ("where the descriptor comes from", "文件描述符从哪里来"),
        off: None, max: None, playground: true,
        shows: &[Arg::OpenPath, Arg::Memfd, Arg::Fd],
        parse: |t| FileKind::parse(t).map(|k| Value::Word(k.name())),
        read: |p| Value::Word(p.file.name()),
        write: |p, v| {
            let file = FileKind::parse(word(v)?)?;
            // "No file" means fd -1 *and* MAP_ANONYMOUS; moving away from it drops the flag.
            // A later `flags=` still wins, so `EBADF` stays one knob away.
            if file == FileKind::Anonymous {
                p.flags |= flags::MAP_ANONYMOUS;
            } else if p.file == FileKind::Anonymous {
                p.flags &= !flags::MAP_ANONYMOUS;
            }
            p.file = file;
            Some(())
        },
    }
    /// Size of the file the lab creates.
    FileSize {
        name: "file_size", kind: NUMBER,
        doc: ("size of the file the lab creates", "实验创建的文件大小"),
        off: None, max: Some(MAX_FILE), playground: true, shows: &[Arg::TruncateSize],
        parse: number, read: |p| Value::Number(p.file_size.into()),
        write: |p, v| { p.file_size = size(v, MAX_FILE)?; Some(()) },
    }
    /// `open(2)` mode.
    Open {
        name: "open", kind: KeyKind::Choice(OPEN_CHOICES),
        doc: ("open(2) mode of the file", "open(2) 打开文件的方式"),
        off: None, max: None, playground: true, shows: &[Arg::OpenFlags],
        parse: |t| flags::parse_open(t).map(Value::Open),
        read: |p| Value::Open(p.open),
        write: |p, v| { let Value::Open(o) = v else { return None }; p.open = o; Some(()) },
    }
    /// mmap's address.
    Addr {
        name: "addr", kind: KeyKind::Text,
        doc: (
            "address: NULL lets the kernel choose; any other is only a hint unless the flags have MAP_FIXED or MAP_FIXED_NOREPLACE; existing: the address of a mapping made just before",
            "地址：NULL 表示由内核选择；其他地址只是提示，除非 flags 带 MAP_FIXED 或 MAP_FIXED_NOREPLACE；existing：刚刚建立的另一个映射的地址",
        ),
        off: None, max: None, playground: true, shows: &[Arg::Addr],
        parse: |t| parse_addr(t).map(Value::Addr),
        read: |p| Value::Addr(p.addr),
        write: |p, v| { let Value::Addr(a) = v else { return None }; p.addr = a; Some(()) },
    }
    /// Bytes to map.
    Length {
        name: "length", kind: NUMBER,
        doc: ("bytes to map", "要映射的字节数"),
        off: None, max: None, playground: true, shows: &[Arg::Length],
        parse: number, read: |p| Value::Number(p.length.into()),
        write: |p, v| { p.length = size(v, u64::MAX)?; Some(()) },
    }
    /// File offset.
    Offset {
        name: "offset", kind: SIGNED,
        doc: ("file offset: a multiple of the page size", "文件偏移：必须是页大小的整数倍"),
        off: None, max: None, playground: true, shows: &[Arg::Offset],
        parse: signed, read: |p| Value::Number(p.offset.into()),
        write: |p, v| { p.offset = int(v)?; Some(()) },
    }
    /// mmap's protection.
    Prot {
        name: "prot", kind: KeyKind::Flags(flags::PROT_FLAGS),
        doc: ("what the mapping allows: read, write, execute", "映射允许的访问：读、写、执行"),
        off: None, max: None, playground: true, shows: &[Arg::Prot],
        parse: |t| flags::parse_prot(t).map(Value::Prot),
        read: |p| Value::Prot(p.prot),
        write: |p, v| { p.prot = prot(v)?; Some(()) },
    }
    /// mmap's flags.
    Flags {
        name: "flags", kind: KeyKind::Flags(flags::MAP_FLAGS),
        doc: ("shared or private, and extra behaviour", "共享还是私有，以及其他行为"),
        off: None, max: None, playground: true, shows: &[Arg::Flags],
        parse: |t| flags::parse_map(t).map(Value::Map),
        read: |p| Value::Map(p.flags),
        write: |p, v| { let Value::Map(m) = v else { return None }; p.flags = m; Some(()) },
    }
    /// Close the descriptor right after mmap.
    CloseFd {
        name: "close_fd", kind: KeyKind::Bool,
        doc: ("close the descriptor right after mmap", "mmap 之后立即关闭文件描述符"),
        off: None, max: None, playground: true, shows: &[Arg::CloseFd],
        parse: boolean, read: |p| Value::Bool(p.close_fd),
        write: |p, v| { p.close_fd = yes(v)?; Some(()) },
    }
    /// Touch one byte.
    Access {
        name: "access", kind: KeyKind::Text,
        doc: ("touch one byte: read@N or write@N", "访问一个字节：read@N 或 write@N"),
        off: None, max: None, playground: true, shows: &[Arg::Access],
        parse: |t| parse_access(t).map(Value::Access),
        read: |p| Value::Access(p.access),
        write: |p, v| { let Value::Access(a) = v else { return None }; p.access = a; Some(()) },
    }
    /// mprotect after mmap.
    Mprotect {
        name: "mprotect", kind: KeyKind::Flags(flags::PROT_FLAGS),
        doc: ("change the protection after mmap", "mmap 之后修改保护属性"),
        off: Some("none"), max: None, playground: true, shows: &[Arg::MprotectProt],
        parse: |t| match t {
            "none" | "" => Some(Value::Off("none")),
            _ => flags::parse_prot(t).map(Value::Prot),
        },
        read: |p| p.mprotect.map_or(Value::Off("none"), Value::Prot),
        write: |p, v| {
            p.mprotect = match v { Value::Off(_) => None, v => Some(prot(v)?) };
            Some(())
        },
    }
    /// The pointer shift passed to munmap.
    MunmapShift {
        name: "munmap_shift", kind: SIGNED,
        doc: ("bytes added to the pointer passed to munmap", "传给 munmap 的指针加上的字节数"),
        off: None, max: None, playground: true, shows: &[Arg::MunmapAddr],
        parse: signed, read: |p| Value::Number(p.munmap_shift.into()),
        write: |p, v| { p.munmap_shift = int(v)?; Some(()) },
    }
    /// The length passed to munmap.
    MunmapLength {
        name: "munmap_length", kind: NUMBER,
        doc: ("length passed to munmap", "传给 munmap 的长度"),
        off: None, max: None, playground: true, shows: &[Arg::MunmapLength],
        parse: number, read: |p| Value::Number(p.munmap_len().into()),
        write: |p, v| { p.munmap_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// The pointer shift passed to mprotect.
    MprotectShift {
        name: "mprotect_shift", kind: SIGNED,
        doc: ("bytes added to the pointer passed to mprotect", "传给 mprotect 的指针加上的字节数"),
        off: None, max: None, playground: true, shows: &[Arg::MprotectAddr],
        parse: signed, read: |p| Value::Number(p.mprotect_shift.into()),
        write: |p, v| { p.mprotect_shift = int(v)?; Some(()) },
    }
    /// The length passed to mprotect.
    MprotectLength {
        name: "mprotect_length", kind: NUMBER,
        doc: ("length passed to mprotect", "传给 mprotect 的长度"),
        off: None, max: None, playground: true, shows: &[Arg::MprotectLength],
        parse: number, read: |p| Value::Number(p.mprotect_len().into()),
        write: |p, v| { p.mprotect_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// msync after the touch.
    MsyncFlags {
        name: "msync_flags", kind: KeyKind::Flags(flags::MSYNC_FLAGS),
        doc: ("call msync with these flags after the touch", "访问之后用这些标志调用 msync"),
        off: Some("none"), max: None, playground: true, shows: &[Arg::MsyncFlags],
        parse: |t| match t {
            "none" => Some(Value::Off("none")),
            _ => flags::parse_msync(t).map(Value::Msync),
        },
        read: |p| p.msync_flags.map_or(Value::Off("none"), Value::Msync),
        write: |p, v| {
            p.msync_flags = match v {
                Value::Off(_) => None,
                Value::Msync(m) => Some(m),
                _ => return None,
            };
            Some(())
        },
    }
    /// The pointer shift passed to msync.
    MsyncShift {
        name: "msync_shift", kind: SIGNED,
        doc: ("bytes added to the pointer passed to msync", "传给 msync 的指针加上的字节数"),
        off: None, max: None, playground: true, shows: &[Arg::MsyncAddr],
        parse: signed, read: |p| Value::Number(p.msync_shift.into()),
        write: |p, v| { p.msync_shift = int(v)?; Some(()) },
    }
    /// The length passed to msync.
    MsyncLength {
        name: "msync_length", kind: NUMBER,
        doc: ("length passed to msync", "传给 msync 的长度"),
        off: None, max: None, playground: true, shows: &[Arg::MsyncLength],
        parse: number, read: |p| Value::Number(p.msync_len().into()),
        write: |p, v| { p.msync_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// madvise after the touch.
    Advice {
        name: "advice", kind: KeyKind::Choice(flags::ADVICE_CHOICES),
        doc: (
            "call madvise with this advice, then read the byte again",
            "用这个建议调用 madvise，然后再读一次那个字节",
        ),
        off: Some("none"), max: None, playground: true, shows: &[Arg::Advice],
        parse: |t| match t {
            "none" => Some(Value::Off("none")),
            _ => flags::parse_advice(t).map(Value::Advice),
        },
        read: |p| p.advice.map_or(Value::Off("none"), Value::Advice),
        write: |p, v| {
            p.advice = match v {
                Value::Off(_) => None,
                Value::Advice(a) if flags::advice_allowed(a) => Some(a),
                _ => return None,
            };
            Some(())
        },
    }
    /// The length passed to madvise.
    MadviseLength {
        name: "madvise_length", kind: NUMBER,
        doc: ("length passed to madvise", "传给 madvise 的长度"),
        off: None, max: None, playground: true, shows: &[Arg::MadviseLength],
        parse: number, read: |p| Value::Number(p.madvise_len().into()),
        write: |p, v| { p.madvise_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// mremap at the end.
    MremapFlags {
        name: "mremap_flags", kind: KeyKind::Flags(flags::MREMAP_FLAGS),
        doc: ("call mremap with these flags (0: grow in place only)", "用这些标志调用 mremap（0：只能原地变大）"),
        off: Some("none"), max: None, playground: true, shows: &[Arg::MremapFlags],
        parse: |t| match t {
            "none" => Some(Value::Off("none")),
            _ => flags::parse_mremap(t).map(Value::Mremap),
        },
        read: |p| p.mremap_flags.map_or(Value::Off("none"), Value::Mremap),
        write: |p, v| {
            p.mremap_flags = match v {
                Value::Off(_) => None,
                Value::Mremap(m) => Some(m),
                _ => return None,
            };
            Some(())
        },
    }
    /// mremap's new length.
    NewLength {
        name: "new_length", kind: NUMBER,
        doc: ("the length mremap asks for", "mremap 要求的新长度"),
        off: None, max: None, playground: true, shows: &[Arg::MremapNewLength],
        parse: number, read: |p| Value::Number(p.new_length.into()),
        write: |p, v| { p.new_length = size(v, u64::MAX)?; Some(()) },
    }
    /// Touch the old pointer after mremap.
    TouchOld {
        name: "touch_old", kind: KeyKind::Bool,
        doc: ("after mremap, read through the old pointer", "mremap 之后通过旧指针读一个字节"),
        off: None, max: None, playground: true, shows: &[],
        parse: boolean, read: |p| Value::Bool(p.touch_old),
        write: |p, v| { p.touch_old = yes(v)?; Some(()) },
    }
    /// mremap-grow: a neighbour right after the mapping, or a free page.
    Neighbour {
        name: "neighbour", kind: KeyKind::Bool,
        doc: (
            "map a neighbour right after the mapping (false: leave that page free)",
            "在映射后面紧挨着放一个邻居（false：让那一页空着）",
        ),
        off: None, max: None, playground: false, shows: &[],
        parse: boolean, read: |p| Value::Bool(p.neighbour),
        write: |p, v| { p.neighbour = yes(v)?; Some(()) },
    }
    /// RLIMIT_AS.
    RlimitAs {
        name: "rlimit_as", kind: NUMBER,
        doc: ("limit the address space before mmap", "mmap 之前限制地址空间大小"),
        off: Some("unlimited"), max: None, playground: true, shows: &[Arg::Rlimit(Limit::As)],
        parse: limit, read: |p| limit_value(p.rlimit_as),
        write: |p, v| { p.rlimit_as = limit_of(v)?; Some(()) },
    }
    /// RLIMIT_DATA.
    RlimitData {
        name: "rlimit_data", kind: NUMBER,
        doc: ("limit the data segment before mmap", "mmap 之前限制数据段大小"),
        off: Some("unlimited"), max: None, playground: true, shows: &[Arg::Rlimit(Limit::Data)],
        parse: limit, read: |p| limit_value(p.rlimit_data),
        write: |p, v| { p.rlimit_data = limit_of(v)?; Some(()) },
    }
    /// RLIMIT_MEMLOCK.
    RlimitMemlock {
        name: "rlimit_memlock", kind: NUMBER,
        doc: ("limit locked memory before mmap", "mmap 之前限制可锁定的内存"),
        off: Some("unlimited"), max: None, playground: true,
        shows: &[Arg::Rlimit(Limit::Memlock)],
        parse: limit, read: |p| limit_value(p.rlimit_memlock),
        write: |p, v| { p.rlimit_memlock = limit_of(v)?; Some(()) },
    }
    /// Fill vm.max_map_count first.
    ExhaustMapCount {
        name: "exhaust_map_count", kind: KeyKind::Bool,
        doc: (
            "first fill up vm.max_map_count (then whether a new mapping fits depends on whether it merges with a neighbour: the answer can depend on the process's layout)",
            "先把映射数量填满到 vm.max_map_count（此后新映射能否放下，取决于它能否与相邻映射合并：答案可能随进程的内存布局而变）",
        ),
        off: None, max: None, playground: true, shows: &[Arg::ExhaustMapCount],
        parse: boolean, read: |p| Value::Bool(p.exhaust_map_count),
        write: |p, v| { p.exhaust_map_count = yes(v)?; Some(()) },
    }
    /// A guard page above the mapping.
    Guard {
        name: "guard", kind: KeyKind::Bool,
        doc: (
            "keep a guard page above the mapping (only with addr=NULL: a given address is used as it is)",
            "在映射上方留一页保护页（仅当 addr=NULL 时；给定的地址按原样使用）",
        ),
        off: None, max: None, playground: true, shows: &[],
        parse: boolean, read: |p| Value::Bool(p.guard),
        write: |p, v| { p.guard = yes(v)?; Some(()) },
    }
    /// How a new file is grown.
    Grow {
        name: "grow", kind: KeyKind::Choice(Grow::NAMES),
        doc: ("extend the new file before mapping it", "映射之前先扩展新文件"),
        off: None, max: None, playground: true, shows: &[Arg::Grow],
        parse: |t| Grow::parse(t).map(|g| Value::Word(g.name())),
        read: |p| Value::Word(p.grow.name()),
        write: |p, v| { p.grow = Grow::parse(word(v)?)?; Some(()) },
    }
    /// Another process shrinks (or grows) the file after mmap.
    TruncateTo {
        name: "truncate_to", kind: NUMBER,
        doc: (
            "after mmap, a forked child ftruncates the file to this size",
            "mmap 之后，由 fork 出的子进程用 ftruncate 把文件改成这个大小"
        ),
        off: Some("none"), max: Some(MAX_FILE), playground: true, shows: &[],
        parse: |t| match t {
            "none" | "" => Some(Value::Off("none")),
            _ => number(t),
        },
        read: |p| p.truncate_to.map_or(Value::Off("none"), |v| Value::Number(v.into())),
        write: |p, v| {
            p.truncate_to = match v { Value::Off(_) => None, v => Some(size(v, MAX_FILE)?) };
            Some(())
        },
    }
    /// After truncating, the same child grows the file back to `file_size`.
    GrowBack {
        name: "grow_back", kind: KeyKind::Bool,
        doc: (
            "after truncate_to, the child grows the file back to file_size",
            "truncate_to 之后，子进程再把文件恢复到 file_size 大小"
        ),
        off: None, max: None, playground: true, shows: &[],
        parse: boolean, read: |p| Value::Bool(p.grow_back),
        write: |p, v| { p.grow_back = yes(v)?; Some(()) },
    }
    /// Who writes through a mapping shared with a forked child, and when.
    Writer {
        name: "writer", kind: KeyKind::Choice(Writer::NAMES),
        doc: (
            "who writes: the child, the parent after the fork, or the parent before it",
            "谁来写：子进程、fork 之后的父进程，还是 fork 之前的父进程"
        ),
        off: None, max: None, playground: false, shows: &[],
        parse: |t| Writer::parse(t).map(|w| Value::Word(w.name())),
        read: |p| Value::Word(p.writer.name()),
        write: |p, v| { p.writer = Writer::parse(word(v)?)?; Some(()) },
    }
    /// How the child of anonymous-ipc waits for the parent's write.
    Sync {
        name: "sync", kind: KeyKind::Choice(Sync::NAMES),
        doc: (
            "how the child waits for the parent's write: a pipe, a sleep (sleep_us), or not at all",
            "子进程如何等待父进程写完：用管道、睡一会儿（sleep_us），或者根本不等",
        ),
        off: None, max: None, playground: false, shows: &[],
        parse: |t| Sync::parse(t).map(|s| Value::Word(s.name())),
        read: |p| Value::Word(p.sync.name()),
        write: |p, v| { p.sync = Sync::parse(word(v)?)?; Some(()) },
    }
    /// With sync=sleep, how long the child sleeps before it reads.
    SleepUs {
        name: "sleep_us", kind: NUMBER,
        doc: (
            "with sync=sleep: microseconds the child sleeps before it reads",
            "sync=sleep 时：子进程读之前睡眠的微秒数",
        ),
        off: None, max: Some(MAX_SLEEP_US), playground: false, shows: &[],
        parse: number, read: |p| Value::Number(p.sleep_us.into()),
        write: |p, v| { p.sleep_us = size(v, MAX_SLEEP_US)?; Some(()) },
    }
    /// How many times the experiment runs, each in its own process, to count its answers.
    Repeat {
        name: "repeat", kind: NUMBER,
        doc: (
            "run the experiment this many times, each in a new process, and count the answers",
            "把实验运行这么多次，每次都在新的进程里，并统计结果",
        ),
        off: None, max: Some(MAX_REPEAT), playground: false, shows: &[],
        parse: number, read: |p| Value::Number(p.repeat.into()),
        write: |p, v| {
            let n = size(v, MAX_REPEAT)?;
            if n == 0 {
                return None;
            }
            p.repeat = n as u32;
            Some(())
        },
    }
    /// The order of write(2) on the file and the touches through the mapping.
    Order {
        name: "order", kind: KeyKind::Choice(Order::NAMES),
        doc: (
            "the order of write(2) to the file and the touches through the mapping",
            "write(2) 写文件与通过映射访问的先后顺序"
        ),
        off: None, max: None, playground: false, shows: &[],
        parse: |t| Order::parse(t).map(|o| Value::Word(o.name())),
        read: |p| Value::Word(p.order.name()),
        write: |p, v| { p.order = Order::parse(word(v)?)?; Some(()) },
    }
    /// The size of the file mmap-copy copies.
    CopySize {
        name: "copy_size", kind: NUMBER,
        doc: ("size of the file to copy", "要拷贝的文件大小"),
        off: None, max: Some(MAX_FILE), playground: false, shows: &[Arg::CopySize],
        parse: number, read: |p| Value::Number(p.copy_size.into()),
        write: |p, v| { p.copy_size = size(v, MAX_FILE)?; Some(()) },
    }
    /// How mmap, munmap and mprotect reach the kernel.
    Via {
        name: "via", kind: KeyKind::Choice(Via::NAMES),
        doc: (
            "call mmap/munmap/mprotect through the C library, or as raw system calls",
            "通过 C 库调用 mmap/munmap/mprotect，还是直接发起系统调用",
        ),
        off: None, max: None, playground: true, shows: &[Arg::Via],
        parse: |t| Via::parse(t).map(|v| Value::Word(v.name())),
        read: |p| Value::Word(p.via.name()),
        write: |p, v| { p.via = Via::parse(word(v)?)?; Some(()) },
    }
    /// The copy's window.
    Window {
        name: "window", kind: NUMBER,
        doc: ("bytes mapped at a time while copying", "拷贝时每次映射的字节数"),
        off: None, max: None, playground: false, shows: &[Arg::CopyWindow],
        parse: number, read: |p| Value::Number(p.window.into()),
        // Each window is mapped at an offset that is a multiple of the window, and mmap takes
        // only page-aligned offsets: a window that is not whole pages is refused, not rounded
        // behind the student's back.
        write: |p, v| {
            let w = size(v, u64::MAX)?;
            if w == 0 || w % crate::engine::page_size() != 0 {
                return None;
            }
            p.window = w;
            Some(())
        },
    }
    /// How many times mmap-copy runs each copy method.
    CopyRuns {
        name: "copy_runs", kind: NUMBER,
        doc: (
            "times each copy method runs (the lab shows the median and the spread)",
            "每种拷贝方法运行的次数（实验显示中位数和波动范围）",
        ),
        off: None, max: Some(MAX_COPY_RUNS), playground: false, shows: &[Arg::CopyRuns],
        parse: number, read: |p| Value::Number(p.copy_runs.into()),
        write: |p, v| {
            let n = size(v, MAX_COPY_RUNS)?;
            if n == 0 {
                return None;
            }
            p.copy_runs = n as u32;
            Some(())
        },
    }
}

/// Every key `playground` offers, in [`Key::ALL`] order: the knobs its standard experiment
/// honours (the table's `playground` column).
pub const PLAYGROUND_KEYS: [Key; playground_count()] = playground_keys();

const fn playground_count() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < KNOBS.len() {
        if KNOBS[i].playground {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn playground_keys() -> [Key; playground_count()] {
    let mut out = [Key::File; playground_count()];
    let (mut i, mut n) = (0, 0);
    while i < KNOBS.len() {
        if KNOBS[i].playground {
            out[n] = KNOBS[i].key;
            n += 1;
        }
        i += 1;
    }
    out
}

fn word(v: Value) -> Option<&'static str> {
    match v {
        Value::Word(w) => Some(w),
        _ => None,
    }
}

fn yes(v: Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

fn prot(v: Value) -> Option<i32> {
    match v {
        Value::Prot(p) => Some(p),
        _ => None,
    }
}

fn int(v: Value) -> Option<i64> {
    match v {
        Value::Number(n) => i64::try_from(n).ok(),
        _ => None,
    }
}

fn size(v: Value, max: u64) -> Option<u64> {
    match v {
        Value::Number(n) => u64::try_from(n).ok().filter(|&n| n <= max),
        _ => None,
    }
}

fn limit_value(limit: Option<u64>) -> Value {
    limit.map_or(Value::Off("unlimited"), |v| Value::Number(v.into()))
}

fn limit_of(v: Value) -> Option<Option<u64>> {
    match v {
        Value::Off(_) => Some(None),
        v => size(v, u64::MAX).map(Some),
    }
}

fn number(text: &str) -> Option<Value> {
    parse_u64(text).map(|n| Value::Number(n.into()))
}

fn signed(text: &str) -> Option<Value> {
    parse_i64(text).map(|n| Value::Number(n.into()))
}

fn boolean(text: &str) -> Option<Value> {
    parse_bool(text).map(Value::Bool)
}

fn limit(text: &str) -> Option<Value> {
    match text {
        "unlimited" | "none" => Some(Value::Off("unlimited")),
        _ => number(text),
    }
}

impl Key {
    /// This key's row of the knob table.
    pub fn knob(self) -> &'static Knob {
        &KNOBS[self as usize]
    }

    /// The key as typed after `--set`.
    pub fn name(self) -> &'static str {
        self.knob().name
    }

    /// The key named `name`, if any.
    pub fn from_name(name: &str) -> Option<Key> {
        KNOBS.iter().find(|k| k.name == name).map(|k| k.key)
    }

    /// How the value is edited.
    pub fn kind(self) -> KeyKind {
        self.knob().kind
    }

    /// One line of documentation in `lang`.
    pub fn doc(self, lang: Lang) -> &'static str {
        let (en, zh) = self.knob().doc;
        lang.pick(en, zh)
    }

    /// The knob a call argument shows, if any.
    pub fn shown_by(arg: Arg) -> Option<Key> {
        KNOBS.iter().find(|k| k.shows.contains(&arg)).map(|k| k.key)
    }

    /// What a value of this key looks like, in English (error messages and help).
    pub fn expected(self) -> String {
        self.expected_in(Lang::En)
    }

    /// What a value of this key looks like, in `lang`.
    pub fn expected_in(self, lang: Lang) -> String {
        let knob = self.knob();
        let zh = lang == Lang::Zh;
        let text = match knob.kind {
            // Advice also takes any other MADV_ name the lab knows, or a number (an unknown
            // one is the kernel's EINVAL to show), but not the two that poison a page of the
            // machine (`flags::advice_allowed`): the message names them all.
            KeyKind::Choice(words) if self == Key::Advice => {
                let others: Vec<&str> = flags::ADVICE
                    .iter()
                    .map(|a| a.name)
                    .filter(|n| !words.contains(n))
                    .collect();
                let (words, others) = (words.join(", "), others.join(", "));
                if zh {
                    format!(
                        "以下之一：{words}；或其他 MADV_ 名字：{others}；或一个数字，\
                         但不能是 100 和 101（MADV_HWPOISON、MADV_SOFT_OFFLINE 会让机器的\
                         一个物理页停止服务）"
                    )
                } else {
                    format!(
                        "one of {words}; another MADV_ name: {others}; or a number, except 100 \
                         and 101 (MADV_HWPOISON and MADV_SOFT_OFFLINE take a page of the \
                         machine out of service)"
                    )
                }
            }
            KeyKind::Choice(words) => {
                let words = words.join(", ");
                if zh {
                    format!("以下之一：{words}")
                } else {
                    format!("one of {words}")
                }
            }
            KeyKind::Flags(set) => {
                let names: Vec<&str> = set.iter().map(|f| f.name).collect();
                let names = names.join(", ");
                // mmap's flags take raw numbers too (an unknown bit is a lesson); protections
                // take PROT_NONE, which is no bit at all.
                // msync's and mremap's flags may also be 0, or none (no call at all).
                match (self, zh) {
                    (Key::Flags, false) => format!("{names} joined by | or a number"),
                    (Key::Flags, true) => format!("用 | 连接的 {names}，或一个数字"),
                    (Key::MsyncFlags | Key::MremapFlags, false) => {
                        format!("none (no call), or {names} joined by | or a number (0 too)")
                    }
                    (Key::MsyncFlags | Key::MremapFlags, true) => {
                        format!("none（不调用），或用 | 连接的 {names}，或一个数字（也可以是 0）")
                    }
                    (_, false) => format!("PROT_NONE, or {names} joined by |"),
                    (_, true) => format!("PROT_NONE，或用 | 连接的 {names}"),
                }
            }
            KeyKind::Number { .. } if self == Key::Window => {
                let page = crate::engine::page_size();
                lang.pick(
                    format!("a multiple of the page size ({page}), such as 64K or 8M"),
                    format!("页大小（{page}）的整数倍，如 64K 或 8M"),
                )
            }
            KeyKind::Number { signed } => {
                let cap = knob.max.map(size_text);
                match zh {
                    false => format!(
                        "{}: decimal, 0x hex, or with a K/M/G suffix{}",
                        if signed {
                            "an integer, possibly negative"
                        } else {
                            "an integer"
                        },
                        cap.map_or_else(String::new, |c| format!(", at most {c}"))
                    ),
                    true => format!(
                        "{}整数：十进制、0x 十六进制，或带 K/M/G 后缀{}",
                        if signed { "可为负的" } else { "" },
                        cap.map_or_else(String::new, |c| format!("，最大 {c}"))
                    ),
                }
            }
            KeyKind::Bool => lang.pick("true or false", "true 或 false").to_string(),
            KeyKind::Text if self == Key::Addr => lang
                .pick(
                    "NULL, a hex address such as 0x10000000, or existing",
                    "NULL、十六进制地址（如 0x10000000）或 existing",
                )
                .to_string(),
            KeyKind::Text => lang
                .pick(
                    "none, read@N or write@N (N: byte offset from the pointer)",
                    "none、read@N 或 write@N（N：从指针起算的字节偏移）",
                )
                .to_string(),
        };
        match (knob.off, knob.kind) {
            // Limits can also be lifted; say how.
            (Some(off), KeyKind::Number { .. }) if zh => format!("{text}，或 {off}"),
            (Some(off), KeyKind::Number { .. }) => format!("{text}, or {off}"),
            _ => text,
        }
    }

    /// Text to a value of this key (not yet checked against its limits: [`Params::assign`]
    /// does that).
    pub fn parse(self, text: &str) -> Result<Value, ParamError> {
        (self.knob().parse)(text.trim()).ok_or_else(|| self.bad(text))
    }

    fn bad(self, text: impl fmt::Display) -> ParamError {
        ParamError::BadValue {
            key: self.name().to_string(),
            value: text.to_string(),
            expected: self.expected(),
        }
    }

    /// The value one step away (←/→): the next or previous word of a choice, the other
    /// answer of a yes/no, the next page boundary of a number or of the byte a touch reaches
    /// (snapping to page multiples: the boundary is the lesson). `None` for knobs that are
    /// typed, not stepped (`addr`, flags: those move a cursor instead), and for a knob that
    /// is off (a touch of `none`, an unlimited limit).
    pub fn step(self, params: &Params, direction: Direction, page: u64) -> Option<Value> {
        let now = params.value(self);
        let page = page.max(1);
        let forward = direction == Direction::Next;
        match (self.kind(), now) {
            (KeyKind::Choice(words), _) => {
                let text = now.to_string();
                let at = words.iter().position(|w| *w == text).unwrap_or(0);
                let n = words.len();
                let to = if forward {
                    (at + 1) % n
                } else {
                    (at + n - 1) % n
                };
                self.parse(words[to]).ok()
            }
            (KeyKind::Bool, Value::Bool(b)) => Some(Value::Bool(!b)),
            // A count, not a size: one more run or one fewer.
            (KeyKind::Number { .. }, Value::Number(n))
                if matches!(self, Key::CopyRuns | Key::Repeat) =>
            {
                Some(Value::Number(if forward { n + 1 } else { (n - 1).max(1) }))
            }
            (KeyKind::Number { signed }, Value::Number(n)) => {
                let to = page_step(n, i128::from(page), forward);
                Some(Value::Number(if signed { to } else { to.max(0) }))
            }
            (_, Value::Access(a)) => {
                let (write, n) = match a {
                    Access::Read(n) => (false, n),
                    Access::Write(n) => (true, n),
                    Access::None => return None,
                };
                let to = page_step(n.into(), page.into(), forward).max(0);
                let to = u64::try_from(to).unwrap_or(u64::MAX);
                Some(Value::Access(if write {
                    Access::Write(to)
                } else {
                    Access::Read(to)
                }))
            }
            _ => None,
        }
    }

    /// The value after Space: a yes/no flips, a touch cycles none → read → write → none
    /// (keeping the byte), a choice moves on, and for flags the flag `index` of the kind's
    /// table is toggled (the mapping type is one field: choosing `MAP_PRIVATE` replaces
    /// `MAP_SHARED`). `None` for knobs that are only typed.
    pub fn toggle(self, params: &Params, index: usize) -> Option<Value> {
        match (self.kind(), params.value(self)) {
            (KeyKind::Bool, Value::Bool(b)) => Some(Value::Bool(!b)),
            (KeyKind::Choice(_), _) => self.step(params, Direction::Next, 1),
            (_, Value::Access(a)) => Some(Value::Access(match a {
                Access::None => Access::Read(0),
                Access::Read(n) => Access::Write(n),
                Access::Write(_) => Access::None,
            })),
            (KeyKind::Flags(set), now) => {
                let flag = set.get(index)?.value;
                let bits = now.number().unwrap_or(0) as i32;
                Some(match self {
                    Key::Flags => Value::Map(toggle_map_flag(bits, flag)),
                    Key::MsyncFlags => Value::Msync(bits ^ flag),
                    Key::MremapFlags => Value::Mremap(bits ^ flag),
                    _ => Value::Prot(bits ^ flag),
                })
            }
            _ => None,
        }
    }

    /// Whether flag `index` of the kind's table is set in `params` (the mapping type compares
    /// as a field, the other flags as bits).
    pub fn flag_is_set(self, params: &Params, index: usize) -> bool {
        let KeyKind::Flags(set) = self.kind() else {
            return false;
        };
        let Some(flag) = set.get(index) else {
            return false;
        };
        let bits = params.value(self).number().unwrap_or(0) as i32;
        match (self, MapType::from_bits(flag.value)) {
            (Key::Flags, Some(ty)) if flag.value & !MapType::MASK == 0 => {
                MapType::of(bits) == Some(ty)
            }
            _ => flag.value != 0 && bits & flag.value == flag.value,
        }
    }

    /// Where a cursor over the kind's words starts: on the current choice (`false`/`true`
    /// for yes/no).
    pub fn choice_index(self, params: &Params) -> usize {
        let value = params.value(self);
        match (self.kind(), value) {
            (KeyKind::Choice(words), v) => {
                let text = v.to_string();
                words.iter().position(|w| *w == text).unwrap_or(0)
            }
            (KeyKind::Bool, Value::Bool(b)) => usize::from(b),
            _ => 0,
        }
    }
}

/// Toggle one `mmap` flag: the mapping type is one field, so choosing a type replaces the
/// other (choosing the current one clears it), while the other flags are bits.
fn toggle_map_flag(bits: i32, flag: i32) -> i32 {
    match MapType::from_bits(flag) {
        Some(ty) if flag & !MapType::MASK == 0 => {
            if MapType::of(bits) == Some(ty) {
                MapType::clear(bits)
            } else {
                ty.set(bits)
            }
        }
        _ => bits ^ flag,
    }
}

/// One page from `n`: up to the next boundary, or down to the previous one (to the boundary
/// below when between two).
fn page_step(n: i128, page: i128, forward: bool) -> i128 {
    if forward {
        (n.div_euclid(page) + 1) * page
    } else if n.rem_euclid(page) != 0 {
        n.div_euclid(page) * page
    } else {
        n - page
    }
}

/// `1G`, `64M`, `4K` or bytes: a cap as a student would type it.
fn size_text(bytes: u64) -> String {
    for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{suffix}", bytes >> shift);
        }
    }
    bytes.to_string()
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

    fn parse(text: &str) -> Option<Grow> {
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

    fn parse(text: &str) -> Option<Writer> {
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

    fn parse(text: &str) -> Option<Sync> {
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

    fn parse(text: &str) -> Option<Order> {
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
            mprotect_shift: 0,
            mprotect_length: None,
            msync_flags: None,
            msync_shift: 0,
            msync_length: None,
            advice: None,
            madvise_length: None,
            mremap_flags: None,
            new_length: 2 * page,
            touch_old: false,
            neighbour: true,
            rlimit_as: None,
            rlimit_data: None,
            rlimit_memlock: None,
            exhaust_map_count: false,
            guard: false,
            grow: Grow::None,
            copy_size: 64 << 20,
            window: 8 << 20,
            copy_runs: 5,
            via: Via::Libc,
            truncate_to: None,
            grow_back: false,
            writer: Writer::Child,
            order: Order::WriteRead,
            sync: Sync::Pipe,
            sleep_us: 1000,
            repeat: 1,
        }
    }

    /// The length passed to munmap.
    pub fn munmap_len(&self) -> u64 {
        self.munmap_length.unwrap_or(self.length)
    }

    /// The length passed to mprotect.
    pub fn mprotect_len(&self) -> u64 {
        self.mprotect_length.unwrap_or(self.length)
    }

    /// The length passed to msync.
    pub fn msync_len(&self) -> u64 {
        self.msync_length.unwrap_or(self.length)
    }

    /// The length passed to madvise.
    pub fn madvise_len(&self) -> u64 {
        self.madvise_length.unwrap_or(self.length)
    }

    /// The mapping type `flags` asks for (`None` when its field is 0).
    pub fn map_type(&self) -> Option<MapType> {
        MapType::of(self.flags)
    }

    /// Parse `value` (the text edge: command line, editor, JSON) and store it under `key`.
    /// On error nothing changes.
    pub fn set(&mut self, key: Key, value: &str) -> Result<(), ParamError> {
        let typed = key.parse(value)?;
        self.assign(key, typed).map_err(|_| key.bad(value.trim()))
    }

    /// Store a typed value under `key`, checked against the knob's limits (a size over its
    /// cap, a window of 0). On error nothing changes.
    pub fn assign(&mut self, key: Key, value: Value) -> Result<(), ParamError> {
        let mut next = self.clone();
        match (key.knob().write)(&mut next, value) {
            Some(()) => {
                *self = next;
                Ok(())
            }
            None => Err(key.bad(value)),
        }
    }

    /// The typed value of `key`.
    pub fn value(&self, key: Key) -> Value {
        (key.knob().read)(self)
    }

    /// The value of `key` as text that [`Params::set`] accepts back.
    pub fn get(&self, key: Key) -> String {
        self.value(key).to_string()
    }

    /// The numeric value of `key`, when it has one (for hex/decimal display).
    pub fn number(&self, key: Key) -> Option<i128> {
        self.value(key).number()
    }

    /// The value as JSON: numbers for numeric keys, text for the rest.
    pub fn json_value(&self, key: Key) -> serde_json::Value {
        match (key.kind(), self.value(key)) {
            (KeyKind::Number { .. }, Value::Number(n)) => match i64::try_from(n) {
                Ok(v) => v.into(),
                Err(_) => (n as u64).into(),
            },
            (_, Value::Bool(b)) => b.into(),
            (_, v) => v.to_string().into(),
        }
    }
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
    fn mapping_type_is_a_field() {
        use flags::{MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE};
        let v = MAP_SHARED | MAP_ANONYMOUS;
        assert_eq!(toggle_map_flag(v, MAP_PRIVATE), MAP_PRIVATE | MAP_ANONYMOUS);
        assert_eq!(toggle_map_flag(v, MAP_SHARED), MAP_ANONYMOUS);
        assert_eq!(toggle_map_flag(v, MAP_ANONYMOUS), MAP_SHARED);
        let mut p = Params::base(4096);
        p.flags = MAP_SHARED_VALIDATE;
        let at = |name: &str| {
            flags::MAP_FLAGS
                .iter()
                .position(|f| f.name == name)
                .unwrap()
        };
        assert!(Key::Flags.flag_is_set(&p, at("MAP_SHARED_VALIDATE")));
        assert!(!Key::Flags.flag_is_set(&p, at("MAP_SHARED")));
    }

    #[test]
    fn stepping_follows_the_table() {
        let mut p = Params::base(4096);
        p.offset = 1000;
        assert_eq!(
            Key::Offset.step(&p, Direction::Next, 4096),
            Some(Value::Number(4096))
        );
        assert_eq!(
            Key::Offset.step(&p, Direction::Previous, 4096),
            Some(Value::Number(0))
        );
        assert_eq!(
            Key::Length.step(&Params::base(4096), Direction::Previous, 4096),
            Some(Value::Number(0))
        );
        assert_eq!(
            Key::File.step(&p, Direction::Previous, 4096),
            Some(Value::Word("sealed-memfd"))
        );
        p.access = Access::Write(100);
        assert_eq!(
            Key::Access.step(&p, Direction::Next, 4096),
            Some(Value::Access(Access::Write(4096)))
        );
        assert_eq!(Key::Addr.step(&p, Direction::Next, 4096), None);
        assert_eq!(Key::Access.toggle(&p, 0), Some(Value::Access(Access::None)));
    }

    #[test]
    fn limits_are_checked_when_a_typed_value_is_stored() {
        let mut p = Params::base(4096);
        assert!(p.assign(Key::Window, Value::Number(0)).is_err());
        // Not whole pages: refused, with what is accepted, never rounded silently.
        let page = crate::engine::page_size();
        let mut q = p.clone();
        let refused = q.set(Key::Window, &(page + 1000).to_string()).unwrap_err();
        assert!(
            refused.to_string().contains("multiple of the page size"),
            "{refused}"
        );
        assert!(q.set(Key::Window, &(2 * page).to_string()).is_ok());
        assert_eq!(q.window, 2 * page);
        assert!(p
            .assign(Key::CopySize, Value::Number((MAX_FILE + 1).into()))
            .is_err());
        assert!(p.assign(Key::Length, Value::Bool(true)).is_err());
        assert_eq!(p, Params::base(4096));
        p.assign(Key::RlimitAs, Value::Off("unlimited")).unwrap();
        assert_eq!(p.get(Key::RlimitAs), "unlimited");
    }

    #[test]
    fn every_knob_documents_itself_in_both_languages() {
        for key in Key::ALL {
            assert_eq!(key.knob().key, key, "the table is in Key order");
            assert!(!key.doc(Lang::En).is_empty(), "{key}");
            assert!(
                key.doc(Lang::Zh).chars().any(crate::lesson::is_wide),
                "{key}"
            );
            assert!(
                key.expected_in(Lang::Zh)
                    .chars()
                    .any(crate::lesson::is_wide),
                "{key}"
            );
        }
        assert!(!PLAYGROUND_KEYS.contains(&Key::Window));
        assert!(PLAYGROUND_KEYS.contains(&Key::Guard));
        // The playground's new file can be grown before the mapping, as in empty-new-file.
        assert!(PLAYGROUND_KEYS.contains(&Key::Grow));
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

    #[test]
    fn the_advice_message_names_what_it_accepts_and_what_it_refuses() {
        let mut p = Params::base(4096);
        let refused = p.set(Key::Advice, "100").expect_err("100 poisons a page");
        let message = refused.to_string();
        // Everything the message offers is accepted, and what it excludes is refused.
        for advice in flags::ADVICE {
            assert!(
                message.contains(advice.name),
                "{} missing: {message}",
                advice.name
            );
            assert!(p.set(Key::Advice, advice.name).is_ok(), "{}", advice.name);
        }
        assert!(p.set(Key::Advice, "999").is_ok(), "a number is accepted");
        assert!(p.set(Key::Advice, "101").is_err());
        for lang in [Lang::En, Lang::Zh] {
            let text = Key::Advice.expected_in(lang);
            assert!(text.contains("100") && text.contains("101"), "{text}");
            assert!(text.contains("MADV_HWPOISON"), "{text}");
        }
    }
}
