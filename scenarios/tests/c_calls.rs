//! The C program of `mmap-lab c` prints, for every step, the very call the lab records for it:
//! same function, same arguments, same shape. For a set of scenarios the engine runs the plan
//! and the C program runs too; each process's lines of calls are compared, in order, with the
//! run's steps. Only what the kernel picks anew each time (addresses, pids) is masked.

use mmap_lab_engine::engine::{self, Plan};
use mmap_lab_engine::{catalog, cprog, prepare, Lang};
use std::process::Command;

/// Addresses and pids: the kernel's choice, different in each process.
fn mask(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let hex = rest[at + 2..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .count();
        // Short hex numbers are the plan's own (a written byte such as 0x2a), not addresses.
        if hex >= 5 {
            out.push_str("0x?");
        } else {
            out.push_str(&rest[at..at + 2 + hex]);
        }
        rest = &rest[at + 2 + hex..];
    }
    out.push_str(rest);
    match out.split_once("waitpid(") {
        Some((head, tail)) => {
            let digits = tail.chars().take_while(char::is_ascii_digit).count();
            format!("{head}waitpid(?{}", &tail[digits..])
        }
        None => out,
    }
}

/// The program's lines that print a step's call: `[child]` lines for the forked child, the
/// others for the experiment's process. Indented lines (maps, speeds, the pages after a step),
/// the text read and the outcome are not calls.
fn call_lines(stdout: &str) -> (Vec<String>, Vec<String>) {
    let (mut parent, mut child) = (Vec::new(), Vec::new());
    for line in stdout.lines() {
        if line.starts_with("    ")
            || line.starts_with("  pages after step ")
            || line.starts_with("outcome: ")
            || line.starts_with("note: ")
            || line.contains(" read: \"")
        {
            continue;
        }
        match line.strip_prefix("[child] ") {
            Some(rest) => child.push(mask(rest)),
            None => parent.push(mask(line)),
        }
    }
    (parent, child)
}

#[test]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn the_c_program_prints_the_calls_the_lab_records() {
    let page = engine::page_size();
    let cases: &[(&str, &[&str])] = &[
        ("munmap-shifted-pointer", &[]),
        ("rdonly-prot-write", &[]),
        ("unaligned-offset", &[]),
        ("zero-length", &[]),
        ("empty-new-file", &[]),
        ("empty-new-file", &["grow=lseek-write"]),
        ("empty-new-file", &["grow=ftruncate"]),
        ("close-after-mmap", &[]),
        ("out-of-bounds", &[]),
        ("mmap-copy", &["copy_size=1M"]),
        ("anonymous-ipc", &[]),
        ("playground", &[]),
        ("playground", &["exhaust_map_count=true"]),
        ("playground", &["file=sealed-memfd", "prot=PROT_READ"]),
        ("playground", &["file=pipe", "prot=PROT_READ"]),
        ("playground", &["rlimit_as=1G", "mprotect=PROT_READ"]),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (id, sets) in cases {
        let scenario = catalog::find(id).expect("scenario exists");
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let params = prepare(scenario, &sets).expect("valid sets");
        let plan: Plan = (scenario.build)(&params, page);
        let run = engine::run(&plan).expect("the engine runs");
        let src = dir.path().join("prog.c");
        let bin = dir.path().join("prog");
        std::fs::write(&src, cprog::program(id, "", &plan, page, Lang::En)).expect("write");
        let cc = Command::new("cc")
            .args(["-Wall", "-Wextra", "-Werror", "-o"])
            .arg(&bin)
            .arg(&src)
            .output()
            .expect("cc runs");
        assert!(cc.status.success(), "{id} {sets:?}: does not compile");
        let out = Command::new(&bin)
            .env("TMPDIR", dir.path())
            .output()
            .expect("the program runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let (parent, child) = call_lines(&stdout);
        let recorded = |in_child: bool| -> Vec<String> {
            run.steps
                .iter()
                .filter(|s| s.process.is_some() == in_child)
                .map(|s| mask(&s.call))
                .collect()
        };
        for (printed, recorded) in [(parent, recorded(false)), (child, recorded(true))] {
            assert_eq!(printed.len(), recorded.len(), "{id} {sets:?}:\n{stdout}");
            for (line, call) in printed.iter().zip(&recorded) {
                let rest = line.strip_prefix(call.as_str());
                assert!(
                    rest.is_some_and(|r| r.starts_with(" = ") || r.starts_with("  ")),
                    "{id} {sets:?}: the program prints `{line}`, the lab records `{call}`"
                );
            }
        }
    }
}
