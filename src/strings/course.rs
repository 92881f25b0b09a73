//! The course's texts: editing, variants, progress, predictions, demos ([`C`]), and the messages
//! of the progress file and the playlists.

use mmap_lab_engine::Lang;

/// The course's texts: editing, variants, progress, predictions, demos. A table of
/// its own so the course's rows do not interleave with the rest of [`S`](super::S).
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
    pub(super) fn pair(self) -> (&'static str, &'static str) {
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
