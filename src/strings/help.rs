//! `--help`: the options and subcommands, and the hints that send a user to the right one.

use super::S;

/// `(English, Chinese)` of this file's strings; `None` for the others' (see [`S::pair`]).
pub(super) fn pair(s: S) -> Option<(&'static str, &'static str)> {
    Some(match s {
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
        _ => return None,
    })
}
