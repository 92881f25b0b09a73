//! Building the record of a run from the child's reports and its exit: each step's real call
//! and result, the outcome, the ranges touched, the speeds, the warnings.

use super::findings::{resolved, warnings, Seen};
use super::model::{
    median, warm, CostRuns, Exit, Faults, FileCheck, MapsSnapshot, Run, RunCost, StepRecord,
    Throughput, ThroughputRuns,
};
use super::outcome::Outcome;
use super::syscall::{AnsweredBy, Syscall};

use crate::engine::calls::ValueNames;
use crate::engine::environment::{Capability, Environment};
use crate::engine::function::Function;
use crate::engine::ops::touch::text_of;
use crate::engine::ops::{self, CopyOp, Ended, LimitOp, MapOp, TouchOp};
use crate::engine::plan::{DescriptorOp, Limit, Op, Plan, Purpose, Side, Val};
use crate::engine::regions::maps_range;
use crate::engine::regions::{self, Landmark, Layout, OwnRegion, Region, Touched};
use crate::engine::signals::{self, SignalDetail, SignalNo};
use crate::engine::wire::{Kind, Report};
use crate::engine::witness;
use crate::flags;
use nix::errno::Errno;

/// Build the record of a run from the child's reports and its exit.
///
/// Long on purpose: one pass that fills the record in order, each part reading what the
/// parts before it worked out (the steps seen, the regions named, the fault) through closures
/// over them; as separate functions each would take most of them as parameters.
pub(crate) fn build(
    plan: &Plan,
    reports: Vec<Report>,
    exit: Exit,
    page_size: u64,
    env: &Environment,
    elapsed_us: u64,
    calls: Option<&[witness::Seen]>,
) -> Run {
    let mut seen = vec![Seen::default(); plan.steps.len()];
    // The fault the child's handler reported: (step, signal, si_code, address).
    let mut fault = None;
    // The child's landmarks, `(id, addr, len)`, and the step that clobbered one of them:
    // `(step, first byte, landmark)`.
    let mut landmarks = Vec::new();
    let mut clobbered = None;
    for r in reports {
        let h = r.header;
        match r.kind {
            Kind::Landmark => {
                landmarks.push((h.step, h.ret as u64, h.aux as u64));
                continue;
            }
            Kind::Clobbered => {
                clobbered = Some((h.step as usize, h.ret as u64, h.aux as u32));
                continue;
            }
            _ => {}
        }
        let Some(s) = seen.get_mut(h.step as usize) else {
            continue;
        };
        match r.kind {
            Kind::Begin => s.begun = true,
            Kind::End => s.end = Some((h.ret, h.aux, h.errno)),
            Kind::Payload => s.payload.extend_from_slice(&r.payload),
            Kind::Nanos => s.nanos.push(h.ret.max(0) as u64),
            Kind::RunCost => s.costs.push(RunCost {
                minor_faults: h.ret.max(0) as u64,
                major_faults: h.aux.max(0) as u64,
                syscalls: h.errno.max(0) as u64,
            }),
            Kind::Faults => {
                s.faults = Some(Faults {
                    minor: h.ret.max(0) as u64,
                    major: h.aux.max(0) as u64,
                })
            }
            Kind::Fault => fault = Some((h.step as usize, h.errno, h.aux as i32, h.ret as u64)),
            Kind::Witness | Kind::Landmark | Kind::Clobbered => {}
        }
    }
    let mapping_addr = plan
        .mapping_step
        .and_then(|i| seen.get(i)?.end)
        .and_then(|(r, _, e)| (e == 0 && r != -1).then_some(r as u64));
    // The program's and the libraries' regions are named after their files.
    let own: Vec<OwnRegion> = regions::own_regions(&landmarks, page_size)
        .into_iter()
        .map(|mut o| {
            if matches!(o.what, Region::Program | Region::CLibrary | Region::Library) {
                o.name = crate::engine::image_name(o.start);
            }
            o
        })
        .collect();
    // The last maps the child captured before step `at`.
    let capture_before = |at: usize| {
        plan.steps[..at.min(plan.steps.len())]
            .iter()
            .zip(&seen)
            .rev()
            .find(|(st, s)| matches!(st.op, Op::Map(MapOp::Maps)) && s.end.is_some())
            .map(|(_, s)| String::from_utf8_lossy(&s.payload).into_owned())
    };
    let experiment_before = |at: usize| experiment_ranges(plan, &seen, at, page_size);
    // Steps whose own system call the witness saw succeed, though the step did not get to
    // report its end (a signal struck right after the call returned).
    // Without the witness, a fault during such a step at an address inside the range it
    // takes away says the same: a system call faults on no address of its arguments (it
    // fails with EFAULT), so the call had returned and the memory there was gone.
    let returned: Vec<bool> = (0..plan.steps.len())
        .map(|i| {
            let name = plan.steps[i].op.function().name();
            let witnessed = calls
                .into_iter()
                .flatten()
                .any(|c| c.step == i && c.call.name == name && c.call.ret >= 0);
            let faulted_inside = fault.is_some_and(|(at, _, _, addr)| {
                at == i
                    && plan.steps[i]
                        .op
                        .takes_away(|v| resolved(v, &seen).unwrap_or(0))
                        .is_some_and(|(lo, len, _)| {
                            let page = page_size.max(1);
                            lo <= addr && addr < lo.saturating_add(len.div_ceil(page) * page)
                        })
            });
            witnessed || faulted_inside
        })
        .collect();
    // What step `i` touched, unmapped or replaced, part by part (see `regions`).
    let touched = |i: usize| -> Vec<Touched> {
        let Some(((lo, hi), removes)) = reach_of(plan, &seen, &returned, i, page_size) else {
            return Vec::new();
        };
        let maps = capture_before(i);
        let experiment = experiment_before(i);
        let layout = Layout {
            own: &own,
            experiment: &experiment,
            maps: maps.as_deref(),
        };
        let mut parts = layout.split(lo, hi);
        if removes {
            parts.retain(|t| t.what != Region::NotMapped);
        }
        parts
    };
    // The fault in full, for the signal that ended the run: what the handler saw, and what
    // the last maps the child captured before that step say was at the address.
    let detail = |sig: i32| -> Option<SignalDetail> {
        let (at, _, code, addr) = fault.filter(|f| f.1 == sig)?;
        let maps = capture_before(at);
        let page = page_size.max(1);
        let mapping = mapping_addr.map(|a| (a, plan.mapping_len.div_ceil(page) * page));
        let guard = plan
            .steps
            .iter()
            .any(|st| st.purpose == Some(Purpose::GuardReserve));
        let experiment = experiment_before(at);
        let layout = Layout {
            own: &own,
            experiment: &experiment,
            maps: maps.as_deref(),
        };
        let named = layout.what_at(addr);
        let mut hit = maps
            .as_deref()
            .map(|m| signals::classify(m, addr, mapping, guard));
        if let (Some(h), Some((what, name, _))) = (hit.as_mut(), &named) {
            h.what = Some(*what);
            h.name.clone_from(name);
        }
        // The step's own access is the touch of its own range; any other fault at the
        // process's own pages comes from the code around the step (the lab's, the C
        // library's), running after the step's system call returned.
        let targeted = touch_range(plan, &seen, at).is_some_and(|(lo, hi)| lo <= addr && addr < hi);
        // The step that took away the memory at the address (this one: its call returned).
        let caused_by = (0..=at.min(plan.steps.len().saturating_sub(1)))
            .rev()
            .find(|&j| {
                reach_of(plan, &seen, &returned, j, page_size)
                    .is_some_and(|((lo, hi), removes)| removes && lo <= addr && addr < hi)
            });
        let gone_own = caused_by.is_some_and(|j| {
            touched(j)
                .iter()
                .any(|t| t.what.own() && t.start <= addr && addr < t.end)
        });
        let own_hit = named.as_ref().is_some_and(|(w, _, _)| w.own()) || gone_own;
        Some(SignalDetail {
            code,
            addr,
            ptr_offset: mapping_addr.map(|m| addr.wrapping_sub(m) as i64),
            hit,
            in_lab_code: own_hit && !targeted,
            caused_by: caused_by.filter(|_| own_hit && !targeted),
        })
    };
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
    let mut record_index = vec![None; plan.steps.len()];
    for (i, (step, s)) in plan.steps.iter().zip(&seen).enumerate() {
        if !s.begun {
            continue;
        }
        record_index[i] = Some(steps.len());
        let mut rec = StepRecord {
            call: step.op.call(&namer).text(),
            result: "—".to_string(),
            errno: None,
            code: None,
            signal: None,
            process: (step.side == Side::Child).then(|| "child".to_string()),
            purpose: step.purpose,
            nanos: median_nanos(&s.nanos),
            run_nanos: if s.nanos.len() > 1 {
                s.nanos.clone()
            } else {
                Vec::new()
            },
            faults: s.faults,
            syscalls: None,
            answered_by: None,
            function: step.op.function(),
            ret: s.end.map(|e| e.0),
            touched: if s.begun { touched(i) } else { Vec::new() },
            pages: Vec::new(),
            smaps: None,
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
                        // The call that got the errno, as the witness saw it (a step may
                        // make several: a read/write copy, an lseek then a write).
                        let got_it = calls
                            .into_iter()
                            .flatten()
                            .filter(|c| c.step == i && c.call.ret == -i64::from(e))
                            .find_map(|c| Function::from_name(&c.call.name));
                        outcome = Some(Outcome::Errno {
                            call: got_it.unwrap_or(step.op.family().failed_function(aux)),
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
                            detail: detail(sig),
                        });
                    }
                }
            }
        }
        if let (Some(calls), true) = (calls, witness::traces(plan, i)) {
            let made: Vec<Syscall> = calls
                .iter()
                .filter(|c| c.step == i)
                .map(|c| c.call.clone())
                .collect();
            let failed = s.end.is_some_and(|e| e.2 != 0);
            rec.answered_by = Some(if !made.is_empty() {
                AnsweredBy::Kernel
            } else if failed {
                AnsweredBy::Libc
            } else {
                AnsweredBy::None
            });
            let bookkeeping = matches!(step.op, Op::Map(MapOp::Maps));
            if !bookkeeping {
                rec.syscalls = Some(made);
            } else {
                rec.answered_by = None;
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

    // The signal detail names the step that caused a fault by its index in the plan: in the
    // record, steps are counted among those that ran.
    if let Some(Outcome::Signal {
        detail: Some(d), ..
    }) = outcome.as_mut()
    {
        d.caused_by = d
            .caused_by
            .and_then(|j| record_index.get(j).copied().flatten());
    }
    // How many bytes of the process's own memory a step took away, all regions.
    let own_bytes = |rec: &StepRecord| -> u64 {
        rec.touched
            .iter()
            .filter(|t| t.what.own())
            .map(|t| t.end - t.start)
            .sum()
    };
    let clobbered = clobbered.and_then(|(i, addr, id)| {
        let at = record_index.get(i).copied().flatten()?;
        let rec = steps.get(at)?;
        Some(Outcome::Clobbered {
            step: at,
            call: rec.call.clone(),
            what: Landmark::from_u32(id).map_or(Region::Plan, Landmark::region),
            addr,
            bytes: own_bytes(rec),
        })
    });
    // The child stops itself after a step that took away its image, and says so; if that
    // step took away what the child needed to say it (the C library's code, say), the record
    // tells the same from what the step's range held.
    let clobbered = clobbered.or_else(|| {
        steps.iter().enumerate().find_map(|(at, rec)| {
            if !matches!(rec.function, Function::Mmap | Function::Munmap) {
                return None;
            }
            let image: Vec<&Touched> = rec.touched.iter().filter(|t| t.what.image()).collect();
            let first = image.first()?;
            Some(Outcome::Clobbered {
                step: at,
                call: rec.call.clone(),
                what: first.what,
                addr: first.start,
                bytes: own_bytes(rec),
            })
        })
    });
    let outcome = match exit {
        _ if clobbered.is_some() => clobbered.unwrap_or(Outcome::Ok),
        Exit::Timeout => Outcome::Timeout {
            after_ms: plan.deadline.as_millis() as u64,
        },
        Exit::Signal(sig) if outcome.is_none() => Outcome::Signal {
            signal: SignalNo(sig),
            step: steps.len().saturating_sub(1),
            call: steps.last().map(|s| s.call.clone()).unwrap_or_default(),
            detail: detail(sig).map(|mut d| {
                d.caused_by = d
                    .caused_by
                    .and_then(|j| record_index.get(j).copied().flatten());
                d
            }),
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

    let privileged_by = capabilities_at_stake(plan, env);
    let runs = throughput_runs(plan, &seen);
    Run {
        page_size,
        privileged: !privileged_by.is_empty(),
        privileged_by,
        environment: env.clone(),
        witness: String::new(),
        witness_off: None,
        mapping_addr,
        file_check: file_check(plan, &results),
        // Only the forked child's reading is "the child read": the experiment's own process
        // may read text through its mapping too (write-vs-mapping), and that is a step result.
        child_read: plan.steps.iter().zip(&seen).find_map(|(st, s)| {
            (matches!(st.op, Op::Touch(TouchOp::ReadText { .. })) && st.side == Side::Child)
                .then(|| s.end.is_some().then(|| text_of(&s.payload)))
                .flatten()
        }),
        tally: None,
        copy_identical: compared.map(|r| r == 0),
        copy_differs_at: compared.filter(|&r| r > 0).map(|r| r as u64 - 1),
        locks_memory: plan.steps.iter().any(|st| match st.op {
            Op::Map(MapOp::Mmap { flags, .. }) => flags & flags::MAP_LOCKED != 0,
            Op::Limit(LimitOp::SetRlimit { limit, .. }) => limit == Limit::Memlock,
            _ => false,
        }),
        cost_runs: cost_runs(plan, &seen),
        // The cold first run is left out of the median (it is in `throughput_runs`).
        throughput: runs.as_ref().and_then(|r| {
            let [mmap, read_write, copy_file_range, mmap_write] =
                r.methods().map(|xs| median(warm(xs)));
            Some(Throughput {
                mmap: round1(mmap?),
                read_write: round1(read_write?),
                copy_file_range: round1(copy_file_range?),
                mmap_write: Some(round1(mmap_write?)),
            })
        }),
        throughput_runs: runs,
        warnings: warnings(plan, &seen, &record_index),
        steps,
        outcome,
        maps,
        own_regions: own,
        file_size_after: None,
        fs_free_bytes: None,
        elapsed_us,
        child_max_rss_kib: 0,
        boundaries: Vec::new(),
        held: None,
    }
}

/// The experiment's own mappings made before step `at`, most specific first: the mapping,
/// the guard reservation around it, the others (reservations, neighbours, `existing`).
fn experiment_ranges(plan: &Plan, seen: &[Seen], at: usize, page: u64) -> Vec<(u64, u64, Region)> {
    let page = page.max(1);
    let pages = |len: u64| crate::engine::plan::round_up(len, page);
    let mut out: Vec<(u64, u64, Region)> = Vec::new();
    for (j, st) in plan.steps.iter().enumerate().take(at) {
        let Some((ret, _, 0)) = seen.get(j).and_then(|s| s.end) else {
            continue;
        };
        // A mapping mremap moved or resized is where mremap returned, as long as it asked
        // for: reads after a move are of the mapping, not of whatever is left at its old
        // address. With MREMAP_DONTUNMAP the old range stays the experiment's, emptied.
        if let Op::Map(MapOp::Mremap {
            addr,
            new_length,
            flags: how,
            ..
        }) = st.op
        {
            let Some(old) = resolved(addr, seen).map(|a| a as u64) else {
                continue;
            };
            // The mapping itself when a reservation starts at the same address.
            let found = out
                .iter()
                .enumerate()
                .filter(|(_, r)| r.0 == old)
                .min_by_key(|(_, r)| r.2 != Region::Mapping)
                .map(|(k, _)| k);
            if let Some(k) = found {
                let (lo, hi, what) = out[k];
                if how & flags::MREMAP_DONTUNMAP != 0 {
                    out[k] = (lo, hi, Region::Experiment);
                } else {
                    out.remove(k);
                }
                let new = ret as u64;
                out.push((new, new.saturating_add(pages(new_length)), what));
            }
            continue;
        }
        let Op::Map(MapOp::Mmap { length, .. }) = st.op else {
            continue;
        };
        let lo = ret as u64;
        let hi = lo.saturating_add(pages(length));
        let what = if Some(j) == plan.mapping_step {
            Region::Mapping
        } else if st.purpose == Some(Purpose::GuardReserve) {
            Region::Guard
        } else {
            Region::Experiment
        };
        out.push((lo, hi, what));
    }
    out.sort_by_key(|r| match r.2 {
        Region::Mapping => 0,
        Region::Guard => 1,
        _ => 2,
    });
    out
}

/// The bytes a touch step reads or writes, from the values its arguments had.
fn touch_range(plan: &Plan, seen: &[Seen], i: usize) -> Option<(u64, u64)> {
    let (addr, len) = match plan.steps.get(i)?.op {
        Op::Touch(TouchOp::Byte { addr, .. }) => (addr, 1),
        Op::Touch(TouchOp::WriteText { addr, text }) => (addr, text.len() as u64 + 1),
        Op::Touch(TouchOp::ReadText { addr, len }) => (addr, len),
        _ => return None,
    };
    let a = resolved(addr, seen)? as u64;
    Some((a, a.saturating_add(len.max(1))))
}

/// What step `i` reached, and whether it took it away: the bytes a touch touched, or the
/// whole pages a successful `munmap` removed or `MAP_FIXED` replaced.
fn reach_of(
    plan: &Plan,
    seen: &[Seen],
    returned: &[bool],
    i: usize,
    page: u64,
) -> Option<((u64, u64), bool)> {
    if let Some(r) = touch_range(plan, seen, i) {
        return Some((r, false));
    }
    let succeeded = match seen.get(i)?.end {
        Some((_, _, e)) => e == 0,
        None => returned.get(i).copied().unwrap_or(false),
    };
    if !succeeded {
        return None;
    }
    let (addr, len, _) = plan
        .steps
        .get(i)?
        .op
        .takes_away(|v| resolved(v, seen).unwrap_or(0))?;
    let page = page.max(1);
    Some(((addr, addr.saturating_add(len.div_ceil(page) * page)), true))
}

/// The capabilities the process holds that could change this plan's answers.
fn capabilities_at_stake(plan: &Plan, env: &Environment) -> Vec<Capability> {
    let min_addr = env.sysctl.get("vm.mmap_min_addr").copied().unwrap_or(0);
    let needs = |cap: Capability| {
        plan.steps.iter().any(|st| match (&st.op, cap) {
            (Op::Map(MapOp::Mmap { flags, .. }), Capability::IpcLock) => {
                flags & flags::MAP_LOCKED != 0
            }
            (Op::Limit(LimitOp::SetRlimit { limit, .. }), Capability::IpcLock) => {
                *limit == Limit::Memlock
            }
            // Raising a limit above its hard limit needs CAP_SYS_RESOURCE.
            (Op::Limit(LimitOp::SetRlimit { .. }), Capability::SysResource) => true,
            (
                Op::Map(MapOp::Mmap {
                    addr: Val::Lit(a),
                    flags,
                    ..
                }),
                Capability::SysRawio,
            ) => {
                flags & (flags::MAP_FIXED | flags::MAP_FIXED_NOREPLACE) != 0
                    && (*a as u64) < min_addr
            }
            _ => false,
        })
    };
    Capability::ALL
        .into_iter()
        .filter(|c| env.has(*c) && needs(*c))
        .collect()
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

/// MiB/s to one decimal, as the record stores them.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A timed step's median run (the upper middle one for an even count: a time that was
/// really measured).
fn median_nanos(runs: &[u64]) -> Option<u64> {
    let mut v = runs.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

/// Each run's speed of each copy, from the bytes the step copied and each run's time: only
/// when all three copies finished and copied something.
fn throughput_runs(plan: &Plan, seen: &[Seen]) -> Option<ThroughputRuns> {
    let rates = |want: fn(&Op) -> bool| {
        plan.steps.iter().zip(seen).find_map(|(st, s)| {
            let (ret, _, e) = s.end?;
            (want(&st.op) && e == 0 && ret > 0 && !s.nanos.is_empty()).then(|| {
                s.nanos
                    .iter()
                    .map(|&ns| round1(ret as f64 / (1u64 << 20) as f64 / (ns.max(1) as f64 / 1e9)))
                    .collect::<Vec<f64>>()
            })
        })
    };
    Some(ThroughputRuns {
        mmap: rates(|o| matches!(o, Op::Copy(CopyOp::Mmap { .. })))?,
        read_write: rates(|o| matches!(o, Op::Copy(CopyOp::ReadWrite { .. })))?,
        copy_file_range: rates(|o| matches!(o, Op::Copy(CopyOp::FileRange { .. })))?,
        mmap_write: rates(|o| matches!(o, Op::Copy(CopyOp::MmapWrite { .. })))?,
    })
}

/// Each run's cost of each copy, beside [`throughput_runs`] and under the same condition.
fn cost_runs(plan: &Plan, seen: &[Seen]) -> Option<CostRuns> {
    let costs = |want: fn(&Op) -> bool| {
        plan.steps.iter().zip(seen).find_map(|(st, s)| {
            let (ret, _, e) = s.end?;
            (want(&st.op) && e == 0 && ret > 0 && !s.costs.is_empty()).then(|| s.costs.clone())
        })
    };
    Some(CostRuns {
        mmap: costs(|o| matches!(o, Op::Copy(CopyOp::Mmap { .. })))?,
        read_write: costs(|o| matches!(o, Op::Copy(CopyOp::ReadWrite { .. })))?,
        copy_file_range: costs(|o| matches!(o, Op::Copy(CopyOp::FileRange { .. })))?,
        mmap_write: costs(|o| matches!(o, Op::Copy(CopyOp::MmapWrite { .. })))?,
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

    /// The lines of `/proc/self/maps` that overlap the neighbourhood of the mapping: where it
    /// was made or, when the mmap failed, where it was asked for at an address an earlier step
    /// returned (`MAP_FIXED_NOREPLACE` over an existing mapping).
    fn maps_lines(&self, payload: &[u8], page: u64, plan: &Plan) -> Vec<String> {
        let made = |i: usize| self.ret(i).and_then(|(r, _)| (r != -1).then_some(r as u64));
        let asked = |i: usize| match plan.steps.get(i).map(|s| &s.op) {
            Some(Op::Map(MapOp::Mmap {
                addr: Val::Ret(j), ..
            })) => made(*j),
            _ => None,
        };
        let Some(addr) = plan.mapping_step.and_then(|i| made(i).or_else(|| asked(i))) else {
            return Vec::new();
        };
        let (below, above) = plan.capture_window(page);
        let window =
            |addr: u64, above: u64| (addr.saturating_sub(below), addr.saturating_add(above));
        let mut windows = vec![window(addr, above)];
        // A mapping mremap moved lives somewhere else now: keep the lines there too.
        for (i, step) in plan.steps.iter().enumerate() {
            if let Op::Map(MapOp::Mremap { new_length, .. }) = step.op {
                if let Some((r, _)) = self.ret(i).filter(|&(r, _)| r != -1) {
                    windows.push(window(r as u64, ops::map::capture_margin(new_length, page)));
                }
            }
        }
        String::from_utf8_lossy(payload)
            .lines()
            .filter(|line| {
                maps_range(line)
                    .is_some_and(|(a, b)| windows.iter().any(|&(lo, hi)| a < hi && b > lo))
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
