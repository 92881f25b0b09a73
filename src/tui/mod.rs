//! The interactive lab: pick a scenario, turn one knob, run it, and see what the
//! kernel said and why.
//!
//! - `mod.rs` (this file): start, the main loop, and restoring the terminal on every way out
//!   (q, Ctrl-C, SIGTERM/SIGHUP/SIGINT, a panic);
//! - [`app`]: the state and the one place it changes; [`state`]: the plain types every
//!   module shares (focus, options), importing nothing of the TUI;
//! - [`event`]: terminal and app events, the command table, keys to actions;
//! - [`ui`]: drawing, `impl Widget for &App`;
//! - [`theme`], [`border`]: named styles and glyphs; [`pagemap`]: the page map.
//!
//! Experiments run on a worker thread (the engine forks a child per run); the loop keeps
//! drawing and reading keys meanwhile. Quitting cancels the run in flight and waits for the
//! engine to kill and reap its child and remove its temporary directory (a fraction of a
//! second), so nothing of a run outlives the lab.

pub mod app;
pub mod border;
pub mod course;
pub mod event;
pub mod filter;
pub mod lifecycle;
pub mod pagemap;
pub mod predict;
pub mod revealed;
pub mod scenario_state;
pub mod state;
pub mod theme;
pub mod ui;

pub use state::Options;
pub use theme::ThemeName;

use crate::strings::{t, S};
use app::{App, Effect, RunRequest, Speed};
use crossterm::event::EnableMouseCapture;
use crossterm::execute;
use crossterm::terminal::{enable_raw_mode, EnterAlternateScreen};
use event::AppEvent;
use lifecycle::restore;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

impl App {
    /// A lab in its starting state, measured by the drawing side ([`ui::layout`]). `page` is
    /// the kernel's page size; `size` the terminal's. An unknown `--scenario` was refused before
    /// this point; here it falls back to the first. Defined here, where the state and the
    /// drawing meet, so that neither imports the other.
    pub fn new(opts: &Options, page: u64, size: (u16, u16)) -> App {
        App::with_layout(opts, page, size, ui::layout)
    }
}

/// How often the screen redraws while a run goes on (spinner, elapsed time).
const TICK_RUNNING: Duration = Duration::from_millis(80);
/// How soon the loop looks again for the stop a step brings back (a step takes well under
/// a millisecond: the key's answer is on screen this much later at most).
const TICK_STEPPING: Duration = Duration::from_millis(5);
/// How often a held pacer looks at the cancel flag while it waits for a key.
const PACER_WAKE: Duration = Duration::from_millis(50);
/// How long to wait for a key when nothing moves (also how soon a signal is noticed).
const TICK_IDLE: Duration = Duration::from_millis(200);
/// The name of the worker threads, so the panic hook can tell them from the UI thread.
const WORKER: &str = "mmap-lab-run";

/// Start the lab. Exit codes: 0 on quit, 2 without a terminal or for an unknown scenario,
/// 1 when the terminal failed, 128 + N after signal N.
pub fn main(opts: Options) -> ExitCode {
    main_with(opts, crate::config::CopyFormat::default())
}

/// [`main`], with what `y` copies (the configuration's `copy`).
pub fn main_with(mut opts: Options, copy: crate::config::CopyFormat) -> ExitCode {
    // Refuse a bad id before touching the terminal, with the list of known ones.
    if let Some(id) = &opts.scenario {
        if let Err(code) = crate::cli::scenario(id, opts.lang) {
            return code;
        }
    }
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        let _ = writeln!(io::stderr(), "mmap-lab: {}", t(S::NeedsTerminal, opts.lang));
        return ExitCode::from(crate::cli::USAGE);
    }
    // NO_COLOR means no colour: our own theme without any, and crossterm's filter (which
    // would also reset bold and reverse in 0.29) out of the way. `--theme` still wins.
    if theme::no_color() {
        crossterm::style::force_color_output(true);
        opts.theme = opts.theme.or(Some(ThemeName::Mono));
    }
    let lang = opts.lang;
    let signal = Arc::new(AtomicUsize::new(0));
    match run(opts, copy, Arc::clone(&signal)) {
        Ok(code) => code,
        Err(err) => {
            restore();
            // A hung-up terminal makes every read and write fail: that is the signal's
            // doing, not an error of the lab.
            let sig = signal.load(Ordering::Relaxed);
            if sig != 0 {
                return ExitCode::from(128u8.saturating_add(sig as u8));
            }
            // Not eprintln!: it panics when stderr is gone too.
            let _ = writeln!(
                io::stderr(),
                "mmap-lab: {}: {err}",
                t(S::InternalError, lang)
            );
            ExitCode::FAILURE
        }
    }
}

/// Restores the terminal when dropped: every return path of [`run`], errors included.
struct Restorer;

impl Drop for Restorer {
    fn drop(&mut self) {
        restore();
    }
}

/// A panic restores the terminal first, so its message lands on a usable screen. Only for
/// the lab's own process and UI thread: a panicking worker is caught and reported as a failed
/// run, and the engine's forked child must never touch the terminal it shares with us.
fn install_panic_hook() {
    let pid = std::process::id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::process::id() != pid || std::thread::current().name() == Some(WORKER) {
            return;
        }
        restore();
        previous(info);
    }));
}

/// How long the loop waits for a key before it looks at the runs again: shortest while a
/// stepped run is waiting for its stop, short while a run is in flight.
fn tick(app: &App) -> Duration {
    let waiting = app
        .running
        .as_ref()
        .and_then(|r| r.stepping.as_ref())
        .is_some_and(|s| s.waiting || s.stops == 0);
    if waiting {
        TICK_STEPPING
    } else if app.running.is_some() {
        TICK_RUNNING
    } else {
        TICK_IDLE
    }
}

/// Wait up to `tick` for a terminal event, then hand the app it and everything typed after it
/// (their effects go to `effects`); whether one of them was Ctrl-Z.
fn read_terminal(app: &mut App, tick: Duration, effects: &mut Vec<Effect>) -> io::Result<bool> {
    let mut suspend = false;
    if crossterm::event::poll(tick)? {
        // Take everything already typed before drawing again (pasted text, key repeat).
        loop {
            let raw = crossterm::event::read()?;
            suspend |= is_ctrl_z(&raw);
            if let Some(ev) = AppEvent::from_terminal(raw) {
                effects.push(app.handle(ev));
            }
            if !crossterm::event::poll(Duration::ZERO)? {
                break;
            }
        }
    }
    Ok(suspend)
}

fn run(
    opts: Options,
    copy: crate::config::CopyFormat,
    signal: Arc<AtomicUsize>,
) -> io::Result<ExitCode> {
    // crossterm does not catch SIGTERM: a flag the loop checks every tick does.
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register_usize(sig, Arc::clone(&signal), sig as usize)?;
    }
    let life = lifecycle::Lifecycle::install(opts.mouse)?;
    install_panic_hook();
    let _restorer = Restorer;
    // An abort (no memory left, a stack overflow) unwinds nothing: a signal handler then puts
    // back the settings kept here, before raw mode.
    mmap_lab_engine::process::rescue_terminal_on_abort();
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    if opts.mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    // Never dropped: ratatui's `Drop` shows the cursor and, if that fails (a hung-up
    // terminal), reports it with `eprintln!`, which panics when stderr is that terminal too.
    // `Restorer` shows the cursor instead, ignoring errors; the process ends right after.
    // Colours as the terminal can show them; under `NO_COLOR` none at all, unless a theme
    // was asked for by name.
    let depth = if theme::no_color() && opts.theme == Some(ThemeName::Mono) {
        theme::Depth::None
    } else {
        theme::Depth::of_terminal()
    };
    let mut terminal = std::mem::ManuallyDrop::new(Terminal::new(CrosstermBackend::new(
        theme::Palette::new(io::stdout(), depth),
    ))?);
    let size = terminal.size()?;
    let mut app = App::new(
        &opts,
        mmap_lab_engine::engine::page_size(),
        (size.width, size.height),
    );
    app.copy_format = copy;
    app.start_course();
    let (tx, rx) = mpsc::channel::<AppEvent>();
    // Runs in flight, and the flag that cancels them: quitting cancels and joins them, so
    // that no experiment child or temporary directory outlives the lab.
    let cancel = Arc::new(AtomicBool::new(false));
    watch_for_a_stuck_loop(Arc::clone(&signal), Arc::clone(&cancel));
    let mut workers: Vec<std::thread::JoinHandle<()>> = Vec::new();
    // The command channel of the stepped run, if one is live: only the loop sends on it.
    let mut controls: Vec<Control> = Vec::new();

    loop {
        terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
        let mut effects = Vec::new();
        let tick = tick(&app);
        let suspend = read_terminal(&mut app, tick, &mut effects)?;
        if life.step(suspend)? {
            // A full redraw at the size of now (the window may have changed meanwhile).
            // `resize`, not `clear`: `clear` asks the terminal where its cursor is.
            let size = terminal.size()?;
            terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
        }
        while let Ok(ev) = rx.try_recv() {
            effects.push(app.handle(ev));
        }
        if signal.load(Ordering::Relaxed) != 0 {
            effects.push(app.handle(AppEvent::Terminate));
        }
        if app.running.is_some() {
            app.handle(AppEvent::Tick);
        }
        for effect in effects {
            match effect {
                Effect::Nothing => {}
                Effect::StartRun(req) => {
                    workers.retain(|w| !w.is_finished());
                    let (worker, control) = start_worker(*req, tx.clone(), cancel.clone());
                    workers.extend(worker);
                    controls.extend(control);
                }
                Effect::Pace { ticket, command } => {
                    if let Some((_, control)) = controls.iter().find(|(t, _)| *t == ticket) {
                        // A worker gone already has nothing left to kill.
                        let _ = control.send(command);
                    }
                }
                Effect::Copy(text) => {
                    // OSC 52: silently ignored by some terminals; the message says so.
                    execute!(
                        io::stdout(),
                        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
                    )?;
                }
                // Quitting cancels the runs in flight and waits for them: each engine kills
                // and reaps its child and removes its temporary directory, then returns.
                Effect::Quit => {
                    cancel.store(true, Ordering::Relaxed);
                    // A held pacer sees its channel closed and kills its child at once.
                    controls.clear();
                    for worker in workers.drain(..) {
                        let _ = worker.join();
                    }
                    let sig = signal.load(Ordering::Relaxed);
                    return Ok(if sig == 0 {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(128u8.saturating_add(sig as u8))
                    });
                }
            }
        }
        // Only the live stepped run keeps its channel: dropping the others' makes a pacer
        // still held (a run killed or forgotten) kill its child.
        controls.retain(|(t, _)| app.running.as_ref().is_some_and(|r| r.ticket == *t));
    }
}

/// How long the loop has to notice a signal before the watchdog ends the process; and how
/// long the engines get to clean up once the terminal is gone.
const SIGNAL_GRACE: Duration = Duration::from_millis(200);
/// How long a loop that is not known to be stuck gets after a signal.
const STUCK_GRACE: Duration = Duration::from_secs(2);
/// How often the watchdog looks at the signal flag and the terminal.
const WATCH: Duration = Duration::from_millis(50);

/// Ctrl-Z typed in raw mode: suspend, as other full-screen programs do.
fn is_ctrl_z(ev: &crossterm::event::Event) -> bool {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
    matches!(ev, Event::Key(k) if k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL)
        && k.kind == KeyEventKind::Press)
}

/// The loop notices a signal within a tick. But when the terminal hangs up (the window is
/// closed, the ssh connection drops), crossterm 0.29 spins forever inside `poll` on the
/// dead tty (it retries reads that return 0 or EIO) and the loop never gets control back. A
/// watchdog thread ends the process if the loop has not done so shortly after a signal, or
/// as soon as the terminal is gone (without SIGHUP: a shell that ignores it, a killed tmux
/// pane), after cancelling the runs in flight so that their engines clean up.
fn watch_for_a_stuck_loop(signal: Arc<AtomicUsize>, cancel: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new()
        .name("mmap-lab-watchdog".to_string())
        .spawn(move || loop {
            let sig = signal.load(Ordering::Relaxed);
            let gone = !lifecycle::terminal_alive();
            if sig != 0 || gone {
                cancel.store(true, Ordering::Relaxed);
                // A loop that still runs (the terminal is there) quits by itself, joining the
                // runs; the longer wait only matters should it be stuck after all.
                std::thread::sleep(if gone { SIGNAL_GRACE } else { STUCK_GRACE });
                restore();
                std::process::exit(if sig != 0 { 128 + sig as i32 } else { 1 });
            }
            std::thread::sleep(WATCH);
        });
    // Without the watchdog the lab still works; only a hung-up terminal is handled worse.
    drop(spawned);
}

/// The channel that tells a stepped run's pacer how to go on, with the run's ticket.
type Control = (u64, mpsc::Sender<mmap_lab_engine::engine::Command>);

/// The pacer of a stepped run, on its worker thread (the tracer's): at each stop it hands
/// the record so far to the loop as [`AppEvent::Stopped`] and waits for the loop's command.
/// The cancel flag (quitting, the watchdog) or a closed channel kills the child.
struct ChannelPacer {
    ticket: u64,
    events: mpsc::Sender<AppEvent>,
    commands: mpsc::Receiver<mmap_lab_engine::engine::Command>,
    cancel: Arc<AtomicBool>,
}

impl mmap_lab_engine::engine::Pacer for ChannelPacer {
    fn held(&mut self, stop: mmap_lab_engine::engine::Stop) -> mmap_lab_engine::engine::Command {
        use mmap_lab_engine::engine::Command;
        let event = AppEvent::Stopped {
            ticket: self.ticket,
            stop: Box::new(stop),
        };
        if self.events.send(event).is_err() {
            return Command::Kill;
        }
        loop {
            if self.cancel.load(Ordering::Relaxed) {
                return Command::Kill;
            }
            match self.commands.recv_timeout(PACER_WAKE) {
                Ok(command) => return command,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Command::Kill,
            }
        }
    }
}

/// Run `req` held before each step, the pacer asking the loop at every stop.
fn run_stepped(
    req: &RunRequest,
    events: mpsc::Sender<AppEvent>,
    commands: mpsc::Receiver<mmap_lab_engine::engine::Command>,
    cancel: &Arc<AtomicBool>,
) -> Result<mmap_lab_engine::Record, mmap_lab_engine::engine::EngineError> {
    use mmap_lab_engine::engine::{self, Pace, RunOptions};
    let mut pacer = ChannelPacer {
        ticket: req.ticket,
        events,
        commands,
        cancel: Arc::clone(cancel),
    };
    let plan = (req.scenario.build)(&req.params, engine::page_size());
    let run = engine::run_with(
        &plan,
        RunOptions {
            cancel: Some(cancel),
            pace: Pace::Paced(&mut pacer),
            ..RunOptions::default()
        },
    )?;
    Ok(mmap_lab_engine::Record {
        scenario: req.scenario.id.to_string(),
        params: mmap_lab_engine::session::params_json(req.scenario, &req.params),
        run,
    })
}

/// Run one experiment off the UI thread; the result comes back as an event.
///
/// A stepped run also gives the sender of its command channel, for the loop to keep.
fn start_worker(
    req: RunRequest,
    tx: mpsc::Sender<AppEvent>,
    cancel: Arc<AtomicBool>,
) -> (Option<std::thread::JoinHandle<()>>, Option<Control>) {
    let ticket = req.ticket;
    let failed = tx.clone();
    let (control, commands) = match req.speed {
        Speed::Free => (None, None),
        Speed::Stepped => {
            let (send, receive) = mpsc::channel();
            (Some((ticket, send)), Some(receive))
        }
    };
    let spawned = std::thread::Builder::new()
        .name(WORKER.to_string())
        .spawn(move || {
            let events = tx.clone();
            let result = std::panic::catch_unwind(move || {
                match commands {
                    Some(commands) => run_stepped(&req, events, commands, &cancel),
                    None => mmap_lab_engine::run_scenario_counted(
                        req.scenario,
                        &req.params,
                        Some(&cancel),
                        &mut |run, of| {
                            let _ = events.send(AppEvent::Progress { ticket, run, of });
                        },
                    ),
                }
                .map(Box::new)
                .map_err(|e| {
                    let need = mmap_lab_engine::bounds::tmpdir_need(req.scenario, &req.params);
                    crate::fault::text(&e, req.lang, need)
                })
            })
            .unwrap_or_else(|payload| {
                let what = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(format!("panic: {what}"))
            });
            let _ = tx.send(AppEvent::RunFinished { ticket, result });
        });
    match spawned {
        Ok(handle) => (Some(handle), control),
        Err(err) => {
            let _ = failed.send(AppEvent::RunFinished {
                ticket,
                result: Err(err.to_string()),
            });
            (None, None)
        }
    }
}
