//! Shared by the tests that read `strace` output (`witness.rs`, `c_same_calls.rs`).

#![allow(dead_code)]

/// One system call as compared: its name and its errno, if it failed (addresses, descriptors
/// and pids change from run to run).
pub type Call = (String, Option<String>);

/// The call of one line of `strace` output (`mmap(NULL, 0, …) = -1 EINVAL (Invalid
/// argument)`): its name and its errno. `None` for a line that is not a call.
pub fn call(line: &str) -> Option<Call> {
    let (name, _) = line.split_once('(')?;
    let ret = line.rsplit_once(" = ").map(|(_, r)| r).unwrap_or("");
    let errno = ret
        .split_whitespace()
        .nth(1)
        .filter(|e| e.starts_with('E'))
        .map(str::to_string);
    Some((name.to_string(), errno))
}
