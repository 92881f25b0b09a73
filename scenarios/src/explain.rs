//! The line shown after a run: why *this* outcome happened, chosen by typed rules over the
//! record (which call failed, with which arguments the witness saw, which step), not the
//! lesson's static rule. When the outcome is not the one the lesson is about, it says so.
//!
//! A rule only reads the record; the outcome itself always comes from the kernel.

use crate::catalog::{Scenario, Topic};
use crate::engine::{Function, Outcome, Purpose, Run, StepRecord};
use crate::texts::Text;
use crate::Lang;
use nix::errno::Errno;

/// Why the outcome happened: the argument and the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explanation {
    /// `EBADF` from mmap: the descriptor is looked up before the length is checked.
    DescriptorFirst {
        /// The descriptor passed.
        fd: i64,
    },
    /// `EINVAL` from mmap: length 0.
    ZeroLength,
    /// `EINVAL` from mmap: the offset is not page-aligned.
    UnalignedOffset {
        /// The offset passed.
        offset: i64,
    },
    /// `EINVAL` from munmap: length 0 (at an aligned address).
    MunmapZeroLength {
        /// The address passed.
        addr: u64,
    },
    /// `EINVAL` from munmap: the address is not page-aligned.
    MunmapUnaligned {
        /// The address passed.
        addr: u64,
    },
    /// `EINVAL` from munmap: aligned, but the range runs past the end of the address space.
    MunmapTooLong {
        /// The address passed.
        addr: u64,
        /// The length passed.
        len: u64,
    },
    /// The map-count filler's reservation `mmap` failed with `ENOMEM` before any `mprotect`.
    FillerMmapEnomem,
    /// `SIGBUS` inside the file's size: the filesystem could not provide the page.
    SigbusNoPage {
        /// The file's size.
        size: u64,
        /// The bytes free on its filesystem.
        free: u64,
    },
    /// `SIGBUS` in a copy through mappings, whose destination was extended to its whole size
    /// first: no page lies past its end, the filesystem could not provide one.
    SigbusCopyNoPage {
        /// The bytes free on the filesystem after the run.
        free: u64,
    },
    /// `SIGBUS` at a page wholly past the end of the file.
    SigbusPastEnd {
        /// The page's offset in the file.
        offset: u64,
        /// The file's size.
        size: u64,
    },
    /// `ENOSPC`, from the call the witness saw get it.
    NoSpace {
        /// That call.
        call: String,
    },
}

impl Explanation {
    /// Whether the cause is the machine, not an argument (a full filesystem, a resource
    /// limit that stopped the lab's filler): never the case a lesson is about.
    pub fn from_the_machine(&self) -> bool {
        matches!(
            self,
            Explanation::SigbusNoPage { .. }
                | Explanation::SigbusCopyNoPage { .. }
                | Explanation::NoSpace { .. }
                | Explanation::FillerMmapEnomem
        )
    }

    /// The sentence in `lang`.
    pub fn sentence(&self, page: u64, lang: Lang) -> String {
        let hex = |v: u64| format!("{v:#x}");
        match self {
            Explanation::DescriptorFirst { fd } => {
                Text::ExplainDescriptorFirst.fill(lang, &[&fd.to_string()])
            }
            Explanation::ZeroLength => Text::ExplainZeroLength.get(lang).to_string(),
            Explanation::UnalignedOffset { offset } => {
                Text::ExplainUnalignedOffset.fill(lang, &[&offset.to_string(), &page.to_string()])
            }
            Explanation::MunmapZeroLength { addr } => {
                Text::ExplainMunmapZeroLength.fill(lang, &[&hex(*addr)])
            }
            Explanation::MunmapUnaligned { addr } => {
                Text::ExplainMunmapUnaligned.fill(lang, &[&hex(*addr), &page.to_string()])
            }
            Explanation::MunmapTooLong { addr, len } => {
                Text::ExplainMunmapTooLong.fill(lang, &[&hex(*addr), &len.to_string()])
            }
            Explanation::FillerMmapEnomem => Text::ExplainFillerMmapEnomem.get(lang).to_string(),
            Explanation::NoSpace { call } => Text::ExplainNoSpace.fill(lang, &[call]),
            Explanation::SigbusNoPage { size, free } => {
                Text::ExplainSigbusNoPage.fill(lang, &[&size.to_string(), &free.to_string()])
            }
            Explanation::SigbusCopyNoPage { free } => {
                Text::ExplainSigbusCopyNoPage.fill(lang, &[&free.to_string()])
            }
            Explanation::SigbusPastEnd { offset, size } => {
                Text::ExplainSigbusPastEnd.fill(lang, &[&offset.to_string(), &size.to_string()])
            }
        }
    }
}

/// The first argument the kernel got for the step's call named `name` (the witness), if it
/// was traced.
fn arg(step: &StepRecord, name: &str, i: usize) -> Option<u64> {
    step.syscalls
        .as_ref()?
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.args.get(i).copied())
}

/// The step that failed with `errno` in a call to `function`.
fn failed(run: &Run, function: Function, errno: Errno) -> Option<&StepRecord> {
    run.steps
        .iter()
        .find(|s| s.function == function && s.errno == Some(errno))
}

/// Why the run ended as it did, when a rule knows; `None` leaves the lesson's rule.
pub fn explain(run: &Run) -> Option<Explanation> {
    let page = run.page_size.max(1);
    // The filler's reservation failing is decided before the mapping: say so first.
    let filler = run.steps.iter().find(|s| {
        s.purpose == Some(Purpose::ExhaustMapCount)
            && s.errno == Some(Errno::ENOMEM)
            && s.ret == Some(-1)
    });
    if filler.is_some() {
        // A count of -1 is the reservation's mmap failing: a refused split returns the
        // splits made so far, 0 or more.
        return Some(Explanation::FillerMmapEnomem);
    }
    if let Outcome::Signal { signal, step, .. } = &run.outcome {
        let copying = run.steps.get(*step).and_then(|s| s.purpose) == Some(Purpose::Copy);
        if copying && signal.known() == Some(nix::sys::signal::Signal::SIGBUS) {
            return Some(Explanation::SigbusCopyNoPage {
                free: run.fs_free_bytes.unwrap_or(0),
            });
        }
    }
    if let Outcome::Signal {
        signal,
        detail: Some(d),
        ..
    } = &run.outcome
    {
        return sigbus(run, *signal, d.ptr_offset?);
    }
    let Outcome::Errno { call, errno } = &run.outcome else {
        return None;
    };
    let step = failed(run, *call, *errno);
    match (*call, *errno) {
        (Function::Mmap, Errno::EBADF) => {
            let fd = step
                .and_then(|s| arg(s, "mmap", 4))
                .map_or(-1, |v| v as i32 as i64);
            Some(Explanation::DescriptorFirst { fd })
        }
        (Function::Mmap, Errno::EINVAL) => {
            let step = step?;
            let len = arg(step, "mmap", 1)?;
            let offset = arg(step, "mmap", 5)? as i64;
            if len == 0 {
                Some(Explanation::ZeroLength)
            } else if offset.rem_euclid(page as i64) != 0 {
                Some(Explanation::UnalignedOffset { offset })
            } else {
                None
            }
        }
        (Function::Munmap, Errno::EINVAL) => {
            let step = step?;
            let addr = arg(step, "munmap", 0)?;
            let len = arg(step, "munmap", 1)?;
            if addr % page != 0 {
                Some(Explanation::MunmapUnaligned { addr })
            } else if len == 0 {
                Some(Explanation::MunmapZeroLength { addr })
            } else {
                // The range, whole pages, wraps around or reaches past the user address
                // space the kernel gave the process (its highest mapped address is below it).
                let end = len
                    .checked_add(page - 1)
                    .map(|l| l / page * page)
                    .and_then(|l| addr.checked_add(l));
                let top = 1u64 << 47;
                end.is_none_or(|e| e > top)
                    .then_some(Explanation::MunmapTooLong { addr, len })
            }
        }
        (_, Errno::ENOSPC) => Some(Explanation::NoSpace {
            call: call.name().to_string(),
        }),
        _ => None,
    }
}

/// A `SIGBUS` at `ptr + at` of a file mapping: past the end of the file, or inside it (the
/// filesystem could not provide the page), from the file's size after the run and the
/// mapping's offset the kernel got.
fn sigbus(run: &Run, signal: crate::engine::SignalNo, at: i64) -> Option<Explanation> {
    if signal.known() != Some(nix::sys::signal::Signal::SIGBUS) || at < 0 {
        return None;
    }
    let page = run.page_size.max(1);
    let addr = run.mapping_addr?;
    let mmap = run
        .steps
        .iter()
        .find(|s| s.function == Function::Mmap && s.ret == Some(addr as i64))?;
    if arg(mmap, "mmap", 4).is_some_and(|fd| fd as i32 == -1) {
        return None;
    }
    let offset = arg(mmap, "mmap", 5)?.saturating_add(at as u64 / page * page);
    let size = run.file_size_after?;
    Some(if offset < size {
        Explanation::SigbusNoPage {
            size,
            free: run.fs_free_bytes.unwrap_or(0),
        }
    } else {
        Explanation::SigbusPastEnd { offset, size }
    })
}

/// The line after a run, in `lang`: the explanation of the outcome that happened, prefixed
/// with "not this lesson's case" when the scenario's lesson is about another outcome; the
/// lesson's own rule when no rule applies and the outcome is the lesson's.
pub fn rule_line(scenario: &Scenario, run: &Run, lesson_rule: &str, lang: Lang) -> String {
    let free = scenario.topic == Topic::Free;
    let lessons_case = free || scenario.expect.matches(&run.outcome);
    match explain(run) {
        Some(e) if free || (lessons_case && !e.from_the_machine()) => {
            e.sentence(run.page_size, lang)
        }
        Some(e) => Text::NotLessonCase.fill(lang, &[&e.sentence(run.page_size, lang)]),
        None => lesson_rule.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SignalNo;

    /// mmap-copy's recorded run, ended as a full filesystem ends it: the copy through
    /// mappings (step 4) killed by SIGBUS, nothing free.
    fn copy_killed_by_sigbus() -> Run {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/mmap-copy.json"
        );
        let text = std::fs::read_to_string(path).expect("the fixture");
        let mut run: Run = serde_json::from_str(&text).expect("a run");
        let step = run
            .steps
            .iter()
            .position(|s| s.purpose == Some(Purpose::Copy))
            .expect("a copy step");
        run.outcome = Outcome::Signal {
            signal: SignalNo(nix::libc::SIGBUS),
            step,
            call: run.steps[step].call.clone(),
            detail: None,
        };
        run.fs_free_bytes = Some(0);
        run
    }

    /// A SIGBUS in the copy is the full filesystem, never a page past the end of the file.
    #[test]
    fn a_sigbus_in_a_copy_is_a_full_filesystem() {
        let run = copy_killed_by_sigbus();
        let e = explain(&run).expect("explained");
        assert_eq!(e, Explanation::SigbusCopyNoPage { free: 0 });
        assert!(e.from_the_machine());
        let en = e.sentence(run.page_size, Lang::En);
        assert!(en.contains("filesystem is full") && !en.contains("past its end: SIGBUS"));
        assert!(e.sentence(run.page_size, Lang::Zh).contains("文件系统已满"));
    }
}
