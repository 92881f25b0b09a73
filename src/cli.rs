//! The plain subcommands: `list`, `run`, `run --all`, `explain`, `c`. Every action of the lab
//! is available here without a terminal, for scripts, tests and notes.
//!
//! Exit codes (DESIGN.md): 0 whenever the experiment ran, whatever it answered; 2 for a usage
//! error or a bad `--set`; 1 when the lab itself failed.

use crate::report;
use crate::strings::{self, t, S};
use scenarios::{catalog, engine, Lang, Scenario};
use std::process::ExitCode;

/// Exit code for usage errors and bad `--set` values.
pub const USAGE: u8 = 2;

/// Find a scenario or explain which ones exist.
pub fn scenario(id: &str, lang: Lang) -> Result<&'static Scenario, ExitCode> {
    catalog::find(id).ok_or_else(|| {
        let known: Vec<&str> = catalog::all().iter().map(|s| s.id).collect();
        eprintln!(
            "mmap-lab: {} `{id}`; {}: {}",
            t(S::UnknownScenario, lang),
            t(S::KnownScenarios, lang),
            known.join(", ")
        );
        ExitCode::from(USAGE)
    })
}

/// The scenario's parameters with the `--set`s applied, or a usage error.
fn params(scenario: &Scenario, sets: &[String], lang: Lang) -> Result<scenarios::Params, ExitCode> {
    scenarios::prepare(scenario, sets).map_err(|err| {
        eprintln!(
            "mmap-lab: {}: {}",
            t(S::BadSet, lang),
            strings::param_error(&err, lang)
        );
        ExitCode::from(USAGE)
    })
}

/// `mmap-lab list`.
pub fn list(json: bool, lang: Lang) -> ExitCode {
    let all = catalog::all();
    if json {
        let items: Vec<serde_json::Value> = all
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id,
                    "title": s.title(lang),
                    "topic": s.topic,
                    "keys": s.keys.iter().map(|k| k.name()).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(items));
    } else {
        for s in all {
            println!("{:>2}  {:<24} {}", s.order(), s.id, s.title(lang));
        }
    }
    ExitCode::SUCCESS
}

/// `mmap-lab run ID`.
pub fn run_one(id: &str, sets: &[String], json: bool, lang: Lang) -> ExitCode {
    let scenario = match scenario(id, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let params = match params(scenario, sets, lang) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match scenarios::run_scenario(scenario, &params) {
        Ok(record) => {
            if json {
                println!("{}", to_json(&record));
            } else {
                print!("{}", report::record_text(scenario, &params, &record, lang));
            }
            ExitCode::SUCCESS
        }
        Err(err) => internal(&err, lang),
    }
}

/// `mmap-lab run --all`.
pub fn run_all(json: bool, lang: Lang) -> ExitCode {
    let mut records = Vec::new();
    for scenario in catalog::all() {
        let params = (scenario.defaults)(engine::page_size());
        match scenarios::run_scenario(scenario, &params) {
            Ok(record) => {
                if !json {
                    print!("{}", report::record_text(scenario, &params, &record, lang));
                    println!("{}", "─".repeat(60));
                }
                records.push(record);
            }
            Err(err) => return internal(&err, lang),
        }
    }
    if json {
        match serde_json::to_string(&records) {
            Ok(text) => println!("{text}"),
            Err(err) => return internal(&err, lang),
        }
    }
    ExitCode::SUCCESS
}

/// `mmap-lab explain ID`.
pub fn explain(id: &str, lang: Lang) -> ExitCode {
    match scenario(id, lang) {
        Ok(s) => {
            print!("{}", s.lesson(lang).text);
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// `mmap-lab c ID`.
pub fn c_program(id: &str, sets: &[String], lang: Lang) -> ExitCode {
    let scenario = match scenario(id, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let params = match params(scenario, sets, lang) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let page = engine::page_size();
    let plan = (scenario.build)(&params, page);
    let line = if sets.is_empty() {
        String::new()
    } else {
        sets.iter()
            .map(|s| format!("--set {s}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    print!(
        "{}",
        scenarios::cprog::program(scenario.id, &line, &plan, page, lang)
    );
    ExitCode::SUCCESS
}

fn to_json(record: &scenarios::Record) -> String {
    serde_json::to_string(record).unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}

fn internal(err: &dyn std::fmt::Display, lang: Lang) -> ExitCode {
    eprintln!("mmap-lab: {}: {err}", t(S::InternalError, lang));
    ExitCode::FAILURE
}
