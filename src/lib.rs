//! mmap-lab's program: the command line (`cli`), text output (`report`), the interactive lab
//! (`tui`) and every string a user reads (`strings`). It asks the `scenarios` crate for every
//! experiment and never makes a system call of its own.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod report;
pub mod strings;
pub mod tui;
