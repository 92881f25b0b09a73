//! What the kernel says about one page ([`PageState`]: its `/proc/PID/pagemap` entry decoded,
//! and whether the file's page is cached) and one mapping ([`Smaps`]), and how much of it a
//! run reads ([`PageDetail`]). A leaf: the record holds these and the pacer reads the detail;
//! the reading itself, at the boundary stops, is the parent module's.

use serde::{Deserialize, Serialize};

/// One page's state after a step, as the kernel reported it. In JSON, an item of
/// `steps[].pages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct PageState {
    /// The page, counted from the mapping's start at that step (negative: below it).
    pub page: i64,
    /// Its address.
    pub addr: u64,
    /// Mapped in the process's page table (bit 63).
    pub present: bool,
    /// In swap (bit 62).
    pub swapped: bool,
    /// A file page, or shared anonymous memory (which is a file of shmem's) (bit 61).
    pub file: bool,
    /// Mapped by this process alone (bit 56).
    pub exclusive: bool,
    /// Soft-dirty (bit 55): written since the last `clear_refs`; 0 on kernels built without
    /// `CONFIG_MEM_SOFT_DIRTY`, where it means nothing.
    pub soft_dirty: bool,
    /// The physical frame, where the process may read it (`environment.pfn_visible`); `null`
    /// otherwise, and for a page that is not present.
    pub pfn: Option<u64>,
    /// For a file mapping, whether the file's page is in the page cache; `null` for
    /// anonymous memory.
    pub cached: Option<bool>,
    /// Whether the page is the kernel's shared zero page (a first read of fresh private
    /// anonymous memory maps it): `PAGEMAP_SCAN`'s `PAGE_IS_PFNZERO`, as a normal user too.
    /// `null` where the kernel refuses that ioctl (before Linux 6.7): not known.
    #[serde(default)]
    pub zero_page: Option<bool>,
    /// `parent` or `child`, when the experiment has two processes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
}

/// A mapping's `/proc/PID/smaps` figures after a step, in bytes. In JSON, `steps[].smaps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Smaps {
    /// Resident.
    pub rss: u64,
    /// Proportional share: each page divided by the processes mapping it.
    pub pss: u64,
    /// Resident, mapped by others too, unmodified.
    pub shared_clean: u64,
    /// Resident, mapped by others too, modified.
    pub shared_dirty: u64,
    /// Resident, this process's alone, unmodified.
    pub private_clean: u64,
    /// Resident, this process's alone, modified.
    pub private_dirty: u64,
    /// Anonymous memory (private copies of file pages included).
    pub anonymous: u64,
    /// In transparent huge pages.
    pub anon_huge_pages: u64,
    /// In swap.
    pub swap: u64,
    /// Locked in memory.
    pub locked: u64,
}

/// How much of the page state a run reads: `MMAP_LAB_PAGES=off` (a baseline for comparing),
/// `bits` (no `smaps`), anything else or unset: everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageDetail {
    /// Nothing.
    Off,
    /// `pagemap` and the page cache.
    Bits,
    /// Those and `smaps`.
    BitsAndSmaps,
}

impl PageDetail {
    /// From `MMAP_LAB_PAGES`.
    pub fn wanted() -> PageDetail {
        match std::env::var("MMAP_LAB_PAGES").as_deref() {
            Ok("off") | Ok("0") => PageDetail::Off,
            Ok("bits") => PageDetail::Bits,
            _ => PageDetail::BitsAndSmaps,
        }
    }
}

pub(crate) const PRESENT: u64 = 1 << 63;
pub(crate) const SWAPPED: u64 = 1 << 62;
pub(crate) const FILE: u64 = 1 << 61;
pub(crate) const EXCLUSIVE: u64 = 1 << 56;
pub(crate) const SOFT_DIRTY: u64 = 1 << 55;
pub(crate) const PFN_MASK: u64 = (1 << 55) - 1;

/// One `pagemap` entry, decoded. The frame number is kept only where `pfn_visible` (else the
/// kernel zeroes it) and only for a present page (a swapped one holds its swap place there).
pub fn decode(page: i64, addr: u64, entry: u64, pfn_visible: bool) -> PageState {
    let present = entry & PRESENT != 0;
    PageState {
        page,
        addr,
        present,
        swapped: entry & SWAPPED != 0,
        file: entry & FILE != 0,
        exclusive: entry & EXCLUSIVE != 0,
        soft_dirty: entry & SOFT_DIRTY != 0,
        pfn: (present && pfn_visible).then_some(entry & PFN_MASK),
        cached: None,
        zero_page: None,
        process: None,
    }
}

/// The figures of the `smaps` block of the mapping that starts at `start`, `None` when no
/// mapping starts there (it was unmapped, or moved).
pub fn parse_smaps(text: &str, start: u64) -> Option<Smaps> {
    let head = format!("{start:x}-");
    let mut lines = text.lines();
    lines.find(|l| l.starts_with(&head))?;
    let mut s = Smaps::default();
    for line in lines {
        // The next block's first line is a range; every field line is `Name: value kB`.
        let Some((name, rest)) = line.split_once(':') else {
            break;
        };
        if name.contains('-') && name.contains(' ') {
            break;
        }
        let mut words = rest.split_whitespace();
        let (Some(n), Some("kB")) = (
            words.next().and_then(|n| n.parse::<u64>().ok()),
            words.next(),
        ) else {
            continue;
        };
        let bytes = n.saturating_mul(1024);
        let slot = match name {
            "Rss" => &mut s.rss,
            "Pss" => &mut s.pss,
            "Shared_Clean" => &mut s.shared_clean,
            "Shared_Dirty" => &mut s.shared_dirty,
            "Private_Clean" => &mut s.private_clean,
            "Private_Dirty" => &mut s.private_dirty,
            "Anonymous" => &mut s.anonymous,
            "AnonHugePages" => &mut s.anon_huge_pages,
            "Swap" => &mut s.swap,
            "Locked" => &mut s.locked,
            _ => continue,
        };
        *slot = bytes;
    }
    Some(s)
}
