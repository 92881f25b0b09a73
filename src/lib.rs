//! mmap-lab's program: the command line (`cli`), text output (`report`, `markdown`), the
//! interactive lab (`tui`), settings (`config`), the manual and completions (`man`), the JSON
//! contract's types (`schema`), typo suggestions (`suggest`) and every string a user reads
//! (`strings`). It asks the engine crate (`mmap-lab-engine`, in `scenarios/`) for every
//! experiment and never makes a system call of its own.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod demo;
pub mod fault;
pub mod input;
pub mod leftovers;
pub mod man;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod report;
pub mod schema;
pub mod signals;
pub mod strings;
pub mod suggest;
pub mod tui;
pub mod units;
pub mod usage;
