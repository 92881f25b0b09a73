//! Everything that can happen to the lab, as one enum ([`AppEvent`]), and the one table of
//! commands ([`COMMANDS`]) that maps keys to [`Action`]s and that the footer and the help
//! overlay are built from, so a key hint can never disagree with the key handling.
//!
//! [`action_for`] is a pure function of a key and the context (focused pane, editor open,
//! help open): unit-tested here, without a terminal.

mod action;

use crate::strings::{C, S};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

pub use super::state::Focus;

pub use action::{Action, AppEvent, Binding, Command, Mode, Scope};

const fn key(code: KeyCode, action: Action) -> Binding {
    Binding {
        code,
        ctrl: false,
        action,
    }
}

const fn ch(c: char, action: Action) -> Binding {
    key(KeyCode::Char(c), action)
}

use Focus::{Lesson, List, Outcome, Params};

const ALL_PANES: &[Focus] = &[List, Params, Outcome, Lesson];

/// Keys several panes share: as shown, as shown with `--ascii`, and what they do.
struct Shared {
    keys: &'static str,
    ascii_keys: &'static str,
    bindings: &'static [Binding],
}

/// A command of `scope` made of `shared` keys: one place for their names and bindings.
const fn shared(scope: Scope, shared: Shared, text: S, footer: &'static [Focus]) -> Command {
    Command {
        scope,
        keys: shared.keys,
        ascii_keys: shared.ascii_keys,
        text,
        bindings: shared.bindings,
        footer,
    }
}

const MOVE: Shared = Shared {
    keys: "↑↓ jk",
    ascii_keys: "Up/Down j/k",
    bindings: &[
        key(KeyCode::Up, Action::Up),
        ch('k', Action::Up),
        key(KeyCode::Down, Action::Down),
        ch('j', Action::Down),
    ],
};

const PAGING: Shared = Shared {
    keys: "PgUp PgDn",
    ascii_keys: "PgUp PgDn",
    bindings: &[
        key(KeyCode::PageUp, Action::PageUp),
        key(KeyCode::PageDown, Action::PageDown),
    ],
};

/// `G` as in vi and less. Not `gg`: `g` records a prediction, at once.
const ENDS: Shared = Shared {
    keys: "Home End G",
    ascii_keys: "Home End G",
    bindings: &[
        key(KeyCode::Home, Action::Home),
        key(KeyCode::End, Action::End),
        ch('G', Action::End),
    ],
};

/// ← → and `h` `l` in the panes where they change no value: to the pane beside. In the
/// parameters they change the value, and `h` `l` are left out there: a vi user's reflex must
/// not turn a knob.
const SIDEWAYS: Shared = Shared {
    keys: "←→ hl",
    ascii_keys: "Left/Right h/l",
    bindings: &[
        key(KeyCode::Left, Action::PrevPane),
        ch('h', Action::PrevPane),
        key(KeyCode::Right, Action::NextPane),
        ch('l', Action::NextPane),
    ],
};

/// Every command of the lab. The first match in the context's scopes wins: the editor, then
/// the help, then the focused pane, then global.
pub const COMMANDS: &[Command] = &[
    // The value editor takes every key but Ctrl-C.
    Command {
        scope: Scope::Editor,
        keys: "Enter",
        ascii_keys: "Enter",
        text: S::CmdApply,
        bindings: &[key(KeyCode::Enter, Action::EditApply)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Editor,
        keys: "Esc",
        ascii_keys: "Esc",
        text: S::CmdCancel,
        bindings: &[key(KeyCode::Esc, Action::EditCancel)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Editor,
        keys: "⌫",
        ascii_keys: "Backspace",
        text: S::CmdErase,
        bindings: &[key(KeyCode::Backspace, Action::EditBackspace)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Editor,
        keys: "Ctrl-U",
        ascii_keys: "Ctrl-U",
        text: S::Course(C::CmdClear),
        bindings: &[Binding {
            code: KeyCode::Char('u'),
            ctrl: true,
            action: Action::EditClear,
        }],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Editor,
        keys: "0-9 x K M G -",
        ascii_keys: "0-9 x K M G -",
        text: S::CmdTypeChars,
        bindings: &[],
        footer: ALL_PANES,
    },
    // The list's filter takes every key but Ctrl-C: what is typed is the filter.
    Command {
        scope: Scope::Filter,
        keys: "Enter",
        ascii_keys: "Enter",
        text: S::CmdFilterSelect,
        bindings: &[key(KeyCode::Enter, Action::FilterApply)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Filter,
        keys: "Esc",
        ascii_keys: "Esc",
        text: S::CmdFilterClear,
        bindings: &[key(KeyCode::Esc, Action::FilterCancel)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Filter,
        keys: "↑↓",
        ascii_keys: "Up/Down",
        text: S::CmdMove,
        bindings: &[
            key(KeyCode::Up, Action::Up),
            key(KeyCode::Down, Action::Down),
        ],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Filter,
        keys: "⌫",
        ascii_keys: "Backspace",
        text: S::CmdErase,
        bindings: &[key(KeyCode::Backspace, Action::FilterBackspace)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Filter,
        keys: "a-z 汉字",
        ascii_keys: "a-z",
        text: S::CmdFilterType,
        bindings: &[],
        footer: ALL_PANES,
    },
    // The prediction picker.
    Command {
        scope: Scope::Picker,
        keys: "↑↓ jk",
        ascii_keys: "Up/Down j/k",
        text: S::CmdMove,
        bindings: &[
            key(KeyCode::Up, Action::Up),
            ch('k', Action::Up),
            key(KeyCode::Down, Action::Down),
            ch('j', Action::Down),
            key(KeyCode::PageUp, Action::PageUp),
            key(KeyCode::PageDown, Action::PageDown),
        ],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Picker,
        keys: "Enter",
        ascii_keys: "Enter",
        text: S::Course(C::CmdChoose),
        bindings: &[key(KeyCode::Enter, Action::PickerChoose)],
        footer: ALL_PANES,
    },
    Command {
        scope: Scope::Picker,
        keys: "Esc g",
        ascii_keys: "Esc g",
        text: S::CmdCancel,
        bindings: &[
            key(KeyCode::Esc, Action::PickerCancel),
            ch('g', Action::PickerCancel),
            ch('q', Action::PickerCancel),
        ],
        footer: ALL_PANES,
    },
    // The help overlay.
    shared(Scope::Help, MOVE, S::CmdScroll, ALL_PANES),
    Command {
        scope: Scope::Help,
        keys: "Esc q ? F1",
        ascii_keys: "Esc q ? F1",
        text: S::CmdClose,
        bindings: &[
            key(KeyCode::Esc, Action::Back),
            ch('q', Action::Back),
            ch('?', Action::Back),
            key(KeyCode::F(1), Action::Back),
        ],
        footer: ALL_PANES,
    },
    // The panes.
    shared(Scope::Pane(List), MOVE, S::CmdMove, &[List]),
    Command {
        scope: Scope::Pane(List),
        keys: "/",
        ascii_keys: "/",
        text: S::CmdFilter,
        bindings: &[ch('/', Action::Filter)],
        footer: &[List],
    },
    shared(Scope::Pane(List), SIDEWAYS, S::CmdSidePane, &[]),
    shared(Scope::Pane(List), ENDS, S::CmdTopBottom, &[]),
    shared(Scope::Pane(Params), MOVE, S::CmdMove, &[Params]),
    Command {
        scope: Scope::Pane(Params),
        keys: "←→",
        ascii_keys: "Left/Right",
        text: S::CmdChange,
        bindings: &[
            key(KeyCode::Left, Action::Left),
            key(KeyCode::Right, Action::Right),
        ],
        footer: &[Params],
    },
    Command {
        scope: Scope::Pane(Params),
        keys: "Space",
        ascii_keys: "Space",
        text: S::CmdToggle,
        bindings: &[ch(' ', Action::Toggle)],
        footer: &[Params],
    },
    Command {
        scope: Scope::Pane(Params),
        keys: "e",
        ascii_keys: "e",
        text: S::CmdType,
        bindings: &[ch('e', Action::Edit)],
        footer: &[Params],
    },
    shared(Scope::Pane(Params), ENDS, S::CmdTopBottom, &[]),
    shared(Scope::Pane(Outcome), MOVE, S::CmdScroll, &[Outcome]),
    shared(Scope::Pane(Outcome), PAGING, S::CmdPage, &[]),
    shared(Scope::Pane(Outcome), SIDEWAYS, S::CmdSidePane, &[]),
    shared(Scope::Pane(Outcome), ENDS, S::CmdTopBottom, &[]),
    shared(Scope::Pane(Lesson), MOVE, S::CmdScroll, &[Lesson]),
    shared(Scope::Pane(Lesson), PAGING, S::CmdPage, &[Lesson]),
    shared(Scope::Pane(Lesson), SIDEWAYS, S::CmdSidePane, &[]),
    shared(Scope::Pane(Lesson), ENDS, S::CmdTopBottom, &[]),
    // Everywhere.
    Command {
        scope: Scope::Global,
        keys: "Enter r",
        ascii_keys: "Enter r",
        text: S::CmdRun,
        bindings: &[key(KeyCode::Enter, Action::Run), ch('r', Action::Run)],
        footer: ALL_PANES,
    },
    // `.` is the twin of `s` for a Chinese input method, which keeps letters to itself (its
    // `。` comes back as `.` through `halfwidth`).
    Command {
        scope: Scope::Global,
        keys: "s ,",
        ascii_keys: "s ,",
        text: S::CmdStep,
        bindings: &[
            ch('s', Action::Step),
            ch('.', Action::Step),
            ch(',', Action::StepBack),
        ],
        // Where the steps are listed (the form's footer is full); the call pane says `s`
        // too while a run is held.
        footer: &[Outcome],
    },
    Command {
        scope: Scope::Global,
        keys: "Tab ⇧Tab",
        ascii_keys: "Tab Shift-Tab",
        text: S::CmdNextPane,
        bindings: &[
            key(KeyCode::Tab, Action::NextPane),
            key(KeyCode::BackTab, Action::PrevPane),
        ],
        footer: &[List, Outcome, Lesson],
    },
    Command {
        scope: Scope::Global,
        keys: "n b",
        ascii_keys: "n b",
        text: S::CmdScenario,
        bindings: &[ch('n', Action::NextScenario), ch('b', Action::PrevScenario)],
        // Not in the lesson's footer, which needs its room for unfolding and the variants,
        // nor in the list's, where ↑↓ do the same and `/` needs the room; the help lists it
        // everywhere.
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "g",
        ascii_keys: "g",
        text: S::Course(C::CmdPredict),
        bindings: &[ch('g', Action::Predict)],
        footer: &[Params],
    },
    Command {
        scope: Scope::Global,
        keys: "] [",
        ascii_keys: "] [",
        text: S::Course(C::CmdDemo),
        bindings: &[ch(']', Action::DemoNext), ch('[', Action::DemoPrev)],
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "v 1-9",
        ascii_keys: "v 1-9",
        text: S::Course(C::CmdVariant),
        bindings: &[
            ch('v', Action::NextVariant),
            ch('1', Action::Variant(1)),
            ch('2', Action::Variant(2)),
            ch('3', Action::Variant(3)),
            ch('4', Action::Variant(4)),
            ch('5', Action::Variant(5)),
            ch('6', Action::Variant(6)),
            ch('7', Action::Variant(7)),
            ch('8', Action::Variant(8)),
            ch('9', Action::Variant(9)),
        ],
        footer: &[List, Lesson],
    },
    Command {
        scope: Scope::Global,
        keys: "d",
        ascii_keys: "d",
        text: S::CmdReset,
        bindings: &[ch('d', Action::Reset)],
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "y",
        ascii_keys: "y",
        text: S::CmdCopy,
        bindings: &[ch('y', Action::Copy)],
        footer: &[Outcome],
    },
    Command {
        scope: Scope::Global,
        keys: "L",
        ascii_keys: "L",
        text: S::CmdLang,
        bindings: &[ch('L', Action::ToggleLang)],
        footer: &[List],
    },
    Command {
        scope: Scope::Global,
        keys: "t",
        ascii_keys: "t",
        text: S::CmdTheme,
        bindings: &[ch('t', Action::CycleTheme)],
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "P F5",
        ascii_keys: "P F5",
        text: S::CmdPresenter,
        bindings: &[
            ch('P', Action::TogglePresenter),
            key(KeyCode::F(5), Action::TogglePresenter),
        ],
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "? F1",
        ascii_keys: "? F1",
        text: S::CmdHelp,
        bindings: &[ch('?', Action::Help), key(KeyCode::F(1), Action::Help)],
        // Always last in every footer, added by `footer` itself.
        footer: &[],
    },
    Command {
        scope: Scope::Pane(Lesson),
        keys: "Space",
        ascii_keys: "Space",
        text: S::CmdUnfold,
        bindings: &[ch(' ', Action::Toggle)],
        footer: &[Lesson],
    },
    Command {
        scope: Scope::Global,
        keys: "q",
        ascii_keys: "q",
        text: S::CmdQuit,
        bindings: &[ch('q', Action::Back)],
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "Esc",
        ascii_keys: "Esc",
        text: S::CmdEscape,
        bindings: &[key(KeyCode::Esc, Action::Close)],
        footer: &[],
    },
    Command {
        scope: Scope::Global,
        keys: "Ctrl-C",
        ascii_keys: "Ctrl-C",
        text: S::CmdQuit,
        bindings: &[Binding {
            code: KeyCode::Char('c'),
            ctrl: true,
            action: Action::Quit,
        }],
        footer: &[],
    },
];

/// The help command, shown at the end of every footer.
pub fn help_command() -> &'static Command {
    COMMANDS
        .iter()
        .find(|c| c.text == S::CmdHelp)
        .unwrap_or(&COMMANDS[0])
}

/// A fullwidth character (U+FF01..U+FF5E, what a Chinese input method sends for ASCII keys)
/// as its ASCII twin; the ideographic space as a space, the ideographic full stop as `.`. Anything else unchanged.
pub fn halfwidth(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        // The ideographic full stop: what `.` (step) gives with a Chinese input method on.
        0x3002 => '.',
        _ => c,
    }
}

/// The scopes consulted in `mode` with the focus on `focus`, in order.
fn scopes(mode: Mode, focus: Focus) -> [Option<Scope>; 2] {
    match mode {
        Mode::Editing => [Some(Scope::Editor), None],
        Mode::Picking => [Some(Scope::Picker), None],
        Mode::Filtering => [Some(Scope::Filter), None],
        Mode::Help => [Some(Scope::Help), Some(Scope::Global)],
        Mode::Normal => [Some(Scope::Pane(focus)), Some(Scope::Global)],
    }
}

/// The action for a key press, or `None` when the key means nothing here.
pub fn action_for(key: KeyEvent, mode: Mode, focus: Focus) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let code = match key.code {
        KeyCode::Char(c) => KeyCode::Char(halfwidth(c)),
        other => other,
    };
    // Ctrl-C always quits, even while typing a value.
    if ctrl && matches!(code, KeyCode::Char('c' | 'C')) {
        return Some(Action::Quit);
    }
    if alt {
        return None;
    }
    for scope in scopes(mode, focus).into_iter().flatten() {
        for command in COMMANDS.iter().filter(|c| c.scope == scope) {
            if let Some(b) = command
                .bindings
                .iter()
                .find(|b| b.code == code && b.ctrl == ctrl)
            {
                return Some(b.action);
            }
        }
    }
    match code {
        KeyCode::Char(c) if mode == Mode::Editing && !ctrl && !c.is_control() => {
            Some(Action::EditChar(c))
        }
        // The filter takes a Chinese input method's characters as typed (no half-width
        // folding: the filter folds widths itself).
        KeyCode::Char(_) if mode == Mode::Filtering && !ctrl => match key.code {
            KeyCode::Char(c) if !c.is_control() => Some(Action::FilterChar(c)),
            _ => None,
        },
        KeyCode::Char(c) if mmap_lab_engine::lesson::is_wide(c) => Some(Action::ImeHint),
        _ => None,
    }
}

/// The action for a mouse event (`--mouse` only).
pub fn mouse_action(m: MouseEvent) -> Option<Action> {
    let (x, y) = (m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { x, y }),
        MouseEventKind::ScrollDown => Some(Action::Scroll { x, y, down: true }),
        MouseEventKind::ScrollUp => Some(Action::Scroll { x, y, down: false }),
        _ => None,
    }
}

/// The footer's commands for this context: the pane's (or the editor's, or the help's), then
/// `? help` last.
pub fn footer(mode: Mode, focus: Focus) -> Vec<&'static Command> {
    let mut out: Vec<&'static Command> = match mode {
        Mode::Editing => COMMANDS
            .iter()
            .filter(|c| c.scope == Scope::Editor)
            .collect(),
        Mode::Help => COMMANDS.iter().filter(|c| c.scope == Scope::Help).collect(),
        Mode::Picking => COMMANDS
            .iter()
            .filter(|c| c.scope == Scope::Picker)
            .collect(),
        Mode::Filtering => COMMANDS
            .iter()
            .filter(|c| c.scope == Scope::Filter)
            .collect(),
        Mode::Normal => COMMANDS
            .iter()
            .filter(|c| {
                matches!(c.scope, Scope::Global | Scope::Pane(_))
                    && (c.scope == Scope::Global || c.scope == Scope::Pane(focus))
                    && c.footer.contains(&focus)
            })
            .collect(),
    };
    if mode == Mode::Normal {
        out.push(help_command());
    }
    out
}

/// The help overlay's two groups: the commands of this context, then the global ones.
pub fn help(mode: Mode, focus: Focus) -> (Vec<&'static Command>, Vec<&'static Command>) {
    let here = match mode {
        Mode::Editing => Scope::Editor,
        Mode::Filtering => Scope::Filter,
        _ => Scope::Pane(focus),
    };
    (
        COMMANDS.iter().filter(|c| c.scope == here).collect(),
        COMMANDS
            .iter()
            .filter(|c| c.scope == Scope::Global)
            .collect(),
    )
}

#[cfg(test)]
mod tests;
