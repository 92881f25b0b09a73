//! What the run's own evidence says besides the outcome: the [`Warning`]s (a munmap that
//! missed part of its range, …), drawn from what the parent saw of each step ([`Seen`]), with
//! their sentences.

use super::model::{maps_name, Faults, RunCost};
use super::warning::{Warning, WarningKind};
use crate::engine::regions::maps_range;

use crate::engine::ops::MapOp;
use crate::engine::plan::{Op, Plan, Val};
use crate::flags;

/// The warnings the run's evidence supports. For now one kind: a `MAP_FIXED` mmap (without
/// `MAP_FIXED_NOREPLACE`, which refuses instead) that succeeded over pages the process had
/// mapped. The evidence is the child's own `/proc/self/maps`, captured after the last step
/// that changed the address space before the mmap: the lines that overlap the range the mmap
/// returned are the pages it replaced. Without such a capture there is no evidence, and no
/// warning: nothing is assumed from the parameters.
pub(super) fn warnings(plan: &Plan, seen: &[Seen], record_index: &[Option<usize>]) -> Vec<Warning> {
    let mut out = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let Op::Map(MapOp::Mmap { length, flags, .. }) = step.op else {
            continue;
        };
        if flags & flags::MAP_FIXED == 0 || flags & flags::MAP_FIXED_NOREPLACE != 0 {
            continue;
        }
        let Some((ret, _, 0)) = seen.get(i).and_then(|s| s.end) else {
            continue;
        };
        // The capture before it, if nothing mapped or unmapped memory in between.
        let before = plan.steps[..i].iter().enumerate().rev().find(|(_, s)| {
            matches!(
                s.op,
                Op::Map(MapOp::Maps | MapOp::Mmap { .. } | MapOp::Munmap { .. })
            ) && s.side == step.side
        });
        let Some((j, _)) = before.filter(|(_, s)| matches!(s.op, Op::Map(MapOp::Maps))) else {
            continue;
        };
        let Some(maps) = seen.get(j).filter(|s| s.end.is_some()) else {
            continue;
        };
        let lo = ret as u64;
        let hi = lo.saturating_add(length);
        let mut bytes = 0u64;
        let mut replaced = None;
        for line in String::from_utf8_lossy(&maps.payload).lines() {
            let Some((a, b)) = maps_range(line) else {
                continue;
            };
            let (from, to) = (a.max(lo), b.min(hi));
            if from < to {
                bytes = bytes.saturating_add(to - from);
                if replaced.is_none() {
                    replaced = Some(maps_name(line));
                }
            }
        }
        if bytes == 0 {
            continue;
        }
        let mut w = Warning {
            kind: WarningKind::MapFixedReplaced,
            text: String::new(),
            step: record_index.get(i).copied().flatten().unwrap_or(0),
            addr: lo,
            bytes,
            replaced: replaced.flatten(),
            left_mapped: None,
        };
        w.text = w.sentence(crate::Lang::En);
        out.push(w);
    }
    out.extend(munmap_missed(plan, seen, record_index));
    out
}

/// The value a plan argument had when the child ran, from the steps' results.
pub(super) fn resolved(v: Val, seen: &[Seen]) -> Option<i64> {
    let end = |i: usize| seen.get(i).and_then(|s| s.end);
    match v {
        Val::Lit(n) => Some(n),
        Val::Ret(i) => end(i).map(|e| e.0),
        Val::RetPlus(i, off) => end(i).map(|e| e.0.wrapping_add(off)),
        Val::Aux(i) => end(i).map(|e| e.1),
    }
}

/// Bytes of `lo..hi` that the maps listing `text` covers.
fn covered(text: &str, lo: u64, hi: u64) -> u64 {
    text.lines()
        .filter_map(maps_range)
        .map(|(a, b)| b.min(hi).saturating_sub(a.max(lo)))
        .sum()
}

/// A successful `munmap` whose range was not the mapping's (`munmap-missed`). The evidence is
/// the child's `/proc/self/maps` captured right before and right after the call (nothing else
/// mapping or unmapping in between): the mapping's bytes still listed after it, and the bytes
/// outside the mapping but inside the munmap's range that were listed before and are gone
/// after. Without both captures there is no warning.
fn munmap_missed(plan: &Plan, seen: &[Seen], record_index: &[Option<usize>]) -> Vec<Warning> {
    let mut out = Vec::new();
    let page = crate::engine::page_size().max(1);
    let Some(m) = plan
        .mapping_step
        .and_then(|i| seen.get(i)?.end)
        .and_then(|(r, _, e)| (e == 0 && r != -1).then_some(r as u64))
    else {
        return out;
    };
    let m_hi = m.saturating_add(plan.mapping_len.div_ceil(page) * page);
    let changes = |s: &crate::engine::plan::Step| {
        matches!(
            s.op,
            Op::Map(MapOp::Maps | MapOp::Mmap { .. } | MapOp::Munmap { .. })
        )
    };
    for (i, step) in plan.steps.iter().enumerate() {
        let Op::Map(MapOp::Munmap { addr, length, .. }) = step.op else {
            continue;
        };
        let Some((_, _, 0)) = seen.get(i).and_then(|s| s.end) else {
            continue;
        };
        let Some(lo) = resolved(addr, seen).map(|a| a as u64) else {
            continue;
        };
        let hi = lo.saturating_add(length.div_ceil(page) * page);
        if (lo, hi) == (m, m_hi) {
            continue;
        }
        // The captures right before and right after, on the same side.
        let capture = |j: usize| {
            let st = &plan.steps[j];
            (matches!(st.op, Op::Map(MapOp::Maps)) && st.side == step.side)
                .then(|| seen.get(j).filter(|s| s.end.is_some()))
                .flatten()
                .map(|s| String::from_utf8_lossy(&s.payload).into_owned())
        };
        let before = (0..i)
            .rev()
            .find(|&j| changes(&plan.steps[j]) && plan.steps[j].side == step.side)
            .and_then(capture);
        let after = (i + 1..plan.steps.len())
            .find(|&j| changes(&plan.steps[j]) && plan.steps[j].side == step.side)
            .and_then(capture);
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        let left = covered(&after, m, m_hi);
        // The parts of the munmap's range outside the mapping: below it and above it.
        let outside = [(lo, hi.min(m)), (lo.max(m_hi), hi)];
        let mut gone = 0u64;
        let mut first = None;
        let mut what = None;
        for (a, b) in outside.into_iter().filter(|(a, b)| a < b) {
            let g = covered(&before, a, b).saturating_sub(covered(&after, a, b));
            if g > 0 {
                gone += g;
                // The first line the call took away names what was there.
                if first.is_none() {
                    if let Some(line) = before
                        .lines()
                        .find(|l| maps_range(l).is_some_and(|(x, y)| x.max(a) < y.min(b)))
                    {
                        first = maps_range(line).map(|(x, _)| x.max(a));
                        what = Some(maps_name(line));
                    }
                }
            }
        }
        if left == 0 && gone == 0 {
            continue;
        }
        let mut w = Warning {
            kind: WarningKind::MunmapMissed,
            text: String::new(),
            step: record_index.get(i).copied().flatten().unwrap_or(0),
            addr: first.unwrap_or(m),
            bytes: gone,
            replaced: what.flatten(),
            left_mapped: (left > 0).then_some(left),
        };
        w.text = w.sentence(crate::Lang::En);
        out.push(w);
    }
    out
}

/// What the parent learned about one plan step.
#[derive(Debug, Default, Clone)]
pub(super) struct Seen {
    pub(super) begun: bool,
    pub(super) end: Option<(i64, i64, i32)>,
    pub(super) payload: Vec<u8>,
    /// Each timed run's nanoseconds, in order.
    pub(super) nanos: Vec<u64>,
    /// Each timed run's cost, in order.
    pub(super) costs: Vec<RunCost>,
    pub(super) faults: Option<Faults>,
}
