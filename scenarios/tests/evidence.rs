//! The evidence line of the three scenarios whose answer is a value read back (what the other
//! process read, the text seen through the mapping, the byte after `madvise`): for the
//! defaults and every declared variant, in both languages, the sentence names the very value
//! the record's deciding step read, and there is none when the record stops before that step.
//! (tests/agreement.rs checks every scenario's evidence against every rendering.)

use mmap_lab_engine::engine::{self, Function, StepRecord};
use mmap_lab_engine::evidence::byte;
use mmap_lab_engine::{catalog, prepare, run_scenario, Lang, Outcome, Params, Record};

/// The defaults and every variant of `id`: (label, parameters, record).
fn runs(id: &str) -> Vec<(String, Params, Record)> {
    let page = engine::page_size();
    let s = catalog::find(id).expect("the scenario exists");
    std::iter::once(Vec::new())
        .chain(s.variants.iter().map(|v| v.sets(page)))
        .map(|sets| {
            let params = prepare(s, &sets).expect("declared sets parse");
            let record = run_scenario(s, &params).expect("the experiment runs");
            (format!("{id} {sets:?}"), params, record)
        })
        .collect()
}

/// For each run of `id`: the value `want` reads off the record must be in the evidence, in
/// both languages; cut before its step, the record has no evidence.
fn check(id: &str, want: impl Fn(&Record) -> Option<String>) {
    let s = catalog::find(id).expect("the scenario exists");
    let mut checked = 0;
    for (label, params, record) in runs(id) {
        for lang in [Lang::En, Lang::Zh] {
            let found = s
                .evidence(&record.run, &params, lang)
                .unwrap_or_else(|| panic!("{label} [{}]: no evidence", lang.code()));
            let value = match &record.run.outcome {
                Outcome::Ok => want(&record),
                Outcome::Errno { errno, .. } => Some(mmap_lab_engine::errnos::name(*errno)),
                other => panic!("{label}: unexpected outcome {other:?}"),
            }
            .unwrap_or_else(|| panic!("{label}: the record lacks the value"));
            assert!(
                found.text.contains(&value),
                "{label} [{}]: `{}` does not name the record's {value}",
                lang.code(),
                found.text
            );
            let mut cut = record.run.clone();
            cut.steps.truncate(found.step);
            assert_eq!(
                s.evidence(&cut, &params, lang),
                None,
                "{label} [{}]: cut before step {}, evidence remains",
                lang.code(),
                found.step
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{id}: nothing checked");
}

/// The last step of `function`, of the child or the parent.
fn last(record: &Record, function: Function, child: bool) -> Option<&StepRecord> {
    record
        .run
        .steps
        .iter()
        .rev()
        .find(|s| s.function == function && s.process.is_some() == child && s.purpose.is_none())
}

#[test]
fn private_cow_fork_names_the_byte_the_other_process_read() {
    check("private-cow-fork", |r| {
        let wrote_child = last(r, Function::Store, true).is_some();
        // The reader is the process that did not write (the parent, when the write came
        // before the fork).
        let reader = last(r, Function::Load, !wrote_child)?;
        Some(byte(reader.ret?))
    });
}

#[test]
fn write_vs_mapping_names_the_text_seen_after_the_write() {
    check("write-vs-mapping", |r| {
        Some(last(r, Function::Memcpy, false)?.result.clone())
    });
}

#[test]
fn madvise_dontneed_names_the_byte_read_after_the_advice() {
    check("madvise-dontneed", |r| {
        Some(byte(last(r, Function::Load, false)?.ret?))
    });
}
