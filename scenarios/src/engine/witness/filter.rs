//! The seccomp filter the child installs: which system calls stop it for the witness (the
//! families' calls, [`ops::SYSCALLS`], less those a plan's timed loops make) and which of the
//! lab's own calls it lets by, found by a binary search on their numbers.

use crate::engine::marks::{BOUNDARY_MARK, LAB_OPEN_FLAGS, MAPS_FD, REPORT_FD};
use crate::engine::ops;
use crate::engine::ops::syscalls::SysCall;
use crate::engine::plan::{Op, Plan};
use nix::libc;

/// The `SECCOMP_RET_DATA` of a boundary stop (the filter's stop for an experiment's call
/// carries 0).
const BOUNDARY_DATA: u32 = 1;

/// The lab's own calls, told apart by one argument: `(call, argument index, value that marks
/// it, what the filter does when it is marked, what it does otherwise)`. The flight recorder's
/// writes and the maps captures' open, reads and close are let by when marked (the same calls
/// with any other value are the experiment's, traced); the marked `sched_yield` is the
/// boundary stop before each step (any other is let by). One table says what the filter does
/// with every call of the lab's.
const LAB_CALLS: [(i64, u32, u32, u32, u32); 5] = [
    (libc::SYS_write, 0, REPORT_FD as u32, ALLOW, TRACE),
    (libc::SYS_read, 0, MAPS_FD as u32, ALLOW, TRACE),
    (libc::SYS_close, 0, MAPS_FD as u32, ALLOW, TRACE),
    (libc::SYS_openat, 2, LAB_OPEN_FLAGS as u32, ALLOW, TRACE),
    (
        libc::SYS_sched_yield,
        0,
        BOUNDARY_MARK,
        TRACE | BOUNDARY_DATA,
        ALLOW,
    ),
];

const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;
const TRACE: u32 = libc::SECCOMP_RET_TRACE;

/// `AUDIT_ARCH_*` of this machine, for the filter's first check.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// The system calls experiments make, each once, from the families' tables.
pub(super) fn table() -> impl Iterator<Item = &'static SysCall> {
    let all = || ops::SYSCALLS.iter().flat_map(|family| family.iter());
    all()
        .enumerate()
        .filter(move |(i, c)| all().position(|d| d.nr == c.nr) == Some(*i))
        .map(|(_, c)| c)
}

/// The names of the calls the witness can trace (for `strace -e trace=…` in the tests that
/// compare with it).
pub fn names() -> impl Iterator<Item = &'static str> {
    table().map(|c| c.name)
}

/// The name of system call `nr`, as far as the witness traces it.
pub(super) fn name_of(nr: i64) -> String {
    table()
        .find(|c| c.nr == nr)
        .map_or_else(|| format!("syscall {nr}"), |c| c.name.to_string())
}

/// The calls not to trace in `plan`: those only its timed or filler steps make (each family
/// says which, [`ops::Family::untraced_calls`]).
fn untraced(plan: &Plan) -> Vec<i64> {
    let mut out: Vec<i64> = plan
        .steps
        .iter()
        .flat_map(|s| s.op.family().untraced_calls().iter().copied())
        .collect();
    // The child's own way out is the lab's, not a step: `exit_group` is worth a stop only
    // when a plan's `_exit` step makes it.
    if !plan
        .steps
        .iter()
        .any(|s| matches!(s.op, Op::Ipc(crate::engine::plan::IpcOp::Exit)))
    {
        out.push(libc::SYS_exit_group);
    }
    out
}

/// Whether the witness traces `step` of `plan`: not the timed copies, the comparison of
/// their result and the map-count filler, whose calls it lets through without a stop, nor a
/// step whose call the plan leaves untraced for them.
pub fn traces(plan: &Plan, step: usize) -> bool {
    plan.steps.get(step).is_none_or(|s| {
        let family = s.op.family();
        family.traced()
            && family
                .syscall()
                .is_none_or(|nr| !untraced(plan).contains(&nr))
    })
}

/// The seccomp filter for `plan`, built before the fork: trace the experiment's calls, let
/// everything else (and the lab's own calls on its descriptors, [`LAB_CALLS`]) through.
///
/// The calls are found by a binary search on their numbers, not a chain of comparisons: when
/// a filter is installed, the kernel runs it once for every system call number to learn which
/// calls it always allows (its action cache), and a chain of 27 comparisons made that cost
/// about 0.2 ms per experiment (measured) where the search costs a few hundredths.
pub(crate) fn filter(plan: &Plan) -> Vec<libc::sock_filter> {
    let skip = untraced(plan);
    // The experiment's calls, and the lab's that are no experiment's (the boundary).
    let numbers = table().map(|c| c.nr).filter(|n| !skip.contains(n)).chain(
        LAB_CALLS
            .iter()
            .map(|row| row.0)
            .filter(|n| table().all(|c| c.nr != *n)),
    );
    let mut calls: Vec<(u32, Verdict)> = numbers
        .map(|n| {
            let lab = LAB_CALLS.iter().position(|row| row.0 == n);
            (n as u32, lab.map_or(Verdict::Trace, Verdict::Lab))
        })
        .collect();
    calls.sort_unstable_by_key(|(n, _)| *n);
    calls.dedup_by_key(|(n, _)| *n);
    // Layout: the architecture check, the call's number, the search, ALLOW, TRACE, then for
    // each of the lab's calls [load its marking argument, compare, if marked, otherwise].
    let search = 4;
    let allow = search + search_len(calls.len());
    let trace = allow + 1;
    let mut prog = vec![
        stmt(LD_W_ABS, ARCH),
        jump(JEQ_K, AUDIT_ARCH, 1, 0),
        stmt(RET_K, ALLOW),
        stmt(LD_W_ABS, NR),
    ];
    let targets = Targets {
        allow,
        trace,
        lab: trace + 1,
    };
    emit_search(&mut prog, &calls, &targets);
    debug_assert_eq!(prog.len(), allow);
    prog.push(stmt(RET_K, ALLOW));
    prog.push(stmt(RET_K, TRACE));
    for (_, arg, value, marked, otherwise) in LAB_CALLS {
        prog.push(stmt(LD_W_ABS, ARGS + 8 * arg));
        prog.push(jump(JEQ_K, value, 0, 1));
        prog.push(stmt(RET_K, marked));
        prog.push(stmt(RET_K, otherwise));
    }
    prog
}

const LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
const JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
const RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
// Offsets in `struct seccomp_data`: the call's number, the architecture, and the six
// arguments, 8 bytes each (their low word first: little-endian on both architectures).
const NR: u32 = 0;
const ARCH: u32 = 4;
const ARGS: u32 = 16;

fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

/// A conditional jump; `jt` and `jf` count from the next instruction.
fn jump(code: u16, k: u32, jt: usize, jf: usize) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: jt as u8,
        jf: jf as u8,
        k,
    }
}

/// What the filter does with a call it names.
#[derive(Clone, Copy)]
enum Verdict {
    /// Stop for the tracer.
    Trace,
    /// Let it by when it is marked as the lab's: `LAB_CALLS[i]`.
    Lab(usize),
}

/// Where the search's jumps land (absolute instruction indices).
struct Targets {
    allow: usize,
    trace: usize,
    /// The first lab call's block; each is four instructions.
    lab: usize,
}

/// Up to this many calls are compared one by one; more are split in two.
const LEAF: usize = 3;

/// The instructions [`emit_search`] writes for `n` calls.
fn search_len(n: usize) -> usize {
    if n <= LEAF {
        n.max(1)
    } else {
        1 + search_len(n / 2) + search_len(n - n / 2)
    }
}

/// Append the search over `calls` (sorted by number, which is in the accumulator): a few
/// comparisons in a leaf, else "at least the middle one's number?" and the two halves, the
/// lower half first. A number found goes to its verdict, any other to ALLOW.
fn emit_search(prog: &mut Vec<libc::sock_filter>, calls: &[(u32, Verdict)], to: &Targets) {
    if calls.len() <= LEAF {
        if calls.is_empty() {
            let at = prog.len();
            prog.push(jump(
                JEQ_K,
                u32::MAX,
                to.allow - (at + 1),
                to.allow - (at + 1),
            ));
        }
        for (i, (nr, verdict)) in calls.iter().enumerate() {
            let at = prog.len();
            let hit = match verdict {
                Verdict::Trace => to.trace,
                Verdict::Lab(j) => to.lab + 4 * j,
            };
            let miss = if i + 1 == calls.len() {
                to.allow
            } else {
                at + 1
            };
            prog.push(jump(JEQ_K, *nr, hit - (at + 1), miss - (at + 1)));
        }
        return;
    }
    let (low, high) = calls.split_at(calls.len() / 2);
    let at = prog.len();
    prog.push(jump(JGE_K, high[0].0, search_len(low.len()), 0));
    emit_search(prog, low, to);
    debug_assert_eq!(prog.len(), at + 1 + search_len(low.len()));
    emit_search(prog, high, to);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::arity;

    #[test]
    fn the_filter_ends_in_a_return_and_every_jump_lands_inside() {
        let plan = Plan::new();
        let prog = filter(&plan);
        let n = prog.len();
        assert_eq!(prog[n - 1].code, RET_K);
        for (i, ins) in prog
            .iter()
            .enumerate()
            .filter(|(_, ins)| ins.code == JEQ_K || ins.code == JGE_K)
        {
            assert!(i + 1 + (ins.jt as usize) < n && i + 1 + (ins.jf as usize) < n);
        }
        assert_eq!(name_of(libc::SYS_mmap), "mmap");
    }

    /// The families' tables agree where they share a call: one name and one arity per
    /// number, one number per name; and every call an arity is asked for is in them.
    #[test]
    fn the_families_tables_agree() {
        let all: Vec<&SysCall> = ops::SYSCALLS.iter().flat_map(|f| f.iter()).collect();
        for a in &all {
            for b in &all {
                if a.nr == b.nr || a.name == b.name {
                    assert_eq!(a, b, "two rows for one system call");
                }
            }
            assert!(a.arity <= 6, "{}: at most six arguments", a.name);
            assert_eq!(arity(a.name), a.arity);
        }
        assert_eq!(names().count(), table().count());
        assert!(names().all(|n| all.iter().filter(|c| c.name == n).count() >= 1));
        assert_eq!(arity("no such call"), 6);
    }

    /// What the filter answers for a call, by running its instructions (the three kinds it
    /// is made of) on a `seccomp_data` of that number, architecture and first argument.
    fn verdict(prog: &[libc::sock_filter], arch: u32, nr: i64, args: [i64; 3]) -> u32 {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&(nr as u32).to_le_bytes());
        data[4..8].copy_from_slice(&arch.to_le_bytes());
        for (i, a) in args.iter().enumerate() {
            data[16 + 8 * i..24 + 8 * i].copy_from_slice(&(*a as u64).to_le_bytes());
        }
        let (mut pc, mut a) = (0usize, 0u32);
        loop {
            let ins = prog[pc];
            let k = ins.k as usize;
            match ins.code as u32 {
                c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS => {
                    a = u32::from_le_bytes(data[k..k + 4].try_into().unwrap());
                    pc += 1;
                }
                c if c == libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K => {
                    let jump = if a == ins.k { ins.jt } else { ins.jf };
                    pc += 1 + jump as usize;
                }
                c if c == libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K => {
                    let jump = if a >= ins.k { ins.jt } else { ins.jf };
                    pc += 1 + jump as usize;
                }
                c if c == libc::BPF_RET | libc::BPF_K => return ins.k,
                other => panic!("instruction {other:#x} at {pc}"),
            }
        }
    }

    #[test]
    fn the_timed_copies_make_no_stop() {
        let copy = crate::catalog::find("mmap-copy").expect("mmap-copy");
        let page = crate::engine::page_size();
        let plan = (copy.build)(&(copy.defaults)(page), page);
        let prog = filter(&plan);
        for nr in [
            libc::SYS_mmap,
            libc::SYS_munmap,
            libc::SYS_madvise,
            libc::SYS_read,
        ] {
            let verdict = verdict(&prog, AUDIT_ARCH, nr, [3, 0, 0]);
            assert_eq!(verdict, libc::SECCOMP_RET_ALLOW, "{}", name_of(nr));
        }
        for (i, step) in plan.steps.iter().enumerate() {
            let copies = matches!(step.op, Op::Copy(_));
            assert_eq!(traces(&plan, i), !copies, "step {i}: {:?}", step.op);
        }
        let opens = verdict(&prog, AUDIT_ARCH, libc::SYS_openat, [-100, 0, 0]);
        assert_eq!(opens, libc::SECCOMP_RET_TRACE);
    }

    #[test]
    fn the_filter_traces_the_experiments_calls_and_lets_the_labs_by() {
        let prog = filter(&Plan::new());
        let (trace, allow) = (libc::SECCOMP_RET_TRACE, libc::SECCOMP_RET_ALLOW);
        let lab_open = i64::from(LAB_OPEN_FLAGS);
        let (rd, fd) = (i64::from(libc::O_RDONLY), i64::from(MAPS_FD));
        let cases = [
            (libc::SYS_mmap, [0, 4096, 3], trace),
            (libc::SYS_openat, [-100, 0, rd], trace),
            (
                libc::SYS_openat,
                [-100, 0, rd | i64::from(libc::O_CLOEXEC)],
                trace,
            ),
            (libc::SYS_openat, [-100, 0, lab_open], allow),
            (libc::SYS_write, [3, 0, 1], trace),
            (libc::SYS_write, [i64::from(REPORT_FD), 0, 32], allow),
            (libc::SYS_read, [3, 0, 1], trace),
            (libc::SYS_read, [fd, 0, 4064], allow),
            (libc::SYS_close, [3, 0, 0], trace),
            (libc::SYS_close, [fd, 0, 0], allow),
            (libc::SYS_pread64, [fd, 0, 1], trace),
            (libc::SYS_getpid, [0, 0, 0], allow),
            // The boundary: the marked sched_yield stops, with its data; any other goes by.
            (
                libc::SYS_sched_yield,
                [i64::from(BOUNDARY_MARK), 3, 0],
                trace | BOUNDARY_DATA,
            ),
            (libc::SYS_sched_yield, [0, 0, 0], allow),
            (
                libc::SYS_sched_yield,
                [i64::from(BOUNDARY_MARK) + 1, 3, 0],
                allow,
            ),
            (libc::SYS_getrusage, [0, 0, 0], allow),
        ];
        for (nr, args, want) in cases {
            assert_eq!(
                verdict(&prog, AUDIT_ARCH, nr, args),
                want,
                "{} {args:?}",
                name_of(nr)
            );
        }
        // Every number, against the table: its calls traced, all others let by.
        for nr in 0..1024 {
            let traced = table().any(|c| c.nr == nr) && nr != libc::SYS_exit_group;
            let want = if traced { trace } else { allow };
            assert_eq!(
                verdict(&prog, AUDIT_ARCH, nr, [3, 0, 0]),
                want,
                "{}",
                name_of(nr)
            );
        }
        // Another architecture's numbers mean other calls: let them by.
        assert_eq!(
            verdict(&prog, 0x4000_0003, libc::SYS_mmap, [0, 0, 0]),
            allow
        );
    }
}
