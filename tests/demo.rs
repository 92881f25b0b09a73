//! `--demo` and `--scenario … --set …` on the command line: refused before the
//! screen opens, with the file, the line and what is accepted, exit 2.

use assert_cmd::Command;

fn lab() -> Command {
    let mut cmd = Command::cargo_bin("mmap-lab").expect("the binary is built");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    cmd
}

#[test]
fn a_playlist_with_a_bad_key_fails_with_file_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.toml");
    std::fs::write(
        &file,
        "title = \"t\"\n\n[[step]]\nscenario = \"zero-length\"\nset = [\"lenght=1\"]\n",
    )
    .unwrap();
    let out = lab().arg("--demo").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let want = format!("{}:5:", file.display());
    assert!(err.contains(&want) && err.contains("lenght"), "{err}");
    assert!(err.contains("accepted"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A playlist path that is a device, a FIFO or larger than the cap is one line, exit 2: never
/// all memory, never a hang (the timeout only stops a hang the test would otherwise wait for).
#[test]
fn a_playlist_that_is_not_a_small_text_file_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "# padding\n".repeat(120_000)).unwrap();
    for (path, said) in [
        (std::path::PathBuf::from("/dev/zero"), "a character device"),
        (fifo, "a FIFO"),
        (big, "above the limit of 1 MiB"),
    ] {
        let out = lab()
            .arg("--demo")
            .arg(&path)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{path:?}: {err}");
        assert!(err.contains(said), "{path:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn an_unknown_playlist_name_lists_the_shipped_ones() {
    let out = lab()
        .args(["--demo", "nope", "--lang", "zh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("course-notes") && err.contains("播放列表"),
        "{err}"
    );
}

#[test]
fn the_lab_takes_set_with_runs_rules() {
    let out = lab()
        .args(["--scenario", "4", "--set", "length=12x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("12x") && err.contains("length"), "{err}");
    // A good one passes the check; without a terminal the lab then says it needs one.
    let out = lab()
        .args(["--scenario", "4", "--set", "length=1", "--no-state"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("TTY"), "{err}");
}

/// The playlist format is where a teacher looks: `--help` and the man page, both languages,
/// every key of a step.
#[test]
fn help_and_man_page_give_the_playlist_format() {
    for lang in ["en", "zh"] {
        for args in [vec!["--help"], vec!["man"]] {
            let out = lab().args(&args).args(["--lang", lang]).output().unwrap();
            assert!(out.status.success(), "{args:?} {lang}");
            let text = String::from_utf8(out.stdout).unwrap();
            for key in [
                "title =",
                "[[step]]",
                "scenario =",
                "set =",
                "note =",
                "after =",
            ] {
                assert!(text.contains(key), "{args:?} {lang}: no {key}\n{text}");
            }
            let heading = if lang == "zh" {
                "播放列表"
            } else {
                "Playlists"
            };
            assert!(
                text.to_lowercase().contains(&heading.to_lowercase()),
                "{args:?} {lang}"
            );
        }
    }
}

/// A playlist's structural mistakes are refused before the screen opens, in the user's
/// language: never serde's English.
#[test]
fn a_structural_mistake_is_said_in_chinese_with_lang_zh() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.toml");
    for (text, line) in [
        ("title = \"t\"\n[[step]]\nnote = \"x\"\n", 2),
        ("[[step]]\nscenario = 4\nsettings = []\n", 3),
        ("title = \"t\n", 1),
    ] {
        std::fs::write(&file, text).unwrap();
        let out = lab()
            .arg("--demo")
            .arg(&file)
            .args(["--lang", "zh"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(&format!("class.toml:{line}:")), "{err}");
        assert!(err.contains("TOML") || err.contains("scenario") || err.contains("settings"));
        for english in ["missing field", "unknown field", "expected", "invalid"] {
            assert!(!err.contains(english), "{err}");
        }
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
