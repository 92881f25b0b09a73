//! The code generator for the steps: the variables, the arguments named as C expressions and
//! printf conversions, each step's lines (its family writes them through [`CWriter`]), the
//! pages' lines after a step.

use crate::engine::calls::{Call, ValueNames};
use crate::engine::ops::c::CWriter;
use crate::engine::ops::c::{c_string, signed, unsigned, Mode};
use crate::engine::ops::CType;
use crate::engine::ops::MapOp;
use crate::engine::plan::{Op, Plan, Side, Val};
use crate::lesson::width as text_width;
use crate::texts::Text;
use crate::Lang;

use super::comment::{comment_safe, wrap_comment};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// The code generator for the steps.
pub(super) struct Gen<'a> {
    pub(super) plan: &'a Plan,
    /// The language of the comments.
    pub(super) lang: Lang,
    /// The page size the plan was built for.
    pub(super) page: u64,
    pub(super) out: String,
    pub(super) indent: usize,
    /// Steps whose variable is read somewhere (so it is declared and assigned).
    pub(super) reads: RefCell<BTreeSet<usize>>,
    /// Steps whose variable exists whether read or not (a pipe's array, a fork's pid, a
    /// waitpid's status).
    pub(super) structural: RefCell<BTreeSet<usize>>,
    /// The printf conversions of the call being named: `(conversion, C expression)`, each
    /// marked in the call's text by its index between two [`CONV_MARK`]s.
    pub(super) convs: RefCell<Vec<(&'static str, String)>>,
    /// Template sections the steps use.
    pub(super) needs: BTreeSet<&'static str>,
    /// Writing the minimal program (see [`minimal`]) rather than the full one.
    pub(super) minimal: Option<Frame>,
    /// Printing the pages' state after the steps where the lab records it (the full program
    /// of a plan with a mapping to read).
    pub(super) pages: Option<PagesShown>,
}

/// What the minimal program's frame knows about the plan, worked out before the steps are
/// written (`Frame::new`, in `minimal.rs`). Declared here, beside the generator that carries it,
/// so that the generator does not depend on the minimal form.
pub(super) struct Frame {
    /// The steps the program has.
    pub(super) kept: Vec<bool>,
    /// The steps whose result a kept step reads (so it is kept in a variable).
    pub(super) reads: BTreeSet<usize>,
    /// Whether the program needs a directory (it has files, or opens names).
    pub(super) dir: bool,
    /// The step after which the names are removed; `None`: right after the files are made.
    pub(super) clean_after: Option<usize>,
    /// The steps that read a file back, with its name: opened before the names go.
    pub(super) reread: Vec<(usize, String)>,
    /// The names to remove: the plan's files and what its kept steps create.
    pub(super) names: Vec<String>,
    /// The names are still there: a failure goes to `clean`, not to `out`.
    pub(super) before_clean: bool,
    /// The labels some `goto` jumps to.
    pub(super) labels: RefCell<BTreeSet<&'static str>>,
    /// A step's one-line comment, put after the step's first line if it fits there.
    pub(super) pending: Option<String>,
}

/// The full program's page state lines: the C expression of the mapping's start now (`ptr`,
/// or where a successful `mremap` of it moved it).
pub(super) struct PagesShown {
    pub(super) base: String,
}

/// Fences the step number of a `name = value;` line, dropped unless the step's result is read.
pub(super) const VALUE_MARK: char = '\u{2}';

/// Fences the index of a printf conversion in a call's text.
pub(super) const CONV_MARK: char = '\u{3}';

/// Marks where step `i`'s `name = ` goes; resolved once all reads are known.
pub(super) fn assign_marker(i: usize) -> String {
    format!("\u{1}{i}\u{1}")
}

/// `base`, `base + d` or `base - d` as C.
pub(super) fn offset_expr(base: &str, d: i64) -> String {
    match d {
        0 => base.to_string(),
        d if d < 0 => format!("{base} - {}", unsigned(d.unsigned_abs())),
        d => format!("{base} + {d}"),
    }
}

impl<'a> Gen<'a> {
    pub(super) fn new(plan: &'a Plan, page: u64, lang: Lang) -> Gen<'a> {
        Gen {
            plan,
            lang,
            page: page.max(1),
            out: String::new(),
            indent: 1,
            reads: RefCell::default(),
            structural: RefCell::default(),
            convs: RefCell::default(),
            needs: BTreeSet::new(),
            minimal: None,
            pages: None,
        }
    }

    /// `name = value;` for a step whose result is a known value, kept only if it is read.
    pub(super) fn value_line(&mut self, i: usize, value: &str) {
        let indent = "    ".repeat(self.indent);
        self.out
            .push_str(&format!("{indent}{VALUE_MARK}{i}{VALUE_MARK}{value};\n"));
    }

    /// A comment, wrapped to fit in 100 columns.
    pub(super) fn comment_lines(&mut self, text: &str) {
        let width = 100usize.saturating_sub(4 * self.indent).max(40);
        for l in wrap_comment(text, width) {
            self.line(&l);
        }
    }

    pub(super) fn line(&mut self, s: &str) {
        let indent = "    ".repeat(self.indent);
        // The minimal program's step comment goes after the step's first line when both fit
        // in 100 columns, else on a line of its own above it.
        if let Some(comment) = self.minimal.as_mut().and_then(|f| f.pending.take()) {
            let joined = format!("{indent}{s} {comment}");
            if !s.starts_with("/*") && text_width(&joined) <= 100 {
                self.out.push_str(&joined);
                self.out.push('\n');
                return;
            }
            self.out.push_str(&format!("{indent}{comment}\n"));
        }
        self.out.push_str(&indent);
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub(super) fn ty(&self, i: usize) -> CType {
        self.plan
            .steps
            .get(i)
            .map_or(CType::Long, |s| s.op.family().c_type())
    }

    pub(super) fn name(&self, i: usize) -> String {
        match self.ty(i) {
            CType::Ptr if Some(i) == self.plan.mapping_step => "ptr".to_string(),
            CType::Ptr => format!("map{i}"),
            CType::Int => format!("fd{i}"),
            CType::Pipe => format!("fds{i}"),
            CType::Pid => format!("pid{i}"),
            CType::Wait | CType::Long => format!("r{i}"),
        }
    }

    /// Whether step `i` really is a step of the plan (a `Val` may name one that is not).
    pub(super) fn exists(&self, i: usize) -> bool {
        i < self.plan.steps.len()
    }

    /// The second value step `i` produced, as an `int` expression.
    pub(super) fn aux(&self, i: usize) -> Option<String> {
        let e = match self.ty(i) {
            CType::Pipe => format!("fds{i}[1]"),
            CType::Wait => format!("status{i}"),
            _ => return None,
        };
        self.structural.borrow_mut().insert(i);
        Some(e)
    }

    /// An integer argument (a descriptor, a pid): its C expression and, when it is only known
    /// at run time, the printf conversion that prints it.
    pub(super) fn int_arg(&self, v: Val) -> (String, Option<&'static str>) {
        match v {
            Val::Lit(x) => (signed(x), None),
            Val::Ret(i) | Val::RetPlus(i, _) if !self.exists(i) => ("0".into(), None),
            Val::Ret(i) => {
                self.reads.borrow_mut().insert(i);
                let n = self.name(i);
                match self.ty(i) {
                    CType::Int | CType::Pid => (n, Some("%d")),
                    CType::Pipe => (format!("{n}[0]"), Some("%d")),
                    CType::Wait | CType::Long => (n, Some("%ld")),
                    CType::Ptr => (format!("(long){n}"), Some("%ld")),
                }
            }
            Val::RetPlus(i, d) => {
                let (base, _) = self.int_arg(Val::Ret(i));
                (format!("(long){base} + {}", signed(d)), Some("%ld"))
            }
            Val::Aux(i) => match self.aux(i) {
                Some(e) => (e, Some("%d")),
                None => ("0".into(), None),
            },
        }
    }

    /// An address argument: its C expression (a `char *` or `NULL`) and, when it is only known
    /// at run time, the `%p` argument that prints it.
    pub(super) fn addr_arg(&self, v: Val) -> (String, Option<String>) {
        match v {
            Val::Lit(0) => ("NULL".into(), None),
            Val::Lit(x) => (format!("(char *){:#x}", x as u64), None),
            Val::Ret(i) => self.addr_arg(Val::RetPlus(i, 0)),
            Val::RetPlus(i, _) if !self.exists(i) => ("NULL".into(), None),
            Val::RetPlus(i, d) => {
                self.reads.borrow_mut().insert(i);
                let n = self.name(i);
                let base = match self.ty(i) {
                    CType::Ptr => n,
                    CType::Wait | CType::Long => format!("(char *){n}"),
                    CType::Pipe => format!("(char *)(long){n}[0]"),
                    CType::Int | CType::Pid => format!("(char *)(long){n}"),
                };
                let expr = offset_expr(&base, d);
                if Some(i) == self.plan.mapping_step {
                    (expr, None)
                } else if d == 0 && !expr.contains(' ') {
                    (expr.clone(), Some(format!("(void *){expr}")))
                } else {
                    (expr.clone(), Some(format!("(void *)({expr})")))
                }
            }
            Val::Aux(i) => match self.aux(i) {
                Some(e) => {
                    let expr = format!("(char *)(long){e}");
                    (expr.clone(), Some(format!("(void *){expr}")))
                }
                None => ("NULL".into(), None),
            },
        }
    }

    /// A value printed at run time: a marker in the call's text, resolved by [`Gen::begin`].
    pub(super) fn conv(&self, spec: &'static str, expr: String) -> String {
        let mut convs = self.convs.borrow_mut();
        convs.push((spec, expr));
        format!("{CONV_MARK}{}{CONV_MARK}", convs.len() - 1)
    }

    /// The `begin(…)` statement that records `call`: its text as a printf format, the values
    /// known only at run time as conversions.
    pub(super) fn begin(&self, call: &Call) -> String {
        let text = call.text();
        let convs = std::mem::take(&mut *self.convs.borrow_mut());
        let mut fmt = String::new();
        let mut args = String::new();
        for (k, piece) in text.split(CONV_MARK).enumerate() {
            match piece.parse::<usize>().ok().and_then(|n| convs.get(n)) {
                Some((spec, expr)) if k % 2 == 1 => {
                    fmt.push_str(spec);
                    args.push_str(", ");
                    args.push_str(expr);
                }
                _ => fmt.push_str(&piece.replace('%', "%%")),
            }
        }
        format!("begin({}{args});", c_string(&fmt))
    }

    /// The steps the experiment's own process runs, up to its end.
    pub(super) fn main_steps(&mut self) {
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
    pub(super) fn child_steps(&mut self, fork: usize) {
        let plan = self.plan;
        // The child's pages as the fork left them, as the lab reads them at its first stop.
        if self.minimal.is_none() && self.plan.mapping_step.is_some_and(|m| m < fork) {
            self.pages_line(fork, Mode::Child);
        }
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
    pub(super) fn comment(&self, i: usize, mode: Mode) -> String {
        let Some(step) = self.plan.steps.get(i) else {
            return String::new();
        };
        let lang = self.lang;
        let what = match step.purpose {
            Some(p) => Text::purpose(p).get(lang).to_string(),
            None => step
                .op
                .family()
                .what(Some(i) == self.plan.mapping_step, lang),
        };
        let head = match mode {
            Mode::Parent => Text::CStep,
            Mode::Child => Text::CStepChild,
        };
        // Numbered as the lab numbers it everywhere (`run`, the screen, Markdown): the lab's
        // own maps captures are not the experiment's steps and carry no number.
        if step.is_bookkeeping() {
            return capitalised(&comment_safe(&what));
        }
        let number = self.plan.step_number(i).to_string();
        let mut text = head.fill(lang, &[&number, &comment_safe(&what)]);
        if !step.critical {
            text.push_str(Text::COptional.get(lang));
        }
        text
    }

    /// Write step `i`: its comment, the `begin` line with the call the screen shows, then its
    /// family's C. Returns false when the process ends there.
    pub(super) fn step(&mut self, i: usize, mode: Mode) -> bool {
        let plan = self.plan;
        let Some(step) = plan.steps.get(i) else {
            return false;
        };
        let family = step.op.family();
        if self.minimal.is_some() {
            return self.minimal_step(i, mode);
        }
        if !family.in_c_program() {
            return true;
        }
        self.needs.insert("steps");
        self.out.push('\n');
        let comment = self.comment(i, mode);
        self.comment_lines(&comment);
        let begin = self.begin(&family.call(&*self));
        self.line(&begin);
        let goes_on = family.c_code(&mut CStep {
            gen: self,
            i,
            mode,
            critical: step.critical,
        });
        if goes_on {
            self.show_pages(i, mode);
        }
        goes_on
    }

    /// `show_pages(base, i, who);` after step `i`, where the lab records the pages: a step of
    /// the experiment's (not a maps capture) from the mapping's on, by the process that made
    /// it. A successful `mremap` of the mapping moves its start first.
    pub(super) fn show_pages(&mut self, i: usize, mode: Mode) {
        let Some(map) = self.plan.mapping_step else {
            return;
        };
        let Some(step) = self.plan.steps.get(i) else {
            return;
        };
        if self.pages.is_none() || i < map || step.is_bookkeeping() {
            return;
        }
        if let Op::Map(MapOp::Mremap {
            addr: Val::Ret(m), ..
        }) = step.op
        {
            if m == map && self.ty(i) == CType::Ptr {
                let (moved, _) = self.addr_arg(Val::Ret(i));
                if let Some(p) = self.pages.as_mut() {
                    p.base = format!("({moved} != MAP_FAILED ? {moved} : {})", p.base);
                }
            }
        }
        self.pages_line(i, mode);
    }

    /// The `show_pages` line itself, for the process running in `mode`.
    pub(super) fn pages_line(&mut self, i: usize, mode: Mode) {
        let Some(base) = self.pages.as_ref().map(|p| p.base.clone()) else {
            return;
        };
        let two = self.plan.steps.iter().any(|s| s.side == Side::Child);
        let who = match (two, mode) {
            (false, _) => "ONE_PROCESS",
            (true, Mode::Parent) => "PARENT",
            (true, Mode::Child) => "CHILD",
        };
        let number = self.plan.step_number(i);
        self.line(&format!("show_pages({base}, {number}, {who});"));
    }

    /// The mapping and how far below and above its start `/proc/self/maps` lines are kept:
    /// two pages either side of everything the plan maps or unmaps, as the lab shows.
    /// Before the mapping is made, around the address it will be asked for when an earlier
    /// step returned that (a `MAP_FIXED` over an existing mapping), as the lab does.
    pub(super) fn maps_window(&self, at: usize) -> (String, u64, u64) {
        let Some(m) = self.plan.mapping_step.filter(|&m| self.exists(m)) else {
            return ("NULL".to_string(), 0, 0);
        };
        let page = self.page;
        let target = match self.plan.steps.get(m).map(|s| &s.op) {
            Some(Op::Map(MapOp::Mmap {
                addr: Val::Ret(j), ..
            })) if at < m && *j < at => Val::Ret(*j),
            _ => Val::Ret(m),
        };
        let (expr, _) = self.addr_arg(target);
        let (before, after) = self.plan.capture_window(page);
        (expr, before, after)
    }

    /// The generated steps with every `name = ` marker resolved.
    pub(super) fn finish_steps(&self) -> String {
        let reads = self.reads.borrow();
        let mut out = String::with_capacity(self.out.len());
        for line in self.out.lines() {
            let mut parts = line.split(VALUE_MARK);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(indent), Some(step), Some(value)) => {
                    if let Ok(i) = step.parse::<usize>() {
                        if reads.contains(&i) {
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
            let with = if reads.contains(&i) {
                format!("{} = ", self.name(i))
            } else {
                String::new()
            };
            out = out.replace(&marker, &with);
        }
        out
    }

    /// The declarations of the variables the steps use.
    pub(super) fn declarations(&self) -> String {
        let (reads, structural) = (self.reads.borrow(), self.structural.borrow());
        let mut out = String::new();
        let used: BTreeSet<usize> = reads.union(&structural).copied().collect();
        if used.is_empty() {
            return out;
        }
        out.push_str(&format!("    /* {} */\n", Text::CVars.get(self.lang)));
        for &i in &used {
            if !self.exists(i) {
                continue;
            }
            let n = self.name(i);
            if reads.contains(&i) || matches!(self.ty(i), CType::Pipe | CType::Pid) {
                let decl = match self.ty(i) {
                    CType::Ptr => format!("char *{n} = NULL;"),
                    CType::Int => format!("int {n} = 0;"),
                    CType::Pipe => format!("int {n}[2] = {{0, 0}};"),
                    CType::Pid => format!("pid_t {n} = 0;"),
                    CType::Wait | CType::Long => format!("long {n} = 0;"),
                };
                out.push_str(&format!("    {decl}\n"));
            }
            if self.ty(i) == CType::Wait && structural.contains(&i) {
                out.push_str(&format!("    int status{i} = 0;\n"));
            }
        }
        out
    }
}

/// The values of a call as the C program prints them: the mapping as `ptr` (its value is on
/// the mmap line), everything else known only at run time by a printf conversion. The same
/// shapes as the record's names (`engine/record/build.rs`), so that both print the same call.
impl ValueNames for Gen<'_> {
    fn addr(&self, v: Val) -> String {
        let mapping = |i: usize| Some(i) == self.plan.mapping_step && self.exists(i);
        match v {
            Val::Lit(0) => "NULL".to_string(),
            Val::Lit(x) => format!("{:#x}", x as u64),
            Val::Ret(i) if mapping(i) => "ptr".to_string(),
            Val::RetPlus(i, d) if mapping(i) && d < 0 => format!("ptr - {}", d.unsigned_abs()),
            Val::RetPlus(i, d) if mapping(i) => format!("ptr + {d}"),
            other => match self.addr_arg(other) {
                (_, Some(shown)) => self.conv("%p", shown),
                (expr, None) => expr,
            },
        }
    }

    fn num(&self, v: Val) -> String {
        match (v, self.int_arg(v)) {
            (Val::Lit(x), _) => x.to_string(),
            (_, (expr, Some(spec))) => self.conv(spec, expr),
            (_, (expr, None)) => expr,
        }
    }
}

/// The [`CWriter`] of one step being written.
pub(crate) struct CStep<'g, 'a> {
    pub(super) gen: &'g mut Gen<'a>,
    pub(super) i: usize,
    pub(super) mode: Mode,
    pub(super) critical: bool,
}

impl CWriter for CStep<'_, '_> {
    /// An integer argument (a descriptor, a pid) as a C expression.
    fn int(&self, v: Val) -> String {
        self.gen.int_arg(v).0
    }

    /// An address argument as a C expression (a `char *` or `NULL`).
    fn addr(&self, v: Val) -> String {
        self.gen.addr_arg(v).0
    }

    /// One line of C, indented.
    fn line(&mut self, s: &str) {
        self.gen.line(s);
    }

    /// A one-line comment in the program's language.
    fn comment(&mut self, text: Text) {
        let lang = self.gen.lang;
        self.gen.line(&format!("/* {} */", text.get(lang)));
    }

    /// `name = helper(args, CRITICAL);`: the call checked by the template's `helper` (`check`,
    /// `check_map`, …), its result kept in the step's variable if anything reads it.
    ///
    /// In the minimal program there are no helpers: the call itself, its result compared with
    /// what the helper takes for a failure (`-1`, or `MAP_FAILED` for `check_map`).
    fn check(&mut self, helper: &'static str, args: &str) {
        if self.minimal() {
            let failed = if helper == "check_map" {
                "MAP_FAILED"
            } else {
                "-1"
            };
            self.plain_check(args, failed);
            return;
        }
        let a = assign_marker(self.i);
        self.checked(&a, helper, args);
    }

    /// Whether this is the minimal program (`mmap-lab c ID --minimal`): no template, no
    /// helpers, the calls as a student writes them. A family whose full C uses a template
    /// helper writes its minimal form beside it.
    fn minimal(&self) -> bool {
        self.gen.minimal.is_some()
    }

    /// Minimal program: `type name = call;` (when a later step reads the result) and the test
    /// of its result against `failed`, with what a failure does ([`CStep::on_failure`]).
    fn plain_check(&mut self, call: &str, failed: &str) {
        let on_failure = self.on_failure();
        let tested = if self.gen.minimal_reads(self.i) {
            let n = self.var();
            let ty = match self.gen.ty(self.i) {
                CType::Ptr => "char *",
                CType::Int => "int ",
                CType::Pid => "pid_t ",
                CType::Pipe | CType::Wait | CType::Long => "long ",
            };
            self.line(&format!("{ty}{n} = {call};"));
            n
        } else if call.contains(" ? ") {
            format!("({call})")
        } else {
            call.to_string()
        };
        self.if_line(&format!("{tested} == {failed}"), &on_failure);
    }

    /// Minimal program: `if (cond) then`, on one line if it fits in 100 columns.
    fn if_line(&mut self, cond: &str, then: &str) {
        self.gen.if_line(cond, then);
    }

    /// Minimal program: what a failure of this step does. `perror` names the function; a
    /// critical failure then keeps its errno in `e` and ends the experiment (the forked child
    /// leaves with it as exit status, for the parent's `waitpid`); an optional one is only
    /// printed.
    fn on_failure(&mut self) -> String {
        let function = self
            .gen
            .plan
            .steps
            .get(self.i)
            .map_or("", |s| s.op.function().name());
        self.on_failure_of(function)
    }

    /// [`CStep::on_failure`], `perror` naming `function`.
    fn on_failure_of(&mut self, function: &str) -> String {
        let perror = format!("perror({});", c_string(function));
        if !self.critical {
            return perror;
        }
        match self.mode {
            Mode::Child => format!("{{ e = errno; {perror} _exit(e); }}"),
            Mode::Parent => {
                let label = self.gen.failure_label();
                format!("{{ e = errno; {perror} goto {label}; }}")
            }
        }
    }

    /// `helper(args, CRITICAL);`, the result not kept: for a step whose variable its call
    /// fills in itself (a pipe's array).
    fn check_only(&mut self, helper: &'static str, args: &str) {
        self.checked("", helper, args);
    }

    /// `name = value;` for a step that cannot fail, kept only if its result is read.
    fn value(&mut self, value: &str) {
        if self.minimal() {
            if self.gen.minimal_reads(self.i) {
                let n = self.var();
                self.line(&format!("long {n} = {value};"));
            }
            return;
        }
        self.gen.value_line(self.i, value);
    }

    /// Keep the template's sections `names`.
    fn needs(&mut self, names: &[&'static str]) {
        self.gen.needs.extend(names);
    }

    /// The step's variable.
    fn var(&self) -> String {
        self.gen.name(self.i)
    }

    /// Declare the step's variable even if nothing reads it (it is written through, as a
    /// pipe's array is).
    fn keep(&mut self) {
        self.gen.structural.borrow_mut().insert(self.i);
    }

    /// The step's second variable (waitpid's status), declared.
    fn aux_var(&mut self) -> String {
        self.gen.aux(self.i).unwrap_or_else(|| "0".to_string())
    }

    /// `CRITICAL` or `OPTIONAL`.
    fn crit(&self) -> &'static str {
        if self.critical {
            "CRITICAL"
        } else {
            "OPTIONAL"
        }
    }

    /// Which process runs this step.
    fn mode(&self) -> Mode {
        self.mode
    }

    /// Indent the following lines one level more (`1`) or less (`-1`).
    fn indent(&mut self, by: isize) {
        self.gen.indent = self.gen.indent.saturating_add_signed(by);
    }

    /// Write the steps the child forked here runs, up to its `_exit`.
    fn child_steps(&mut self) {
        self.gen.child_steps(self.i);
    }

    /// The mapping's expression and how far below and above it `/proc/self/maps` is kept.
    fn maps_window(&self) -> (String, u64, u64) {
        self.gen.maps_window(self.i)
    }

    // The minimal program's own three, written beside it (`cprog/minimal.rs`).
    fn reread_fd(&self) -> String {
        CStep::reread_fd(self)
    }

    fn trailing_comment(&mut self, text: Text) {
        CStep::trailing_comment(self, text);
    }

    fn end_here(&mut self) -> String {
        CStep::end_here(self)
    }
}

impl CStep<'_, '_> {
    pub(super) fn checked(&mut self, assign: &str, helper: &'static str, args: &str) {
        let crit = self.crit();
        self.gen.line(&format!("{assign}{helper}({args}, {crit});"));
        self.gen.needs.insert(helper);
    }
}

/// `text` with its first letter a capital, as a comment that is a sentence starts (the
/// purposes are written to follow a step number: `Step 2: the mapping …`).
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
