//! The one way the program writes what a user reads: never a panic, whatever
//! stdout and stderr are.
//!
//! `print!` panics when stdout is a closed pipe (`mmap-lab list | head -n 1`) or a full disk
//! (`> /dev/full`), and `eprintln!` does the same on a broken stderr. Here:
//! - a closed pipe on stdout ends the command quietly with the status a program killed by
//!   SIGPIPE reports (128 + 13, what `cat` gives), since the reader has all it wanted;
//! - any other write error (ENOSPC, EIO) prints one line on stderr and exits 1;
//! - stderr errors are ignored: there is nowhere left to say anything.
//!
//! Everything written to stderr has its control characters escaped, because messages echo
//! what the user typed (`--set $'file=\e]0;pwned\a'` must not retitle the terminal).

use crate::strings::{t, S};
use mmap_lab_engine::Lang;
use std::borrow::Cow;
use std::io::{self, Write};
use std::process::ExitCode;

/// The exit status after a closed output pipe: 128 + SIGPIPE.
pub const BROKEN_PIPE: u8 = 128 + 13;

/// Write `text` to stdout and flush it. `Err` carries the exit code to end with.
pub fn out(text: &str, lang: Lang) -> Result<(), ExitCode> {
    out_bytes(text.as_bytes(), lang)
}

/// [`out`] for bytes (the manual, completions).
pub fn out_bytes(bytes: &[u8], lang: Lang) -> Result<(), ExitCode> {
    let mut stdout = io::stdout().lock();
    let result = stdout.write_all(bytes).and_then(|()| stdout.flush());
    result.map_err(|err| write_failed(&err, lang))
}

/// [`out`], returning success: the tail of a command whose last act is printing.
pub fn finish(text: &str, lang: Lang) -> ExitCode {
    match out(text, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// The exit code for a failed write to stdout, having said why (unless the pipe is closed).
pub fn write_failed(err: &io::Error, lang: Lang) -> ExitCode {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::from(BROKEN_PIPE);
    }
    err_line(&format!("mmap-lab: {}: {err}", t(S::OutputFailed, lang)));
    ExitCode::FAILURE
}

/// One message on stderr, its control characters escaped, errors ignored.
pub fn err_line(line: &str) {
    let mut text = escape_controls(line).into_owned();
    text.push('\n');
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Several lines on stderr (clap's errors): newlines kept, other control characters escaped.
pub fn err_text(text: &str) {
    let _ = io::stderr()
        .lock()
        .write_all(escape_controls(text).as_bytes());
}

/// `text` with every control character but newline and tab written as `\x1b` (or `\u{9b}`
/// for the C1 ones), so an echoed value cannot drive the terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c) {
            escaped.push(c);
        } else if (c as u32) < 0x80 {
            escaped.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            escaped.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(escaped)
}

fn needs_escape(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(
            escape_controls("file=\u{1b}]0;pwned\u{7}\u{9b}2J\nnext"),
            "file=\\x1b]0;pwned\\x07\\u{9b}2J\nnext"
        );
        assert!(matches!(escape_controls("plain\ttext"), Cow::Borrowed(_)));
    }
}
