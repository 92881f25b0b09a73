//! The terminal across job control and its own end: Ctrl-Z (the key or SIGTSTP)
//! gives the shell a normal screen back and stops; `fg` (SIGCONT) re-enters raw mode and
//! redraws everything; SIGQUIT restores before its default action; a terminal that goes away
//! ends the lab within a second.
//!
//! Signals only raise flags; the main loop calls [`Lifecycle::step`] every tick, where the
//! terminal is changed from the UI thread, never from a handler.

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use signal_hook::consts::{SIGCONT, SIGQUIT, SIGSTOP, SIGTSTP};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The job-control flags.
#[derive(Debug)]
pub struct Lifecycle {
    stop: Arc<AtomicBool>,
    cont: Arc<AtomicBool>,
    quit: Arc<AtomicBool>,
    mouse: bool,
}

impl Lifecycle {
    /// Catch SIGTSTP, SIGCONT and SIGQUIT. `mouse`: whether mouse capture is to be restored
    /// after a suspension.
    pub fn install(mouse: bool) -> io::Result<Lifecycle> {
        let life = Lifecycle {
            stop: Arc::new(AtomicBool::new(false)),
            cont: Arc::new(AtomicBool::new(false)),
            quit: Arc::new(AtomicBool::new(false)),
            mouse,
        };
        signal_hook::flag::register(SIGTSTP, Arc::clone(&life.stop))?;
        signal_hook::flag::register(SIGCONT, Arc::clone(&life.cont))?;
        signal_hook::flag::register(SIGQUIT, Arc::clone(&life.quit))?;
        Ok(life)
    }

    /// Act on what arrived since the last tick; `suspend_key` is a Ctrl-Z typed in raw mode
    /// (where the terminal sends it as a key, not as SIGTSTP). Returns true when the whole
    /// screen must be redrawn (after a stop, or a SIGCONT from `kill -STOP`/`-CONT`).
    pub fn step(&self, suspend_key: bool) -> io::Result<bool> {
        if self.quit.swap(false, Ordering::Relaxed) {
            restore();
            // The default action (a core dump, if enabled) on a usable terminal.
            let _ = signal_hook::low_level::emulate_default_handler(SIGQUIT);
        }
        if self.stop.swap(false, Ordering::Relaxed) || suspend_key {
            restore();
            // SIGSTOP, not SIGTSTP: our handler would only set the flag again. The process
            // stops here until the shell's `fg` sends SIGCONT.
            signal_hook::low_level::raise(SIGSTOP)?;
            self.cont.store(true, Ordering::Relaxed);
        }
        if self.cont.swap(false, Ordering::Relaxed) {
            mmap_lab_engine::process::rescue_terminal_on_abort();
            enable_raw_mode()?;
            execute!(io::stdout(), EnterAlternateScreen)?;
            if self.mouse {
                execute!(io::stdout(), EnableMouseCapture)?;
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// Whether the terminal is still there. After a hang-up (the window closed, the tmux pane
/// killed) every `ioctl` on it fails, while reads return 0 forever — on which crossterm's
/// `poll` spins. `window_size`, unlike `size`, has no fallback that would hide the failure.
pub fn terminal_alive() -> bool {
    crossterm::terminal::window_size().is_ok()
}

/// Put the terminal back as it was: raw mode off, main screen, mouse released, cursor shown.
/// Safe to call more than once.
pub(super) fn restore() {
    mmap_lab_engine::process::terminal_restored();
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}
