//! Issue 11: the lab's terminal across job control and its own end, in a real pty. Ctrl-Z and
//! SIGTSTP give the normal screen back and stop; SIGCONT redraws; a terminal that goes away
//! without SIGHUP ends the lab within a second without spinning.

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mmap-lab");
const PATIENCE: Duration = Duration::from_secs(40);

struct Pty {
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<Mutex<Vec<u8>>>,
    /// Tells the reader thread to let go of its copy of the master after its next read.
    stop: Arc<std::sync::atomic::AtomicBool>,
}

fn start(program: &str, args: &[&str]) -> Pty {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env_remove("LC_ALL");
    let child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let writer = pair.master.take_writer().expect("writer");
    let nz = |n| std::num::NonZeroU16::new(n).expect("non-zero");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(30), nz(100), 0)));
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&parser);
    let raw = Arc::clone(&bytes);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || stopped.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .process(&buf[..n]);
            raw.lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&buf[..n]);
        }
    });
    Pty {
        master: Some(pair.master),
        writer: Some(writer),
        child,
        parser,
        bytes,
        stop,
    }
}

impl Pty {
    fn wait(&self, what: &str, cond: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if cond(
                self.parser
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .screen(),
            ) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let screen = self
            .parser
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .screen()
            .contents();
        panic!("never saw {what}:\n{screen}");
    }

    fn key(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().expect("writer");
        w.write_all(bytes).expect("write");
        w.flush().expect("flush");
    }
}

/// The state letter and CPU ticks (user + system) of `pid`, from `/proc/PID/stat`.
fn stat(pid: u32) -> Option<(char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let state = fields.first()?.chars().next()?;
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((state, ticks))
}

fn wait_state(pid: u32, wanted: char) {
    let deadline = Instant::now() + PATIENCE;
    while stat(pid).map(|s| s.0) != Some(wanted) {
        assert!(
            Instant::now() < deadline,
            "{pid} never reached state {wanted}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn lab_ready(s: &vt100::Screen) -> bool {
    s.alternate_screen() && s.contents().contains("munmap-shifted-pointer")
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

#[test]
fn sigtstp_and_ctrl_z_restore_and_stop_and_sigcont_redraws() {
    let mut pty = start(BIN, &[]);
    let pid = pty.child.process_id().expect("pid");
    pty.wait("the lab", lab_ready);
    for how in ["TSTP", "key"] {
        if how == "TSTP" {
            signal(pid, "TSTP");
        } else {
            pty.key(b"\x1a");
        }
        wait_state(pid, 'T');
        pty.wait("the normal screen back", |s| !s.alternate_screen());
        // Scribble over the screen, as the shell would, to see the redraw.
        pty.parser
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .process(b"\x1b[2J");
        signal(pid, "CONT");
        pty.wait("the lab redrawn", lab_ready);
    }
    pty.key(b"q");
    let status = pty.child.wait().expect("exits");
    assert!(status.success());
}

#[test]
fn a_terminal_gone_without_sighup_ends_the_lab_within_a_second_without_spinning() {
    // `setsid` in a background job: the lab keeps the pty as its stdin and stdout but is not in
    // its session, so closing the pty sends it no SIGHUP (like a shell that ignores HUP).
    let mut pty = start(
        "sh",
        &[
            "-c",
            "exec 3<&0; setsid \"$0\" <&3 3<&- & echo \"PID=$!\"; wait",
            BIN,
        ],
    );
    pty.wait("the lab", lab_ready);
    let pid: u32 = {
        let bytes = pty.bytes.lock().unwrap_or_else(|e| e.into_inner());
        let text = String::from_utf8_lossy(&bytes).into_owned();
        drop(bytes);
        text.split("PID=")
            .nth(1)
            .and_then(|t| {
                t.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .map(str::to_string)
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert!(pid != 0, "the lab's pid");
    // Close every copy of the master: the reader's goes after its next read, which moving
    // the selection provokes.
    pty.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    pty.key(b"j");
    std::thread::sleep(Duration::from_millis(300));
    let (_, before) = stat(pid).expect("running");
    drop(pty.writer.take());
    drop(pty.master.take());
    let _ = pty.child.kill();
    let closed = Instant::now();
    let mut ticks = before;
    loop {
        match stat(pid) {
            None | Some(('Z', _)) | Some(('X', _)) => break,
            Some((_, t)) => ticks = t,
        }
        assert!(
            closed.elapsed() < Duration::from_secs(5),
            "the lab is still running"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = closed.elapsed();
    assert!(took < Duration::from_millis(1000), "took {took:?}");
    // Clock ticks are 10 ms: a busy loop for the whole wait would show about `took`.
    let cpu = Duration::from_millis((ticks - before) * 10);
    assert!(
        cpu < Duration::from_millis(400),
        "spent {cpu:?} of CPU in {took:?}"
    );
}
