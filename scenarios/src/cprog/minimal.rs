//! The minimal C program of an experiment: what `mmap-lab c ID --minimal` prints.
//!
//! The same plan, the same calls with the same arguments as the full program ([`super`]),
//! written the way a student writes them in their notes: no template, no helper function, no
//! signal handler. Each call's result is tested where it is made (`-1`, `MAP_FAILED`); a
//! failure is `perror`ed and, for a critical step, its errno ends the experiment. The last line
//! is the full program's (`outcome: ok`, `outcome: errno NAME`); where the lab reports a
//! signal, the program simply dies of it.
//!
//! What each step's C looks like stays its family's (`engine/ops/`): the families' `c_code`
//! writes the minimal form too, the same call for most steps (the checks differ, see
//! [`CStep::check`]), a form of its own beside the full one where the full program uses a
//! helper. This module is only the frame: the header, the includes, the directory, the files,
//! where the names are removed, and the outcome line.
//!
//! Steps that only show or time what happened are left out ([`Family::in_minimal`]), and so
//! are the steps whose results only those would read.
//!
//! The program works in a directory of its own under `$TMPDIR`. Since a program killed by a
//! signal cannot clean up after itself, it removes the names as soon as it no longer needs them
//! (right after its last `open` by name): the open descriptors and the mappings keep the files
//! alive, and nothing is left behind whichever way the program ends. A step that reads a file
//! back later gets its descriptor opened before that.

use super::comment::{comment_safe, wrap_comment};
use super::gen::{CStep, Frame, Gen};
use crate::engine::ops::c::{c_string, unsigned, Mode};
use crate::engine::plan::{Plan, Purpose, Side, Val};
use crate::lesson::width as text_width;
use crate::texts::Text;
use crate::Lang;
use std::cell::RefCell;

/// The argument's step, if it names one.
fn step_of(v: Val) -> Option<usize> {
    match v {
        Val::Ret(i) | Val::RetPlus(i, _) | Val::Aux(i) => Some(i),
        Val::Lit(_) => None,
    }
}

impl Frame {
    fn new(plan: &Plan) -> Frame {
        let n = plan.steps.len();
        let family = |i: usize| plan.steps.get(i).map(|s| s.op.family());
        let mut kept: Vec<bool> = (0..n)
            .map(|i| family(i).is_some_and(|f| f.in_minimal()))
            .collect();
        // Last to first: a step read only by steps left out is left out too (the second
        // descriptors of the copy benchmark).
        for i in (0..n).rev() {
            let readers: Vec<usize> = (i + 1..n)
                .filter(|&j| {
                    family(j).is_some_and(|f| f.vals().into_iter().any(|v| step_of(v) == Some(i)))
                })
                .collect();
            if !readers.is_empty()
                && readers
                    .iter()
                    .all(|&j| !kept.get(j).copied().unwrap_or(false))
            {
                if let Some(k) = kept.get_mut(i) {
                    *k = false;
                }
            }
        }
        let is_kept = |i: usize| kept.get(i).copied().unwrap_or(false);
        let reads = (0..n)
            .filter(|&j| is_kept(j))
            .filter_map(family)
            .flat_map(|f| f.vals())
            .filter_map(step_of)
            .collect();
        let mut clean_after = None;
        let mut reread = Vec::new();
        let mut names: Vec<String> = plan.files.iter().map(|f| f.name.to_string()).collect();
        for (i, step) in plan.steps.iter().enumerate().filter(|(i, _)| is_kept(*i)) {
            let f = step.op.family();
            match f.named_path() {
                Some((path, true)) => reread.push((i, path)),
                Some((_, false)) if step.side == Side::Parent => clean_after = Some(i),
                _ => {}
            }
            if let Some(name) = f.creates() {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let dir = !plan.files.is_empty() || clean_after.is_some() || !reread.is_empty();
        Frame {
            kept,
            reads,
            dir,
            clean_after,
            reread,
            names,
            before_clean: dir,
            labels: RefCell::default(),
            pending: None,
        }
    }

    fn used(&self, label: &str) -> bool {
        self.labels.borrow().contains(label)
    }
}

/// The headers the program includes, each with what in the program needs it (`""`: always).
const INCLUDES: &[(&str, &[&str])] = &[
    ("errno.h", &["errno"]),
    ("fcntl.h", &["open(", "fcntl("]),
    ("signal.h", &["SIGKILL"]),
    ("stdio.h", &[""]),
    ("stdlib.h", &["getenv(", "mkdtemp("]),
    ("string.h", &[""]),
    ("sys/mman.h", &[""]),
    ("sys/prctl.h", &["prctl("]),
    ("sys/resource.h", &["setrlimit("]),
    ("sys/syscall.h", &["SYS_"]),
    ("sys/wait.h", &["waitpid("]),
    (
        "unistd.h",
        &[
            "close(",
            "unlink(",
            "truncate(",
            "fork(",
            "read(",
            "write(",
            "lseek(",
            "_exit(",
            "pipe(",
            "chdir(",
            "rmdir(",
            "syscall(",
        ],
    ),
];

/// The shortest honest C program that performs `plan`'s calls: the same calls as
/// [`super::program`], tested where they are made, ending with the same `outcome: …` line, or
/// killed by the signal the lab reports. Comments are in `lang`; the code is the same in both
/// languages.
pub fn minimal(scenario_id: &str, params_line: &str, plan: &Plan, page: u64, lang: Lang) -> String {
    let mut gen = Gen::new(plan, page, lang);
    let frame = Frame::new(plan);
    let dir = frame.dir;
    let clean_at_start = dir && frame.clean_after.is_none();
    gen.minimal = Some(frame);
    gen.line("int e = 0;");
    if dir {
        gen.trailing(Text::CMinimalDir.get(lang));
        gen.line("char dir[4096], *tmp = getenv(\"TMPDIR\");");
        gen.line(
            "snprintf(dir, sizeof dir, \"%s/mmap-lab-XXXXXX\", tmp && *tmp ? tmp : \"/tmp\");",
        );
        gen.line("if (mkdtemp(dir) == NULL || chdir(dir) != 0) { perror(dir); return 1; }");
    }
    // The files hold the bytes the lab writes (`engine::plan::pattern_byte`), not zeros: a
    // byte read through the mapping is then the lab's byte, and a page replaced by zeros shows.
    // Through stdio, so that 64 MiB is a few thousand writes, not one per byte.
    for (k, f) in plan.files.iter().enumerate() {
        let name = c_string(f.name);
        let size = unsigned(f.size);
        gen.trailing(&Text::CMinimalFile.fill(lang, &[&f.size.to_string()]));
        gen.line(&format!("FILE *f{k} = fopen({name}, \"wx\");"));
        if f.size > 0 {
            gen.line(&format!(
                "for (size_t o = 0; f{k} && o < {size}; o++) putc('A' + (o ^ o >> 12) % 26, f{k});"
            ));
        }
        gen.if_line(
            &format!("f{k} == NULL || ferror(f{k}) || fclose(f{k}) != 0"),
            &format!("{{ perror({name}); return 1; }}"),
        );
    }
    if plan.reaches_past(page) {
        gen.comment_lines(Text::CMinimalRoom.get(lang));
        gen.line("for (int k = 0; k < 64; k++)");
        gen.line(&format!(
            "    mmap(NULL, {}, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);",
            unsigned(page)
        ));
    }
    // A file read back later is opened once more now if it exists already (no failure can
    // have jumped past this yet), else where the names are removed.
    gen.reopen(|path| plan.files.iter().any(|f| f.name == path), false);
    if clean_at_start {
        gen.clean_point();
    }
    gen.main_steps();
    let used_out = gen.minimal.as_ref().is_some_and(|f| f.used("out"));
    if used_out {
        gen.out.push_str("out:\n");
    }
    gen.line(
        "printf(\"outcome: %s%s\\n\", e ? \"errno \" : \"ok\", e ? strerrorname_np(e) : \"\");",
    );
    gen.line("return 0;");
    let body = std::mem::take(&mut gen.out);

    let id: String = scenario_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let command = format!(
        "mmap-lab c {id} {} --minimal",
        comment_safe(params_line.trim())
    );
    let command = command.replace("  ", " ");
    let head = Text::CMinimalHead.fill(lang, &[&command, &page.to_string(), &id]);
    let mut out = String::new();
    for l in wrap_comment(&head, 100) {
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str("#define _GNU_SOURCE\n");
    for (header, needed_by) in INCLUDES {
        if needed_by.iter().any(|w| body.contains(w)) {
            out.push_str(&format!("#include <{header}>\n"));
        }
    }
    out.push_str("\nint main(void)\n{\n");
    out.push_str(&body);
    out.push_str("}\n");
    out
}

impl Gen<'_> {
    /// Minimal program: `if (cond) then`, on one line if it fits in 100 columns.
    pub(super) fn if_line(&mut self, cond: &str, then: &str) {
        let one = format!("if ({cond}) {then}");
        if text_width(&one) + 4 * self.indent <= 100 {
            self.line(&one);
        } else {
            self.line(&format!("if ({cond})"));
            self.line(&format!("    {then}"));
        }
    }

    /// Minimal program: a one-line comment `text`, after the next line if it fits there.
    pub(super) fn trailing(&mut self, text: &str) {
        let comment = format!("/* {text} */");
        if let Some(f) = &mut self.minimal {
            f.pending = Some(comment);
        }
    }

    /// Minimal program: whether step `i`'s result is read, and so kept in its variable.
    pub(super) fn minimal_reads(&self, i: usize) -> bool {
        self.minimal.as_ref().is_some_and(|f| f.reads.contains(&i))
    }

    /// Minimal program: where a critical failure of the experiment's process jumps: `clean`
    /// while the names are still there, then `out`.
    pub(super) fn failure_label(&self) -> &'static str {
        let Some(f) = &self.minimal else {
            return "out";
        };
        let label = if f.before_clean { "clean" } else { "out" };
        f.labels.borrow_mut().insert(label);
        label
    }

    /// Minimal program: step `i`, its comment, then its family's minimal C. Returns false when
    /// the process ends there.
    pub(super) fn minimal_step(&mut self, i: usize, mode: Mode) -> bool {
        let plan = self.plan;
        let (Some(step), Some(frame)) = (plan.steps.get(i), &self.minimal) else {
            return true;
        };
        if !frame.kept.get(i).copied().unwrap_or(false) {
            return true;
        }
        let clean_here = mode == Mode::Parent && frame.clean_after == Some(i);
        let family = step.op.family();
        let lang = self.lang;
        // The copy benchmark's purpose does not apply: the minimal program's copy is not timed.
        let what = match step.purpose {
            Some(p) if p != Purpose::Copy => Text::purpose(p).get(lang).to_string(),
            _ => family.what(Some(i) == plan.mapping_step, lang),
        };
        let head = match mode {
            Mode::Parent => Text::CStep,
            Mode::Child => Text::CStepChild,
        };
        // An optional step says so by its code: its failure is printed, and the program goes on.
        // Numbered as the lab numbers it; its maps captures carry no number.
        let comment = if step.is_bookkeeping() {
            super::gen::capitalised(&comment_safe(&what))
        } else {
            head.fill(
                lang,
                &[&plan.step_number(i).to_string(), &comment_safe(&what)],
            )
        };
        let width = 100usize.saturating_sub(4 * self.indent);
        match wrap_comment(&comment, width).as_slice() {
            [one] => {
                if let Some(f) = &mut self.minimal {
                    f.pending = Some(one.clone());
                }
            }
            _ => self.comment_lines(&comment),
        }
        let goes_on = family.c_code(&mut CStep {
            gen: self,
            i,
            mode,
            critical: step.critical,
        });
        if let Some(comment) = self.minimal.as_mut().and_then(|f| f.pending.take()) {
            self.line(&comment);
        }
        if clean_here {
            self.clean_point();
        }
        goes_on
    }

    /// Minimal program: open the files read back later that `now` accepts (and that are not
    /// open yet). Before any step (`at_clean` false) each is declared where it is opened; where
    /// the names are removed, a point a failure may jump to, its variable is declared beside
    /// `e` instead, so that no jump skips its initialisation.
    fn reopen(&mut self, now: impl Fn(&str) -> bool, at_clean: bool) {
        let Some(frame) = &mut self.minimal else {
            return;
        };
        let (open, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut frame.reread)
            .into_iter()
            .partition(|(_, p)| now(p));
        frame.reread = rest;
        for (i, path) in open {
            self.trailing(Text::CMinimalReopen.get(self.lang));
            let path = c_string(&path);
            if at_clean {
                let declared = format!("int e = 0, file{i} = -1");
                self.out = self.out.replacen("int e = 0", &declared, 1);
                self.line(&format!("file{i} = open({path}, O_RDONLY);"));
            } else {
                self.line(&format!("int file{i} = open({path}, O_RDONLY);"));
            }
        }
    }

    /// Minimal program: open what is read back later, then remove the names and the
    /// directory; a failure before this point ends the experiment after it.
    fn clean_point(&mut self) {
        let Some(frame) = &self.minimal else {
            return;
        };
        let names = frame.names.clone();
        let jumped_here = frame.used("clean");
        self.reopen(|_| true, true);
        if jumped_here {
            self.out.push_str("clean:\n");
        }
        self.comment_lines(Text::CMinimalClean.get(self.lang));
        for name in &names {
            self.line(&format!("unlink({});", c_string(name)));
        }
        self.line("rmdir(dir);");
        if jumped_here {
            self.line("if (e != 0) goto out;");
            if let Some(f) = &self.minimal {
                f.labels.borrow_mut().insert("out");
            }
        }
        if let Some(f) = &mut self.minimal {
            f.before_clean = false;
        }
    }
}

impl CStep<'_, '_> {
    /// Minimal program: the descriptor a step that reads its file back reads from, opened
    /// before the names were removed.
    pub(crate) fn reread_fd(&self) -> String {
        format!("file{}", self.i)
    }

    /// Minimal program: `text` as a comment after the next line, if it fits there.
    pub(crate) fn trailing_comment(&mut self, text: Text) {
        let lang = self.gen.lang;
        self.gen.trailing(text.get(lang));
    }

    /// Minimal program: the statement that ends the experiment's process here.
    pub(crate) fn end_here(&mut self) -> String {
        match self.mode {
            Mode::Child => "_exit(0);".to_string(),
            Mode::Parent => format!("goto {};", self.gen.failure_label()),
        }
    }
}
