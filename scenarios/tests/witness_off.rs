//! With the witness forced off (`MMAP_LAB_WITNESS=off`), every scenario's defaults and
//! variants still give their declared outcomes: the witness observes, it never decides.
//! One test in its own binary, because it sets the environment for the whole process.

mod common;

use common::{catalogue_cases, describe};

#[test]
fn outcomes_are_the_same_without_the_witness() {
    std::env::set_var("MMAP_LAB_WITNESS", "off");
    let mut failures = Vec::new();
    for (label, s, sets, want) in catalogue_cases() {
        let Ok(params) = mmap_lab_engine::prepare(s, &sets) else {
            continue;
        };
        // The work beside the run is done once without the witness's thread too.
        let done = std::sync::atomic::AtomicU32::new(0);
        let job = Box::new(|| {
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        let record = mmap_lab_engine::run_scenario_beside(s, &params, None, Some(job)).unwrap();
        assert_eq!(done.into_inner(), 1, "{label}");
        assert_eq!(record.run.witness, "off: MMAP_LAB_WITNESS=off", "{label}");
        assert_eq!(
            record.run.witness_off,
            Some(mmap_lab_engine::engine::WitnessOff::Disabled),
            "{label}"
        );
        assert!(
            record.run.steps.iter().all(|st| st.syscalls.is_none()),
            "{label}"
        );
        if !want.matches(&record.run.outcome) {
            failures.push(format!(
                "{label}: declared {want}, got {}",
                describe(&record)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
