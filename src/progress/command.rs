//! `mmap-lab progress`: the progress kept in the state file, printed as text or JSON, or
//! reset.

use super::{Stage, Store};
use crate::schema::{ProgressItem, ProgressOutput, Stamp};
use crate::strings::{self, C};
use mmap_lab_engine::Lang;
use std::io::{self, Write};

/// `mmap-lab progress [--json]`: each scenario's progress.
pub fn print(store: Option<Store>, json: bool, lang: Lang) -> std::process::ExitCode {
    let Some(mut store) = store else {
        crate::output::err_line(&format!("mmap-lab: {}", C::StateOff.get(lang)));
        return std::process::ExitCode::from(crate::cli::USAGE);
    };
    let (state, aside) = store.load();
    if let Some(a) = &aside {
        crate::output::err_line(&format!("mmap-lab: {}", a.message(lang)));
    }
    let all = mmap_lab_engine::catalog::all();
    let mut text = String::new();
    if json {
        let scenarios = all
            .iter()
            .map(|s| {
                let track = state.scenarios.get(s.id).cloned().unwrap_or_default();
                let n = s.variants.len();
                ProgressItem {
                    id: s.id,
                    order: s.order(),
                    stage: track.stage(n),
                    runs: track.runs,
                    default_done: track.default_done,
                    variants_done: (0..n).filter(|i| track.variant_done(*i)).count(),
                    variants: n,
                    predictions_right: track.right,
                    predictions_wrong: track.wrong,
                    last_params: track.last_params,
                }
            })
            .collect();
        let out = ProgressOutput {
            stamp: Stamp::NOW,
            state_file: store.path.display().to_string(),
            last_scenario: state.last_scenario.clone(),
            scenarios,
        };
        text = serde_json::to_string_pretty(&out).unwrap_or_default();
        text.push('\n');
    } else {
        text.push_str(&strings::state_file_line(
            &store.path.display().to_string(),
            lang,
        ));
        text.push('\n');
        let (mut done, mut right, mut total) = (0, 0, 0);
        for s in &all {
            let track = state.scenarios.get(s.id).cloned().unwrap_or_default();
            let n = s.variants.len();
            let stage = track.stage(n);
            if stage == Stage::Done {
                done += 1;
            }
            right += track.right;
            total += track.right + track.wrong;
            let vdone = (0..n).filter(|i| track.variant_done(*i)).count();
            text.push_str(&format!(
                "{:>2}  {} {:<24} {}\n",
                s.order(),
                stage_glyph(stage),
                s.id,
                strings::progress_row(track.runs, track.default_done, vdone, n, lang)
            ));
        }
        text.push_str(&strings::progress_total(
            done,
            all.len(),
            right,
            total,
            lang,
        ));
        text.push('\n');
    }
    // Through the one writer: a closed pipe or a full disk ends the command cleanly.
    crate::output::finish(&text, lang)
}

/// `mmap-lab progress --reset`: asks on stdin, then removes the file.
pub fn reset(store: Option<Store>, lang: Lang) -> std::process::ExitCode {
    let Some(mut store) = store else {
        crate::output::err_line(&format!("mmap-lab: {}", C::StateOff.get(lang)));
        return std::process::ExitCode::from(crate::cli::USAGE);
    };
    let shown = store.path.display().to_string();
    let _ = write!(io::stderr(), "{} ", strings::reset_question(&shown, lang));
    let _ = io::stderr().flush();
    let mut answer = String::new();
    let _ = io::stdin().read_line(&mut answer);
    let yes = matches!(answer.trim(), "y" | "Y" | "yes" | "是" | "ｙ");
    if !yes {
        crate::output::err_line(C::ResetKept.get(lang));
        return std::process::ExitCode::SUCCESS;
    }
    // Recorded, not removed: a lab still open sees the reset at its next save.
    if let Err(err) = store.reset() {
        return crate::cli::io_error(&err, lang);
    }
    crate::output::err_line(C::ResetDone.get(lang));
    std::process::ExitCode::SUCCESS
}

fn stage_glyph(stage: Stage) -> &'static str {
    match stage {
        Stage::Done => "●",
        Stage::InProgress => "◐",
        Stage::NotStarted => "○",
    }
}
