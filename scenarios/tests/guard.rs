//! The guard page of `out-of-bounds` sits right above the mapping in any process, also in one
//! whose address space has holes higher up (the TUI: threads, freed stacks), where a mapping
//! asked for at `NULL` would land in the highest hole instead. Its own test binary, because it
//! punches holes in the process that runs it.

mod common;

use common::{dump, run};

#[test]
fn the_guard_is_above_the_mapping_in_a_process_with_holes() {
    let page = mmap_lab_engine::engine::page_size() as usize;
    // One-page holes above where the next two-page mapping will go: a two-page mapping takes
    // the highest gap that fits, a second one the next; giving back the first one's lower
    // page leaves a one-page hole above the second, too small for the guard's reservation
    // but just right for a one-page mapping asked for at NULL.
    let map2 = || {
        // SAFETY: anonymous memory of our own; nothing points into it.
        let p = unsafe {
            nix::libc::mmap(
                std::ptr::null_mut(),
                2 * page,
                nix::libc::PROT_READ,
                nix::libc::MAP_PRIVATE | nix::libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(p, nix::libc::MAP_FAILED);
        p
    };
    for _ in 0..8 {
        let a = map2();
        let _b = map2();
        // SAFETY: our own page, unused.
        unsafe { nix::libc::munmap(a, page) };
    }
    // And a few threads started and joined, as the TUI has.
    for _ in 0..4 {
        std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(1)))
            .join()
            .unwrap();
    }
    let r = run("out-of-bounds", &[]);
    let json = serde_json::to_value(&r.run.outcome).unwrap();
    assert_eq!(json["signal"], "SIGSEGV", "{}", dump(&r));
    assert_eq!(json["hit"]["kind"], "guard", "{json}\n{}", dump(&r));
    assert_eq!(json["ptr_offset"], page as i64, "{json}");
}
