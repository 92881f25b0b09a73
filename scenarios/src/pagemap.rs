//! The page map: the pages an experiment involves, to scale in pages, computed from its plan
//! (so it changes as knobs turn, before any run). The screen only draws it.
//!
//! It holds the file's extent (counted from the mapping's offset), the mapping's extent, the
//! protection when the touch happens, where the pointer and the access land, the range
//! `munmap` is asked to remove, and what a touch in each page gets: data, `SIGBUS` (mapped,
//! past the end of the file) or `SIGSEGV` (not mapped, or refused by the protection). That is
//! the lesson of `out-of-bounds` and `empty-new-file` in one picture; the run then says whether
//! the kernel agrees.

mod model;

pub use model::{Backing, Column, PageMap, Zone};

use crate::engine::pages::PageState;

/// What a page holds once the run is over, as the child's own `/proc/self/maps` says: the
/// last capture, compared with the first one that shows the mapping. The plan says what the
/// student meant; this says what the kernel left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPage {
    /// A page of the mapping, still mapped (the run did not unmap the mapping).
    Mapped,
    /// A page of the mapping, still mapped after a `munmap` that was meant to remove the
    /// mapping: leaked until the process ends.
    Leaked,
    /// A page of the mapping, unmapped.
    Unmapped,
    /// Not the mapping's: something else was mapped there, and the run unmapped it.
    OtherGone,
    /// Not the mapping's: something else is mapped there.
    Other,
    /// Nothing mapped there, before or after.
    Free,
}

/// The pages the run left, from the maps captures of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterRun {
    /// `sysconf(_SC_PAGESIZE)`.
    pub page: u64,
    /// Where the mapping was made (page 0 of the drawing).
    pub addr: u64,
    /// Pages the mapping covered when it was made, from the capture.
    pub pages: u64,
    /// Whether the last capture comes after a `munmap`: then a page of the mapping still
    /// mapped is a leak, not the mapping at work.
    pub after_munmap: bool,
    /// Address ranges listed in the first capture that shows the mapping, and in the last.
    before: Vec<(u64, u64)>,
    after: Vec<(u64, u64)>,
}

impl AfterRun {
    /// What `run` left around its mapping: `None` without a mapping (the mmap failed, a copy
    /// maps windows) or without a capture that shows it.
    pub fn from_run(run: &crate::engine::Run) -> Option<AfterRun> {
        let addr = run.mapping_addr?;
        let page = run.page_size.max(1);
        let ranges = |lines: &[String]| -> Vec<(u64, u64)> {
            lines
                .iter()
                .filter_map(|l| crate::engine::record::maps_range(l))
                .collect()
        };
        let shows = |r: &[(u64, u64)]| r.iter().any(|&(a, b)| a <= addr && addr < b);
        let first = run.maps.iter().find(|s| shows(&ranges(&s.lines)))?;
        let last = run.maps.last()?;
        let before = ranges(&first.lines);
        // The mapping's extent is the line that holds `addr` (the kernel rounds up to pages;
        // neighbouring mappings with the same attributes may be merged in, so cap it at the
        // line's end).
        let end = before
            .iter()
            .find(|&&(a, b)| a <= addr && addr < b)
            .map_or(addr, |&(_, b)| b);
        Some(AfterRun {
            page,
            addr,
            pages: (end - addr).div_ceil(page),
            after_munmap: last.after == "munmap",
            before,
            after: ranges(&last.lines),
        })
    }

    /// The pages of the mapping, from the plan when it knows them (a merged neighbour makes
    /// the capture's line longer than the mapping).
    pub fn with_plan_pages(mut self, map: &PageMap) -> AfterRun {
        if map.copy_window.is_none() && map.map_pages() > 0 {
            self.pages = self.pages.min(map.map_pages());
        }
        self
    }

    /// What page `n` (counted from the pointer; negative: before it) holds after the run.
    pub fn page_at(&self, n: i64) -> AfterPage {
        let lo = (self.addr as i128 + n as i128 * self.page as i128).max(0) as u64;
        let hi = lo.saturating_add(self.page);
        let listed = |r: &[(u64, u64)]| r.iter().any(|&(a, b)| a < hi && lo < b);
        let ours = n >= 0 && (n as u64) < self.pages;
        match (ours, listed(&self.before), listed(&self.after)) {
            (true, _, true) if self.after_munmap => AfterPage::Leaked,
            (true, _, true) => AfterPage::Mapped,
            (true, _, false) => AfterPage::Unmapped,
            (false, true, false) => AfterPage::OtherGone,
            (false, _, true) => AfterPage::Other,
            (false, false, false) => AfterPage::Free,
        }
    }
}

/// How the page map draws one page's measured state (`steps[].pages`): one glyph per state,
/// the same in the TUI, `run` and Markdown, so a glyph means one thing everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLook {
    /// Not in this process's page table: never touched, dropped, or unmapped (`·`).
    Absent,
    /// Not in memory, in swap (`s`).
    Swapped,
    /// The file's own page, from the page cache (bit 61 on a file mapping) (`F`).
    File,
    /// The kernel's shared page of zeros, mapped by a first read of fresh private anonymous
    /// memory (`0`): present, not the file's, not exclusive, and `PAGEMAP_SCAN` says so.
    Zero,
    /// Not this process's alone: shared anonymous memory (bit 61 without a page cache
    /// answer), a page still shared since a fork, or the zero page where the kernel cannot
    /// tell it apart (before Linux 6.7) (`S`).
    Shared,
    /// A private copy: anonymous, and this process's alone (`A`).
    Private,
}

impl PageLook {
    /// The state of one page, from the bits the kernel reported.
    pub fn of(p: &PageState) -> PageLook {
        match p {
            p if !p.present && p.swapped => PageLook::Swapped,
            p if !p.present => PageLook::Absent,
            p if p.zero_page == Some(true) => PageLook::Zero,
            p if p.file && p.cached.is_some() => PageLook::File,
            p if p.file || !p.exclusive => PageLook::Shared,
            _ => PageLook::Private,
        }
    }

    /// Whether `p`, drawn shared, may be the zero page all the same: anonymous, present, not
    /// exclusive, on a kernel that could not say (no `PAGEMAP_SCAN`).
    pub fn maybe_zero(p: &PageState) -> bool {
        PageLook::of(p) == PageLook::Shared && !p.file && p.zero_page.is_none()
    }

    /// Its glyph; `absent` is the caller's (`·`, or `.` in ASCII).
    pub fn glyph(self, absent: char) -> char {
        match self {
            PageLook::Absent => absent,
            PageLook::Swapped => 's',
            PageLook::File => 'F',
            PageLook::Zero => '0',
            PageLook::Shared => 'S',
            PageLook::Private => 'A',
        }
    }
}

/// Whether the child's page `child` is the same physical frame as the parent's page of the
/// same number in `pages` (the same step): `None` unless both frames are known (both present,
/// frame numbers visible).
pub fn same_frame(pages: &[PageState], child: &PageState) -> Option<bool> {
    if child.process.as_deref() != Some("child") {
        return None;
    }
    let parent = pages
        .iter()
        .find(|q| q.page == child.page && q.process.as_deref() == Some("parent"))?;
    Some(parent.pfn? == child.pfn?)
}

/// One line of the difference between two `/proc/self/maps` captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapsChange {
    /// Listed in both, unchanged.
    Same(String),
    /// Listed before, gone after.
    Removed(String),
    /// Listed after only.
    Added(String),
    /// The same mapping (same start, or same end and same file) with another extent or
    /// protection: the line after, and the one before.
    Changed {
        /// The line in the later capture.
        after: String,
        /// The line in the earlier capture.
        before: String,
    },
}

impl MapsChange {
    /// The line as it reads in the later capture (or, removed, in the earlier).
    pub fn line(&self) -> &str {
        match self {
            MapsChange::Same(l) | MapsChange::Removed(l) | MapsChange::Added(l) => l,
            MapsChange::Changed { after, .. } => after,
        }
    }
}

/// What changed from the maps lines `before` to the lines `after`, in address order: a line
/// in both is the same; a line whose start (or end and file) matches one of the other list
/// changed; the rest were removed or added.
pub fn maps_diff(before: &[String], after: &[String]) -> Vec<MapsChange> {
    use crate::engine::record::maps_range;
    let path = |l: &str| l.split_whitespace().nth(5).map(str::to_string);
    let start = |l: &str| maps_range(l).map_or(0, |(a, _)| a);
    let mut used = vec![false; after.len()];
    let mut out: Vec<(u64, MapsChange)> = Vec::new();
    for b in before {
        let exact = after
            .iter()
            .enumerate()
            .position(|(i, a)| !used[i] && a.trim_end() == b.trim_end());
        if let Some(i) = exact {
            used[i] = true;
            out.push((start(b), MapsChange::Same(b.clone())));
            continue;
        }
        let rb = maps_range(b);
        let kin = after.iter().enumerate().position(|(i, a)| {
            let ra = maps_range(a);
            !used[i]
                && match (ra, rb) {
                    (Some((sa, ea)), Some((sb, eb))) => {
                        sa == sb || (ea == eb && path(a) == path(b))
                    }
                    _ => false,
                }
        });
        match kin {
            Some(i) => {
                used[i] = true;
                out.push((
                    start(&after[i]),
                    MapsChange::Changed {
                        after: after[i].clone(),
                        before: b.clone(),
                    },
                ));
            }
            None => out.push((start(b), MapsChange::Removed(b.clone()))),
        }
    }
    for (i, a) in after.iter().enumerate() {
        if !used[i] {
            out.push((start(a), MapsChange::Added(a.clone())));
        }
    }
    // Stable: a removed line stays before the line added at the same address.
    out.sort_by_key(|(a, _)| *a);
    out.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::params::Key;

    const PAGE: u64 = 4096;

    fn map(id: &str, sets: &[(Key, &str)]) -> PageMap {
        let s = catalog::find(id).unwrap();
        let mut p = (s.defaults)(PAGE);
        for (k, v) in sets {
            p.set(*k, v).unwrap();
        }
        PageMap::from_plan(&(s.build)(&p, PAGE), PAGE).unwrap()
    }

    #[test]
    fn out_of_bounds_has_ok_then_sigbus_then_sigsegv() {
        // 100-byte file, 8192-byte mapping: page 0 has data, page 1 is past the end of the
        // file, page 2 is not mapped.
        let m = map("out-of-bounds", &[(Key::Length, "8192")]);
        assert_eq!(m.file_pages(), Some(1));
        assert_eq!(m.map_pages(), 2);
        assert_eq!(m.zone(0), Zone::Ok);
        assert_eq!(m.zone(1), Zone::PastEof);
        assert_eq!(m.zone(2), Zone::NotMapped);
        // The default: a 100-byte mapping is one whole page; the access at 4096 lands on page 1.
        let m = map("out-of-bounds", &[]);
        assert_eq!(m.map_pages(), 1);
        assert_eq!(m.zone(1), Zone::NotMapped);
        assert_eq!(m.span(), 2);
    }

    #[test]
    fn file_pages_count_from_the_offset_and_follow_grow() {
        let m = map("unaligned-offset", &[(Key::Offset, "4096")]);
        assert_eq!(m.file_pages(), Some(3));
        let m = map("unaligned-offset", &[(Key::Offset, "1000")]);
        assert_eq!(m.file_pages(), Some(4)); // ceil(15384 / 4096)
        let m = map("empty-new-file", &[]);
        assert_eq!(m.file_pages(), Some(0));
        assert_eq!(m.zone(0), Zone::PastEof);
        let m = map("empty-new-file", &[(Key::Grow, "ftruncate")]);
        assert_eq!(m.file_pages(), Some(1));
        assert_eq!(m.zone(0), Zone::Ok);
    }

    #[test]
    fn anonymous_pages_are_ok_and_nothing_backs_a_pipe() {
        let m = map("anonymous-ipc", &[]);
        assert_eq!(m.backing, Backing::Anonymous);
        assert_eq!(m.zone(0), Zone::Ok);
        let m = map("playground", &[(Key::File, "pipe")]);
        assert_eq!(m.zone(0), Zone::NotMapped);
        let m = map("playground", &[(Key::Prot, "PROT_NONE")]);
        assert_eq!(m.zone(0), Zone::NoAccess);
        // A write into a read-only mapping is refused by the protection, not by the extents.
        let m = map(
            "playground",
            &[(Key::Prot, "PROT_READ"), (Key::Access, "write@0")],
        );
        assert_eq!(m.zone(0), Zone::NoAccess);
        let m = map(
            "playground",
            &[(Key::Prot, "PROT_READ"), (Key::Access, "read@0")],
        );
        assert_eq!(m.zone(0), Zone::Ok);
    }

    #[test]
    fn munmap_range_and_zero_length() {
        let m = map("munmap-shifted-pointer", &[(Key::MunmapShift, "4096")]);
        assert_eq!(m.munmap, Some((4096, 8192)));
        assert_eq!(m.span(), 3); // munmap reaches into page 2, past the mapping
        let m = map("zero-length", &[]);
        assert_eq!(m.map_pages(), 0);
        assert_eq!(m.zone(0), Zone::NotMapped);
    }

    #[test]
    fn a_negative_shift_draws_the_page_before_the_pointer() {
        let m = map("munmap-shifted-pointer", &[(Key::MunmapShift, "-4096")]);
        assert_eq!(m.before(), 1);
        assert_eq!(m.zone(-1), Zone::NotMapped);
        assert_eq!(
            m.columns(10),
            [
                Column::Page(-1),
                Column::Page(0),
                Column::Page(1),
                Column::Page(2)
            ]
        );
        // The most negative shift a student can type: drawn with a gap, no overflow.
        let m = map(
            "munmap-shifted-pointer",
            &[(Key::MunmapShift, "-9223372036854775808")],
        );
        let cols = m.columns(8);
        assert_eq!(cols.first(), Some(&Column::Page(-(1 << 51))));
        assert!(cols.contains(&Column::Gap) && cols.contains(&Column::Page(0)));
    }

    #[test]
    fn an_unaligned_offset_maps_nothing() {
        let m = map("unaligned-offset", &[]);
        assert!(m.refused());
        assert_eq!(m.zone(0), Zone::NotMapped);
        let m = map("unaligned-offset", &[(Key::Offset, "4096")]);
        assert!(!m.refused());
        assert_eq!(m.zone(0), Zone::Ok);
    }

    #[test]
    fn a_copy_is_drawn_as_its_windows_over_the_file() {
        let m = map("mmap-copy", &[(Key::Window, "8M")]);
        let size = m.length;
        assert_eq!(m.copy_window, Some(8 << 20));
        assert_eq!(m.windows(), size.div_ceil(8 << 20));
        assert!(m.window_starts(0) && m.window_starts(2048) && !m.window_starts(1));
        let cols = m.columns(14);
        assert!(cols.contains(&Column::Page(2047)) && cols.contains(&Column::Page(2048)));
    }

    #[test]
    fn huge_spans_are_drawn_with_gaps_around_the_interesting_pages() {
        let m = map("mmap-copy", &[]);
        assert!(m.span() > 1000);
        let cols = m.columns(12);
        assert!(cols.contains(&Column::Gap));
        assert_eq!(cols.first(), Some(&Column::Page(0)));
        assert!(cols.len() <= 12);
        let m = map("out-of-bounds", &[]);
        assert_eq!(m.columns(10), [Column::Page(0), Column::Page(1)]);
        let m = map(
            "playground",
            &[(Key::Length, "1G"), (Key::Access, "read@1G")],
        );
        let cols = m.columns(8);
        assert!(cols.contains(&Column::Page(262144)), "{cols:?}");
    }

    #[test]
    fn the_file_is_what_the_plan_leaves_it() {
        // O_TRUNC empties the file the lab made: every mapped page is past its end.
        let m = map("playground", &[(Key::Open, "O_RDWR|O_TRUNC")]);
        assert_eq!(m.file_pages(), Some(0));
        assert_eq!(m.zone(0), Zone::PastEof);
        // Without MAP_ANONYMOUS, fd -1 is no file at all; with it, the descriptor is ignored.
        let m = map(
            "playground",
            &[(Key::File, "anonymous"), (Key::Flags, "MAP_PRIVATE")],
        );
        assert_eq!(m.backing, Backing::Nothing);
        let m = map(
            "playground",
            &[
                (Key::File, "bad-fd"),
                (Key::Flags, "MAP_PRIVATE|MAP_ANONYMOUS"),
            ],
        );
        assert_eq!(m.backing, Backing::Anonymous);
        let m = map("playground", &[(Key::File, "sealed-memfd")]);
        assert_eq!(m.file_pages(), Some(4));
    }
    /// A page's bits as a test writes them: present, file, exclusive, cached, frame.
    fn page(present: bool, file: bool, exclusive: bool, cached: Option<bool>) -> PageState {
        PageState {
            page: 0,
            addr: 0x7f00_0000_0000,
            present,
            swapped: false,
            file,
            exclusive,
            soft_dirty: false,
            pfn: None,
            cached,
            zero_page: Some(false),
            process: None,
        }
    }

    #[test]
    fn each_page_state_has_its_glyph() {
        let absent = page(false, false, false, Some(true));
        assert_eq!(PageLook::of(&absent), PageLook::Absent);
        assert_eq!(PageLook::of(&absent).glyph('.'), '.');
        let swapped = PageState {
            swapped: true,
            ..page(false, false, false, None)
        };
        assert_eq!(PageLook::of(&swapped).glyph('.'), 's');
        // A file mapping's page read from the page cache, shared or private, not yet written.
        let file = page(true, true, false, Some(true));
        assert_eq!(PageLook::of(&file).glyph('.'), 'F');
        // MAP_SHARED|MAP_ANONYMOUS: bit 61 set, but no file whose cache could answer.
        let shmem = page(true, true, true, None);
        assert_eq!(PageLook::of(&shmem).glyph('.'), 'S');
        // A private page after a fork, before either side writes: anonymous, not exclusive.
        let forked = page(true, false, false, None);
        assert_eq!(PageLook::of(&forked).glyph('.'), 'S');
        // A private copy: the first write to MAP_PRIVATE, or anonymous memory of its own.
        let copy = page(true, false, true, Some(true));
        assert_eq!(PageLook::of(&copy).glyph('.'), 'A');
        // A first read of fresh anonymous memory: the zero page, where the kernel says so;
        // where it cannot (no PAGEMAP_SCAN), the same bits stay merely shared.
        let zero = PageState {
            zero_page: Some(true),
            ..page(true, false, false, None)
        };
        assert_eq!(PageLook::of(&zero), PageLook::Zero);
        assert_eq!(PageLook::of(&zero).glyph('.'), '0');
        let unknown = PageState {
            zero_page: None,
            ..page(true, false, false, None)
        };
        assert_eq!(PageLook::of(&unknown), PageLook::Shared);
        assert!(PageLook::maybe_zero(&unknown));
        assert!(!PageLook::maybe_zero(&zero) && !PageLook::maybe_zero(&copy));
        // Known not to be the zero page: shared, and nothing more to say.
        assert!(!PageLook::maybe_zero(&forked));
        // Shared anonymous memory (bit 61) is never the zero page.
        let shmem_unknown = PageState {
            zero_page: None,
            ..shmem
        };
        assert!(!PageLook::maybe_zero(&shmem_unknown));
        // A page that left the page table is absent, whatever it was.
        let gone = PageState {
            zero_page: Some(true),
            ..page(false, false, false, None)
        };
        assert_eq!(PageLook::of(&gone), PageLook::Absent);
    }

    #[test]
    fn frames_compare_only_when_both_are_known() {
        let with = |process: &str, pfn: Option<u64>| PageState {
            pfn,
            process: Some(process.to_string()),
            ..page(true, false, false, None)
        };
        let same = [with("parent", Some(7)), with("child", Some(7))];
        assert_eq!(same_frame(&same, &same[1]), Some(true));
        let other = [with("parent", Some(7)), with("child", Some(9))];
        assert_eq!(same_frame(&other, &other[1]), Some(false));
        // Frame numbers hidden (no CAP_SYS_ADMIN): no claim either way.
        let hidden = [with("parent", None), with("child", None)];
        assert_eq!(same_frame(&hidden, &hidden[1]), None);
        // Only the child's row carries the comparison.
        assert_eq!(same_frame(&same, &same[0]), None);
    }

    /// The captures of `munmap(ptr + 4096, 8192)` on a two-page mapping, as a child
    /// recorded them (`tests/fixtures/munmap-shifted-pointer--shift-4096.json`): the engine
    /// put a `PROT_NONE` page right after the mapping, and munmap took it.
    const BEFORE: [&str; 3] = [
        "7f2a53982000-7f2a53984000 rw-s 00000000 fe:00 10166626   /tmp/mmap-lab-aSv2wZ/data",
        "7f2a53984000-7f2a53985000 ---p 00000000 00:00 0 ",
        "7f2a53985000-7f2a53987000 rw-p 00000000 00:00 0 ",
    ];
    const AFTER: [&str; 2] = [
        "7f2a53982000-7f2a53983000 rw-s 00000000 fe:00 10166626   /tmp/mmap-lab-aSv2wZ/data",
        "7f2a53985000-7f2a53987000 rw-p 00000000 00:00 0 ",
    ];

    fn run_with(addr: u64, snaps: &[(&str, &[&str])]) -> crate::engine::Run {
        let json = r#"{"page_size": 4096, "privileged": false, "steps": [],
            "elapsed_us": 0, "outcome": {"kind": "ok"}}"#;
        let mut run: crate::engine::Run = serde_json::from_str(json).unwrap();
        run.mapping_addr = Some(addr);
        run.maps = snaps
            .iter()
            .map(|(after, lines)| crate::engine::MapsSnapshot {
                after: after.to_string(),
                lines: lines.iter().map(|l| l.to_string()).collect(),
            })
            .collect();
        run
    }

    #[test]
    fn a_shifted_munmap_leaves_page_0_leaked_and_takes_the_page_after() {
        let run = run_with(0x7f2a53982000, &[("mmap", &BEFORE), ("munmap", &AFTER)]);
        let after = AfterRun::from_run(&run).unwrap();
        assert_eq!(after.pages, 2);
        assert_eq!(after.page_at(0), AfterPage::Leaked);
        assert_eq!(after.page_at(1), AfterPage::Unmapped);
        assert_eq!(after.page_at(2), AfterPage::OtherGone);
        assert_eq!(after.page_at(3), AfterPage::Other);
        assert_eq!(after.page_at(-1), AfterPage::Free);
    }

    #[test]
    fn a_whole_munmap_leaves_nothing_and_no_munmap_leaves_the_mapping() {
        let gone = [BEFORE[1], BEFORE[2]];
        let run = run_with(0x7f2a53982000, &[("mmap", &BEFORE), ("munmap", &gone)]);
        let after = AfterRun::from_run(&run).unwrap();
        assert_eq!(after.page_at(0), AfterPage::Unmapped);
        assert_eq!(after.page_at(1), AfterPage::Unmapped);
        assert_eq!(after.page_at(2), AfterPage::Other);
        let run = run_with(0x7f2a53982000, &[("mmap", &BEFORE)]);
        let after = AfterRun::from_run(&run).unwrap();
        assert_eq!(after.page_at(1), AfterPage::Mapped);
        // No capture shows the address: nothing to say.
        let run = run_with(0x1000, &[("mmap", &BEFORE)]);
        assert_eq!(AfterRun::from_run(&run), None);
    }

    #[test]
    fn the_maps_difference_marks_removed_changed_and_added_lines() {
        let before: Vec<String> = BEFORE.iter().map(|l| l.to_string()).collect();
        let mut after: Vec<String> = AFTER.iter().map(|l| l.to_string()).collect();
        after.push("7f2a53990000-7f2a53991000 r--p 00000000 00:00 0 ".to_string());
        let d = maps_diff(&before, &after);
        assert_eq!(
            d,
            [
                MapsChange::Changed {
                    after: after[0].clone(),
                    before: before[0].clone()
                },
                MapsChange::Removed(before[1].clone()),
                MapsChange::Same(before[2].clone()),
                MapsChange::Added(after[2].clone()),
            ]
        );
        assert!(maps_diff(&before, &before)
            .iter()
            .all(|c| matches!(c, MapsChange::Same(_))));
    }
}
