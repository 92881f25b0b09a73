//! The witness seen from outside, through the real binary: page faults per step (demand
//! paging, `MAP_POPULATE`), and the system calls it records against what `strace` sees of the
//! same experiment (ignored, with the reason, where strace is absent).

use serde_json::Value;
use std::process::Command;

fn lab() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmap-lab"));
    cmd.env_remove("MMAP_LAB_WITNESS").env("LANG", "C.UTF-8");
    cmd
}

fn run(id: &str, sets: &[String]) -> Value {
    let mut cmd = lab();
    cmd.args(["run", id, "--json"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn faults(record: &Value, function: &str) -> u64 {
    let step = record["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["function"] == function)
        .unwrap_or_else(|| panic!("{function}: {record}"));
    step["faults"]["minor"].as_u64().unwrap() + step["faults"]["major"].as_u64().unwrap()
}

#[test]
fn page_faults_are_counted_per_step() {
    // The fewest faults of three runs: alone, the counts are the same run after run, but
    // under load (other tests running beside this one) a stray fault can land on any step;
    // noise only ever adds one.
    let fewest = |sets: &[&str], function: &str| {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        (0..3)
            .map(|_| faults(&run("playground", &sets), function))
            .min()
            .unwrap()
    };
    // mmap itself touches no page; the first access faults one in.
    assert_eq!(fewest(&["access=read@0"], "mmap"), 0);
    assert!(fewest(&["access=read@0"], "load") >= 1);
    // MAP_POPULATE faults the pages in during mmap: the touch then costs none.
    let populate = ["access=read@0", "flags=MAP_SHARED|MAP_POPULATE"];
    assert!(fewest(&populate, "mmap") >= 1);
    assert_eq!(fewest(&populate, "load"), 0);
}

/// The faults of step `function` in the forked child of a run of `id`.
fn child_faults(record: &Value, function: &str) -> u64 {
    let step = record["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["function"] == function && s["process"] == "child")
        .unwrap_or_else(|| panic!("{function} in the child: {record}"));
    step["faults"]["minor"].as_u64().unwrap() + step["faults"]["major"].as_u64().unwrap()
}

/// After a fork, the lab's own copy-on-write faults (its stack, its buffers, its code that
/// `fork` left unmapped) are not the experiment's: a touch counts what it counts in a plain C
/// program (`tests/fixtures/fork_touch.c`, measured the same way, with `getrusage` around the
/// one statement). The fewest of three runs on both sides, as above: noise only adds.
#[test]
#[cfg_attr(not(has_cc), ignore = "no C compiler (cc) on this machine")]
fn a_touch_after_a_fork_counts_one_fault() {
    let dir = tempfile::tempdir().unwrap();
    let exe = cc_support::compile_fixture("fork_touch", dir.path());
    let mut plain = std::collections::BTreeMap::<String, u64>::new();
    for _ in 0..3 {
        let out = Command::new(&exe).current_dir(dir.path()).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let (what, n) = line.split_once(' ').unwrap();
            let n: u64 = n.parse().unwrap();
            let e = plain.entry(what.to_string()).or_insert(n);
            *e = (*e).min(n);
        }
    }
    let fewest = |id: &str, sets: &[&str], function: &str| {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        (0..3)
            .map(|_| child_faults(&run(id, &sets), function))
            .min()
            .unwrap()
    };
    let lab = [
        (
            "store",
            fewest("private-cow-fork", &["writer=child"], "store"),
        ),
        ("read", fewest("anonymous-ipc", &[], "read")),
        ("memcpy", fewest("anonymous-ipc", &[], "memcpy")),
    ];
    for (what, n) in lab {
        assert_eq!(
            Some(&n),
            plain.get(what),
            "{what}: the lab {n}, plain C {plain:?}"
        );
    }
    // One store to a fresh copy-on-write page: one fault, in C as in the lab.
    assert_eq!(lab[0].1, 1);
}

/// Reading the page state at every stop adds no fault to the experiment: `pagemap` walks
/// the page tables, `smaps` counts, `mincore` asks about the lab's own mapping; none of them
/// touches the child's memory. Each step's faults, fewest of three runs, are the same with
/// the reading off (`MMAP_LAB_PAGES=off`) and on, and the runs with it on do carry pages.
/// A read that faulted a page in for the child (`process_vm_readv`, `/proc/PID/mem`) would
/// make the child's own touch count 0 here.
#[test]
fn reading_the_pages_adds_no_fault() {
    let cases: &[(&str, &[&str])] = &[
        ("private-cow-fork", &["writer=before-fork"]),
        ("private-cow-fork", &["writer=child"]),
        ("anonymous-ipc", &[]),
        ("madvise-dontneed", &[]),
        ("playground", &["flags=MAP_PRIVATE", "access=write@0"]),
        (
            "playground",
            &["flags=MAP_SHARED|MAP_POPULATE", "access=read@0"],
        ),
    ];
    for (id, sets) in cases {
        let per_step = |pages: &str| {
            let mut fewest: Vec<u64> = Vec::new();
            for _ in 0..3 {
                let mut cmd = lab();
                cmd.env("MMAP_LAB_PAGES", pages).args(["run", id, "--json"]);
                for s in *sets {
                    cmd.args(["--set", s]);
                }
                let out = cmd.output().expect("runs");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let record: Value = serde_json::from_slice(&out.stdout).expect("JSON");
                let read = record["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s.get("pages").is_some());
                assert_eq!(read, pages != "off", "{id} {sets:?} MMAP_LAB_PAGES={pages}");
                // The fork step's own count (what `fork()` costs the caller: 1 or 2 here,
                // with or without the reading) depends on which process runs first after
                // it; it is left out.
                let counts: Vec<u64> = record["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| s["function"] != "fork")
                    .map(|s| {
                        s["faults"]["minor"].as_u64().unwrap_or(0)
                            + s["faults"]["major"].as_u64().unwrap_or(0)
                    })
                    .collect();
                if fewest.is_empty() {
                    fewest = counts;
                } else {
                    assert_eq!(fewest.len(), counts.len(), "{id} {sets:?}");
                    for (f, c) in fewest.iter_mut().zip(counts) {
                        *f = (*f).min(c);
                    }
                }
            }
            fewest
        };
        assert_eq!(per_step("off"), per_step("all"), "{id} {sets:?}");
    }
}

mod cc_support;
mod strace_support;

use strace_support::Call;

/// The experiment's calls in one process's `strace` output (one file of `strace -ff`): the
/// calls of each plan step (the step is the one the process's last flight-recorder `Begin`
/// report named: kind 1, the step in bytes 4..8), leaving out the recorder's own writes, the
/// steps the witness does not trace or keeps as the lab's bookkeeping (`skip`), and the final
/// `exit_group`. `None` when the process is not an experiment process.
fn experiment_calls(out: &str, skip: &[usize]) -> Option<Vec<Call>> {
    let mut step: Option<usize> = None;
    let mut calls = Vec::new();
    for line in out.lines() {
        if let Some(data) = line.strip_prefix("write(1000, \"") {
            let bytes: Vec<u8> = data
                .split("\\x")
                .skip(1)
                .take(8)
                .filter_map(|b| b.get(..2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                .collect();
            if bytes.len() == 8 && bytes[..4] == [1, 0, 0, 0] {
                step = Some(u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize);
            }
            continue;
        }
        let Some(at) = step else { continue };
        if skip.contains(&at) || line.starts_with("+++") || line.starts_with("---") {
            continue;
        }
        let Some(call) = strace_support::call(line) else {
            continue;
        };
        if call.0 == "exit_group" {
            continue;
        }
        calls.push(call);
    }
    step.map(|_| calls)
}

#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn the_witness_sees_what_strace_sees() {
    let names = mmap_lab_engine::engine::witness::names()
        .collect::<Vec<_>>()
        .join(",");
    let page = mmap_lab_engine::engine::page_size();
    let mut cases: Vec<(&str, Vec<String>)> = Vec::new();
    for s in mmap_lab_engine::catalog::all() {
        // mmap-copy's timed loops are not traced by design (and it copies 64 MiB a run).
        if s.id == "mmap-copy" {
            continue;
        }
        cases.push((s.id, Vec::new()));
        cases.extend(s.variants.iter().map(|v| (s.id, v.sets(page))));
    }
    let mut compared = 0;
    for (id, sets) in &cases {
        let id = *id;
        let witnessed = run(id, sets);
        let scenario = mmap_lab_engine::catalog::find(id).unwrap();
        let params = mmap_lab_engine::prepare(scenario, sets).unwrap();
        let plan = (scenario.build)(&params, page);
        // A plan that races two processes runs without the witness on purpose (its stops
        // would decide the race): nothing witnessed to compare.
        if plan.untraced {
            assert_ne!(witnessed["witness"], "on", "{id} {sets:?}");
            continue;
        }
        let skip: Vec<usize> = (0..plan.steps.len())
            .filter(|&i| {
                let maps = matches!(
                    plan.steps[i].op,
                    mmap_lab_engine::engine::Op::Map(mmap_lab_engine::engine::MapOp::Maps)
                );
                maps || !mmap_lab_engine::engine::witness::traces(&plan, i)
            })
            .collect();
        // strace can trace here, so the witness can too: off would be a failure.
        assert_eq!(witnessed["witness"], "on", "{id} {sets:?}");
        // The witness's calls, per process: the experiment's, and its forked child's.
        let mut ours: [Vec<Call>; 2] = Default::default();
        for st in witnessed["steps"].as_array().unwrap() {
            let side = usize::from(st["process"] == "child");
            for c in st["syscalls"].as_array().into_iter().flatten() {
                let name = c["name"].as_str().unwrap().to_string();
                if name != "exit_group" {
                    ours[side].push((name, c["errno"].as_str().map(str::to_string)));
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("trace");
        let out = Command::new("strace")
            .args(["-ff", "-qq", "-xx", "-s", "16", "-e"])
            .arg(format!("trace={names}"))
            .arg("-o")
            .arg(&prefix)
            .arg(env!("CARGO_BIN_EXE_mmap-lab"))
            .args(["run", id, "--json"])
            .args(sets.iter().flat_map(|s| ["--set", s.as_str()]))
            .env("LANG", "C.UTF-8")
            .output()
            .expect("strace runs");
        assert!(out.status.success(), "{id} {sets:?}");
        let files = strace_support::traces_by_pid(dir.path());
        let theirs: Vec<Vec<Call>> = files
            .iter()
            .filter_map(|(_, text)| experiment_calls(text, &skip))
            .collect();
        let theirs_main = theirs.first().cloned().unwrap_or_default();
        let theirs_child = theirs.get(1).cloned().unwrap_or_default();
        assert_eq!(
            ours[0], theirs_main,
            "{id} {sets:?}: the experiment's process"
        );
        assert_eq!(ours[1], theirs_child, "{id} {sets:?}: its forked child");
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} runs compared");
}

/// The maps captures are the lab's calls, and the witness's filter knows them by their marks
/// (`witness::LAB_CALLS`): opened with `O_NOCTTY`, moved to descriptor 1001, read and closed
/// there. Checked from outside, with strace: if the capture lost a mark, the filter would stop
/// the experiment for the lab's own bookkeeping again.
#[test]
#[cfg_attr(
    not(has_strace),
    ignore = "cannot trace here (no strace, or ptrace refused)"
)]
fn the_maps_captures_carry_the_marks_the_filter_lets_by() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("trace");
    // One file per process (-ff), so that no call is split between two lines.
    let status = Command::new("strace")
        .args(["-ff", "-qq", "-e", "trace=openat,dup3,read,close", "-o"])
        .arg(&prefix)
        .arg(env!("CARGO_BIN_EXE_mmap-lab"))
        .args(["run", "out-of-bounds", "--json"])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("strace runs");
    assert!(status.success());
    let marked = |l: &&str| l.contains("\"/proc/self/maps\"") && l.contains("O_NOCTTY");
    let (_, text) = strace_support::traces_by_pid(dir.path())
        .into_iter()
        .find(|(_, t)| t.lines().any(|l| marked(&l)))
        .expect("a process opened the maps with the lab's mark");
    let lines: Vec<&str> = text.lines().collect();
    let open = lines.iter().position(marked).unwrap();
    let fd = lines[open].rsplit(" = ").next().unwrap().trim();
    let after: Vec<&str> = lines[open + 1..].iter().copied().take(4).collect();
    assert!(
        after[0].starts_with(&format!("dup3({fd}, 1001")),
        "{after:?}"
    );
    assert!(after[1].starts_with("read(1001, "), "{after:?}");
    assert!(
        after.iter().any(|l| l.starts_with("close(1001)")),
        "{after:?}"
    );
}
