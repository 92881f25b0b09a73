//! Helpers shared by the scenario tests: run a scenario with `--set` texts and describe its
//! outcome as the C programs do (`ok`, `errno NAME`, `signal NAME`).

#![allow(dead_code)]

use scenarios::{catalog, errnos, prepare, run_scenario, Outcome, Record};

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
    &'static scenarios::Scenario,
    Vec<String>,
    scenarios::catalog::Expect,
)> {
    let page = scenarios::engine::page_size();
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
