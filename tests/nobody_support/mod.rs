//! Shared by the tests that run the lab as another user (`cli.rs`, `faults.rs`): a copy of
//! the binary that user may execute, the program to switch users with, and a start that waits
//! out a copy still busy.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A program by name, on PATH or in the system's sbin directories (`setpriv`, `prlimit`).
pub fn program(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A copy of the lab's binary in a new directory anyone may use (mode 0777, so that the other
/// user can also make its temporary directories there): the directory and the copy.
pub fn copy_for_anyone(bin: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("mmap-lab-test-")
        .tempdir()
        .expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let copy = dir.path().join("mmap-lab");
    std::fs::copy(bin, &copy).expect("copy");
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (dir, copy)
}

/// Run the command `make` builds until the copy it executes is no longer busy: a process
/// another test thread forked while the copy was open for writing holds that descriptor until
/// it execs or exits, and executing the copy meanwhile fails with ETXTBSY.
pub fn output_once_not_busy(mut make: impl FnMut() -> Command) -> Output {
    (0..50)
        .map(|_| make().output().expect("runs"))
        .find(|out| {
            let busy = String::from_utf8_lossy(&out.stderr).contains("Text file busy");
            if busy {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            !busy
        })
        .expect("the copy becomes executable")
}
