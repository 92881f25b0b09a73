//! The page state in the record (`steps[].pages`), against an independent reader: a plain C
//! program (`tests/fixtures/page_bits.c`, compiled once) makes the same calls as the lab's
//! experiment and reads its own `/proc/self/pagemap` after each. Every bit must be the same
//! (the frame numbers differ run to run; where they are visible, which steps share a frame must
//! be the same). Then the same runs as `nobody`: the same bits, every frame `null`, and
//! `environment.pfn_visible: false` with its reason. Skipped, with the reason, without `cc`.

use serde_json::Value;
use std::process::Command;

mod cc_support;
mod nobody_support;

/// The fixture's cases, with the lab's run of the same calls.
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "first-touch",
        "playground",
        &["flags=MAP_SHARED", "access=write@0"],
    ),
    (
        "populate",
        "playground",
        &["flags=MAP_SHARED|MAP_POPULATE", "access=read@0"],
    ),
    (
        "private-write",
        "playground",
        &["flags=MAP_PRIVATE", "access=write@0"],
    ),
    ("dontneed", "madvise-dontneed", &[]),
    (
        "zero-read",
        "playground",
        &[
            "file=anonymous",
            "flags=MAP_PRIVATE|MAP_ANONYMOUS",
            "access=read@0",
        ],
    ),
    ("fork-before", "private-cow-fork", &["writer=before-fork"]),
    ("fork-child", "private-cow-fork", &["writer=child"]),
];

/// One line of the fixture: the step's function, the process (`-`: the only one), the five
/// bits (present, swapped, file, exclusive, soft-dirty), the frame number and whether
/// `PAGEMAP_SCAN` calls the page the zero page (`None`: the kernel refused the ioctl).
#[derive(Debug)]
struct Line {
    function: String,
    process: String,
    bits: [bool; 5],
    pfn: u64,
    zero: Option<bool>,
}

fn parse(out: &str) -> Vec<Line> {
    out.lines()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(w.len(), 9, "{l}");
            let bit = |i: usize| w[i] == "1";
            Line {
                function: w[0].to_string(),
                process: w[1].to_string(),
                bits: [bit(2), bit(3), bit(4), bit(5), bit(6)],
                pfn: u64::from_str_radix(w[7], 16).unwrap(),
                zero: match w[8] {
                    "-" => None,
                    z => Some(z == "1"),
                },
            }
        })
        .collect()
}

fn lab(bin: &std::path::Path, id: &str, sets: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_remove("MMAP_LAB_WITNESS")
        .env_remove("MMAP_LAB_PAGES")
        .env("LANG", "C.UTF-8")
        .args(["run", id, "--json"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd
}

fn json(out: std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The record's state of page 0 for the fixture's line: the step of that function run by
/// that process (the fork step for `fork`: it holds both processes' pages), the first one
/// with pages (a guard reservation's `mmap` has none).
fn lab_page<'r>(record: &'r Value, line: &Line) -> &'r Value {
    let child = line.process == "child";
    let steps = record["steps"].as_array().unwrap();
    let of_process = |p: &Value| match line.process.as_str() {
        "-" => p.get("process").is_none(),
        other => p["process"] == other,
    };
    steps
        .iter()
        .filter(|s| s["function"] == line.function.as_str())
        .filter(|s| line.function == "fork" || (s["process"] == "child") == child)
        .find_map(|s| {
            s["pages"]
                .as_array()?
                .iter()
                .find(|p| p["page"] == 0 && of_process(p))
        })
        .unwrap_or_else(|| panic!("{line:?}: no page 0 in {record}"))
}

/// Whether this test runs as root (uid 0, from `/proc/self/status`).
fn root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        .unwrap_or(false)
}

fn bits(page: &Value) -> [bool; 5] {
    ["present", "swapped", "file", "exclusive", "soft_dirty"].map(|k| page[k].as_bool().unwrap())
}

/// Compare one lab record with the fixture's lines of the same case.
fn agree(case: &str, record: &Value, lines: &[Line]) {
    assert_eq!(record["witness"], "on", "{case}: {record}");
    let pages: Vec<&Value> = lines.iter().map(|l| lab_page(record, l)).collect();
    for (line, page) in lines.iter().zip(&pages) {
        assert_eq!(
            bits(page),
            line.bits,
            "{case}: {} {}: the lab {page}, plain C {line:?}",
            line.function,
            line.process
        );
        assert_eq!(
            page["zero_page"].as_bool(),
            line.zero,
            "{case}: {} {}: the zero page, the lab {page}, plain C {line:?}",
            line.function,
            line.process
        );
    }
    let visible = record["environment"]["pfn_visible"] == true;
    if !visible {
        assert_eq!(
            record["environment"]["pfn_reason"], "frame numbers read as 0 without CAP_SYS_ADMIN",
            "{case}"
        );
        assert!(pages.iter().all(|p| p["pfn"].is_null()), "{case}: {record}");
        return;
    }
    // Which present pages share a frame: the same in both.
    for i in 0..lines.len() {
        for j in 0..lines.len() {
            if !(lines[i].bits[0] && lines[j].bits[0]) {
                continue;
            }
            let (a, b) = (pages[i]["pfn"].as_u64(), pages[j]["pfn"].as_u64());
            assert!(a.is_some() && b.is_some(), "{case}: {record}");
            assert_eq!(
                a == b,
                lines[i].pfn == lines[j].pfn,
                "{case}: {lines:?} against {record}"
            );
        }
    }
}

#[test]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
#[cfg_attr(
    all(is_root, not(has_setpriv)),
    ignore = "root without setpriv cannot run the lab as nobody"
)]
fn the_records_page_bits_are_those_an_independent_reader_sees() {
    let dir = tempfile::tempdir().unwrap();
    let exe = cc_support::compile_fixture("page_bits", dir.path());
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mmap-lab"));
    let mut expected = Vec::new();
    for (case, id, sets) in CASES {
        let out = Command::new(&exe)
            .arg(case)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{case}: {out:?}");
        let lines = parse(&String::from_utf8_lossy(&out.stdout));
        let record = json(lab(bin, id, sets).output().unwrap());
        agree(case, &record, &lines);
        expected.push(lines);
    }
    // Both halves of the fork case, from the lab's own record as root: one frame for both
    // processes after the fork, the child's own after its write (copy on write, seen).
    if root() {
        let fork = json(
            lab(bin, "private-cow-fork", &["writer=before-fork"])
                .output()
                .unwrap(),
        );
        assert_eq!(fork["environment"]["pfn_visible"], true, "{fork}");
        let fork_step = fork["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["function"] == "fork")
            .unwrap();
        let frames: Vec<&Value> = fork_step["pages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["page"] == 0)
            .map(|p| &p["pfn"])
            .collect();
        assert_eq!(frames.len(), 2, "{fork_step}");
        assert!(frames[0].is_u64() && frames[0] == frames[1], "{fork_step}");
    }

    // As nobody: every bit the same, no frame number, and the record says why.
    // As a normal user, the runs above were already the unprivileged ones.
    if !root() {
        return;
    }
    let setpriv = nobody_support::program("setpriv").expect("setpriv (probed by build.rs)");
    let (home, copy) = nobody_support::copy_for_anyone(bin);
    for ((case, id, sets), lines) in CASES.iter().zip(&expected) {
        let out = nobody_support::output_once_not_busy(|| {
            let mut run = Command::new(&setpriv);
            run.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(&copy)
                .args(lab(&copy, id, sets).get_args())
                .env_remove("MMAP_LAB_PAGES")
                .env("LANG", "C.UTF-8")
                .env("TMPDIR", home.path());
            run
        });
        let record = json(out);
        assert_eq!(
            record["environment"]["pfn_visible"], false,
            "{case}: {record}"
        );
        agree(case, &record, lines);
    }
}

/// From the fork on, every step shows both processes' pages as they were at that moment,
/// while both live: the child's store leaves the parent's page table alone (`·` beside the
/// child's `A`), a page both map after the fork is nobody's alone (and, as root, one frame),
/// and once the child is gone the parent's page is its own again.
#[test]
fn every_step_after_the_fork_shows_both_processes_pages() {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mmap-lab"));
    let page0 = |step: &Value, who: &str| -> Option<Value> {
        step["pages"]
            .as_array()?
            .iter()
            .find(|p| p["page"] == 0 && p["process"] == who)
            .cloned()
    };
    let steps = |record: &Value| record["steps"].as_array().unwrap().clone();
    let first = |steps: &[Value], function: &str, process: &str| -> Value {
        steps
            .iter()
            // A step's `process` is absent for the parent's.
            .find(|s| {
                let by = s["process"].as_str().unwrap_or("parent");
                s["function"] == function && by == process
            })
            .unwrap_or_else(|| panic!("no {function} by the {process} in {} steps", steps.len()))
            .clone()
    };

    let record = json(lab(bin, "private-cow-fork", &[]).output().unwrap());
    let all = steps(&record);
    let store = first(&all, "store", "child");
    let child = page0(&store, "child").expect("the child's own page at its store");
    let parent = page0(&store, "parent").expect("the parent's page beside it");
    assert_eq!(
        (
            child["present"].clone(),
            child["exclusive"].clone(),
            child["file"].clone()
        ),
        (Value::Bool(true), Value::Bool(true), Value::Bool(false)),
        "{store}"
    );
    assert_eq!(
        parent["present"], false,
        "the child's store is not the parent's: {store}"
    );
    // The parent's own steps after the child has exited and been reaped: its pages alone.
    let wait = first(&all, "waitpid", "parent");
    assert!(
        page0(&wait, "parent").is_some() && page0(&wait, "child").is_none(),
        "{wait}"
    );

    let record = json(
        lab(bin, "private-cow-fork", &["writer=before-fork"])
            .output()
            .unwrap(),
    );
    let all = steps(&record);
    let load = first(&all, "load", "child");
    let (child, parent) = (
        page0(&load, "child").unwrap(),
        page0(&load, "parent").unwrap(),
    );
    for p in [&child, &parent] {
        assert_eq!(p["present"], true, "{load}");
        assert_eq!(p["exclusive"], false, "both map it: {load}");
    }
    if record["environment"]["pfn_visible"] == true {
        assert!(
            child["pfn"].is_u64() && child["pfn"] == parent["pfn"],
            "{load}"
        );
    }
    let wait = first(&all, "waitpid", "parent");
    assert_eq!(page0(&wait, "parent").unwrap()["exclusive"], true, "{wait}");
}
