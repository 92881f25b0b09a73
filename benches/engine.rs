//! Speed of the engine, child process included (`cargo bench --bench engine`).
//!
//! - one experiment per scenario: the target is a median of at most 2 ms; the same with the
//!   witness off, for what the witness costs; with and without the page state, for what
//!   reading it costs;
//! - every scenario but mmap-copy's big file, one after another: under 100 ms;
//! - mmap-copy on 256 MiB (printed before divan's table): the mmap copy's time against
//!   `copy_file_range` on the same file in the same run (target: at most 1.3x), and the peak
//!   resident memory of the lab's process and of the experiment's child (target: under 64 MiB).
//!   Set `MMAP_LAB_BENCH_COPY=0` to skip it.

use mmap_lab_engine::engine::Function;
use mmap_lab_engine::{catalog, engine, prepare, run_scenario};

fn main() {
    if std::env::var("MMAP_LAB_BENCH_COPY").as_deref() != Ok("0") {
        copy_256m();
    }
    divan::main();
}

#[divan::bench(args = ["unaligned-offset", "empty-new-file", "out-of-bounds", "close-after-mmap", "anonymous-ipc", "msync-flags", "mremap-grow", "madvise-dontneed", "playground"])]
fn one_experiment(bencher: divan::Bencher, id: &str) {
    let scenario = catalog::find(id).expect("scenario exists");
    let params = (scenario.defaults)(engine::page_size());
    bencher.bench(|| run_scenario(scenario, &params).expect("runs"));
}

/// The same experiments with the witness off (`MMAP_LAB_WITNESS=off`): the difference is what
/// the witness costs a run (the tracer thread, the stops at each traced call).
#[divan::bench(args = ["unaligned-offset", "out-of-bounds", "anonymous-ipc", "msync-flags"])]
fn one_experiment_without_the_witness(bencher: divan::Bencher, id: &str) {
    let scenario = catalog::find(id).expect("scenario exists");
    let params = (scenario.defaults)(engine::page_size());
    // The benchmarks run one after another on this thread: nothing else reads the variable.
    std::env::set_var("MMAP_LAB_WITNESS", "off");
    bencher.bench(|| run_scenario(scenario, &params).expect("runs"));
    std::env::remove_var("MMAP_LAB_WITNESS");
}

/// What reading the page state at every stop costs a run (`pagemap` through kept
/// descriptors, `mincore` on the lab's own mapping of the file, `smaps` after steps on the
/// mapping): the same experiments with it (the default) and without (`MMAP_LAB_PAGES=off`).
#[divan::bench(args = ["private-cow-fork", "anonymous-ipc", "madvise-dontneed", "empty-new-file", "mremap-grow", "playground"])]
fn one_experiment_with_pages(bencher: divan::Bencher, id: &str) {
    let scenario = catalog::find(id).expect("scenario exists");
    let params = (scenario.defaults)(engine::page_size());
    // The benchmarks run one after another on this thread: nothing else reads the variable.
    std::env::remove_var("MMAP_LAB_PAGES");
    bencher.bench(|| run_scenario(scenario, &params).expect("runs"));
}

/// [`one_experiment_with_pages`]'s baseline: the page state not read.
#[divan::bench(args = ["private-cow-fork", "anonymous-ipc", "madvise-dontneed", "empty-new-file", "mremap-grow", "playground"])]
fn one_experiment_without_pages(bencher: divan::Bencher, id: &str) {
    let scenario = catalog::find(id).expect("scenario exists");
    let params = (scenario.defaults)(engine::page_size());
    // As above: one benchmark at a time on this thread.
    std::env::set_var("MMAP_LAB_PAGES", "off");
    bencher.bench(|| run_scenario(scenario, &params).expect("runs"));
    std::env::remove_var("MMAP_LAB_PAGES");
}

#[divan::bench(sample_count = 30)]
fn run_all_but_the_big_copy(bencher: divan::Bencher) {
    let page = engine::page_size();
    let all: Vec<_> = catalog::all()
        .into_iter()
        .filter(|s| s.id != "mmap-copy")
        .map(|s| (s, (s.defaults)(page)))
        .collect();
    bencher.bench(|| {
        for (s, p) in &all {
            run_scenario(s, p).expect("runs");
        }
    });
}

/// The parent's own peak resident memory, from /proc (KiB).
fn own_peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs of the 256 MiB copy: single runs stall now and then on a virtual machine's disk, so
/// the figure that counts is the ratio of the medians.
const RUNS: usize = 11;

fn copy_256m() {
    let scenario = catalog::find("mmap-copy").expect("scenario exists");
    let params = prepare(scenario, &["copy_size=256M".to_string()]).expect("valid");
    let (mut mmap, mut rw, mut cfr, mut ratio) = (vec![], vec![], vec![], vec![]);
    let mut child_rss = 0;
    for _ in 0..RUNS {
        let r = run_scenario(scenario, &params).expect("runs");
        assert_eq!(
            r.run.copy_identical,
            Some(true),
            "the copy must be identical"
        );
        let ms = |f: Function| {
            r.run
                .steps
                .iter()
                .find(|s| s.function == f && s.nanos.is_some())
                .and_then(|s| s.nanos)
                .unwrap_or(0) as f64
                / 1e6
        };
        let (m, w, c) = (
            ms(Function::Mmap),
            ms(Function::Read),
            ms(Function::CopyFileRange),
        );
        mmap.push(m);
        rw.push(w);
        cfr.push(c);
        ratio.push(m / c);
        child_rss = child_rss.max(r.run.child_max_rss_kib);
    }
    let (m, w, c) = (median(&mut mmap), median(&mut rw), median(&mut cfr));
    println!("mmap-copy, 256 MiB, {RUNS} runs (median ms): mmap {m:.1}  read/write {w:.1}  copy_file_range {c:.1}");
    println!(
        "  mmap / copy_file_range: {:.2}x (ratio of medians; per run: {:?})",
        m / c,
        ratio
            .iter()
            .map(|r| (r * 100.0).round() / 100.0)
            .collect::<Vec<_>>()
    );
    println!(
        "  peak RSS: lab process {} KiB, experiment child {} KiB",
        own_peak_rss_kib(),
        child_rss
    );
}
