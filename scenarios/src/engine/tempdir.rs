//! The run's temporary directory, and what a crashed run left.
//!
//! Each run's directory (`$TMPDIR/mmap-lab-XXXXXX`) is removed when the run ends, also after a
//! signal or a timeout. Only a process that dies without unwinding (`kill -9`, an abort, a
//! power cut) can leave one. So each directory carries an `flock` held by its owner for its
//! whole life, and [`sweep`] removes the directories of the lab's naming whose lock is free:
//! nobody is using them any more. A live run's directory is never touched.

use nix::dir::{Dir, Type};
use nix::errno::Errno;
use nix::fcntl::{openat, OFlag};
use nix::libc;
use nix::sys::stat::{fstat, fstatat, mkdirat, Mode};
use nix::unistd::{unlinkat, UnlinkatFlags};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The prefix of every directory the lab makes in TMPDIR.
pub const PREFIX: &str = "mmap-lab-";

/// The length of the random part of a locked directory's name. Builds before the lock made
/// `mmap-lab-XXXXXX` (tempfile's default of six) without one, and a sweep must never take such
/// a build's live run for a leftover: so only names with this many characters are swept.
pub const RANDOM_LEN: usize = 10;

/// How young an empty, unlocked directory may be and still belong to a run that has made it
/// but not yet locked it (the moment between `mkdir` and `flock`): such a one is left alone.
const JUST_MADE: Duration = Duration::from_secs(5);

/// How a directory is opened: never through a symbolic link in its place, never inherited by
/// the child's `exec` (the C program's run).
fn dir_flags() -> OFlag {
    OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC
}

/// A run's temporary directory, locked for as long as this value lives. Dropping it removes
/// what is in it and then the directory, all through descriptors, and then (closing the
/// descriptor) releases the lock.
///
/// After the `mkdir`, nothing in it is reached by path: files are made with `openat` on
/// [`LabDir::fd`] (or, in the child, after `fchdir` to it), and removed with `unlinkat` on
/// it. In a world-writable TMPDIR without the sticky bit, another user may rename the
/// directory away and plant a symbolic link in its place; the descriptor still names our
/// directory, so nothing is written or removed through the link.
#[derive(Debug)]
pub struct LabDir {
    /// The directory itself, open: it holds the lock, and every file of the run is made
    /// and removed through it.
    handle: OwnedFd,
    /// TMPDIR, open: the directory's own entry is removed through it at the end.
    parent: OwnedFd,
    /// The directory's name in TMPDIR.
    name: String,
    /// Where it was made (for messages only).
    path: PathBuf,
}

impl LabDir {
    /// Make a fresh directory in TMPDIR and lock it.
    pub fn create() -> io::Result<LabDir> {
        Self::create_in(&std::env::temp_dir())
    }

    /// [`LabDir::create`] in `tmpdir`.
    pub fn create_in(tmpdir: &Path) -> io::Result<LabDir> {
        let parent = open_tmpdir(tmpdir)?;
        let mut tries = 0;
        let name = loop {
            let name = format!("{PREFIX}{}", random_name()?);
            // 0700: nobody else may put anything in it, or read what the run wrote.
            match mkdirat(parent.as_fd(), name.as_str(), Mode::S_IRWXU) {
                Ok(()) => break name,
                Err(Errno::EEXIST) if tries < 100 => tries += 1,
                Err(e) => return Err(e.into()),
            }
        };
        let handle = match open_ours(parent.as_fd(), &name) {
            Ok(handle) => handle,
            Err(e) => {
                // Swapped between mkdir and open: what we made is empty, and is all we
                // remove (an empty directory, by name, not following a link).
                let _ = unlinkat(parent.as_fd(), name.as_str(), UnlinkatFlags::RemoveDir);
                return Err(e);
            }
        };
        let dir = LabDir {
            handle,
            parent,
            path: tmpdir.join(&name),
            name,
        };
        // Should the lock fail, dropping `dir` removes what was made.
        try_lock(dir.fd())?;
        Ok(dir)
    }

    /// Where it is (for messages; files are made through [`LabDir::fd`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open directory.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.handle.as_fd()
    }
}

impl Drop for LabDir {
    fn drop(&mut self) {
        let _ = remove_contents(self.handle.as_fd());
        remove_entry(self.parent.as_fd(), &self.name, self.handle.as_fd());
    }
}

/// Open TMPDIR itself (by its path: it is the one path the lab is given).
fn open_tmpdir(tmpdir: &Path) -> io::Result<OwnedFd> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(tmpdir)?;
    Ok(OwnedFd::from(file))
}

/// Open `name` in `parent` as a directory of this user's, only accessible to them: what
/// `mkdirat` just made, unless someone swapped it (then the owner or the mode differ, or it
/// is a link and `O_NOFOLLOW` refuses it).
fn open_ours(parent: BorrowedFd<'_>, name: &str) -> io::Result<OwnedFd> {
    let fd = openat(parent, name, dir_flags(), Mode::empty())?;
    let st = fstat(fd.as_fd())?;
    let uid = nix::unistd::geteuid().as_raw();
    if st.st_uid != uid || st.st_mode & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{name} in TMPDIR was replaced by someone else's"),
        ));
    }
    Ok(fd)
}

/// Ten random letters and digits, from the kernel's generator.
fn random_name() -> io::Result<String> {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = [0u8; RANDOM_LEN];
    // SAFETY: getrandom writes at most `len` bytes into the buffer, which is that long.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if n != bytes.len() as isize {
        // No getrandom (very old kernel) or interrupted: the time and pid still make a name
        // unlikely to exist, and `mkdirat` refuses one that does.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut x = nanos ^ (u128::from(std::process::id()) << 64);
        for b in &mut bytes {
            *b = (x % 251) as u8;
            x = x / 251 + 0x9e37_79b9_7f4a_7c15;
        }
    }
    Ok(bytes
        .iter()
        .map(|b| char::from(ALNUM[usize::from(*b) % ALNUM.len()]))
        .collect())
}

/// Take the exclusive lock on `fd` without waiting. `WouldBlock` when another process
/// holds it.
fn try_lock(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: flock takes a descriptor we own (open for the call's duration) and flags.
    let r = unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::from(Errno::last()))
    }
}

/// Take the exclusive lock on `fd`, waiting for whoever holds it (the lab's state file is
/// saved under such a lock, so that two labs merge their progress instead of overwriting it).
/// Released when the descriptor is closed.
pub fn lock(fd: BorrowedFd<'_>) -> io::Result<()> {
    loop {
        // SAFETY: flock takes a descriptor we borrow (open for the call's duration) and flags.
        let r = unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX) };
        match r {
            0 => return Ok(()),
            _ if Errno::last() == Errno::EINTR => continue,
            _ => return Err(io::Error::from(Errno::last())),
        }
    }
}

/// The names in the open directory `dir` (not `.` nor `..`), with their types when the
/// file system tells them.
fn entries(dir: BorrowedFd<'_>) -> io::Result<Vec<(std::ffi::CString, Option<Type>)>> {
    // A fresh descriptor of the same directory for reading it: `Dir` owns and closes its
    // own, and reads from its own offset.
    let mut d = Dir::openat(dir, ".", dir_flags(), Mode::empty())?;
    let mut names = Vec::new();
    for entry in d.iter() {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_bytes() == b"." || name.to_bytes() == b".." {
            continue;
        }
        names.push((name.to_owned(), entry.file_type()));
    }
    Ok(names)
}

/// Remove everything in the open directory `dir`, depth first, through descriptors only
/// (`unlinkat`, and `openat` with `O_NOFOLLOW` to go down): a link inside is removed, never
/// followed.
fn remove_contents(dir: BorrowedFd<'_>) -> io::Result<()> {
    let mut first_error = Ok(());
    for (name, kind) in entries(dir)? {
        let file = match kind {
            Some(Type::Directory) => Err(Errno::EISDIR),
            _ => unlinkat(dir, name.as_c_str(), UnlinkatFlags::NoRemoveDir),
        };
        let r = match file {
            Ok(()) => Ok(()),
            // A directory (Linux says EISDIR, POSIX EPERM): empty it, then remove it.
            Err(Errno::EISDIR | Errno::EPERM) => {
                openat(dir, name.as_c_str(), dir_flags(), Mode::empty())
                    .map_err(io::Error::from)
                    .and_then(|sub| remove_contents(sub.as_fd()))
                    .and_then(|()| {
                        unlinkat(dir, name.as_c_str(), UnlinkatFlags::RemoveDir)
                            .map_err(io::Error::from)
                    })
            }
            Err(e) => Err(e.into()),
        };
        if first_error.is_ok() {
            first_error = r;
        }
    }
    first_error
}

/// Remove the (emptied) directory `dir` from `parent`, where it is called `name` if that name
/// still is `dir`: had someone renamed it away and put something else there, that something
/// is left alone, and ours is found where they moved it in `parent` (by its device and inode)
/// and removed there.
fn remove_entry(parent: BorrowedFd<'_>, name: &str, dir: BorrowedFd<'_>) -> bool {
    let Ok(ours) = fstat(dir) else {
        return false;
    };
    let same = |entry: &str| {
        fstatat(parent, entry, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW)
            .is_ok_and(|there| there.st_dev == ours.st_dev && there.st_ino == ours.st_ino)
    };
    if same(name) {
        return unlinkat(parent, name, UnlinkatFlags::RemoveDir).is_ok();
    }
    // Moved away under another name in TMPDIR (the swap race): found by its identity and
    // removed there. Only an empty directory can go (RemoveDir), never through a link.
    let Ok(names) = entries(parent) else {
        return false;
    };
    names
        .into_iter()
        .filter_map(|(entry, _)| entry.into_string().ok())
        .find(|entry| same(entry))
        .is_some_and(|entry| unlinkat(parent, entry.as_str(), UnlinkatFlags::RemoveDir).is_ok())
}

/// Remove what crashed runs left in TMPDIR: the directories named `mmap-lab-*`, owned by this
/// user, not symbolic links, whose lock nobody holds. Returns the ones removed. Errors are
/// skipped: cleaning up after others must never stop a run.
pub fn sweep() -> Vec<PathBuf> {
    sweep_in(&std::env::temp_dir())
}

/// [`sweep`] in `tmpdir`: read and removed through TMPDIR's descriptor, like a run's own
/// directory.
pub fn sweep_in(tmpdir: &Path) -> Vec<PathBuf> {
    let Ok(parent) = open_tmpdir(tmpdir) else {
        return Vec::new();
    };
    let Ok(names) = entries(parent.as_fd()) else {
        return Vec::new();
    };
    let uid = nix::unistd::geteuid().as_raw();
    let mut removed: Vec<PathBuf> = names
        .into_iter()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|name| ours(name))
        .filter(|name| leftover(parent.as_fd(), name, uid))
        .map(|name| tmpdir.join(name))
        .collect();
    removed.sort();
    removed
}

/// Whether `name` is of the naming of [`LabDir`].
fn ours(name: &str) -> bool {
    name.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether `name` in `parent` is a leftover of this user's, and if so remove it (while
/// holding its lock, so that no run of ours can be starting in it).
fn leftover(parent: BorrowedFd<'_>, name: &str, uid: u32) -> bool {
    // O_NOFOLLOW: a planted symbolic link is neither followed nor removed.
    let Ok(dir) = openat(parent, name, dir_flags(), Mode::empty()) else {
        return false;
    };
    let Ok(st) = fstat(dir.as_fd()) else {
        return false;
    };
    if st.st_uid != uid || try_lock(dir.as_fd()).is_err() {
        return false;
    }
    let empty = entries(dir.as_fd()).is_ok_and(|e| e.is_empty());
    let modified = UNIX_EPOCH + Duration::new(st.st_mtime.max(0) as u64, st.st_mtime_nsec as u32);
    let young = SystemTime::now()
        .duration_since(modified)
        .map_or(true, |age| age < JUST_MADE);
    if empty && young {
        return false;
    }
    remove_contents(dir.as_fd()).is_ok() && remove_entry(parent, name, dir.as_fd())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    #[test]
    fn a_locked_directory_stays_and_an_unlocked_one_goes() {
        let tmp = tempfile::tempdir().expect("tmp");
        // A live run: made and locked by this process (another descriptor, as another
        // process would hold it: flock locks belong to the open file).
        let live = tmp.path().join("mmap-lab-live012345");
        std::fs::create_dir(&live).expect("mkdir");
        std::fs::write(live.join("data"), b"x").expect("write");
        let held = File::open(&live).expect("open");
        try_lock(held.as_fd()).expect("lock");
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
            try_lock(other.as_fd()).map_err(|e| e.kind()),
            Err(io::ErrorKind::WouldBlock)
        );
        drop(dir);
        assert!(!path.exists());
    }

    /// Removal goes through descriptors: a link inside is removed, not followed; and once the
    /// directory has been renamed away and a link planted at its name, neither the link nor
    /// what it points at is touched, and our directory is emptied and removed where it was
    /// moved.
    #[test]
    fn removal_follows_no_link_and_no_swapped_name() {
        let tmp = tempfile::tempdir().expect("tmp");
        let victim = tempfile::tempdir().expect("victim");
        std::fs::write(victim.path().join("precious"), b"keep").expect("write");
        let dir = LabDir::create_in(tmp.path()).expect("create");
        let path = dir.path().to_path_buf();
        std::fs::create_dir_all(path.join("a/b")).expect("mkdir");
        std::fs::write(path.join("a/b/file"), b"x").expect("write");
        std::os::unix::fs::symlink(victim.path(), path.join("a/link")).expect("ln");
        let moved = tmp.path().join("moved");
        std::fs::rename(&path, &moved).expect("rename");
        std::os::unix::fs::symlink(victim.path(), &path).expect("plant");
        drop(dir);
        assert!(victim.path().join("precious").exists(), "followed a link");
        assert!(path.symlink_metadata().is_ok(), "removed the planted link");
        assert!(!moved.exists(), "our directory was left where it was moved");
    }
}
