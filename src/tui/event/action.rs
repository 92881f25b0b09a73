//! What can happen to the lab ([`AppEvent`]), what the user can ask of it ([`Action`]), and
//! the shape of a command in the key table ([`Command`], its [`Binding`]s and [`Scope`]).
//! The table itself and the lookups in it are in the parent module.

use crate::strings::S;
use crate::tui::state::Focus;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, MouseEvent};
use mmap_lab_engine::Record;

/// What the user asked for. Keys and mouse events become actions; [`crate::tui::app::App::apply`]
/// is the one place that carries them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move up in the focused pane (select, or scroll).
    Up,
    /// Move down in the focused pane.
    Down,
    /// A screenful up.
    PageUp,
    /// A screenful down.
    PageDown,
    /// To the top.
    Home,
    /// To the bottom.
    End,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Run the selected scenario with the current parameters.
    Run,
    /// One step of the experiment: the held child makes its next call (a stepped run is
    /// started, held before its first step, when none is live).
    Step,
    /// Show the state after the step before, from what was recorded (never reruns).
    StepBack,
    /// Previous value / move the flag cursor left.
    Left,
    /// Next value / move the flag cursor right.
    Right,
    /// Toggle the flag under the cursor, or the boolean.
    Toggle,
    /// Type a value for the selected parameter.
    Edit,
    /// Parameters back to the scenario's defaults.
    Reset,
    /// Next scenario in lesson order.
    NextScenario,
    /// Previous scenario in lesson order.
    PrevScenario,
    /// English ⇄ Chinese.
    ToggleLang,
    /// dark → light → mono.
    CycleTheme,
    /// Presenter mode on or off.
    TogglePresenter,
    /// Help overlay on or off.
    Help,
    /// Copy the current run as text (OSC 52).
    Copy,
    /// Close the overlay or the editor; else quit (`q`).
    Back,
    /// Close the overlay or the editor; never quits (`Esc`: one press too many in front of
    /// a class must not end the lab).
    Close,
    /// Quit at once (Ctrl-C).
    Quit,
    /// A character typed into the value editor.
    EditChar(char),
    /// Erase the editor's last character.
    EditBackspace,
    /// Clear the editor's text (Ctrl-U).
    EditClear,
    /// Apply the editor's text.
    EditApply,
    /// Close the editor without applying.
    EditCancel,
    /// A mouse click at a screen cell.
    Click {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
    },
    /// The mouse wheel over a screen cell.
    Scroll {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
        /// Towards the end of the content.
        down: bool,
    },
    /// A key came from an input method (a Chinese character): say how to switch it off.
    ImeHint,
    /// Apply the scenario's next declared variant (without running).
    NextVariant,
    /// Apply variant N (1-based) of the scenario.
    Variant(u8),
    /// Open the prediction picker.
    Predict,
    /// Record the highlighted prediction.
    PickerChoose,
    /// Close the picker without predicting.
    PickerCancel,
    /// The demo's next step.
    DemoNext,
    /// The demo's previous step.
    DemoPrev,
    /// `/`: filter the scenario list.
    Filter,
    /// A character typed into the filter.
    FilterChar(char),
    /// Erase the filter's last character.
    FilterBackspace,
    /// Select the highlighted match and close the filter.
    FilterApply,
    /// Clear the filter.
    FilterCancel,
}

/// Everything the main loop feeds the app: terminal events and the lab's own.
#[derive(Debug)]
pub enum AppEvent {
    /// A key.
    Key(KeyEvent),
    /// A mouse event (only with `--mouse`).
    Mouse(MouseEvent),
    /// The terminal's new size.
    Resize(u16, u16),
    /// Time passed: advance the spinner and the elapsed time.
    Tick,
    /// A run came back from the worker thread: the record, or why the lab could not run it.
    RunFinished {
        /// The ticket the run was started with (a stale result is ignored).
        ticket: u64,
        /// The record, or the engine's error as text.
        result: Result<Box<Record>, String>,
    },
    /// A repeated run (`repeat`) starts its run `run` of `of`.
    Progress {
        /// The ticket the run was started with (a stale count is not drawn).
        ticket: u64,
        /// The run that starts, counted from 1.
        run: u32,
        /// How many runs there are.
        of: u32,
    },
    /// A stepped run is held at a stop: its processes wait for the next command.
    Stopped {
        /// The ticket the run was started with (a stale stop is ignored).
        ticket: u64,
        /// Where it is held, and the record so far.
        stop: Box<mmap_lab_engine::engine::Stop>,
    },
    /// SIGTERM, SIGHUP or SIGINT arrived: leave, restoring the terminal.
    Terminate,
}

impl AppEvent {
    /// The app event for a terminal event, if it matters.
    pub fn from_terminal(event: Event) -> Option<AppEvent> {
        match event {
            // Some terminals report releases and repeats too: count each key once.
            Event::Key(key) if key.kind == KeyEventKind::Press => Some(AppEvent::Key(key)),
            Event::Mouse(m) => Some(AppEvent::Mouse(m)),
            Event::Resize(w, h) => Some(AppEvent::Resize(w, h)),
            _ => None,
        }
    }
}

/// What the keyboard is talking to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The panes.
    Normal,
    /// The inline value editor.
    Editing,
    /// The help overlay.
    Help,
    /// The prediction picker.
    Picking,
    /// Typing into the scenario list's filter.
    Filtering,
}

/// Where a command applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere (unless the editor is open).
    Global,
    /// In one pane.
    Pane(Focus),
    /// While the value editor is open.
    Editor,
    /// While the help overlay is open.
    Help,
    /// While the prediction picker is open.
    Picker,
    /// While the list's filter is open.
    Filter,
}

/// One key that triggers an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The key.
    pub code: KeyCode,
    /// Whether Ctrl must be held.
    pub ctrl: bool,
    /// What it does.
    pub action: Action,
}

/// One line of the footer and the help: keys, what they do, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// Where it applies.
    pub scope: Scope,
    /// The keys as shown (Unicode arrows).
    pub keys: &'static str,
    /// The keys as shown with `--ascii`.
    pub ascii_keys: &'static str,
    /// What it does.
    pub text: S,
    /// The keys and their actions (empty: a hint only, such as typing in the editor).
    pub bindings: &'static [Binding],
    /// The panes whose footer shows it.
    pub footer: &'static [Focus],
}
