//! The words a step is written in: its arguments ([`Val`]), the process that runs it
//! ([`Side`]), the limits it sets. A leaf: the step families, the child and the plan all use
//! these, and these use none of them (the plan re-exports them).

/// The most steps one plan may have (the child keeps their results in a fixed array).
pub const MAX_STEPS: usize = 48;

/// An argument: a literal, or what an earlier step returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    /// This number.
    Lit(i64),
    /// The return value of step N.
    Ret(usize),
    /// The return value of step N plus a byte offset.
    RetPlus(usize, i64),
    /// The second value step N produced (the write end of a pipe).
    Aux(usize),
}

/// Which `setrlimit` resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `RLIMIT_AS`.
    As,
    /// `RLIMIT_DATA`.
    Data,
    /// `RLIMIT_MEMLOCK`.
    Memlock,
}

impl Limit {
    /// The C name.
    pub fn name(self) -> &'static str {
        match self {
            Limit::As => "RLIMIT_AS",
            Limit::Data => "RLIMIT_DATA",
            Limit::Memlock => "RLIMIT_MEMLOCK",
        }
    }
}

/// After a `fork` step, which process runs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The experiment's process (before any fork, or the parent after it).
    Parent,
    /// The process the experiment forked.
    Child,
}
