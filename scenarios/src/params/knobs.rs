//! The knob table: one row per `--set` key ([`KNOBS`], declaring [`Key`] with it), and the
//! helpers its rows read and store values with.

use super::choices::{Addr, FileKind, Grow, Order, Sync, Writer, OPEN_CHOICES};
use super::parse::{parse_access, parse_addr, parse_bool, parse_i64, parse_u64};
use super::suspects::{always, touch_refused, unaligned, when, Case, Suspect};
use super::values::{KeyKind, Params, Value, MAX_COPY_RUNS, MAX_FILE, MAX_REPEAT, MAX_SLEEP_US};
use crate::engine::calls::Arg;
use crate::engine::function::Function;
use crate::engine::{Limit, Via};
use crate::flags;
use serde::Serialize;

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
    /// Whether its values are byte counts: the reports show them also in KiB/MiB/GiB.
    pub bytes: bool,
    /// The call arguments that show this knob on screen.
    pub shows: &'static [Arg],
    /// For which outcomes it is a suspect ("look at: …"), at what place, on what condition.
    pub blame: &'static [Suspect],
    /// Text to value.
    pub(super) parse: fn(&str) -> Option<Value>,
    /// The value in `Params`.
    pub(super) read: fn(&Params) -> Value,
    /// Store a value; `None` when this knob cannot hold it.
    pub(super) write: fn(&mut Params, Value) -> Option<()>,
}

/// Declares [`Key`] and the table [`KNOBS`] from one list of rows, so a knob is written once.
/// A row may carry `#[cfg(test)]`: the engine's tests add a scratch knob through the very
/// table the real ones are in (see `a_scratch_knob_is_one_row_and_one_field`).
macro_rules! knobs {
    ($(
        $(#[doc = $doc:literal])*
        $(#[cfg($cfg:meta)])?
        $key:ident { $($field:ident: $value:expr),* $(,)? }
    )*) => {
        /// Every parameter key, in the order of the rows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum Key {
            $($(#[doc = $doc])* $(#[cfg($cfg)])? $key,)*
        }

        const KEY_COUNT: usize = [$($(#[cfg($cfg)])? stringify!($key)),*].len();

        impl Key {
            /// All keys, in display order.
            pub const ALL: [Key; KEY_COUNT] = [$($(#[cfg($cfg)])? Key::$key),*];
        }

        /// The knob table: one row per [`Key`], in the same order.
        pub const KNOBS: [Knob; KEY_COUNT] =
            [$($(#[cfg($cfg)])? Knob { key: Key::$key, $($field: $value),* }),*];
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
        off: None, max: None, playground: true, bytes: false,
        shows: &[Arg::Of(Function::Open, 0), Arg::Memfd, Arg::Of(Function::Mmap, 4)],
        blame: &[
            always(Case::EaccesUnmappable, 0),
            always(Case::EbadfEnodev, 0),
            always(Case::Eperm, 0),
        ],
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
        off: None, max: Some(MAX_FILE), playground: true, bytes: true,
        shows: &[Arg::Of(Function::Ftruncate, 1)],
        blame: &[always(Case::MadviseEfault, 1), always(Case::Sigbus, 2)],
        parse: number, read: |p| Value::Number(p.file_size.into()),
        write: |p, v| { p.file_size = size(v, MAX_FILE)?; Some(()) },
    }
    /// `open(2)` mode.
    Open {
        name: "open", kind: KeyKind::Choice(OPEN_CHOICES),
        doc: ("open(2) mode of the file", "open(2) 打开文件的方式"),
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Of(Function::Open, 1)],
        blame: &[always(Case::MprotectEacces, 1), always(Case::Eacces, 0)],
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
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Of(Function::Mmap, 0)],
        blame: &[
            when(Case::MmapEinval, 2, |p, page| {
                let fixed = p.flags & (flags::MAP_FIXED | flags::MAP_FIXED_NOREPLACE) != 0;
                matches!(p.addr, Addr::At(a) if fixed && a % page.max(1) != 0)
            }),
            always(Case::Eexist, 0),
            always(Case::Clobbered, 0),
        ],
        parse: |t| parse_addr(t).map(Value::Addr),
        read: |p| Value::Addr(p.addr),
        write: |p, v| { let Value::Addr(a) = v else { return None }; p.addr = a; Some(()) },
    }
    /// Bytes to map.
    Length {
        name: "length", kind: NUMBER,
        doc: ("bytes to map", "要映射的字节数"),
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Mmap, 1)],
        blame: &[
            when(Case::MmapEinval, 1, |p, _| p.length == 0),
            always(Case::MadviseEfault, 2),
            always(Case::MremapEfault, 0),
            always(Case::Enomem, 0),
            always(Case::Clobbered, 1),
            when(Case::Sigsegv, 1, |p, _| !touch_refused(p)),
        ],
        parse: number, read: |p| Value::Number(p.length.into()),
        write: |p, v| { p.length = size(v, u64::MAX)?; Some(()) },
    }
    /// File offset.
    Offset {
        name: "offset", kind: SIGNED,
        doc: ("file offset: a multiple of the page size", "文件偏移：必须是页大小的整数倍"),
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Mmap, 5)],
        blame: &[
            when(Case::MmapEinval, 0, |p, page| unaligned(p.offset, page)),
            always(Case::Eoverflow, 0),
        ],
        parse: signed, read: |p| Value::Number(p.offset.into()),
        write: |p, v| { p.offset = int(v)?; Some(()) },
    }
    /// mmap's protection.
    Prot {
        name: "prot", kind: KeyKind::Flags(flags::PROT_FLAGS),
        doc: ("what the mapping allows: read, write, execute", "映射允许的访问：读、写、执行"),
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Of(Function::Mmap, 2)],
        blame: &[
            always(Case::Eacces, 1),
            always(Case::Eperm, 1),
            when(Case::Sigsegv, 1, |p, _| touch_refused(p) && p.mprotect.is_none()),
        ],
        parse: |t| flags::parse_prot(t).map(Value::Prot),
        read: |p| Value::Prot(p.prot),
        write: |p, v| { p.prot = prot(v)?; Some(()) },
    }
    /// mmap's flags.
    Flags {
        name: "flags", kind: KeyKind::Flags(flags::MAP_FLAGS),
        doc: ("shared or private, and extra behaviour", "共享还是私有，以及其他行为"),
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Of(Function::Mmap, 3)],
        blame: &[
            when(Case::MmapEinval, 3, |p, _| p.map_type().is_none()),
            always(Case::MprotectEacces, 2),
            always(Case::MsyncEbusy, 1),
            always(Case::MadviseEaccesEinval, 1),
            always(Case::Eacces, 2),
            always(Case::Eopnotsupp, 0),
            always(Case::Eagain, 0),
            always(Case::Clobbered, 2),
        ],
        parse: |t| flags::parse_map(t).map(Value::Map),
        read: |p| Value::Map(p.flags),
        write: |p, v| { let Value::Map(m) = v else { return None }; p.flags = m; Some(()) },
    }
    /// Close the descriptor right after mmap.
    CloseFd {
        name: "close_fd", kind: KeyKind::Bool,
        doc: ("close the descriptor right after mmap", "mmap 之后立即关闭文件描述符"),
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Of(Function::Close, 0)],
        blame: &[],
        parse: boolean, read: |p| Value::Bool(p.close_fd),
        write: |p, v| { p.close_fd = yes(v)?; Some(()) },
    }
    /// Touch one byte.
    Access {
        name: "access", kind: KeyKind::Text,
        doc: ("touch one byte: read@N or write@N", "访问一个字节：read@N 或 write@N"),
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Access],
        blame: &[always(Case::Sigbus, 0), always(Case::Sigsegv, 0)],
        parse: |t| parse_access(t).map(Value::Access),
        read: |p| Value::Access(p.access),
        write: |p, v| { let Value::Access(a) = v else { return None }; p.access = a; Some(()) },
    }
    /// mprotect after mmap.
    Mprotect {
        name: "mprotect", kind: KeyKind::Flags(flags::PROT_FLAGS),
        doc: ("change the protection after mmap", "mmap 之后修改保护属性"),
        off: Some("none"), max: None, playground: true, bytes: false,
        shows: &[Arg::Of(Function::Mprotect, 2)],
        blame: &[
            always(Case::MprotectEacces, 0),
            when(Case::MprotectEinval, 0, |p, page| !unaligned(p.mprotect_shift, page)),
            when(Case::Sigsegv, 1, |p, _| touch_refused(p) && p.mprotect.is_some()),
        ],
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
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Munmap, 0)],
        blame: &[when(Case::MunmapEinval, 0, |p, page| unaligned(p.munmap_shift, page))],
        parse: signed, read: |p| Value::Number(p.munmap_shift.into()),
        write: |p, v| { p.munmap_shift = int(v)?; Some(()) },
    }
    /// The length passed to munmap.
    MunmapLength {
        name: "munmap_length", kind: NUMBER,
        doc: ("length passed to munmap", "传给 munmap 的长度"),
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Munmap, 1)],
        blame: &[when(Case::MunmapEinval, 1, |p, _| p.munmap_len() == 0)],
        parse: number, read: |p| Value::Number(p.munmap_len().into()),
        write: |p, v| { p.munmap_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// The pointer shift passed to mprotect.
    MprotectShift {
        name: "mprotect_shift", kind: SIGNED,
        doc: ("bytes added to the pointer passed to mprotect", "传给 mprotect 的指针加上的字节数"),
        off: None, max: None, playground: true, bytes: true,
        shows: &[Arg::Of(Function::Mprotect, 0)],
        blame: &[
            when(Case::MprotectEinval, 0, |p, page| unaligned(p.mprotect_shift, page)),
            always(Case::MprotectEnomem, 1),
        ],
        parse: signed, read: |p| Value::Number(p.mprotect_shift.into()),
        write: |p, v| { p.mprotect_shift = int(v)?; Some(()) },
    }
    /// The length passed to mprotect.
    MprotectLength {
        name: "mprotect_length", kind: NUMBER,
        doc: ("length passed to mprotect", "传给 mprotect 的长度"),
        off: None, max: None, playground: true, bytes: true,
        shows: &[Arg::Of(Function::Mprotect, 1)],
        blame: &[always(Case::MprotectEnomem, 0), always(Case::MremapEfault, 1)],
        parse: number, read: |p| Value::Number(p.mprotect_len().into()),
        write: |p, v| { p.mprotect_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// msync after the touch.
    MsyncFlags {
        name: "msync_flags", kind: KeyKind::Flags(flags::MSYNC_FLAGS),
        doc: ("call msync with these flags after the touch", "访问之后用这些标志调用 msync"),
        off: Some("none"), max: None, playground: true, bytes: false,
        shows: &[Arg::Of(Function::Msync, 2)],
        blame: &[
            when(Case::MsyncEinval, 0, |p, page| !unaligned(p.msync_shift, page)),
            always(Case::MsyncEbusy, 0),
        ],
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
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Msync, 0)],
        blame: &[
            when(Case::MsyncEinval, 0, |p, page| unaligned(p.msync_shift, page)),
            always(Case::MsyncEnomem, 1),
        ],
        parse: signed, read: |p| Value::Number(p.msync_shift.into()),
        write: |p, v| { p.msync_shift = int(v)?; Some(()) },
    }
    /// The length passed to msync.
    MsyncLength {
        name: "msync_length", kind: NUMBER,
        doc: ("length passed to msync", "传给 msync 的长度"),
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Msync, 1)],
        blame: &[always(Case::MsyncEnomem, 0)],
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
        off: Some("none"), max: None, playground: true, bytes: false,
        shows: &[Arg::Of(Function::Madvise, 2)],
        blame: &[always(Case::MadviseEaccesEinval, 0), always(Case::MadviseEfault, 0)],
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
        off: None, max: None, playground: true, bytes: true,
        shows: &[Arg::Of(Function::Madvise, 1)],
        blame: &[always(Case::MadviseEnomem, 0)],
        parse: number, read: |p| Value::Number(p.madvise_len().into()),
        write: |p, v| { p.madvise_length = Some(size(v, u64::MAX)?); Some(()) },
    }
    /// mremap at the end.
    MremapFlags {
        name: "mremap_flags", kind: KeyKind::Flags(flags::MREMAP_FLAGS),
        doc: ("call mremap with these flags (0: grow in place only)", "用这些标志调用 mremap（0：只能原地变大）"),
        off: Some("none"), max: None, playground: true, bytes: false,
        shows: &[Arg::Of(Function::Mremap, 3)],
        blame: &[
            always(Case::MremapEnomem, 0),
            always(Case::MremapEinval, 1),
            always(Case::MremapEagain, 0),
            always(Case::SigsegvOldPointer, 1),
        ],
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
        off: None, max: None, playground: true, bytes: true, shows: &[Arg::Of(Function::Mremap, 2)],
        blame: &[
            always(Case::MremapEnomem, 1),
            when(Case::MremapEinval, 0, |p, _| p.new_length == 0),
            always(Case::MremapEagain, 1),
        ],
        parse: number, read: |p| Value::Number(p.new_length.into()),
        write: |p, v| { p.new_length = size(v, u64::MAX)?; Some(()) },
    }
    /// Touch the old pointer after mremap.
    TouchOld {
        name: "touch_old", kind: KeyKind::Bool,
        doc: ("after mremap, read through the old pointer", "mremap 之后通过旧指针读一个字节"),
        off: None, max: None, playground: true, bytes: false, shows: &[],
        blame: &[always(Case::SigsegvOldPointer, 0)],
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
        off: None, max: None, playground: false, bytes: false, shows: &[],
        blame: &[],
        parse: boolean, read: |p| Value::Bool(p.neighbour),
        write: |p, v| { p.neighbour = yes(v)?; Some(()) },
    }
    /// RLIMIT_AS.
    RlimitAs {
        name: "rlimit_as", kind: NUMBER,
        doc: ("limit the address space before mmap", "mmap 之前限制地址空间大小"),
        off: Some("unlimited"), max: None, playground: true, bytes: true,
        shows: &[Arg::Rlimit(Limit::As)],
        blame: &[when(Case::Enomem, 1, |p, _| p.rlimit_as.is_some())],
        parse: limit, read: |p| limit_value(p.rlimit_as),
        write: |p, v| { p.rlimit_as = limit_of(v)?; Some(()) },
    }
    /// RLIMIT_DATA.
    RlimitData {
        name: "rlimit_data", kind: NUMBER,
        doc: ("limit the data segment before mmap", "mmap 之前限制数据段大小"),
        off: Some("unlimited"), max: None, playground: true, bytes: true,
        shows: &[Arg::Rlimit(Limit::Data)],
        blame: &[when(Case::Enomem, 2, |p, _| p.rlimit_data.is_some())],
        parse: limit, read: |p| limit_value(p.rlimit_data),
        write: |p, v| { p.rlimit_data = limit_of(v)?; Some(()) },
    }
    /// RLIMIT_MEMLOCK.
    RlimitMemlock {
        name: "rlimit_memlock", kind: NUMBER,
        doc: ("limit locked memory before mmap", "mmap 之前限制可锁定的内存"),
        off: Some("unlimited"), max: None, playground: true, bytes: true,
        shows: &[Arg::Rlimit(Limit::Memlock)],
        blame: &[
            always(Case::MremapEagain, 2),
            when(Case::Eagain, 1, |p, _| p.rlimit_memlock.is_some()),
        ],
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
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::ExhaustMapCount],
        blame: &[
            when(Case::MprotectEnomem, 2, |p, _| p.exhaust_map_count),
            when(Case::Enomem, 3, |p, _| p.exhaust_map_count),
        ],
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
        off: None, max: None, playground: true, bytes: false, shows: &[],
        blame: &[],
        parse: boolean, read: |p| Value::Bool(p.guard),
        write: |p, v| { p.guard = yes(v)?; Some(()) },
    }
    /// How a new file is grown.
    Grow {
        name: "grow", kind: KeyKind::Choice(Grow::NAMES),
        doc: ("extend the new file before mapping it", "映射之前先扩展新文件"),
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Grow],
        blame: &[always(Case::Sigbus, 3)],
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
        off: Some("none"), max: Some(MAX_FILE), playground: true, bytes: true, shows: &[],
        blame: &[when(Case::Sigbus, 1, |p, _| p.truncate_to.is_some())],
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
        off: None, max: None, playground: true, bytes: false, shows: &[],
        blame: &[],
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
        off: None, max: None, playground: false, bytes: false, shows: &[],
        blame: &[],
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
        off: None, max: None, playground: false, bytes: false, shows: &[],
        blame: &[],
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
        off: None, max: Some(MAX_SLEEP_US), playground: false, bytes: false, shows: &[],
        blame: &[],
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
        off: None, max: Some(MAX_REPEAT), playground: false, bytes: false, shows: &[],
        blame: &[],
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
        off: None, max: None, playground: false, bytes: false, shows: &[],
        blame: &[],
        parse: |t| Order::parse(t).map(|o| Value::Word(o.name())),
        read: |p| Value::Word(p.order.name()),
        write: |p, v| { p.order = Order::parse(word(v)?)?; Some(()) },
    }
    /// The size of the file mmap-copy copies.
    CopySize {
        name: "copy_size", kind: NUMBER,
        doc: ("size of the file to copy", "要拷贝的文件大小"),
        off: None, max: Some(MAX_FILE), playground: false, bytes: true, shows: &[Arg::CopySize],
        blame: &[],
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
        off: None, max: None, playground: true, bytes: false, shows: &[Arg::Via],
        blame: &[],
        parse: |t| Via::parse(t).map(|v| Value::Word(v.name())),
        read: |p| Value::Word(p.via.name()),
        write: |p, v| { p.via = Via::parse(word(v)?)?; Some(()) },
    }
    /// The copy's window.
    Window {
        name: "window", kind: NUMBER,
        doc: ("bytes mapped at a time while copying", "拷贝时每次映射的字节数"),
        off: None, max: None, playground: false, bytes: true, shows: &[Arg::CopyWindow],
        blame: &[],
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
        off: None, max: Some(MAX_COPY_RUNS), playground: false, bytes: false,
        shows: &[Arg::CopyRuns],
        blame: &[],
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
    /// Only in the engine's own tests: a knob added as a new one is, a row and a field
    /// (`Params::scratch_shift`), so that a column added to the table without a value here
    /// fails to compile, and the test beside it checks each column is read.
    #[cfg(test)]
    ScratchShift {
        name: "scratch_shift", kind: SIGNED,
        doc: (
            "scratch: how far madvise's address is from the mapping",
            "测试用：madvise 的地址离映射多远",
        ),
        off: None, max: None, playground: false, bytes: true,
        shows: &[Arg::Of(Function::Madvise, 0)],
        blame: &[when(Case::MadviseEaccesEinval, 2, |p, page| unaligned(p.scratch_shift, page))],
        parse: signed, read: |p| Value::Number(p.scratch_shift.into()),
        write: |p, v| { p.scratch_shift = int(v)?; Some(()) },
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
