//! `mmap-lab progress`: the state file read back for a student or a teacher, set
//! aside in one line when it cannot be used, and cleared only after asking.

use assert_cmd::Command;
use serde_json::Value;

fn lab(state: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("mmap-lab").expect("the binary is built");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("MMAP_LAB_STATE", state);
    cmd
}

const STATE: &str = r#"{"version": 1, "last_scenario": "zero-length",
  "scenarios": {"zero-length": {"runs": 2, "default_done": true, "variants_done": [true],
  "right": 1, "wrong": 1, "last_params": ["length=1"]}}}"#;

#[test]
fn progress_prints_what_the_state_file_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, STATE).unwrap();
    let out = lab(&file).args(["progress", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let zl = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "zero-length")
        .unwrap();
    assert_eq!(zl["runs"], 2);
    assert_eq!(zl["stage"], "in_progress");
    assert_eq!(zl["predictions_right"], 1);
    assert_eq!(v["last_scenario"], "zero-length");
    let out = lab(&file)
        .args(["progress", "--lang", "zh"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("zero-length") && text.contains("预测 1/2"),
        "{text}"
    );
}

#[test]
fn a_corrupt_file_is_said_in_one_line_backed_up_and_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, "{not json").unwrap();
    let out = lab(&file).arg("progress").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("state.json") && err.contains(".bak-"), "{err}");
    // `progress` only reads: the file is untouched, and its backup exists.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    // Read again and again: the same backup is named, no new one is made.
    for _ in 0..3 {
        let again = lab(&file).arg("progress").output().unwrap();
        assert_eq!(String::from_utf8(again.stderr).unwrap(), err);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// A state path on a device or a FIFO is one line, not all memory and not a hang (the timeout
/// only stops a hang the test would otherwise wait for), and the lab writes nothing there.
#[test]
fn a_state_file_on_a_device_or_a_fifo_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for (path, said) in [
        (std::path::PathBuf::from("/dev/zero"), "a character device"),
        (fifo, "a FIFO"),
    ] {
        let out = lab(&path)
            .arg("progress")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{path:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(said), "{err}");
    }
}

#[test]
fn reset_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, STATE).unwrap();
    let out = lab(&file)
        .args(["progress", "--reset"])
        .write_stdin("n\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(file.exists(), "no: kept");
    let out = lab(&file)
        .args(["progress", "--reset"])
        .write_stdin("y\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Cleared, and the reset recorded, so that a lab still open does not write back.
    let text = std::fs::read_to_string(&file).expect("a fresh file");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["scenarios"], serde_json::json!({}), "{text}");
    assert_eq!(v["resets"], 1, "{text}");
}

#[test]
fn no_state_has_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let out = lab(&dir.path().join("s.json"))
        .args(["progress", "--no-state"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
