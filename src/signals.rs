//! SIGINT, SIGTERM and SIGHUP in the plain subcommands: Ctrl-C during
//! `run mmap-copy` must not leave gigabytes in TMPDIR.
//!
//! The default action would end the process at once, skipping the engine's cleanup. So the
//! signals only raise a flag: the engine, given it as its cancel flag, stops generating the
//! source, kills and reaps its child and removes its temporary directory, then returns; the
//! command then ends with 128 + N, as the default action would have reported.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The signals that end a run, cleaning up.
const ENDING: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

/// The flags the handlers raise.
#[derive(Debug)]
pub struct Interrupt {
    cancel: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
}

impl Interrupt {
    /// The flag to hand the engine as its cancel flag.
    pub fn cancel(&self) -> &AtomicBool {
        &self.cancel
    }

    /// `Some(128 + N)` once signal N arrived.
    pub fn caught(&self) -> Option<ExitCode> {
        match self.which.load(Ordering::Relaxed) {
            0 => None,
            n => Some(ExitCode::from(128u8.saturating_add(n as u8))),
        }
    }
}

/// The handlers, installed the first time they are asked for. Should installing fail, the
/// signals keep their default action: the run is then not cleaned up, but still ends.
pub fn interrupt() -> &'static Interrupt {
    static INTERRUPT: OnceLock<Interrupt> = OnceLock::new();
    INTERRUPT.get_or_init(|| {
        let interrupt = Interrupt {
            cancel: Arc::new(AtomicBool::new(false)),
            which: Arc::new(AtomicUsize::new(0)),
        };
        for sig in ENDING {
            // The number first, then the flag the engine polls: once it sees the flag, the
            // number is there.
            let _ =
                signal_hook::flag::register_usize(sig, Arc::clone(&interrupt.which), sig as usize);
            let _ = signal_hook::flag::register(sig, Arc::clone(&interrupt.cancel));
        }
        interrupt
    })
}
