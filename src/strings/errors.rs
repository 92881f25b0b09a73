//! Errors a user meets on the command line and from the environment: bad `--set`, clap's
//! messages, refused sizes, a temporary directory that cannot hold a run, input files.

use mmap_lab_engine::params::Key;
use mmap_lab_engine::Lang;

use super::S;

/// `(English, Chinese)` of this file's strings; `None` for the others' (see [`S::pair`]).
pub(super) fn pair(s: S) -> Option<(&'static str, &'static str)> {
    Some(match s {
        S::NeedsTerminal => (
            "mmap-lab's interactive lab needs a terminal (stdin and stdout must be a TTY). \
             Without one, use: mmap-lab list | run ID | run --all | explain ID | c ID",
            "mmap-lab 的交互界面需要在终端里运行（标准输入和输出都必须是 TTY）。\
             没有终端时请用：mmap-lab list | run ID | run --all | explain ID | c ID",
        ),
        S::UnknownScenario => ("unknown scenario", "没有这个场景"),
        S::KnownScenarios => ("known scenarios", "已有的场景"),
        S::BadSet => ("bad --set value", "--set 的值有误"),
        S::Accepted => ("accepted", "可以接受的是"),
        S::ScenarioTakes => ("this scenario takes", "这个场景可设置的参数"),
        S::NotKeyValue => ("expected KEY=VALUE, got", "应写成 KEY=VALUE，实际得到"),
        S::UnknownKey => ("unknown key", "未知的参数名"),
        S::Interrupted => ("(interrupted)", "（被打断）"),
        S::InternalError => ("internal error", "内部错误"),
        S::OutputFailed => ("cannot write the output", "无法写出输出"),
        S::NotUtf8 => ("an argument is not valid UTF-8", "有一个参数不是有效的 UTF-8"),
        S::ScenarioWithCommand => (
            "`--scenario` opens the lab at a lesson; it cannot go with a subcommand (use `run ID` or `explain ID`)",
            "`--scenario` 用于在某一课打开实验室，不能与子命令一起使用（请用 `run ID` 或 `explain ID`）",
        ),
        S::RemovedLeftovers => (
            "removed {n} temporary {directories} left in {dir} by runs that ended abruptly: {names}",
            "已删除异常结束的运行在 {dir} 中留下的 {n} 个临时目录：{names}",
        ),
        S::HelpAllowLarge => (
            "Lift the 1 GiB limit on MAP_POPULATE and MAP_LOCKED lengths and on mmap-copy's size",
            "解除 1 GiB 的限制（MAP_POPULATE、MAP_LOCKED 的长度和 mmap-copy 的大小）",
        ),
        S::TooLargeWith => (
            "`{key}={value}` ({size}) with {flag} would take that much memory at once, and the kernel accepts a mapping this long: above the lab's limit of 1 GiB; add `--allow-large` to run it anyway (a length the kernel refuses by itself runs without it, to show the kernel's answer)",
            "`{key}={value}`（{size}）配合 {flag} 会一次占用这么多内存，而内核接受这么长的映射：超过了本实验室 1 GiB 的限制；确实要运行请加 `--allow-large`（内核自己会拒绝的长度无需此选项，照常运行并显示内核的回答）",
        ),
        S::TooLargeCopy => (
            "`{key}={value}` ({size}) is above the lab's limit of 1 GiB for a copy: it would write four times that to TMPDIR (the source and three copies); add `--allow-large` to run it anyway",
            "`{key}={value}`（{size}）超过了本实验室对拷贝 1 GiB 的限制：它会向 TMPDIR 写入四倍于此的数据（源文件和三份拷贝）；确实要运行请加 `--allow-large`",
        ),
        S::EnvironmentError => ("environment", "环境问题"),
        S::EnvTmpdirUnusable => (
            "TMPDIR={dir} is not a writable directory: point TMPDIR at one",
            "TMPDIR={dir} 不是可写的目录：请把 TMPDIR 指向一个可写的目录",
        ),
        S::EnvTmpdirFull => (
            "no space left in TMPDIR ({dir}): free some space there or point TMPDIR at a larger disk",
            "TMPDIR（{dir}）没有剩余空间：请腾出空间，或把 TMPDIR 指向更大的磁盘",
        ),
        S::EnvTmpdirFullCopy => (
            "no space left in TMPDIR ({dir}): a {size} copy needs {need} free (the source and three copies); free some space there, point TMPDIR at a larger disk or make `copy_size` smaller",
            "TMPDIR（{dir}）没有剩余空间：{size} 的拷贝需要 {need} 的可用空间（源文件和三份拷贝）；请腾出空间、把 TMPDIR 指向更大的磁盘，或调小 `copy_size`",
        ),
        S::EnvNoRoom => (
            "the run would write {need} to TMPDIR ({dir}), which has {free} free: nothing was written; free some space there or point TMPDIR at a larger disk",
            "这次运行要向 TMPDIR（{dir}）写入 {need}，但那里只剩 {free}：什么都没有写；请腾出空间，或把 TMPDIR 指向更大的磁盘",
        ),
        S::EnvNoRoomKnob => (
            "`{key}={value}` ({size}) would write {need} to TMPDIR ({dir}), which has {free} free: nothing was written; make `{key}` smaller, free some space there or point TMPDIR at a larger disk",
            "`{key}={value}`（{size}）要向 TMPDIR（{dir}）写入 {need}，但那里只剩 {free}：什么都没有写；请调小 `{key}`、腾出空间，或把 TMPDIR 指向更大的磁盘",
        ),
        S::EnvTooManyFiles => (
            "too many open files (limit {n}): raise the limit with `ulimit -n`",
            "打开的文件太多（上限 {n}）：请用 `ulimit -n` 调高上限",
        ),
        S::EnvNoProcess => (
            "cannot start a process: limit reached; end some processes or raise `ulimit -u`",
            "无法创建进程：已达上限；请结束一些进程，或用 `ulimit -u` 调高上限",
        ),
        S::EnvNoMemory => (
            "out of memory: a buffer of {n} bytes could not be allocated; free some memory",
            "内存不足：无法分配 {n} 字节的缓冲区；请释放一些内存",
        ),
        S::EnvNoMemoryData => (
            "out of memory: a buffer of {n} bytes could not be allocated under the data limit of {limit} (`ulimit -d`); raise it",
            "内存不足：在数据段上限 {limit}（`ulimit -d`）之下无法分配 {n} 字节的缓冲区；请调高该上限",
        ),
        S::EnvNoMemoryAs => (
            "out of memory: a buffer of {n} bytes could not be allocated under the address space limit of {limit} (`ulimit -v`); raise it",
            "内存不足：在地址空间上限 {limit}（`ulimit -v`）之下无法分配 {n} 字节的缓冲区；请调高该上限",
        ),
        S::EnvFileTooLarge => (
            "a file of the run would be larger than the file size limit of {limit} (`ulimit -f`): raise the limit or make the run's files smaller",
            "运行要写的文件会超过文件大小上限 {limit}（`ulimit -f`）：请调高上限，或调小运行的文件",
        ),
        // clap's error messages; `{arg}`, `{value}`, `{other}` are filled in.
        S::ClapError => ("error: ", "错误："),
        S::ClapInvalidValue => ("invalid value '{value}' for '{arg}'", "参数 '{arg}' 的值 '{value}' 无效"),
        S::ClapUnknownArgument => ("unexpected argument '{arg}' found", "无法识别的参数 '{arg}'"),
        S::ClapInvalidSubcommand => ("unrecognized subcommand '{arg}'", "无法识别的子命令 '{arg}'"),
        S::ClapConflict => ("the argument '{arg}' cannot be used with '{other}'", "参数 '{arg}' 不能与 '{other}' 一起使用"),
        S::ClapMissing => ("the following required arguments were not provided:", "缺少以下必需的参数："),
        S::ClapSimilarSubcommand => ("a similar subcommand exists:", "有一个相近的子命令："),
        S::ClapSimilarArgument => ("a similar argument exists:", "有一个相近的参数："),
        S::ClapMissingSubcommand => ("a subcommand is required", "需要一个子命令"),
        S::ClapOther => ("the command line is not valid: {arg}", "命令行无效：{arg}"),
        S::ClapTip => ("tip:", "提示："),
        S::ClapPossible => ("[possible values:", "[可选值："),
        S::ClapMoreInfo => ("For more information, try '--help'.", "更多信息请运行 '--help'。"),
        _ => return None,
    })
}

/// A knob that is shown but that this scenario does not let the student turn.
pub fn not_a_knob(key: Key, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "`{key}` is shown for reference: this scenario keeps it fixed \
             (every knob is free in playground)"
        ),
        Lang::Zh => format!("`{key}` 只是展示：本场景固定不变（在 playground 中所有参数都能改）"),
    }
}

/// The C library answered a call itself: `glibc refused this itself; the kernel never saw the
/// call`.
pub fn libc_refused(who: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{who} refused this itself; the kernel never saw the call"),
        Lang::Zh => format!("{who} 自己拒绝了这次调用，内核根本没有收到"),
    }
}

/// An offset the page map cannot line up with page boundaries.
pub fn unaligned(what: Key, value: i64, page: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{what} {value} is not a multiple of the page size {page}"),
        Lang::Zh => format!("{what} {value} 不是页大小 {page} 的整数倍"),
    }
}

/// A file the user named does not exist.
pub fn input_missing(lang: Lang) -> String {
    lang.pick("it does not exist", "文件不存在").to_string()
}

/// The system refused to read a file the user named: `said` is what it said (English, the
/// system's own words), `errno` its number. In Chinese, what the usual refusals mean, with
/// the errno's name; the system's words for the others.
pub fn input_refused(errno: Option<i32>, said: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return said.to_string();
    }
    let name = errno.map(|e| mmap_lab_engine::errnos::name(mmap_lab_engine::Errno::from_raw(e)));
    let gloss = match name.as_deref() {
        Some("EACCES" | "EPERM") => Some("没有读取它的权限"),
        Some("ELOOP") => Some("符号链接太多，可能成环"),
        Some("ENOTDIR") => Some("路径中有一段不是目录"),
        Some("ENAMETOOLONG") => Some("路径太长"),
        Some("EIO") => Some("读取时出了输入输出错误"),
        _ => None,
    };
    match (gloss, name) {
        (Some(gloss), Some(name)) => format!("{gloss}：{name}"),
        _ => format!("系统拒绝读取：{said}"),
    }
}

/// A file the user named is not a regular text file: `kind` as `crate::input` names it.
pub fn input_not_regular(kind: &str, lang: Lang) -> String {
    let (en, zh) = match kind {
        "directory" => ("a directory", "目录"),
        "fifo" => ("a FIFO (named pipe)", "FIFO（命名管道）"),
        "char" => ("a character device", "字符设备"),
        "block" => ("a block device", "块设备"),
        "socket" => ("a socket", "套接字"),
        "binary" => ("a binary file", "二进制文件"),
        _ => ("a special file", "特殊文件"),
    };
    match lang {
        Lang::En => format!("it is {en}, not a regular text file"),
        Lang::Zh => format!("它是{zh}，不是普通的文本文件"),
    }
}

/// A file the user named is larger than the lab reads.
pub fn input_too_big(size: u64, cap: u64, lang: Lang) -> String {
    let mib = cap >> 20;
    match lang {
        Lang::En => format!("it is {size} bytes, above the limit of {mib} MiB for this file"),
        Lang::Zh => format!("它有 {size} 字节，超过了此类文件 {mib} MiB 的上限"),
    }
}
