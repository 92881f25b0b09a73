//! No English on the Chinese screen: every Chinese snapshot (`tests/snapshots/*zh*.snap`) is
//! scanned for English words outside code, names and numbers. What may stay is what a student
//! types or reads in C, a shell or the kernel's documentation: the lab's scenario ids and
//! knobs, C identifiers and constants, key names, quoted program output, units and proper
//! names. Everything else on a Chinese screen is a sentence someone forgot to translate.

use std::collections::BTreeSet;
use std::path::Path;

/// Words of C, of the lab's calls and of the terminal that a Chinese screen shows as they are.
const ALLOWED: &[&str] = &[
    // C the lessons' questions quote as code (`int fd = open(…)`, `mprotect(ptr, len, …)`),
    // programs they name (`realloc`, a `truncate` in a shell), and a scenario's `id`.
    "int",
    "len",
    "realloc",
    "shell",
    "id",
    // The lab, languages, units, names.
    "mmap-lab",
    "English",
    "MiB",
    "ms",
    "KiB",
    "GiB",
    "TiB",
    "Linux",
    "POSIX",
    "GNU",
    "glibc",
    "libc",
    "errno",
    "perror",
    "seccomp",
    "x86_64",
    // Keys.
    "Enter",
    "Tab",
    "Space",
    "Esc",
    "Home",
    "End",
    "Ctrl",
    "Shift",
    "PgUp",
    "PgDn",
    "Up",
    "Down",
    "Left",
    "Right",
    "Backspace",
    "jk",
    // C and the calls' variables as the lab writes them.
    "for",
    "while",
    "if",
    "done",
    "off",
    "buf",
    "fd",
    "fds",
    "ptr",
    "char",
    "void",
    "text",
    "status",
    "pid",
    "guard",
    "reserve",
    "existing",
    "exit",
    "memcpy",
    "memcmp",
    "strcpy",
    "lseek",
    "pread",
    "pwrite",
    "read",
    "write",
    "open",
    "close",
    "fork",
    "waitpid",
    "pipe",
    "ftruncate",
    "sysconf",
    "madvise",
    "mremap",
    "msync",
    "mprotect",
    "munmap",
    "mmap",
    "copy_file_range",
    "none",
    "true",
    "false",
    "unlimited",
    "off_t",
    "proc",
    "self",
    "maps",
    "tmp",
    "data",
    "source",
    "sub",
    "new",
    "free",
    "child",
    "parent",
];

/// Every word the lab's own tables name: scenario ids, knobs and their words.
fn lab_words() -> BTreeSet<String> {
    let mut words: BTreeSet<String> = ALLOWED.iter().map(|w| w.to_string()).collect();
    let mut add = |text: &str| {
        words.insert(text.to_string());
        for part in text.split(['-', '_', '|']) {
            words.insert(part.to_string());
        }
    };
    for s in mmap_lab_engine::catalog::all() {
        add(s.id);
    }
    for key in mmap_lab_engine::Key::ALL {
        add(key.name());
        if let mmap_lab_engine::params::KeyKind::Choice(choices) = key.kind() {
            for c in choices {
                add(c);
            }
        }
    }
    words
}

/// The text of a snapshot: its lines after the header.
fn body(text: &str) -> &str {
    text.splitn(3, "---\n").nth(2).unwrap_or(text)
}

/// `line` without what is quoted: program output (`"hello, world"`), characters (`'A'`) and
/// code (`` `mmap` ``). `open`: a double quote the line before left open (a quotation wrapped
/// onto this line); on return, whether this line leaves one open.
fn unquoted(line: &str, open: &mut bool) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = open.then_some('"');
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => out.push(c),
        }
    }
    *open = quote == Some('"');
    out
}

/// `rw-p`, `r-xs`: the permissions column of a `/proc/self/maps` line.
fn is_maps_permissions(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 4
        && matches!(b[0], b'r' | b'-')
        && matches!(b[1], b'w' | b'-')
        && matches!(b[2], b'x' | b'-')
        && matches!(b[3], b'p' | b's')
}

/// The English words of one screen line that no rule lets through.
fn english_words(line: &str, allowed: &BTreeSet<String>, open: &mut bool) -> Vec<String> {
    // A snapshot line is itself quoted: drop those outer quotes first.
    let line = line.trim();
    let line = line
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(line);
    let text = unquoted(line, open);
    let chars: Vec<char> = text.chars().collect();
    let is_word_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word_char(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let word = word.trim_matches('-');
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        // Code: a call, a member, an argument, a path, a constant, a number, a hex value;
        // and the snapshots' own placeholders (`[range]`, `[addr]`).
        let code = matches!(after, Some('(' | '@' | '=' | '[' | '.' | '/' | '*'))
            || (before == Some('[') && after == Some(']'))
            || matches!(before, Some('@' | '=' | '/' | '.' | '&' | '*' | '%' | '<'))
            || word.chars().any(|c| c.is_ascii_digit() || c == '_')
            || (word.len() > 1 && word.chars().all(|c| !c.is_ascii_lowercase()))
            // A /proc/self/maps line: permissions (`rw-p`) and a device (`fe:00`).
            || is_maps_permissions(word)
            || (after == Some(':') && word.chars().all(|c| c.is_ascii_hexdigit()));
        // Cut by an ellipsis, a border or the edge: the start of an allowed word; cut by an
        // overlay's border on its left: the end of one.
        let cut_end = matches!(after, None | Some('…' | '│' | '┐' | '┤' | '┌'));
        let cut_start = matches!(before, Some('│'));
        let known = |w: &str| {
            w.chars().filter(|c| c.is_ascii_alphabetic()).count() < 2
                || allowed.contains(w)
                || (cut_end && w.len() >= 2 && allowed.iter().any(|a| a.starts_with(w)))
                || (cut_start && w.len() >= 2 && allowed.iter().any(|a| a.ends_with(w)))
        };
        let letters = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
        if letters < 2 || code || known(word) || word.split('-').all(known) {
            continue;
        }
        out.push(word.to_string());
    }
    out
}

#[test]
fn chinese_screens_hold_no_english_sentences() {
    let allowed = lab_words();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut found = Vec::new();
    let mut scanned = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.contains("zh") || !name.ends_with(".snap") {
            continue;
        }
        scanned += 1;
        let text = std::fs::read_to_string(&path).expect("a snapshot");
        let mut open = false;
        for (n, line) in body(&text).lines().enumerate() {
            let words = english_words(line, &allowed, &mut open);
            if !words.is_empty() {
                found.push(format!("{name}:{}: {words:?} in {line}", n + 1));
            }
        }
    }
    assert!(scanned > 50, "only {scanned} Chinese snapshots found");
    assert!(
        found.is_empty(),
        "English on the Chinese screen ({} lines):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Half-width punctuation right after a Chinese character (`用时: 4 ms`), outside quotations
/// (the course notes are quoted as written, in “…”).
fn half_width_after_chinese(line: &str) -> Option<String> {
    let mut open = false;
    let text = unquoted(line, &mut open);
    let mut in_quote = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        match c {
            '“' => in_quote = true,
            '”' => in_quote = false,
            ':' | ',' | ';' | '?' | '!'
                if !in_quote
                    && prev.is_some_and(|p| mmap_lab_engine::lesson::is_wide(p) && p != '）') =>
            {
                return Some(format!("{}{c}", prev.unwrap_or(' ')));
            }
            _ => {}
        }
        prev = Some(c);
    }
    None
}

#[test]
fn chinese_sentences_take_full_width_punctuation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.contains("zh") || !name.ends_with(".snap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a snapshot");
        for (n, line) in body(&text).lines().enumerate() {
            if let Some(at) = half_width_after_chinese(line) {
                found.push(format!("{name}:{}: {at:?} in {line}", n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "half-width punctuation in Chinese ({} lines):\n{}",
        found.len(),
        found.join("\n")
    );
    assert_eq!(
        half_width_after_chinese("用时: 4 ms").as_deref(),
        Some("时:")
    );
    assert_eq!(half_width_after_chinese("“会怎样?”笔记"), None);
}

#[test]
fn the_scan_finds_an_english_sentence_and_lets_code_through() {
    let allowed = lab_words();
    assert_eq!(
        english_words(
            "\"✘ EACCES：权限不够（Permission denied）\"",
            &allowed,
            &mut false
        ),
        ["Permission", "denied"]
    );
    assert_eq!(
        english_words(
            "\"  file  regular  (kept here) 文件\"",
            &allowed,
            &mut false
        ),
        ["kept", "here"]
    );
    for code in [
        "\" 4 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7f\"",
        "\"▸ access  write@4096  访问一个字节：read@N 或 write@N\"",
        "\" 5 strcpy(ptr, \"hello, world\")\"",
        "\" ○· munmap-shifted-pointer│ 结果 · MiB/s\"",
        "\" ↑↓ jk 移动  Enter r 运行  L English ⇄ 中文\"",
        "\"权限不够；perror 打印 \"Permission denied\"\"",
    ] {
        assert_eq!(
            english_words(code, &allowed, &mut false),
            Vec::<String>::new(),
            "{code}"
        );
    }
}

#[test]
fn a_quotation_wrapped_onto_the_next_line_stays_quoted() {
    let allowed = lab_words();
    let mut open = false;
    assert!(english_words("\"参数无效；perror 打印 \"Invalid\"", &allowed, &mut open).is_empty());
    assert!(open);
    assert!(english_words("\"  argument\"\"", &allowed, &mut open).is_empty());
    assert!(!open);
    assert_eq!(
        english_words("\"  argument\"", &allowed, &mut open),
        ["argument"]
    );
}
