//! The equivalent C program of an experiment: what `mmap-lab c ID` prints.
//!
//! The program makes the plan's calls in the plan's order with the plan's arguments, written
//! as literal numbers and symbolic flags (`mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd0, 1000)`),
//! so a student can read the experiment as ordinary C, compile it and watch the kernel give the
//! same answer. It ends with the same outcome line the lab's engine decides on: the first
//! failing critical step's errno, or the signal that struck, else `ok`.
//!
//! The fixed part (includes, errno names, cleanup, the signal handler, the copy helpers) lives
//! in `assets/c/template.c`. Its optional parts are fenced by `/*@IF name@*/ … /*@END name@*/`
//! lines and kept only when a step uses them, so that the program compiles under
//! `-Wall -Wextra -Werror` (no unused function) and carries no code the student has to skip.
//!
//! Students read the program, so its comments and the text it prints exist in English and in
//! Chinese; a program carries one language only. In the template, each text is a block:
//!
//! ```text
//! /*@EN@*/
//! (the English lines)
//! /*@ZH@*/
//! (the same lines in Chinese)
//! /*@END_LANG@*/
//! ```
//!
//! and both sides hold the same C code: only comments and string literals differ. The calls
//! printed and the last line (`outcome: …`) are the same in both languages. The texts this
//! module and the step families add come from [`crate::texts`].
//!
//! This module is the program's frame: the template, the variables, the order of the steps and
//! their comments. It puts the program together here; beside it, in `cprog/`, the steps'
//! generator (`gen.rs`, shared with the short form in `minimal.rs`), the template's filling
//! (`template.rs`), the repeat loop (`repeat.rs`) and the comments' wrapping (`comment.rs`). What each step's C looks like is its family's (`engine/ops/`): the call it
//! prints is the very [`Call`](crate::engine::calls::Call) the screen shows, its values named by printf conversions here,
//! so that the two cannot differ.

pub(crate) use crate::engine::ops::c::{c_string, unsigned};
use crate::engine::plan::Plan;
use crate::errnos;
use crate::texts::Text;
use crate::Lang;

mod comment;
mod gen;
mod minimal;
mod repeat;
mod template;

use comment::comment_safe;
use gen::{Gen, PagesShown};
pub use minimal::minimal;
use repeat::repeat_block;
pub use repeat::Repeat;
use template::{created_names, fill, text_literal};

/// The program's fixed part, with its placeholders.
const TEMPLATE: &str = include_str!("../assets/c/template.c");

/// A complete C program that performs `plan`'s calls and prints their results, ending with
/// `outcome: ok`, `outcome: errno NAME`, `outcome: signal NAME` or `outcome: timeout`.
///
/// `params_line` (such as `--set offset=1000`) goes into the header comment; `page` is the
/// page size the plan's numbers were computed for; `lang` is the language of the comments and
/// of the text the program prints (the outcome line is the same in both).
pub fn program(scenario_id: &str, params_line: &str, plan: &Plan, page: u64, lang: Lang) -> String {
    repeated(scenario_id, params_line, plan, page, lang, None)
}

/// [`program`], running its experiment `repeat.runs` times when given (each run in a new
/// process, as the lab runs it) and printing the tally the lab prints, before the first run's
/// outcome line.
pub fn repeated(
    scenario_id: &str,
    params_line: &str,
    plan: &Plan,
    page: u64,
    lang: Lang,
    repeat: Option<&Repeat>,
) -> String {
    let mut gen = Gen::new(plan, page, lang);
    let repeat_block = match repeat {
        Some(r) => {
            gen.needs.insert("repeat");
            repeat_block(plan, r, lang)
        }
        None => {
            gen.needs.insert("once");
            String::new()
        }
    };
    let pages = pages_block(plan, page);
    if !pages.is_empty() {
        gen.pages = Some(PagesShown {
            base: "ptr".to_string(),
        });
        gen.needs.insert("pages");
    }
    gen.main_steps();
    let steps = gen.finish_steps();
    let vars = gen.declarations();

    let created = created_names(plan)
        .iter()
        .map(|n| format!("    {},\n", c_string(n)))
        .collect::<String>();
    let mut files = String::new();
    if !plan.files.is_empty() {
        gen.needs.insert("make_file");
        files.push_str(&format!("    /* {} */\n", Text::CFiles.get(lang)));
        for f in &plan.files {
            files.push_str(&format!(
                "    make_file({}, {});\n",
                c_string(f.name),
                unsigned(f.size)
            ));
        }
    }
    // The program names the errnos of the lab's one table (aliases with the same number,
    // which a `switch` may not name twice, are not in it).
    let errno_cases = errnos::ERRNOS
        .iter()
        .map(|e| format!("    case {0}: return \"{0}\";\n", e.name))
        .collect::<String>();

    let id: String = scenario_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let params = match params_line.trim() {
        "" => Text::CParamsDefault.get(lang).to_string(),
        p => Text::CParamsSet.fill(lang, &[&comment_safe(p)]),
    };
    let deadline = plan.deadline.as_secs_f64().ceil().max(1.0) as u64;

    let blocks = [
        ("/*@CREATED@*/", created),
        ("/*@ERRNO_CASES@*/", errno_cases),
        ("/*@FILES@*/", files),
        ("/*@VARS@*/", vars),
        ("/*@STEPS@*/", steps),
        ("/*@PAGES@*/", pages),
        ("/*@PAGE_BITS@*/", page_bits_block()),
        ("/*@PAGE_WORDS@*/", page_words_block(lang)),
        ("/*@REPEAT@*/", repeat_block),
    ];
    let text = fill(TEMPLATE, &gen.needs, &blocks, lang);
    text.replace("@SCENARIO@", &id)
        .replace("@PARAMS@", &params)
        .replace("@PAGE@", &page.to_string())
        .replace("@DEADLINE@", &deadline.to_string())
}

/// The template's `pages` declarations for `plan`: the pages the lab reads after each step
/// (those the page map draws, counted from the mapping's start) and whether the mapping is a
/// file's. Empty when the lab reads no pages for it (no mapping, a copy's windows).
fn pages_block(plan: &Plan, page: u64) -> String {
    let Some(map) = crate::pagemap::PageMap::from_plan(plan, page) else {
        return String::new();
    };
    if map.copy_window.is_some() {
        return String::new();
    }
    let pages: Vec<String> = map
        .columns(crate::engine::pages::MAX_PAGES_READ)
        .into_iter()
        .filter_map(|c| match c {
            crate::pagemap::Column::Page(n) => Some(n.to_string()),
            crate::pagemap::Column::Gap => None,
        })
        .collect();
    if pages.is_empty() {
        return String::new();
    }
    let file = matches!(map.backing, crate::pagemap::Backing::File { .. });
    format!(
        "static const long pages_drawn[] = {{ {} }};\nstatic const int file_mapping = {};\n\
         static const long mapped_pages = {};\n",
        pages.join(", "),
        i32::from(file),
        map.map_pages().min(i64::MAX as u64)
    )
}

/// The words of the full program's page lines, each a page state the lab records, with the
/// name of the C constant that holds it: `0 present,file,cached | 1 absent`. The program
/// prints them in its own language, from the one table of texts.
pub const PAGE_WORDS: &[(&str, Text)] = &[
    ("word_present", Text::CPagePresent),
    ("word_absent", Text::CPageAbsent),
    ("word_swapped", Text::CPageSwapped),
    ("word_file", Text::CPageFile),
    ("word_exclusive", Text::CPageExclusive),
    ("word_soft_dirty", Text::CPageSoftDirty),
    ("word_zero_page", Text::CPageZero),
    ("word_pfn", Text::CPagePfn),
    ("word_cached", Text::CPageCached),
    ("word_uncached", Text::CPageUncached),
];

/// What separates a page's words in a page line: `present,file` and `在内存、文件的页`.
pub fn page_word_separator(lang: Lang) -> &'static str {
    lang.pick(",", "、")
}

/// The template's `pages` words: [`PAGE_WORDS`] and the separator in `lang`, as C constants.
fn page_words_block(lang: Lang) -> String {
    PAGE_WORDS
        .iter()
        .map(|(name, text)| (*name, text.get(lang)))
        .chain([("word_sep", page_word_separator(lang))])
        .map(|(name, word)| format!("static const char {name}[] = {};\n", text_literal(word)))
        .collect()
}

/// The template's `pages` numbers, from the lab's own reader of them (`engine::pages`), so
/// that the program and the lab test the same bits: the `pagemap` entry's, the
/// `PAGEMAP_SCAN` ioctl's number and its zero page category.
fn page_bits_block() -> String {
    use crate::engine::pages::{
        EXCLUSIVE, FILE, PAGEMAP_SCAN, PAGE_IS_PFNZERO, PFN_MASK, PRESENT, SOFT_DIRTY, SWAPPED,
    };
    let bit = |v: u64| format!("(1ULL << {})", v.trailing_zeros());
    let mut out: String = [
        ("PM_PRESENT", PRESENT),
        ("PM_SWAPPED", SWAPPED),
        ("PM_FILE", FILE),
        ("PM_EXCLUSIVE", EXCLUSIVE),
        ("PM_SOFT_DIRTY", SOFT_DIRTY),
    ]
    .iter()
    .map(|(name, v)| format!("#define {name} {}\n", bit(*v)))
    .collect();
    out.push_str(&format!(
        "#define PM_PFN_MASK ((1ULL << {}) - 1)\n",
        PFN_MASK.trailing_ones()
    ));
    out.push_str(&format!("#define PAGEMAP_SCAN {PAGEMAP_SCAN:#x}UL\n"));
    out.push_str(&format!(
        "#define PAGE_IS_PFNZERO {}\n",
        bit(PAGE_IS_PFNZERO)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::comment::wrap_comment;
    use super::template::{LANG_EN, LANG_END, LANG_ZH};
    use super::*;
    use crate::catalog;
    use crate::engine::ops::c::signed;
    use crate::lesson::width as text_width;

    fn plan_of(id: &str, sets: &[&str]) -> Plan {
        let scenario = catalog::find(id).expect("scenario exists");
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let params = crate::prepare(scenario, &sets).expect("valid sets");
        (scenario.build)(&params, 4096)
    }

    #[test]
    fn unaligned_offset_reads_like_the_call() {
        let plan = plan_of("unaligned-offset", &["offset=1000"]);
        let c = program(
            "unaligned-offset",
            "--set offset=1000",
            &plan,
            4096,
            Lang::En,
        );
        assert!(
            c.contains("check_map(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd0, 1000), CRITICAL)"),
            "{c}"
        );
        assert!(c.contains("check(open(\"data\", O_RDWR), CRITICAL)"), "{c}");
        assert!(c.contains("make_file(\"data\", 16384);"), "{c}");
        assert!(c.contains("Parameters: --set offset=1000"), "{c}");
        assert!(c.contains("outcome: errno %s"), "{c}");
        assert!(c.contains("case EINVAL: return \"EINVAL\";"), "{c}");
        // Sections no step uses are left out, and no marker is left behind.
        assert!(!c.contains("copy_mmap"), "{c}");
        assert!(!c.contains("/*@"), "{c}");
        assert!(!c.contains('@'), "{c}");
    }

    #[test]
    fn anonymous_ipc_forks_with_the_child_steps_inside() {
        let plan = plan_of("anonymous-ipc", &[]);
        let c = program("anonymous-ipc", "", &plan, 4096, Lang::En);
        assert!(
            c.contains("MAP_SHARED|MAP_ANONYMOUS, -1, 0), CRITICAL)"),
            "{c}"
        );
        let fork = c.find("if (pid3 == 0) {").expect("a fork block");
        let read = c
            .find("check_text(read_text(ptr, 12), CRITICAL);")
            .expect("child reads");
        let write = c
            .find("strcpy(ptr, \"hello, world\");")
            .expect("parent writes");
        let wait = c.find("waitpid(pid3, &status").expect("parent waits");
        assert!(fork < read && read < write && write < wait, "{c}");
        assert!(c.contains("become_child();"), "{c}");
        assert!(c.contains("outcome: ok"), "{c}");
    }

    #[test]
    fn touches_and_guard_steps() {
        let plan = plan_of("out-of-bounds", &[]);
        let c = program("out-of-bounds", "", &plan, 4096, Lang::En);
        assert!(c.contains("BYTE(ptr + 4096) = 0x2a;"), "{c}");
        assert!(c.contains("guard page"), "{c}");
        assert!(c.contains("outcome: signal "), "{c}");
    }

    /// The scenarios and parameters the language tests look at: between them they use every
    /// optional part of the template.
    fn sample_plans() -> Vec<(&'static str, Plan)> {
        [
            ("unaligned-offset", &["offset=1000"][..]),
            ("anonymous-ipc", &[][..]),
            ("out-of-bounds", &[][..]),
            ("empty-new-file", &["grow=lseek-write"][..]),
            ("close-after-mmap", &[][..]),
            ("mmap-copy", &["copy_size=1M"][..]),
            ("munmap-shifted-pointer", &[][..]),
            ("playground", &["exhaust_map_count=true", "guard=true"][..]),
            ("playground", &["file=sealed-memfd", "rlimit_as=1G"][..]),
        ]
        .iter()
        .map(|(id, sets)| (*id, plan_of(id, sets)))
        .collect()
    }

    #[test]
    fn the_full_program_prints_the_pages_after_the_steps_the_lab_reads_them() {
        let plan = plan_of("private-cow-fork", &[]);
        let c = program("private-cow-fork", "", &plan, 4096, Lang::En);
        assert!(
            c.contains("static const long pages_drawn[] = { 0, 1 };"),
            "{c}"
        );
        assert!(c.contains("static const int file_mapping = 1;"), "{c}");
        // After the mapping, not after the maps capture; the fork both sides, the child's
        // steps the child's, `_exit` none (the process is gone).
        for want in [
            "show_pages(ptr, 2, PARENT);",
            "show_pages(ptr, 3, CHILD);",
            "show_pages(ptr, 3, PARENT);",
            "show_pages(ptr, 4, CHILD);",
            "show_pages(ptr, 8, PARENT);",
        ] {
            assert!(c.contains(want), "{want}\n{c}");
        }
        for not in ["show_pages(ptr, 1,", "show_pages(ptr, 6,"] {
            assert!(!c.contains(not), "{not}\n{c}");
        }
        // One process: no name. A moved mapping: its new start once mremap succeeded.
        let plan = plan_of("mremap-grow", &["mremap_flags=MREMAP_MAYMOVE"]);
        let c = program("mremap-grow", "", &plan, 4096, Lang::En);
        assert!(c.contains("static const int file_mapping = 0;"), "{c}");
        assert!(c.contains("show_pages(ptr, 4, ONE_PROCESS);"), "{c}");
        assert!(
            c.contains("show_pages((map5 != MAP_FAILED ? map5 : ptr), 5, ONE_PROCESS);"),
            "{c}"
        );
        // The minimal program, and a copy's windows: no page lines.
        let plan = plan_of("private-cow-fork", &[]);
        assert!(!minimal("private-cow-fork", "", &plan, 4096, Lang::En).contains("show_pages"));
        let plan = plan_of("mmap-copy", &["copy_size=1M"]);
        assert!(!program("mmap-copy", "", &plan, 4096, Lang::En).contains("show_pages"));
    }

    #[test]
    fn the_page_lines_speak_the_programs_language_and_ask_for_the_zero_page() {
        let plan = plan_of("madvise-dontneed", &[]);
        for lang in [Lang::En, Lang::Zh] {
            let c = program("madvise-dontneed", "", &plan, 4096, lang);
            for (name, text) in PAGE_WORDS {
                let word = format!("static const char {name}[] = \"{}\";", text.get(lang));
                assert!(c.contains(&word), "{word}\n{c}");
            }
            let sep = format!("word_sep[] = \"{}\";", page_word_separator(lang));
            assert!(c.contains(&sep), "{c}");
            // The kernel's numbers: bit 63 present, the ioctl _IOWR('f', 16, 96 bytes), its
            // zero page category (linux/fs.h).
            for want in [
                "#define PM_PRESENT (1ULL << 63)",
                "#define PM_PFN_MASK ((1ULL << 55) - 1)",
                "#define PAGEMAP_SCAN 0xc0606610UL",
                "#define PAGE_IS_PFNZERO (1ULL << 5)",
                "ioctl(fd, PAGEMAP_SCAN, &arg)",
            ] {
                assert!(c.contains(want), "{want}\n{c}");
            }
        }
        let zh = program("madvise-dontneed", "", &plan, 4096, Lang::Zh);
        for english in [
            "\"present\"",
            "\"absent\"",
            "\"zero-page\"",
            "\"exclusive\"",
        ] {
            assert!(!zh.contains(english), "{english} in\n{zh}");
        }
    }

    #[test]
    fn a_repeated_program_loops_itself_in_both_languages_alike() {
        let plan = plan_of("anonymous-ipc", &["sync=none", "repeat=7"]);
        let p = crate::prepare(
            crate::catalog::find("anonymous-ipc").unwrap(),
            &["sync=none".to_string(), "repeat=7".to_string()],
        )
        .unwrap();
        let repeat = Repeat::of(&p).expect("repeat=7");
        let en = repeated("anonymous-ipc", "", &plan, 4096, Lang::En, Some(&repeat));
        let zh = repeated("anonymous-ipc", "", &plan, 4096, Lang::Zh, Some(&repeat));
        assert_eq!(code_only(&en), code_only(&zh));
        for c in [&en, &zh] {
            assert!(c.contains("static const int tally_runs = 7;"), "{c}");
            assert!(c.contains("static void experiment(void)"), "{c}");
            assert_eq!(c.matches("int main(void)").count(), 1, "{c}");
        }
        assert!(
            en.contains(
                "\"without synchronisation the child read `hello, world` in %1$d of %2$d runs\\n\""
            ),
            "{en}"
        );
        // A single run keeps the plain main.
        let once = program("anonymous-ipc", "", &plan, 4096, Lang::En);
        assert!(!once.contains("experiment(") && once.contains("int main(void)"));
    }

    /// The C code of a program without its comments and the text of its string and character
    /// literals, whitespace folded: what must not depend on the language.
    fn code_only(c: &str) -> String {
        let mut out = String::new();
        let mut chars = c.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    let mut last = ' ';
                    for x in chars.by_ref() {
                        if last == '*' && x == '/' {
                            break;
                        }
                        last = x;
                    }
                    out.push(' ');
                }
                '"' | '\'' => {
                    out.push(ch);
                    while let Some(x) = chars.next() {
                        if x == '\\' {
                            chars.next();
                        } else if x == ch {
                            break;
                        }
                    }
                    out.push(ch);
                }
                _ => out.push(ch),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_template_pairs_every_english_text_with_a_chinese_one() {
        let mut side = None;
        let (mut en_lines, mut zh_lines) = (0, 0);
        for (n, line) in TEMPLATE.lines().enumerate() {
            let at = n + 1;
            match (line.trim(), side) {
                (LANG_EN, None) => side = Some(Lang::En),
                (LANG_ZH, Some(Lang::En)) => side = Some(Lang::Zh),
                (LANG_END, Some(Lang::Zh)) => {
                    assert!(en_lines > 0 && zh_lines > 0, "empty side before line {at}");
                    (en_lines, zh_lines, side) = (0, 0, None);
                }
                (LANG_EN | LANG_ZH | LANG_END, _) => panic!("misplaced marker at line {at}"),
                (t, Some(_)) if t.starts_with("/*@") => panic!("marker inside a block: {at}"),
                (_, Some(Lang::En)) => en_lines += 1,
                (_, Some(Lang::Zh)) => zh_lines += 1,
                (_, None) => {}
            }
        }
        assert_eq!(side, None, "a block is left open");
        // Outside the blocks, comments are only the template's own markers.
        let mut side = None;
        for line in TEMPLATE.lines() {
            match line.trim() {
                LANG_EN | LANG_ZH => side = Some(()),
                LANG_END => side = None,
                t if side.is_none() && !t.starts_with("/*@") => {
                    assert!(
                        !t.contains("/*") && !t.starts_with('*'),
                        "outside a block: {t}"
                    );
                }
                _ => {}
            }
        }
    }

    #[test]
    fn both_languages_hold_the_same_code() {
        for (id, plan) in sample_plans() {
            let en = program(id, "--set a=b", &plan, 4096, Lang::En);
            let zh = program(id, "--set a=b", &plan, 4096, Lang::Zh);
            assert_eq!(code_only(&en), code_only(&zh), "{id}");
            assert_ne!(en, zh, "{id}");
            for c in [&en, &zh] {
                assert!(!c.contains("/*@"), "{c}");
                assert!(!c.contains('@'), "{c}");
                assert!(c.contains("outcome: ok\\n"), "{c}");
                assert!(c.contains("outcome: errno %s\\n"), "{c}");
                assert!(c.contains("put(\"outcome: signal \");"), "{c}");
                assert!(c.contains("put(\"outcome: timeout\\n\");"), "{c}");
            }
        }
    }

    /// The comments of a program, one string each.
    fn comments(c: &str) -> Vec<&str> {
        c.split("/*")
            .skip(1)
            .filter_map(|rest| rest.split_once("*/").map(|(body, _)| body))
            .collect()
    }

    #[test]
    fn a_program_speaks_one_language() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (id, plan) in sample_plans() {
            let en = program(id, "", &plan, 4096, Lang::En);
            assert!(en.is_ascii(), "{id}: Chinese in the English program:\n{en}");
            assert!(en.contains("Parameters: the scenario's defaults."), "{en}");
            let zh = program(id, "", &plan, 4096, Lang::Zh);
            assert!(zh.contains("参数：使用场景的默认值。"), "{zh}");
            for body in comments(&zh) {
                assert!(chinese(body), "{id}: an English comment: /*{body}*/");
            }
            for english in [
                "(done)",
                "[child]",
                " read: ",
                "splits; vm",
                "bytes in",
                "exited ",
            ] {
                assert!(!zh.contains(english), "{id}: {english:?} in\n{zh}");
            }
        }
    }

    #[test]
    fn chinese_step_comments_read_naturally_and_wrap() {
        let plan = plan_of("anonymous-ipc", &[]);
        let c = program("anonymous-ipc", "", &plan, 4096, Lang::Zh);
        assert!(
            c.contains("/* 步骤 3：fork：子进程会继承这个映射。 */"),
            "{c}"
        );
        assert!(
            c.contains("/* 步骤 7（子进程）：从映射中读出这条消息。 */"),
            "{c}"
        );
        assert!(
            c.contains("printf(\"%s读到：\\\"\", in_child ? \"子进程\" : \"进程\");"),
            "{c}"
        );
        // Comments the generator writes fit in 100 columns, Chinese characters counting two.
        for line in c.lines().filter(|l| l.trim_start().starts_with("/* 步骤")) {
            assert!(text_width(line) <= 100, "too wide: {line}");
        }
        let long = "甲".repeat(120);
        let lines = wrap_comment(&format!("步骤 1：{long}。"), 60);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(text_width(l) <= 60, "{l}");
            assert!(!l.starts_with(" * 。"), "{l}");
        }
        assert_eq!(
            wrap_comment("read the file back: did the write reach it?", 100),
            vec!["/* read the file back: did the write reach it? */"]
        );
    }

    #[test]
    fn minimal_programs_hold_the_same_code_in_both_languages() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (id, plan) in sample_plans() {
            let en = minimal(id, "--set a=b", &plan, 4096, Lang::En);
            let zh = minimal(id, "--set a=b", &plan, 4096, Lang::Zh);
            assert_eq!(code_only(&en), code_only(&zh), "{id}");
            assert!(en.is_ascii(), "{id}: Chinese in the English program:\n{en}");
            for body in comments(&zh) {
                assert!(chinese(body), "{id}: an English comment: /*{body}*/");
            }
            for c in [&en, &zh] {
                assert!(c.lines().count() <= 60, "{id}: too long:\n{c}");
                assert!(c.contains("mmap-lab c "), "{c}");
                assert!(c.contains("strerrorname_np(e)"), "{c}");
                // No helper of the full program, no signal handler.
                for helper in ["begin(", "check(", "check_map(", "finish(", "signal("] {
                    assert!(!c.contains(helper), "{id}: {helper} in\n{c}");
                }
            }
        }
    }

    #[test]
    fn the_minimal_copy_is_the_course_notes_copy() {
        let plan = plan_of("mmap-copy", &["copy_size=1M"]);
        let c = minimal("mmap-copy", "--set copy_size=1M", &plan, 4096, Lang::Zh);
        for part in [
            "1. 对原始的文件进行内存映射",
            "3. 把新文件的数据映射到内存中",
            "4. 通过内存拷贝将第一个文件的内存数据拷贝到新的文件内存中",
            "5. 释放资源",
            "memcpy(d, s, n);",
            "ftruncate(fd1, 1048576)",
        ] {
            assert!(c.contains(part), "{part} not in\n{c}");
        }
        // The benchmark's other copies and their descriptors are left out.
        for left_out in [
            "copy-read-write",
            "copy_file_range",
            "copy-file-range",
            "计时",
        ] {
            assert!(!c.contains(left_out), "{left_out} in\n{c}");
        }
    }

    #[test]
    fn every_argument_the_kernel_reads_is_passed() {
        // MREMAP_DONTUNMAP reads mremap's fifth argument: left out, it is whatever the
        // register held, and the kernel answers EINVAL to an unaligned one.
        let sets = [
            "mremap_flags=MREMAP_MAYMOVE|MREMAP_DONTUNMAP",
            "new_length=4096",
        ];
        let plan = plan_of("mremap-grow", &sets);
        let call = "MREMAP_MAYMOVE|MREMAP_DONTUNMAP, NULL)";
        for c in [
            program("mremap-grow", "", &plan, 4096, Lang::En),
            minimal("mremap-grow", "", &plan, 4096, Lang::En),
        ] {
            assert!(c.contains(call), "{c}");
            assert!(!c.contains("PR_SET_PDEATHSIG, SIGKILL)"), "{c}");
        }
        let plan = plan_of("anonymous-ipc", &[]);
        for c in [
            program("anonymous-ipc", "", &plan, 4096, Lang::En),
            minimal("anonymous-ipc", "", &plan, 4096, Lang::En),
        ] {
            assert!(
                c.contains("prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);"),
                "{c}"
            );
        }
    }

    #[test]
    fn the_test_only_sleep_never_reaches_the_program() {
        let mut plan = plan_of("unaligned-offset", &[]);
        let at = plan.steps.len();
        plan.push(crate::engine::Step::critical(crate::engine::TestSleep {
            millis: 10,
        }));
        let c = program("unaligned-offset", "", &plan, 4096, Lang::En);
        assert!(!c.contains("sleep"), "{c}");
        let number = plan.step_number(at);
        assert!(!c.contains(&format!("Step {number}:")), "{c}");
    }

    #[test]
    fn c_strings_are_escaped() {
        assert_eq!(c_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(c_string("??="), "\"?\\?=\"");
        assert_eq!(c_string("\n"), "\"\\012\"");
        assert_eq!(unsigned(u64::MAX), "18446744073709551615UL");
        assert_eq!(signed(i64::MIN), "(-9223372036854775807L - 1)");
    }
}
