//! What the lab's own process asks of the kernel that the program crate, which has no unsafe
//! code, cannot: `SIGXFSZ` ignored, and the terminal put back from a signal handler when the
//! process aborts.
//!
//! Under `ulimit -f` a write past the limit raises `SIGXFSZ`, whose default action kills the
//! lab mid-write (exit 153, a raw terminal). Ignored, the write fails with `EFBIG` instead and
//! is reported like any failed write. The experiment's child gets the default action back
//! (see `engine::child`): what it meets is the environment's, not the lab's choice.
//!
//! An allocation that fails (`ulimit -d`, `ulimit -v`) or a stack that overflows ends a Rust
//! program with `abort`, which unwinds nothing: no destructor puts the terminal back. So the
//! lab keeps the terminal's settings from before raw mode, and a `SIGABRT` handler writes them
//! back (`tcsetattr`) with the sequences that leave the alternate screen and show the cursor
//! (`write`): both async-signal-safe. Then the default action runs, so the exit status still
//! says the process aborted.

use nix::libc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Have writes past `RLIMIT_FSIZE` fail with `EFBIG` instead of killing the process.
pub fn ignore_sigxfsz() {
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
}

/// Mouse capture off, the main screen back, the cursor shown: what the lab's normal restore
/// writes, as bytes a signal handler can write.
const LEAVE: &[u8] = b"\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?1049l\x1b[?25h";

/// The terminal's settings from before raw mode (written once, before the handler can run).
static SAVED: OnceLock<libc::termios> = OnceLock::new();
/// Whether the terminal is the lab's (raw, alternate screen): only then does the handler act.
static ARMED: AtomicBool = AtomicBool::new(false);

/// Keep the terminal's settings (standard input's) and have an abort put them back. Call
/// before raw mode is entered; `false` when standard input's settings cannot be read (then
/// nothing is installed).
pub fn rescue_terminal_on_abort() -> bool {
    // SAFETY: termios is plain old data; an all-zero value is valid.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr writes into a local of the right type.
    if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } != 0 {
        return false;
    }
    if SAVED.set(t).is_err() {
        // Installed before (the lab opened twice in one process): the first settings are the
        // terminal's own.
        ARMED.store(true, Ordering::SeqCst);
        return true;
    }
    // SAFETY: sigaction with a zeroed, then filled, local struct; the handler only makes
    // async-signal-safe calls (tcsetattr, write, raise) and reads statics set before.
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = on_abort as *const () as usize;
        // On the alternate signal stack Rust sets up: after a stack overflow the thread's
        // own stack has no room. Reset to the default at once: the re-raise ends the process.
        act.sa_flags = libc::SA_ONSTACK | libc::SA_RESETHAND;
        libc::sigemptyset(&mut act.sa_mask);
        libc::sigaction(libc::SIGABRT, &act, std::ptr::null_mut());
    }
    ARMED.store(true, Ordering::SeqCst);
    true
}

/// The terminal is the shell's again (the lab restored it): an abort from now on leaves it.
pub fn terminal_restored() {
    ARMED.store(false, Ordering::SeqCst);
}

extern "C" fn on_abort(sig: libc::c_int) {
    if ARMED.load(Ordering::SeqCst) {
        if let Some(t) = SAVED.get() {
            // SAFETY: tcsetattr and write are async-signal-safe; `t` is a static set before
            // the handler was installed, LEAVE a static byte string.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
                libc::write(libc::STDOUT_FILENO, LEAVE.as_ptr().cast(), LEAVE.len());
            }
        }
    }
    // SAFETY: SA_RESETHAND put the default action back: raising again ends the process as
    // an abort, with that status.
    unsafe { libc::raise(sig) };
}
