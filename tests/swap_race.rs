//! Issue 11, files by descriptor: the swap race, for real. In a world-writable TMPDIR without
//! the sticky bit, an attacker renames each of the lab's temporary directories away as soon
//! as it appears and plants, at its name, a symbolic link to a victim directory. A lab that
//! reached its files by path would then write (and remove) in the victim directory; one that
//! works through the directory's descriptor does not.
//!
//! The attacker is another process. When the test runs as root it runs as `nobody` (65534),
//! another user, as in a classroom; run as a normal user, it is the same user (who could
//! harm their own files anyway, but the race and what it would redirect are the same).

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const NOBODY: u32 = 65534;
const ATTACK_DIR: &str = "MMAP_LAB_SWAP_ATTACK_DIR";
const ATTACK_VICTIM: &str = "MMAP_LAB_SWAP_ATTACK_VICTIM";

/// The attacker, when this test binary is started again by the test with the variables set:
/// swap every lab directory that appears, printing one line per swap, until killed.
#[test]
#[ignore = "the attacker's half of the_swap_race_writes_nothing_outside; started by it"]
fn swap_attacker() {
    let (Some(dir), Some(victim)) = (
        std::env::var_os(ATTACK_DIR),
        std::env::var_os(ATTACK_VICTIM),
    ) else {
        return;
    };
    let dir = PathBuf::from(dir);
    println!("ready");
    let mut n = 0u64;
    loop {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            if !name.to_string_lossy().starts_with("mmap-lab-") {
                continue;
            }
            let path = e.path();
            if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            n += 1;
            let away = dir.join(format!("moved-{n}"));
            if std::fs::rename(&path, &away).is_ok() {
                let planted = std::os::unix::fs::symlink(&victim, &path).is_ok();
                println!("swapped {} planted={planted}", name.to_string_lossy());
            }
        }
    }
}

/// Every file under `dir`, with its size, modification time and a hash of its content.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, i64, u64)> {
    let mut all = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let meta = std::fs::metadata(&d).expect("victim");
        all.push((d.clone(), meta.size(), meta.mtime_nsec(), 0));
        for e in std::fs::read_dir(&d)
            .expect("victim")
            .filter_map(Result::ok)
        {
            let p = e.path();
            let m = std::fs::symlink_metadata(&p).expect("victim entry");
            if m.is_dir() {
                todo.push(p);
            } else {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                std::hash::Hash::hash(&std::fs::read(&p).unwrap_or_default(), &mut h);
                all.push((p, m.size(), m.mtime_nsec(), std::hash::Hasher::finish(&h)));
            }
        }
    }
    all.sort();
    all
}

#[test]
fn the_swap_race_writes_nothing_outside() {
    let root = euid() == 0;
    // A directory everyone can reach, holding the world-writable, non-sticky TMPDIR.
    let base = tempfile::tempdir().expect("base");
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let tmpdir = base.path().join("tmp");
    std::fs::create_dir(&tmpdir).expect("mkdir");
    // 0777 without the sticky bit (1777 would stop the rename).
    std::fs::set_permissions(&tmpdir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    // The victim: a directory the lab could write into, with a file the lab's names would hit.
    let victim = base.path().join("victim");
    std::fs::create_dir(&victim).expect("mkdir");
    std::fs::write(victim.join("source"), b"the victim's own file").expect("write");
    std::fs::write(victim.join("copy-mmap"), b"another of the victim's files").expect("write");
    let before = snapshot(&victim);

    // A copy of this test binary where the attacker can execute it (the checkout may be
    // closed to nobody).
    let exe = base.path().join("attacker");
    std::fs::copy(std::env::current_exe().expect("test binary"), &exe).expect("copy");
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut attacker = Command::new(&exe);
    attacker
        .args([
            "--exact",
            "swap_attacker",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ATTACK_DIR, &tmpdir)
        .env(ATTACK_VICTIM, &victim)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if root {
        attacker.uid(NOBODY).gid(NOBODY);
    }
    let mut attacker = match attacker.spawn() {
        Ok(a) => a,
        Err(e) => {
            panic!("the attacker cannot start: {e}");
        }
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let out = attacker.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // The harness prints its own words first ("test swap_attacker ... ready").
    let ready = std::iter::from_fn(|| rx.recv_timeout(Duration::from_secs(30)).ok())
        .any(|line| line.ends_with("ready"));
    if !ready {
        let _ = attacker.kill();
        let _ = attacker.wait();
        panic!("the attacker did not start");
    }

    let runs: &[&[&str]] = &[
        &["run", "close-after-mmap", "--json"],
        &["run", "mmap-copy", "--set", "copy_size=64K", "--json"],
    ];
    let mut statuses = Vec::new();
    for i in 0..20 {
        let out = Command::new(env!("CARGO_BIN_EXE_mmap-lab"))
            .args(runs[i % runs.len()])
            .env("TMPDIR", &tmpdir)
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("MMAP_LAB_LANG")
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        // A run may be refused (its directory swapped before it was opened): an error, exit 1.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{:?}: {stderr}",
            out.status
        );
        statuses.push(out.status.code());
    }
    let _ = attacker.kill();
    let _ = attacker.wait();
    let swaps: Vec<String> = rx.try_iter().filter(|l| l.starts_with("swapped")).collect();

    let after = snapshot(&victim);
    assert_eq!(
        before,
        after,
        "the victim directory changed ({} swaps, statuses {statuses:?})",
        swaps.len()
    );
    // A test that never raced proves nothing.
    assert!(
        swaps.iter().any(|l| l.ends_with("planted=true")),
        "no swap happened in 20 runs ({statuses:?})"
    );
    eprintln!(
        "{} swaps in 20 runs as {}; statuses {statuses:?}",
        swaps.len(),
        if root {
            "nobody (another user)"
        } else {
            "the same user"
        }
    );
    // A run that went on found its directory where the attacker moved it and removed it:
    // what is left of ours (owned by the lab's user, not the attacker's links) is at most a
    // directory per refused run (swapped between mkdir and open, so never ours to find).
    let lab_uid = euid();
    let ours_left = std::fs::read_dir(&tmpdir)
        .expect("tmpdir")
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::symlink_metadata(e.path())
                .is_ok_and(|m| m.is_dir() && (!root || m.uid() == lab_uid))
        })
        .count();
    let refused = statuses.iter().filter(|s| **s == Some(1)).count();
    assert!(
        ours_left <= refused,
        "{ours_left} of the lab's directories left by the race, {refused} runs refused"
    );
    // Clean up what the attacker left (its links, our emptied directories it moved).
    for e in std::fs::read_dir(&tmpdir)
        .expect("tmpdir")
        .filter_map(Result::ok)
    {
        let p = e.path();
        let _ = std::fs::remove_file(&p).or_else(|_| std::fs::remove_dir_all(&p));
    }
}

/// The effective user: /proc/self belongs to it.
fn euid() -> u32 {
    std::fs::metadata("/proc/self").expect("procfs").uid()
}
