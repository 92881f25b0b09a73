//! Issue 9: every explanation true to the run. Each case asserts the kernel's answer (the
//! JSON record) and the lab's explanation of it, in both languages, through the real binary
//! (the CLI's layout: the main thread, as a student runs it).

use assert_cmd::Command;
use serde_json::Value;

fn lab(prefix: &[&str]) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("mmap-lab");
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    cmd
}

fn run_with(prefix: &[&str], args: &[&str]) -> (Value, String, String) {
    let get = |extra: &[&str]| {
        let out = lab(prefix)
            .arg("run")
            .args(args)
            .args(extra)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let json = serde_json::from_str(&get(&["--json"])).expect("JSON");
    (json, get(&[]), get(&["--lang", "zh"]))
}

fn run(args: &[&str]) -> (Value, String, String) {
    run_with(&[], args)
}

/// The own region of kind `what` in a record.
fn own(record: &Value, what: &str) -> Option<(u64, u64)> {
    record["own_regions"]
        .as_array()?
        .iter()
        .find(|o| o["what"] == what)
        .map(|o| (o["start"].as_u64().unwrap(), o["end"].as_u64().unwrap()))
}

#[test]
fn munmap_of_the_tls_is_a_crash_of_the_process_own_code_caused_by_that_step() {
    // Where the TLS lies from the mapping, in this binary's layout (the same in every run:
    // both are placed top-down in the mmap area).
    let (first, _, _) = run(&["playground"]);
    let (tls, _) = own(&first, "thread-local-storage").expect("the child reports its TLS");
    let shift = tls as i64 - first["mapping_addr"].as_i64().unwrap();
    let shift = format!("munmap_shift={shift}");
    let (r, en, zh) = run(&["playground", "--set", &shift, "--set", "munmap_length=4096"]);
    let unmapped = &r["steps"][3];
    assert_eq!(unmapped["function"], "munmap");
    assert_eq!(unmapped["result"], "0", "{r}");
    assert_eq!(
        unmapped["touched"][0]["what"], "thread-local-storage",
        "the TLS is no longer where the first run put it: {unmapped}"
    );
    let o = &r["outcome"];
    assert_eq!(o["kind"], "signal", "{o}");
    assert_eq!(o["signal"], "SIGSEGV");
    assert_eq!(o["in_lab_code"], true, "{o}");
    assert_eq!(o["caused_by_step"], 3, "{o}");
    assert!(
        // Step 3 as shown: the lab's `/proc/self/maps` capture before it has no number.
        en.contains("SIGSEGV in the process's own code: step 3's munmap removed the process's thread-local storage"),
        "{en}"
    );
    assert!(
        en.contains("munmap also removed 1 page(s) of the process's thread-local storage"),
        "{en}"
    );
    assert!(
        zh.contains("SIGSEGV 发生在进程自己的代码里：第 3 步的 munmap 移除了进程的线程局部存储"),
        "{zh}"
    );
}

#[test]
fn a_touch_past_the_mapping_names_the_lab_signal_stack() {
    let (r, en, zh) = run(&[
        "out-of-bounds",
        "--set",
        "guard=false",
        "--set",
        "access=write@8192",
    ]);
    let target = r["mapping_addr"].as_u64().unwrap() + 8192;
    let (lo, hi) = own(&r, "signal-stack").expect("the child reports its signal stack");
    assert!(
        (lo..hi).contains(&target),
        "the signal stack {lo:#x}..{hi:#x} is not right above the mapping ({target:#x}): {r}"
    );
    assert!(lo < hi);
    assert_eq!(r["outcome"]["kind"], "ok", "{r}");
    let store = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["function"] == "store")
        .expect("the store");
    assert_eq!(store["touched"][0]["what"], "signal-stack");
    assert!(
        en.contains("this write landed in the lab's own signal stack, not in your mapping"),
        "{en}"
    );
    assert!(
        zh.contains("这次写入落在了mmap-lab 自己的信号栈里，而不是你的映射里"),
        "{zh}"
    );
}

#[test]
#[cfg_attr(
    not(has_setarch),
    ignore = "setarch -R is not available or not allowed here"
)]
fn map_fixed_over_the_lab_plan_is_clobbered_not_a_kernel_answer() {
    // Randomisation off (`setarch -R`: personality(ADDR_NO_RANDOMIZE)), the same knobs but
    // the address allocate the same: the plan is where the first run's child said it was.
    let norand = ["setarch", std::env::consts::ARCH, "-R"];
    let knobs = |addr: &str| {
        vec![
            "playground".to_string(),
            "--set".into(),
            format!("addr={addr}"),
            "--set".into(),
            "length=8192".into(),
            "--set".into(),
            "flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED".into(),
            "--set".into(),
            "file=anonymous".into(),
        ]
    };
    let first: Vec<String> = knobs("0x10000000");
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let (probe, _, _) = run_with(&norand, &first);
    let plan = probe["own_regions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["what"] == "plan")
        .map(|o| o["start"].as_u64().unwrap())
        .max()
        .expect("the plan's steps");
    let at = format!("{plan:#x}");
    let second = knobs(&at);
    let second: Vec<&str> = second.iter().map(String::as_str).collect();
    let (r, en, zh) = run_with(&norand, &second);
    let o = &r["outcome"];
    assert_eq!(o["kind"], "clobbered", "{r}");
    assert_eq!(o["what"], "plan");
    assert_eq!(o["step"], 0);
    // The kernel's answer to the step is real; nothing after it ran.
    assert_eq!(r["steps"][0]["result"], at);
    assert_eq!(r["steps"].as_array().unwrap().len(), 1, "{r}");
    // How many pages the mapping took from the lab depends on where the plan lies, which moves
    // with the checkout's path, the arguments and the environment (one page, or two when the plan
    // straddles a page boundary): the sentence must say the count the record has, whatever it is.
    let page = r["page_size"].as_u64().expect("page_size");
    let bytes = o["bytes"].as_u64().expect("outcome.bytes");
    assert_eq!(bytes % page, 0, "{r}");
    let pages = bytes / page;
    assert!(
        (1..=2).contains(&pages),
        "8192 bytes mapped, {pages} pages taken: {r}"
    );
    assert!(
        en.contains(&format!("step 1's mmap took away {pages} page(s) of the process's own memory, starting with the lab's plan")),
        "{en}"
    );
    assert!(
        zh.contains(&format!(
            "第 1 步的 mmap 夺走了进程自己的 {pages} 页内存，首先是mmap-lab 的执行计划"
        )),
        "{zh}"
    );
}

/// The `Rule:` line (`规则:`) of a text report.
fn rule(text: &str) -> &str {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("Rule: ")
                .or_else(|| l.strip_prefix("规则："))
        })
        .unwrap_or("")
}

#[test]
fn a_bad_descriptor_with_length_zero_is_not_the_lesson_case() {
    let (r, en, zh) = run(&["zero-length", "--set", "file=bad-fd"]);
    assert_eq!(r["outcome"]["errno"], "EBADF");
    assert_eq!(
        rule(&en),
        "not this lesson's case: the kernel checked the descriptor before the length: fd -1 is not open, so mmap fails with EBADF before it looks at anything else"
    );
    assert!(rule(&zh).starts_with("不是本课讲的情况：内核先检查文件描述符，再检查长度"));
    // The lesson's own case keeps an explanation of its own check.
    let (r, en, _) = run(&["zero-length"]);
    assert_eq!(r["outcome"]["errno"], "EINVAL");
    assert_eq!(
        rule(&en),
        "mmap's length is 0: the kernel refuses an empty mapping with EINVAL"
    );
}

#[test]
fn munmap_lengths_are_explained_by_the_check_that_refused_them() {
    let (r, en, zh) = run(&["playground", "--set", "munmap_length=0"]);
    assert_eq!(r["outcome"]["call"], "munmap");
    assert_eq!(r["outcome"]["errno"], "EINVAL");
    assert!(rule(&en).starts_with("munmap's length is 0"), "{en}");
    assert!(rule(&en).contains("alignment is not the reason"), "{en}");
    assert!(rule(&zh).starts_with("munmap 的长度是 0"), "{zh}");

    let (r, en, zh) = run(&[
        "munmap-shifted-pointer",
        "--set",
        "munmap_shift=0",
        "--set",
        "munmap_length=18446744073709551615",
    ]);
    assert_eq!(r["outcome"]["errno"], "EINVAL");
    assert!(
        rule(&en).contains("is aligned, but")
            && rule(&en).contains("runs past the end of the process's address space"),
        "{en}"
    );
    assert!(rule(&zh).contains("超出了进程地址空间的末尾"), "{zh}");

    // The lesson's case: a shift of 1, the address is what the kernel refused.
    let (r, en, _) = run(&["munmap-shifted-pointer"]);
    assert_eq!(r["outcome"]["errno"], "EINVAL");
    assert!(
        rule(&en).contains("is not a multiple of the page size"),
        "{en}"
    );
}

#[test]
fn the_filler_enomem_under_rlimit_as_is_named_on_mmap() {
    let (r, en, zh) = run(&[
        "playground",
        "--set",
        "exhaust_map_count=true",
        "--set",
        "rlimit_as=100M",
    ]);
    let filler = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["purpose"] == "exhaust-map-count")
        .expect("the filler");
    assert_eq!(filler["errno"], "ENOMEM", "{filler}");
    assert_eq!(filler["ret"], -1, "{filler}");
    assert!(
        rule(&en).starts_with("the ENOMEM came from mmap, not mprotect"),
        "{en}"
    );
    assert!(
        rule(&zh).starts_with("ENOMEM 来自 mmap，而不是 mprotect"),
        "{zh}"
    );
}

/// Run the lab three times (`--json`, English, Chinese) with `args`, its experiment's files
/// on a 64 KiB tmpfs filled up to the last byte, in a private mount namespace (`unshare -m`,
/// so nothing outside sees the mount, and it goes with the shell). The tests that use it are
/// ignored where mounting is not allowed (`can_mount`, probed by `build.rs`).
fn on_a_full_filesystem(args: &[&str]) -> (Value, String, String) {
    let bin = assert_cmd::cargo::cargo_bin("mmap-lab");
    let args = args.join(" ");
    let script = format!(
        "set -e; mount --make-rprivate / 2>/dev/null || true; D=$(mktemp -d); \
         trap 'umount \"$D\" 2>/dev/null; rmdir \"$D\"' EXIT; \
         mount -t tmpfs -o size=64k tmpfs \"$D\" || exit 77; \
         dd if=/dev/zero of=\"$D/fill\" bs=4096 2>/dev/null || true; \
         for l in '--json' '--lang en' '--lang zh'; do \
           TMPDIR=\"$D\" LANG=C.UTF-8 {bin} run {args} $l; echo '@@@'; done",
        bin = bin.display()
    );
    let out = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .output();
    let out = out.expect("unshare runs");
    assert!(
        out.status.success(),
        "no private tmpfs (unshare -m / mount: {}, {})",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let parts: Vec<&str> = text.split("@@@\n").collect();
    let json = serde_json::from_str(parts[0]).expect("JSON");
    (json, parts[1].to_string(), parts[2].to_string())
}

#[test]
#[cfg_attr(
    not(can_mount),
    ignore = "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"
)]
fn enospc_is_named_on_the_write_that_got_it() {
    let (r, en, zh) = on_a_full_filesystem(&["empty-new-file", "--set", "grow=lseek-write"]);
    let o = &r["outcome"];
    assert_eq!(o["errno"], "ENOSPC", "{r}");
    assert_eq!(o["call"], "write", "{o}");
    assert_eq!(r["fs_free_bytes"], 0, "{r}");
    assert!(
        en.contains("ENOSPC (28) from write")
            && rule(&en) == "not this lesson's case: write failed with ENOSPC: the filesystem of the experiment's files is full",
        "{en}"
    );
    assert!(
        rule(&zh).contains("write 以 ENOSPC 失败：实验文件所在的文件系统已满"),
        "{zh}"
    );
}

#[test]
#[cfg_attr(
    not(can_mount),
    ignore = "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"
)]
fn sigbus_inside_the_file_on_a_full_filesystem_is_not_past_its_end() {
    let (r, en, zh) = on_a_full_filesystem(&["empty-new-file", "--set", "grow=ftruncate"]);
    let o = &r["outcome"];
    assert_eq!(o["kind"], "signal", "{r}");
    assert_eq!(o["signal"], "SIGBUS");
    assert_eq!(o["ptr_offset"], 0);
    // The file was grown to a page: the page is inside it.
    assert_eq!(r["file_size_after"], r["page_size"], "{r}");
    assert!(
        en.contains("the page lies inside the file's")
            && en.contains("the filesystem could not provide it (0 bytes free)")
            && !en.contains("past the end of the file"),
        "{en}"
    );
    assert!(rule(&en).starts_with("not this lesson's case: "), "{en}");
    assert!(
        zh.contains("并不在文件末尾之后：文件系统无法提供这一页"),
        "{zh}"
    );
}
