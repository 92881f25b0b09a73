//! The interactive lab: pane titles, the keys' help, the status line.

use mmap_lab_engine::{Lang, Topic};

use super::S;

/// `(English, Chinese)` of this file's strings; `None` for the others' (see [`S::pair`]).
pub(super) fn pair(s: S) -> Option<(&'static str, &'static str)> {
    Some(match s {
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
        _ => return None,
    })
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
            "no stepping here: the witness, which holds the child before each call, is off \
             ({why}); the experiment ran to its end, as with r"
        ),
        Lang::Zh => format!(
            "这里不能单步执行：在每次调用前停住子进程的系统调用追踪（ptrace）没有开启（{why}）；\
             实验已一次运行到底，和按 r 一样"
        ),
    }
}
