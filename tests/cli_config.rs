//! Configuration through the real binary: the file, the environment and the command line,
//! in that order of weight, for every command that speaks; bad input is one line and the
//! defaults, never a failure.

use assert_cmd::Command;

fn lab(config: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("mmap-lab").expect("the binary is built");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("MMAP_LAB_LANG")
        .env_remove("MMAP_LAB_THEME")
        .env_remove("MMAP_LAB_ASCII")
        .env("LANG", "C.UTF-8")
        .env("XDG_CONFIG_HOME", config);
    cmd
}

fn with_file(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir_all(dir.path().join("mmap-lab")).expect("mkdir");
    std::fs::write(dir.path().join("mmap-lab/config.toml"), text).expect("write");
    dir
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn the_file_sets_the_language_of_run_explain_and_help() {
    let dir = with_file("lang = \"zh\"\n");
    let run = lab(dir.path())
        .args(["run", "zero-length"])
        .output()
        .expect("runs");
    assert!(text(&run.stdout).contains("参数"), "{}", text(&run.stdout));
    let explain = lab(dir.path())
        .args(["explain", "3"])
        .output()
        .expect("runs");
    assert!(text(&explain.stdout).contains("## 规则"));
    let help = lab(dir.path()).args(["--help"]).output().expect("runs");
    assert!(text(&help.stdout).contains("用法"));
    // The environment wins over the file, the command line over both.
    let env = lab(dir.path())
        .env("MMAP_LAB_LANG", "en")
        .args(["run", "zero-length"])
        .output()
        .expect("runs");
    assert!(text(&env.stdout).contains("Parameters"));
    let flag = lab(dir.path())
        .env("MMAP_LAB_LANG", "zh")
        .args(["run", "zero-length", "--lang", "en"])
        .output()
        .expect("runs");
    assert!(text(&flag.stdout).contains("Parameters"));
}

#[test]
fn a_bad_file_is_one_line_with_the_file_and_line_then_the_defaults() {
    for (file, line, expect) in [
        (
            "lang = \"zh\"\ntheme = \"purple\"\n",
            ":2",
            "dark, light, mono",
        ),
        ("lang = \n", ":1", "TOML"),
        ("\n\nasci = true\n", ":3", "ascii"),
    ] {
        let dir = with_file(file);
        let out = lab(dir.path())
            .args(["--lang", "en", "run", "zero-length"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{file:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{file:?}: {err}");
        assert!(
            err.contains("config.toml") && err.contains(line),
            "{file:?}: {err}"
        );
        assert!(err.contains(expect), "{file:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let dir = with_file("");
    let out = lab(dir.path())
        .env("MMAP_LAB_THEME", "neon")
        .args(["config"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("MMAP_LAB_THEME"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("theme      dark"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn config_says_where_it_looks_and_what_is_in_force() {
    let dir = with_file("ascii = true\n");
    let out = lab(dir.path())
        .env("MMAP_LAB_LANG", "zh")
        .args(["config", "--lang", "en"])
        .output()
        .expect("runs");
    let stdout = text(&out.stdout);
    assert!(stdout.contains(
        &dir.path()
            .join("mmap-lab/config.toml")
            .display()
            .to_string()
    ));
    assert!(stdout.contains("(found)"), "{stdout}");
    assert!(
        stdout.contains("lang       en        command line"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ascii      true      config file"),
        "{stdout}"
    );
    // ASCII from the file reaches run's text too.
    let run = lab(dir.path())
        .args(["run", "zero-length"])
        .output()
        .expect("runs");
    assert!(
        text(&run.stdout).contains("Outcome: x EINVAL"),
        "{}",
        text(&run.stdout)
    );
}

#[test]
fn lab_options_are_refused_by_subcommands_by_name_and_accepted_by_the_lab() {
    let dir = with_file("");
    let out = lab(dir.path())
        .args(["run", "zero-length", "--theme", "light"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`--theme`") && text(&out.stderr).contains("interactive lab")
    );
    let out = lab(dir.path())
        .args(["run", "zero-length", "--ascii"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The lab itself takes them (and then says it needs a terminal).
    let out = lab(dir.path())
        .args(["--ascii", "--theme", "light", "--scenario", "3"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("terminal"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn suggestions_and_lesson_numbers() {
    let dir = with_file("");
    let out = lab(dir.path())
        .args(["run", "unaligned-ofset"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `unaligned-offset`?"));
    let out = lab(dir.path())
        .args(["run", "unaligned-ofset", "--lang", "zh"])
        .output()
        .expect("runs");
    assert!(text(&out.stderr).contains("你是不是想输入 `unaligned-offset`"));
    let out = lab(dir.path())
        .args(["run", "3", "--set", "ofset=4096"])
        .output()
        .expect("runs");
    assert!(
        text(&out.stderr).contains("did you mean `offset`?"),
        "{}",
        text(&out.stderr)
    );
    let out = lab(dir.path())
        .args(["run", "playground", "--set", "flags=MAP_SHRED"])
        .output()
        .expect("runs");
    assert!(
        text(&out.stderr).contains("`flags=MAP_SHARED`"),
        "{}",
        text(&out.stderr)
    );
    let out = lab(dir.path())
        .args(["run", "3", "--json"])
        .output()
        .expect("runs");
    assert!(text(&out.stdout).contains("\"scenario\":\"unaligned-offset\""));
}

#[test]
fn man_completions_and_scenario_help() {
    let dir = with_file("");
    let man = lab(dir.path()).args(["man"]).output().expect("runs");
    assert!(text(&man.stdout).starts_with(".ie") || text(&man.stdout).contains(".TH"));
    assert!(text(&man.stdout).contains("MMAP_LAB_LANG"));
    for shell in ["bash", "zsh", "fish"] {
        let out = lab(dir.path())
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        assert!(
            script.contains("unaligned-offset") && script.contains("flags=MAP_SHARED"),
            "{shell}"
        );
    }
    let help = lab(dir.path())
        .args(["run", "unaligned-offset", "--help"])
        .output()
        .expect("runs");
    let help = text(&help.stdout);
    assert!(help.contains("Keys of unaligned-offset"), "{help}");
    assert!(
        help.contains("offset") && help.contains("mmap-lab run unaligned-offset --set"),
        "{help}"
    );
    let md = lab(dir.path())
        .args(["run", "3", "--format", "md"])
        .output()
        .expect("runs");
    assert!(
        text(&md.stdout).starts_with("## `unaligned-offset`"),
        "{}",
        text(&md.stdout)
    );
}

/// A config that is not a small regular text file is one line naming it and what it is, and
/// the command goes on with the defaults: `/dev/zero` is not read to the end of memory, a FIFO
/// without a writer does not hang the lab (the timeout only stops a hang the test would
/// otherwise wait for), a directory, a binary file and a loop of links are each said.
#[test]
fn a_config_that_is_not_a_small_text_file_is_said_and_never_read_whole() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sub = dir.path().join("mmap-lab");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let file = sub.join("config.toml");
    let cases: [(&str, &dyn Fn(), &str); 6] = [
        (
            "/dev/zero",
            &|| std::os::unix::fs::symlink("/dev/zero", &file).unwrap(),
            "a character device",
        ),
        (
            "fifo",
            &|| {
                assert!(std::process::Command::new("mkfifo")
                    .arg(&file)
                    .status()
                    .unwrap()
                    .success())
            },
            "a FIFO",
        ),
        (
            "directory",
            &|| std::fs::create_dir(&file).unwrap(),
            "a directory",
        ),
        (
            "binary",
            &|| std::fs::write(&file, b"\x00\xff\xfe\x01").unwrap(),
            "a binary file",
        ),
        (
            "loop",
            &|| {
                std::os::unix::fs::symlink(sub.join("other"), &file).unwrap();
                std::os::unix::fs::symlink(&file, sub.join("other")).unwrap();
            },
            "symbolic links",
        ),
        (
            "large",
            &|| std::fs::write(&file, "# padding\n".repeat(120_000)).unwrap(),
            "above the limit of 1 MiB",
        ),
    ];
    for (what, make, said) in cases {
        let _ = std::fs::remove_dir(&file);
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_file(sub.join("other"));
        make();
        let out = lab(dir.path())
            .arg("list")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .expect("runs");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{what}: {err}");
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(
            err.contains("config.toml: not read (") && err.contains(said),
            "{what}: {err}"
        );
    }
    let out = lab(dir.path())
        .args(["--lang", "zh", "list"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    assert!(
        text(&out.stderr).contains("未读取（"),
        "{}",
        text(&out.stderr)
    );
}

/// Forty thousand unknown keys: the first 20 are said, then how many more, not 40,000 lines.
#[test]
fn warnings_are_capped_at_twenty_and_a_count() {
    let keys: String = (0..40_000).map(|i| format!("k{i} = 1\n")).collect();
    let dir = with_file(&keys);
    let out = lab(dir.path()).arg("list").output().expect("runs");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 21, "{err}");
    assert!(
        lines[0].contains("config.toml:1: unknown key `k0`"),
        "{err}"
    );
    assert!(
        lines[19].contains("config.toml:20: unknown key `k19`"),
        "{err}"
    );
    assert!(lines[20].contains("39980 more problems"), "{err}");
}
