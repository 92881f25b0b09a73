//! The evidence line: the one sentence, read off a run's record, that answers the scenario's
//! question (what the other process read, the bytes seen through the mapping, which argument
//! the kernel refused and with what, where a signal struck). Each scenario names its function
//! in its catalogue file ([`crate::catalog::Scenario::evidence`]); most take [`standard`],
//! the few whose answer is a value read back build their own from the helpers here.
//!
//! Every sentence is made of what the record holds: a step's real result, the errno it
//! returned, the signal's address. When the step that decides the answer did not run (a run
//! held before it, an earlier failure), there is no evidence: `None`, never a guess.

use crate::blame::blame;
use crate::engine::{Function, Outcome, Plan, Purpose, Run, Side, Step, StepRecord};
use crate::lesson::Lang;
use crate::params::Params;
use crate::texts::Text;

/// The evidence of one run: its sentence and the step it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Index (in the record's steps) of the step that decides the answer.
    pub step: usize,
    /// The sentence, in the language asked for.
    pub text: String,
}

/// The signature of a scenario's evidence: the record's run, the parameters it ran with (and
/// the plan they make, for which step is which), the language.
pub type EvidenceFn = fn(&Found, Lang) -> Option<Evidence>;

/// A run with what its evidence is read against: the parameters it ran with and their plan,
/// whose steps are the record's steps, index for index.
pub struct Found<'a> {
    /// The run.
    pub run: &'a Run,
    /// The parameters it ran with.
    pub params: &'a Params,
    /// Their plan.
    pub plan: Plan,
}

impl<'a> Found<'a> {
    /// The run with `params`, and the plan `build` (the scenario's) makes of them. Taking
    /// the builder, not the scenario, keeps this module below the catalogue that names it.
    pub fn new(build: fn(&Params, u64) -> Plan, run: &'a Run, params: &'a Params) -> Self {
        Found {
            run,
            params,
            plan: build(params, run.page_size.max(1)),
        }
    }

    /// The steps that ran and belong to the experiment (not the lab's `/proc/self/maps`
    /// captures), with their index.
    pub fn steps(&self) -> impl DoubleEndedIterator<Item = (usize, &'a StepRecord)> + '_ {
        self.run
            .steps
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.plan.steps.get(*i).is_some_and(|s| s.is_bookkeeping()))
    }

    /// The last step of the plan (not an engine step) that calls `function`, with its record
    /// when it ran to its end: `None` when it did not, even if an earlier one did.
    pub fn last(&self, function: Function) -> Option<(usize, &'a StepRecord)> {
        self.last_where(|s| s.op.function() == function && s.purpose.is_none())
    }

    /// The last step of the plan that `pick` chooses, with its record when it ran to its
    /// end (it returned): the step that decides, never an earlier one in its stead.
    pub fn last_where(&self, pick: impl Fn(&Step) -> bool) -> Option<(usize, &'a StepRecord)> {
        let i = self
            .plan
            .steps
            .iter()
            .rposition(|s| !s.is_bookkeeping() && pick(s))?;
        let step = self.run.steps.get(i).filter(|s| s.ret.is_some())?;
        Some((i, step))
    }
}

/// A byte as a student reads it: `'A'` when printable, else `0x00`.
pub fn byte(ret: i64) -> String {
    let b = ret as u8;
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("{b:#04x}")
    }
}

/// The evidence of most scenarios, from the outcome: for an errno, the call that refused and
/// the argument it refused (with its value); for a signal, the address and its page of the
/// mapping; for a success, what the run read back (the other process's text, the copy's
/// check, the file's byte, the last load), else the last call's return.
pub fn standard(found: &Found, lang: Lang) -> Option<Evidence> {
    let run = found.run;
    match &run.outcome {
        Outcome::Errno { call, errno } => refused(found, *call, *errno, lang),
        Outcome::Signal {
            signal,
            step,
            detail,
            call,
        } => {
            let name = signal.name();
            let text = match detail {
                Some(d) => {
                    let addr = format!("{:#x}", d.addr);
                    match d.ptr_offset {
                        Some(off) => {
                            let page = off.div_euclid(run.page_size.max(1) as i64);
                            let at = if off < 0 {
                                format!("ptr-{}", off.unsigned_abs())
                            } else {
                                format!("ptr+{off}")
                            };
                            let len = found.plan.mapping_len;
                            if off >= 0 && (off as u64) < len {
                                Text::EvidenceSignalAt
                                    .fill(lang, &[&name, &addr, &at, &page.to_string()])
                            } else {
                                Text::EvidenceSignalOutside
                                    .fill(lang, &[&name, &addr, &at, &len.to_string()])
                            }
                        }
                        None => Text::EvidenceSignalAddr.fill(lang, &[&name, &addr]),
                    }
                }
                None => Text::EvidenceSignalDuring.fill(lang, &[&name, call]),
            };
            run.steps.get(*step)?;
            Some(Evidence { step: *step, text })
        }
        Outcome::Ok => read_back(found, lang),
        // The outcome line says it all; there is no value to read.
        Outcome::Timeout { .. } | Outcome::Clobbered { .. } => None,
    }
}

/// `mmap failed with EINVAL: length = 0`: the failing step, the arguments the lesson's rules
/// point at with their values, else the call as it ran.
fn refused(
    found: &Found,
    call: Function,
    errno: nix::errno::Errno,
    lang: Lang,
) -> Option<Evidence> {
    let (step, record) = found
        .steps()
        .find(|(_, s)| s.function == call && s.errno == Some(errno))?;
    let name = crate::errnos::name(errno);
    let keys = blame(found.params, found.run.page_size, &found.run.outcome);
    let text = if keys.is_empty() {
        Text::EvidenceFailed.fill(lang, &[&record.call, &name])
    } else {
        let args: Vec<String> = keys
            .iter()
            .map(|k| format!("{} = {}", k.name(), found.params.get(*k)))
            .collect();
        Text::EvidenceRefused.fill(lang, &[call.name(), &args.join(", "), &name])
    };
    Some(Evidence { step, text })
}

/// What a successful run read back, chosen by what its plan reads, the most telling first:
/// the text the other process read, the copy's check, the file's byte read back, the last
/// load through the mapping, else the last call's return. Chosen by the plan, not by what
/// ran: when the step that reads it did not run, there is no evidence, never an earlier
/// step's value in its stead.
fn read_back(found: &Found, lang: Lang) -> Option<Evidence> {
    let run = found.run;
    let planned = |pick: &dyn Fn(&Step) -> bool| found.plan.steps.iter().any(pick);
    let child_read = |s: &Step| s.op.function() == Function::Memcpy && s.side == Side::Child;
    let check = |s: &Step| s.purpose == Some(Purpose::CheckFile);
    let load = |s: &Step| s.op.function() == Function::Load && s.purpose.is_none();
    if planned(&child_read) {
        let (step, _) = found.last_where(child_read)?;
        let text = run.child_read.as_ref()?;
        return Some(Evidence {
            step,
            text: Text::EvidenceChildRead.fill(lang, &[&format!("{text:?}")]),
        });
    }
    if planned(&|s| s.op.function() == Function::Memcmp) {
        let (step, _) = found.last(Function::Memcmp)?;
        let text = if run.copy_identical? {
            Text::EvidenceCopySame.get(lang).to_string()
        } else {
            Text::EvidenceCopyDiffers.fill(lang, &[&run.copy_differs_at.unwrap_or(0).to_string()])
        };
        return Some(Evidence { step, text });
    }
    if planned(&check) {
        let (step, _) = found.last_where(check)?;
        let check = run.file_check?;
        let text = if check.reached_file {
            Text::EvidenceFileHas
        } else {
            Text::EvidenceFileKept
        };
        return Some(Evidence {
            step,
            text: text.fill(
                lang,
                &[&check.offset.to_string(), &byte(check.in_file as i64)],
            ),
        });
    }
    if planned(&load) {
        let (step, last) = found.last_where(load)?;
        // The same place loaded before: what changed in between is the answer.
        let first = found
            .steps()
            .find(|(i, s)| *i < step && s.function == Function::Load && s.call == last.call)
            .and_then(|(_, s)| s.ret);
        let text = match first {
            Some(first) => {
                Text::EvidenceLoadTwice.fill(lang, &[&last.call, &byte(first), &byte(last.ret?)])
            }
            None => Text::EvidenceLoad.fill(lang, &[&last.call, &byte(last.ret?)]),
        };
        return Some(Evidence { step, text });
    }
    let store = |s: &Step| s.op.function() == Function::Store && s.purpose.is_none();
    if planned(&store) {
        let (step, last) = found.last_where(store)?;
        return Some(Evidence {
            step,
            text: Text::EvidenceStore.fill(lang, &[&last.call, &byte(last.ret?)]),
        });
    }
    last_call(found, lang)
}

/// The last call the experiment made, with its return: what a run with nothing to read back
/// showed.
fn last_call(found: &Found, lang: Lang) -> Option<Evidence> {
    let (step, s) =
        found.last_where(|s| s.purpose.is_none() && s.op.function() != Function::Exit)?;
    Some(Evidence {
        step,
        text: Text::EvidenceReturned.fill(lang, &[&s.call, &s.result]),
    })
}
