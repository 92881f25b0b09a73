//! Text to values: numbers (decimal, `0x` hex, `K`/`M`/`G` suffixes), booleans, addresses
//! and touches, as `--set` and the editor accept them.

use super::{Access, Addr};

pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

pub(super) fn parse_addr(text: &str) -> Option<Addr> {
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

pub(super) fn parse_access(text: &str) -> Option<Access> {
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
