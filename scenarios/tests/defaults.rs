//! Every scenario's default run reproduces its lesson, and the registry is complete: ids,
//! lessons in both languages with every section, parameters that round-trip. The outcomes
//! come from the catalogue: each scenario's defaults and variants against what it declares;
//! the tests below them check what an outcome alone cannot (maps lines, the file, the copy).

mod common;

use common::{describe, dump, run};
use mmap_lab_engine::{catalog, engine, prepare, run_scenario, Key, Lang};

/// Every scenario's defaults and every variant it declares, run: the kernel's answer must be
/// the declared one. All of them run before the test fails, so the message lists every
/// disagreement at once.
#[test]
fn every_default_and_variant_gives_its_declared_outcome() {
    let page = engine::page_size();
    let mut failures = Vec::new();
    let mut runs = 0;
    for s in catalog::all() {
        let defaults = (None, s.expect);
        let variants = s.variants.iter().map(|v| (Some(v), v.expect));
        for (variant, want) in std::iter::once(defaults).chain(variants) {
            let sets = variant.map(|v| v.sets(page)).unwrap_or_default();
            let label = variant.map_or_else(
                || format!("mmap-lab run {} (defaults)", s.id),
                |v| v.command(s.id, page),
            );
            let record = match prepare(s, &sets) {
                Ok(params) => run_scenario(s, &params).unwrap_or_else(|e| panic!("{label}: {e}")),
                Err(e) => {
                    failures.push(format!("{label}: refused: {e}"));
                    continue;
                }
            };
            runs += 1;
            if !want.matches(&record.run.outcome) {
                failures.push(format!(
                    "{label}: declared {want}, the kernel says {}\n{}",
                    describe(&record),
                    dump(&record)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} runs disagree with the catalogue:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn expect(id: &str, sets: &[&str], want: &str) -> mmap_lab_engine::Record {
    let record = run(id, sets);
    assert_eq!(describe(&record), want, "{id} {sets:?}\n{}", dump(&record));
    record
}

#[test]
fn munmap_shifted_pointer_by_one_byte_is_einval_by_a_page_unmaps_the_wrong_range() {
    expect("munmap-shifted-pointer", &[], "errno EINVAL from munmap");
    let page = engine::page_size();
    let shift = format!("munmap_shift={page}");
    let r = expect("munmap-shifted-pointer", &[&shift], "ok");
    // After the shifted munmap the first page of the mapping is still mapped: its line is in
    // the maps captured after munmap, starting at the mapping's own address.
    let addr = r.run.mapping_addr.expect("mmap succeeded");
    let after = r
        .run
        .maps
        .iter()
        .find(|m| m.after == "munmap")
        .expect("maps after munmap");
    let start = format!("{addr:x}-");
    assert!(
        after.lines.iter().any(|l| l.starts_with(&start)),
        "first page should survive: {:?}",
        after.lines
    );
    let end = format!("{:x}-{:x} ", addr, addr + page);
    assert!(
        after.lines.iter().any(|l| l.starts_with(&end)),
        "only one page of the two should be left: {:?}",
        after.lines
    );
    // With the right pointer the mapping is gone.
    let r = expect("munmap-shifted-pointer", &["munmap_shift=0"], "ok");
    let after = r
        .run
        .maps
        .iter()
        .find(|m| m.after == "munmap")
        .expect("maps");
    assert!(!after
        .lines
        .iter()
        .any(|l| l.starts_with(&format!("{:x}-", r.run.mapping_addr.unwrap_or(0)))));
}

#[test]
fn rdonly_prot_write_fails_shared_and_copies_on_write_private() {
    expect("rdonly-prot-write", &[], "errno EACCES from mmap");
    let r = expect("rdonly-prot-write", &["flags=MAP_PRIVATE"], "ok");
    let check = r.run.file_check.expect("the file was read back");
    assert!(
        !check.reached_file,
        "MAP_PRIVATE must not change the file: {check:?}"
    );
    assert_eq!(check.written, b'*');
    assert_eq!(check.in_file, b'A');
    expect("rdonly-prot-write", &["open=O_RDWR"], "ok");
    expect(
        "rdonly-prot-write",
        &["prot=PROT_READ", "access=read@0"],
        "ok",
    );
    // PROT_WRITE alone: no failure with a readable and writable descriptor, and on x86_64 the
    // read goes through (the page tables cannot say write-only) and sees the file's byte.
    let r = expect(
        "rdonly-prot-write",
        &["open=O_RDWR", "prot=PROT_WRITE", "access=read@0"],
        "ok",
    );
    if cfg!(target_arch = "x86_64") {
        assert_eq!(last_load(&r), Some(i64::from(b'A')), "{}", dump(&r));
    }
    expect(
        "rdonly-prot-write",
        &["open=O_WRONLY", "prot=PROT_WRITE"],
        "errno EACCES from mmap",
    );
}

#[test]
fn unaligned_offset_is_einval_and_page_multiples_work() {
    let r = expect("unaligned-offset", &[], "errno EINVAL from mmap");
    assert_eq!(r.params["offset"], 1000);
    let page = engine::page_size();
    expect("unaligned-offset", &[&format!("offset={page}")], "ok");
    expect("unaligned-offset", &[&format!("offset={}", 3 * page)], "ok");
    expect(
        "unaligned-offset",
        &[&format!("offset=-{page}")],
        "errno EOVERFLOW from mmap",
    );
}

#[test]
fn zero_length_is_einval_for_files_and_anonymous_mappings() {
    expect("zero-length", &[], "errno EINVAL from mmap");
    expect("zero-length", &["file=anonymous"], "errno EINVAL from mmap");
    expect("zero-length", &["length=1"], "ok");
}

#[test]
fn empty_new_file_maps_then_dies_with_sigbus_until_grown() {
    let r = expect("empty-new-file", &[], "signal SIGBUS at store");
    assert!(r.run.mapping_addr.is_some(), "mmap itself succeeds");
    expect("empty-new-file", &["grow=ftruncate"], "ok");
    expect("empty-new-file", &["grow=lseek-write"], "ok");
    expect("empty-new-file", &["length=0"], "errno EINVAL from mmap");
    expect("empty-new-file", &["access=none"], "ok");
}

#[test]
fn close_after_mmap_keeps_the_mapping_and_writes_reach_the_file() {
    let r = expect("close-after-mmap", &[], "ok");
    assert!(r
        .run
        .steps
        .iter()
        .any(|s| s.function == "close" && s.result == "0"));
    assert!(r.run.file_check.expect("read back").reached_file);
    let r = expect("close-after-mmap", &["flags=MAP_PRIVATE"], "ok");
    assert!(!r.run.file_check.expect("read back").reached_file);
}

#[test]
fn out_of_bounds_has_three_zones() {
    let page = engine::page_size();
    expect("out-of-bounds", &[], "signal SIGSEGV at store");
    expect("out-of-bounds", &["access=write@200"], "ok");
    expect(
        "out-of-bounds",
        &[&format!("access=read@{}", page - 1)],
        "ok",
    );
    expect(
        "out-of-bounds",
        &[
            &format!("length={}", 2 * page),
            &format!("access=write@{page}"),
        ],
        "signal SIGBUS at store",
    );
    expect(
        "out-of-bounds",
        &[
            &format!("length={}", 2 * page),
            &format!("access=read@{}", 2 * page),
        ],
        "signal SIGSEGV at load",
    );
}

#[test]
fn mmap_copy_is_identical_and_measures_three_methods() {
    let r = expect("mmap-copy", &["copy_size=3M", "window=1M"], "ok");
    assert_eq!(r.run.copy_identical, Some(true));
    let tp = r.run.throughput.expect("three throughputs");
    assert!(
        tp.mmap > 0.0 && tp.read_write > 0.0 && tp.copy_file_range > 0.0,
        "{tp:?}"
    );
    // An odd size that is not a multiple of the window or the page still copies exactly.
    let r = expect("mmap-copy", &["copy_size=1000001", "window=64K"], "ok");
    assert_eq!(r.run.copy_identical, Some(true));
}

#[test]
fn mmap_copy_runs_each_method_copy_runs_times_and_reports_the_median() {
    for runs in [1usize, 4, 7] {
        let r = expect(
            "mmap-copy",
            &["copy_size=2M", "window=1M", &format!("copy_runs={runs}")],
            "ok",
        );
        assert_eq!(r.run.copy_identical, Some(true));
        let tp = r.run.throughput.expect("three medians");
        let per_run = r.run.throughput_runs.as_ref().expect("every run's figure");
        let medians = [
            tp.mmap,
            tp.read_write,
            tp.copy_file_range,
            tp.mmap_write.expect("the fourth method"),
        ];
        for (median, figures) in medians.into_iter().zip(per_run.methods()) {
            // One timed run per run asked for: the child reported each one.
            assert_eq!(figures.len(), runs, "{per_run:?}");
            let (min, max) = mmap_lab_engine::engine::spread(figures).expect("runs");
            assert!(min > 0.0, "{figures:?}");
            assert!(
                min <= median && median <= max,
                "median {median} outside {min}..={max}"
            );
        }
        // The copy is one step each, folded: the runs are in the step, not beside it.
        let copies: Vec<_> = r.run.steps.iter().filter(|s| s.nanos.is_some()).collect();
        assert_eq!(copies.len(), 4, "{copies:?}");
        for step in copies {
            assert!(step.call.ends_with(&format!("×{runs}")), "{}", step.call);
            let expected = if runs > 1 { runs } else { 0 };
            assert_eq!(step.run_nanos.len(), expected, "{step:?}");
        }
    }
}

/// Each run of each copy says what it cost: the mmap copy's page faults (the destination's
/// pages faulted in writable, the source's mapped) are the kernel's count and never zero; the
/// `read`/`write` copy, whose buffer is written before the first run, takes next to none. The
/// system calls are the loops' own: six per window for the mmap copy, a `read` and a `write`
/// per buffer for the other.
#[test]
fn mmap_copy_counts_each_runs_faults_and_system_calls() {
    let r = expect(
        "mmap-copy",
        &["copy_size=4M", "window=1M", "copy_runs=3"],
        "ok",
    );
    let costs = r.run.cost_runs.as_ref().expect("every run's cost");
    for runs in costs.methods() {
        assert_eq!(runs.len(), 3, "{costs:?}");
    }
    for ((mmap, rw), mw) in costs
        .mmap
        .iter()
        .zip(&costs.read_write)
        .zip(&costs.mmap_write)
    {
        assert!(mmap.minor_faults > 0, "{costs:?}");
        assert!(mmap.minor_faults > rw.minor_faults, "{costs:?}");
        // The same source mapped, the destination not: the difference is the destination's.
        assert!(mmap.minor_faults > mw.minor_faults, "{costs:?}");
        assert_eq!(mmap.syscalls, 4 * 6, "{costs:?}");
        assert_eq!(rw.syscalls, 4 + 4, "{costs:?}");
        // mmap, madvise, one write (a regular file takes it whole), munmap per window.
        assert_eq!(mw.syscalls, 4 * 4, "{costs:?}");
    }
    // After the first, cold run: nothing left to fault in for read/write.
    for rw in mmap_lab_engine::engine::warm(&costs.read_write) {
        assert!(rw.minor_faults <= 2, "{costs:?}");
    }
    for c in &costs.copy_file_range {
        assert!(c.syscalls >= 1, "{costs:?}");
    }
}

#[test]
fn anonymous_ipc_shared_is_seen_private_is_not() {
    let r = expect("anonymous-ipc", &[], "ok");
    assert_eq!(r.run.child_read.as_deref(), Some("hello, world"));
    let r = expect("anonymous-ipc", &["flags=MAP_PRIVATE|MAP_ANONYMOUS"], "ok");
    assert_eq!(r.run.child_read.as_deref(), Some(""));
}

#[test]
fn a_repeated_run_says_which_run_starts_before_each() {
    let scenario = mmap_lab_engine::catalog::find("anonymous-ipc").unwrap();
    let mut params = (scenario.defaults)(engine::page_size());
    params
        .set(mmap_lab_engine::params::Key::Repeat, "5")
        .unwrap();
    let mut told = Vec::new();
    let record = mmap_lab_engine::run_scenario_counted(scenario, &params, None, &mut |n, of| {
        told.push((n, of))
    })
    .expect("the experiment runs");
    assert_eq!(told, [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]);
    assert_eq!(record.run.tally.expect("a tally").runs.len(), 5);
    // A single run has nothing to count.
    let single = (scenario.defaults)(engine::page_size());
    let mut told = Vec::new();
    mmap_lab_engine::run_scenario_counted(scenario, &single, None, &mut |n, of| told.push((n, of)))
        .expect("the experiment runs");
    assert!(told.is_empty(), "{told:?}");
}

#[test]
fn anonymous_ipc_repeated_counts_every_run_and_the_pipe_orders_them_all() {
    // One run keeps the record as it always was: no tally.
    assert!(expect("anonymous-ipc", &[], "ok").run.tally.is_none());
    let r = expect("anonymous-ipc", &["repeat=20"], "ok");
    let t = r.run.tally.expect("a repeated run has a tally");
    assert_eq!(t.runs.len(), 20, "{t:?}");
    assert_eq!(t.saw_text, 20, "the pipe orders every run: {t:?}");
    assert!(t.sentence(Lang::En).contains("in 20 of 20 runs"), "{t:?}");
    // The race: whatever the scheduler did, every run is counted once, and a child read what
    // the page held at that instant: nothing, part of the parent's text, or all of it.
    for sync in ["sync=none", "sync=sleep"] {
        let r = expect("anonymous-ipc", &[sync, "repeat=30"], "ok");
        let t = r.run.tally.expect("a repeated run has a tally");
        assert_eq!(t.runs.len(), 30, "{t:?}");
        let saw = t
            .runs
            .iter()
            .filter(|x| x.child_read.as_deref() == Some(t.text.as_str()))
            .count();
        assert_eq!(saw, t.saw_text as usize, "{t:?}");
        for run in &t.runs {
            assert_eq!(run.outcome, engine::Outcome::Ok, "{run:?}");
            let read = run.child_read.as_deref().expect("each child read");
            assert!(
                t.text.starts_with(read),
                "{read:?} is not part of {:?}",
                t.text
            );
        }
        // The lab's tracer would hand the race to the parent: a race runs untraced.
        assert!(r.run.witness.starts_with("off"), "{}", r.run.witness);
    }
}

/// The raw value of the run's last one-byte load: what the memory held at the end.
fn last_load(r: &mmap_lab_engine::Record) -> Option<i64> {
    r.run
        .steps
        .iter()
        .rev()
        .find(|s| s.function == "load")
        .and_then(|s| s.ret)
}

/// The raw value returned by the run's call of `function`.
fn ret_of(r: &mmap_lab_engine::Record, function: &str) -> Option<i64> {
    r.run
        .steps
        .iter()
        .find(|s| s.function == function)
        .and_then(|s| s.ret)
}

#[test]
fn msync_puts_the_byte_in_the_file_and_a_private_mapping_has_nothing_to_write() {
    let r = expect("msync-flags", &[], "ok");
    assert!(r.run.file_check.expect("read back").reached_file);
    assert_eq!(ret_of(&r, "msync"), Some(0));
    let r = expect("msync-flags", &["flags=MAP_PRIVATE"], "ok");
    assert!(!r.run.file_check.expect("read back").reached_file);
}

#[test]
fn mprotect_upgrade_is_refused_shared_and_copies_on_write_private() {
    expect("mprotect-upgrade", &[], "errno EACCES from mprotect");
    let r = expect("mprotect-upgrade", &["flags=MAP_PRIVATE"], "ok");
    let check = r.run.file_check.expect("read back");
    assert!(!check.reached_file, "{check:?}");
    assert_eq!(check.in_file, b'A');
    let r = expect("mprotect-upgrade", &["open=O_RDWR"], "ok");
    assert!(r.run.file_check.expect("read back").reached_file);
}

#[test]
fn mremap_cannot_grow_into_its_neighbour_moves_with_maymove_and_grows_into_room() {
    let page = engine::page_size();
    let r = expect("mremap-grow", &[], "errno ENOMEM from mremap");
    // The two mappings are side by side, as the plan arranged.
    let addr = r.run.mapping_addr.expect("mapped");
    let lines = &r.run.maps.first().expect("maps after mmap").lines;
    let mapping = format!("{:x}-{:x} rw-p", addr, addr + page);
    let neighbour = format!("{:x}-{:x} r--p", addr + page, addr + 2 * page);
    assert!(
        lines.iter().any(|l| l.starts_with(&mapping))
            && lines.iter().any(|l| l.starts_with(&neighbour)),
        "{lines:?}"
    );
    // Moved: another address, and the byte written before the move is there.
    let r = expect("mremap-grow", &["mremap_flags=MREMAP_MAYMOVE"], "ok");
    let moved = ret_of(&r, "mremap").expect("mremap returned");
    assert_ne!(moved as u64, r.run.mapping_addr.expect("mapped"));
    assert_eq!(last_load(&r), Some(i64::from(b'*')));
    // That read was of the mapping, where mremap put it: no warning of a stray read.
    let read = r.run.steps.last().expect("the read");
    let what: Vec<_> = read.touched.iter().map(|t| t.what).collect();
    assert_eq!(
        what,
        [mmap_lab_engine::engine::regions::Region::Mapping],
        "{read:?}"
    );
    assert!(
        r.run
            .touched_sentences(mmap_lab_engine::Lang::En)
            .is_empty(),
        "{:?}",
        r.run.touched_sentences(mmap_lab_engine::Lang::En)
    );
    // `none` makes no mremap call at all.
    let r = expect("mremap-grow", &["mremap_flags=none"], "ok");
    assert_eq!(ret_of(&r, "mremap"), None, "{:?}", r.run.steps);
    expect(
        "mremap-grow",
        &["mremap_flags=MREMAP_MAYMOVE", "touch_old=true"],
        "signal SIGSEGV at load",
    );
    // With the next page free it grows where it is.
    let r = expect("mremap-grow", &["neighbour=false"], "ok");
    let grown = ret_of(&r, "mremap").expect("mremap returned");
    assert_eq!(grown as u64, r.run.mapping_addr.expect("mapped"));
    // MREMAP_DONTUNMAP leaves the old range mapped and empty.
    let r = expect(
        "mremap-grow",
        &[
            "mremap_flags=MREMAP_MAYMOVE|MREMAP_DONTUNMAP",
            &format!("new_length={page}"),
            "touch_old=true",
        ],
        "ok",
    );
    assert_eq!(last_load(&r), Some(0));
}

#[test]
fn madvise_dontneed_zeroes_private_anonymous_memory_and_rereads_files() {
    let r = expect("madvise-dontneed", &[], "ok");
    assert_eq!(last_load(&r), Some(0), "private anonymous: zeros");
    let r = expect(
        "madvise-dontneed",
        &["file=regular", "flags=MAP_SHARED"],
        "ok",
    );
    assert_eq!(
        last_load(&r),
        Some(i64::from(b'*')),
        "the page cache kept the write"
    );
    let r = expect(
        "madvise-dontneed",
        &["file=regular", "flags=MAP_PRIVATE"],
        "ok",
    );
    assert_eq!(last_load(&r), Some(i64::from(b'A')), "the file's own byte");
    let r = expect(
        "madvise-dontneed",
        &["file=regular", "flags=MAP_SHARED", "advice=MADV_REMOVE"],
        "ok",
    );
    assert_eq!(last_load(&r), Some(0), "a hole punched in the file");
}

#[test]
fn playground_defaults_map_and_unmap() {
    let r = expect("playground", &[], "ok");
    assert!(r
        .run
        .steps
        .iter()
        .any(|s| s.function == "munmap" && s.result == "0"));
}

#[test]
fn every_scenario_is_registered_with_both_lessons_and_working_defaults() {
    let all = catalog::all();
    assert_eq!(all.len(), catalog::file_ids().len());
    for (file_id, id) in catalog::file_ids() {
        assert_eq!(file_id, id, "catalog file name and id must agree");
    }
    let mut orders: Vec<u32> = all.iter().map(|s| s.order()).collect();
    orders.dedup();
    assert_eq!(
        orders.len(),
        all.len(),
        "lesson order positions must be unique"
    );
    let headings = [
        (
            Lang::En,
            [
                "The question",
                "The rule",
                "Where the kernel decides",
                "What this experiment shows",
                "Man page",
                "Try next",
            ],
        ),
        (
            Lang::Zh,
            [
                "问题",
                "规则",
                "内核在哪里做决定",
                "实验展示了什么",
                "手册",
                "接下来试试",
            ],
        ),
    ];
    let page = engine::page_size();
    for s in &all {
        for (lang, want) in &headings {
            let lesson = s.lesson(*lang);
            assert!(!lesson.title.is_empty(), "{} {lang:?}: title", s.id);
            assert!(!lesson.rule.is_empty(), "{} {lang:?}: rule", s.id);
            let got: Vec<&str> = lesson.sections.iter().map(|(h, _)| h.as_str()).collect();
            assert_eq!(got, want, "{} {lang:?}: sections", s.id);
            assert!(
                lesson.sections.iter().all(|(_, b)| !b.is_empty()),
                "{} {lang:?}",
                s.id
            );
            if *lang == Lang::Zh {
                assert!(
                    lesson.title.chars().any(mmap_lab_engine::lesson::is_wide),
                    "{}",
                    s.id
                );
            }
        }
        // Every shown parameter prints a value that parses back to the same value.
        let defaults = (s.defaults)(page);
        for key in Key::ALL {
            let mut p = defaults.clone();
            p.set(key, &defaults.get(key))
                .unwrap_or_else(|e| panic!("{} {key}: {e}", s.id));
            for k in Key::ALL {
                assert_eq!(p.get(k), defaults.get(k), "{} {key} round trip", s.id);
            }
        }
        let plan = (s.build)(&defaults, page);
        assert!(plan.steps.len() <= engine::plan::MAX_STEPS, "{}", s.id);
    }
}

#[test]
fn page_size_comes_from_the_kernel() {
    let r = run("playground", &[]);
    let expected = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .expect("sysconf answers") as u64;
    assert_eq!(r.run.page_size, expected);
    assert_eq!(
        r.params["length"], expected,
        "playground maps one page by default"
    );
}

/// The warnings a run carries are exactly the ones its scenario declares: every case whose plan
/// has an mmap given an address (where a `MAP_FIXED`, the only step that can warn today, may
/// replace something), and every case that declares a warning, is run, and its warnings
/// compared with the declaration.
#[test]
fn every_declared_warning_and_no_other() {
    use mmap_lab_engine::engine::{MapOp, Op, Val};
    use mmap_lab_engine::variant::Expect;
    let page = engine::page_size();
    let mut failures = Vec::new();
    let mut runs = 0;
    for s in catalog::all() {
        let defaults = (None, s.expect);
        let variants = s.variants.iter().map(|v| (Some(v), v.expect));
        for (variant, want) in std::iter::once(defaults).chain(variants) {
            let sets = variant.map(|v| v.sets(page)).unwrap_or_default();
            let Ok(params) = prepare(s, &sets) else {
                continue;
            };
            let plan = (s.build)(&params, page);
            // An mmap given an address (a hint, MAP_FIXED or MAP_FIXED_NOREPLACE).
            let fixed = plan.steps.iter().any(
                |st| matches!(st.op, Op::Map(MapOp::Mmap { addr, .. }) if addr != Val::Lit(0)),
            );
            if !fixed && !matches!(want, Expect::OkWarned(_)) {
                continue;
            }
            let label =
                variant.map_or_else(|| format!("{} (defaults)", s.id), |v| v.command(s.id, page));
            let record = run_scenario(s, &params).unwrap_or_else(|e| panic!("{label}: {e}"));
            runs += 1;
            if !want.matches_run(&record.run) {
                failures.push(format!(
                    "{label}: declared {want}, the run has {} with warnings {:?}",
                    describe(&record),
                    record.run.warnings
                ));
            }
        }
    }
    assert!(runs >= 8, "only {runs} runs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The results of the steps calling `function`, in order (`None` for a step a signal ended).
fn results(record: &mmap_lab_engine::Record, function: &str) -> Vec<Option<i64>> {
    record
        .run
        .steps
        .iter()
        .filter(|s| s.function == function)
        .map(|s| s.ret)
        .collect()
}

/// The maps captured after the step calling `after`, the last such capture.
fn maps_after<'r>(record: &'r mmap_lab_engine::Record, after: &str) -> &'r [String] {
    &record
        .run
        .maps
        .iter()
        .rev()
        .find(|m| m.after == after)
        .unwrap_or_else(|| panic!("no maps after {after}: {:?}", record.run.maps))
        .lines
}

#[test]
fn truncate_after_mmap_keeps_the_mapping_and_sigbus_past_the_new_end() {
    let page = engine::page_size();
    let r = expect("truncate-after-mmap", &[], "signal SIGBUS at load");
    // Another process truncated: the ftruncate ran in the forked child, and succeeded.
    let cut = r
        .run
        .steps
        .iter()
        .find(|s| s.function == "ftruncate")
        .expect("an ftruncate step");
    assert_eq!(
        (cut.process.as_deref(), cut.ret),
        (Some("child"), Some(0)),
        "{}",
        dump(&r)
    );
    // The mapping is still there, both pages, still the file's.
    let addr = r.run.mapping_addr.expect("mmap succeeded");
    let line = format!("{:x}-{:x} ", addr, addr + 2 * page);
    assert!(
        maps_after(&r, "waitpid")
            .iter()
            .any(|l| l.starts_with(&line) && l.ends_with("/data")),
        "{:?}",
        r.run.maps
    );
    let r = expect(
        "truncate-after-mmap",
        &[&format!("access=read@{}", page - 1)],
        "ok",
    );
    let want = mmap_lab_engine::engine::plan::pattern_byte(page - 1) as i64;
    assert_eq!(results(&r, "load"), [Some(want)], "the file's own byte");
    // Grown back: the page is there again, but its data is gone.
    let r = expect("truncate-after-mmap", &["grow_back=true"], "ok");
    assert_eq!(results(&r, "ftruncate"), [Some(0), Some(0)]);
    assert_eq!(results(&r, "load"), [Some(0)]);
    // The tail of the page the new end falls in was zeroed.
    let r = expect(
        "truncate-after-mmap",
        &["truncate_to=100", "access=read@200"],
        "ok",
    );
    assert_eq!(results(&r, "load"), [Some(0)]);
    expect(
        "truncate-after-mmap",
        &["truncate_to=0", "access=read@0"],
        "signal SIGBUS at load",
    );
    expect(
        "truncate-after-mmap",
        &["flags=MAP_PRIVATE"],
        "signal SIGBUS at load",
    );
    let r = expect("truncate-after-mmap", &["truncate_to=none"], "ok");
    assert!(results(&r, "ftruncate").is_empty(), "nobody truncates");
}

#[test]
fn map_fixed_clobber_replaces_silently_noreplace_refuses_a_hint_moves() {
    use mmap_lab_engine::engine::WarningKind;
    let page = engine::page_size();
    let r = expect("map-fixed-clobber", &[], "ok");
    let maps = results(&r, "mmap");
    let old = maps[0].expect("the old mapping");
    assert_eq!(maps[1], Some(old), "MAP_FIXED returns exactly addr");
    // The old mapping's byte before (the file's A), the new memory's after.
    assert_eq!(results(&r, "load"), [Some(b'A' as i64), Some(0)]);
    let at = format!("{old:x}-{:x} ", old as u64 + page);
    let line = |after: &[String]| after.iter().find(|l| l.starts_with(&at)).cloned();
    let [before, after] = &r.run.maps[..] else {
        panic!("maps before and after: {:?}", r.run.maps)
    };
    let before = line(&before.lines).expect("a line at the address before");
    assert!(before.ends_with("/data"), "{before}");
    let after = line(&after.lines).expect("a line at the address after");
    assert!(!after.contains("/data"), "{after}");
    // The warning, from that evidence.
    let [w] = r.run.warnings.as_slice() else {
        panic!("one warning: {:?}", r.run.warnings)
    };
    assert_eq!(w.kind, WarningKind::MapFixedReplaced);
    assert_eq!((w.addr, w.bytes), (old as u64, page));
    assert_eq!(w.replaced.as_deref(), Some("data"));
    assert!(r.run.steps[w.step].call.contains("MAP_FIXED"), "{w:?}");
    // In JSON it is outcome.warnings, and it reads back.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["outcome"]["kind"], "ok");
    assert_eq!(json["outcome"]["warnings"][0]["kind"], "map-fixed-replaced");
    assert!(json["outcome"]["warnings"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("MAP_FIXED")));
    let back: mmap_lab_engine::Record = serde_json::from_value(json).unwrap();
    assert_eq!(back.run.warnings, r.run.warnings);

    let r = expect(
        "map-fixed-clobber",
        &["flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE"],
        "errno EEXIST from mmap",
    );
    assert!(r.run.warnings.is_empty());
    assert_eq!(results(&r, "load"), [Some(b'A' as i64)]);
    expect(
        "map-fixed-clobber",
        &["flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_FIXED_NOREPLACE"],
        "errno EEXIST from mmap",
    );
    // Only a hint: another address, and the old byte survives.
    let r = expect(
        "map-fixed-clobber",
        &["flags=MAP_PRIVATE|MAP_ANONYMOUS"],
        "ok",
    );
    let maps = results(&r, "mmap");
    assert_ne!(maps[1], maps[0], "a hint that is taken moves the mapping");
    assert_eq!(results(&r, "load"), [Some(b'A' as i64), Some(b'A' as i64)]);
    assert!(r.run.warnings.is_empty());
    let r = expect(
        "map-fixed-clobber",
        &[&format!("length={}", 2 * page)],
        "ok",
    );
    assert_eq!(r.run.warnings.first().map(|w| w.bytes), Some(2 * page));
}

#[test]
fn private_cow_fork_each_process_keeps_its_writes() {
    let (a, star) = (Some(b'A' as i64), Some(b'*' as i64));
    /// The bytes the child and the parent read, and whether the file got the write.
    type Seen = ([Option<i64>; 2], bool);
    let cases: [(&[&str], Seen); 6] = [
        (&[], ([star, a], false)),
        (&["flags=MAP_SHARED"], ([star, star], true)),
        (&["writer=before-fork"], ([star, star], false)),
        (&["writer=parent"], ([a, star], false)),
        (&["writer=parent", "flags=MAP_SHARED"], ([star, star], true)),
        (
            &["writer=before-fork", "flags=MAP_SHARED"],
            ([star, star], true),
        ),
    ];
    for (sets, (loads, reached)) in cases {
        let r = expect("private-cow-fork", sets, "ok");
        assert_eq!(results(&r, "store").len(), 1, "{sets:?}\n{}", dump(&r));
        let child: Vec<_> = r
            .run
            .steps
            .iter()
            .filter(|s| s.function == "load" && s.process.is_some())
            .map(|s| s.ret)
            .collect();
        let parent: Vec<_> = r
            .run
            .steps
            .iter()
            .filter(|s| s.function == "load" && s.process.is_none())
            .map(|s| s.ret)
            .collect();
        assert_eq!(
            [child, parent],
            [vec![loads[0]], vec![loads[1]]],
            "{sets:?}"
        );
        let check = r.run.file_check.expect("the file read back");
        assert_eq!(check.reached_file, reached, "{sets:?}: {check:?}");
    }
}

#[test]
fn write_vs_mapping_shared_sees_the_write_private_until_stored() {
    for (sets, texts) in [
        (&[][..], &["\"NEW\""][..]),
        (&["flags=MAP_PRIVATE"], &["\"NEW\""]),
        (
            &["flags=MAP_PRIVATE", "order=store-write-read"],
            &["\"*BC\""],
        ),
        (
            &["flags=MAP_PRIVATE", "order=read-write-read"],
            &["\"ABC\"", "\"NEW\""],
        ),
        (&["order=store-write-read"], &["\"NEW\""]),
    ] {
        let r = expect("write-vs-mapping", sets, "ok");
        assert_eq!(results(&r, "write"), [Some(3)], "{sets:?}");
        let read: Vec<&str> = r
            .run
            .steps
            .iter()
            .filter(|s| s.function == "memcpy")
            .map(|s| s.result.as_str())
            .collect();
        assert_eq!(read, texts, "{sets:?}\n{}", dump(&r));
        assert_eq!(
            r.run.child_read, None,
            "the process's own read is no child's"
        );
    }
}
