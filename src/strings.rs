//! Every label, hint and message the program shows, in English and Chinese, in one table.
//! Lesson prose lives in `assets/lessons`; everything else a user reads is here.

use mmap_lab_engine::engine::Purpose;
use mmap_lab_engine::params::{Key, ParamError};
use mmap_lab_engine::{Lang, Signal, Topic};

/// One text of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is documented by its row in `S::pair`: the text itself
pub enum S {
    PageSize,
    Parameters,
    Steps,
    Outcome,
    Rule,
    MapsAfter,
    Privileged,
    PrivilegedNote,
    OkWord,
    OkBut,
    From,
    KilledBy,
    During,
    TimeoutWord,
    ClobberedWord,
    TimeoutAfter,
    FileUnchanged,
    FileChanged,
    ChildRead,
    ChildReadNothing,
    CopyIdentical,
    CopyDiffers,
    Throughput,
    CopyCold,
    CopyCost,
    CopyChart,
    Child,
    NeedsTerminal,
    UnknownScenario,
    KnownScenarios,
    BadSet,
    Accepted,
    ScenarioTakes,
    NotKeyValue,
    UnknownKey,
    Interrupted,
    InternalError,
    // Faults of the environment and the output.
    OutputFailed,
    NotUtf8,
    ScenarioWithCommand,
    RemovedLeftovers,
    HelpAllowLarge,
    TooLargeWith,
    TooLargeCopy,
    EnvironmentError,
    EnvTmpdirUnusable,
    EnvTmpdirFull,
    EnvTmpdirFullCopy,
    EnvNoRoom,
    EnvNoRoomKnob,
    EnvTooManyFiles,
    EnvNoProcess,
    EnvNoMemory,
    EnvNoMemoryData,
    EnvNoMemoryAs,
    EnvFileTooLarge,
    ClapError,
    ClapInvalidValue,
    ClapUnknownArgument,
    ClapInvalidSubcommand,
    ClapConflict,
    ClapMissing,
    ClapMissingSubcommand,
    ClapOther,
    ClapTip,
    ClapSimilarSubcommand,
    ClapSimilarArgument,
    ClapPossible,
    ClapMoreInfo,
    CHeader,
    NoMapsLines,
    HelpAbout,
    HelpScenario,
    HelpLang,
    HelpPresenter,
    HelpTheme,
    HelpAscii,
    HelpMouse,
    HelpList,
    HelpRun,
    HelpExplain,
    HelpC,
    HelpCMinimal,
    HelpId,
    HelpAll,
    HelpSet,
    HelpJson,
    HelpListJson,
    HelpUsage,
    HelpOptions,
    HelpArguments,
    HelpCommands,
    HelpHelp,
    HelpHelpCommand,
    HelpUsageOptions,
    HelpUsageCommand,
    HelpVersion,
    // Installing, configuring, reporting.
    HelpMan,
    HelpCompletions,
    HelpShell,
    HelpConfig,
    HelpFormat,
    HelpKeysHeading,
    HelpKeysHint,
    HelpScenarioKeys,
    HelpExamples,
    HelpExampleRun,
    HelpExampleMd,
    HelpExampleC,
    HelpDefault,
    HelpEnvironment,
    HelpFiles,
    HelpExitStatus,
    HelpExit0,
    HelpExit1,
    HelpExit2,
    HelpEnvLang,
    HelpEnvTheme,
    HelpEnvAscii,
    HelpEnvState,
    HelpEnvNoColor,
    HelpEnvTerm,
    HelpEnvColumns,
    HelpEnvLocale,
    HelpEnvXdg,
    HelpEnvTmpdir,
    HelpFileState,
    HelpExitSignal,
    HelpAuthors,
    HelpAuthorsText,
    HelpManName,
    HelpManSynopsis,
    HelpManDescription,
    HelpManVersion,
    HelpSeeAlso,
    HelpSeeAlsoJson,
    HelpFileConfig,
    HelpAsciiText,
    HelpAsciiRun,
    OnlyInLab,
    OnlyInLabOr,
    DidYouMean,
    OrLessonNumber,
    CfgFile,
    CfgFound,
    CfgNotFound,
    CfgEnvironment,
    CfgInForce,
    CfgPrecedence,
    CfgSet,
    CfgUnset,
    CfgBadValue,
    CfgUnknownKey,
    CfgUnreadable,
    CfgUsingDefault,
    CfgUsingDefaults,
    CfgExample,
    SrcCommandLine,
    SrcEnvironment,
    SrcFile,
    SrcLocale,
    SrcDefault,
    Question,
    MdKey,
    MdValue,
    MdHex,
    MdDecimal,
    MdCall,
    MdResult,
    MdProducedBy,
    Elapsed,
    Reproduce,
    // The interactive lab.
    Scenarios,
    TheCall,
    PageMap,
    Lesson,
    Findings,
    /// The label of the evidence line: the value that answers the scenario's question.
    Evidence,
    Help,
    HelpHere,
    HelpEverywhere,
    HelpEditor,
    HelpClose,
    CmdMove,
    CmdScroll,
    CmdPage,
    CmdTopBottom,
    CmdNextPane,
    CmdSidePane,
    CmdRun,
    CmdStep,
    CmdChange,
    CmdToggle,
    CmdType,
    CmdReset,
    CmdScenario,
    CmdLang,
    CmdTheme,
    CmdPresenter,
    CmdHelp,
    CmdCopy,
    CmdQuit,
    CmdClose,
    CmdEscape,
    CmdApply,
    CmdCancel,
    CmdErase,
    CmdTypeChars,
    CmdFilter,
    CmdFilterSelect,
    CmdFilterClear,
    CmdFilterType,
    FilterNone,
    NotRunYet,
    Running,
    Stale,
    RunFailed,
    AlreadyRunning,
    NothingToCopy,
    ImeHint,
    ResetDone,
    EditHint,
    PressE,
    LookAt,
    Fixed,
    ThemeDark,
    ThemeLight,
    ThemeMono,
    LangName,
    Took,
    PmPage,
    PmFile,
    PmMapping,
    PmAnonymous,
    PmNoPages,
    PmEmpty,
    PmPtr,
    PmGap,
    PmAfter,
    PmCache,
    PmRefused,
    PmAsk,
    MapsChanges,
    MapsWas,
    WitnessKernel,
    HelpMachine,
    WitnessNoCall,
    /// A step's page state in the report: its label and its legend.
    Pages,
    PagesLegend,
    Parent,
    /// The course's texts, in their own table below.
    Course(C),
    SignalAt,
    HitMapping,
    HitGuard,
    HitOther,
    HitNothing,
    Changed,
    LastRun,
    TheQuestion,
    FoldedHint,
    CmdUnfold,
    NotRun,
    /// In the call pane: `{0}` calls left out for room.
    CallsHidden,
    More,
}

impl S {
    /// `(English, Chinese)`. Long by nature: the table itself, one row per string, kept in
    /// one match so that a string without its translation does not compile.
    fn pair(self) -> (&'static str, &'static str) {
        match self {
            S::Course(c) => c.pair(),
            S::PageSize => ("page size", "页大小"),
            S::Parameters => ("Parameters", "参数"),
            S::Steps => ("Steps", "步骤"),
            S::Outcome => ("Outcome", "结果"),
            S::Rule => ("Rule", "规则"),
            S::MapsAfter => ("/proc/self/maps after", "之后的 /proc/self/maps："),
            S::Privileged => ("privileged run (root)", "特权运行（root）"),
            S::PrivilegedNote => (
                "run as root: some answers differ for a normal user (e.g. MAP_LOCKED beyond \
                 RLIMIT_MEMLOCK gives EAGAIN to a normal user; root's CAP_IPC_LOCK lets it through)",
                "以 root 身份运行：有些结果对普通用户不同（例如超过 RLIMIT_MEMLOCK 的 MAP_LOCKED，\
                 普通用户得到 EAGAIN，root 凭 CAP_IPC_LOCK 能成功）",
            ),
            S::OkWord => ("OK", "成功"),
            S::OkBut => ("OK, but…", "成功，但…"),
            // `{0}` signal, `{1}` si_code, `{2}` `ptr + N` or the address, `{3}` what was there.
            S::SignalAt => ("{0} {1} at {2}: {3}", "{0} {1}，地址 {2}：{3}"),
            S::HitMapping => ("inside your mapping", "落在你的映射里"),
            S::HitGuard => (
                "the guard page just above your mapping",
                "落在映射正上方的保护页上",
            ),
            S::HitOther => ("another mapping of the process", "落在进程的另一个映射里"),
            S::HitNothing => ("nothing is mapped there", "那里什么都没有映射"),
            S::Changed => (
                "? the parameters changed: predict the answer, then press r",
                "？参数改过了：先预测结果，再按 r",
            ),
            S::LastRun => ("last run", "上次运行"),
            S::TheQuestion => ("The question", "问题"),
            S::FoldedHint => (
                "The rest of the lesson unfolds after the first run (or press Space here).",
                "其余的课文在第一次运行之后展开（也可以在这里按空格键）。",
            ),
            S::CmdUnfold => ("show the whole lesson", "展开整篇课文"),
            S::NotRun => ("did not run", "没有执行"),
            S::CallsHidden => ("{0} more call(s): see the outcome pane", "另有 {0} 个调用：见结果窗格"),
            // `{0}`: how many rows are below the pane's last one.
            S::More => ("↓ {0} more", "↓ 还有 {0} 项"),
            S::From => ("from", "来自"),
            S::KilledBy => ("killed by", "被信号杀死："),
            S::During => ("during step", "发生在步骤"),
            S::TimeoutWord => ("TIMEOUT", "超时"),
            S::ClobberedWord => ("CLOBBERED", "自我破坏"),
            S::TimeoutAfter => (
                "the experiment did not finish and was killed after",
                "实验没有结束，已在此时间后被终止：",
            ),
            S::FileUnchanged => (
                "the file is unchanged: the write stayed in a private copy",
                "文件没有变化：写入只落在私有副本里",
            ),
            S::FileChanged => ("the write reached the file", "写入已经到达文件"),
            S::ChildRead => ("the child read", "子进程读到"),
            S::ChildReadNothing => (
                "the child read nothing: its copy of the page is still zeros",
                "子进程什么也没读到：它那份页面仍然全是 0",
            ),
            S::CopyIdentical => (
                "the copy is identical, byte for byte",
                "副本与原文件逐字节完全相同",
            ),
            S::CopyDiffers => ("the copy differs at byte", "副本与原文件不同，位置："),
            S::Throughput => ("Throughput (MiB/s)", "吞吐量（MiB/s）"),
            S::CopyCold => (
                "First, cold run, left out of the medians (MiB/s)",
                "第一次（冷）运行，不计入中位数（MiB/s）",
            ),
            S::CopyCost => (
                "Cost of one run (median): minor page faults / major / system calls",
                "每次运行的开销（中位数）：次要缺页 / 主要缺页 / 系统调用",
            ),
            S::CopyChart => (
                "MiB/s, median of {n} runs · min–max",
                "MiB/s，{n} 次运行的中位数 · 最小–最大",
            ),
            S::Child => ("child", "子进程"),
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
            S::CHeader => (
                "An equivalent C program, generated by mmap-lab",
                "与实验等价的 C 程序，由 mmap-lab 生成",
            ),
            S::NoMapsLines => ("(no lines near the mapping)", "（映射附近没有行）"),
            S::HelpAbout => (
                "mmap-lab: run the failure cases of mmap(2) and munmap(2) against the real kernel",
                "mmap-lab：在真实的内核上运行 mmap(2) 和 munmap(2) 的各种出错情形",
            ),
            S::HelpScenario => ("Open the lab on this scenario", "打开实验室时选中这个场景"),
            S::HelpLang => (
                "Language of everything shown (default: from LC_ALL / LANG)",
                "界面语言（默认取自 LC_ALL / LANG）",
            ),
            S::HelpPresenter => (
                "Presenter mode: the call and the outcome in huge letters, for a projector",
                "演示模式：用大字显示调用和结果，适合投影",
            ),
            S::HelpTheme => ("Colour theme (NO_COLOR set means mono)", "配色主题（设置了 NO_COLOR 时为 mono）"),
            S::HelpAscii => (
                "Draw borders with + - | for terminals that draw box characters two cells wide",
                "用 + - | 画边框，适用于把制表符画成两格宽的终端",
            ),
            S::HelpMouse => (
                "Capture the mouse: click to select, wheel to scroll (stops the terminal's own \
                 text selection while the lab runs)",
                "启用鼠标：点击选择，滚轮滚动（运行期间终端自己的文字选择将不可用）",
            ),
            S::HelpList => ("List the scenarios in lesson order", "按课程顺序列出所有场景"),
            S::HelpRun => (
                "Run a scenario (or all of them) and show what the kernel answered",
                "运行一个场景（或全部场景），显示内核的回答",
            ),
            S::HelpExplain => ("Print a scenario's lesson", "打印一个场景的讲解"),
            S::HelpC => ("Print an equivalent C program", "打印一个等价的 C 程序"),
            S::HelpCMinimal => (
                "The shortest C program making the same calls (no harness, at most 60 lines, \
                 for notes): same last line; where the lab reports a signal, it dies of it",
                "打印做同样调用的最短 C 程序（没有测试框架，不超过 60 行，适合抄进笔记）：\
                 最后一行相同；如果 mmap-lab 报告的是信号，程序就直接被它杀死",
            ),
            S::HelpId => ("The scenario id (see `list`)", "场景 id（见 `list`）"),
            S::HelpAll => ("Run every scenario with its defaults", "用默认参数运行所有场景"),
            S::HelpSet => (
                "Change a parameter: KEY=VALUE (repeatable)",
                "修改一个参数：KEY=VALUE（可重复使用）",
            ),
            S::HelpJson => ("Print JSON (an array with --all)", "输出 JSON（配合 --all 时为数组）"),
            S::HelpListJson => ("Print one JSON array", "输出一个 JSON 数组"),
            S::HelpUsage => ("Usage:", "用法："),
            S::HelpOptions => ("Options", "选项"),
            S::HelpArguments => ("Arguments", "参数"),
            S::HelpCommands => ("Commands", "命令"),
            S::HelpHelp => ("Print help", "显示帮助"),
            S::HelpHelpCommand => (
                "Print this message or the help of the given subcommand(s)",
                "显示这份帮助，或给定子命令的帮助",
            ),
            S::HelpUsageOptions => ("OPTIONS", "选项"),
            S::HelpUsageCommand => ("COMMAND", "命令"),
            S::HelpVersion => ("Print version", "显示版本"),
            S::HelpMan => (
                "Print the manual page (roff: read it with `mmap-lab man | man -l -`)",
                "输出手册页（roff 格式：用 `mmap-lab man | man -l -` 阅读）",
            ),
            S::HelpCompletions => (
                "Print a shell completion script: scenario ids, --set keys and their values",
                "输出 shell 补全脚本：场景 id、--set 参数名及其取值",
            ),
            S::HelpShell => ("The shell: bash, zsh or fish", "shell 类型：bash、zsh 或 fish"),
            S::HelpConfig => (
                "Show where the settings are read from and which are in force",
                "显示设置从哪里读取，以及当前生效的设置",
            ),
            S::HelpFormat => (
                "Output format: text (the default), md (a Markdown report) or json",
                "输出格式：text（默认）、md（Markdown 报告）或 json",
            ),
            S::HelpKeysHeading => ("Keys (--set KEY=VALUE):", "参数（--set 参数名=值）："),
            S::HelpKeysHint => (
                "`mmap-lab run ID --help` lists the keys of scenario ID with their values and defaults.",
                "`mmap-lab run ID --help` 列出场景 ID 可设置的参数、取值和默认值。",
            ),
            S::HelpScenarioKeys => ("Keys of", "可设置的参数："),
            S::HelpExamples => ("Examples:", "示例："),
            S::HelpExampleRun => ("run it with another offset", "换一个偏移量再运行"),
            S::HelpExampleMd => ("a Markdown report for your notes", "生成 Markdown 报告，放进实验报告"),
            S::HelpExampleC => ("the same experiment in C", "同一个实验的 C 程序"),
            S::HelpDefault => ("default", "默认"),
            S::HelpEnvironment => ("ENVIRONMENT", "环境变量"),
            S::HelpFiles => ("FILES", "文件"),
            S::HelpExitStatus => ("EXIT STATUS", "退出码"),
            S::HelpExit0 => (
                "the command did its work (for run: the experiment ran, whatever the kernel answered)",
                "命令完成了工作（对 run 而言：实验运行了，不论内核如何回答）",
            ),
            S::HelpExit1 => ("the lab itself failed", "实验室程序自身出错"),
            S::HelpExit2 => (
                "a usage error, a bad --set value, or no terminal for the interactive lab",
                "用法错误、--set 的值有误，或交互式实验室没有终端",
            ),
            S::HelpEnvLang => (
                "en or zh: the language (else the config file, else LC_ALL, LC_MESSAGES, LANG)",
                "en 或 zh：界面语言（未设置时看配置文件，再看 LC_ALL、LC_MESSAGES、LANG）",
            ),
            S::HelpEnvTheme => ("dark, light or mono: the lab's colours", "dark、light 或 mono：实验室的配色"),
            S::HelpEnvAscii => (
                "1 or 0 (true/false, yes/no): borders and marks in plain ASCII",
                "1 或 0（true/false、yes/no）：边框和标记只用 ASCII 字符",
            ),
            S::HelpEnvState => (
                "the state file, as --state FILE gives it",
                "状态文件，与 --state FILE 相同",
            ),
            S::HelpEnvNoColor => (
                "set and not empty: no colour at all, only bold, reverse and underline (the mono theme), unless a theme is named (--theme, MMAP_LAB_THEME, the config file)",
                "设置且不为空：完全不用颜色，只用粗体、反显和下划线（mono 主题），除非指定了主题（--theme、MMAP_LAB_THEME 或配置文件）",
            ),
            S::HelpEnvTerm => (
                "how many colours the terminal shows: COLORTERM=truecolor or 24bit for 24-bit colour, a TERM ending in -256color for 256, any other TERM for 16",
                "终端能显示多少种颜色：COLORTERM=truecolor 或 24bit 为 24 位色，TERM 以 -256color 结尾为 256 色，其他 TERM 为 16 色",
            ),
            S::HelpEnvColumns => (
                "the width of --help when the output is not a terminal (else 100 columns)",
                "输出不是终端时 --help 的宽度（未设置时为 100 列）",
            ),
            S::HelpEnvLocale => (
                "the language when neither --lang, MMAP_LAB_LANG nor the config file says: zh_* means Chinese",
                "--lang、MMAP_LAB_LANG 和配置文件都没有指定时决定界面语言：zh_* 表示中文",
            ),
            S::HelpEnvXdg => (
                "where the config file and the state file are (default ~/.config and ~/.local/state)",
                "配置文件和状态文件所在的目录（默认 ~/.config 和 ~/.local/state）",
            ),
            S::HelpEnvTmpdir => (
                "where each experiment makes its temporary directory (default /tmp); what a killed run left there is removed at the next start",
                "每个实验在这里创建临时目录（默认 /tmp）；被杀死的运行留下的东西会在下次启动时删除",
            ),
            S::HelpFileState => (
                "progress: runs, variants tried, predictions; `mmap-lab progress` shows it",
                "进度：运行次数、试过的变体、预测结果；`mmap-lab progress` 可查看",
            ),
            S::HelpExitSignal => (
                "ended by signal N (SIGINT, SIGTERM, SIGHUP), after removing what the run had made",
                "被信号 N（SIGINT、SIGTERM、SIGHUP）结束，结束前已删除运行创建的东西",
            ),
            S::HelpAuthors => ("AUTHORS", "作者"),
            S::HelpAuthorsText => (
                "Written by the mmap-lab contributors; the source's history (git log) names each of them.",
                "由 mmap-lab 的贡献者编写；源代码的提交历史（git log）列出了每一位。",
            ),
            S::HelpManName => ("NAME", "名称"),
            S::HelpManSynopsis => ("SYNOPSIS", "用法"),
            S::HelpManDescription => ("DESCRIPTION", "描述"),
            S::HelpManVersion => ("VERSION", "版本"),
            S::HelpSeeAlso => ("SEE ALSO", "另请参阅"),
            S::HelpSeeAlsoJson => (
                "docs/json.md and docs/schema/ in the source: every field of the --json output",
                "源代码中的 docs/json.md 和 docs/schema/：--json 输出的每个字段",
            ),
            S::HelpFileConfig => (
                "settings: lang, theme, ascii, mouse, presenter, copy (markdown or text); `mmap-lab config` shows them",
                "设置项：lang、theme、ascii、mouse、presenter、copy（markdown 或 text）；`mmap-lab config` 可查看",
            ),
            S::HelpAsciiText => (
                "Plain ASCII: + - | borders in the lab, v x ! @ * for ✔ ✘ ⚡ ⌛ ⚠ (the lab and run's text)",
                "只用 ASCII：实验室用 + - | 画边框，实验室和 run 的文本用 v x ! @ * 代替 ✔ ✘ ⚡ ⌛ ⚠",
            ),
            S::HelpAsciiRun => (
                "Plain ASCII marks: v x ! @ * for ✔ ✘ ⚡ ⌛ ⚠",
                "只用 ASCII 标记：用 v x ! @ * 代替 ✔ ✘ ⚡ ⌛ ⚠",
            ),
            S::OnlyInLab => (
                "only applies to the interactive lab (mmap-lab without a subcommand)",
                "只用于交互式实验室（不带子命令的 mmap-lab）",
            ),
            S::OnlyInLabOr => (
                "only applies to the interactive lab (mmap-lab without a subcommand) and to `{command}`",
                "只用于交互式实验室（不带子命令的 mmap-lab）和 `{command}`",
            ),
            S::DidYouMean => ("did you mean", "你是不是想输入"),
            S::OrLessonNumber => ("or a lesson number", "或课程序号"),
            S::CfgFile => ("config file", "配置文件"),
            S::CfgFound => ("found", "已找到"),
            S::CfgNotFound => ("not found", "不存在"),
            S::CfgEnvironment => ("environment", "环境变量"),
            S::CfgInForce => ("in force", "当前生效"),
            S::CfgPrecedence => (
                "the command line wins over the environment, which wins over the file",
                "命令行优先于环境变量，环境变量优先于配置文件",
            ),
            S::CfgSet => ("set", "已设置"),
            S::CfgUnset => ("not set", "未设置"),
            S::CfgBadValue => ("bad value", "无效的值"),
            S::CfgUnknownKey => ("unknown key", "未知的设置项"),
            S::CfgUnreadable => ("not valid TOML", "不是有效的 TOML"),
            S::CfgUsingDefault => ("using the default", "改用默认值"),
            S::CfgUsingDefaults => ("using the defaults", "全部改用默认值"),
            S::CfgExample => ("an example file", "配置文件示例"),
            S::SrcCommandLine => ("command line", "命令行"),
            S::SrcEnvironment => ("environment", "环境变量"),
            S::SrcFile => ("config file", "配置文件"),
            S::SrcLocale => ("locale", "区域设置"),
            S::SrcDefault => ("default", "默认值"),
            S::Question => ("Question", "问题"),
            S::MdKey => ("key", "参数"),
            S::MdValue => ("value", "值"),
            S::MdHex => ("hex", "十六进制"),
            S::MdDecimal => ("decimal", "十进制"),
            S::MdCall => ("call", "调用"),
            S::MdResult => ("result", "结果"),
            S::MdProducedBy => ("Produced by", "生成工具："),
            S::Elapsed => ("elapsed", "用时"),
            S::Reproduce => ("run again with", "重新运行"),
            S::Scenarios => ("Scenarios", "场景"),
            S::TheCall => ("The call", "调用"),
            S::PageMap => ("Page map", "页面图"),
            S::Lesson => ("Lesson", "讲解"),
            S::Findings => ("Findings", "发现"),
            S::Evidence => ("Evidence", "证据"),
            S::Help => ("Help", "帮助"),
            S::HelpHere => ("Keys in this pane", "当前窗格的按键"),
            S::HelpEverywhere => ("Keys everywhere", "全局按键"),
            S::HelpEditor => ("While typing a value", "输入数值时"),
            S::HelpClose => ("Esc or q closes this help", "按 Esc 或 q 关闭帮助"),
            S::CmdMove => ("move", "移动"),
            S::CmdScroll => ("scroll", "滚动"),
            S::CmdPage => ("page up / down", "翻页"),
            S::CmdTopBottom => ("top / bottom", "顶部 / 底部"),
            S::CmdNextPane => ("next / previous pane", "下一个 / 上一个窗格"),
            S::CmdSidePane => ("previous / next pane", "上一个 / 下一个窗格"),
            S::CmdRun => ("run", "运行"),
            S::CmdStep => ("step / back", "单步 / 后退"),
            S::CmdChange => ("change", "修改"),
            S::CmdToggle => ("toggle", "切换"),
            S::CmdType => ("type a value", "输入数值"),
            S::CmdReset => ("defaults", "恢复默认值"),
            S::CmdScenario => ("next / previous scenario", "下一个 / 上一个场景"),
            S::CmdLang => ("English ⇄ 中文", "English ⇄ 中文"),
            S::CmdTheme => ("theme: dark, light, mono", "配色：深色、浅色、单色"),
            S::CmdPresenter => ("presenter mode", "演示模式"),
            S::CmdHelp => ("help", "帮助"),
            S::CmdCopy => ("copy the run", "复制运行结果"),
            S::CmdQuit => ("quit", "退出"),
            S::CmdEscape => (
                "close the help or the editor (never quits)",
                "关闭帮助或编辑框（不会退出）",
            ),
            S::CmdClose => ("close", "关闭"),
            S::CmdApply => ("apply", "确定"),
            S::CmdCancel => ("cancel", "取消"),
            S::CmdErase => ("erase", "删除"),
            S::CmdTypeChars => ("type: digits, 0x…, K/M/G", "输入：数字、0x…、K/M/G"),
            S::CmdFilter => ("filter", "筛选"),
            S::CmdFilterSelect => ("select", "选中"),
            S::CmdFilterClear => ("clear", "清除"),
            S::CmdFilterType => ("type: an id or a title", "输入：id 或标题的一部分"),
            S::FilterNone => ("no scenario matches", "没有匹配的场景"),
            S::NotRunYet => ("not run yet: predict the answer, then press r", "还没有运行：先预测结果，再按 r"),
            S::Running => ("running", "运行中"),
            S::Stale => ("the parameters changed since this run: r runs again", "这次运行之后参数改过了：按 r 重新运行"),
            S::RunFailed => ("the lab could not run the experiment", "实验没能运行"),
            S::AlreadyRunning => ("an experiment is still running: wait for it", "还有实验在运行，请稍候"),
            S::NothingToCopy => ("nothing to copy yet: run the scenario first (r)", "还没有可复制的结果：先按 r 运行"),
            S::ImeHint => ("that key came from an input method: switch it to English letters (often Shift) to use the keys", "这个按键来自中文输入法：请切换到英文字母（通常按 Shift）再使用快捷键"),
            S::ResetDone => ("parameters back to the scenario's defaults", "参数已恢复为本场景的默认值"),
            S::EditHint => (
                "type to replace, Enter applies, Esc cancels",
                "直接输入即替换，Enter 确定，Esc 取消",
            ),
            S::PressE => ("press e to type a value", "按 e 输入数值"),
            S::LookAt => ("look at", "请看"),
            // Not "constant": this scenario keeps the knob at its value (playground frees it).
            S::Fixed => ("(fixed here) ", "（本场景固定）"),
            S::ThemeDark => ("dark", "深色"),
            S::ThemeLight => ("light", "浅色"),
            S::ThemeMono => ("mono", "单色"),
            S::LangName => ("EN", "中文"),
            S::Took => ("took", "用时"),
            S::PmPage => ("page", "页"),
            S::PmFile => ("file", "文件"),
            S::PmMapping => ("mapping", "映射"),
            S::PmAnonymous => ("anonymous: no file, pages start as zeros", "匿名映射：没有文件，页面初始全为 0"),
            S::PmNoPages => ("this descriptor has no pages to map", "这个描述符没有可映射的页面"),
            S::PmEmpty => ("length 0: nothing to map", "长度为 0：没有可映射的内容"),
            S::PmPtr => ("ptr", "ptr"),
            S::PmGap => ("pages not drawn", "未画出的页"),
            S::PmAfter => ("after", "运行后"),
            S::PmCache => ("cache", "页缓存"),
            S::PmRefused => (
                "none: mmap refused the call, nothing is mapped",
                "没有：mmap 拒绝了这次调用，什么都没有映射",
            ),
            S::PmAsk => (
                "? the offset is not a multiple of the page size: what will mmap do?",
                "？偏移不是页大小的整数倍：mmap 会怎么做？",
            ),
            S::MapsChanges => (
                "- removed, + added, ~ changed",
                "- 被移除，+ 新出现，~ 有变化",
            ),
            S::MapsWas => ("was", "原为"),
            S::WitnessKernel => ("the kernel was asked", "内核收到的是"),
            S::HelpMachine => ("Where this lab runs", "本实验运行的环境"),
            S::WitnessNoCall => (
                "not a call: the CPU touched memory, no system call",
                "不是调用：CPU 直接访问内存，没有系统调用",
            ),
            S::Pages => ("pages", "页面"),
            S::PagesLegend => (
                "Pages after each step, as the kernel's page table says (/proc/PID/pagemap): F the file's page, A a private copy (anonymous, this process's alone), 0 the kernel's shared zero page (what a first read of fresh anonymous memory maps), S not this process's alone (shared memory, a page shared since a fork; the zero page too where the kernel cannot tell it apart, before Linux 6.7), · not in memory, s in swap; = / ≠ the child's page is the parent's frame / another frame; RSS from smaps.",
                "每步之后的页面，取自内核页表（/proc/PID/pagemap）：F 文件的页，A 私有副本（匿名，只属于本进程），0 内核共享的零页（首次读取新的匿名内存时映射的页），S 不只属于本进程（共享内存、fork 后共享的页；Linux 6.7 之前内核无法区分零页，零页也显示为 S），· 不在内存，s 在交换区；= / ≠ 子进程的页与父进程是同一物理页框 / 不同页框；RSS 取自 smaps。",
            ),
            S::Parent => ("parent", "父进程"),
        }
    }

    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
        lang.pick(en, zh)
    }
}

/// Why a size is refused (the limit on what an experiment may take at once).
pub fn too_large(big: &mmap_lab_engine::bounds::TooLarge, lang: Lang) -> String {
    let text = match big.flag {
        Some(_) => t(S::TooLargeWith, lang),
        None => t(S::TooLargeCopy, lang),
    };
    let size =
        crate::units::bytes_text(big.value.into()).unwrap_or_else(|| format!("{} B", big.value));
    text.replace("{key}", big.key.name())
        .replace("{value}", &big.value.to_string())
        .replace("{size}", &size)
        .replace("{flag}", big.flag.unwrap_or_default())
}

/// What a page holds after the run, for the page map's "after" row: the word, and a short
/// one (four cells at most) for narrow columns.
pub fn after_page(
    page: mmap_lab_engine::pagemap::AfterPage,
    lang: Lang,
) -> (&'static str, &'static str) {
    use mmap_lab_engine::pagemap::AfterPage;
    let (en, zh) = match page {
        AfterPage::Mapped => (("mapped", "map"), ("仍映射", "映射")),
        AfterPage::Leaked => (("leaked", "LEAK"), ("泄漏：仍映射", "泄漏")),
        AfterPage::Unmapped => (("unmapped", "gone"), ("已解除", "解除")),
        AfterPage::OtherGone => (("other's, gone", "LOST"), ("他人页被解除", "误删")),
        AfterPage::Other => (("other's", "used"), ("别人的", "他用")),
        AfterPage::Free => (("·", "·"), ("·", "·")),
    };
    lang.pick(en, zh)
}

/// Shorthand for [`S::get`].
pub fn t(s: S, lang: Lang) -> &'static str {
    s.get(lang)
}

/// A topic's name.
pub fn topic(topic: Topic, lang: Lang) -> &'static str {
    let (en, zh) = match topic {
        // Not 参数: that is the parameter pane's name beside it.
        Topic::Arguments => ("Arguments", "调用的实参"),
        Topic::TheFile => ("The file behind", "映射背后的文件"),
        Topic::Uses => ("Putting it to work", "实际应用"),
        Topic::Beyond => ("Beyond the notes", "课程笔记之外"),
        Topic::Free => ("Free play", "自由实验"),
    };
    lang.pick(en, zh)
}

/// Why the engine added a step the student did not ask for.
pub fn purpose(p: Purpose, lang: Lang) -> &'static str {
    let (en, zh) = match p {
        Purpose::GuardReserve => (
            "reserve the mapping's place with a guard page above it",
            "先占好映射的位置，上方留一页保护页",
        ),
        Purpose::GuardRelease => (
            "give back all but the guard page; the mapping is then asked for at this address",
            "只保留保护页，其余还回去；随后在这个地址上请求映射",
        ),
        Purpose::CheckFile => (
            "read the file back to see whether the write reached it",
            "重新读文件，看写入是否到达了文件",
        ),
        Purpose::Existing => (
            "a mapping to collide with (addr=existing)",
            "先建一个映射，用来制造冲突（addr=existing）",
        ),
        Purpose::ExhaustMapCount => (
            "fill the process up to vm.max_map_count",
            "把进程的映射数量填到 vm.max_map_count 上限",
        ),
        Purpose::Copy => ("timed copy", "计时的拷贝"),
        Purpose::Hole => (
            "unmap the page right after the mapping: nothing is mapped there now",
            "解除映射后面紧挨着的那一页：那里现在什么都没有映射",
        ),
        Purpose::NeighbourReserve => (
            "reserve room for the mapping and a neighbour right after it",
            "为映射和紧挨在它后面的邻居预留空间",
        ),
        Purpose::Marker => (
            "a byte to follow: after a move it is at the new address",
            "写一个字节作记号：搬家之后它在新地址上",
        ),
        Purpose::Neighbour => (
            "a neighbour right after the mapping: no room to grow in place",
            "紧挨在映射后面的邻居：映射没有原地变大的余地",
        ),
    };
    lang.pick(en, zh)
}

/// What a signal means here.
pub fn signal_text(signal: Option<Signal>, lang: Lang) -> &'static str {
    let (en, zh) = match signal {
        Some(Signal::SIGSEGV) => (
            "segmentation fault: the address is not mapped, or not with that access",
            "段错误：这个地址没有映射，或者映射不允许这种访问",
        ),
        Some(Signal::SIGBUS) => (
            "bus error: the page is mapped but lies past the end of the file",
            "总线错误：这一页在映射里，但位于文件末尾之后",
        ),
        _ => ("the process was killed by a signal", "进程被信号杀死"),
    };
    lang.pick(en, zh)
}

/// A bad `--set`, explained in `lang`.
pub fn param_error(err: &ParamError, lang: Lang) -> String {
    param_error_with(err, None, lang)
}

/// [`param_error`] with a "did you mean" for `suggestion` (a key, or a whole `KEY=VALUE`),
/// placed right after what was wrong, before the list of what is accepted.
pub fn param_error_with(err: &ParamError, suggestion: Option<&str>, lang: Lang) -> String {
    let hint = suggestion.map_or_else(String::new, |s| format!("{} ", did_you_mean(s, lang)));
    match err {
        ParamError::NotKeyValue(text) => format!("{} `{text}`", t(S::NotKeyValue, lang)),
        ParamError::UnknownKey { key, known } => {
            format!(
                "{} `{key}`; {hint}{}: {known}",
                t(S::UnknownKey, lang),
                t(S::Accepted, lang)
            )
        }
        ParamError::NotAccepted {
            scenario,
            key,
            accepted,
        } => match lang {
            Lang::En => format!(
                "scenario `{scenario}` does not take `{key}`; {hint}{}: {accepted}",
                t(S::ScenarioTakes, lang)
            ),
            Lang::Zh => format!(
                "场景 `{scenario}` 不接受参数 `{key}`；{hint}{}：{accepted}",
                t(S::ScenarioTakes, lang)
            ),
        },
        ParamError::BadValue {
            key,
            value,
            expected,
        } => {
            let expected =
                Key::from_name(key).map_or_else(|| expected.clone(), |k| k.expected_in(lang));
            let hint = hint.trim_end();
            match lang {
                Lang::En if hint.is_empty() => {
                    format!("bad value `{value}` for `{key}`: expected {expected}")
                }
                Lang::En => format!("bad value `{value}` for `{key}`: {hint} expected {expected}"),
                Lang::Zh if hint.is_empty() => {
                    format!("参数 `{key}` 的值 `{value}` 无效：应为{expected}")
                }
                Lang::Zh => format!("参数 `{key}` 的值 `{value}` 无效：{hint}应为{expected}"),
            }
        }
    }
}

/// The copy key's confirmation: what was copied, and the command that writes the same run to a
/// file (OSC 52 silently does nothing in some terminals).
pub fn copied(id: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "copied the run to the clipboard (OSC 52: some terminals ignore it); \
             also works: mmap-lab run {id} --json > file"
        ),
        Lang::Zh => format!(
            "已把运行结果复制到剪贴板（OSC 52：有些终端不支持）；\
             也可以用：mmap-lab run {id} --json > file"
        ),
    }
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

/// The byte a file holds at an offset, as read back: `(byte 0: 0x41 'A')`.
pub fn file_byte(offset: u64, byte: u8, lang: Lang) -> String {
    let shown = if byte.is_ascii_graphic() {
        format!("{byte:#04x} '{}'", byte as char)
    } else {
        format!("{byte:#04x}")
    };
    match lang {
        Lang::En => format!("(byte {offset}: {shown})"),
        Lang::Zh => format!("（第 {offset} 字节：{shown}）"),
    }
}

/// Where a run happened and whether the witness watched it, in one line: `ran on Linux
/// 6.18.44 x86_64, glibc 2.36 · capabilities: CAP_IPC_LOCK · witness on`.
/// `None` for a record that does not say (one recorded before records carried it).
pub fn ran_on(run: &mmap_lab_engine::Run, lang: Lang) -> Option<String> {
    let env = &run.environment;
    if env.kernel.is_empty() {
        return None;
    }
    let caps: Vec<&str> = env.capabilities.iter().map(|c| c.name()).collect();
    let caps = if caps.is_empty() {
        lang.pick("none", "无").to_string()
    } else {
        caps.join(", ")
    };
    let witness = match run.witness.strip_prefix("off: ") {
        None if run.witness == "on" => lang.pick("witness on", "系统调用追踪：开").to_string(),
        Some(why) => match lang {
            Lang::En => format!("witness off ({why})"),
            Lang::Zh => format!("系统调用追踪：关（{why}）"),
        },
        None => run.witness.clone(),
    };
    Some(match lang {
        Lang::En => format!(
            "ran on Linux {} {}, {} · capabilities: {caps} · {witness}",
            env.kernel, env.arch, env.libc
        ),
        Lang::Zh => format!(
            "运行环境：Linux {} {}，{} · 能力：{caps} · {witness}",
            env.kernel, env.arch, env.libc
        ),
    })
}

/// Where the lab runs, for the help: the kernel and machine, the C library and page size, the
/// capabilities and the limits that change answers.
pub fn machine_lines(
    env: &mmap_lab_engine::engine::environment::Environment,
    lang: Lang,
) -> Vec<String> {
    let caps: Vec<&str> = env.capabilities.iter().map(|c| c.name()).collect();
    let caps = if caps.is_empty() {
        lang.pick("none", "无").to_string()
    } else {
        caps.join(", ")
    };
    let memlock = env.soft_limit("RLIMIT_MEMLOCK").map_or_else(
        || lang.pick("unlimited", "不限").to_string(),
        |b| format!("{} KiB", b >> 10),
    );
    let max_maps = env
        .sysctl
        .get("vm.max_map_count")
        .map_or_else(|| "?".to_string(), |n| n.to_string());
    match lang {
        Lang::En => vec![
            format!(
                "Linux {} on {}, {}, page size {}",
                env.kernel, env.arch, env.libc, env.page_size
            ),
            format!(
                "capabilities: {caps} · RLIMIT_MEMLOCK {memlock} · vm.max_map_count {max_maps}"
            ),
        ],
        Lang::Zh => vec![
            format!(
                "Linux {}（{}），{}，页大小 {}",
                env.kernel, env.arch, env.libc, env.page_size
            ),
            format!("能力：{caps} · RLIMIT_MEMLOCK {memlock} · vm.max_map_count {max_maps}"),
        ],
    }
}

/// The page faults a step caused: `no page fault`, `1 page fault`, `3 page faults (1 from
/// disk)`.
pub fn faults(minor: u64, major: u64, lang: Lang) -> String {
    let n = minor + major;
    match lang {
        Lang::En => {
            let count = match n {
                0 => "no page fault".to_string(),
                1 => "1 page fault".to_string(),
                n => format!("{n} page faults"),
            };
            if major > 0 {
                format!("{count} ({major} from disk)")
            } else {
                count
            }
        }
        Lang::Zh => {
            let count = if n == 0 {
                "没有缺页".to_string()
            } else {
                format!("缺页 {n} 次")
            };
            if major > 0 {
                format!("{count}（其中 {major} 次要读盘）")
            } else {
                count
            }
        }
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

/// The terminal is smaller than the smallest layout.
pub fn too_small(need: (u16, u16), have: (u16, u16), lang: Lang) -> String {
    let ((nw, nh), (w, h)) = (need, have);
    match lang {
        Lang::En => format!("too small: need {nw}×{nh}, have {w}×{h}"),
        Lang::Zh => format!("窗口太小：需要 {nw}×{nh}，现在是 {w}×{h}"),
    }
}

/// How many scenarios have been run, for the progress line.
pub fn run_count(done: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{done}/{total} run"),
        Lang::Zh => format!("已运行 {done}/{total}"),
    }
}

/// An offset the page map cannot line up with page boundaries.
pub fn unaligned(what: Key, value: i64, page: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{what} {value} is not a multiple of the page size {page}"),
        Lang::Zh => format!("{what} {value} 不是页大小 {page} 的整数倍"),
    }
}

/// The legend of the page map's measured rows: what each glyph drawn (`looks`) says of a page,
/// and the page cache row when there is one. `absent` is the glyph set's (`·`, or `.` in
/// ASCII); `zero_unknown`: a page drawn shared may be the zero page, the kernel cannot say.
pub fn page_legend(
    looks: &[mmap_lab_engine::pagemap::PageLook],
    absent: char,
    cache: bool,
    zero_unknown: bool,
    lang: Lang,
) -> String {
    use mmap_lab_engine::pagemap::PageLook;
    let mut parts: Vec<String> = [
        PageLook::File,
        PageLook::Private,
        PageLook::Zero,
        PageLook::Shared,
        PageLook::Absent,
        PageLook::Swapped,
    ]
    .into_iter()
    .filter(|l| looks.contains(l))
    .map(|l| {
        let (en, zh) = match l {
            PageLook::File => ("the file's page", "文件的页"),
            PageLook::Private => ("a private copy", "私有副本"),
            PageLook::Zero => ("the zero page", "零页"),
            PageLook::Shared if zero_unknown => (
                "shared (or the zero page: this kernel cannot tell)",
                "共享（也可能是零页：这个内核无法区分）",
            ),
            PageLook::Shared => ("shared", "共享"),
            PageLook::Absent => ("not in memory", "不在内存"),
            PageLook::Swapped => ("swapped out", "已换出"),
        };
        format!("{} {}", l.glyph(absent), lang.pick(en, zh))
    })
    .collect();
    if cache {
        parts.push(
            lang.pick("cache C: in the page cache", "页缓存 C：在页缓存中")
                .to_string(),
        );
    }
    parts.join(lang.pick(", ", "，"))
}

/// What `=` and `≠` after the child's pages say, or why the page map cannot tell (frame
/// numbers hidden). `other` is the glyph set's `≠` (`!` in ASCII).
pub fn frames_note(visible: bool, other: char, lang: Lang) -> String {
    match (visible, lang) {
        (true, Lang::En) => {
            format!("= the child's page is the parent's frame, {other} another frame")
        }
        (true, Lang::Zh) => format!("= 子进程的页与父进程是同一物理页框，{other} 不同页框"),
        (false, Lang::En) => {
            format!("= or {other}: unknown, frame numbers read as 0 without CAP_SYS_ADMIN")
        }
        (false, Lang::Zh) => {
            format!("= 或 {other}：无法得知，没有 CAP_SYS_ADMIN 时页框号读作 0")
        }
    }
}

/// A run revealed a step at a time, before its end: `/proc/1234/ · step 1: open(…) = 3`, or
/// before the first step `/proc/1234/ · held before step 1 · s: step`. `held`: the held
/// processes (empty when none: going back through a record); `last`: the step shown last,
/// its number, its call and its return.
pub fn stepped(held: &str, last: Option<(usize, &str, &str)>, lang: Lang) -> String {
    let held = if held.is_empty() {
        String::new()
    } else {
        format!("{held} · ")
    };
    match (last, lang) {
        (Some((n, call, ret)), Lang::En) => format!("{held}step {n}: {call} = {ret}"),
        (Some((n, call, ret)), Lang::Zh) => format!("{held}第 {n} 步：{call} = {ret}"),
        (None, Lang::En) => format!("{held}held before step 1 · s: step · r: run to the end"),
        (None, Lang::Zh) => format!("{held}停在第 1 步之前 · s：单步 · r：运行到底"),
    }
}

/// `s` where nothing can hold the child before each step: why, and that it ran to its end.
pub fn no_stepping(why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "no stepping here: the witness that holds the child before each call is {why}; \
             the experiment ran to its end, as with r"
        ),
        Lang::Zh => format!(
            "这里不能单步执行：在每次调用前停住子进程的见证者（ptrace）未开启（{why}）；\
             实验已一次运行到底，和按 r 一样"
        ),
    }
}

/// The processes of a stepped run held at a stop, for the header: `/proc/1234/`, and for two
/// `/proc/1234/ · child /proc/1235/`.
pub fn held_pids(pids: &[(mmap_lab_engine::engine::Side, i32)], lang: Lang) -> String {
    pids.iter()
        .map(|(side, pid)| match side {
            mmap_lab_engine::engine::Side::Child => {
                format!("{} /proc/{pid}/", t(S::Child, lang))
            }
            _ => format!("/proc/{pid}/"),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A run still going: `running 1.2 s`.
pub fn running_for(elapsed_ms: u128, lang: Lang) -> String {
    let secs = elapsed_ms as f64 / 1000.0;
    format!("{} {secs:.1} s", t(S::Running, lang))
}

/// Which run of a repeated experiment goes on: `run 37 of 1000`.
pub fn run_of(run: u32, of: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("run {run} of {of}"),
        Lang::Zh => format!("第 {run} 次运行，共 {of} 次"),
    }
}

/// The file's size in the page map: `file 100 B = 1 page` (pages from the offset).
pub fn file_extent(bytes: u64, pages: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{} B from the offset = {pages} page(s)",
            crate::units::with_units(bytes.into())
        ),
        Lang::Zh => format!(
            "从偏移起 {} 字节 = {pages} 页",
            crate::units::with_units(bytes.into())
        ),
    }
}

/// The mapping's size in the page map.
pub fn map_extent(bytes: u64, pages: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "length {} → {pages} page(s)",
            crate::units::with_units(bytes.into())
        ),
        Lang::Zh => format!(
            "长度 {} → {pages} 页",
            crate::units::with_units(bytes.into())
        ),
    }
}

/// The page map's note for a copy through mappings: how many windows, how big.
pub fn copy_windows(count: u64, window: u64, pages: u64, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("{count} window(s) of {window} B ({pages} page(s)), mapped one after the other")
        }
        Lang::Zh => format!("{count} 个窗口，每个 {window} 字节（{pages} 页），依次映射"),
    }
}

/// `did you mean `x`?` after a message about something unknown.
pub fn did_you_mean(candidate: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} `{candidate}`?", t(S::DidYouMean, lang)),
        Lang::Zh => format!("{} `{candidate}`？", t(S::DidYouMean, lang)),
    }
}

/// A lab-only option given to a subcommand: `--theme only applies to the interactive lab …`;
/// `also`, the one subcommand that takes it too (`run --ascii`, `progress --state`).
pub fn only_in_lab(flag: &str, command: &str, also: Option<&str>, lang: Lang) -> String {
    let what = match also {
        Some(other) => t(S::OnlyInLabOr, lang).replace("{command}", other),
        None => t(S::OnlyInLab, lang).to_string(),
    };
    match lang {
        Lang::En => format!("`{flag}` is not an option of `{command}`: it {what}"),
        Lang::Zh => format!("`{flag}` 不是 `{command}` 的选项：它{what}"),
    }
}

/// A bad setting, in one line: where it is (`file:line`, or the environment variable), what
/// was found, what is accepted, and that the default is used instead.
pub fn bad_setting(place: &str, key: &str, value: &str, accepted: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{place}: {} `{value}` for `{key}`; {}: {accepted}; {}",
            t(S::CfgBadValue, lang),
            t(S::Accepted, lang),
            t(S::CfgUsingDefault, lang)
        ),
        Lang::Zh => format!(
            "{place}：`{key}` 的值 `{value}` 无效；{}：{accepted}；{}",
            t(S::Accepted, lang),
            t(S::CfgUsingDefault, lang)
        ),
    }
}

/// A key the configuration file does not know, with the keys it does.
pub fn unknown_setting(
    place: &str,
    key: &str,
    known: &str,
    hint: Option<String>,
    lang: Lang,
) -> String {
    let hint = hint.map_or_else(String::new, |h| lang.pick(format!(" {h}"), h));
    match lang {
        Lang::En => format!(
            "{place}: {} `{key}`;{hint} {}: {known}",
            t(S::CfgUnknownKey, lang),
            t(S::Accepted, lang)
        ),
        Lang::Zh => format!(
            "{place}：{} `{key}`；{hint}{}：{known}",
            t(S::CfgUnknownKey, lang),
            t(S::Accepted, lang)
        ),
    }
}

/// A configuration file that is not TOML: where, what the parser said, and that every
/// setting falls back to its default.
pub fn unreadable_config(place: &str, why: &str, lang: Lang) -> String {
    let sep = lang.pick(": ", "：");
    let semi = lang.pick("; ", "；");
    format!(
        "{place}{sep}{}{sep}{why}{semi}{}",
        t(S::CfgUnreadable, lang),
        t(S::CfgUsingDefaults, lang)
    )
}

/// How many more problems of the configuration were not printed.
pub fn more_problems(n: usize, path: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} more problems in {path} not shown"),
        Lang::Zh => format!("{path} 中还有 {n} 个问题未显示"),
    }
}

/// The configuration file could not be read at all.
pub fn config_not_read(place: &str, why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{place}: not read ({why}); using the defaults"),
        Lang::Zh => format!("{place}：未读取（{why}）；全部改用默认值"),
    }
}

/// The course's texts: editing, variants, progress, predictions, demos. A table of
/// its own so the course's rows do not interleave with the rest of [`S`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is documented by its row in `C::pair`
pub enum C {
    CmdClear,
    CmdVariant,
    NoVariants,
    TryNext,
    MarksHeading,
    MarkDone,
    MarkInProgress,
    MarkNotStarted,
    MarkOutcomes,
    Defaults,
    /// The header, when the parameters on screen are the ones the state file remembered.
    LastSettings,
    StateOff,
    ResetKept,
    ResetDone,
    HelpState,
    HelpNoState,
    HelpProgress,
    HelpProgressJson,
    HelpProgressReset,
    PickerTitle,
    CmdPredict,
    CmdChoose,
    PlaylistAccepts,
    /// The heading of the playlist format in `--help` and the man page.
    PlaylistHeading,
    /// The playlist format, an example with a comment on each line.
    PlaylistFormat,
    PlaylistEmpty,
    CmdDemo,
    HelpDemo,
    HelpLabSet,
    NoDemo,
}

impl C {
    /// `(English, Chinese)`.
    fn pair(self) -> (&'static str, &'static str) {
        match self {
            C::CmdClear => ("clear", "清空"),
            C::CmdVariant => (
                "try next variant (or that one)",
                "试下一个变体（或指定的那个）",
            ),
            C::NoVariants => (
                "this scenario declares no variants: change a knob yourself",
                "这个场景没有预设变体：请自己调整参数",
            ),
            C::Defaults => ("the defaults", "默认参数"),
            C::LastSettings => ("your last settings", "你上次的设置"),
            C::PickerTitle => ("Your prediction", "你的预测"),
            C::CmdPredict => ("predict", "预测"),
            C::CmdChoose => ("choose", "选定"),
            C::PlaylistAccepts => (
                "a playlist accepts `title = \"…\"` and [[step]] tables with `scenario` (an id or a \
                 lesson number), `set = [\"KEY=VALUE\", …]`, `note = \"…\"` (shown before the run) and \
                 `after = \"…\"` (shown once the step has run)",
                "播放列表接受 `title = \"…\"` 和 [[step]] 表，表中有 `scenario`（场景 id 或课号）、\
                 `set = [\"KEY=VALUE\", …]`、`note = \"…\"`（运行前显示）和 `after = \"…\"`（这一步运行后显示）",
            ),
            C::PlaylistEmpty => ("the playlist has no [[step]]", "播放列表里没有任何 [[step]]"),
            C::PlaylistHeading => ("Playlists (--demo FILE)", "播放列表（--demo FILE）"),
            C::PlaylistFormat => (
                "A playlist is a TOML file; in the lab ] and [ go to the next and previous step, \
                 which sets the scenario and its parameters without running.\n\
                 \n\
                 \x20 # optional\n\
                 \x20 title = \"mmap in 15 minutes\"\n\
                 \x20 # one table per step, in order\n\
                 \x20 [[step]]\n\
                 \x20 # an id, or a lesson number\n\
                 \x20 scenario = \"unaligned-offset\"\n\
                 \x20 # optional, as run --set; {page}, {2*page}…\n\
                 \x20 set = [\"offset={page}\"]\n\
                 \x20 # optional, shown before the run: ask\n\
                 \x20 note = \"Offset 1000: what happens?\"\n\
                 \x20 # optional, shown once the step ran: answer\n\
                 \x20 after = \"EINVAL: not page-aligned\"",
                "播放列表是一个 TOML 文件；在实验室里按 ] 和 [ 切换到下一步和上一步，\
                 只设置场景和参数，不运行。\n\
                 \n\
                 \x20 # 可选\n\
                 \x20 title = \"15 分钟讲 mmap\"\n\
                 \x20 # 每一步一个表，按顺序\n\
                 \x20 [[step]]\n\
                 \x20 # 场景 id，或课号\n\
                 \x20 scenario = \"unaligned-offset\"\n\
                 \x20 # 可选，同 run --set；{page}、{2*page}…\n\
                 \x20 set = [\"offset={page}\"]\n\
                 \x20 # 可选，运行前显示：只提问\n\
                 \x20 note = \"偏移量 1000 会怎样？\"\n\
                 \x20 # 可选，这一步运行后显示：给出答案\n\
                 \x20 after = \"EINVAL：没有按页对齐\"",
            ),
            C::NoDemo => (
                "no demo is playing: start the lab with --demo FILE or --demo course-notes",
                "没有正在播放的演示：请用 --demo FILE 或 --demo course-notes 启动",
            ),
            C::CmdDemo => ("demo: next / previous step", "演示：下一步 / 上一步"),
            C::HelpDemo => (
                "play a demo: a TOML playlist file, or a shipped one by name (course-notes, course-notes-en)",
                "播放演示：TOML 播放列表文件，或按名称使用自带的（course-notes、course-notes-en）",
            ),
            C::HelpLabSet => (
                "with --scenario: open the lab with this parameter set (as run --set)",
                "与 --scenario 一起使用：打开界面时设置这个参数（规则同 run --set）",
            ),
            C::StateOff => (
                "no state file: --no-state is given, or no home directory is known (use --state FILE)",
                "没有状态文件：指定了 --no-state，或者找不到主目录（请用 --state FILE）",
            ),
            C::ResetKept => ("nothing was changed", "没有做任何改动"),
            C::ResetDone => ("progress cleared", "进度已清除"),
            C::HelpState => (
                "where to keep progress (default $XDG_STATE_HOME/mmap-lab/state.json; also MMAP_LAB_STATE)",
                "进度保存在哪个文件（默认 $XDG_STATE_HOME/mmap-lab/state.json；也可用 MMAP_LAB_STATE）",
            ),
            C::HelpNoState => ("remember nothing: read and write no state file", "不记录任何东西：不读也不写状态文件"),
            C::HelpProgress => ("show the progress kept in the state file", "显示状态文件中保存的进度"),
            C::HelpProgressJson => ("print it as JSON", "以 JSON 输出"),
            C::HelpProgressReset => ("clear the progress (asks first)", "清除进度（会先询问）"),
            C::TryNext => ("Try next (v, 1–9)", "接下来试试（v、1–9）"),
            C::MarksHeading => ("Marks in the list", "列表中的标记"),
            C::MarkDone => (
                "done: the defaults and every variant ran",
                "已完成：默认参数和所有变体都运行过",
            ),
            C::MarkInProgress => ("in progress: something ran", "进行中：运行过一部分"),
            C::MarkNotStarted => ("not started", "尚未开始"),
            C::MarkOutcomes => (
                "then the last run: {ok} OK, {errno} errno, {signal} signal, {timeout} timeout, {not_run} not run",
                "其后是上次运行的结果：{ok} 成功，{errno} errno，{signal} 信号，{timeout} 超时，{not_run} 未运行",
            ),
        }
    }

    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
        lang.pick(en, zh)
    }
}

/// The status line after `v` or `1`–`9`: which variant, and the settings where it differs
/// from the scenario's defaults (`KEY=VALUE`).
pub fn variant_applied(n: usize, total: usize, changed: &[String], lang: Lang) -> String {
    match (lang, changed.is_empty()) {
        (Lang::En, false) => format!(
            "variant {n}/{total}: {}, the rest at the defaults; predict, then press r",
            changed.join(" ")
        ),
        (Lang::En, true) => format!("variant {n}/{total}: the defaults; predict, then press r"),
        (Lang::Zh, false) => format!(
            "变体 {n}/{total}：{}，其余为默认值；先预测，再按 r",
            changed.join(" ")
        ),
        (Lang::Zh, true) => format!("变体 {n}/{total}：默认参数；先预测，再按 r"),
    }
}

/// A state file the lab could not use, in one line.
pub fn state_set_aside(path: &str, why: &str, backup: Option<&str>, lang: Lang) -> String {
    match (lang, backup) {
        (Lang::En, Some(b)) => {
            format!("state file {path} not used ({why}); a copy is in {b}; starting fresh")
        }
        (Lang::En, None) => format!(
            "state file {path} not used ({why}); it could not be copied, so it is left alone and \
             nothing is saved this time"
        ),
        (Lang::Zh, Some(b)) => format!("未使用状态文件 {path}（{why}）；副本保存在 {b}；从头开始"),
        (Lang::Zh, None) => {
            format!("未使用状态文件 {path}（{why}）；无法复制它，因此不动它，本次也不保存进度")
        }
    }
}

/// A file the user named does not exist.
pub fn input_missing(lang: Lang) -> String {
    lang.pick("it does not exist", "文件不存在").to_string()
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

/// Why a state file from a newer lab is not read.
pub fn state_newer(found: u32, known: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("written by a newer mmap-lab: version {found}, this one reads {known}"),
        Lang::Zh => format!("由更新版本的 mmap-lab 写入：版本 {found}，本程序只能读取 {known}"),
    }
}

/// The first line of `mmap-lab progress`.
pub fn state_file_line(path: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("progress in {path} (● done, ◐ in progress, ○ not started)"),
        Lang::Zh => format!("进度文件 {path}（● 已完成，◐ 进行中，○ 尚未开始）"),
    }
}

/// One scenario's row of `mmap-lab progress`.
pub fn progress_row(runs: u32, default: bool, done: usize, total: usize, lang: Lang) -> String {
    let d = if default { "✔" } else { "·" };
    match lang {
        Lang::En => format!("{runs} runs, defaults {d}, variants {done}/{total}"),
        Lang::Zh => format!("运行 {runs} 次，默认参数 {d}，变体 {done}/{total}"),
    }
}

/// The last line of `mmap-lab progress`.
pub fn progress_total(done: usize, all: usize, right: u32, total: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{done}/{all} scenarios done · predictions {right}/{total}"),
        Lang::Zh => format!("已完成 {done}/{all} 个场景 · 预测 {right}/{total}"),
    }
}

/// `progress --reset`'s question.
pub fn reset_question(path: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Clear all progress in {path}? [y/N]"),
        Lang::Zh => format!("清除 {path} 中的全部进度？[y/N]"),
    }
}

/// `--demo NAME` that is neither a file nor a shipped playlist.
pub fn no_playlist(name: &str, shipped: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("no playlist `{name}`: neither a file nor a shipped one ({shipped})"),
        Lang::Zh => format!("找不到播放列表 `{name}`：既不是文件，也不是自带的（{shipped}）"),
    }
}

/// What a playlist's structure got wrong: said in the user's language, never the TOML
/// parser's English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaylistFault<'a> {
    /// The text is not TOML at all.
    NotToml,
    /// A key the file does not take (`in_step`: inside a `[[step]]`).
    UnknownKey {
        /// The key as written.
        key: &'a str,
        /// Whether it is inside a `[[step]]`.
        in_step: bool,
    },
    /// A `[[step]]` without `scenario`.
    NoScenario,
    /// A key with a value of the wrong kind.
    WrongType(&'a str),
}

/// A playlist's structural fault in one sentence, with what is accepted instead.
pub fn playlist_fault(fault: PlaylistFault<'_>, lang: Lang) -> String {
    use PlaylistFault as F;
    let what = |key: &str| match (key, lang) {
        ("title" | "note" | "after", Lang::En) => "a string in quotes",
        ("title" | "note" | "after", Lang::Zh) => "带引号的字符串",
        ("set", Lang::En) => "a list of strings: [\"KEY=VALUE\", …]",
        ("set", Lang::Zh) => "字符串列表：[\"KEY=VALUE\", …]",
        ("scenario", Lang::En) => "a scenario id in quotes, or a lesson number",
        ("scenario", Lang::Zh) => "带引号的场景 id，或课号",
        (_, Lang::En) => "[[step]] tables",
        (_, Lang::Zh) => "[[step]] 表",
    };
    match (fault, lang) {
        (F::NotToml, Lang::En) => {
            "this is not valid TOML here (check the quotes, the brackets and \
             each `key = value`); a playlist is `title = \"…\"` and [[step]] tables"
                .to_string()
        }
        (F::NotToml, Lang::Zh) => {
            "这里不是有效的 TOML（请检查引号、方括号和每一行 `键 = 值` 的写法）；\
             播放列表由 `title = \"…\"` 和 [[step]] 表组成"
                .to_string()
        }
        (F::UnknownKey { key, in_step: true }, Lang::En) => {
            format!("unknown key `{key}` in a [[step]]; a step takes scenario, set, note and after")
        }
        (F::UnknownKey { key, in_step: true }, Lang::Zh) => {
            format!("[[step]] 里有未知的键 `{key}`；每一步只接受 scenario、set、note 和 after")
        }
        (F::UnknownKey { key, .. }, Lang::En) => {
            format!("unknown key `{key}`; a playlist takes title and [[step]] tables")
        }
        (F::UnknownKey { key, .. }, Lang::Zh) => {
            format!("未知的键 `{key}`；播放列表只接受 title 和 [[step]] 表")
        }
        (F::NoScenario, Lang::En) => {
            "a [[step]] without `scenario`; each step needs one: an id in quotes or a lesson number"
                .to_string()
        }
        (F::NoScenario, Lang::Zh) => {
            "这个 [[step]] 缺少 `scenario`；每一步都要有：带引号的场景 id，或课号".to_string()
        }
        (F::WrongType(key), Lang::En) => format!("`{key}` must be {}", what(key)),
        (F::WrongType(key), Lang::Zh) => format!("`{key}` 必须是{}", what(key)),
    }
}

/// A playlist step naming an unknown scenario.
pub fn playlist_unknown_scenario(id: &str, known: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("unknown scenario `{id}`; known: {known} (or a lesson number)"),
        Lang::Zh => format!("未知场景 `{id}`；已有的场景：{known}（或课号）"),
    }
}

/// The header's demo position.
pub fn demo_position(n: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("demo {n}/{total}"),
        Lang::Zh => format!("演示 {n}/{total}"),
    }
}

/// The verdict on a prediction after its run.
pub fn verdict(predicted: &str, right: bool, said: &str, lang: Lang) -> String {
    match (lang, right) {
        (Lang::En, true) => format!("you predicted {predicted}: right"),
        (Lang::En, false) => format!("you predicted {predicted}: the kernel said {said}"),
        (Lang::Zh, true) => format!("你预测的是 {predicted}：猜对了"),
        (Lang::Zh, false) => format!("你预测的是 {predicted}：内核的回答是 {said}"),
    }
}

/// The status line after a prediction is chosen.
pub fn predicted(answer: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("prediction: {answer}; now press r"),
        Lang::Zh => format!("预测：{answer}；现在按 r 运行"),
    }
}

/// The header's score.
pub fn score(right: u32, total: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("predictions {right}/{total}"),
        Lang::Zh => format!("预测 {right}/{total}"),
    }
}

/// The state file could not be written.
pub fn not_saved(why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("progress not saved: {why}"),
        Lang::Zh => format!("进度未能保存：{why}"),
    }
}

/// `1`–`9` beyond the scenario's variants.
pub fn no_such_variant(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("this scenario has no variant {n}"),
        Lang::Zh => format!("这个场景没有第 {n} 个变体"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_doc_in_both_languages() {
        for key in Key::ALL {
            assert!(!key.doc(Lang::En).is_empty());
            assert!(
                key.doc(Lang::Zh)
                    .chars()
                    .any(mmap_lab_engine::lesson::is_wide),
                "{key}"
            );
            assert!(
                key.expected_in(Lang::Zh)
                    .chars()
                    .any(mmap_lab_engine::lesson::is_wide),
                "{key}"
            );
        }
    }
}
