//! The man page and `--help`'s long sections: configuration, examples, environment, files,
//! exit status.

use super::S;

/// `(English, Chinese)` of this file's strings; `None` for the others' (see [`S::pair`]).
pub(super) fn pair(s: S) -> Option<(&'static str, &'static str)> {
    Some(match s {
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
        _ => return None,
    })
}
