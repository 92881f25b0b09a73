//! The run's temporary directory, and what a crashed run left (issue 11).
//!
//! Each run's directory (`$TMPDIR/mmap-lab-XXXXXX`) is removed when the run ends, also after a
//! signal or a timeout. Only a process that dies without unwinding (`kill -9`, an abort, a
//! power cut) can leave one. So each directory carries an `flock` held by its owner for its
//! whole life, and [`sweep`] removes the directories of the lab's naming whose lock is free:
//! nobody is using them any more. A live run's directory is never touched.

use nix::errno::Errno;
use nix::libc;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The prefix of every directory the lab makes in TMPDIR.
pub const PREFIX: &str = "mmap-lab-";

/// The length of the random part of a locked directory's name. Builds before the lock made
/// `mmap-lab-XXXXXX` (tempfile's default of six) without one, and a sweep must never take such
/// a build's live run for a leftover: so only names with this many characters are swept.
pub const RANDOM_LEN: usize = 10;

/// How young an empty, unlocked directory may be and still belong to a run that has made it
/// but not yet locked it (the moment between `mkdir` and `flock`): such a one is left alone.
const JUST_MADE: Duration = Duration::from_secs(5);

/// A run's temporary directory, locked for as long as this value lives. Dropping it removes
/// the directory first, then (closing the descriptor) releases the lock.
#[derive(Debug)]
pub struct LabDir {
    // Field order is drop order: removed while still locked.
    dir: tempfile::TempDir,
    /// The directory itself, open: it holds the lock, and every file of the run is made
    /// through it (`openat`, `fchdir`), so a rename of the path cannot redirect them.
    handle: File,
}

impl LabDir {
    /// Make a fresh directory in TMPDIR and lock it.
    pub fn create() -> io::Result<LabDir> {
        let dir = tempfile::Builder::new()
            .prefix(PREFIX)
            .rand_bytes(RANDOM_LEN)
            .tempdir()?;
        let lock = File::open(dir.path())?;
        try_lock(&lock)?;
        Ok(LabDir { dir, handle: lock })
    }

    /// Where it is (for messages; files are made through [`LabDir::fd`]).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The open directory.
    pub fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.handle.as_fd()
    }
}

/// Take the exclusive lock on `file` without waiting. `WouldBlock` when another process
/// holds it.
fn try_lock(file: &File) -> io::Result<()> {
    // SAFETY: flock takes a descriptor we own (open for the call's duration) and flags.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::from(Errno::last()))
    }
}

/// Remove what crashed runs left in TMPDIR: the directories named `mmap-lab-*`, owned by this
/// user, not symbolic links, whose lock nobody holds. Returns the ones removed. Errors are
/// skipped: cleaning up after others must never stop a run.
pub fn sweep() -> Vec<PathBuf> {
    sweep_in(&std::env::temp_dir())
}

/// [`sweep`] in `tmpdir`.
pub fn sweep_in(tmpdir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(tmpdir) else {
        return Vec::new();
    };
    let uid = nix::unistd::geteuid().as_raw();
    entries
        .filter_map(Result::ok)
        .filter(|e| ours(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .filter(|path| leftover(path, uid))
        .collect()
}

/// Whether `name` is of the naming of [`LabDir`].
fn ours(name: &str) -> bool {
    name.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether `path` is a leftover of this user's, and if so remove it (while holding its lock,
/// so that no run of ours can be starting in it).
fn leftover(path: &Path, uid: u32) -> bool {
    // `symlink_metadata`: a planted symbolic link is not followed, nor removed.
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_dir() || meta.uid() != uid {
        return false;
    }
    let Ok(dir) = File::open(path) else {
        return false;
    };
    // Opened by path: check it is still the directory looked at.
    if !dir
        .metadata()
        .is_ok_and(|m| m.ino() == meta.ino() && m.dev() == meta.dev())
    {
        return false;
    }
    if try_lock(&dir).is_err() {
        return false;
    }
    let empty = std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none());
    let young = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_none_or(|age| age < JUST_MADE);
    if empty && young {
        return false;
    }
    std::fs::remove_dir_all(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_directory_stays_and_an_unlocked_one_goes() {
        let tmp = tempfile::tempdir().expect("tmp");
        // A live run: made and locked by this process (another descriptor, as another
        // process would hold it: flock locks belong to the open file).
        let live = tmp.path().join("mmap-lab-live012345");
        std::fs::create_dir(&live).expect("mkdir");
        std::fs::write(live.join("data"), b"x").expect("write");
        let held = File::open(&live).expect("open");
        try_lock(&held).expect("lock");
        // What a `kill -9` left: files, no lock.
        let dead = tmp.path().join("mmap-lab-dead012345");
        std::fs::create_dir(&dead).expect("mkdir");
        std::fs::write(dead.join("data"), b"x").expect("write");
        // Not ours by name (`mmap-lab-XXXXXX` is an older build's, which takes no lock).
        let old = tmp.path().join("mmap-lab-Ab3dE9");
        std::fs::create_dir(&old).expect("mkdir");
        std::fs::write(old.join("data"), b"x").expect("write");
        let other = tmp.path().join("other-dir");
        std::fs::create_dir(&other).expect("mkdir");
        // A symbolic link of our naming to a directory of someone else's.
        std::os::unix::fs::symlink(&other, tmp.path().join("mmap-lab-link012345")).expect("ln");

        let removed = sweep_in(tmp.path());
        assert_eq!(removed, vec![dead.clone()]);
        assert!(live.join("data").exists());
        assert!(!dead.exists());
        assert!(other.exists());
        assert!(old.join("data").exists());
        assert!(tmp.path().join("mmap-lab-link012345").exists());
        drop(held);
        assert_eq!(sweep_in(tmp.path()), vec![live]);
    }

    #[test]
    fn a_lab_dir_is_locked_while_it_lives_and_removed_after() {
        let dir = LabDir::create().expect("create");
        let path = dir.path().to_path_buf();
        let other = File::open(&path).expect("open");
        assert_eq!(
            try_lock(&other).map_err(|e| e.kind()),
            Err(io::ErrorKind::WouldBlock)
        );
        drop(dir);
        assert!(!path.exists());
    }
}
