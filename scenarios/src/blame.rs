//! Explanations for the screen, made before and after a run, never instead of it.
//!
//! - [`describe_calls`] renders a [`Plan`] as the C-like calls it will make, *before* it runs:
//!   results not known yet get placeholder names (`fd`, `ptr`, `pid`). Each argument is tagged
//!   with the knob ([`Key`]) that produced it, so a screen can highlight it. The calls' shape
//!   is [`crate::engine::calls`]', the same as in the record of a run.
//! - [`blame`] names the knobs most likely behind an outcome (`EINVAL` from mmap with an
//!   unaligned offset: `offset`). It reads the parameters and the outcome only: the outcome
//!   itself always comes from the kernel.
//!
//! Pure functions: no system call, no allocation that can fail in a way a user sees.

use crate::engine::calls::{Arg, ValueNames};
use crate::engine::{DescriptorOp, Function, IpcOp, MapOp, Op, Outcome, Plan, Purpose, Side, Val};
use crate::params::{Case, FileKind, Key, Params, KNOBS};
use nix::errno::Errno;
use nix::sys::signal::Signal;

/// One piece of a call's text, tagged with the knob it shows when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The text, e.g. `1000` or `, `.
    pub text: String,
    /// The knob this text shows (`offset` for the last argument of mmap).
    pub key: Option<Key>,
}

/// One step of a plan as the C-like call it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Index of the step in the plan.
    pub step: usize,
    /// The number it is shown with: 1, 2, 3… over the experiment's steps, the lab's
    /// bookkeeping not counted (`Plan::step_number`).
    pub number: usize,
    /// The C function (`mmap`, `munmap`, …).
    pub function: Function,
    /// Which process runs it after a fork.
    pub side: Side,
    /// Why the engine added it, when the student did not ask for it.
    pub purpose: Option<Purpose>,
    /// Whether the plan's mapping is made by this step.
    pub is_mapping: bool,
    /// The text in pieces; joined they read like C.
    pub parts: Vec<Part>,
}

impl Call {
    /// The whole call as one string.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }
}

/// Names for results not known before the run.
struct Names<'a> {
    plan: &'a Plan,
}

impl Names<'_> {
    /// The placeholder for the return value of step `i`.
    fn ret(&self, i: usize) -> String {
        let Some(step) = self.plan.steps.get(i) else {
            return "?".to_string();
        };
        match step.op {
            Op::Descriptor(DescriptorOp::Open { .. } | DescriptorOp::SealedMemfd { .. }) => {
                // The first descriptor is `fd`; later ones `fd2`, `fd3`… in order of creation.
                let n = self.plan.steps[..i]
                    .iter()
                    .filter(|s| {
                        matches!(
                            s.op,
                            Op::Descriptor(
                                DescriptorOp::Open { .. } | DescriptorOp::SealedMemfd { .. }
                            )
                        )
                    })
                    .count();
                if n == 0 {
                    "fd".to_string()
                } else {
                    format!("fd{}", n + 1)
                }
            }
            Op::Descriptor(DescriptorOp::Pipe) => "fds[0]".to_string(),
            Op::Map(MapOp::Mmap { .. }) if Some(i) == self.plan.mapping_step => "ptr".to_string(),
            Op::Map(MapOp::Mmap { .. }) => match step.purpose {
                Some(Purpose::GuardReserve) => "guard".to_string(),
                Some(Purpose::Existing) => "existing".to_string(),
                Some(Purpose::NeighbourReserve) => "reserve".to_string(),
                Some(Purpose::Neighbour) => "neighbour".to_string(),
                _ => format!("p{i}"),
            },
            Op::Map(MapOp::Mremap { .. }) => "new_ptr".to_string(),
            Op::Ipc(IpcOp::Fork) => "pid".to_string(),
            _ => format!("r{i}"),
        }
    }
}

impl ValueNames for Names<'_> {
    /// A number argument (descriptor, pid).
    fn num(&self, v: Val) -> String {
        match v {
            Val::Lit(x) => x.to_string(),
            Val::Ret(i) => self.ret(i),
            Val::RetPlus(i, d) => offset_text(&self.ret(i), d),
            Val::Aux(i) => match self.plan.steps.get(i).map(|s| &s.op) {
                Some(Op::Descriptor(DescriptorOp::Pipe)) => "fds[1]".to_string(),
                _ => format!("{}.aux", self.ret(i)),
            },
        }
    }

    /// An address argument.
    fn addr(&self, v: Val) -> String {
        match v {
            Val::Lit(0) => "NULL".to_string(),
            Val::Lit(x) => format!("{:#x}", x as u64),
            other => self.num(other),
        }
    }
}

/// `ptr`, `ptr + 4096`, `ptr - 1`.
fn offset_text(base: &str, d: i64) -> String {
    match d {
        0 => base.to_string(),
        d if d < 0 => format!("{base} - {}", d.unsigned_abs()),
        d => format!("{base} + {d}"),
    }
}

/// The knob behind an argument, if the screen should tie the argument to it. `own`: whether
/// the student asked for the step (it has no purpose of the engine's).
fn knob(arg: Arg, own: bool) -> Option<Key> {
    let key = Key::shown_by(arg)?;
    match arg {
        // These knobs exist only as steps the engine adds (the map-count filler, the copies):
        // such a step is the knob's whole effect, so it shows the knob all the same.
        Arg::ExhaustMapCount | Arg::CopyWindow | Arg::CopySize | Arg::CopyRuns => Some(key),
        // Steps the engine added (a guard, a check) show no knob: turning one does not
        // change them the way the student expects.
        _ => own.then_some(key),
    }
}

/// Every step of `plan` as the call it will make, except the `/proc/self/maps` captures
/// (bookkeeping of the lab, not part of the experiment).
pub fn describe_calls(plan: &Plan) -> Vec<Call> {
    let names = Names { plan };
    plan.steps
        .iter()
        .enumerate()
        .filter(|(_, s)| !matches!(s.op, Op::Map(MapOp::Maps)))
        .map(|(i, step)| {
            let own = step.purpose.is_none();
            let parts = step
                .op
                .call(&names)
                .parts
                .into_iter()
                .map(|p| Part {
                    key: p.arg.and_then(|a| knob(a, own)),
                    text: p.text,
                })
                .collect();
            Call {
                step: i,
                number: plan.step_number(i),
                function: step.op.function(),
                side: step.side,
                purpose: step.purpose,
                is_mapping: Some(i) == plan.mapping_step,
                parts,
            }
        })
        .collect()
}

/// [`describe_calls`], each call as one line of text.
pub fn describe_plan(plan: &Plan) -> Vec<String> {
    describe_calls(plan).iter().map(Call::text).collect()
}

/// The knobs most likely behind `outcome`, most likely first; empty for a success or when no
/// rule applies. An explanation to point at, never a prediction: the kernel decided. Which
/// knobs, in what order and on what condition is each knob's row of the table (its `blame`
/// column); here only which [`Case`] the outcome is.
pub fn blame(params: &Params, page: u64, outcome: &Outcome) -> Vec<Key> {
    let Some(case) = case(params, outcome) else {
        return Vec::new();
    };
    let page = page.max(1);
    let mut suspects: Vec<(u8, Key)> = KNOBS
        .iter()
        .flat_map(|knob| {
            knob.blame
                .iter()
                .filter(move |s| s.case == case && (s.when)(params, page))
                .map(move |s| (s.rank, knob.key))
        })
        .collect();
    suspects.sort_by_key(|&(rank, key)| (rank, key));
    suspects.into_iter().map(|(_, key)| key).collect()
}

/// Which kind of outcome `outcome` is, for the knobs' `blame` column; `None` for a success,
/// a timeout, or an outcome no knob is suspected for. A call's own errno comes before the
/// errno whatever the call.
pub fn case(params: &Params, outcome: &Outcome) -> Option<Case> {
    match outcome {
        Outcome::Ok | Outcome::Timeout { .. } => None,
        // The step took away the process's own memory: where it asked, and how much.
        Outcome::Clobbered { .. } => Some(Case::Clobbered),
        Outcome::Errno { call, errno } => Some(match (*call, *errno) {
            (Function::Mmap, Errno::EINVAL) => Case::MmapEinval,
            (Function::Munmap, Errno::EINVAL) => Case::MunmapEinval,
            (Function::Mprotect, Errno::EACCES) => Case::MprotectEacces,
            (Function::Mprotect, Errno::EINVAL) => Case::MprotectEinval,
            (Function::Mprotect, Errno::ENOMEM) => Case::MprotectEnomem,
            (Function::Msync, Errno::EINVAL) => Case::MsyncEinval,
            (Function::Msync, Errno::ENOMEM) => Case::MsyncEnomem,
            (Function::Msync, Errno::EBUSY) => Case::MsyncEbusy,
            (Function::Madvise, Errno::ENOMEM) => Case::MadviseEnomem,
            (Function::Madvise, Errno::EACCES | Errno::EINVAL) => Case::MadviseEaccesEinval,
            (Function::Madvise, Errno::EFAULT) => Case::MadviseEfault,
            (Function::Mremap, Errno::ENOMEM) => Case::MremapEnomem,
            (Function::Mremap, Errno::EINVAL) => Case::MremapEinval,
            (Function::Mremap, Errno::EFAULT) => Case::MremapEfault,
            (Function::Mremap, Errno::EAGAIN) => Case::MremapEagain,
            // A pipe or a directory cannot be mapped at all: the descriptor is the cause.
            (_, Errno::EACCES) if matches!(params.file, FileKind::Pipe | FileKind::Directory) => {
                Case::EaccesUnmappable
            }
            (_, Errno::EACCES) => Case::Eacces,
            (_, Errno::EBADF | Errno::ENODEV) => Case::EbadfEnodev,
            (_, Errno::EEXIST) => Case::Eexist,
            (_, Errno::ENOMEM) => Case::Enomem,
            (_, Errno::EOVERFLOW) => Case::Eoverflow,
            (_, Errno::EPERM) => Case::Eperm,
            (_, Errno::EOPNOTSUPP) => Case::Eopnotsupp,
            (_, Errno::EAGAIN) => Case::Eagain,
            _ => return None,
        }),
        Outcome::Signal { signal, .. } => match signal.known() {
            // A mapped page wholly past the end of the file: the touch, and the file's size
            // (or how a new file was grown; first, another process that shrank it).
            Some(Signal::SIGBUS) => Some(Case::Sigbus),
            // The old pointer after mremap moved the mapping away.
            Some(Signal::SIGSEGV) if params.touch_old && params.mremap_flags.is_some() => {
                Some(Case::SigsegvOldPointer)
            }
            // The touch, then its protection if that refuses it, else the length.
            Some(Signal::SIGSEGV) => Some(Case::Sigsegv),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::flags;
    use crate::params::Addr;

    fn errno(call: &str, name: &str) -> Outcome {
        Outcome::Errno {
            call: Function::from_name(call).unwrap(),
            errno: crate::errnos::from_name(name).unwrap(),
        }
    }

    #[test]
    fn calls_name_results_not_known_yet() {
        let s = catalog::find("unaligned-offset").unwrap();
        let plan = (s.build)(&(s.defaults)(4096), 4096);
        assert_eq!(
            describe_plan(&plan),
            [
                "open(\"data\", O_RDWR)",
                "mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1000)"
            ]
        );
        let calls = describe_calls(&plan);
        let offset = calls[1]
            .parts
            .iter()
            .find(|p| p.key == Some(Key::Offset))
            .unwrap();
        assert_eq!(offset.text, "1000");
        assert!(calls[1].is_mapping);
    }

    #[test]
    fn munmap_shows_the_shifted_pointer_and_engine_steps_carry_no_knob() {
        let s = catalog::find("munmap-shifted-pointer").unwrap();
        let plan = (s.build)(&(s.defaults)(4096), 4096);
        let text = describe_plan(&plan);
        assert!(
            text.contains(&"munmap(ptr + 1, 8192)".to_string()),
            "{text:?}"
        );

        let s = catalog::find("out-of-bounds").unwrap();
        let plan = (s.build)(&(s.defaults)(4096), 4096);
        let calls = describe_calls(&plan);
        let guard = calls
            .iter()
            .find(|c| c.purpose == Some(Purpose::GuardReserve))
            .unwrap();
        assert!(guard.parts.iter().all(|p| p.key.is_none()));
        assert!(calls.iter().any(|c| c.text() == "ptr[4096] = 0x2a"));
    }

    #[test]
    fn every_scenario_describes_without_panicking() {
        for s in catalog::all() {
            let plan = (s.build)(&(s.defaults)(4096), 4096);
            let calls = describe_calls(&plan);
            assert!(!calls.is_empty(), "{}", s.id);
            assert!(calls.iter().all(|c| !c.text().is_empty()));
        }
    }

    #[test]
    fn blame_points_at_the_argument_the_rule_is_about() {
        let mut p = Params::base(4096);
        p.offset = 1000;
        assert_eq!(blame(&p, 4096, &errno("mmap", "EINVAL")), [Key::Offset]);
        p.offset = 0;
        p.length = 0;
        assert_eq!(blame(&p, 4096, &errno("mmap", "EINVAL")), [Key::Length]);
        p.length = 4096;
        p.flags = flags::MAP_FIXED;
        p.addr = Addr::At(0x10000001);
        assert_eq!(
            blame(&p, 4096, &errno("mmap", "EINVAL")),
            [Key::Addr, Key::Flags]
        );
        let mut p = Params::base(4096);
        p.munmap_shift = 1;
        assert_eq!(
            blame(&p, 4096, &errno("munmap", "EINVAL")),
            [Key::MunmapShift]
        );
        assert_eq!(
            blame(&p, 4096, &errno("mmap", "EACCES")),
            [Key::Open, Key::Prot, Key::Flags]
        );
        assert_eq!(blame(&p, 4096, &errno("mmap", "EBADF")), [Key::File]);
        assert_eq!(blame(&p, 4096, &errno("mmap", "EEXIST")), [Key::Addr]);
        assert_eq!(blame(&p, 4096, &errno("mmap", "EOVERFLOW")), [Key::Offset]);
        p.rlimit_memlock = Some(0);
        assert_eq!(
            blame(&p, 4096, &errno("mmap", "EAGAIN")),
            [Key::Flags, Key::RlimitMemlock]
        );
        assert!(blame(&p, 4096, &Outcome::Ok).is_empty());
    }
}
