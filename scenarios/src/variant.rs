//! What a scenario's lesson asks a student to try, and what the kernel answers: each scenario
//! declares its *variants* (parameter sets beside its defaults) with the [`Expect`]ed outcome
//! of each. The tests are generated from these declarations: the outcome test runs them and
//! compares, the C agreement test compiles and runs them, and the lesson test checks that
//! every command of "Try next" is one of them, so lessons, variants and tests cannot drift.

use crate::engine::{self, Function, Outcome, Run, WarningKind};
use nix::errno::Errno;
use nix::sys::signal::Signal;
use std::fmt;

/// A parameter set the scenario's lesson talks about, with the outcome it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// `KEY=VALUE` texts, as `--set` takes them. A value that depends on the page size is
    /// written with a placeholder, `{page}`, `{2*page}`, `{page-1}`, `{4*page+1}`, replaced
    /// by [`Variant::sets`] with the running kernel's page size: the lessons quote 4096, but
    /// the experiment must mean "one page" on every machine.
    pub sets: &'static [&'static str],
    /// What the kernel answers.
    pub expect: Expect,
}

impl Variant {
    /// The `KEY=VALUE` texts with every placeholder replaced for pages of `page` bytes.
    pub fn sets(&self, page: u64) -> Vec<String> {
        self.sets.iter().map(|s| substitute(s, page)).collect()
    }

    /// The variant as a command line: `mmap-lab run ID --set …`, for messages.
    pub fn command(&self, id: &str, page: u64) -> String {
        run_command(id, &self.sets(page))
    }
}

/// `mmap-lab run ID --set KEY=VALUE …`, each `KEY=VALUE` quoted for a POSIX shell when it
/// holds anything a shell would read as its own (`MAP_PRIVATE|MAP_ANONYMOUS` is a pipe
/// unquoted): the line can be pasted as it is.
pub fn run_command(id: &str, sets: &[String]) -> String {
    let mut line = format!("mmap-lab run {}", shell_word(id));
    for set in sets {
        line.push_str(" --set ");
        line.push_str(&shell_word(set));
    }
    line
}

/// `word` as one word of a POSIX shell: as it is when every character is one no shell gives a
/// meaning to, else in single quotes (a quote inside written `'\''`).
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-+=:,./@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The kernel's answer to an experiment, as a scenario declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Every critical step succeeds and no signal strikes.
    Ok,
    /// "OK, but…": every critical step succeeds, and the run's evidence shows a warning of this
    /// kind (a `MAP_FIXED` that replaced mapped pages). The outcome alone is `ok`
    /// ([`Expect::matches`]); [`Expect::matches_run`] also checks the warning.
    OkWarned(WarningKind),
    /// This call fails with this errno.
    Errno {
        /// The function that fails (`mmap`, `munmap`, `mprotect` …).
        call: Function,
        /// Its errno.
        errno: Errno,
    },
    /// This signal kills the experiment.
    Signal(Signal),
    /// The answer depends on who runs the lab: root has capabilities a normal user lacks
    /// (`CAP_IPC_LOCK` lets `MAP_LOCKED` past `RLIMIT_MEMLOCK`, for one).
    /// [`engine::privileged`] decides which answer applies.
    Privileged {
        /// The answer for a normal user.
        user: &'static Expect,
        /// The answer as root.
        root: &'static Expect,
    },
    /// The answer depends on what the process has mapped next to the mapping, which the lab
    /// does not control: any one of these. The C agreement test only compiles such a variant,
    /// since the lab's process and the C program's are laid out differently.
    DependsOnLayout(&'static [Expect]),
}

impl Expect {
    /// `call` fails with `errno`.
    pub const fn errno(call: Function, errno: Errno) -> Expect {
        Expect::Errno { call, errno }
    }

    /// Whether the kernel's answer `outcome` is this one. The only place an [`Outcome`] is
    /// compared with an expectation, so a change of `Outcome` is adapted here alone.
    pub fn matches(&self, outcome: &Outcome) -> bool {
        match (self, outcome) {
            (Expect::Ok | Expect::OkWarned(_), Outcome::Ok) => true,
            (Expect::Errno { call, errno }, Outcome::Errno { call: c, errno: e }) => {
                c == call && e == errno
            }
            (Expect::Signal(signal), Outcome::Signal { signal: s, .. }) => {
                s.known() == Some(*signal)
            }
            (Expect::Privileged { user, root }, _) => {
                if engine::privileged() {
                    root.matches(outcome)
                } else {
                    user.matches(outcome)
                }
            }
            (Expect::DependsOnLayout(any), _) => any.iter().any(|e| e.matches(outcome)),
            _ => false,
        }
    }

    /// Whether the whole run is this answer: its outcome ([`Expect::matches`]) and its
    /// warnings, which must be exactly the declared one (none for every other expectation).
    pub fn matches_run(&self, run: &Run) -> bool {
        let kinds: Vec<WarningKind> = run.warnings.iter().map(|w| w.kind).collect();
        self.matches(&run.outcome) && self.warning(&run.outcome).into_iter().eq(kinds)
    }

    /// The warning this answer declares for `outcome`, following a privileged or layout
    /// choice to the answer that matched.
    fn warning(&self, outcome: &Outcome) -> Option<WarningKind> {
        match self {
            Expect::OkWarned(kind) => Some(*kind),
            Expect::Privileged { user, root } => {
                let pick = if engine::privileged() { root } else { user };
                pick.warning(outcome)
            }
            Expect::DependsOnLayout(any) => any
                .iter()
                .find(|e| e.matches(outcome))
                .and_then(|e| e.warning(outcome)),
            _ => None,
        }
    }

    /// Whether the answer follows from the parameters alone, so a C program doing the same
    /// calls in another process must get it too.
    pub fn is_determined(&self) -> bool {
        match self {
            Expect::DependsOnLayout(_) => false,
            Expect::Privileged { user, root } => user.is_determined() && root.is_determined(),
            _ => true,
        }
    }
}

/// As the tests print it: `ok`, `errno EINVAL from mmap`, `signal SIGBUS`.
impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Ok => f.write_str("ok"),
            Expect::OkWarned(kind) => write!(f, "ok with the warning {}", kind.name()),
            Expect::Errno { call, errno } => {
                write!(f, "errno {} from {call}", crate::errnos::name(*errno))
            }
            Expect::Signal(signal) => write!(f, "signal {}", signal.as_str()),
            Expect::Privileged { user, root } => {
                write!(f, "{user} for a normal user, {root} as root")
            }
            Expect::DependsOnLayout(any) => {
                f.write_str("depending on the neighbouring mappings, one of: ")?;
                for (i, e) in any.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

/// Replace each `{…}` placeholder of `text` with its value for pages of `page` bytes. A
/// placeholder it cannot read is left as written, so `--set` refuses it and names it.
pub fn substitute(text: &str, page: u64) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                match placeholder(&after[..close], page) {
                    Some(value) => out.push_str(&value.to_string()),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of `[N*]page[+M|-M]` for pages of `page` bytes.
fn placeholder(expr: &str, page: u64) -> Option<u64> {
    let expr = expr.trim();
    let (times, rest) = match expr.split_once('*') {
        Some((n, rest)) => (n.trim().parse::<u64>().ok()?, rest.trim()),
        None => (1, expr),
    };
    let rest = rest.strip_prefix("page")?.trim();
    let base = times.checked_mul(page)?;
    if rest.is_empty() {
        return Some(base);
    }
    let (sign, n) = rest.split_at(1);
    let n = n.trim().parse::<u64>().ok()?;
    match sign {
        "+" => base.checked_add(n),
        "-" => base.checked_sub(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words a POSIX shell makes of `line` (only the quoting [`shell_word`] writes).
    fn shell_split(line: &str) -> Vec<String> {
        let (mut words, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
        for c in line.chars() {
            match c {
                '\'' => (quoted, any) = (!quoted, true),
                ' ' if !quoted => {
                    if any || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    any = false;
                }
                _ => word.push(c),
            }
        }
        if any || !word.is_empty() {
            words.push(word);
        }
        words
    }

    #[test]
    fn the_reproduce_command_runs_the_same_parameters_from_a_shell() {
        let page = 4096;
        for scenario in crate::catalog::all() {
            let variants = scenario.variants.iter().map(|v| v.sets(page));
            for sets in std::iter::once(Vec::new()).chain(variants) {
                let params = crate::prepare(scenario, &sets).expect("declared sets are valid");
                let line = crate::catalog::reproduce(scenario, &params, page);
                let words = shell_split(&line);
                assert_eq!(words[..3], ["mmap-lab", "run", scenario.id], "{line}");
                let again: Vec<String> = words[3..]
                    .chunks(2)
                    .map(|pair| {
                        assert_eq!(pair[0], "--set", "{line}");
                        pair[1].clone()
                    })
                    .collect();
                let back = crate::prepare(scenario, &again).expect("the command's own sets");
                assert_eq!(back, params, "{} {sets:?}: {line}", scenario.id);
                if sets.is_empty() {
                    assert_eq!(line, format!("mmap-lab run {}", scenario.id));
                }
                if line.contains('|') {
                    assert!(line.contains("'"), "an unquoted pipe: {line}");
                }
            }
        }
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn placeholders_follow_the_page_size() {
        assert_eq!(substitute("munmap_shift={page}", 4096), "munmap_shift=4096");
        assert_eq!(
            substitute("munmap_shift={page}", 16384),
            "munmap_shift=16384"
        );
        assert_eq!(substitute("length={2*page}", 4096), "length=8192");
        assert_eq!(substitute("access=read@{page-1}", 4096), "access=read@4095");
        assert_eq!(substitute("length={4*page+1}", 65536), "length=262145");
        assert_eq!(substitute("offset=-{page}", 4096), "offset=-4096");
        assert_eq!(substitute("flags=MAP_SHARED", 4096), "flags=MAP_SHARED");
        // Unreadable placeholders stay, so `--set` names them in its refusal.
        assert_eq!(substitute("offset={pgae}", 4096), "offset={pgae}");
        assert_eq!(substitute("offset={page", 4096), "offset={page");
    }

    #[test]
    fn expectations_match_only_their_outcome() {
        let einval = Outcome::Errno {
            call: Function::Mmap,
            errno: Errno::EINVAL,
        };
        let sigbus = Outcome::Signal {
            signal: Signal::SIGBUS.into(),
            step: 1,
            call: "ptr[0] = 0x2a".into(),
            detail: None,
        };
        let e = Expect::errno(Function::Mmap, Errno::EINVAL);
        assert!(e.matches(&einval));
        assert!(!Expect::errno(Function::Munmap, Errno::EINVAL).matches(&einval));
        assert!(!Expect::errno(Function::Mmap, Errno::EACCES).matches(&einval));
        assert!(!e.matches(&Outcome::Ok));
        assert!(Expect::Signal(Signal::SIGBUS).matches(&sigbus));
        assert!(!Expect::Signal(Signal::SIGSEGV).matches(&sigbus));
        assert!(!Expect::Ok.matches(&sigbus));
        let either = Expect::DependsOnLayout(&[Expect::Ok, Expect::Signal(Signal::SIGBUS)]);
        assert!(either.matches(&sigbus) && either.matches(&Outcome::Ok));
        assert!(!either.matches(&einval));
        assert_eq!(e.to_string(), "errno EINVAL from mmap");
        assert_eq!(Expect::Signal(Signal::SIGBUS).to_string(), "signal SIGBUS");
    }
}
