//! The real binary, driven through its command line without a terminal: its contract (exit
//! codes, JSON shape; docs/cli.md, docs/json.md) and the examples the lab was first built for.

use assert_cmd::Command;
use proptest::prelude::*;
use serde_json::Value;

mod nobody_support;

fn lab() -> Command {
    let mut cmd = Command::cargo_bin("mmap-lab").expect("the binary is built");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    cmd
}

fn json(args: &[&str]) -> Value {
    let out = lab().args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn list_names_every_scenario_in_lesson_order() {
    let list = json(&["list", "--json"]);
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    // The binary lists the catalogue, in its order…
    let catalogue: Vec<&str> = mmap_lab_engine::catalog::all()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, catalogue);
    // …which holds the first scenarios in their first order (new ones may sit between).
    let design = [
        "munmap-shifted-pointer",
        "rdonly-prot-write",
        "unaligned-offset",
        "zero-length",
        "empty-new-file",
        "close-after-mmap",
        "out-of-bounds",
        "mmap-copy",
        "anonymous-ipc",
        "playground",
    ];
    let mut rest = ids.iter();
    for id in design {
        assert!(
            rest.any(|i| *i == id),
            "{id} missing or out of order in {ids:?}"
        );
    }
    let zh = lab().args(["list", "--lang", "zh"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&zh.stdout).contains("映射"));
}

#[test]
fn unaligned_offset_json_is_einval_from_mmap_in_the_design_shape() {
    let r = json(&["run", "unaligned-offset", "--json"]);
    assert_eq!(r["scenario"], "unaligned-offset");
    assert_eq!(r["params"]["offset"], 1000);
    assert_eq!(r["params"]["file"], "regular");
    assert_eq!(r["params"]["open"], "O_RDWR");
    assert!(r["page_size"].as_u64().is_some_and(|p| p >= 4096));
    let outcome = &r["outcome"];
    assert_eq!(outcome["kind"], "errno");
    assert_eq!(outcome["call"], "mmap");
    assert_eq!(outcome["errno"], "EINVAL");
    assert_eq!(outcome["code"], 22);
    assert_eq!(outcome["message"], "Invalid argument");
    let steps = r["steps"].as_array().expect("steps");
    let mmap = steps
        .iter()
        .find(|s| s["call"].as_str().is_some_and(|c| c.starts_with("mmap(")))
        .expect("an mmap step");
    assert_eq!(mmap["result"], "MAP_FAILED");
    assert_eq!(mmap["errno"], "EINVAL");
    assert!(
        mmap["call"]
            .as_str()
            .is_some_and(|c| c.ends_with(", 1000)")),
        "{mmap}"
    );
}

#[test]
fn empty_new_file_maps_then_sigbus_at_the_touch() {
    let r = json(&["run", "empty-new-file", "--json"]);
    let steps = r["steps"].as_array().expect("steps");
    let mmap = steps
        .iter()
        .find(|s| s["call"].as_str().is_some_and(|c| c.starts_with("mmap(")))
        .expect("mmap");
    assert!(
        mmap["result"].as_str().is_some_and(|v| v.starts_with("0x")),
        "mmap succeeds: {mmap}"
    );
    assert_eq!(r["outcome"]["kind"], "signal");
    assert_eq!(r["outcome"]["signal"], "SIGBUS");
    let at = r["outcome"]["step"].as_u64().expect("step index") as usize;
    assert_eq!(steps[at]["function"], "store");
    assert_eq!(steps[at]["signal"], "SIGBUS");
    let text = lab()
        .args(["run", "empty-new-file"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("SIGBUS") && text.contains("mmap(NULL, "),
        "{text}"
    );
}

#[test]
fn rdonly_prot_write_private_succeeds_and_says_the_file_is_unchanged() {
    let r = json(&[
        "run",
        "rdonly-prot-write",
        "--set",
        "flags=MAP_PRIVATE",
        "--json",
    ]);
    assert_eq!(r["outcome"]["kind"], "ok");
    assert_eq!(r["file_check"]["reached_file"], false);
    let out = lab()
        .args(["run", "rdonly-prot-write", "--set", "flags=MAP_PRIVATE"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the file is unchanged"), "{text}");
    let out = lab()
        .args([
            "run",
            "rdonly-prot-write",
            "--set",
            "flags=MAP_PRIVATE",
            "--lang",
            "zh",
        ])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("文件没有变化"));
}

#[test]
fn human_output_shows_symbolic_hex_and_decimal_and_the_rule() {
    let out = lab()
        .args(["run", "unaligned-offset"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0x3e8"), "offset in hex: {text}");
    assert!(
        text.contains("MAP_SHARED") && text.contains("0x1"),
        "{text}"
    );
    assert!(text.contains("EINVAL (22)"), "{text}");
    assert!(text.contains("Rule:"), "{text}");
}

#[test]
fn run_all_json_is_an_array_of_every_scenario() {
    let all = json(&["run", "--all", "--json"]);
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), mmap_lab_engine::catalog::all().len());
    for r in all {
        assert!(r["outcome"]["kind"].is_string(), "{r}");
    }
}

#[test]
fn explain_prints_the_lesson_in_either_language() {
    let out = lab()
        .args(["explain", "zero-length", "--lang", "zh"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("## 规则"));
    let out = lab()
        .args(["explain", "zero-length"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("## The rule"));
}

#[test]
fn bad_set_values_exit_2_naming_key_value_and_what_is_accepted() {
    for (set, needles) in [
        ("offset=12x", vec!["offset", "12x", "integer"]),
        ("bogus=1", vec!["bogus", "unknown key", "file_size"]),
        (
            "copy_size=1M",
            vec!["copy_size", "unaligned-offset", "offset"],
        ),
        ("offset", vec!["offset", "KEY=VALUE"]),
    ] {
        let out = lab()
            .args(["run", "unaligned-offset", "--set", set])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{set}");
        let err = String::from_utf8_lossy(&out.stderr);
        for n in needles {
            assert!(err.contains(n), "{set}: {err:?} lacks {n:?}");
        }
    }
    let out = lab()
        .args([
            "run",
            "playground",
            "--set",
            "flags=MAP_BOGUS",
            "--lang",
            "zh",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无效"));
}

#[test]
fn unknown_scenario_exits_2_with_the_known_ids() {
    let out = lab().args(["run", "nope"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unaligned-offset"));
}

#[test]
fn the_bare_command_without_a_terminal_says_so_and_exits_2() {
    let out = lab().write_stdin("").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("terminal"), "{err}");
    assert!(out.stdout.is_empty(), "nothing is drawn without a terminal");
}

#[test]
fn an_unknown_scenario_for_the_lab_lists_the_known_ones_and_exits_2() {
    let out = lab()
        .args(["--scenario", "nope"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nope") && err.contains("unaligned-offset"),
        "{err}"
    );
}

#[test]
fn c_subcommand_prints_a_program() {
    let out = lab()
        .args(["c", "unaligned-offset"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("int main"), "{text}");
    assert!(text.contains("mmap("), "{text}");
}

/// The C comments of a program, in order.
fn c_comments(c: &str) -> Vec<&str> {
    c.split("/*")
        .skip(1)
        .filter_map(|rest| rest.split_once("*/").map(|(body, _)| body))
        .collect()
}

/// `mmap-lab c ID --minimal`: the short program, no helper of the full one, the same code in
/// both languages with comments in the one asked for; the compile-and-run agreement is
/// `tests/agreement.rs`.
#[test]
fn c_minimal_prints_a_short_program_with_comments_in_the_language() {
    let program = |extra: &[&str]| {
        let out = lab()
            .args(["c", "zero-length", "--minimal"])
            .args(extra)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let en = program(&[]);
    assert!(en.lines().count() <= 60, "{en}");
    assert!(en.contains("int main(void)"), "{en}");
    assert!(
        en.contains("mmap(NULL, 0, PROT_READ, MAP_SHARED, fd0, 0)"),
        "{en}"
    );
    assert!(en.contains("perror(\"mmap\")"), "{en}");
    assert!(en.contains("mkdtemp("), "{en}");
    for helper in ["begin(", "check_map(", "finish(", "on_signal"] {
        assert!(!en.contains(helper), "{helper} in\n{en}");
    }
    assert!(en.is_ascii(), "{en}");

    let zh = program(&["--lang", "zh"]);
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let comments = c_comments(&zh);
    assert!(!comments.is_empty(), "{zh}");
    for body in comments {
        assert!(chinese(body), "an English comment: /*{body}*/ in\n{zh}");
    }
    // Only the comments differ.
    let code = |c: &str| {
        c_comments(c)
            .iter()
            .fold(c.to_string(), |c, body| {
                c.replace(&format!("/*{body}*/"), "")
            })
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(code(&en), code(&zh));
    // The full program is another, longer one.
    let full = lab().args(["c", "zero-length"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&full.stdout).lines().count() > 60);
}

#[test]
fn c_help_documents_minimal_in_both_languages() {
    for (lang, word) in [("en", "shortest"), ("zh", "最短")] {
        let out = lab()
            .args(["--lang", lang, "c", "--help"])
            .output()
            .expect("runs");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("--minimal"), "{help}");
        assert!(help.contains(word), "{help}");
    }
}

/// As root the lab gets through MAP_LOCKED beyond RLIMIT_MEMLOCK; a normal user gets EAGAIN.
/// As root, the binary runs again as `nobody` to see the unprivileged answer (with `setpriv`;
/// ignored as root without it).
#[test]
#[cfg_attr(
    all(is_root, not(has_setpriv)),
    ignore = "root without setpriv cannot run the lab as nobody"
)]
fn map_locked_beyond_rlimit_memlock_is_eagain_for_a_normal_user() {
    let sets = [
        "run",
        "playground",
        "--set",
        "file=anonymous",
        "--set",
        "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
        "--set",
        "length=64K",
        "--set",
        "rlimit_memlock=4096",
        "--json",
    ];
    let me = json(&sets);
    if me["privileged"] != true {
        assert_eq!(me["outcome"]["errno"], "EAGAIN", "{me}");
        return;
    }
    assert_eq!(
        me["outcome"]["kind"], "ok",
        "root's CAP_IPC_LOCK lets it through: {me}"
    );
    let r = as_nobody(&sets);
    assert_eq!(r["privileged"], false);
    assert_eq!(r["outcome"]["errno"], "EAGAIN", "{r}");
}

/// The same for mremap: growing locked memory past RLIMIT_MEMLOCK is EAGAIN for a normal
/// user, and works as root.
#[test]
#[cfg_attr(
    all(is_root, not(has_setpriv)),
    ignore = "root without setpriv cannot run the lab as nobody"
)]
fn mremap_of_locked_memory_beyond_rlimit_memlock_is_eagain_for_a_normal_user() {
    let sets = [
        "run",
        "playground",
        "--set",
        "file=anonymous",
        "--set",
        "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED",
        "--set",
        "rlimit_memlock=4096",
        "--set",
        "mremap_flags=MREMAP_MAYMOVE",
        "--set",
        "new_length=8192",
        "--json",
    ];
    let me = json(&sets);
    if me["privileged"] != true {
        assert_eq!(me["outcome"]["errno"], "EAGAIN", "{me}");
        assert_eq!(me["outcome"]["call"], "mremap", "{me}");
        return;
    }
    assert_eq!(me["outcome"]["kind"], "ok", "root's CAP_IPC_LOCK: {me}");
    let r = as_nobody(&sets);
    assert_eq!(r["privileged"], false);
    assert_eq!(r["outcome"]["errno"], "EAGAIN", "{r}");
    assert_eq!(r["outcome"]["call"], "mremap", "{r}");
}

/// Run the binary with `args` as `nobody` (uid and gid 65534) and read its JSON.
fn as_nobody(args: &[&str]) -> Value {
    let setpriv = nobody_support::program("setpriv").expect("setpriv (probed by build.rs)");
    // A copy of the binary where `nobody` can execute it, with a temp dir it can write.
    let (dir, bin) = nobody_support::copy_for_anyone(&assert_cmd::cargo::cargo_bin("mmap-lab"));
    let out = nobody_support::output_once_not_busy(|| {
        let mut run = std::process::Command::new(&setpriv);
        run.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin)
            .args(args)
            .env("TMPDIR", dir.path());
        run
    });
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any text after `--set` either runs (exit 0) or is refused with exit 2 and a message
    /// naming what was wrong; the program never panics.
    #[test]
    fn any_set_text_exits_0_or_2_with_a_message(
        key in prop::sample::select(vec![
            "file", "file_size", "open", "addr", "length", "offset", "prot", "flags", "close_fd",
            "access", "mprotect", "munmap_shift", "munmap_length", "rlimit_as", "guard", "nope", "",
            "msync_flags", "advice", "mremap_flags", "new_length", "mprotect_length",
        ]),
        value in "[^\\x00]{0,24}",
    ) {
        let set = format!("{key}={value}");
        let out = lab().args(["run", "playground", "--json", "--set", &set]).output().expect("runs");
        let code = out.status.code();
        let err = String::from_utf8_lossy(&out.stderr);
        prop_assert!(!err.contains("panicked"), "{set:?}: {err}");
        prop_assert!(code == Some(0) || code == Some(2), "{set:?}: {code:?} {err}");
        if code == Some(2) {
            prop_assert!(err.contains("mmap-lab:"), "{set:?}: {err}");
        }
    }
}

#[test]
fn help_speaks_the_chosen_language() {
    let out = lab()
        .args(["--lang", "zh", "--help"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("按课程顺序列出所有场景") && text.contains("用法"),
        "{text}"
    );
    let out = lab()
        .env("LANG", "zh_CN.UTF-8")
        .args(["run", "--help"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("修改一个参数"));
    let out = lab().args(["--help"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("List the scenarios in lesson order"));
}

/// Every example of every scenario's help can be pasted into a shell: a value with a `|` is
/// quoted (unquoted, the shell makes a pipe of it), in both languages.
#[test]
fn help_examples_quote_every_pipe() {
    for s in mmap_lab_engine::catalog::all() {
        for lang in ["en", "zh"] {
            let out = lab()
                .args(["--lang", lang, "run", s.id, "--help"])
                .output()
                .expect("runs");
            let text = String::from_utf8_lossy(&out.stdout);
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("mmap-lab "))
            {
                let outside: String = line.split('\'').step_by(2).collect();
                assert!(
                    !outside.contains('|'),
                    "{} {lang}: unquoted | in {line}",
                    s.id
                );
            }
        }
    }
    let out = lab()
        .args(["run", "anonymous-ipc", "--help"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("mmap-lab run anonymous-ipc --set 'flags=MAP_PRIVATE|MAP_ANONYMOUS'"));
}

/// Both languages' help come from the one strings table, so they say the same thing: `list`
/// has no `--all`, and neither help says it has.
#[test]
fn help_texts_come_from_one_table_in_both_languages() {
    let en = lab().args(["list", "--help"]).output().expect("runs");
    let zh = lab()
        .args(["--lang", "zh", "list", "--help"])
        .output()
        .expect("runs");
    let (en, zh) = (
        String::from_utf8_lossy(&en.stdout),
        String::from_utf8_lossy(&zh.stdout),
    );
    assert!(en.contains("Print one JSON array"), "{en}");
    assert!(zh.contains("输出一个 JSON 数组"), "{zh}");
    assert!(!en.contains("--all") && !zh.contains("--all"), "{en}\n{zh}");
}

/// Every help text, in both languages, fits 60 and 80 columns (`COLUMNS` when the output is
/// no terminal, as in a pipe): clap's options, the keys and examples after them, and the
/// Chinese frame (`[可选值：…]`, `[选项]`, the `help` subcommand's line) entirely in Chinese.
#[test]
fn help_fits_60_and_80_columns_in_both_languages() {
    let helps: [&[&str]; 7] = [
        &["--help"],
        &["run", "--help"],
        &["run", "unaligned-offset", "--help"],
        &["c", "--help"],
        &["progress", "--help"],
        &["completions", "--help"],
        &["list", "--help"],
    ];
    for width in [60, 80] {
        for lang in ["en", "zh"] {
            for args in helps {
                let out = lab()
                    .env("COLUMNS", width.to_string())
                    .args(args)
                    .args(["--lang", lang])
                    .output()
                    .expect("runs");
                assert_eq!(out.status.code(), Some(0), "{args:?}");
                let text = String::from_utf8_lossy(&out.stdout);
                for line in text.lines() {
                    let w = mmap_lab_engine::lesson::width(line);
                    assert!(
                        w <= width,
                        "{args:?} --lang {lang} at {width}: {w} columns: {line}\n{text}"
                    );
                }
                if lang == "zh" {
                    for english in ["possible values", "OPTIONS", "COMMAND", "Print this"] {
                        assert!(!text.contains(english), "{args:?}: {english}\n{text}");
                    }
                }
            }
        }
    }
    // Without a terminal and without COLUMNS: 100 columns, the width of a man page reader.
    let out = lab()
        .env_remove("COLUMNS")
        .args(["run", "--help"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let widest = text.lines().map(mmap_lab_engine::lesson::width).max();
    assert!(
        widest.is_some_and(|w| w <= 100 && w > 80),
        "{widest:?}\n{text}"
    );
}

/// The lab's own options are listed where they act and refused elsewhere with one message,
/// before or after the subcommand; `run` takes `--ascii`, `progress` the state file.
#[test]
fn lab_options_act_where_they_are_listed_and_nowhere_else() {
    let run_help = lab().args(["run", "--help"]).output().expect("runs");
    let run_help = String::from_utf8_lossy(&run_help.stdout);
    for absent in ["--presenter", "--theme", "--mouse", "--state", "--no-state"] {
        assert!(
            !run_help.contains(absent),
            "{absent} in run --help:\n{run_help}"
        );
    }
    assert!(run_help.contains("--ascii"), "{run_help}");
    let progress_help = lab().args(["progress", "--help"]).output().expect("runs");
    let progress_help = String::from_utf8_lossy(&progress_help.stdout);
    assert!(progress_help.contains("--state"), "{progress_help}");
    assert!(!progress_help.contains("--presenter"), "{progress_help}");
    for (args, flag, also) in [
        (&["man", "--presenter"][..], "--presenter", None),
        (&["--presenter", "man"], "--presenter", None),
        (
            &["run", "3", "--state", "x.json"],
            "--state",
            Some("progress"),
        ),
        (
            &["--state", "x.json", "run", "3"],
            "--state",
            Some("progress"),
        ),
        (
            &["explain", "3", "--no-state"],
            "--no-state",
            Some("progress"),
        ),
        (&["list", "--ascii"], "--ascii", Some("run")),
    ] {
        let out = lab().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let command = args
            .iter()
            .find(|a| !a.starts_with('-') && !a.ends_with(".json"));
        assert!(
            err.contains(&format!(
                "`{flag}` is not an option of `{}`",
                command.unwrap()
            )) && err.contains("interactive lab")
                && also.is_none_or(|a| err.contains(&format!("`{a}`"))),
            "{args:?}: {err}"
        );
    }
    let state = tempfile::tempdir().expect("a temporary directory");
    let file = state.path().join("state.json");
    let file = file.to_str().expect("UTF-8");
    for args in [
        &["progress", "--state", file][..],
        &["--state", file, "progress"],
    ] {
        let out = lab().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(file),
            "{args:?}"
        );
    }
}

#[test]
fn a_repeated_run_counts_its_runs_and_its_c_program_loops_itself() {
    let record = json(&["run", "anonymous-ipc", "--set", "repeat=4", "--json"]);
    let tally = &record["tally"];
    assert_eq!(tally["runs"].as_array().map(Vec::len), Some(4), "{record}");
    assert_eq!(tally["saw_text"], 4, "the pipe orders every run: {record}");
    let out = lab()
        .args([
            "c",
            "anonymous-ipc",
            "--set",
            "sync=none",
            "--set",
            "repeat=7",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    // The program runs the experiment 7 times itself (run and counted in tests/agreement.rs):
    // no shell loop to paste, nothing on stderr.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("/*") && stdout.contains("static const int tally_runs = 7;"),
        "{stdout}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let refused = lab()
        .args(["run", "anonymous-ipc", "--set", "repeat=1001"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("at most 1000"));
}
