//! The numbers a reader sees on the steps: 1, 2, 3… over the experiment's steps only. The
//! lab's own bookkeeping (its `/proc/self/maps` captures) gets no number, so the numbers on
//! the screen, in the reports and in the outcome line (`SIGBUS during step 3`) have no gaps
//! and agree with each other. A record's steps are its plan's first steps, index for index,
//! so both count the same way.

use super::ops::map::MAPS_CALL;
use super::plan::Plan;
use super::record::{Run, StepRecord};

impl StepRecord {
    /// Whether this step is the lab's bookkeeping (a `/proc/self/maps` capture), told from
    /// the record alone: its call is the capture's.
    pub fn is_bookkeeping(&self) -> bool {
        self.call == MAPS_CALL
    }
}

impl Run {
    /// The number step `i` is shown with: 1 for the first step of the experiment, the
    /// bookkeeping not counted (a bookkeeping step gets the number of the step after it, and
    /// is shown without one).
    pub fn step_number(&self, i: usize) -> usize {
        number(self.steps.iter().take(i).map(StepRecord::is_bookkeeping))
    }
}

impl Plan {
    /// The number step `i` of the plan is shown with: the same as [`Run::step_number`] for
    /// its record.
    pub fn step_number(&self, i: usize) -> usize {
        number(self.steps.iter().take(i).map(|s| s.is_bookkeeping()))
    }
}

/// One more than the steps before that are not bookkeeping.
fn number(before: impl Iterator<Item = bool>) -> usize {
    before.filter(|b| !b).count() + 1
}

#[cfg(test)]
mod tests {
    use crate::blame::describe_calls;
    use crate::catalog;
    use crate::session::prepare;

    /// Every scenario, with its defaults and with each variant: the calls a student sees are
    /// numbered 1, 2, 3… without a gap, the `/proc/self/maps` captures left out and unnumbered.
    #[test]
    fn the_calls_of_every_scenario_and_variant_are_numbered_without_gaps() {
        let page = 4096;
        let mut checked = 0;
        for s in catalog::all() {
            let sets = std::iter::once(Vec::new()).chain(s.variants.iter().map(|v| v.sets(page)));
            for sets in sets {
                let params = prepare(s, &sets).expect("declared sets parse");
                let plan = (s.build)(&params, page);
                let numbers: Vec<usize> = describe_calls(&plan).iter().map(|c| c.number).collect();
                let want: Vec<usize> = (1..=numbers.len()).collect();
                assert_eq!(numbers, want, "{} {sets:?}", s.id);
                // The plan has bookkeeping, or the test would not tell a gap from none.
                checked += usize::from(plan.steps.iter().any(|st| st.is_bookkeeping()));
            }
        }
        assert!(checked > 50, "only {checked} plans with a maps capture");
    }
}
