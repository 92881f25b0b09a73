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
            script.contains("unaligned-offset") && script.contains("__complete-set"),
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

/// Sources the script (`$1`) and calls its function as readline would for the line `$2`
/// (the cursor at its end), then prints `COMPREPLY`.
const DRIVE_BASH: &str = r#"source "$1"
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
# The words as bash splits them: at blanks, and at each of COMP_WORDBREAKS outside quotes.
COMP_WORDS=()
w= q=
for ((i = 0; i < ${#COMP_LINE}; i++)); do
    c=${COMP_LINE:i:1}
    if [[ -n $q ]]; then w+=$c; [[ $c == "$q" ]] && q=; continue; fi
    case $c in
        [[:space:]]) [[ -n $w ]] && COMP_WORDS+=("$w"); w= ;;
        [\"\']) w+=$c; q=$c ;;
        *) if [[ $COMP_WORDBREAKS == *"$c"* ]]; then
               [[ -n $w ]] && COMP_WORDS+=("$w"); COMP_WORDS+=("$c"); w=
           else w+=$c; fi ;;
    esac
done
COMP_WORDS+=("$w")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_mmap_lab "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

/// bash's completion function, driven as readline drives it (`COMP_LINE`, `COMP_POINT`, the
/// words as bash splits them at its `COMP_WORDBREAKS`): `--set` completes keys, then a key's
/// values, then the next flag after a `|`; scenario ids after `run`.
#[test]
#[cfg_attr(not(has_bash), ignore = "no bash on this machine")]
fn bash_completes_set_keys_values_flags_and_scenario_ids() {
    let dir = with_file("");
    let script = lab(dir.path())
        .args(["completions", "bash"])
        .output()
        .expect("runs")
        .stdout;
    let script_file = dir.path().join("mmap-lab.bash");
    std::fs::write(&script_file, script).expect("write");
    let bin = assert_cmd::cargo::cargo_bin("mmap-lab");
    // Each line as typed, the cursor at its end; what readline would put in COMPREPLY.
    let cases: [(&str, &[&str]); 7] = [
        ("run 3 --set fl", &["flags="]),
        (
            "run 3 --set flags=MAP_SH",
            &["MAP_SHARED", "MAP_SHARED_VALIDATE"],
        ),
        (
            "run 3 --set 'flags=MAP_SHARED|MAP_AN",
            &["flags=MAP_SHARED|MAP_ANONYMOUS"],
        ),
        ("c 3 --set=close_fd=", &["true", "false"]),
        ("--scenario 3 --set prot=PROT_READ|PROT_W", &["PROT_WRITE"]),
        ("run unaligned-o", &["unaligned-offset"]),
        ("explain zero-l", &["zero-length"]),
    ];
    for (typed, want) in cases {
        let line = format!("{} {typed}", bin.display());
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", DRIVE_BASH, "bash"])
            .arg(&script_file)
            .arg(&line)
            .env("XDG_CONFIG_HOME", dir.path())
            .output()
            .expect("bash runs");
        let got = text(&out.stdout);
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got, want, "{typed}: {}", text(&out.stderr));
    }
}

/// The manual page has every section a reader looks for, filled, in both languages: the
/// environment the lab reads, each exit status, where to look next, who wrote it.
#[test]
fn the_man_page_is_complete_in_both_languages() {
    let dir = with_file("");
    for (lang, headings) in [
        (
            "en",
            ["ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO", "AUTHORS"],
        ),
        ("zh", ["环境变量", "文件", "退出码", "另请参阅", "作者"]),
    ] {
        let man = lab(dir.path())
            .args(["man", "--lang", lang])
            .output()
            .expect("runs");
        let page = text(&man.stdout);
        let section = |name: &str| -> String {
            let start = page
                .find(&format!(".SH \"{name}\""))
                .or_else(|| page.find(&format!(".SH {name}\n")))
                .unwrap_or_else(|| panic!("{lang}: no section {name}"));
            let rest = &page[start + 4..];
            rest[..rest.find(".SH ").unwrap_or(rest.len())].to_string()
        };
        if lang == "zh" {
            let english: Vec<&str> = page
                .lines()
                .filter(|l| l.starts_with(".SH ") && l.is_ascii())
                .collect();
            assert!(english.is_empty(), "English headings: {english:?}");
        }
        for heading in headings {
            let body = section(heading);
            assert!(
                body.lines().count() > 2,
                "{lang}: {heading} is empty: {body:?}"
            );
        }
        let environment = section(headings[0]);
        for name in [
            "MMAP_LAB_STATE",
            "NO_COLOR",
            "COLORTERM",
            "COLUMNS",
            "TMPDIR",
            "XDG_STATE_HOME",
        ] {
            assert!(
                environment.contains(name),
                "{lang}: {name} not in ENVIRONMENT"
            );
        }
        assert!(section(headings[2]).contains("128+N"), "{lang}");
        assert!(section(headings[3]).contains("mmap"), "{lang}");
    }
}

/// zsh's script is only checked for syntax (its completion needs an interactive shell).
#[test]
#[cfg_attr(not(has_zsh), ignore = "no zsh on this machine")]
fn zsh_reads_its_completion_script() {
    let dir = with_file("");
    let script = dir.path().join("_mmap-lab");
    let out = lab(dir.path())
        .args(["completions", "zsh"])
        .output()
        .expect("runs");
    std::fs::write(&script, out.stdout).expect("write");
    let check = Command::new("zsh")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("zsh runs");
    assert!(check.status.success(), "{}", text(&check.stderr));
}

/// fish asks its completions with `complete -C LINE`: the same `--set` keys, values and
/// flags after a `|` (quoted or escaped, and as `--set=`), and the scenario ids, which clap's
/// fish script leaves out.
#[test]
#[cfg_attr(not(has_fish), ignore = "no fish on this machine")]
fn fish_completes_set_keys_values_flags_and_scenario_ids() {
    let dir = with_file("");
    let bin = assert_cmd::cargo::cargo_bin("mmap-lab");
    let path = format!(
        "{}:{}",
        bin.parent().expect("target/debug").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = dir.path().join("mmap-lab.fish");
    let out = lab(dir.path())
        .args(["completions", "fish"])
        .output()
        .expect("runs");
    std::fs::write(&script, out.stdout).expect("write");
    let cases: [(&str, &[&str]); 6] = [
        ("mmap-lab run 3 --set fl", &["flags="]),
        ("mmap-lab run 3 --set=fl", &["--set=flags="]),
        (
            "mmap-lab run 3 --set 'flags=MAP_SHARED|MAP_AN",
            &["flags=MAP_SHARED|MAP_ANONYMOUS"],
        ),
        (
            "mmap-lab --scenario 3 --set prot=PROT_W",
            &["prot=PROT_WRITE"],
        ),
        ("mmap-lab explain zero-l", &["zero-length"]),
        ("mmap-lab c unaligned-o", &["unaligned-offset"]),
    ];
    for (line, want) in cases {
        let out = Command::new("fish")
            .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
            .arg(&script)
            .arg(line)
            .env("PATH", &path)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .output()
            .expect("fish runs");
        let got = text(&out.stdout);
        let got: Vec<&str> = got
            .lines()
            .map(|l| l.split('\t').next().unwrap_or(l))
            .collect();
        assert_eq!(got, want, "{line}: {}", text(&out.stderr));
    }
}
