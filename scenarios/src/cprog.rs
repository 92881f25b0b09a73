//! The equivalent C program of an experiment: what `mmap-lab c ID` prints.
//!
//! The program makes the plan's calls in the plan's order with the plan's arguments, written
//! as literal numbers and symbolic flags (`mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd0, 1000)`),
//! so a student can read the experiment as ordinary C, compile it and watch the kernel give the
//! same answer. It ends with the same outcome line the lab's engine decides on: the first
//! failing critical step's errno, or the signal that struck, else `ok`.
//!
//! The fixed part (includes, errno names, cleanup, the signal handler, the copy helpers) lives
//! in `assets/c/template.c`. Its optional parts are fenced by `/*@IF name@*/ … /*@END name@*/`
//! lines and kept only when a step uses them, so that the program compiles under
//! `-Wall -Wextra -Werror` (no unused function) and carries no code the student has to skip.

use crate::engine::plan::{Op, Plan, Purpose, Side, Val};
use crate::flags::{map_name, open_name, prot_name};
use nix::libc;
use std::collections::BTreeSet;

/// The program's fixed part, with its placeholders.
const TEMPLATE: &str = include_str!("../../assets/c/template.c");

/// The errno names the program knows, in the order of their numbers. Aliases with the same
/// number on Linux (`EWOULDBLOCK`, `ENOTSUP`, `EDEADLOCK`) are left out: a `switch` may not
/// name a value twice, and the engine shows the first name.
const ERRNOS: &[&str] = &[
    "EPERM",
    "ENOENT",
    "ESRCH",
    "EINTR",
    "EIO",
    "ENXIO",
    "E2BIG",
    "ENOEXEC",
    "EBADF",
    "ECHILD",
    "EAGAIN",
    "ENOMEM",
    "EACCES",
    "EFAULT",
    "EBUSY",
    "EEXIST",
    "EXDEV",
    "ENODEV",
    "ENOTDIR",
    "EISDIR",
    "EINVAL",
    "ENFILE",
    "EMFILE",
    "ENOTTY",
    "ETXTBSY",
    "EFBIG",
    "ENOSPC",
    "ESPIPE",
    "EROFS",
    "EMLINK",
    "EPIPE",
    "ERANGE",
    "ENAMETOOLONG",
    "ENOSYS",
    "ELOOP",
    "EOVERFLOW",
    "EOPNOTSUPP",
    "EDQUOT",
];

/// A complete C program that performs `plan`'s calls and prints their results, ending with
/// `outcome: ok`, `outcome: errno NAME` or `outcome: signal NAME`.
///
/// `params_line` (such as `--set offset=1000`) goes into the header comment; `page` is the
/// page size the plan's numbers were computed for.
pub fn program(scenario_id: &str, params_line: &str, plan: &Plan, page: u64) -> String {
    let mut gen = Gen::new(plan, page);
    gen.main_steps();
    let steps = gen.finish_steps();
    let vars = gen.declarations();

    let created = created_names(plan)
        .iter()
        .map(|n| format!("    {},\n", c_string(n)))
        .collect::<String>();
    let mut files = String::new();
    if !plan.files.is_empty() {
        gen.needs.insert("make_file");
        files.push_str("    /* The experiment's files, filled with the lab's pattern. */\n");
        for f in &plan.files {
            files.push_str(&format!(
                "    make_file({}, {});\n",
                c_string(f.name),
                unsigned(f.size)
            ));
        }
    }
    let errno_cases = ERRNOS
        .iter()
        .map(|e| format!("    case {e}: return \"{e}\";\n"))
        .collect::<String>();

    let id: String = scenario_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let params = match params_line.trim() {
        "" => "Parameters: the scenario's defaults.".to_string(),
        p => format!("Parameters: {}", comment_safe(p)),
    };
    let deadline = plan.deadline.as_secs_f64().ceil().max(1.0) as u64;

    let blocks = [
        ("/*@CREATED@*/", created),
        ("/*@ERRNO_CASES@*/", errno_cases),
        ("/*@FILES@*/", files),
        ("/*@VARS@*/", vars),
        ("/*@STEPS@*/", steps),
    ];
    let text = fill(TEMPLATE, &gen.needs, &blocks);
    text.replace("@SCENARIO@", &id)
        .replace("@PARAMS@", &params)
        .replace("@PAGE@", &page.to_string())
        .replace("@DEADLINE@", &deadline.to_string())
}

/// Keep the template's sections that `needs` names, put each block in place of its marker
/// line.
fn fill(template: &str, needs: &BTreeSet<&'static str>, blocks: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    // For each open section: whether it is kept.
    let mut open: Vec<bool> = Vec::new();
    for line in template.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("/*@IF ").and_then(|r| r.strip_suffix("@*/")) {
            open.push(needs.contains(name));
            continue;
        }
        if t.starts_with("/*@END ") && t.ends_with("@*/") {
            open.pop();
            continue;
        }
        if open.iter().any(|keep| !keep) {
            continue;
        }
        match blocks.iter().find(|(marker, _)| *marker == t) {
            Some((_, block)) => out.push_str(block),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    // Two blank lines in a row are left where a section was dropped: fold them.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// The names the program may create in its directory: the plan's files and whatever an
/// `open(…, O_CREAT)` makes there.
fn created_names(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = plan.files.iter().map(|f| f.name.to_string()).collect();
    for step in &plan.steps {
        if let Op::Open { path, flags } = &step.op {
            let name = path.to_string_lossy().into_owned();
            if flags & libc::O_CREAT != 0
                && !name.contains('/')
                && name != "."
                && name != ".."
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
    }
    names
}

/// A C string literal. Control and non-ASCII bytes become octal escapes; a `?` after a `?` is
/// escaped so that no trigraph can form (`-Wall` warns about them).
fn c_string(text: &str) -> String {
    let mut out = String::from("\"");
    let mut last = 0u8;
    for &b in text.as_bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' if last == b'?' => out.push_str("\\?"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
        last = b;
    }
    out.push('"');
    out
}

/// Text that can sit inside a `/* … */` comment on one line.
fn comment_safe(text: &str) -> String {
    text.replace("*/", "* /").replace(['\n', '\r'], " ")
}

/// An unsigned number as a C constant (with `UL` when it does not fit in a `long`).
fn unsigned(v: u64) -> String {
    if v > i64::MAX as u64 {
        format!("{v}UL")
    } else {
        v.to_string()
    }
}

/// A signed number as a C constant (`LONG_MIN` has no literal of its own).
fn signed(v: i64) -> String {
    if v == i64::MIN {
        "(-9223372036854775807L - 1)".to_string()
    } else {
        v.to_string()
    }
}

/// `open(2)` flags as names, with any bit `open_name` does not know in hex.
fn open_flags(flags: i32) -> String {
    let known =
        libc::O_ACCMODE | libc::O_CREAT | libc::O_APPEND | libc::O_TRUNC | libc::O_DIRECTORY;
    let rest = flags & !known;
    let name = open_name(flags);
    if rest == 0 {
        name
    } else {
        format!("{name}|{rest:#x}")
    }
}

/// What a step's C variable holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// `char *`: what mmap returned.
    Ptr,
    /// `int`: a descriptor.
    Int,
    /// `int fds[2]`: a pipe.
    Pipe,
    /// `pid_t`: what fork returned.
    Pid,
    /// `long`: anything else.
    Long,
}

/// The printed form of an argument: text, or a printf conversion with its C expression.
#[derive(Debug, Default, Clone)]
struct Line {
    fmt: String,
    args: Vec<String>,
}

impl Line {
    fn text(mut self, s: &str) -> Line {
        self.fmt.push_str(&s.replace('%', "%%"));
        self
    }

    fn join(mut self, other: Line) -> Line {
        self.fmt.push_str(&other.fmt);
        self.args.extend(other.args);
        self
    }

    fn conv(spec: &str, expr: String) -> Line {
        Line {
            fmt: spec.to_string(),
            args: vec![expr],
        }
    }

    /// The `begin(…)` statement that records this call.
    fn begin(&self) -> String {
        let mut out = format!("begin({}", c_string(&self.fmt));
        for a in &self.args {
            out.push_str(", ");
            out.push_str(a);
        }
        out.push_str(");");
        out
    }
}

fn say(s: &str) -> Line {
    Line::default().text(s)
}

/// Which process runs the code being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Parent,
    Child,
}

/// The code generator for the steps.
struct Gen<'a> {
    plan: &'a Plan,
    /// The page size the plan was built for.
    page: u64,
    out: String,
    indent: usize,
    /// Steps whose variable is read somewhere (so it is declared and assigned).
    reads: BTreeSet<usize>,
    /// Steps whose variable exists whether read or not (a pipe's array, a fork's pid, a
    /// waitpid's status).
    structural: BTreeSet<usize>,
    /// Template sections the steps use.
    needs: BTreeSet<&'static str>,
}

/// Fences the step number of a `name = value;` line, dropped unless the step's result is read.
const VALUE_MARK: char = '\u{2}';

/// Marks where step `i`'s `name = ` goes; resolved once all reads are known.
fn assign_marker(i: usize) -> String {
    format!("\u{1}{i}\u{1}")
}

impl<'a> Gen<'a> {
    fn new(plan: &'a Plan, page: u64) -> Gen<'a> {
        Gen {
            plan,
            page: page.max(1),
            out: String::new(),
            indent: 1,
            reads: BTreeSet::new(),
            structural: BTreeSet::new(),
            needs: BTreeSet::new(),
        }
    }

    /// `name = value;` for a step whose result is a known value, kept only if it is read.
    fn value_line(&mut self, i: usize, value: &str) {
        let indent = "    ".repeat(self.indent);
        self.out
            .push_str(&format!("{indent}{VALUE_MARK}{i}{VALUE_MARK}{value};\n"));
    }

    /// A comment, wrapped to fit in 100 columns.
    fn comment_lines(&mut self, text: &str) {
        let width = 100usize.saturating_sub(4 * self.indent).max(40);
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::from("/*");
        for word in text.split_whitespace() {
            if current.len() + 1 + word.len() > width - 3 && current.len() > 3 {
                lines.push(current);
                current = String::from(" *");
            }
            current.push(' ');
            current.push_str(word);
        }
        current.push_str(" */");
        lines.push(current);
        for l in lines {
            self.line(&l);
        }
    }

    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn ty(&self, i: usize) -> Ty {
        match self.plan.steps.get(i).map(|s| &s.op) {
            Some(Op::Mmap { .. }) => Ty::Ptr,
            Some(Op::Open { .. } | Op::SealedMemfd { .. }) => Ty::Int,
            Some(Op::Pipe) => Ty::Pipe,
            Some(Op::Fork) => Ty::Pid,
            _ => Ty::Long,
        }
    }

    fn name(&self, i: usize) -> String {
        match self.ty(i) {
            Ty::Ptr if Some(i) == self.plan.mapping_step => "ptr".to_string(),
            Ty::Ptr => format!("map{i}"),
            Ty::Int => format!("fd{i}"),
            Ty::Pipe => format!("fds{i}"),
            Ty::Pid => format!("pid{i}"),
            Ty::Long => format!("r{i}"),
        }
    }

    /// Whether step `i` really is a step of the plan (a `Val` may name one that is not).
    fn exists(&self, i: usize) -> bool {
        i < self.plan.steps.len()
    }

    /// The second value step `i` produced, as an `int` expression.
    fn aux(&mut self, i: usize) -> Option<String> {
        match self.plan.steps.get(i).map(|s| &s.op) {
            Some(Op::Pipe) => {
                self.structural.insert(i);
                Some(format!("fds{i}[1]"))
            }
            Some(Op::Waitpid { .. }) => {
                self.structural.insert(i);
                Some(format!("status{i}"))
            }
            _ => None,
        }
    }

    /// An integer argument (a descriptor, a pid): its C expression and how it is printed.
    fn int(&mut self, v: Val) -> (String, Line) {
        match v {
            Val::Lit(x) => (signed(x), say(&signed(x))),
            Val::Ret(i) | Val::RetPlus(i, _) if !self.exists(i) => ("0".into(), say("0")),
            Val::Ret(i) => {
                self.reads.insert(i);
                let n = self.name(i);
                match self.ty(i) {
                    Ty::Int | Ty::Pid => (n.clone(), Line::conv("%d", n)),
                    Ty::Pipe => {
                        let e = format!("{n}[0]");
                        (e.clone(), Line::conv("%d", e))
                    }
                    Ty::Long => (n.clone(), Line::conv("%ld", n)),
                    Ty::Ptr => {
                        let e = format!("(long){n}");
                        (e.clone(), Line::conv("%ld", e))
                    }
                }
            }
            Val::RetPlus(i, d) => {
                let (base, _) = self.int(Val::Ret(i));
                let e = format!("(long){base} + {}", signed(d));
                (e.clone(), Line::conv("%ld", e))
            }
            Val::Aux(i) => match self.aux(i) {
                Some(e) => (e.clone(), Line::conv("%d", e)),
                None => ("0".into(), say("0")),
            },
        }
    }

    /// An address argument: its C expression (a `char *` or `NULL`) and how it is printed.
    /// The mapping prints as `ptr` (its value is on the mmap line), other addresses by value.
    fn addr(&mut self, v: Val) -> (String, Line) {
        let offset = |base: &str, d: i64| match d {
            0 => base.to_string(),
            d if d < 0 => format!("{base} - {}", unsigned(d.unsigned_abs())),
            d => format!("{base} + {d}"),
        };
        match v {
            Val::Lit(0) => ("NULL".into(), say("NULL")),
            Val::Lit(x) => {
                let hex = format!("{:#x}", x as u64);
                (format!("(char *){hex}"), say(&hex))
            }
            Val::Ret(i) => self.addr(Val::RetPlus(i, 0)),
            Val::RetPlus(i, _) if !self.exists(i) => ("NULL".into(), say("NULL")),
            Val::RetPlus(i, d) => {
                self.reads.insert(i);
                let n = self.name(i);
                let base = match self.ty(i) {
                    Ty::Ptr => n,
                    Ty::Long => format!("(char *){n}"),
                    Ty::Pipe => format!("(char *)(long){n}[0]"),
                    Ty::Int | Ty::Pid => format!("(char *)(long){n}"),
                };
                let expr = offset(&base, d);
                if Some(i) == self.plan.mapping_step {
                    (expr.clone(), say(&expr))
                } else {
                    let shown = if d == 0 && !expr.contains(' ') {
                        format!("(void *){expr}")
                    } else {
                        format!("(void *)({expr})")
                    };
                    (expr.clone(), Line::conv("%p", shown))
                }
            }
            Val::Aux(i) => match self.aux(i) {
                Some(e) => {
                    let expr = format!("(char *)(long){e}");
                    (expr.clone(), Line::conv("%p", format!("(void *){expr}")))
                }
                None => ("NULL".into(), say("NULL")),
            },
        }
    }

    /// The steps the experiment's own process runs, up to its end.
    fn main_steps(&mut self) {
        let plan = self.plan;
        for (i, step) in plan.steps.iter().enumerate() {
            if step.side != Side::Parent {
                continue;
            }
            if !self.step(i, Mode::Parent) {
                break;
            }
        }
    }

    /// The steps a child forked at step `fork` runs: the child steps after it.
    fn child_steps(&mut self, fork: usize) {
        let plan = self.plan;
        for (i, step) in plan.steps.iter().enumerate().skip(fork + 1) {
            if step.side != Side::Child {
                continue;
            }
            if !self.step(i, Mode::Child) {
                return;
            }
        }
        self.line("_exit(0);");
    }

    /// The step's comment: why the lab added it, or what it does.
    fn comment(&self, i: usize, mode: Mode) -> String {
        let Some(step) = self.plan.steps.get(i) else {
            return String::new();
        };
        let what = match step.purpose {
            Some(p) => purpose_text(p).to_string(),
            None => op_text(&step.op, Some(i) == self.plan.mapping_step),
        };
        let what = comment_safe(&what);
        let whose = if mode == Mode::Child { " (child)" } else { "" };
        let optional = if step.critical {
            ""
        } else {
            " Optional: a failure is printed, not the outcome."
        };
        format!("Step {i}{whose}: {what}{optional}")
    }

    /// Write step `i`. Returns false when the process ends there.
    fn step(&mut self, i: usize, mode: Mode) -> bool {
        let plan = self.plan;
        let Some(step) = plan.steps.get(i) else {
            return false;
        };
        let crit = if step.critical {
            "CRITICAL"
        } else {
            "OPTIONAL"
        };
        let a = assign_marker(i);
        self.needs.insert("steps");
        self.out.push('\n');
        let comment = self.comment(i, mode);
        self.comment_lines(&comment);
        match &step.op {
            Op::SetRlimit { limit, bytes } => {
                let b = unsigned(*bytes);
                let call = format!("setrlimit({}, &(struct rlimit){{{b}, {b}}})", limit.name());
                self.line(&say(&call).begin());
                self.line(&format!("{a}check({call}, {crit});"));
                self.needs.insert("check");
            }
            Op::ExhaustMapCount { page } => {
                let call = format!("exhaust_map_count({})", unsigned(*page));
                self.line(&say(&call).begin());
                self.line(&format!("{a}check({call}, {crit});"));
                self.line("show_splits();");
                self.needs.extend(["check", "exhaust"]);
            }
            Op::Open { path, flags } => {
                let mode_arg = if flags & libc::O_CREAT != 0 {
                    ", 0600"
                } else {
                    ""
                };
                let call = format!(
                    "open({}, {}{mode_arg})",
                    c_string(&path.to_string_lossy()),
                    open_flags(*flags)
                );
                let shown = format!(
                    "open({:?}, {}{mode_arg})",
                    path.to_string_lossy(),
                    open_flags(*flags)
                );
                self.line(&say(&shown).begin());
                self.line(&format!("{a}check({call}, {crit});"));
                self.needs.insert("check");
            }
            Op::Pipe => {
                self.structural.insert(i);
                let n = self.name(i);
                self.line(&say(&format!("pipe({n})")).begin());
                self.line(&format!("check_pipe(pipe({n}), {n}, {crit});"));
                self.needs.insert("check_pipe");
            }
            Op::SealedMemfd { size } => {
                let call = format!("sealed_memfd({})", unsigned(*size));
                self.line(&say(&call).begin());
                self.line(&format!("{a}check({call}, {crit});"));
                self.needs.extend(["check", "sealed_memfd"]);
            }
            Op::Ftruncate { fd, size } => {
                let (fd, shown) = self.int(*fd);
                let size = unsigned(*size);
                let line = say("ftruncate(").join(shown).text(&format!(", {size})"));
                self.line(&line.begin());
                self.line(&format!("{a}check(ftruncate({fd}, {size}), {crit});"));
                self.needs.insert("check");
            }
            Op::LseekWrite { fd, size } => {
                let (fd, shown) = self.int(*fd);
                let at = unsigned(size.saturating_sub(1));
                let seek = say("lseek(")
                    .join(shown.clone())
                    .text(&format!(", {at}, SEEK_SET)"));
                let write = say("write(").join(shown).text(", \"\", 1)");
                self.line(&seek.begin());
                let lseek = format!("check(lseek({fd}, {at}, SEEK_SET), {crit})");
                if step.critical {
                    self.line(&format!("{lseek};"));
                } else {
                    // As the lab does: no write after a failed lseek.
                    self.line(&format!("if ({lseek} != -1) {{"));
                    self.indent += 1;
                }
                self.line(&write.begin());
                self.line(&format!("{a}check(write({fd}, \"\", 1), {crit});"));
                if !step.critical {
                    self.indent -= 1;
                    self.line("}");
                }
                self.needs.insert("check");
            }
            Op::Mmap {
                addr,
                length,
                prot,
                flags,
                fd,
                offset,
            } => {
                let (addr, addr_shown) = self.addr(*addr);
                let (fd, fd_shown) = self.int(*fd);
                let middle = format!(
                    ", {}, {}, {}, ",
                    unsigned(*length),
                    prot_name(*prot),
                    map_name(*flags)
                );
                let line = say("mmap(")
                    .join(addr_shown)
                    .text(&middle)
                    .join(fd_shown)
                    .text(&format!(", {})", signed(*offset)));
                self.line(&line.begin());
                self.line(&format!(
                    "{a}check_map(mmap({addr}{middle}{fd}, {}), {crit});",
                    signed(*offset)
                ));
                self.needs.insert("check_map");
            }
            Op::Munmap { addr, length } => {
                let (addr, shown) = self.addr(*addr);
                let len = unsigned(*length);
                let line = say("munmap(").join(shown).text(&format!(", {len})"));
                self.line(&line.begin());
                self.line(&format!("{a}check(munmap({addr}, {len}), {crit});"));
                self.needs.insert("check");
            }
            Op::Mprotect { addr, length, prot } => {
                let (addr, shown) = self.addr(*addr);
                let rest = format!(", {}, {})", unsigned(*length), prot_name(*prot));
                let line = say("mprotect(").join(shown).text(&rest);
                self.line(&line.begin());
                self.line(&format!("{a}check(mprotect({addr}{rest}, {crit});"));
                self.needs.insert("check");
            }
            Op::Close { fd } => {
                let (fd, shown) = self.int(*fd);
                self.line(&say("close(").join(shown).text(")").begin());
                self.line(&format!("{a}check(close({fd}), {crit});"));
                self.needs.insert("check");
            }
            Op::Touch { addr, write, value } => {
                let (expr, shown) = self.addr(*addr);
                let cell = match *addr {
                    Val::Ret(m) | Val::RetPlus(m, _) if Some(m) == plan.mapping_step => {
                        let d = match *addr {
                            Val::RetPlus(_, d) => d,
                            _ => 0,
                        };
                        say(&format!("ptr[{d}]"))
                    }
                    _ => say("*(char *)").join(shown),
                };
                if *write {
                    let line = cell.text(&format!(" = {value:#04x}"));
                    self.line(&line.begin());
                    self.line(&format!("BYTE({expr}) = {value:#04x};"));
                    self.line("done();");
                    self.value_line(i, &format!("{value:#04x}"));
                    self.needs.extend(["touch", "done"]);
                } else {
                    self.line(&say("c = ").join(cell).begin());
                    self.line(&format!("{a}check_byte(BYTE({expr}), {crit});"));
                    self.needs.extend(["touch", "check_byte"]);
                }
            }
            Op::ReadFileByte { path, offset } => {
                let path = path.to_string_lossy();
                let off = unsigned(*offset);
                let shown = format!("pread(open({path:?}, O_RDONLY), &c, 1, {off})");
                self.line(&say(&shown).begin());
                self.line(&format!(
                    "{a}check_byte(read_file_byte({}, {off}), {crit});",
                    c_string(&path)
                ));
                self.needs.extend(["check_byte", "read_file_byte"]);
            }
            Op::Maps => {
                let (mapping, before, after) = self.maps_window();
                self.line(&say("read(\"/proc/self/maps\")").begin());
                self.line(&format!(
                    "{a}check(read_maps({mapping}, {}, {}), {crit});",
                    unsigned(before),
                    unsigned(after)
                ));
                self.line("show_maps();");
                self.needs.extend(["check", "maps"]);
            }
            Op::Fork => {
                self.structural.insert(i);
                let n = self.name(i);
                self.line(&say("fork()").begin());
                self.line(&format!("{n} = fork();"));
                self.needs.insert("become_child");
                self.needs.insert("check");
                match mode {
                    Mode::Parent => {
                        self.line(&format!("if ({n} == 0) {{"));
                        self.indent += 1;
                        self.line(
                            "/* Only the child runs this block; the parent goes on after it. */",
                        );
                        self.line("become_child();");
                        self.child_steps(i);
                        self.indent -= 1;
                        self.line("}");
                        self.line(&format!("check({n}, {crit});"));
                    }
                    Mode::Child => {
                        self.line(&format!("if ({n} == 0)"));
                        self.line("    become_child();");
                        self.line("else");
                        self.line(&format!("    check({n}, {crit});"));
                    }
                }
            }
            Op::WriteText { addr, text } => {
                let (addr, shown) = self.addr(*addr);
                let lit = c_string(text);
                let len = text.len();
                let line = say("memcpy(")
                    .join(shown)
                    .text(&format!(", {text:?}, {len})"));
                self.line(&line.begin());
                self.line(&format!("memcpy({addr}, {lit}, {len});"));
                self.line("done();");
                self.value_line(i, &len.to_string());
                self.needs.insert("done");
            }
            Op::PipeRead { fd } => {
                let (fd, shown) = self.int(*fd);
                self.line(&say("read(").join(shown).text(", &c, 1)").begin());
                self.line(&format!("{a}check(read_one({fd}), {crit});"));
                self.needs.extend(["check", "read_one"]);
            }
            Op::PipeWrite { fd } => {
                let (fd, shown) = self.int(*fd);
                self.line(&say("write(").join(shown).text(", \"x\", 1)").begin());
                self.line(&format!("{a}check(write({fd}, \"x\", 1), {crit});"));
                self.needs.insert("check");
            }
            Op::ReadText { addr, len } => {
                let (addr, shown) = self.addr(*addr);
                let len = unsigned(*len);
                let line = say("memcpy(text, ").join(shown).text(&format!(", {len})"));
                self.line(&line.begin());
                self.line(&format!("{a}check(read_text({addr}, {len}), {crit});"));
                self.line("show_text();");
                self.needs.extend(["check", "read_text"]);
            }
            Op::Exit => {
                match mode {
                    Mode::Child => self.line("_exit(0);"),
                    Mode::Parent => self.line("finish(0);"),
                }
                return false;
            }
            Op::Waitpid { pid } => {
                self.structural.insert(i);
                let (pid, shown) = self.int(*pid);
                self.line(&say("waitpid(").join(shown).text(", &status, 0)").begin());
                self.line(&format!(
                    "{a}check_wait(waitpid({pid}, &status{i}, 0), &status{i}, {crit});"
                ));
                self.needs.insert("check_wait");
            }
            Op::CopyMmap {
                src,
                dst,
                size,
                window,
            } => {
                let rest = format!(", {}, {})", unsigned(*size), unsigned(*window));
                self.copy(i, "copy_mmap", *src, *dst, &rest, crit);
                self.needs.extend(["copy_mmap", "map_window"]);
            }
            Op::CopyReadWrite {
                src,
                dst,
                size,
                buf_len,
            } => {
                let rest = format!(", {}, {})", unsigned(*size), unsigned(*buf_len));
                self.copy(i, "copy_read_write", *src, *dst, &rest, crit);
                self.needs.insert("copy_read_write");
            }
            Op::CopyFileRange { src, dst, size } => {
                let rest = format!(", {})", unsigned(*size));
                self.copy(i, "copy_range", *src, *dst, &rest, crit);
                self.needs.insert("copy_file_range");
            }
            Op::Compare {
                a: x,
                b: y,
                size,
                window,
            } => {
                let (x, xs) = self.int(*x);
                let (y, ys) = self.int(*y);
                let rest = format!(", {}, {})", unsigned(*size), unsigned(*window));
                let line = say("compare(").join(xs).text(", ").join(ys).text(&rest);
                self.line(&line.begin());
                self.line(&format!("{a}check(compare({x}, {y}{rest}, {crit});"));
                self.needs.extend(["check", "compare", "map_window"]);
            }
            Op::Sleep { millis } => {
                let call = format!(
                    "nanosleep(&(struct timespec){{{}, {}}}, NULL)",
                    millis / 1000,
                    (millis % 1000) * 1_000_000
                );
                self.line(&say(&call).begin());
                self.line(&format!("{a}check({call}, {crit});"));
                self.needs.insert("check");
            }
        }
        true
    }

    /// A timed copy step: `helper(src, dst<rest>` then its speed.
    fn copy(&mut self, i: usize, helper: &str, src: Val, dst: Val, rest: &str, crit: &str) {
        let a = assign_marker(i);
        let (src, ss) = self.int(src);
        let (dst, ds) = self.int(dst);
        let line = say(&format!("{helper}("))
            .join(ss)
            .text(", ")
            .join(ds)
            .text(rest);
        self.line(&line.begin());
        self.line(&format!("{a}check({helper}({src}, {dst}{rest}, {crit});"));
        self.line("show_speed();");
        self.needs.extend(["check", "timing"]);
    }

    /// The mapping and how far below and above its start `/proc/self/maps` lines are kept:
    /// two pages either side of everything the plan maps or unmaps, as the lab shows.
    fn maps_window(&mut self) -> (String, u64, u64) {
        let Some(map) = self.plan.mapping_step.filter(|&m| self.exists(m)) else {
            return ("NULL".to_string(), 0, 0);
        };
        let page = self.page;
        let reach = self
            .plan
            .steps
            .iter()
            .fold(self.plan.mapping_len, |acc, s| match s.op {
                Op::Munmap {
                    addr: Val::RetPlus(_, d),
                    length,
                } => acc.max((d.max(0) as u64).saturating_add(length)),
                _ => acc,
            });
        let (expr, _) = self.addr(Val::Ret(map));
        let after = reach
            .div_ceil(page)
            .saturating_mul(page)
            .saturating_add(2 * page);
        (expr, 2 * page, after)
    }

    /// The generated steps with every `name = ` marker resolved.
    fn finish_steps(&self) -> String {
        let mut out = String::with_capacity(self.out.len());
        for line in self.out.lines() {
            let mut parts = line.split(VALUE_MARK);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(indent), Some(step), Some(value)) => {
                    if let Ok(i) = step.parse::<usize>() {
                        if self.reads.contains(&i) {
                            out.push_str(&format!("{indent}{} = {value}\n", self.name(i)));
                        }
                    }
                }
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        for i in 0..self.plan.steps.len() {
            let marker = assign_marker(i);
            if !out.contains(&marker) {
                continue;
            }
            let with = if self.reads.contains(&i) {
                format!("{} = ", self.name(i))
            } else {
                String::new()
            };
            out = out.replace(&marker, &with);
        }
        out
    }

    /// The declarations of the variables the steps use.
    fn declarations(&self) -> String {
        let mut out = String::new();
        let used: BTreeSet<usize> = self.reads.union(&self.structural).copied().collect();
        if used.is_empty() {
            return out;
        }
        out.push_str("    /* What the steps return, named after the step that returns it. */\n");
        for &i in &used {
            if !self.exists(i) {
                continue;
            }
            let n = self.name(i);
            if self.reads.contains(&i) || matches!(self.ty(i), Ty::Pipe | Ty::Pid) {
                let decl = match self.ty(i) {
                    Ty::Ptr => format!("char *{n} = NULL;"),
                    Ty::Int => format!("int {n} = 0;"),
                    Ty::Pipe => format!("int {n}[2] = {{0, 0}};"),
                    Ty::Pid => format!("pid_t {n} = 0;"),
                    Ty::Long => format!("long {n} = 0;"),
                };
                out.push_str(&format!("    {decl}\n"));
            }
            if let Some(Op::Waitpid { .. }) = self.plan.steps.get(i).map(|s| &s.op) {
                if self.structural.contains(&i) {
                    out.push_str(&format!("    int status{i} = 0;\n"));
                }
            }
        }
        out
    }
}

fn purpose_text(p: Purpose) -> &'static str {
    match p {
        Purpose::GuardReserve => {
            "reserve room for the mapping plus one guard page above it, so that a touch past \
             its end meets nothing instead of a neighbour."
        }
        Purpose::GuardRelease => {
            "give back all of the reservation but the guard page: the mapping lands just \
             below it."
        }
        Purpose::CheckFile => "read the file back: did the write reach it?",
        Purpose::Existing => "a mapping made only so that addr=existing has something to hit.",
        Purpose::ExhaustMapCount => "fill the process up to vm.max_map_count.",
        Purpose::Copy => "part of the copy benchmark (timed).",
    }
}

fn op_text(op: &Op, is_mapping: bool) -> String {
    match op {
        Op::SetRlimit { limit, .. } => format!("lower {} before mmap.", limit.name()),
        Op::ExhaustMapCount { .. } => "fill the process up to vm.max_map_count.".into(),
        Op::Open { path, flags } if flags & libc::O_CREAT != 0 => format!(
            "create \"{}\" (O_CREAT: a new file is empty).",
            path.to_string_lossy()
        ),
        Op::Open { path, .. } => format!("open \"{}\".", path.to_string_lossy()),
        Op::Pipe => "make a pipe.".into(),
        Op::SealedMemfd { .. } => "a memfd sealed against writing (F_SEAL_WRITE).".into(),
        Op::Ftruncate { size, .. } => format!("set the file's size to {size} bytes."),
        Op::LseekWrite { size, .. } => {
            format!("grow the file to {size} bytes by writing its last byte.")
        }
        Op::Mmap { .. } if is_mapping => "the mapping this experiment is about.".into(),
        Op::Mmap { .. } => "map.".into(),
        Op::Munmap { .. } => "unmap.".into(),
        Op::Mprotect { .. } => "change the mapping's protection.".into(),
        Op::Close { .. } => "close the descriptor.".into(),
        Op::Touch { write: true, .. } => "write one byte through the mapping.".into(),
        Op::Touch { .. } => "read one byte of the mapping.".into(),
        Op::ReadFileByte { .. } => "read one byte of the file itself.".into(),
        Op::Maps => "the lines of /proc/self/maps around the mapping.".into(),
        Op::Fork => "fork: the child inherits the mapping.".into(),
        Op::WriteText { .. } => "write a message into the mapping.".into(),
        Op::PipeRead { .. } => "wait for the other process.".into(),
        Op::PipeWrite { .. } => "wake the other process.".into(),
        Op::ReadText { .. } => "read the message from the mapping.".into(),
        Op::Exit => "this process ends here.".into(),
        Op::Waitpid { .. } => "wait for the child.".into(),
        Op::CopyMmap { .. } => "copy through two mappings.".into(),
        Op::CopyReadWrite { .. } => "copy with read and write.".into(),
        Op::CopyFileRange { .. } => "copy with copy_file_range.".into(),
        Op::Compare { .. } => "compare the copy with the source (0: identical).".into(),
        Op::Sleep { .. } => "sleep.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn plan_of(id: &str, sets: &[&str]) -> Plan {
        let scenario = catalog::find(id).expect("scenario exists");
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let params = crate::prepare(scenario, &sets).expect("valid sets");
        (scenario.build)(&params, 4096)
    }

    #[test]
    fn unaligned_offset_reads_like_the_call() {
        let plan = plan_of("unaligned-offset", &["offset=1000"]);
        let c = program("unaligned-offset", "--set offset=1000", &plan, 4096);
        assert!(
            c.contains("check_map(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd0, 1000), CRITICAL)"),
            "{c}"
        );
        assert!(c.contains("check(open(\"data\", O_RDWR), CRITICAL)"), "{c}");
        assert!(c.contains("make_file(\"data\", 16384);"), "{c}");
        assert!(c.contains("Parameters: --set offset=1000"), "{c}");
        assert!(c.contains("outcome: errno %s"), "{c}");
        assert!(c.contains("case EINVAL: return \"EINVAL\";"), "{c}");
        // Sections no step uses are left out, and no marker is left behind.
        assert!(!c.contains("copy_mmap"), "{c}");
        assert!(!c.contains("/*@"), "{c}");
        assert!(!c.contains('@'), "{c}");
    }

    #[test]
    fn anonymous_ipc_forks_with_the_child_steps_inside() {
        let plan = plan_of("anonymous-ipc", &[]);
        let c = program("anonymous-ipc", "", &plan, 4096);
        assert!(
            c.contains("MAP_SHARED|MAP_ANONYMOUS, -1, 0), CRITICAL)"),
            "{c}"
        );
        let fork = c.find("if (pid3 == 0) {").expect("a fork block");
        let read = c
            .find("check(read_text(ptr, 12), CRITICAL);")
            .expect("child reads");
        let write = c
            .find("memcpy(ptr, \"hello, world\", 12);")
            .expect("parent writes");
        let wait = c.find("waitpid(pid3, &status").expect("parent waits");
        assert!(fork < read && read < write && write < wait, "{c}");
        assert!(c.contains("become_child();"), "{c}");
        assert!(c.contains("outcome: ok"), "{c}");
    }

    #[test]
    fn touches_and_guard_steps() {
        let plan = plan_of("out-of-bounds", &[]);
        let c = program("out-of-bounds", "", &plan, 4096);
        assert!(c.contains("BYTE(ptr + 4096) = 0x2a;"), "{c}");
        assert!(c.contains("guard page"), "{c}");
        assert!(c.contains("outcome: signal "), "{c}");
    }

    #[test]
    fn c_strings_are_escaped() {
        assert_eq!(c_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(c_string("??="), "\"?\\?=\"");
        assert_eq!(c_string("\n"), "\"\\012\"");
        assert_eq!(unsigned(u64::MAX), "18446744073709551615UL");
        assert_eq!(signed(i64::MIN), "(-9223372036854775807L - 1)");
    }
}
