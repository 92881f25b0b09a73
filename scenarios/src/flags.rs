//! Symbolic names of the `prot`, `flags` and `open` bits, both ways: text to number for
//! `--set`, number to text for every call the lab shows.

use nix::libc;

/// One named bit (or field value) of a flags argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSet {
    /// The C name, e.g. `MAP_SHARED`.
    pub name: &'static str,
    /// Its value.
    pub value: i32,
}

const fn f(name: &'static str, value: i32) -> FlagSet {
    FlagSet { name, value }
}

/// `O_RDONLY`.
pub const O_RDONLY: i32 = libc::O_RDONLY;
/// `O_RDWR`.
pub const O_RDWR: i32 = libc::O_RDWR;
/// `O_NONBLOCK`: the lab opens the files a user names with it, so that a FIFO never blocks.
pub const O_NONBLOCK: i32 = libc::O_NONBLOCK;
/// `O_NOCTTY`: a terminal named as a file is never made the controlling one.
pub const O_NOCTTY: i32 = libc::O_NOCTTY;
/// `PROT_READ`.
pub const PROT_READ: i32 = libc::PROT_READ;
/// `PROT_WRITE`.
pub const PROT_WRITE: i32 = libc::PROT_WRITE;
/// `PROT_EXEC`.
pub const PROT_EXEC: i32 = libc::PROT_EXEC;
/// `MAP_SHARED`.
pub const MAP_SHARED: i32 = libc::MAP_SHARED;
/// `MAP_PRIVATE`.
pub const MAP_PRIVATE: i32 = libc::MAP_PRIVATE;
/// `MAP_SHARED_VALIDATE`.
pub const MAP_SHARED_VALIDATE: i32 = libc::MAP_SHARED_VALIDATE;
/// `MAP_ANONYMOUS`.
pub const MAP_ANONYMOUS: i32 = libc::MAP_ANONYMOUS;
/// `MAP_FIXED`.
pub const MAP_FIXED: i32 = libc::MAP_FIXED;
/// `MAP_FIXED_NOREPLACE`.
pub const MAP_FIXED_NOREPLACE: i32 = libc::MAP_FIXED_NOREPLACE;
/// `MAP_LOCKED`.
pub const MAP_LOCKED: i32 = libc::MAP_LOCKED;
/// `MAP_NORESERVE`.
pub const MAP_NORESERVE: i32 = libc::MAP_NORESERVE;
/// `MAP_POPULATE`.
pub const MAP_POPULATE: i32 = libc::MAP_POPULATE;
/// `MAP_SYNC` (only meaningful with `MAP_SHARED_VALIDATE` on DAX files).
pub const MAP_SYNC: i32 = libc::MAP_SYNC;

/// `MS_ASYNC`.
pub const MS_ASYNC: i32 = libc::MS_ASYNC;
/// `MS_SYNC`.
pub const MS_SYNC: i32 = libc::MS_SYNC;
/// `MS_INVALIDATE`.
pub const MS_INVALIDATE: i32 = libc::MS_INVALIDATE;
/// `MREMAP_MAYMOVE`.
pub const MREMAP_MAYMOVE: i32 = libc::MREMAP_MAYMOVE;
/// `MREMAP_FIXED`.
pub const MREMAP_FIXED: i32 = libc::MREMAP_FIXED;
/// `MREMAP_DONTUNMAP` (Linux 5.7).
pub const MREMAP_DONTUNMAP: i32 = 4;
/// `MADV_DONTNEED`.
pub const MADV_DONTNEED: i32 = libc::MADV_DONTNEED;

/// msync's flags, in display order.
pub const MSYNC_FLAGS: &[FlagSet] = &[
    f("MS_ASYNC", MS_ASYNC),
    f("MS_SYNC", MS_SYNC),
    f("MS_INVALIDATE", MS_INVALIDATE),
];

/// mremap's flags, in display order.
pub const MREMAP_FLAGS: &[FlagSet] = &[
    f("MREMAP_MAYMOVE", MREMAP_MAYMOVE),
    f("MREMAP_FIXED", MREMAP_FIXED),
    f("MREMAP_DONTUNMAP", MREMAP_DONTUNMAP),
];

/// The `madvise` advice values the lab offers by name, in the order of their numbers. Not a
/// bit set: one value per call. `MADV_HWPOISON` (100) and `MADV_SOFT_OFFLINE` (101) are left
/// out on purpose and refused by number too (see [`advice_allowed`]).
pub const ADVICE: &[FlagSet] = &[
    f("MADV_NORMAL", libc::MADV_NORMAL),
    f("MADV_RANDOM", libc::MADV_RANDOM),
    f("MADV_SEQUENTIAL", libc::MADV_SEQUENTIAL),
    f("MADV_WILLNEED", libc::MADV_WILLNEED),
    f("MADV_DONTNEED", libc::MADV_DONTNEED),
    f("MADV_FREE", libc::MADV_FREE),
    f("MADV_REMOVE", libc::MADV_REMOVE),
    f("MADV_DONTFORK", libc::MADV_DONTFORK),
    f("MADV_DOFORK", libc::MADV_DOFORK),
    f("MADV_MERGEABLE", libc::MADV_MERGEABLE),
    f("MADV_UNMERGEABLE", libc::MADV_UNMERGEABLE),
    f("MADV_HUGEPAGE", libc::MADV_HUGEPAGE),
    f("MADV_NOHUGEPAGE", libc::MADV_NOHUGEPAGE),
    f("MADV_DONTDUMP", libc::MADV_DONTDUMP),
    f("MADV_DODUMP", libc::MADV_DODUMP),
    f("MADV_WIPEONFORK", 18),
    f("MADV_KEEPONFORK", 19),
    f("MADV_COLD", 20),
    f("MADV_PAGEOUT", 21),
    f("MADV_POPULATE_READ", 22),
    f("MADV_POPULATE_WRITE", 23),
];

/// The advice a student steps through with ←/→ (any other name of [`ADVICE`], or a number,
/// can be typed): `none` (no madvise call), then the ones the lessons are about.
pub const ADVICE_CHOICES: &[&str] = &[
    "none",
    "MADV_NORMAL",
    "MADV_WILLNEED",
    "MADV_DONTNEED",
    "MADV_FREE",
    "MADV_REMOVE",
    "MADV_COLD",
    "MADV_PAGEOUT",
    "MADV_POPULATE_READ",
    "MADV_POPULATE_WRITE",
];

/// Whether the lab passes this advice to the kernel. `MADV_HWPOISON` and `MADV_SOFT_OFFLINE`
/// are refused: with `CAP_SYS_ADMIN` (root) the kernel really takes a physical page of the
/// machine out of service, which no experiment may do.
pub fn advice_allowed(advice: i32) -> bool {
    !matches!(advice, 100 | 101)
}

/// The protection bits, in display order.
pub const PROT_FLAGS: &[FlagSet] = &[
    f("PROT_READ", PROT_READ),
    f("PROT_WRITE", PROT_WRITE),
    f("PROT_EXEC", PROT_EXEC),
];

/// The mapping type values (the low two bits) then the flag bits, in display order.
pub const MAP_FLAGS: &[FlagSet] = &[
    f("MAP_SHARED", MAP_SHARED),
    f("MAP_PRIVATE", MAP_PRIVATE),
    f("MAP_SHARED_VALIDATE", MAP_SHARED_VALIDATE),
    f("MAP_ANONYMOUS", MAP_ANONYMOUS),
    f("MAP_FIXED", MAP_FIXED),
    f("MAP_FIXED_NOREPLACE", MAP_FIXED_NOREPLACE),
    f("MAP_POPULATE", MAP_POPULATE),
    f("MAP_LOCKED", MAP_LOCKED),
    f("MAP_NORESERVE", MAP_NORESERVE),
    f("MAP_SYNC", MAP_SYNC),
];

/// The mapping type: the field of `mmap`'s flags that says whether writes are shared. It is a
/// two-bit field, not three flags: `MAP_SHARED` (1), `MAP_PRIVATE` (2) and `MAP_SHARED_VALIDATE`
/// (3, "shared, and refuse flags you do not know"). Choosing one replaces the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapType {
    /// `MAP_SHARED`: writes reach the file and every process mapping it.
    Shared,
    /// `MAP_PRIVATE`: copy-on-write; writes stay in this process.
    Private,
    /// `MAP_SHARED_VALIDATE`: shared, and unknown flags are refused with `EOPNOTSUPP`.
    SharedValidate,
}

impl MapType {
    /// The bits of the field.
    pub const MASK: i32 = 0x3;

    /// The type `flags` asks for; `None` when the field is 0 (mmap then says `EINVAL`).
    pub fn of(flags: i32) -> Option<MapType> {
        MapType::from_bits(flags & MapType::MASK)
    }

    /// The type whose field value is `bits` exactly.
    pub fn from_bits(bits: i32) -> Option<MapType> {
        match bits {
            MAP_SHARED => Some(MapType::Shared),
            MAP_PRIVATE => Some(MapType::Private),
            MAP_SHARED_VALIDATE => Some(MapType::SharedValidate),
            _ => None,
        }
    }

    /// The field's value.
    pub fn bits(self) -> i32 {
        match self {
            MapType::Shared => MAP_SHARED,
            MapType::Private => MAP_PRIVATE,
            MapType::SharedValidate => MAP_SHARED_VALIDATE,
        }
    }

    /// `flags` with this type in the field.
    pub fn set(self, flags: i32) -> i32 {
        MapType::clear(flags) | self.bits()
    }

    /// `flags` with the field emptied.
    pub fn clear(flags: i32) -> i32 {
        flags & !MapType::MASK
    }

    /// Whether writes through such a mapping reach the file.
    pub fn is_shared(self) -> bool {
        self != MapType::Private
    }
}

fn parse_int(text: &str) -> Option<i32> {
    let v = crate::params::parse_u64(text)?;
    i32::try_from(v)
        .ok()
        .or_else(|| u32::try_from(v).ok().map(|u| u as i32))
}

fn parse_joined(text: &str, table: &[FlagSet], allow_numbers: bool) -> Option<i32> {
    let mut value = 0;
    for part in text.split('|').map(str::trim) {
        if let Some(flag) = table.iter().find(|f| f.name == part) {
            value |= flag.value;
        } else if allow_numbers {
            value |= parse_int(part)?;
        } else {
            return None;
        }
    }
    Some(value)
}

/// Parse `PROT_NONE` or `PROT_READ|PROT_WRITE|…` (a number also works).
pub fn parse_prot(text: &str) -> Option<i32> {
    match text.trim() {
        "PROT_NONE" => Some(0),
        "" => None,
        t => parse_joined(t, PROT_FLAGS, true),
    }
}

/// Parse `MAP_SHARED|MAP_ANONYMOUS|…`, a number, or a mix of both.
pub fn parse_map(text: &str) -> Option<i32> {
    match text.trim() {
        "" => None,
        t => parse_joined(t, MAP_FLAGS, true),
    }
}

/// Parse `O_RDONLY`, `O_WRONLY` or `O_RDWR`, optionally `|O_APPEND` and `|O_TRUNC`.
pub fn parse_open(text: &str) -> Option<i32> {
    let mut mode = None;
    let mut extra = 0;
    for part in text.split('|').map(str::trim) {
        match part {
            "O_RDONLY" | "O_WRONLY" | "O_RDWR" if mode.is_some() => return None,
            "O_RDONLY" => mode = Some(libc::O_RDONLY),
            "O_WRONLY" => mode = Some(libc::O_WRONLY),
            "O_RDWR" => mode = Some(libc::O_RDWR),
            "O_APPEND" => extra |= libc::O_APPEND,
            "O_TRUNC" => extra |= libc::O_TRUNC,
            _ => return None,
        }
    }
    mode.map(|m| m | extra)
}

/// `PROT_READ|PROT_WRITE`, `PROT_NONE`, or names plus a hex remainder.
pub fn prot_name(prot: i32) -> String {
    if prot == 0 {
        return "PROT_NONE".to_string();
    }
    join_bits(prot, PROT_FLAGS)
}

/// `MAP_SHARED|MAP_ANONYMOUS`, with unknown bits in hex; `0` when nothing is set.
pub fn map_name(flags: i32) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(ty) = MapType::of(flags) {
        if let Some(f) = MAP_FLAGS.iter().find(|f| f.value == ty.bits()) {
            parts.push(f.name.to_string());
        }
    }
    let rest = MapType::clear(flags);
    if rest != 0 {
        parts.push(join_bits(rest, &MAP_FLAGS[3..]));
    }
    if parts.is_empty() {
        "0".to_string()
    } else {
        parts.join("|")
    }
}

/// `MS_SYNC|MS_INVALIDATE`, unknown bits in hex; `0` when nothing is set.
pub fn msync_name(flags: i32) -> String {
    bits_or_zero(flags, MSYNC_FLAGS)
}

/// `MREMAP_MAYMOVE`, unknown bits in hex; `0` when nothing is set.
pub fn mremap_name(flags: i32) -> String {
    bits_or_zero(flags, MREMAP_FLAGS)
}

/// `MADV_DONTNEED`, or the number for an advice the lab has no name for.
pub fn advice_name(advice: i32) -> String {
    ADVICE
        .iter()
        .find(|a| a.value == advice)
        .map_or_else(|| advice.to_string(), |a| a.name.to_string())
}

/// Parse `MS_SYNC|MS_INVALIDATE`, a number, or a mix of both.
pub fn parse_msync(text: &str) -> Option<i32> {
    match text.trim() {
        "" => None,
        t => parse_joined(t, MSYNC_FLAGS, true),
    }
}

/// Parse `MREMAP_MAYMOVE|…`, a number, or a mix of both.
pub fn parse_mremap(text: &str) -> Option<i32> {
    match text.trim() {
        "" => None,
        t => parse_joined(t, MREMAP_FLAGS, true),
    }
}

/// Parse one advice: its name or a number (an unknown number is a lesson: `EINVAL`).
pub fn parse_advice(text: &str) -> Option<i32> {
    let t = text.trim();
    ADVICE
        .iter()
        .find(|a| a.name == t)
        .map(|a| a.value)
        .or_else(|| parse_int(t))
}

fn bits_or_zero(value: i32, table: &[FlagSet]) -> String {
    if value == 0 {
        "0".to_string()
    } else {
        join_bits(value, table)
    }
}

/// `O_RDWR|O_APPEND` and so on.
pub fn open_name(open: i32) -> String {
    let mut name = match open & libc::O_ACCMODE {
        libc::O_RDONLY => "O_RDONLY".to_string(),
        libc::O_WRONLY => "O_WRONLY".to_string(),
        libc::O_RDWR => "O_RDWR".to_string(),
        other => format!("{other:#x}"),
    };
    for (bit, n) in [
        (libc::O_CREAT, "O_CREAT"),
        (libc::O_APPEND, "O_APPEND"),
        (libc::O_TRUNC, "O_TRUNC"),
        (libc::O_DIRECTORY, "O_DIRECTORY"),
    ] {
        if open & bit != 0 {
            name.push('|');
            name.push_str(n);
        }
    }
    name
}

fn join_bits(value: i32, table: &[FlagSet]) -> String {
    let mut parts = Vec::new();
    let mut left = value;
    for flag in table {
        if flag.value != 0 && value & flag.value == flag.value {
            parts.push(flag.name.to_string());
            left &= !flag.value;
        }
    }
    if left != 0 {
        parts.push(format!("{left:#x}"));
    }
    parts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for text in [
            "MAP_SHARED",
            "MAP_PRIVATE|MAP_ANONYMOUS",
            "MAP_SHARED_VALIDATE|MAP_SYNC",
            "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE",
        ] {
            assert_eq!(map_name(parse_map(text).unwrap()), text);
        }
        assert_eq!(map_name(parse_map("0x20").unwrap()), "MAP_ANONYMOUS");
        assert_eq!(map_name(0), "0");
        assert_eq!(map_name(MAP_SHARED | 0x4000000), "MAP_SHARED|0x4000000");
        assert_eq!(prot_name(parse_prot("PROT_NONE").unwrap()), "PROT_NONE");
        assert_eq!(parse_open("O_RDONLY|O_WRONLY"), None);
        assert_eq!(parse_open("O_APPEND"), None);
        assert_eq!(parse_prot("PROT_BOGUS"), None);
        assert_eq!(
            msync_name(parse_msync("MS_SYNC|MS_INVALIDATE").unwrap()),
            "MS_SYNC|MS_INVALIDATE"
        );
        assert_eq!(msync_name(MS_SYNC | 0x8), "MS_SYNC|0x8");
        assert_eq!(mremap_name(0), "0");
        assert_eq!(
            mremap_name(parse_mremap("MREMAP_MAYMOVE|MREMAP_DONTUNMAP").unwrap()),
            "MREMAP_MAYMOVE|MREMAP_DONTUNMAP"
        );
        assert_eq!(
            advice_name(parse_advice("MADV_DONTNEED").unwrap()),
            "MADV_DONTNEED"
        );
        assert_eq!(advice_name(999), "999");
    }

    #[test]
    fn every_advice_offered_by_name_is_known_and_allowed() {
        for name in ADVICE_CHOICES.iter().filter(|n| **n != "none") {
            let value = parse_advice(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(advice_name(value), *name);
            assert!(advice_allowed(value), "{name}");
        }
        assert!(!advice_allowed(100) && !advice_allowed(101));
    }
}
