//! The page map: its row labels, legends and the notes under it.

use mmap_lab_engine::Lang;

use super::S;

/// `(English, Chinese)` of this file's strings; `None` for the others' (see [`S::pair`]).
pub(super) fn pair(s: S) -> Option<(&'static str, &'static str)> {
    Some(match s {
        S::PmPage => ("page", "页"),
        S::PmFile => ("file", "文件"),
        S::PmMapping => ("mapping", "映射"),
        S::PmAnonymous => (
            "anonymous: no file, pages start as zeros",
            "匿名映射：没有文件，页面初始全为 0",
        ),
        S::PmNoPages => (
            "this descriptor has no pages to map",
            "这个描述符没有可映射的页面",
        ),
        S::PmEmpty => ("length 0: nothing to map", "长度为 0：没有可映射的内容"),
        S::PmPtr => ("ptr", "ptr"),
        S::PmGap => ("pages not drawn", "未画出的页"),
        S::PmAfter => ("after", "运行后"),
        S::PmCache => ("cache", "页缓存"),
        S::PmRefused => (
            "none: mmap refused the call, nothing is mapped",
            "没有：mmap 拒绝了这次调用，什么都没有映射",
        ),
        S::PmAsk => (
            "? the offset is not a multiple of the page size: what will mmap do?",
            "？偏移不是页大小的整数倍：mmap 会怎么做？",
        ),
        _ => return None,
    })
}

/// What a page holds after the run, for the page map's "after" row: the word, and a short
/// one (four cells at most) for narrow columns.
pub fn after_page(
    page: mmap_lab_engine::pagemap::AfterPage,
    lang: Lang,
) -> (&'static str, &'static str) {
    use mmap_lab_engine::pagemap::AfterPage;
    let (en, zh) = match page {
        AfterPage::Mapped => (("mapped", "map"), ("仍映射", "映射")),
        AfterPage::Leaked => (("leaked", "LEAK"), ("泄漏：仍映射", "泄漏")),
        AfterPage::Unmapped => (("unmapped", "gone"), ("已解除", "解除")),
        AfterPage::OtherGone => (("other's, gone", "LOST"), ("他人页被解除", "误删")),
        AfterPage::Other => (("other's", "used"), ("别人的", "他用")),
        AfterPage::Free => (("·", "·"), ("·", "·")),
    };
    lang.pick(en, zh)
}

/// The legend of the page map's measured rows: what each glyph drawn (`looks`) says of a page,
/// and the page cache row when there is one. `absent` is the glyph set's (`·`, or `.` in
/// ASCII); `zero_unknown`: a page drawn shared may be the zero page, the kernel cannot say.
pub fn page_legend(
    looks: &[mmap_lab_engine::pagemap::PageLook],
    absent: char,
    cache: bool,
    zero_unknown: bool,
    lang: Lang,
) -> String {
    use mmap_lab_engine::pagemap::PageLook;
    let mut parts: Vec<String> = [
        PageLook::File,
        PageLook::Private,
        PageLook::Zero,
        PageLook::Shared,
        PageLook::Absent,
        PageLook::Swapped,
    ]
    .into_iter()
    .filter(|l| looks.contains(l))
    .map(|l| {
        let (en, zh) = match l {
            PageLook::File => ("the file's page", "文件的页"),
            PageLook::Private => ("a private copy", "私有副本"),
            PageLook::Zero => ("the zero page", "零页"),
            PageLook::Shared if zero_unknown => (
                "shared (or the zero page: this kernel cannot tell)",
                "共享（也可能是零页：这个内核无法区分）",
            ),
            PageLook::Shared => ("shared", "共享"),
            PageLook::Absent => ("not in memory", "不在内存"),
            PageLook::Swapped => ("swapped out", "已换出"),
        };
        format!("{} {}", l.glyph(absent), lang.pick(en, zh))
    })
    .collect();
    if cache {
        parts.push(
            lang.pick("cache C: in the page cache", "页缓存 C：在页缓存中")
                .to_string(),
        );
    }
    parts.join(lang.pick(", ", "，"))
}

/// What `=` and `≠` after the child's pages say, or why the page map cannot tell (frame
/// numbers hidden). `other` is the glyph set's `≠` (`!` in ASCII).
pub fn frames_note(visible: bool, other: char, lang: Lang) -> String {
    match (visible, lang) {
        (true, Lang::En) => {
            format!("= the child's page is the parent's frame, {other} another frame")
        }
        (true, Lang::Zh) => format!("= 子进程的页与父进程是同一物理页框，{other} 不同页框"),
        (false, Lang::En) => {
            format!("= or {other}: unknown, frame numbers read as 0 without CAP_SYS_ADMIN")
        }
        (false, Lang::Zh) => {
            format!("= 或 {other}：无法得知，没有 CAP_SYS_ADMIN 时页框号读作 0")
        }
    }
}

/// The frames' note in a few words, for the end of the legend when the page map has no row
/// for [`frames_note`]: `= same frame, ≠ another`.
pub fn frames_short(visible: bool, other: char, lang: Lang) -> String {
    match (visible, lang) {
        (true, Lang::En) => format!("= same frame, {other} another"),
        (true, Lang::Zh) => format!("= 与父进程同一页框，{other} 不同页框"),
        (false, Lang::En) => format!("= or {other}: unknown without CAP_SYS_ADMIN"),
        (false, Lang::Zh) => format!("= 或 {other}：没有 CAP_SYS_ADMIN 时无法得知"),
    }
}

/// The file's size in the page map: `file 100 B = 1 page` (pages from the offset).
pub fn file_extent(bytes: u64, pages: u64, lang: Lang) -> String {
    let size = crate::units::with_units(bytes.into());
    match lang {
        Lang::En => format!("{size} B from the offset = {pages} page(s)"),
        Lang::Zh => format!("从偏移起 {size} 字节 = {pages} 页"),
    }
}

/// The mapping's size in the page map.
pub fn map_extent(bytes: u64, pages: u64, lang: Lang) -> String {
    let size = crate::units::with_units(bytes.into());
    match lang {
        Lang::En => format!("length {size} → {pages} page(s)"),
        Lang::Zh => format!("长度 {size} → {pages} 页"),
    }
}

/// The page map's note for a copy through mappings: how many windows, how big.
pub fn copy_windows(count: u64, window: u64, pages: u64, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("{count} window(s) of {window} B ({pages} page(s)), mapped one after the other")
        }
        Lang::Zh => format!("{count} 个窗口，每个 {window} 字节（{pages} 页），依次映射"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmap_lab_engine::pagemap::PageLook;
    use mmap_lab_engine::texts::Text;

    /// The Chinese C program names a page's state with the page map's own words: one
    /// vocabulary, whether a student reads the screen, `run` or their program's output.
    #[test]
    fn the_c_programs_chinese_page_words_are_the_page_maps() {
        let looks = [
            PageLook::File,
            PageLook::Private,
            PageLook::Zero,
            PageLook::Shared,
            PageLook::Absent,
            PageLook::Swapped,
        ];
        let legend = page_legend(&looks, '·', true, false, Lang::Zh);
        let report = super::super::t(S::PagesLegend, Lang::Zh);
        for word in [
            Text::CPageAbsent,
            Text::CPageSwapped,
            Text::CPageFile,
            Text::CPageZero,
            Text::CPageCached,
        ] {
            let zh = word.get(Lang::Zh);
            assert!(
                legend.contains(zh),
                "{word:?}: {zh} is not in the legend {legend}"
            );
        }
        // This process's alone: the `run` legend's words for A and S.
        let exclusive = Text::CPageExclusive.get(Lang::Zh);
        assert!(report.contains(exclusive), "{exclusive} not in {report}");
    }
}
