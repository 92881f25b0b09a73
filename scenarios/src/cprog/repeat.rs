//! The repeat loop: how often a program runs its experiment, and the tally it prints.

use super::template::text_literal;
use crate::engine::ops::c::c_string;
use crate::engine::plan::Plan;
use crate::Lang;

/// How often a program runs its experiment, and how the child waits: `repeat` and `sync`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The runs, each a whole experiment in a new process.
    pub runs: u32,
    /// How the child waits for the parent's write (`pipe`, `sleep`, `none`).
    pub sync: &'static str,
    /// With `sleep`: how long, in microseconds.
    pub sleep_us: Option<u64>,
}

impl Repeat {
    /// The repetition `params` ask for; `None` for a single run.
    pub fn of(params: &crate::params::Params) -> Option<Repeat> {
        (params.repeat > 1).then(|| Repeat {
            runs: params.repeat,
            sync: params.sync.name(),
            sleep_us: (params.sync == crate::params::Sync::Sleep).then_some(params.sleep_us),
        })
    }
}

/// The template's `repeat` declarations: the line that ends a run's output when its child read
/// the parent's text (`memcpy(…) = "hello, world"`), how many runs, and the tally's sentence
/// as the lab prints it, its counts left to printf (`%1$d` of `%2$d`).
pub(super) fn repeat_block(plan: &Plan, repeat: &Repeat, lang: Lang) -> String {
    let text = plan
        .steps
        .iter()
        .find_map(|s| match s.op {
            crate::engine::Op::Touch(crate::engine::TouchOp::WriteText { text, .. }) => Some(text),
            _ => None,
        })
        .unwrap_or_default();
    let percent = |s: &str| s.replace('%', "%%");
    let sentence = crate::engine::Tally::sentence_of(
        repeat.sync,
        repeat.sleep_us,
        &percent(text),
        // Positional: a language may name the runs before the count.
        "%1$d",
        "%2$d",
        lang,
    );
    format!(
        "static const char tally_marker[] = {};\nstatic const int tally_runs = {};\n\
         static const char tally_line[] = {};\n",
        c_string(&format!("= \"{text}\"")),
        repeat.runs,
        text_literal(&format!("{sentence}\n"))
    )
}
