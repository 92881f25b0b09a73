//! The ipc family: the experiment forks, and the two processes take turns through a pipe
//! (one writes a byte to wake the other, which waits reading it); the forked child ends with
//! `_exit`, the parent reaps it with `waitpid`.

use super::c::{CWriter, Mode};
use super::syscalls::{sys, SysCall};
use super::{CType, Ended, Family};
use crate::engine::calls::{Args, Call, ValueNames};
use crate::engine::exec::{checked, errno, exit_now, failed, ok, ok2, Done, Exec};
use crate::engine::function::Function;
use crate::engine::values::Val;
use crate::texts::Text;
use crate::Lang;
use nix::libc;

/// The system calls this family's steps make (see [`super::syscalls`]).
pub(crate) const SYSCALLS: &[SysCall] = &[
    sys(libc::SYS_clone, "clone", 5),
    sys(libc::SYS_clone3, "clone3", 2),
    sys(libc::SYS_wait4, "wait4", 4),
    sys(libc::SYS_exit_group, "exit_group", 1),
    sys(libc::SYS_pipe2, "pipe2", 2),
    sys(libc::SYS_read, "read", 3),
    sys(libc::SYS_write, "write", 3),
];

/// The older calls of this family that only some architectures have (aarch64 has none).
#[cfg(target_arch = "x86_64")]
pub(crate) const LEGACY: &[SysCall] = &[
    sys(libc::SYS_fork, "fork", 0),
    sys(libc::SYS_vfork, "vfork", 0),
    sys(libc::SYS_pipe, "pipe", 1),
];
#[cfg(not(target_arch = "x86_64"))]
pub(crate) const LEGACY: &[SysCall] = &[];

/// An operation between the experiment's two processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcOp {
    /// `fork()`: returns the child's pid in the parent. The steps marked `in_child` after it
    /// run in the child.
    Fork,
    /// `read(fd, &c, 1)`: wait for the other side.
    PipeRead {
        /// The pipe's read end.
        fd: Val,
    },
    /// `write(fd, "x", 1)`: wake the other side.
    PipeWrite {
        /// The pipe's write end.
        fd: Val,
    },
    /// `usleep(micros)`: wait by the clock, as the course notes' `sleep(5)` does; it orders
    /// nothing, it only makes the other side likely to have gone first.
    Sleep {
        /// How long, in microseconds.
        micros: u64,
    },
    /// `_exit(0)`: the forked child stops here.
    Exit,
    /// `waitpid(pid, &status, 0)`.
    Waitpid {
        /// The child.
        pid: Val,
    },
}

impl IpcOp {
    /// The minimal program's form of the steps whose full C uses a helper of the template
    /// (with whether the process goes on after the step); `None` for the pipe's write, the
    /// same call in both programs.
    fn c_minimal(&self, c: &mut dyn CWriter) -> Option<bool> {
        match self {
            Self::Fork => {
                let n = c.var();
                c.line(&format!("pid_t {n} = fork();"));
                let on_failure = c.on_failure();
                c.if_line(&format!("{n} == -1"), &on_failure);
                c.trailing_comment(Text::CMinimalForkBlock);
                c.line(&format!("if ({n} == 0) {{"));
                c.indent(1);
                // Die with the parent: a child left waiting on the pipe would never end.
                c.line("prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);");
                c.child_steps();
                c.indent(-1);
                c.line("}");
            }
            Self::PipeRead { fd } => {
                let fd = c.int(*fd);
                c.plain_check(&format!("read({fd}, &(char){{0}}, 1)"), "-1");
            }
            Self::Exit => {
                let end = c.end_here();
                c.line(&end);
                return Some(false);
            }
            Self::Waitpid { pid } => {
                let pid = c.int(*pid);
                let status = format!("status{}", c.var().trim_start_matches('r'));
                c.line(&format!("int {status} = 0;"));
                let on_failure = c.on_failure();
                c.if_line(&format!("waitpid({pid}, &{status}, 0) == -1"), &on_failure);
                // The child left with its errno as exit status: that is the outcome.
                c.if_line(
                    &format!("WIFEXITED({status}) && WEXITSTATUS({status}) != 0"),
                    &format!("e = WEXITSTATUS({status});"),
                );
            }
            Self::PipeWrite { .. } | Self::Sleep { .. } => return None,
        }
        Some(true)
    }
}

impl Family for IpcOp {
    fn vals(&self) -> Vec<Val> {
        match *self {
            Self::PipeRead { fd } | Self::PipeWrite { fd } => vec![fd],
            Self::Waitpid { pid } => vec![pid],
            Self::Fork | Self::Exit | Self::Sleep { .. } => Vec::new(),
        }
    }

    fn function(&self) -> Function {
        match self {
            Self::Fork => Function::Fork,
            Self::PipeRead { .. } => Function::Read,
            Self::PipeWrite { .. } => Function::Write,
            Self::Sleep { .. } => Function::Usleep,
            Self::Exit => Function::Exit,
            Self::Waitpid { .. } => Function::Waitpid,
        }
    }

    fn call(&self, names: &dyn ValueNames) -> Call {
        match self {
            Self::Fork => Call::single("fork()".to_string(), None),
            Self::PipeRead { fd } => Args::new(Function::Read)
                .arg(names.num(*fd))
                .arg("&c")
                .arg("1")
                .close(),
            Self::PipeWrite { fd } => Args::new(Function::Write)
                .arg(names.num(*fd))
                .arg("\"x\"")
                .arg("1")
                .close(),
            Self::Sleep { micros } => Args::new(Function::Usleep).arg(micros.to_string()).close(),
            Self::Exit => Call::single("_exit(0)".to_string(), None),
            Self::Waitpid { pid } => Args::new(Function::Waitpid)
                .arg(names.num(*pid))
                .arg("&status")
                .arg("0")
                .close(),
        }
    }

    fn result(&self, end: &Ended<'_>) -> String {
        match self {
            _ if end.errno != 0 => "-1".to_string(),
            Self::Waitpid { .. } if end.ret > 0 => format!("{}, status {:#x}", end.ret, end.aux),
            _ => end.ret.to_string(),
        }
    }

    fn execute(&self, cx: &mut Exec<'_>) -> Done {
        match *self {
            Self::Fork => fork(),
            Self::PipeRead { fd } => {
                let mut c = 0u8;
                loop {
                    // SAFETY: reads one byte into a local.
                    let n = unsafe { libc::read(cx.v(fd) as i32, (&mut c as *mut u8).cast(), 1) };
                    if n == -1 && errno() == libc::EINTR {
                        continue;
                    }
                    return checked(n as i64);
                }
            }
            Self::PipeWrite { fd } => {
                // SAFETY: writes one byte from a static.
                checked(unsafe { libc::write(cx.v(fd) as i32, c"x".as_ptr().cast(), 1) } as i64)
            }
            Self::Sleep { micros } => sleep(micros),
            Self::Exit => cx.end_and_exit(),
            Self::Waitpid { pid } => {
                let mut status = 0;
                loop {
                    // SAFETY: waits for our own child, status into a local.
                    let r = unsafe { libc::waitpid(cx.v(pid) as i32, &mut status, 0) };
                    if r == -1 && errno() == libc::EINTR {
                        continue;
                    }
                    if r == -1 {
                        return failed(-1, 0);
                    }
                    return ok2(r.into(), status.into());
                }
            }
        }
    }

    fn c_code(&self, c: &mut dyn CWriter) -> bool {
        if c.minimal() {
            if let Some(goes_on) = self.c_minimal(c) {
                return goes_on;
            }
        }
        match self {
            Self::Fork => {
                c.keep();
                let n = c.var();
                let crit = c.crit();
                c.line(&format!("{n} = fork();"));
                c.needs(&["become_child", "check"]);
                match c.mode() {
                    Mode::Parent => {
                        c.line(&format!("if ({n} == 0) {{"));
                        c.indent(1);
                        c.comment(Text::CForkBlock);
                        c.line("become_child();");
                        c.child_steps();
                        c.indent(-1);
                        c.line("}");
                        c.line(&format!("check({n}, {crit});"));
                    }
                    Mode::Child => {
                        c.line(&format!("if ({n} == 0)"));
                        c.line("    become_child();");
                        c.line("else");
                        c.line(&format!("    check({n}, {crit});"));
                    }
                }
            }
            Self::PipeRead { fd } => {
                let fd = c.int(*fd);
                c.check("check", &format!("read_one({fd})"));
                c.needs(&["read_one"]);
            }
            Self::PipeWrite { fd } => {
                let fd = c.int(*fd);
                c.check("check", &format!("write({fd}, \"x\", 1)"));
            }
            Self::Sleep { micros } => {
                c.check("check", &format!("usleep({micros})"));
            }
            Self::Exit => {
                c.line("done();");
                c.needs(&["done"]);
                match c.mode() {
                    Mode::Child => c.line("_exit(0);"),
                    Mode::Parent => c.line("finish(0);"),
                }
                return false;
            }
            Self::Waitpid { pid } => {
                c.keep();
                let pid = c.int(*pid);
                let status = c.aux_var();
                c.check(
                    "check_wait",
                    &format!("waitpid({pid}, &{status}, 0), &{status}"),
                );
            }
        }
        true
    }

    fn what(&self, _: bool, lang: Lang) -> String {
        let text = match self {
            Self::Fork => Text::OpFork,
            Self::PipeRead { .. } => Text::OpPipeRead,
            Self::PipeWrite { .. } => Text::OpPipeWrite,
            Self::Sleep { .. } => Text::OpSleep,
            Self::Exit => Text::OpExit,
            Self::Waitpid { .. } => Text::OpWaitpid,
        };
        text.get(lang).to_string()
    }

    fn c_type(&self) -> CType {
        match self {
            Self::Fork => CType::Pid,
            Self::Waitpid { .. } => CType::Wait,
            _ => CType::Long,
        }
    }
}

/// `usleep(micros)`, resumed after a signal for the time left: the wait must be as long as
/// asked, as `sleep` is in the notes.
fn sleep(micros: u64) -> Done {
    let mut ts = libc::timespec {
        tv_sec: (micros / 1_000_000) as libc::time_t,
        tv_nsec: ((micros % 1_000_000) * 1000) as libc::c_long,
    };
    loop {
        let mut left = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: reads and writes two local timespecs.
        let r = unsafe { libc::nanosleep(&ts, &mut left) };
        if r == -1 && errno() == libc::EINTR {
            ts = left;
            continue;
        }
        return checked(r.into());
    }
}

/// `fork()`. In the new process, make sure it dies with its parent, so that no process
/// outlives a run, and say that it is the child.
fn fork() -> Done {
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: fork in this single-threaded child process.
    let pid = unsafe { libc::fork() };
    if pid != 0 {
        return checked(pid.into());
    }
    // SAFETY: prctl with integer arguments only sets a flag of this process.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
    // The parent may already be gone (killed by a signal right after the fork, before the flag
    // was set): then no signal will come, so leave now.
    // SAFETY: getppid has no preconditions.
    if unsafe { libc::getppid() } != parent {
        exit_now();
    }
    Done {
        became_child: true,
        ..ok(0)
    }
}
