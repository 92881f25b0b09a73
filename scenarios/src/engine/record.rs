//! What a run produced, in the shape DESIGN.md's JSON contract fixes: every step with its real
//! call and result, the outcome, and the `/proc/self/maps` lines around the mapping.
//!
//! Everything here is read off the child's reports. The only judgement made is which report
//! decides the outcome: a signal that killed the child, else the first failing critical step.

use super::calls::{self, ValueNames};
use super::function::Function;
use super::ops::{self, CopyOp, Ended, LimitOp, MapOp, TouchOp};
use super::plan::{DescriptorOp, Limit, Op, Plan, Purpose, Side, Val};
use super::wire::{Kind, Report};
use crate::{errnos, flags};
use nix::errno::Errno;
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};

/// One step as it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// The C-like call with its real arguments.
    pub call: String,
    /// The real return value (`MAP_FAILED`, `-1`, `0x7f…`, `3`, …), or `—` if a signal struck.
    pub result: String,
    /// The errno when the call failed (its name in JSON).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "errno_name")]
    pub errno: Option<Errno>,
    /// The errno's number when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// The signal that struck during this step (its name in JSON).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "signal_name")]
    pub signal: Option<SignalNo>,
    /// `child` for steps run by the process the experiment forked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Why the engine added this step, when the student did not ask for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// How long the step took, for timed steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nanos: Option<u64>,
    /// The function (`mmap`, `munmap`, …).
    pub function: Function,
    /// The raw return value, if the step finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ret: Option<i64>,
}

/// How the experiment ended. In JSON: DESIGN.md's `outcome` object (`kind` plus the fields of
/// each kind, names as text), through [`OutcomeJson`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "OutcomeJson", try_from = "OutcomeJson")]
pub enum Outcome {
    /// Every critical step succeeded and no signal struck.
    Ok,
    /// A critical call failed.
    Errno {
        /// The function that failed.
        call: Function,
        /// What it said.
        errno: Errno,
    },
    /// A signal killed the experiment's process.
    Signal {
        /// The signal.
        signal: SignalNo,
        /// Index (in `steps`) of the step it interrupted.
        step: usize,
        /// That step's call.
        call: String,
    },
    /// The child ran past its deadline and was killed.
    Timeout {
        /// The deadline, in milliseconds.
        after_ms: u64,
    },
}

impl Outcome {
    /// The errno, when a call failed.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Outcome::Errno { errno, .. } => Some(*errno),
            _ => None,
        }
    }

    /// The signal, when one killed the experiment.
    pub fn signal(&self) -> Option<Signal> {
        match self {
            Outcome::Signal { signal, .. } => signal.known(),
            _ => None,
        }
    }
}

/// A signal as the kernel reported it: a number, named when it is a standard signal (a
/// real-time signal can only come from outside the lab, but it is still shown for what it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalNo(pub i32);

impl SignalNo {
    /// The standard signal, if it is one.
    pub fn known(self) -> Option<Signal> {
        Signal::try_from(self.0).ok()
    }

    /// `SIGBUS`, or `signal 40` for one without a name.
    pub fn name(self) -> String {
        self.known()
            .map_or_else(|| format!("signal {}", self.0), |s| s.as_str().to_string())
    }

    /// The signal called `name` (`SIGBUS`, or `signal N`).
    pub fn from_name(name: &str) -> Option<SignalNo> {
        if let Some(n) = name.strip_prefix("signal ") {
            return n.parse().ok().map(SignalNo);
        }
        name.parse::<Signal>().ok().map(|s| SignalNo(s as i32))
    }
}

impl From<Signal> for SignalNo {
    fn from(s: Signal) -> SignalNo {
        SignalNo(s as i32)
    }
}

impl std::fmt::Display for SignalNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// [`Outcome`] as DESIGN.md's JSON spells it: names and numbers as separate fields, the
/// errno's message from the C library.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OutcomeJson {
    /// See [`Outcome::Ok`].
    Ok,
    /// See [`Outcome::Errno`].
    Errno {
        /// The function that failed.
        call: String,
        /// `EINVAL` …
        errno: String,
        /// 22 …
        code: i32,
        /// `strerror`: "Invalid argument" …
        message: String,
    },
    /// See [`Outcome::Signal`].
    Signal {
        /// `SIGBUS` …
        signal: String,
        /// The number.
        number: i32,
        /// Index (in `steps`) of the step it interrupted.
        step: usize,
        /// That step's call.
        call: String,
    },
    /// See [`Outcome::Timeout`].
    Timeout {
        /// The deadline, in milliseconds.
        after_ms: u64,
    },
}

impl From<Outcome> for OutcomeJson {
    fn from(o: Outcome) -> OutcomeJson {
        match o {
            Outcome::Ok => OutcomeJson::Ok,
            Outcome::Errno { call, errno } => OutcomeJson::Errno {
                call: call.name().to_string(),
                errno: errnos::name(errno),
                code: errno as i32,
                message: errnos::message(errno),
            },
            Outcome::Signal { signal, step, call } => OutcomeJson::Signal {
                signal: signal.name(),
                number: signal.0,
                step,
                call,
            },
            Outcome::Timeout { after_ms } => OutcomeJson::Timeout { after_ms },
        }
    }
}

impl TryFrom<OutcomeJson> for Outcome {
    type Error = String;

    fn try_from(o: OutcomeJson) -> Result<Outcome, String> {
        Ok(match o {
            OutcomeJson::Ok => Outcome::Ok,
            OutcomeJson::Errno { call, code, .. } => Outcome::Errno {
                call: Function::from_name(&call).ok_or(format!("unknown function `{call}`"))?,
                errno: Errno::from_raw(code),
            },
            OutcomeJson::Signal {
                number, step, call, ..
            } => Outcome::Signal {
                signal: SignalNo(number),
                step,
                call,
            },
            OutcomeJson::Timeout { after_ms } => Outcome::Timeout { after_ms },
        })
    }
}

/// `StepRecord::errno` as its name in JSON.
mod errno_name {
    use crate::errnos;
    use nix::errno::Errno;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(e: &Option<Errno>, s: S) -> Result<S::Ok, S::Error> {
        match e {
            Some(e) => s.serialize_str(&errnos::name(*e)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Errno>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        name.map(|n| {
            errnos::from_name(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown errno `{n}`")))
        })
        .transpose()
    }
}

/// `StepRecord::signal` as its name in JSON.
mod signal_name {
    use super::SignalNo;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(sig: &Option<SignalNo>, s: S) -> Result<S::Ok, S::Error> {
        match sig {
            Some(sig) => s.serialize_str(&sig.name()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SignalNo>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        name.map(|n| {
            SignalNo::from_name(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown signal `{n}`")))
        })
        .transpose()
    }
}

/// `/proc/self/maps` lines near the mapping, captured by the child after some step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapsSnapshot {
    /// The function of the step just before the capture (`mmap`, `munmap`).
    pub after: String,
    /// The lines whose range lies near the mapping.
    pub lines: Vec<String>,
}

/// What a write did to the file, when the experiment read the file back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCheck {
    /// Byte offset in the file.
    pub offset: u64,
    /// The byte written through the mapping.
    pub written: u8,
    /// The byte the file holds afterwards (read with a fresh `pread`).
    pub in_file: u8,
    /// Whether the write reached the file.
    pub reached_file: bool,
}

/// Speed of the three copies in `mmap-copy`, MiB per second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Through two mappings, a window at a time.
    pub mmap: f64,
    /// With `read` and `write` through a buffer.
    pub read_write: f64,
    /// With `copy_file_range`, in the kernel.
    pub copy_file_range: f64,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// `sysconf(_SC_PAGESIZE)`.
    pub page_size: u64,
    /// Whether the lab ran as root: some answers (MAP_LOCKED beyond RLIMIT_MEMLOCK) differ.
    pub privileged: bool,
    /// The steps that started, in order.
    pub steps: Vec<StepRecord>,
    /// How it ended.
    pub outcome: Outcome,
    /// `/proc/self/maps` captures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maps: Vec<MapsSnapshot>,
    /// The mapping's address, when mmap succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping_addr: Option<u64>,
    /// A write read back from the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_check: Option<FileCheck>,
    /// What the forked child read from shared memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_read: Option<String>,
    /// For copies: whether the copy matched the source byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_identical: Option<bool>,
    /// For copies that differ: the offset of the first byte that differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_differs_at: Option<u64>,
    /// Whether the experiment locks memory (`MAP_LOCKED`, `RLIMIT_MEMLOCK`): there root's
    /// `CAP_IPC_LOCK` changes the kernel's answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locks_memory: bool,
    /// For copies: MiB/s of each method.
    #[serde(
        default,
        rename = "throughput_mib_s",
        skip_serializing_if = "Option::is_none"
    )]
    pub throughput: Option<Throughput>,
    /// Wall time of the child, microseconds.
    pub elapsed_us: u64,
    /// The child's peak resident memory in KiB (`wait4`'s `ru_maxrss`). Forked children
    /// start from the parent's size, so this includes what the parent had resident.
    #[serde(default)]
    pub child_max_rss_kib: u64,
}

/// What the parent learned about one plan step.
#[derive(Debug, Default, Clone)]
struct Seen {
    begun: bool,
    end: Option<(i64, i64, i32)>,
    payload: Vec<u8>,
    nanos: Option<u64>,
}

/// How the child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Normal,
    Signal(i32),
    Timeout,
}

/// Build the record of a run from the child's reports and its exit.
pub(crate) fn build(
    plan: &Plan,
    reports: Vec<Report>,
    exit: Exit,
    page_size: u64,
    privileged: bool,
    elapsed_us: u64,
) -> Run {
    let mut seen = vec![Seen::default(); plan.steps.len()];
    for r in reports {
        let Some(s) = seen.get_mut(r.header.step as usize) else {
            continue;
        };
        match r.kind {
            Kind::Begin => s.begun = true,
            Kind::End => s.end = Some((r.header.ret, r.header.aux, r.header.errno)),
            Kind::Payload => s.payload.extend_from_slice(&r.payload),
            Kind::Nanos => s.nanos = Some(r.header.ret.max(0) as u64),
        }
    }
    let results: Vec<Option<(i64, i64)>> =
        seen.iter().map(|s| s.end.map(|(r, a, _)| (r, a))).collect();
    let namer = Namer {
        plan,
        results: &results,
    };

    // The step a signal interrupted: the last one the experiment's own process began and
    // did not finish (steps of a forked child are that child's business).
    let interrupted = match exit {
        Exit::Signal(_) => seen
            .iter()
            .enumerate()
            .rev()
            .find(|(i, s)| s.begun && s.end.is_none() && plan.steps[*i].side == Side::Parent)
            .map(|(i, _)| i),
        _ => None,
    };

    let mut steps = Vec::new();
    let mut maps = Vec::new();
    let mut outcome = None;
    for (i, (step, s)) in plan.steps.iter().zip(&seen).enumerate() {
        if !s.begun {
            continue;
        }
        let mut rec = StepRecord {
            call: calls::call(&step.op, &namer).text(),
            result: "—".to_string(),
            errno: None,
            code: None,
            signal: None,
            process: (step.side == Side::Child).then(|| "child".to_string()),
            purpose: step.purpose,
            nanos: s.nanos,
            function: step.op.function(),
            ret: s.end.map(|e| e.0),
        };
        match s.end {
            Some((ret, aux, e)) => {
                rec.result = step.op.family().result(&Ended {
                    ret,
                    aux,
                    errno: e,
                    payload: &s.payload,
                });
                if e != 0 {
                    let errno = Errno::from_raw(e);
                    rec.errno = Some(errno);
                    rec.code = Some(e);
                    if step.critical && outcome.is_none() {
                        outcome = Some(Outcome::Errno {
                            call: step.op.function(),
                            errno,
                        });
                    }
                }
            }
            None => {
                if let (Some(at), Exit::Signal(sig)) = (interrupted, exit) {
                    if at == i {
                        rec.signal = Some(SignalNo(sig));
                        outcome = Some(Outcome::Signal {
                            signal: SignalNo(sig),
                            step: steps.len(),
                            call: rec.call.clone(),
                        });
                    }
                }
            }
        }
        if let Op::Map(MapOp::Maps) = step.op {
            // Named after the last call the student asked for: a step the engine added just
            // before the capture (the hole after a mapping) is not what it shows.
            let after = plan.steps[..i]
                .iter()
                .rev()
                .find(|s| !matches!(s.op, Op::Map(MapOp::Maps)) && s.purpose.is_none())
                .map_or("start", |s| s.op.function().name());
            maps.push(MapsSnapshot {
                after: after.to_string(),
                lines: namer.maps_lines(&s.payload, page_size, plan),
            });
        }
        steps.push(rec);
    }

    let outcome = match exit {
        Exit::Timeout => Outcome::Timeout {
            after_ms: plan.deadline.as_millis() as u64,
        },
        Exit::Signal(sig) if outcome.is_none() => Outcome::Signal {
            signal: SignalNo(sig),
            step: steps.len().saturating_sub(1),
            call: steps.last().map(|s| s.call.clone()).unwrap_or_default(),
        },
        _ => outcome.unwrap_or(Outcome::Ok),
    };

    // A comparison returns 0 when the files are identical, else the first difference + 1.
    let compared = plan
        .steps
        .iter()
        .zip(&results)
        .find_map(|(st, r)| matches!(st.op, Op::Copy(CopyOp::Compare { .. })).then_some(*r))
        .flatten()
        .map(|r| r.0);

    Run {
        page_size,
        privileged,
        mapping_addr: plan
            .mapping_step
            .and_then(|i| results.get(i).copied().flatten())
            .and_then(|(r, _)| (r != -1).then_some(r as u64)),
        file_check: file_check(plan, &results),
        child_read: plan.steps.iter().zip(&seen).find_map(|(st, s)| {
            matches!(st.op, Op::Touch(TouchOp::ReadText { .. }))
                .then(|| s.end.is_some().then(|| text_of(&s.payload)))
                .flatten()
        }),
        copy_identical: compared.map(|r| r == 0),
        copy_differs_at: compared.filter(|&r| r > 0).map(|r| r as u64 - 1),
        locks_memory: plan.steps.iter().any(|st| match st.op {
            Op::Map(MapOp::Mmap { flags, .. }) => flags & flags::MAP_LOCKED != 0,
            Op::Limit(LimitOp::SetRlimit { limit, .. }) => limit == Limit::Memlock,
            _ => false,
        }),
        throughput: throughput(plan, &seen),
        steps,
        outcome,
        maps,
        elapsed_us,
        child_max_rss_kib: 0,
    }
}

/// The text in a payload up to its first NUL.
pub(crate) fn text_of(payload: &[u8]) -> String {
    let end = payload
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(payload.len());
    String::from_utf8_lossy(&payload[..end]).into_owned()
}

/// A write through the mapping followed by a read of the file at the same offset.
fn file_check(plan: &Plan, results: &[Option<(i64, i64)>]) -> Option<FileCheck> {
    let (check_at, offset) = plan
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| match s.op {
            Op::Descriptor(DescriptorOp::ReadFileByte { offset, .. }) => Some((i, offset)),
            _ => None,
        })?;
    let in_file = results.get(check_at).copied().flatten()?.0;
    let written = plan.steps[..check_at]
        .iter()
        .zip(results)
        .find_map(|(s, r)| match s.op {
            Op::Touch(TouchOp::Byte {
                write: true, value, ..
            }) => r.map(|_| value),
            _ => None,
        })?;
    (in_file >= 0).then_some(FileCheck {
        offset,
        written,
        in_file: in_file as u8,
        reached_file: in_file as u8 == written,
    })
}

fn throughput(plan: &Plan, seen: &[Seen]) -> Option<Throughput> {
    let rate = |want: fn(&Op) -> bool| {
        plan.steps.iter().zip(seen).find_map(|(st, s)| {
            let (ret, _, e) = s.end?;
            (want(&st.op) && e == 0 && ret > 0).then(|| {
                let secs = s.nanos.unwrap_or(1).max(1) as f64 / 1e9;
                (ret as f64 / (1u64 << 20) as f64 / secs * 10.0).round() / 10.0
            })
        })
    };
    Some(Throughput {
        mmap: rate(|o| matches!(o, Op::Copy(CopyOp::Mmap { .. })))?,
        read_write: rate(|o| matches!(o, Op::Copy(CopyOp::ReadWrite { .. })))?,
        copy_file_range: rate(|o| matches!(o, Op::Copy(CopyOp::FileRange { .. })))?,
    })
}

/// Renders calls and results with the values the child really used.
struct Namer<'a> {
    plan: &'a Plan,
    results: &'a [Option<(i64, i64)>],
}

impl Namer<'_> {
    fn ret(&self, i: usize) -> Option<(i64, i64)> {
        self.results.get(i).copied().flatten()
    }

    /// The lines of `/proc/self/maps` that overlap the neighbourhood of the mapping.
    fn maps_lines(&self, payload: &[u8], page: u64, plan: &Plan) -> Vec<String> {
        let Some(addr) = plan
            .mapping_step
            .and_then(|i| self.ret(i))
            .and_then(|(r, _)| (r != -1).then_some(r as u64))
        else {
            return Vec::new();
        };
        let reach = ops::map::reach(plan);
        let window = |addr: u64, reach: u64| {
            let lo = addr.saturating_sub(2 * page);
            let hi = addr
                .saturating_add(reach.div_ceil(page.max(1)).saturating_mul(page))
                .saturating_add(2 * page);
            (lo, hi)
        };
        let mut windows = vec![window(addr, reach)];
        // A mapping mremap moved lives somewhere else now: keep the lines there too.
        for (i, step) in plan.steps.iter().enumerate() {
            if let Op::Map(MapOp::Mremap { new_length, .. }) = step.op {
                if let Some((r, _)) = self.ret(i).filter(|&(r, _)| r != -1) {
                    windows.push(window(r as u64, new_length));
                }
            }
        }
        String::from_utf8_lossy(payload)
            .lines()
            .filter(|line| {
                let Some((range, _)) = line.split_once(' ') else {
                    return false;
                };
                let Some((a, b)) = range.split_once('-') else {
                    return false;
                };
                match (u64::from_str_radix(a, 16), u64::from_str_radix(b, 16)) {
                    (Ok(a), Ok(b)) => windows.iter().any(|&(lo, hi)| a < hi && b > lo),
                    _ => false,
                }
            })
            .map(str::to_string)
            .collect()
    }
}

impl ValueNames for Namer<'_> {
    /// An address argument: `ptr` for the mapping (its value is on the mmap line), else hex.
    fn addr(&self, v: Val) -> String {
        let base = |i: usize| -> String {
            if Some(i) == self.plan.mapping_step {
                return "ptr".to_string();
            }
            match self.ret(i) {
                Some((r, _)) => format!("{:#x}", r as u64),
                None => "?".to_string(),
            }
        };
        match v {
            Val::Lit(0) => "NULL".to_string(),
            Val::Lit(x) => format!("{:#x}", x as u64),
            Val::Ret(i) => base(i),
            Val::RetPlus(i, d) if Some(i) == self.plan.mapping_step => {
                if d < 0 {
                    format!("ptr - {}", d.unsigned_abs())
                } else {
                    format!("ptr + {d}")
                }
            }
            Val::RetPlus(i, d) => match self.ret(i) {
                Some((r, _)) => format!("{:#x}", r.wrapping_add(d) as u64),
                None => "?".to_string(),
            },
            Val::Aux(i) => self.ret(i).map_or("?".to_string(), |r| r.1.to_string()),
        }
    }

    /// A number argument (descriptors, pids): the real value.
    fn num(&self, v: Val) -> String {
        match v {
            Val::Lit(x) => x.to_string(),
            Val::Ret(i) => self.ret(i).map_or("?".to_string(), |r| r.0.to_string()),
            Val::RetPlus(i, d) => self
                .ret(i)
                .map_or("?".to_string(), |r| r.0.wrapping_add(d).to_string()),
            Val::Aux(i) => self.ret(i).map_or("?".to_string(), |r| r.1.to_string()),
        }
    }
}
