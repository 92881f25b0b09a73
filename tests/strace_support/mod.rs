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

/// The files `strace -ff -o DIR/PREFIX` wrote, one per process, as `(pid, text)` in pid
/// order (the experiment's child forks its own child after it).
pub fn traces_by_pid(dir: &std::path::Path) -> Vec<(u32, String)> {
    let mut files: Vec<(u32, String)> = std::fs::read_dir(dir)
        .expect("traces")
        .filter_map(|e| {
            let e = e.ok()?;
            let pid = e.file_name().to_str()?.rsplit('.').next()?.parse().ok()?;
            Some((pid, std::fs::read_to_string(e.path()).ok()?))
        })
        .collect();
    files.sort();
    files
}
