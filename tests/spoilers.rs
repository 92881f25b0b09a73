//! Nothing is told before it happens. Every scenario and declared variant is run for real,
//! then drawn through the lab's own drawing code at 120×34, 80×24 and presenter 80×24, in
//! both languages: before the run, and with the record revealed a step at a time
//! (`Revealed::Steps(n)`, as stepping shows it) up to all of it. A word that only a later
//! step can justify (the run's errno, its signal, the `OK` of a run that succeeded, the
//! outcome's headline) must not be on screen before that step is revealed.

mod tui_support;

use mmap_lab::report;
use mmap_lab::tui::app::{App, RunResult};
use mmap_lab::tui::revealed::Revealed;
use mmap_lab::tui::{Options, ThemeName};
use mmap_lab_engine::{catalog, errnos, Lang, Outcome, Params, Record, Scenario};

/// A word and the number of steps that must be revealed before it may show (`None`: only
/// once the run is revealed to its end).
struct Word {
    text: String,
    after: Option<usize>,
}

/// The words `record` justifies, in `lang`, and from which step on.
fn words(record: &Record, lang: Lang) -> Vec<Word> {
    let run = &record.run;
    let mut out = Vec::new();
    let first = |pred: &dyn Fn(&mmap_lab_engine::engine::StepRecord) -> bool| {
        run.steps.iter().position(pred).map(|i| i + 1)
    };
    match &run.outcome {
        Outcome::Errno { errno, .. } => out.push(Word {
            text: errnos::name(*errno),
            after: first(&|s| s.errno == Some(*errno)),
        }),
        Outcome::Signal { signal, step, .. } => out.push(Word {
            text: signal.name(),
            after: Some(step + 1),
        }),
        Outcome::Ok if !run.ok_but() => out.push(Word {
            // In both languages: the big word and the call lines say `OK`. The Chinese
            // words for it (`成功`, `正常`) also ask the question ("会成功吗？", "一切正常"):
            // the headline below catches the Chinese answer.
            text: "OK".to_string(),
            after: None,
        }),
        _ => {}
    }
    let marks = report::Marks {
        ok: "✔",
        errno: "✘",
        signal: "⚡",
        timeout: "⌛",
        warning: "⚠",
    };
    out.push(Word {
        text: report::outcome_headline(run, lang, marks),
        after: None,
    });
    out
}

/// Whether `word` is on `screen` as a word of its own (`EINVAL` is not in `EINVALID`).
fn on_screen(screen: &str, word: &str) -> bool {
    let ascii_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    screen.match_indices(word).any(|(at, _)| {
        let before = screen[..at].chars().next_back();
        let after = screen[at + word.len()..].chars().next();
        let glued_before = word.starts_with(ascii_word) && before.is_some_and(ascii_word);
        let glued_after = word.ends_with(ascii_word) && after.is_some_and(ascii_word);
        !glued_before && !glued_after
    })
}

/// The screens a case is drawn at: size and presenter mode.
const SCREENS: [((u16, u16), bool); 3] = [((120, 34), false), ((80, 24), false), ((80, 24), true)];

/// Each case: the scenario and its parameters (the defaults, then each declared variant). A
/// variant whose parameters are those of an earlier case of the same scenario is left out:
/// its run and its screens would be that case's again.
fn cases(page: u64) -> Vec<(String, &'static Scenario, Params)> {
    let mut out: Vec<(String, &'static Scenario, Params)> = Vec::new();
    let mut push = |name: String, s: &'static Scenario, p: Params| {
        if !out.iter().any(|(_, t, q)| t.id == s.id && *q == p) {
            out.push((name, s, p));
        }
    };
    for s in catalog::all() {
        let small = |mut p: Params| {
            // mmap-copy copies 1 MiB, not its default: the test is about words, not speed.
            if s.id == "mmap-copy" {
                mmap_lab_engine::session::apply(s, &mut p, "copy_size=1M").expect("copy_size");
            }
            p
        };
        push(format!("{} (defaults)", s.id), s, small((s.defaults)(page)));
        for (i, v) in s.variants.iter().enumerate() {
            let params = mmap_lab::tui::course::variant_params(s, i, page).expect("variant");
            push(v.command(s.id, page), s, small(params));
        }
    }
    out
}

fn app(id: &str, lang: Lang, size: (u16, u16), presenter: bool, page: u64) -> App {
    App::new(
        &Options {
            scenario: Some(id.to_string()),
            lang,
            presenter,
            theme: Some(ThemeName::Dark),
            ascii: false,
            mouse: false,
        },
        page,
        size,
    )
}

/// One case drawn at every screen and language: the number of screens drawn, and each leak.
fn check(
    name: &str,
    scenario: &'static Scenario,
    params: &Params,
    record: &Record,
    page: u64,
) -> (usize, Vec<String>) {
    let total = record.run.steps.len();
    let mut screens = 0;
    let mut leaks = Vec::new();
    // Before the run, then 0..=total steps revealed, then everything (the same screen as
    // all the steps when the run is over: drawn once).
    let mut views = vec![None];
    views.extend((0..=total).map(|n| Some(Revealed::Steps(n))));
    if record.run.held.is_some() {
        views.push(Some(Revealed::All));
    }
    for lang in [Lang::En, Lang::Zh] {
        let words = words(record, lang);
        for (size, presenter) in SCREENS {
            let mut a = app(scenario.id, lang, size, presenter, page);
            a.states[a.current].params = params.clone();
            for &revealed in &views {
                // The record is put in once; each view after it only reveals more of it.
                let state = &mut a.states[a.current];
                match (revealed, state.result.as_mut()) {
                    (None, _) => state.result = None,
                    (Some(revealed), Some(result)) => result.revealed = revealed,
                    (Some(revealed), None) => {
                        state.result = Some(RunResult {
                            params: params.clone(),
                            outcome: Ok(Box::new(record.clone())),
                            revealed,
                        })
                    }
                }
                a.refresh();
                let screen = tui_support::text(&a);
                screens += 1;
                let upto = match revealed {
                    None | Some(Revealed::Nothing) => 0,
                    Some(Revealed::Steps(n)) => n,
                    Some(Revealed::All) => total,
                };
                let complete = record.run.held.is_none() && revealed.is_some() && upto == total;
                for w in &words {
                    let allowed = match w.after {
                        Some(k) => upto >= k,
                        None => complete,
                    };
                    if !allowed && on_screen(&screen, &w.text) {
                        leaks.push(format!(
                            "{name}, {lang:?} {}x{}{}, {upto}/{total} steps shown: \
                             {:?} on screen\n{screen}",
                            size.0,
                            size.1,
                            if presenter { " presenter" } else { "" },
                            w.text
                        ));
                    }
                }
            }
        }
    }
    (screens, leaks)
}

#[test]
fn no_answer_is_on_screen_before_the_step_that_gives_it() {
    let page = mmap_lab_engine::engine::page_size();
    // The runs one after the other (what lies next to a mapping depends on the threads
    // beside it), the drawing on every core.
    let runs: Vec<(String, &'static Scenario, Params, Record)> = cases(page)
        .into_iter()
        .map(|(name, scenario, params)| {
            let record = mmap_lab_engine::run_scenario(scenario, &params)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario, params, record)
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let chunk = runs.len().div_ceil(threads);
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(name, scenario, params, record)| {
                            check(name, scenario, params, record, page)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a drawing thread"))
            .collect()
    });
    let screens: usize = results.iter().map(|r| r.0).sum();
    let leaks: Vec<&String> = results.iter().flat_map(|r| &r.1).collect();
    eprintln!(
        "spoiler test: {} runs, {screens} screens checked, {} leaks",
        runs.len(),
        leaks.len()
    );
    assert!(
        runs.len() > catalog::all().len(),
        "every scenario and variant ran"
    );
    assert!(
        leaks.is_empty(),
        "{} screens tell an answer too early; the first:\n{}",
        leaks.len(),
        leaks.first().map_or("", |s| s.as_str())
    );
}
