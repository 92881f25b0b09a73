//! What a [`Key`] answers from its row: its name, kind and documentation, how its value is
//! read, stored and parsed, how a student steps it (←/→, Space), and which arguments show it.

use super::{Access, Direction, Key, KeyKind, Knob, ParamError, Params, Value, KNOBS};
use crate::engine::calls::Arg;
use crate::flags::{self, MapType};
use crate::lesson::Lang;
use std::fmt;

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

    /// Whether the values are byte counts (shown also in KiB/MiB/GiB).
    pub fn bytes(self) -> bool {
        self.knob().bytes
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

    pub(super) fn bad(self, text: impl fmt::Display) -> ParamError {
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
pub(super) fn toggle_map_flag(bits: i32, flag: i32) -> i32 {
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
