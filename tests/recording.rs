//! The lab's recorded picture: drives the real binary in a pty (120×34), writes what the terminal
//! received as an asciinema cast (`docs/demo.cast`, asciicast v2: play it with
//! `asciinema play docs/demo.cast`, or upload it) and puts the screen after the run, as text,
//! between the `capture` markers of `docs/tui.md`. Ignored by default: it takes a few seconds and
//! rewrites files. Regenerate both with
//!
//! ```sh
//! cargo test --test recording -- --ignored --nocapture
//! ```

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mmap-lab");
const COLS: u16 = 120;
const ROWS: u16 = 34;

/// Output as it arrived: (seconds since start, bytes), and the screen it draws.
struct Tape {
    events: Vec<(f64, Vec<u8>)>,
    parser: vt100::Parser,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

fn screen(tape: &Mutex<Tape>) -> String {
    let t = tape.lock().unwrap_or_else(|e| e.into_inner());
    t.parser.screen().contents()
}

fn wait_for(tape: &Mutex<Tape>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while !screen(tape).contains(text) {
        assert!(
            Instant::now() < deadline,
            "never saw {text:?}:\n{}",
            screen(tape)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "rewrites docs/demo.cast and the capture in docs/tui.md"]
fn record_the_demo() {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let config = tempfile::tempdir().expect("an empty config directory");
    let mut cmd = CommandBuilder::new(BIN);
    // The case the screen has most to show for: munmap(ptr + 4096) returns 0 and unmaps a
    // page that was not the mapping's (the warning, the changed argument, the page map's
    // "after" row).
    cmd.args([
        "--scenario",
        "munmap-shifted-pointer",
        "--set",
        "munmap_shift=4096",
    ]);
    for var in [
        "LC_ALL",
        "LC_MESSAGES",
        "NO_COLOR",
        "MMAP_LAB_LANG",
        "MMAP_LAB_THEME",
        "MMAP_LAB_ASCII",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    // The defaults, whatever the recording machine's own configuration says.
    cmd.env("XDG_CONFIG_HOME", config.path());
    // A fresh start (0/18 run), and the recording never writes the user's progress.
    cmd.env_remove("MMAP_LAB_STATE");
    cmd.env("XDG_STATE_HOME", config.path());
    let mut child = pair.slave.spawn_command(cmd).expect("spawn mmap-lab");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut keys = pair.master.take_writer().expect("writer");
    let start = Instant::now();
    let tape = Arc::new(Mutex::new(Tape {
        events: Vec::new(),
        parser: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
    }));
    let sink = Arc::clone(&tape);
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut t = sink.lock().unwrap_or_else(|e| e.into_inner());
            t.events
                .push((start.elapsed().as_secs_f64(), buf[..n].to_vec()));
            t.parser.process(&buf[..n]);
        }
    });
    let mut press = |key: &str, pause_ms: u64| {
        std::thread::sleep(Duration::from_millis(pause_ms));
        keys.write_all(key.as_bytes()).expect("a key");
        keys.flush().expect("flush");
    };

    wait_for(&tape, "munmap-shifted-pointer");
    press("r", 1500);
    wait_for(&tape, "other's, gone");
    std::thread::sleep(Duration::from_millis(300));
    let capture = screen(&tape);
    press("L", 2500);
    wait_for(&tape, "他人页被解除");
    press("L", 2500);
    press("n", 1500);
    press("r", 1000);
    wait_for(&tape, "EACCES");
    press("P", 2500);
    wait_for(&tape, "The call");
    press("q", 2500);
    let _ = child.wait();
    drop(keys);
    drop(pair.master);
    let _ = reading.join();

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tape = tape.lock().unwrap_or_else(|e| e.into_inner());
    std::fs::write(root.join("docs/demo.cast"), cast(&tape.events)).expect("docs/ is writable");

    let readme_path = root.join("docs/tui.md");
    let readme = std::fs::read_to_string(&readme_path).expect("docs/tui.md");
    let (begin, end) = ("<!-- capture:begin -->\n", "<!-- capture:end -->");
    let (Some(a), Some(b)) = (readme.find(begin), readme.find(end)) else {
        panic!("docs/tui.md has no {begin:?} … {end:?} markers");
    };
    let lines: Vec<&str> = capture.lines().map(str::trim_end).collect();
    let text = format!("```\n{}\n```\n", lines.join("\n").trim_end());
    let updated = format!("{}{begin}{text}{}", &readme[..a], &readme[b..]);
    std::fs::write(&readme_path, updated).expect("docs/tui.md is writable");
    println!(
        "wrote docs/demo.cast ({} events) and the capture in docs/tui.md",
        tape.events.len()
    );
}

/// asciicast v2: a header line, then `[seconds, "o", text]` per chunk of output. Chunks are
/// cut where the pty's reads ended, which may split a UTF-8 character; the split bytes wait
/// for the next chunk.
fn cast(events: &[(f64, Vec<u8>)]) -> String {
    let header = serde_json::json!({
        "version": 2,
        "width": COLS,
        "height": ROWS,
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
        "title": "mmap-lab: unaligned-offset, run, English ⇄ 中文, next scenario",
    });
    let mut out = format!("{header}\n");
    let mut carry: Vec<u8> = Vec::new();
    for (time, bytes) in events {
        carry.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&carry) {
            Ok(_) => carry.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => carry.len(),
        };
        let rest = carry.split_off(valid);
        let text = String::from_utf8_lossy(&carry).into_owned();
        carry = rest;
        if !text.is_empty() {
            out.push_str(
                &serde_json::json!([(time * 1000.0).round() / 1000.0, "o", text]).to_string(),
            );
            out.push('\n');
        }
    }
    out
}
