//! Helpers shared by the scenario tests: run a scenario with `--set` texts and describe its
//! outcome as the C programs do (`ok`, `errno NAME`, `signal NAME`).

#![allow(dead_code)]

use mmap_lab_engine::{catalog, errnos, prepare, run_scenario, Outcome, Record};

/// Run scenario `id` with these `KEY=VALUE` texts.
pub fn run(id: &str, sets: &[&str]) -> Record {
    let scenario = catalog::find(id).unwrap_or_else(|| panic!("no scenario {id}"));
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params = prepare(scenario, &sets).unwrap_or_else(|e| panic!("{id} {sets:?}: {e}"));
    run_scenario(scenario, &params).unwrap_or_else(|e| panic!("{id} {sets:?}: {e}"))
}

/// `ok`, `errno EINVAL from mmap`, `signal SIGBUS at <call>`, `timeout`.
pub fn describe(record: &Record) -> String {
    match &record.run.outcome {
        Outcome::Ok => "ok".to_string(),
        Outcome::Errno { call, errno } => format!("errno {} from {call}", errnos::name(*errno)),
        Outcome::Signal { signal, step, .. } => {
            let function = &record.run.steps[*step].function;
            format!("signal {signal} at {function}")
        }
        Outcome::Timeout { .. } => "timeout".to_string(),
        Outcome::Clobbered { step, .. } => {
            let function = &record.run.steps[*step].function;
            format!("clobbered at {function}")
        }
    }
}

/// The record's steps, one per line, for failure messages.
pub fn dump(record: &Record) -> String {
    record
        .run
        .steps
        .iter()
        .map(|s| format!("{} = {} {:?} {:?}", s.call, s.result, s.errno, s.signal))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every scenario's defaults and every variant it declares: `(label, scenario, --set texts,
/// the declared outcome)`, with page-sized values for this kernel.
pub fn catalogue_cases() -> Vec<(
    String,
    &'static mmap_lab_engine::Scenario,
    Vec<String>,
    mmap_lab_engine::catalog::Expect,
)> {
    let page = mmap_lab_engine::engine::page_size();
    let mut out = Vec::new();
    for s in catalog::all() {
        out.push((
            format!("mmap-lab run {} (defaults)", s.id),
            s,
            Vec::new(),
            s.expect,
        ));
        for v in s.variants {
            out.push((v.command(s.id, page), s, v.sets(page), v.expect));
        }
    }
    out
}

// What runs may leave behind (the leak test and the soak count them).

/// How many descriptors this process has open.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// The `mmap-lab-*` entries in `tmp`.
pub fn lab_dirs(tmp: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("mmap-lab-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Our children, zombies included: the pids listed as children of this process's threads.
pub fn children() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(text.split_whitespace().map(str::to_string));
            }
        }
    }
    out
}

/// Processes running this test binary besides this one: experiments' forked children
/// that outlived their parent would show here (they are re-parented, so `children()`
/// cannot see them). They may take a moment to finish exiting: poll for up to 2 s.
pub fn strays() -> Vec<String> {
    let me = std::fs::read_link("/proc/self/exe").ok();
    let own = std::process::id().to_string();
    let mut left = Vec::new();
    for _ in 0..40 {
        left = std::fs::read_dir("/proc")
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && *n != own)
                    .filter(|n| {
                        let stat =
                            std::fs::read_to_string(format!("/proc/{n}/stat")).unwrap_or_default();
                        let zombie = stat
                            .rsplit(')')
                            .next()
                            .is_some_and(|r| r.trim_start().starts_with('Z'));
                        !zombie && std::fs::read_link(format!("/proc/{n}/exe")).ok() == me
                    })
                    .collect()
            })
            .unwrap_or_default();
        if left.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    left
}
