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
//!
//! Students read the program, so its comments and the text it prints exist in English and in
//! Chinese; a program carries one language only. In the template, each text is a block:
//!
//! ```text
//! /*@EN@*/
//! (the English lines)
//! /*@ZH@*/
//! (the same lines in Chinese)
//! /*@END_LANG@*/
//! ```
//!
//! and both sides hold the same C code: only comments and string literals differ. The calls
//! printed and the last line (`outcome: …`) are the same in both languages.

use crate::engine::plan::{Op, Plan, Purpose, Side, Val};
use crate::flags::{map_name, open_name, prot_name};
use crate::Lang;
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
/// `outcome: ok`, `outcome: errno NAME`, `outcome: signal NAME` or `outcome: timeout`.
///
/// `params_line` (such as `--set offset=1000`) goes into the header comment; `page` is the
/// page size the plan's numbers were computed for; `lang` is the language of the comments and
/// of the text the program prints (the outcome line is the same in both).
pub fn program(scenario_id: &str, params_line: &str, plan: &Plan, page: u64, lang: Lang) -> String {
    let mut gen = Gen::new(plan, page, lang);
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
        files.push_str(tr(
            lang,
            "    /* The experiment's files, filled with the lab's pattern. */\n",
            "    /* 实验用到的文件，填满 mmap-lab 的固定图案。 */\n",
        ));
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
    let params = match (params_line.trim(), lang) {
        ("", Lang::En) => "Parameters: the scenario's defaults.".to_string(),
        ("", Lang::Zh) => "参数：使用场景的默认值。".to_string(),
        (p, Lang::En) => format!("Parameters: {}", comment_safe(p)),
        (p, Lang::Zh) => format!("参数：{}", comment_safe(p)),
    };
    let deadline = plan.deadline.as_secs_f64().ceil().max(1.0) as u64;

    let blocks = [
        ("/*@CREATED@*/", created),
        ("/*@ERRNO_CASES@*/", errno_cases),
        ("/*@FILES@*/", files),
        ("/*@VARS@*/", vars),
        ("/*@STEPS@*/", steps),
    ];
    let text = fill(TEMPLATE, &gen.needs, &blocks, lang);
    text.replace("@SCENARIO@", &id)
        .replace("@PARAMS@", &params)
        .replace("@PAGE@", &page.to_string())
        .replace("@DEADLINE@", &deadline.to_string())
}

/// The English or the Chinese text, as `lang` asks.
fn tr<'t>(lang: Lang, en: &'t str, zh: &'t str) -> &'t str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The template's language markers: the lines that open the English and the Chinese side of a
/// text, and the line that closes it.
const LANG_EN: &str = "/*@EN@*/";
const LANG_ZH: &str = "/*@ZH@*/";
const LANG_END: &str = "/*@END_LANG@*/";

/// Keep the template's sections that `needs` names and the `lang` side of each language block,
/// put each block in place of its marker line.
fn fill(
    template: &str,
    needs: &BTreeSet<&'static str>,
    blocks: &[(&str, String)],
    lang: Lang,
) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    // For each open section: whether it is kept.
    let mut open: Vec<bool> = Vec::new();
    // The language of the block the line is in, if it is in one.
    let mut side: Option<Lang> = None;
    for line in template.lines() {
        let t = line.trim();
        match t {
            LANG_EN => side = Some(Lang::En),
            LANG_ZH => side = Some(Lang::Zh),
            LANG_END => side = None,
            _ if side.is_some_and(|s| s != lang) => {}
            _ => side_line(line, t, needs, blocks, &mut open, &mut out),
        }
    }
    // Two blank lines in a row are left where a section was dropped: fold them.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// One template line of the chosen language (or of none): a section fence, a block's marker
/// or a line kept as it is.
fn side_line(
    line: &str,
    t: &str,
    needs: &BTreeSet<&'static str>,
    blocks: &[(&str, String)],
    open: &mut Vec<bool>,
    out: &mut String,
) {
    if let Some(name) = t.strip_prefix("/*@IF ").and_then(|r| r.strip_suffix("@*/")) {
        open.push(needs.contains(name));
        return;
    }
    if t.starts_with("/*@END ") && t.ends_with("@*/") {
        open.pop();
        return;
    }
    if open.iter().any(|keep| !keep) {
        return;
    }
    match blocks.iter().find(|(marker, _)| *marker == t) {
        Some((_, block)) => out.push_str(block),
        None => {
            out.push_str(line);
            out.push('\n');
        }
    }
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
    /// The language of the comments.
    lang: Lang,
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
    fn new(plan: &'a Plan, page: u64, lang: Lang) -> Gen<'a> {
        Gen {
            plan,
            lang,
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
        for l in wrap_comment(text, width) {
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
        let lang = self.lang;
        let what = match step.purpose {
            Some(p) => purpose_text(p, lang).to_string(),
            None => op_text(&step.op, Some(i) == self.plan.mapping_step, lang),
        };
        let what = comment_safe(&what);
        let child = mode == Mode::Child;
        let optional = !step.critical;
        match lang {
            Lang::En => format!(
                "Step {i}{}: {what}{}",
                if child { " (child)" } else { "" },
                if optional {
                    " Optional: a failure is printed, not the outcome."
                } else {
                    ""
                }
            ),
            Lang::Zh => format!(
                "步骤 {i}{}：{what}{}",
                if child { "（子进程）" } else { "" },
                if optional {
                    "这一步是可选的：失败只会打印出来，不算作实验结果。"
                } else {
                    ""
                }
            ),
        }
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
                        self.line(tr(
                            self.lang,
                            "/* Only the child runs this block; the parent goes on after it. */",
                            "/* 只有子进程执行这个代码块；父进程跳过它，接着往下执行。 */",
                        ));
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
        out.push_str(tr(
            self.lang,
            "    /* What the steps return, named after the step that returns it. */\n",
            "    /* 各步骤的返回值，变量名里的数字就是返回它的那一步的编号。 */\n",
        ));
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

fn purpose_text(p: Purpose, lang: Lang) -> &'static str {
    match p {
        Purpose::GuardReserve => tr(
            lang,
            "reserve room for the mapping plus one guard page above it, so that a touch past \
             its end meets nothing instead of a neighbour.",
            "预留出映射所需的空间，再在它上方多留一个保护页：这样越过映射末尾的访问碰到的是\
             一片空白，而不是相邻的内存。",
        ),
        Purpose::GuardRelease => tr(
            lang,
            "give back all of the reservation but the guard page: the mapping lands just \
             below it.",
            "把预留的空间还回去，只留下保护页：映射就会落在保护页的正下方。",
        ),
        Purpose::CheckFile => tr(
            lang,
            "read the file back: did the write reach it?",
            "把文件重新读一遍：刚才的写入到达文件了吗？",
        ),
        Purpose::Existing => tr(
            lang,
            "a mapping made only so that addr=existing has something to hit.",
            "这个映射只是为了让 addr=existing 有一个可以撞上的目标。",
        ),
        Purpose::ExhaustMapCount => tr(
            lang,
            "fill the process up to vm.max_map_count.",
            "让进程的映射个数涨到 vm.max_map_count 的上限。",
        ),
        Purpose::Copy => tr(
            lang,
            "part of the copy benchmark (timed).",
            "复制速度测试的一部分（会计时）。",
        ),
    }
}

fn op_text(op: &Op, is_mapping: bool, lang: Lang) -> String {
    let t = |en: &str, zh: &str| tr(lang, en, zh).to_string();
    match op {
        Op::SetRlimit { limit, .. } => match lang {
            Lang::En => format!("lower {} before mmap.", limit.name()),
            Lang::Zh => format!("在 mmap 之前调低 {}。", limit.name()),
        },
        Op::ExhaustMapCount { .. } => purpose_text(Purpose::ExhaustMapCount, lang).into(),
        Op::Open { path, flags } if flags & libc::O_CREAT != 0 => match lang {
            Lang::En => format!(
                "create \"{}\" (O_CREAT: a new file is empty).",
                path.to_string_lossy()
            ),
            Lang::Zh => format!(
                "创建文件 \"{}\"（O_CREAT：新建的文件是空的，大小为 0）。",
                path.to_string_lossy()
            ),
        },
        Op::Open { path, .. } => match lang {
            Lang::En => format!("open \"{}\".", path.to_string_lossy()),
            Lang::Zh => format!("打开文件 \"{}\"。", path.to_string_lossy()),
        },
        Op::Pipe => t("make a pipe.", "创建一个管道。"),
        Op::SealedMemfd { .. } => t(
            "a memfd sealed against writing (F_SEAL_WRITE).",
            "一个用 F_SEAL_WRITE 封住、不许再写入的 memfd。",
        ),
        Op::Ftruncate { size, .. } => match lang {
            Lang::En => format!("set the file's size to {size} bytes."),
            Lang::Zh => format!("把文件大小设为 {size} 字节。"),
        },
        Op::LseekWrite { size, .. } => match lang {
            Lang::En => format!("grow the file to {size} bytes by writing its last byte."),
            Lang::Zh => format!("写入文件的最后一个字节，把文件扩大到 {size} 字节。"),
        },
        Op::Mmap { .. } if is_mapping => t(
            "the mapping this experiment is about.",
            "建立本实验要研究的那个映射。",
        ),
        Op::Mmap { .. } => t("map.", "建立映射。"),
        Op::Munmap { .. } => t("unmap.", "解除映射。"),
        Op::Mprotect { .. } => t("change the mapping's protection.", "修改映射的保护属性。"),
        Op::Close { .. } => t("close the descriptor.", "关闭文件描述符。"),
        Op::Touch { write: true, .. } => t(
            "write one byte through the mapping.",
            "通过映射写入一个字节。",
        ),
        Op::Touch { .. } => t("read one byte of the mapping.", "读取映射中的一个字节。"),
        Op::ReadFileByte { .. } => t(
            "read one byte of the file itself.",
            "直接从文件本身读取一个字节。",
        ),
        Op::Maps => t(
            "the lines of /proc/self/maps around the mapping.",
            "显示 /proc/self/maps 中映射附近的几行。",
        ),
        Op::Fork => t(
            "fork: the child inherits the mapping.",
            "fork：子进程会继承这个映射。",
        ),
        Op::WriteText { .. } => t(
            "write a message into the mapping.",
            "往映射里写入一条消息。",
        ),
        Op::PipeRead { .. } => t("wait for the other process.", "等待另一个进程。"),
        Op::PipeWrite { .. } => t("wake the other process.", "唤醒另一个进程。"),
        Op::ReadText { .. } => t(
            "read the message from the mapping.",
            "从映射中读出这条消息。",
        ),
        Op::Exit => t("this process ends here.", "这个进程到此结束。"),
        Op::Waitpid { .. } => t("wait for the child.", "等待子进程结束。"),
        Op::CopyMmap { .. } => t("copy through two mappings.", "通过两个映射复制文件。"),
        Op::CopyReadWrite { .. } => t("copy with read and write.", "用 read 和 write 复制文件。"),
        Op::CopyFileRange { .. } => t(
            "copy with copy_file_range.",
            "用 copy_file_range 复制文件。",
        ),
        Op::Compare { .. } => t(
            "compare the copy with the source (0: identical).",
            "把副本和源文件逐字节比较（0 表示完全相同）。",
        ),
        Op::Sleep { .. } => t("sleep.", "休眠一会儿。"),
    }
}

/// How many columns `c` takes on a terminal: two for Chinese characters and full-width forms.
fn char_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}

fn text_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Punctuation that may not begin a line.
const CLOSING: &str = "，。、；：！？）」』》.,;:!?)]";
/// Punctuation that may not end a line.
const OPENING: &str = "（「『《([";

/// The pieces `text` may be broken between, each with whether a space comes before it. With
/// `phrases`, a run of Chinese up to its punctuation is one piece (so that lines break between
/// phrases); without, each Chinese character is one (Chinese may break between any two).
/// Punctuation that may not begin a line stays with the piece before it, an opening bracket
/// with the piece after it.
fn pieces(text: &str, phrases: bool) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            prev = None;
            continue;
        }
        let glued = match prev {
            Some(p) if !space => {
                let (wide, p_wide) = (char_width(c) == 2, char_width(p) == 2);
                CLOSING.contains(c)
                    || OPENING.contains(p)
                    || (!wide && !p_wide)
                    || (phrases && wide && p_wide && !CLOSING.contains(p))
            }
            _ => false,
        };
        match out.last_mut() {
            Some((_, piece)) if glued => piece.push(c),
            _ => out.push((space, c.to_string())),
        }
        space = false;
        prev = Some(c);
    }
    out
}

/// A `/* … */` comment holding `text`, wrapped so that no line is wider than `width` columns
/// (unless a single word is). Lines break between words and between Chinese phrases; a phrase
/// too long for that is broken between its characters.
fn wrap_comment(text: &str, width: usize) -> Vec<String> {
    let limit = width.saturating_sub(3);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::from("/*");
    let mut at_start = true;
    let mut place = |space: bool, piece: &str, current: &mut String, at_start: &mut bool| {
        let gap = usize::from(space || *at_start);
        if text_width(current) + gap + text_width(piece) > limit && !*at_start {
            lines.push(std::mem::replace(current, String::from(" *")));
            *at_start = true;
        }
        if space || *at_start {
            current.push(' ');
        }
        current.push_str(piece);
        *at_start = false;
    };
    for (space, phrase) in pieces(text, true) {
        let gap = usize::from(space || at_start);
        let fits = text_width(&current) + gap + text_width(&phrase) <= limit;
        if fits || text_width(&phrase) <= limit / 4 {
            place(space, &phrase, &mut current, &mut at_start);
        } else {
            // A long phrase: fill the line up with it, character by character.
            for (i, (inner_space, piece)) in pieces(&phrase, false).into_iter().enumerate() {
                let space = if i == 0 { space } else { inner_space };
                place(space, &piece, &mut current, &mut at_start);
            }
        }
    }
    current.push_str(" */");
    lines.push(current);
    lines
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
        let c = program(
            "unaligned-offset",
            "--set offset=1000",
            &plan,
            4096,
            Lang::En,
        );
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
        let c = program("anonymous-ipc", "", &plan, 4096, Lang::En);
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
        let c = program("out-of-bounds", "", &plan, 4096, Lang::En);
        assert!(c.contains("BYTE(ptr + 4096) = 0x2a;"), "{c}");
        assert!(c.contains("guard page"), "{c}");
        assert!(c.contains("outcome: signal "), "{c}");
    }

    /// The scenarios and parameters the language tests look at: between them they use every
    /// optional part of the template.
    fn sample_plans() -> Vec<(&'static str, Plan)> {
        [
            ("unaligned-offset", &["offset=1000"][..]),
            ("anonymous-ipc", &[][..]),
            ("out-of-bounds", &[][..]),
            ("empty-new-file", &["grow=lseek-write"][..]),
            ("close-after-mmap", &[][..]),
            ("mmap-copy", &["copy_size=1M"][..]),
            ("munmap-shifted-pointer", &[][..]),
            ("playground", &["exhaust_map_count=true", "guard=true"][..]),
            ("playground", &["file=sealed-memfd", "rlimit_as=1G"][..]),
        ]
        .iter()
        .map(|(id, sets)| (*id, plan_of(id, sets)))
        .collect()
    }

    /// The C code of a program without its comments and the text of its string and character
    /// literals, whitespace folded: what must not depend on the language.
    fn code_only(c: &str) -> String {
        let mut out = String::new();
        let mut chars = c.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    let mut last = ' ';
                    for x in chars.by_ref() {
                        if last == '*' && x == '/' {
                            break;
                        }
                        last = x;
                    }
                    out.push(' ');
                }
                '"' | '\'' => {
                    out.push(ch);
                    while let Some(x) = chars.next() {
                        if x == '\\' {
                            chars.next();
                        } else if x == ch {
                            break;
                        }
                    }
                    out.push(ch);
                }
                _ => out.push(ch),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_template_pairs_every_english_text_with_a_chinese_one() {
        let mut side = None;
        let (mut en_lines, mut zh_lines) = (0, 0);
        for (n, line) in TEMPLATE.lines().enumerate() {
            let at = n + 1;
            match (line.trim(), side) {
                (LANG_EN, None) => side = Some(Lang::En),
                (LANG_ZH, Some(Lang::En)) => side = Some(Lang::Zh),
                (LANG_END, Some(Lang::Zh)) => {
                    assert!(en_lines > 0 && zh_lines > 0, "empty side before line {at}");
                    (en_lines, zh_lines, side) = (0, 0, None);
                }
                (LANG_EN | LANG_ZH | LANG_END, _) => panic!("misplaced marker at line {at}"),
                (t, Some(_)) if t.starts_with("/*@") => panic!("marker inside a block: {at}"),
                (_, Some(Lang::En)) => en_lines += 1,
                (_, Some(Lang::Zh)) => zh_lines += 1,
                (_, None) => {}
            }
        }
        assert_eq!(side, None, "a block is left open");
        // Outside the blocks, comments are only the template's own markers.
        let mut side = None;
        for line in TEMPLATE.lines() {
            match line.trim() {
                LANG_EN | LANG_ZH => side = Some(()),
                LANG_END => side = None,
                t if side.is_none() && !t.starts_with("/*@") => {
                    assert!(
                        !t.contains("/*") && !t.starts_with('*'),
                        "outside a block: {t}"
                    );
                }
                _ => {}
            }
        }
    }

    #[test]
    fn both_languages_hold_the_same_code() {
        for (id, plan) in sample_plans() {
            let en = program(id, "--set a=b", &plan, 4096, Lang::En);
            let zh = program(id, "--set a=b", &plan, 4096, Lang::Zh);
            assert_eq!(code_only(&en), code_only(&zh), "{id}");
            assert_ne!(en, zh, "{id}");
            for c in [&en, &zh] {
                assert!(!c.contains("/*@"), "{c}");
                assert!(!c.contains('@'), "{c}");
                assert!(c.contains("outcome: ok\\n"), "{c}");
                assert!(c.contains("outcome: errno %s\\n"), "{c}");
                assert!(c.contains("put(\"outcome: signal \");"), "{c}");
                assert!(c.contains("put(\"outcome: timeout\\n\");"), "{c}");
            }
        }
    }

    /// The comments of a program, one string each.
    fn comments(c: &str) -> Vec<&str> {
        c.split("/*")
            .skip(1)
            .filter_map(|rest| rest.split_once("*/").map(|(body, _)| body))
            .collect()
    }

    #[test]
    fn a_program_speaks_one_language() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (id, plan) in sample_plans() {
            let en = program(id, "", &plan, 4096, Lang::En);
            assert!(en.is_ascii(), "{id}: Chinese in the English program:\n{en}");
            assert!(en.contains("Parameters: the scenario's defaults."), "{en}");
            let zh = program(id, "", &plan, 4096, Lang::Zh);
            assert!(zh.contains("参数：使用场景的默认值。"), "{zh}");
            for body in comments(&zh) {
                assert!(chinese(body), "{id}: an English comment: /*{body}*/");
            }
            for english in [
                "(done)",
                "[child]",
                " read: ",
                "splits; vm",
                "bytes in",
                "exited ",
            ] {
                assert!(!zh.contains(english), "{id}: {english:?} in\n{zh}");
            }
        }
    }

    #[test]
    fn chinese_step_comments_read_naturally_and_wrap() {
        let plan = plan_of("anonymous-ipc", &[]);
        let c = program("anonymous-ipc", "", &plan, 4096, Lang::Zh);
        assert!(
            c.contains("/* 步骤 3：fork：子进程会继承这个映射。 */"),
            "{c}"
        );
        assert!(
            c.contains("/* 步骤 7（子进程）：从映射中读出这条消息。 */"),
            "{c}"
        );
        assert!(
            c.contains("printf(\"%s读到：\\\"\", in_child ? \"子进程\" : \"进程\");"),
            "{c}"
        );
        // Comments the generator writes fit in 100 columns, Chinese characters counting two.
        for line in c.lines().filter(|l| l.trim_start().starts_with("/* 步骤")) {
            assert!(text_width(line) <= 100, "too wide: {line}");
        }
        let long = "甲".repeat(120);
        let lines = wrap_comment(&format!("步骤 1：{long}。"), 60);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(text_width(l) <= 60, "{l}");
            assert!(!l.starts_with(" * 。"), "{l}");
        }
        assert_eq!(
            wrap_comment("read the file back: did the write reach it?", 100),
            vec!["/* read the file back: did the write reach it? */"]
        );
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
