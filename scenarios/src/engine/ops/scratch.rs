//! Only in the engine's tests: a step kind added the way a new one is, one family module and
//! its `Op` variant, to show (and keep) that this is all it takes. Its system call with its
//! arity, its trace rule, its call, its C and what it does are here; the witness, the preview,
//! the record and the C program take it from here through [`Family`] and [`super::SYSCALLS`].
//! A text of its own would be a row of `crate::texts` (shared by every family), and a new C
//! function a row of `engine/function.rs`.

use super::c::{unsigned, CWriter};
use super::syscalls::{sys, SysCall};
use super::Family;
use crate::engine::calls::{Args, Call, ValueNames};
use crate::engine::exec::{checked, Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::Val;
use crate::Lang;
use nix::libc::{self, c_void};

/// The system calls this family's steps make.
pub(crate) const SYSCALLS: &[SysCall] = &[sys(libc::SYS_mlock, "mlock", 2)];

/// The scratch step kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScratchOp {
    /// `mlock(addr, length)`.
    Mlock {
        /// Where.
        addr: Val,
        /// How many bytes.
        length: u64,
    },
}

impl Family for ScratchOp {
    fn syscall(&self) -> Option<i64> {
        Some(libc::SYS_mlock)
    }

    fn vals(&self) -> Vec<Val> {
        let Self::Mlock { addr, .. } = *self;
        vec![addr]
    }

    fn function(&self) -> Function {
        Function::Mlock
    }

    fn call(&self, names: &dyn ValueNames) -> Call {
        let Self::Mlock { addr, length } = *self;
        Args::new(Function::Mlock)
            .arg(names.addr(addr))
            .arg(length.to_string())
            .close()
    }

    fn execute(&self, cx: &mut Exec<'_>) -> Done {
        let Self::Mlock { addr, length } = *self;
        let at = cx.v(addr) as usize as *const c_void;
        // SAFETY: mlock only pins pages of this throw-away process; a bad range is an errno.
        checked(unsafe { libc::mlock(at, length as usize) }.into())
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        let Self::Mlock { addr, length } = *self;
        let call = format!("mlock({}, {})", c.addr(addr), unsigned(length));
        c.check("check", &call);
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        lang.pick("pin the pages in memory", "把这些页锁在内存里")
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::calls::Arg;
    use crate::engine::plan::{Plan, Step};
    use crate::engine::record::Syscall;
    use crate::engine::witness;
    use crate::engine::{MapOp, Outcome, Via};

    /// An anonymous page, then the scratch step on it.
    fn plan(page: u64) -> Plan {
        let mut plan = Plan::new();
        let map = plan.push(Step::critical(MapOp::Mmap {
            addr: Val::Lit(0),
            length: page,
            prot: libc::PROT_READ | libc::PROT_WRITE,
            flags: libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            fd: Val::Lit(-1),
            offset: 0,
            via: Via::Libc,
        }));
        plan.mapping_step = Some(map);
        plan.push(Step::critical(ScratchOp::Mlock {
            addr: Val::Ret(map),
            length: page,
        }));
        plan
    }

    /// A step kind is its family module: written only here (plus its `Op` variant and its
    /// tables' entry), the scratch step is traced by the witness with its own arity, shown in
    /// the preview with its arguments tagged, printed in the C program, and run for real.
    #[test]
    fn a_scratch_step_is_its_family_module() {
        let page = crate::engine::page_size();
        let plan = plan(page);
        assert!(witness::names().any(|n| n == "mlock"));
        assert!(witness::traces(&plan, 1));
        let raw = Syscall {
            name: "mlock".to_string(),
            args: vec![0x1000, 4096, 7, 7, 7, 7],
            ret: 0,
            errno: None,
        };
        assert_eq!(raw.shown(), "mlock(4096, 4096) = 0");

        let calls = crate::blame::describe_calls(&plan);
        assert_eq!(calls[1].text(), format!("mlock(ptr, {page})"));
        assert_eq!(calls[1].function, Function::Mlock);
        let length = plan.steps[1].op.call(&NoNames);
        assert_eq!(length.parts[3].arg, Some(Arg::Of(Function::Mlock, 1)));

        let c = crate::cprog::program("scratch", "", &plan, page, Lang::En);
        assert!(
            c.contains(&format!("check(mlock(ptr, {page}), CRITICAL)")),
            "{c}"
        );

        let run = crate::engine::run(&plan).expect("the run starts");
        assert_eq!(run.outcome, Outcome::Ok, "{:?}", run.steps);
        assert_eq!(run.steps[1].function, Function::Mlock);
        if run.witness == "on" {
            let seen = run.steps[1].syscalls.as_deref().unwrap_or_default();
            let shown: Vec<String> = seen.iter().map(Syscall::shown).collect();
            assert_eq!(shown.len(), 1, "{shown:?}");
            assert!(
                shown[0].starts_with("mlock(0x") && shown[0].ends_with(&format!(", {page}) = 0"))
            );
        } else {
            assert!(run.witness.starts_with("off: "), "{}", run.witness);
        }
    }

    struct NoNames;

    impl ValueNames for NoNames {
        fn addr(&self, _: Val) -> String {
            "p".to_string()
        }
        fn num(&self, _: Val) -> String {
            "n".to_string()
        }
    }
}
