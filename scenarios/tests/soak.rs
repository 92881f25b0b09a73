//! The soak: thousands of random playground parameter sets through the engine,
//! the good and the bad, as a class of students turning knobs would. It reports panics,
//! leaked descriptors, children and zombies left, temporary directories left, and how much
//! the resident memory grew, and fails on any of them (RSS growth is reported, not judged:
//! the allocator's caches are not a leak).
//!
//! Ignored by default (it takes minutes). Run it with
//!
//! ```text
//! cargo test -p mmap-lab-engine --test soak -- --ignored --nocapture
//! MMAP_LAB_SOAK_RUNS=500 MMAP_LAB_SOAK_SEED=42 cargo test -p mmap-lab-engine --test soak -- --ignored --nocapture
//! ```
//!
//! This file is its own test binary with a single test, so no other test's runs are in
//! flight while the counts are taken.

mod common;

use common::{children, lab_dirs, open_fds, strays};
use mmap_lab_engine::params::{KeyKind, PLAYGROUND_KEYS};
use mmap_lab_engine::{bounds, catalog, engine, prepare, run_scenario, Key, Outcome};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// A small generator (xorshift64*): the soak needs variety and a seed to replay, not
/// statistics.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Sizes a student types: around the page, zero, big, too big, negative, not numbers.
/// Sizes the lab writes to disk (`file_size`, `copy_size`) stay small so the soak does not
/// spend its minutes writing files; the bad ones are still there.
fn number(rng: &mut Rng, key: Key, signed: bool, page: u64) -> String {
    let writes = matches!(key, Key::FileSize | Key::CopySize | Key::Window);
    if rng.below(8) == 0 {
        // Refused, or above a cap (1 GiB for what is written to disk).
        let bad = ["abc", "", "4096x", "99999999999999999999999", "2G", "5G"];
        return rng.pick(&bad).to_string();
    }
    let mut texts: Vec<String> = [0, 1, page - 1, page, page + 1, 2 * page, 3 * page + 7]
        .iter()
        .map(u64::to_string)
        .collect();
    texts.extend(["64K", "0x10000", "1M"].map(String::from));
    if !writes {
        texts.extend(["1G", "64G", "0xffffffffffffffff", "0x7fffffffffffffff"].map(String::from));
    }
    if signed {
        texts.extend(["-1", "-4096", "-9223372036854775808"].map(String::from));
    }
    rng.pick(&texts).clone()
}

/// A random value for `key`, from its kind in the knob table, sometimes a bad one.
fn value(rng: &mut Rng, key: Key, page: u64) -> String {
    if rng.below(20) == 0 {
        return rng
            .pick(&["nosuch", "", "\u{1b}[2J", "-", "|", "0x"])
            .to_string();
    }
    match key.kind() {
        KeyKind::Choice(words) => rng.pick(words).to_string(),
        KeyKind::Flags(set) => {
            let n = rng.below(4);
            let mut names: Vec<&str> = (0..n).map(|_| rng.pick(set).name).collect();
            if names.is_empty() {
                names.push("0");
            }
            names.join("|")
        }
        KeyKind::Number { signed } => number(rng, key, signed, page),
        KeyKind::Bool => rng
            .pick(&["true", "false", "true", "false", "yes", "maybe"])
            .to_string(),
        KeyKind::Text => match key {
            Key::Addr => rng
                .pick(&[
                    "NULL",
                    "existing",
                    "0x10000",
                    "0x1",
                    "0x7f0000000000",
                    "0xffffffffffff0000",
                    "zz",
                ])
                .to_string(),
            Key::Access => {
                let at = number(rng, key, false, page);
                format!(
                    "{}@{at}",
                    rng.pick(&["read", "write", "read", "write", "exec"])
                )
            }
            _ => key.knob().off.unwrap_or("none").to_string(),
        },
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[test]
#[ignore = "minutes long: cargo test -p mmap-lab-engine --test soak -- --ignored --nocapture"]
fn ten_thousand_random_playground_runs_leave_nothing() {
    let runs: usize = std::env::var("MMAP_LAB_SOAK_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = std::env::var("MMAP_LAB_SOAK_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    // A private TMPDIR (this binary has one test: nothing else reads the environment).
    let private = tempfile::tempdir().expect("a private TMPDIR");
    std::env::set_var("TMPDIR", private.path());
    let tmp = std::env::temp_dir();
    let page = engine::page_size();
    let playground = catalog::find("playground").expect("playground");
    // What a MAP_POPULATE or MAP_LOCKED run may take: well under the CLI's 1 GiB, so that
    // thousands of runs take minutes, not the machine.
    let limit = 64 << 20;
    let mut rng = Rng(seed);
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut panics = Vec::new();
    let (fds, dirs) = (open_fds(), lab_dirs(&tmp));
    let started = Instant::now();
    // RSS after the first run, then every tenth of the soak: growth that goes on is a leak,
    // growth that levels off is the allocator's caches.
    let mut rss = Vec::new();
    for i in 0..runs {
        if i == 1 || (i > 0 && i % (runs / 10).max(1) == 0) {
            rss.push((i, rss_kib()));
        }
        let sets: Vec<String> = (0..rng.below(7))
            .map(|_| {
                let key = *rng.pick(&PLAYGROUND_KEYS);
                format!("{}={}", key.name(), value(&mut rng, key, page))
            })
            .collect();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let params = match prepare(playground, &sets) {
                Ok(p) => p,
                Err(_) => return "refused: bad --set".to_string(),
            };
            if bounds::check(playground, &params, limit).is_some() {
                return "refused: too large".to_string();
            }
            match run_scenario(playground, &params) {
                Ok(r) => match r.run.outcome {
                    Outcome::Ok => "ok".to_string(),
                    Outcome::Errno { errno, .. } => {
                        format!("errno {}", mmap_lab_engine::errnos::name(errno))
                    }
                    Outcome::Signal { signal, .. } => format!("signal {signal}"),
                    Outcome::Timeout { .. } => "timeout".to_string(),
                    Outcome::Clobbered { .. } => "clobbered".to_string(),
                },
                Err(e) => format!("engine error: {e}"),
            }
        }));
        match result {
            Ok(kind) => *tally.entry(kind).or_default() += 1,
            Err(_) => panics.push(sets),
        }
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib();
    let (fds_end, dirs_end, kids, stray) = (open_fds(), lab_dirs(&tmp), children(), strays());
    eprintln!(
        "soak: {runs} runs, seed {seed}, {:.1} s",
        elapsed.as_secs_f64()
    );
    for (kind, n) in &tally {
        eprintln!("  {n:6}  {kind}");
    }
    eprintln!(
        "  panics {}; descriptors {fds} -> {fds_end}; temp dirs left {}; children/zombies {}; \
         orphans {}; RSS (KiB) after n runs: {rss:?}, at the end {rss_end}",
        panics.len(),
        dirs_end.len() - dirs.len().min(dirs_end.len()),
        kids.len(),
        stray.len()
    );
    assert!(panics.is_empty(), "panics with (seed {seed}): {panics:?}");
    assert_eq!(fds_end, fds, "descriptors leaked");
    assert_eq!(dirs_end, dirs, "temporary directories left");
    assert!(kids.is_empty(), "children or zombies left: {kids:?}");
    assert!(stray.is_empty(), "orphans left: {stray:?}");
}
