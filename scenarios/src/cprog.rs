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
//! printed and the last line (`outcome: …`) are the same in both languages. The texts this
//! module and the step families add come from [`crate::texts`].
//!
//! This module is the program's frame: the template, the variables, the order of the steps and
//! their comments. What each step's C looks like is its family's (`engine/ops/`): the call it
//! prints is the very [`Call`] the screen shows, its values named by printf conversions here,
//! so that the two cannot differ.

use crate::engine::calls::{Call, ValueNames};
use crate::engine::ops::c::CWriter;
pub(crate) use crate::engine::ops::c::{c_string, signed, unsigned, Mode};
use crate::engine::ops::MapOp;
use crate::engine::ops::{map, CType};
use crate::engine::plan::{Op, Plan, Side, Val};
use crate::errnos;
use crate::lesson::{char_width, width as text_width};
use crate::texts::Text;
use crate::Lang;
use std::cell::RefCell;
use std::collections::BTreeSet;

mod minimal;
pub use minimal::minimal;

/// The program's fixed part, with its placeholders.
const TEMPLATE: &str = include_str!("../assets/c/template.c");

/// A complete C program that performs `plan`'s calls and prints their results, ending with
/// `outcome: ok`, `outcome: errno NAME`, `outcome: signal NAME` or `outcome: timeout`.
///
/// `params_line` (such as `--set offset=1000`) goes into the header comment; `page` is the
/// page size the plan's numbers were computed for; `lang` is the language of the comments and
/// of the text the program prints (the outcome line is the same in both).
pub fn program(scenario_id: &str, params_line: &str, plan: &Plan, page: u64, lang: Lang) -> String {
    repeated(scenario_id, params_line, plan, page, lang, None)
}

/// How often a program runs its experiment, and how the child waits: `repeat` and `sync`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The runs, each a whole experiment in a new process.
    pub runs: u32,
    /// How the child waits for the parent's write (`pipe`, `sleep`, `none`).
    pub sync: &'static str,
    /// With `sleep`: how long, in microseconds.
    pub sleep_us: Option<u64>,
}

impl Repeat {
    /// The repetition `params` ask for; `None` for a single run.
    pub fn of(params: &crate::params::Params) -> Option<Repeat> {
        (params.repeat > 1).then(|| Repeat {
            runs: params.repeat,
            sync: params.sync.name(),
            sleep_us: (params.sync == crate::params::Sync::Sleep).then_some(params.sleep_us),
        })
    }
}

/// [`program`], running its experiment `repeat.runs` times when given (each run in a new
/// process, as the lab runs it) and printing the tally the lab prints, before the first run's
/// outcome line.
pub fn repeated(
    scenario_id: &str,
    params_line: &str,
    plan: &Plan,
    page: u64,
    lang: Lang,
    repeat: Option<&Repeat>,
) -> String {
    let mut gen = Gen::new(plan, page, lang);
    let repeat_block = match repeat {
        Some(r) => {
            gen.needs.insert("repeat");
            repeat_block(plan, r, lang)
        }
        None => {
            gen.needs.insert("once");
            String::new()
        }
    };
    let pages = pages_block(plan, page);
    if !pages.is_empty() {
        gen.pages = Some(PagesShown {
            base: "ptr".to_string(),
        });
        gen.needs.insert("pages");
    }
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
        files.push_str(&format!("    /* {} */\n", Text::CFiles.get(lang)));
        for f in &plan.files {
            files.push_str(&format!(
                "    make_file({}, {});\n",
                c_string(f.name),
                unsigned(f.size)
            ));
        }
    }
    // The program names the errnos of the lab's one table (aliases with the same number,
    // which a `switch` may not name twice, are not in it).
    let errno_cases = errnos::ERRNOS
        .iter()
        .map(|e| format!("    case {0}: return \"{0}\";\n", e.name))
        .collect::<String>();

    let id: String = scenario_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let params = match params_line.trim() {
        "" => Text::CParamsDefault.get(lang).to_string(),
        p => Text::CParamsSet.fill(lang, &[&comment_safe(p)]),
    };
    let deadline = plan.deadline.as_secs_f64().ceil().max(1.0) as u64;

    let blocks = [
        ("/*@CREATED@*/", created),
        ("/*@ERRNO_CASES@*/", errno_cases),
        ("/*@FILES@*/", files),
        ("/*@VARS@*/", vars),
        ("/*@STEPS@*/", steps),
        ("/*@PAGES@*/", pages),
        ("/*@REPEAT@*/", repeat_block),
    ];
    let text = fill(TEMPLATE, &gen.needs, &blocks, lang);
    text.replace("@SCENARIO@", &id)
        .replace("@PARAMS@", &params)
        .replace("@PAGE@", &page.to_string())
        .replace("@DEADLINE@", &deadline.to_string())
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
/// The names the program may create in its directory: the plan's files and whatever its steps
/// create there (an `open(…, O_CREAT)`).
fn created_names(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = plan.files.iter().map(|f| f.name.to_string()).collect();
    for step in &plan.steps {
        if let Some(name) = step.op.family().creates() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Text that can sit inside a `/* … */` comment on one line.
fn comment_safe(text: &str) -> String {
    text.replace("*/", "* /").replace(['\n', '\r'], " ")
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
    reads: RefCell<BTreeSet<usize>>,
    /// Steps whose variable exists whether read or not (a pipe's array, a fork's pid, a
    /// waitpid's status).
    structural: RefCell<BTreeSet<usize>>,
    /// The printf conversions of the call being named: `(conversion, C expression)`, each
    /// marked in the call's text by its index between two [`CONV_MARK`]s.
    convs: RefCell<Vec<(&'static str, String)>>,
    /// Template sections the steps use.
    needs: BTreeSet<&'static str>,
    /// Writing the minimal program (see [`minimal`]) rather than the full one.
    minimal: Option<minimal::Frame>,
    /// Printing the pages' state after the steps where the lab records it (the full program
    /// of a plan with a mapping to read).
    pages: Option<PagesShown>,
}

/// The full program's page state lines: the C expression of the mapping's start now (`ptr`,
/// or where a successful `mremap` of it moved it).
struct PagesShown {
    base: String,
}

/// The template's `repeat` declarations: the line that ends a run's output when its child read
/// the parent's text (`memcpy(…) = "hello, world"`), how many runs, and the tally's sentence
/// as the lab prints it, its counts left to printf (`%1$d` of `%2$d`).
fn repeat_block(plan: &Plan, repeat: &Repeat, lang: Lang) -> String {
    let text = plan
        .steps
        .iter()
        .find_map(|s| match s.op {
            crate::engine::Op::Touch(crate::engine::TouchOp::WriteText { text, .. }) => Some(text),
            _ => None,
        })
        .unwrap_or_default();
    let percent = |s: &str| s.replace('%', "%%");
    let sentence = crate::engine::Tally::sentence_of(
        repeat.sync,
        repeat.sleep_us,
        &percent(text),
        // Positional: a language may name the runs before the count.
        "%1$d",
        "%2$d",
        lang,
    );
    // The sentence as a literal in the program's own language (UTF-8, as the template's).
    let literal = |s: &str| {
        let s = s.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{s}\\n\"")
    };
    format!(
        "static const char tally_marker[] = {};\nstatic const int tally_runs = {};\n\
         static const char tally_line[] = {};\n",
        c_string(&format!("= \"{text}\"")),
        repeat.runs,
        literal(&sentence)
    )
}

/// The template's `pages` declarations for `plan`: the pages the lab reads after each step
/// (those the page map draws, counted from the mapping's start) and whether the mapping is a
/// file's. Empty when the lab reads no pages for it (no mapping, a copy's windows).
fn pages_block(plan: &Plan, page: u64) -> String {
    let Some(map) = crate::pagemap::PageMap::from_plan(plan, page) else {
        return String::new();
    };
    if map.copy_window.is_some() {
        return String::new();
    }
    let pages: Vec<String> = map
        .columns(crate::engine::pages::MAX_PAGES_READ)
        .into_iter()
        .filter_map(|c| match c {
            crate::pagemap::Column::Page(n) => Some(n.to_string()),
            crate::pagemap::Column::Gap => None,
        })
        .collect();
    if pages.is_empty() {
        return String::new();
    }
    let file = matches!(map.backing, crate::pagemap::Backing::File { .. });
    format!(
        "static const long pages_drawn[] = {{ {} }};\nstatic const int file_mapping = {};\n\
         static const long mapped_pages = {};\n",
        pages.join(", "),
        i32::from(file),
        map.map_pages().min(i64::MAX as u64)
    )
}

/// Fences the step number of a `name = value;` line, dropped unless the step's result is read.
const VALUE_MARK: char = '\u{2}';

/// Fences the index of a printf conversion in a call's text.
const CONV_MARK: char = '\u{3}';

/// Marks where step `i`'s `name = ` goes; resolved once all reads are known.
fn assign_marker(i: usize) -> String {
    format!("\u{1}{i}\u{1}")
}

/// `base`, `base + d` or `base - d` as C.
fn offset_expr(base: &str, d: i64) -> String {
    match d {
        0 => base.to_string(),
        d if d < 0 => format!("{base} - {}", unsigned(d.unsigned_abs())),
        d => format!("{base} + {d}"),
    }
}

impl<'a> Gen<'a> {
    fn new(plan: &'a Plan, page: u64, lang: Lang) -> Gen<'a> {
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

    fn ty(&self, i: usize) -> CType {
        self.plan
            .steps
            .get(i)
            .map_or(CType::Long, |s| s.op.family().c_type())
    }

    fn name(&self, i: usize) -> String {
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
    fn exists(&self, i: usize) -> bool {
        i < self.plan.steps.len()
    }

    /// The second value step `i` produced, as an `int` expression.
    fn aux(&self, i: usize) -> Option<String> {
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
    fn int_arg(&self, v: Val) -> (String, Option<&'static str>) {
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
    fn addr_arg(&self, v: Val) -> (String, Option<String>) {
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
    fn conv(&self, spec: &'static str, expr: String) -> String {
        let mut convs = self.convs.borrow_mut();
        convs.push((spec, expr));
        format!("{CONV_MARK}{}{CONV_MARK}", convs.len() - 1)
    }

    /// The `begin(…)` statement that records `call`: its text as a printf format, the values
    /// known only at run time as conversions.
    fn begin(&self, call: &Call) -> String {
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
    fn comment(&self, i: usize, mode: Mode) -> String {
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
        let mut text = head.fill(lang, &[&i.to_string(), &comment_safe(&what)]);
        if !step.critical {
            text.push_str(Text::COptional.get(lang));
        }
        text
    }

    /// Write step `i`: its comment, the `begin` line with the call the screen shows, then its
    /// family's C. Returns false when the process ends there.
    fn step(&mut self, i: usize, mode: Mode) -> bool {
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
    fn show_pages(&mut self, i: usize, mode: Mode) {
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
    fn pages_line(&mut self, i: usize, mode: Mode) {
        let Some(base) = self.pages.as_ref().map(|p| p.base.clone()) else {
            return;
        };
        let two = self.plan.steps.iter().any(|s| s.side == Side::Child);
        let who = match (two, mode) {
            (false, _) => "ONE_PROCESS",
            (true, Mode::Parent) => "PARENT",
            (true, Mode::Child) => "CHILD",
        };
        self.line(&format!("show_pages({base}, {i}, {who});"));
    }

    /// The mapping and how far below and above its start `/proc/self/maps` lines are kept:
    /// two pages either side of everything the plan maps or unmaps, as the lab shows.
    /// Before the mapping is made, around the address it will be asked for when an earlier
    /// step returned that (a `MAP_FIXED` over an existing mapping), as the lab does.
    fn maps_window(&self, at: usize) -> (String, u64, u64) {
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
        let (before, after) = map::capture_window(self.plan, page);
        (expr, before, after)
    }

    /// The generated steps with every `name = ` marker resolved.
    fn finish_steps(&self) -> String {
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
    fn declarations(&self) -> String {
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
    gen: &'g mut Gen<'a>,
    i: usize,
    mode: Mode,
    critical: bool,
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
    fn checked(&mut self, assign: &str, helper: &'static str, args: &str) {
        let crit = self.crit();
        self.gen.line(&format!("{assign}{helper}({args}, {crit});"));
        self.gen.needs.insert(helper);
    }
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
            .find("check_text(read_text(ptr, 12), CRITICAL);")
            .expect("child reads");
        let write = c
            .find("strcpy(ptr, \"hello, world\");")
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

    #[test]
    fn the_full_program_prints_the_pages_after_the_steps_the_lab_reads_them() {
        let plan = plan_of("private-cow-fork", &[]);
        let c = program("private-cow-fork", "", &plan, 4096, Lang::En);
        assert!(
            c.contains("static const long pages_drawn[] = { 0, 1 };"),
            "{c}"
        );
        assert!(c.contains("static const int file_mapping = 1;"), "{c}");
        // After the mapping, not after the maps capture; the fork both sides, the child's
        // steps the child's, `_exit` none (the process is gone).
        for want in [
            "show_pages(ptr, 1, PARENT);",
            "show_pages(ptr, 3, CHILD);",
            "show_pages(ptr, 3, PARENT);",
            "show_pages(ptr, 4, CHILD);",
            "show_pages(ptr, 8, PARENT);",
        ] {
            assert!(c.contains(want), "{want}\n{c}");
        }
        for not in [
            "show_pages(ptr, 0,",
            "show_pages(ptr, 2,",
            "show_pages(ptr, 6,",
        ] {
            assert!(!c.contains(not), "{not}\n{c}");
        }
        // One process: no name. A moved mapping: its new start once mremap succeeded.
        let plan = plan_of("mremap-grow", &["mremap_flags=MREMAP_MAYMOVE"]);
        let c = program("mremap-grow", "", &plan, 4096, Lang::En);
        assert!(c.contains("static const int file_mapping = 0;"), "{c}");
        assert!(c.contains("show_pages(ptr, 4, ONE_PROCESS);"), "{c}");
        assert!(
            c.contains("show_pages((map5 != MAP_FAILED ? map5 : ptr), 5, ONE_PROCESS);"),
            "{c}"
        );
        // The minimal program, and a copy's windows: no page lines.
        let plan = plan_of("private-cow-fork", &[]);
        assert!(!minimal("private-cow-fork", "", &plan, 4096, Lang::En).contains("show_pages"));
        let plan = plan_of("mmap-copy", &["copy_size=1M"]);
        assert!(!program("mmap-copy", "", &plan, 4096, Lang::En).contains("show_pages"));
    }

    #[test]
    fn a_repeated_program_loops_itself_in_both_languages_alike() {
        let plan = plan_of("anonymous-ipc", &["sync=none", "repeat=7"]);
        let p = crate::prepare(
            crate::catalog::find("anonymous-ipc").unwrap(),
            &["sync=none".to_string(), "repeat=7".to_string()],
        )
        .unwrap();
        let repeat = Repeat::of(&p).expect("repeat=7");
        let en = repeated("anonymous-ipc", "", &plan, 4096, Lang::En, Some(&repeat));
        let zh = repeated("anonymous-ipc", "", &plan, 4096, Lang::Zh, Some(&repeat));
        assert_eq!(code_only(&en), code_only(&zh));
        for c in [&en, &zh] {
            assert!(c.contains("static const int tally_runs = 7;"), "{c}");
            assert!(c.contains("static void experiment(void)"), "{c}");
            assert_eq!(c.matches("int main(void)").count(), 1, "{c}");
        }
        assert!(
            en.contains(
                "\"without synchronisation the child read `hello, world` in %1$d of %2$d runs\\n\""
            ),
            "{en}"
        );
        // A single run keeps the plain main.
        let once = program("anonymous-ipc", "", &plan, 4096, Lang::En);
        assert!(!once.contains("experiment(") && once.contains("int main(void)"));
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
    fn minimal_programs_hold_the_same_code_in_both_languages() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (id, plan) in sample_plans() {
            let en = minimal(id, "--set a=b", &plan, 4096, Lang::En);
            let zh = minimal(id, "--set a=b", &plan, 4096, Lang::Zh);
            assert_eq!(code_only(&en), code_only(&zh), "{id}");
            assert!(en.is_ascii(), "{id}: Chinese in the English program:\n{en}");
            for body in comments(&zh) {
                assert!(chinese(body), "{id}: an English comment: /*{body}*/");
            }
            for c in [&en, &zh] {
                assert!(c.lines().count() <= 60, "{id}: too long:\n{c}");
                assert!(c.contains("mmap-lab c "), "{c}");
                assert!(c.contains("strerrorname_np(e)"), "{c}");
                // No helper of the full program, no signal handler.
                for helper in ["begin(", "check(", "check_map(", "finish(", "signal("] {
                    assert!(!c.contains(helper), "{id}: {helper} in\n{c}");
                }
            }
        }
    }

    #[test]
    fn the_minimal_copy_is_the_course_notes_copy() {
        let plan = plan_of("mmap-copy", &["copy_size=1M"]);
        let c = minimal("mmap-copy", "--set copy_size=1M", &plan, 4096, Lang::Zh);
        for part in [
            "1. 对原始的文件进行内存映射",
            "3. 把新文件的数据映射到内存中",
            "4. 通过内存拷贝将第一个文件的内存数据拷贝到新的文件内存中",
            "5. 释放资源",
            "memcpy(d, s, n);",
            "ftruncate(fd1, 1048576)",
        ] {
            assert!(c.contains(part), "{part} not in\n{c}");
        }
        // The benchmark's other copies and their descriptors are left out.
        for left_out in [
            "copy-read-write",
            "copy_file_range",
            "copy-file-range",
            "计时",
        ] {
            assert!(!c.contains(left_out), "{left_out} in\n{c}");
        }
    }

    #[test]
    fn every_argument_the_kernel_reads_is_passed() {
        // MREMAP_DONTUNMAP reads mremap's fifth argument: left out, it is whatever the
        // register held, and the kernel answers EINVAL to an unaligned one.
        let sets = [
            "mremap_flags=MREMAP_MAYMOVE|MREMAP_DONTUNMAP",
            "new_length=4096",
        ];
        let plan = plan_of("mremap-grow", &sets);
        let call = "MREMAP_MAYMOVE|MREMAP_DONTUNMAP, NULL)";
        for c in [
            program("mremap-grow", "", &plan, 4096, Lang::En),
            minimal("mremap-grow", "", &plan, 4096, Lang::En),
        ] {
            assert!(c.contains(call), "{c}");
            assert!(!c.contains("PR_SET_PDEATHSIG, SIGKILL)"), "{c}");
        }
        let plan = plan_of("anonymous-ipc", &[]);
        for c in [
            program("anonymous-ipc", "", &plan, 4096, Lang::En),
            minimal("anonymous-ipc", "", &plan, 4096, Lang::En),
        ] {
            assert!(
                c.contains("prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);"),
                "{c}"
            );
        }
    }

    #[test]
    fn the_test_only_sleep_never_reaches_the_program() {
        let mut plan = plan_of("unaligned-offset", &[]);
        let at = plan.steps.len();
        plan.push(crate::engine::Step::critical(crate::engine::TestSleep {
            millis: 10,
        }));
        let c = program("unaligned-offset", "", &plan, 4096, Lang::En);
        assert!(!c.contains("sleep"), "{c}");
        assert!(!c.contains(&format!("Step {at}:")), "{c}");
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
