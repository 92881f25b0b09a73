//! The files a user points the lab at (the configuration, the state file, a playlist), read
//! with limits: a regular file only, opened without blocking (a FIFO with no writer would
//! hang the lab forever), and at most [`CAP`] bytes (`/dev/zero` as the config would eat all
//! memory). Anything else is one clear message naming the file and what was wrong.

use crate::strings;
use mmap_lab_engine::Lang;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The largest file read: 1 MiB, far above any real configuration, state or playlist.
pub const CAP: u64 = 1 << 20;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// It does not exist.
    Missing,
    /// Not a regular file: what it is (`"a directory"`, `"a FIFO"`, ...).
    NotRegular(&'static str),
    /// Larger than [`CAP`]: its size.
    TooBig(u64),
    /// The system refused it (a symlink loop, no permission, an I/O error).
    Io {
        /// The errno, when the system gave one.
        errno: Option<i32>,
        /// What the system said, in its own (English) words.
        said: String,
    },
}

impl Refused {
    /// The system's refusal `e`.
    fn io(e: &io::Error) -> Refused {
        Refused::Io {
            errno: e.raw_os_error(),
            said: e.to_string(),
        }
    }

    /// What was wrong, in `lang` (without the file's name).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Refused::Missing => strings::input_missing(lang),
            Refused::NotRegular(kind) => strings::input_not_regular(kind, lang),
            Refused::TooBig(size) => strings::input_too_big(*size, CAP, lang),
            Refused::Io { errno, said } => strings::input_refused(*errno, said, lang),
        }
    }
}

/// What kind of file `t` is, as the messages say it.
fn kind(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "directory"
    } else if t.is_fifo() {
        "fifo"
    } else if t.is_char_device() {
        "char"
    } else if t.is_block_device() {
        "block"
    } else if t.is_socket() {
        "socket"
    } else {
        "other"
    }
}

/// The bytes of `path`, a regular file of at most [`CAP`] bytes. Symbolic links are followed
/// (a loop is an error of its own).
pub fn read(path: &Path) -> Result<Vec<u8>, Refused> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        // Never wait for a FIFO's writer, never take a terminal as the controlling one.
        .custom_flags(mmap_lab_engine::flags::O_NONBLOCK | mmap_lab_engine::flags::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Refused::Missing,
            _ => Refused::io(&e),
        })?;
    let meta = file.metadata().map_err(|e| Refused::io(&e))?;
    if !meta.file_type().is_file() {
        return Err(Refused::NotRegular(kind(meta.file_type())));
    }
    if meta.len() > CAP {
        return Err(Refused::TooBig(meta.len()));
    }
    let mut bytes = Vec::new();
    // Bounded again while reading: the file may grow between the check and the read.
    file.take(CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refused::io(&e))?;
    if bytes.len() as u64 > CAP {
        return Err(Refused::TooBig(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The line (from 1) of each byte offset of `text`: the newlines are found once, and each
/// offset by a binary search (counting the newlines before each offset again made a file of
/// many entries take quadratic time).
pub fn line_numbers(text: &str) -> impl Fn(usize) -> usize + '_ {
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    move |offset| newlines.partition_point(|&nl| nl < offset.min(text.len())) + 1
}

/// The bytes of [`read`] as text: a file that is not UTF-8 is refused as binary.
pub fn read_text(path: &Path) -> Result<String, Refused> {
    String::from_utf8(read(path)?).map_err(|_| Refused::NotRegular("binary"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_the_newlines_before() {
        let text = "a\nbb\n\nc";
        let line = line_numbers(text);
        let slow = |o: usize| text[..o.min(text.len())].matches('\n').count() + 1;
        for o in 0..=text.len() + 2 {
            assert_eq!(line(o), slow(o), "offset {o}");
        }
    }

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"lang = \"zh\"\n").unwrap();
        assert_eq!(read(&file).unwrap(), b"lang = \"zh\"\n");
        assert!(matches!(
            read(dir.path()),
            Err(Refused::NotRegular("directory"))
        ));
        assert!(matches!(
            read(Path::new("/dev/zero")),
            Err(Refused::NotRegular("char"))
        ));
        assert!(matches!(
            read(&dir.path().join("none")),
            Err(Refused::Missing)
        ));
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'#'; CAP as usize + 1]).unwrap();
        assert!(matches!(read(&big), Err(Refused::TooBig(n)) if n == CAP + 1));
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(matches!(read(&fifo), Err(Refused::NotRegular("fifo"))));
        let a = dir.path().join("a");
        std::os::unix::fs::symlink(dir.path().join("b"), &a).unwrap();
        std::os::unix::fs::symlink(&a, dir.path().join("b")).unwrap();
        let looped = read(&a).unwrap_err();
        assert!(matches!(looped, Refused::Io { .. }));
        // The system's refusal in the reader's language, its errno named.
        assert_eq!(looped.text(Lang::Zh), "符号链接太多，可能成环：ELOOP");
        assert!(
            looped.text(Lang::En).contains("symbolic links"),
            "{looped:?}"
        );
        std::fs::write(&file, b"\xff\xfe\x00binary").unwrap();
        assert!(matches!(
            read_text(&file),
            Err(Refused::NotRegular("binary"))
        ));
    }
}
