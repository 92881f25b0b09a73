//! What the experiment forks and leaves behind when it dies is reaped by the lab: under a
//! container's init that reaps nothing, `anonymous-ipc`'s second process, orphaned when the
//! first dies of a signal, stayed a zombie for good.
//!
//! Its own test binary: it makes the test process a child subreaper, as such an init's
//! place in the process tree is for the lab, so that an orphan the lab does not reap shows
//! here as a zombie child.

mod common;

use common::{children, describe, run};
use nix::libc;

#[test]
fn the_second_process_of_a_dead_experiment_is_reaped() {
    // SAFETY: prctl with integer arguments only sets a flag of this process.
    assert_eq!(
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) },
        0
    );
    // Traced, the witness's waits take the orphan; untraced, only the lab's own reaping.
    for witness in ["on", "off"] {
        std::env::set_var("MMAP_LAB_WITNESS", witness);
        for _ in 0..3 {
            let r = run("anonymous-ipc", &["prot=PROT_READ"]);
            assert_eq!(describe(&r), "signal SIGSEGV at strcpy");
        }
    }
    // The orphan dies of its parent-death signal right away; give it a moment to come here.
    let mut left = children();
    for _ in 0..40 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        left = children();
    }
    assert!(left.is_empty(), "children left: {left:?}");
}
