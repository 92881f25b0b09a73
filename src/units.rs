//! Numbers in the units a person reads: byte counts in KiB/MiB, durations in ns/µs/ms/s. A
//! leaf, so that the strings table and the reports both use it without importing each other.

/// `67108864 (64 MiB)`: a byte count as the kernel takes it, then in units when it is 1 KiB
/// or more (`1000` stays `1000`).
pub fn with_units(n: i128) -> String {
    match bytes_text(n) {
        Some(human) => format!("{n} ({human})"),
        None => n.to_string(),
    }
}

/// `64 MiB`, `1.5 KiB`, `-4 KiB`: a byte count in binary units, or `None` below 1 KiB.
pub fn bytes_text(n: i128) -> Option<String> {
    let abs = n.unsigned_abs();
    let sign = if n < 0 { "-" } else { "" };
    let (unit, name) = [
        (1u128 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ]
    .into_iter()
    .find(|(unit, _)| abs >= *unit)?;
    if abs.is_multiple_of(unit) {
        Some(format!("{sign}{} {name}", abs / unit))
    } else {
        Some(format!("{sign}{:.1} {name}", abs as f64 / unit as f64))
    }
}

/// `468 ms`, `93 µs`, `1.25 s`: a duration in the unit that keeps it short.
pub fn duration_text(nanos: u64) -> String {
    let n = nanos as f64;
    let (value, unit) = match nanos {
        0..=999 => return format!("{nanos} ns"),
        1_000..=999_999 => (n / 1e3, "µs"),
        1_000_000..=999_999_999 => (n / 1e6, "ms"),
        _ => (n / 1e9, "s"),
    };
    if value >= 10.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.2} {unit}")
    }
}
