//! The lab's state, and the one place it changes: [`App::apply`] for actions and
//! [`App::handle`] for events. Nothing here touches the terminal or runs an experiment:
//! both come back as an [`Effect`] for the main loop to carry out, so every state change is
//! testable without a terminal and without a kernel.

mod course;
mod filter;
mod form;
mod predict;
mod run;

use super::border::Glyphs;
use super::event::{action_for, mouse_action, Action, AppEvent, Mode};
use super::revealed::{Revealed, Shown};
pub use super::scenario_state::RunResult;
use super::state::{Focus, Layout, Options};
use super::theme::Theme;
use super::theme::ThemeName;
use crate::report;
use crossterm::event::KeyEventKind;
use mmap_lab_engine::blame::{self, Call};
use mmap_lab_engine::engine::{Command, Side, Stop};
use mmap_lab_engine::pagemap::{AfterRun, PageMap};
use mmap_lab_engine::params::{Direction, Key, KeyKind, ParamError, Params, Value};
use mmap_lab_engine::{catalog, Lang, Lesson, Record, Scenario};
use std::time::{Duration, Instant};

/// What the main loop must do after a state change.
#[derive(Debug)]
pub enum Effect {
    /// Nothing.
    Nothing,
    /// Start a run on a worker thread; its result comes back as [`AppEvent::RunFinished`].
    /// Boxed: the parameters are much larger than the other effects.
    StartRun(Box<RunRequest>),
    /// Tell the held child of the stepped run `ticket` how to go on (the main loop owns the
    /// channel to its worker; a ticket without a live run is ignored there).
    Pace {
        /// The run.
        ticket: u64,
        /// Step, run to the end, or kill it.
        command: Command,
    },
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Leave the lab.
    Quit,
}

/// A run to start.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// Matches the result to the run.
    pub ticket: u64,
    /// The scenario.
    pub scenario: &'static Scenario,
    /// Its parameters.
    pub params: Params,
    /// The language a failure is said in.
    pub lang: Lang,
    /// At once, or held before each step.
    pub speed: Speed,
}

/// How a run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    /// From its first step to its end: `r`.
    Free,
    /// Held before each step until told to go on: `s`.
    Stepped,
}

/// A stepped run in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stepping {
    /// Its processes as of the last stop, the parent first (empty before the first).
    pub pids: Vec<(Side, i32)>,
    /// How many stops came back.
    pub stops: usize,
    /// Whether a command went to the child and its next stop has not come back yet.
    pub waiting: bool,
    /// How many steps of the record the last stop made: the step just made and those
    /// before it (the lab's own reads after it wait for the next stop).
    pub live: usize,
}

/// A run in progress.
#[derive(Debug, Clone)]
pub struct Running {
    /// The ticket of the run.
    pub ticket: u64,
    /// Index of its scenario.
    pub scenario: usize,
    /// The parameters it runs with.
    pub params: Params,
    /// When it started (for the elapsed time).
    pub started: Instant,
    /// Elapsed time as of the last tick (stored so drawing stays a pure function of state).
    pub elapsed: Duration,
    /// Set for a stepped run.
    pub stepping: Option<Stepping>,
}

/// The inline editor of a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    /// The key being edited.
    pub key: Key,
    /// The text so far.
    pub text: String,
    /// Whether the text is the old value, selected: the first key typed replaces it, the
    /// first Backspace clears it (what a student expects from every text box).
    pub selected: bool,
    /// Why the last Enter was refused.
    pub error: Option<ParamError>,
}

impl Editor {
    /// Drop the selected old value, if it is still selected; says whether it was.
    fn replace_selection(&mut self) -> bool {
        let was = std::mem::take(&mut self.selected);
        if was {
            self.text.clear();
        }
        was
    }
}

/// A message in the status line. Kept as data, not text, so `L` translates it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The run was copied.
    Copied(&'static str),
    /// Nothing to copy yet.
    NothingToCopy,
    /// A key came from an input method.
    Ime,
    /// This knob is fixed in this scenario.
    NotAKnob(Key),
    /// Parameters reset.
    Reset,
    /// A run is still going.
    AlreadyRunning,
    /// Number and text knobs are typed.
    PressE,
    /// A value was refused.
    Refused(ParamError),
    /// `s` could not hold the child before each step: the witness was off, for this reason
    /// (the run went to its end, as `r`).
    NoStepping {
        /// Why, as the record has it (said in the screen's language when drawn).
        off: Option<mmap_lab_engine::engine::WitnessOff>,
        /// The record's `witness` string, for a record without `witness_off`.
        witness: String,
    },
    /// A message of the course (variants, predictions, demos).
    Course(super::course::Note),
}

/// What the screen shows that follows from the state: recomputed by [`App::refresh`] after
/// every change, so drawing a frame never builds a plan.
#[derive(Debug, Clone)]
pub struct View {
    /// The keys shown in the form.
    pub keys: Vec<Key>,
    /// The calls the experiment will make.
    pub calls: Vec<Call>,
    /// The page map, when the experiment makes a mapping to draw.
    pub pagemap: Option<PageMap>,
    /// What the run of the current parameters left around its mapping, from the child's
    /// maps captures (`None` before a run, after a knob turns, or without a mapping).
    pub after: Option<AfterRun>,
    /// The knobs whose value differs from the scenario's defaults: their call arguments are
    /// highlighted, so the class sees what was changed.
    pub changed: Vec<Key>,
    /// Knobs the last run's outcome points at (empty until that outcome is revealed).
    pub blame: Vec<Key>,
    /// Where things are on screen for this state (measured by the drawing side).
    pub layout: Layout,
}

/// The whole state of the lab.
#[derive(Debug)]
pub struct App {
    /// What `y` copies: the Markdown report (the default) or the plain text.
    pub copy_format: crate::config::CopyFormat,
    /// Every scenario, in lesson order.
    pub scenarios: Vec<&'static Scenario>,
    /// Each scenario's state (parameters, lesson, last run, verdict, track), in the same
    /// order.
    pub states: Vec<super::scenario_state::ScenarioState>,
    /// The selected scenario.
    pub current: usize,
    /// The run in progress.
    pub running: Option<Running>,
    /// The ticket of the next run.
    pub next_ticket: u64,
    /// The focused pane.
    pub focus: Focus,
    /// Which of outcome and lesson the compact layouts show (the last one focused).
    pub bottom: Focus,
    /// The selected row of the form.
    pub param_row: usize,
    /// The cursor over the flag names (or choices) of the selected row.
    pub flag_cursor: usize,
    /// The value editor, when open.
    pub editor: Option<Editor>,
    /// The help overlay's scroll, when open.
    pub help: Option<u16>,
    /// Scroll of the outcome pane.
    pub outcome_scroll: u16,
    /// Scroll of the lesson pane.
    pub lesson_scroll: u16,
    /// The scenario list's filter while it is open (`/`), as typed.
    pub filter: Option<String>,
    /// The language of everything shown.
    pub lang: Lang,
    /// The colours.
    pub theme: Theme,
    /// The symbols.
    pub glyphs: Glyphs,
    /// Whether `--ascii` is on.
    pub ascii: bool,
    /// Presenter mode.
    pub presenter: bool,
    /// Whether mouse events are wanted.
    pub mouse: bool,
    /// `sysconf(_SC_PAGESIZE)`.
    pub page: u64,
    /// The terminal's size.
    pub size: (u16, u16),
    /// The spinner's frame.
    pub frame: usize,
    /// How far a repeated run is: its ticket, the run that started and how many there are
    /// (drawn only while that run is the one running).
    pub progress: Option<(u64, u32, u32)>,
    /// The status line's message.
    pub message: Option<Message>,
    /// Variants, progress and predictions.
    pub course: super::course::Course,
    /// The prediction picker and the verdicts.
    pub predictions: super::predict::Predictions,
    /// Derived from the state.
    pub view: View,
    /// How the drawing side measures the screen (injected, so this module imports no
    /// drawing code).
    measure: fn(&App) -> Layout,
}

/// Longest text the editor accepts: more is never a valid value.
const EDITOR_MAX: usize = 64;

impl App {
    /// A lab in its starting state. `page` is the kernel's page size; `size` the terminal's.
    /// An unknown `--scenario` was refused before this point; here it falls back to the first.
    ///
    /// `measure` is how the drawing side measures the screen ([`Layout`]): the TUI passes
    /// its `ui::layout` (see `App::new` in `tui/mod.rs`); the state code only stores and reads
    /// it.
    pub fn with_layout(
        opts: &Options,
        page: u64,
        size: (u16, u16),
        measure: fn(&App) -> Layout,
    ) -> App {
        let scenarios = catalog::all();
        let current = opts
            .scenario
            .as_deref()
            .and_then(crate::cli::find)
            .and_then(|found| scenarios.iter().position(|s| s.id == found.id))
            .unwrap_or(0);
        let states = scenarios
            .iter()
            .map(|s| super::scenario_state::ScenarioState::new(s, page))
            .collect();
        let theme = opts.theme.unwrap_or(ThemeName::Dark);
        let focus = if opts.presenter {
            Focus::Params
        } else {
            Focus::List
        };
        let mut app = App {
            copy_format: crate::config::CopyFormat::default(),
            view: View {
                keys: Vec::new(),
                calls: Vec::new(),
                pagemap: None,
                after: None,
                changed: Vec::new(),
                blame: Vec::new(),
                layout: Layout::default(),
            },
            measure,
            scenarios,
            states,
            current,
            running: None,
            next_ticket: 1,
            focus,
            bottom: Focus::Outcome,
            param_row: 0,
            flag_cursor: 0,
            editor: None,
            help: None,
            outcome_scroll: 0,
            lesson_scroll: 0,
            filter: None,
            lang: opts.lang,
            theme: Theme::named(theme),
            glyphs: Glyphs::new(opts.ascii),
            ascii: opts.ascii,
            presenter: opts.presenter,
            mouse: opts.mouse,
            page,
            size,
            frame: 0,
            progress: None,
            message: None,
            course: super::course::Course::new(catalog::all().len()),
            predictions: super::predict::Predictions::default(),
        };
        app.refresh();
        app.flag_cursor = app.cursor_start();
        app
    }

    /// The selected scenario.
    pub fn scenario(&self) -> &'static Scenario {
        self.scenarios[self.current]
    }

    /// The selected scenario's parameters.
    pub fn current_params(&self) -> &Params {
        &self.states[self.current].params
    }

    /// The selected scenario's lesson in the current language.
    pub fn lesson(&self) -> &Lesson {
        self.states[self.current].lesson(self.lang)
    }

    /// The selected scenario's last run.
    pub fn result(&self) -> Option<&RunResult> {
        self.states[self.current].result.as_ref()
    }

    /// Whether the selected scenario is running now, with nothing of it to show yet (a
    /// stepped run held at a stop shows its record so far instead).
    pub fn running_here(&self) -> bool {
        self.running.as_ref().is_some_and(|r| {
            r.scenario == self.current && r.stepping.as_ref().is_none_or(|s| s.stops == 0)
        })
    }

    /// The processes of the current scenario's stepped run, while they are held at a stop
    /// (the parent first): what the header shows as `/proc/PID/`.
    pub fn held_pids(&self) -> &[(Side, i32)] {
        match &self.running {
            Some(Running {
                scenario,
                stepping: Some(s),
                ..
            }) if *scenario == self.current && !s.waiting => &s.pids,
            _ => &[],
        }
    }

    /// The selected row's key.
    pub fn selected_key(&self) -> Option<Key> {
        self.view.keys.get(self.param_row).copied()
    }

    /// What the keyboard talks to.
    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            Mode::Help
        } else if self.editor.is_some() {
            Mode::Editing
        } else if self.predictions.picker.is_some() {
            Mode::Picking
        } else if self.filter.is_some() {
            Mode::Filtering
        } else {
            Mode::Normal
        }
    }

    /// The panes Tab cycles through: presenter mode hides the list and the lesson.
    pub fn panes(&self) -> &'static [Focus] {
        if self.presenter {
            &[Focus::Params, Focus::Outcome]
        } else {
            &[Focus::List, Focus::Params, Focus::Outcome, Focus::Lesson]
        }
    }

    /// Recompute what follows from the state. Called at the end of every change.
    pub fn refresh(&mut self) {
        let scenario = self.scenario();
        let params = &self.states[self.current].params;
        let plan = (scenario.build)(params, self.page);
        self.view.keys = scenario.shown_keys();
        // The knob the lesson is about comes first: the selected row when the scenario
        // opens, and visible at every layout.
        if let Some(i) = scenario
            .lesson_key()
            .and_then(|k| self.view.keys.iter().position(|&s| s == k))
        {
            let k = self.view.keys.remove(i);
            self.view.keys.insert(0, k);
        }
        self.view.calls = blame::describe_calls(&plan);
        self.view.pagemap = PageMap::from_plan(&plan, self.page);
        let defaults = (scenario.defaults)(self.page);
        self.view.changed = scenario
            .shown_keys()
            .into_iter()
            .filter(|&k| params.value(k) != defaults.value(k))
            .collect();
        let done = self.shown().done();
        let after = match (done, &self.view.pagemap) {
            (Some(record), Some(map)) if map.copy_window.is_none() => {
                AfterRun::from_run(&record.run).map(|a| a.with_plan_pages(map))
            }
            _ => None,
        };
        let blame = match done {
            Some(record) => blame::blame(params, record.run.page_size, &record.run.outcome),
            None => Vec::new(),
        };
        self.view.after = after;
        self.view.blame = blame;
        // Only knobs on screen: the rules also name knobs other scenarios show.
        let keys = &self.view.keys;
        self.view.blame.retain(|k| keys.contains(k));
        self.param_row = self.param_row.min(self.view.keys.len().saturating_sub(1));
        if !self.panes().contains(&self.focus) {
            self.focus = Focus::Params;
        }
        self.view.layout = (self.measure)(self);
    }

    /// React to an event from the terminal, the worker or a signal.
    pub fn handle(&mut self, event: AppEvent) -> Effect {
        let effect = match event {
            AppEvent::Key(key) if key.kind != KeyEventKind::Press => Effect::Nothing,
            AppEvent::Key(key) => {
                // Whatever was said is answered by the next key.
                self.message = None;
                match action_for(key, self.mode(), self.focus) {
                    Some(action) => self.apply(action),
                    None => Effect::Nothing,
                }
            }
            AppEvent::Mouse(m) if self.mouse => match mouse_action(m) {
                Some(action) => self.apply(action),
                None => Effect::Nothing,
            },
            AppEvent::Mouse(_) => Effect::Nothing,
            AppEvent::Resize(w, h) => {
                self.size = (w, h);
                Effect::Nothing
            }
            AppEvent::Tick => {
                self.frame = self.frame.wrapping_add(1);
                if let Some(r) = &mut self.running {
                    r.elapsed = r.started.elapsed();
                }
                Effect::Nothing
            }
            AppEvent::RunFinished { ticket, result } => {
                self.finish(ticket, result);
                Effect::Nothing
            }
            AppEvent::Progress { ticket, run, of } => {
                self.progress = Some((ticket, run, of));
                Effect::Nothing
            }
            AppEvent::Stopped { ticket, stop } => self.stopped(ticket, *stop),
            AppEvent::Terminate => Effect::Quit,
        };
        if matches!(effect, Effect::Quit) {
            self.persist();
        }
        self.refresh();
        effect
    }

    /// Carry out one action. The one place the state changes.
    pub fn apply(&mut self, action: Action) -> Effect {
        let effect = self.apply_inner(action);
        self.drop_stale_prediction();
        // Another experiment now (a knob, a variant, a reset, a demo step, another
        // scenario): a held child of the old one is killed, never left waiting.
        let force = matches!(
            action,
            Action::Reset
                | Action::NextVariant
                | Action::Variant(_)
                | Action::DemoNext
                | Action::DemoPrev
        );
        let kill = self.end_stale_stepping(force);
        self.refresh();
        match (effect, kill) {
            (Effect::Nothing, Some(kill)) => kill,
            (effect, _) => effect,
        }
    }

    fn apply_inner(&mut self, action: Action) -> Effect {
        if let Some(effect) = self.apply_filter(action) {
            return effect;
        }
        match action {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-10),
            Action::PageDown => self.step(10),
            Action::Home => self.step(-100_000),
            Action::End => self.step(100_000),
            Action::NextPane => self.cycle_focus(1),
            Action::PrevPane => self.cycle_focus(-1),
            Action::Run => return self.run_key(),
            Action::Step => return self.step_key(),
            Action::StepBack => self.step_back(),
            Action::Left => self.turn(-1),
            Action::Right => self.turn(1),
            Action::Toggle => self.toggle(),
            Action::Edit => self.open_editor(),
            Action::Reset => {
                self.states[self.current].params = (self.scenario().defaults)(self.page);
                self.forget_prediction();
                self.editor = None;
                self.message = Some(Message::Reset);
            }
            // The next scenario opens with its knobs in hand, never with its answer focused.
            Action::NextScenario => {
                self.select(self.current.saturating_add(1));
                self.focus = Focus::Params;
            }
            Action::PrevScenario => {
                self.select(self.current.saturating_sub(1));
                self.focus = Focus::Params;
            }
            Action::ToggleLang => self.lang = self.lang.other(),
            Action::CycleTheme => self.theme = Theme::named(self.theme.name.next()),
            Action::TogglePresenter => {
                self.presenter = !self.presenter;
                if !self.panes().contains(&self.focus) {
                    self.focus = Focus::Params;
                }
            }
            Action::Help => {
                self.help = match self.help {
                    Some(_) => None,
                    None => Some(0),
                }
            }
            Action::Copy => return self.copy(),
            Action::Back => {
                if self.help.is_some() {
                    self.help = None;
                } else if self.editor.is_some() {
                    self.editor = None;
                } else {
                    return Effect::Quit;
                }
            }
            Action::Close => {
                self.help = None;
                self.editor = None;
            }
            Action::Quit => return Effect::Quit,
            Action::EditChar(c) => {
                if let Some(ed) = &mut self.editor {
                    ed.replace_selection();
                    if ed.text.chars().count() < EDITOR_MAX && !c.is_control() {
                        ed.text.push(c);
                    }
                }
            }
            Action::EditBackspace => {
                if let Some(ed) = &mut self.editor {
                    if !ed.replace_selection() {
                        ed.text.pop();
                    }
                }
            }
            Action::EditClear => {
                if let Some(ed) = &mut self.editor {
                    ed.text.clear();
                    ed.selected = false;
                }
            }
            Action::EditApply => self.apply_editor(),
            Action::EditCancel => self.editor = None,
            Action::Click { x, y } => self.click(x, y),
            Action::Scroll { x, y, down } => {
                if let Some(pane) = self.view.layout.pane_at(x, y) {
                    if self.help.is_none() && self.editor.is_none() {
                        self.set_focus(pane);
                    }
                }
                self.step(if down { 3 } else { -3 });
            }
            Action::ImeHint => self.message = Some(Message::Ime),
            Action::Filter => self.open_filter(),
            // Only while the filter is open (handled above).
            Action::FilterChar(_)
            | Action::FilterBackspace
            | Action::FilterApply
            | Action::FilterCancel => {}
            Action::NextVariant => self.apply_variant(None),
            Action::Variant(n) => self.apply_variant(Some(usize::from(n))),
            Action::Predict => self.open_picker(),
            Action::PickerChoose => self.choose_prediction(),
            Action::PickerCancel => self.close_picker(),
            Action::DemoNext => self.demo_step(1),
            Action::DemoPrev => self.demo_step(-1),
        }
        Effect::Nothing
    }

    /// Move within the focused pane (or the help) by `delta` rows.
    fn step(&mut self, delta: i32) {
        if let Some(scroll) = self.help {
            self.help = Some(add(scroll, delta).min(self.view.layout.max_help));
            return;
        }
        if self.editor.is_some() {
            return;
        }
        if self.predictions.picker.is_some() {
            self.move_picker(delta);
            return;
        }
        match self.focus {
            Focus::List => {
                let last = self.scenarios.len().saturating_sub(1) as i64;
                let to = (self.current as i64 + i64::from(delta)).clamp(0, last);
                self.select(to as usize);
            }
            Focus::Params => {
                let last = self.view.keys.len().saturating_sub(1) as i64;
                let to = (self.param_row as i64 + i64::from(delta)).clamp(0, last) as usize;
                if to != self.param_row {
                    self.param_row = to;
                    self.flag_cursor = self.cursor_start();
                }
            }
            Focus::Outcome => {
                self.outcome_scroll =
                    add(self.outcome_scroll, delta).min(self.view.layout.max_outcome);
            }
            Focus::Lesson => {
                self.lesson_scroll =
                    add(self.lesson_scroll, delta).min(self.view.layout.max_lesson);
            }
        }
    }

    fn cycle_focus(&mut self, delta: i32) {
        let panes = self.panes();
        let at = panes.iter().position(|p| *p == self.focus).unwrap_or(0) as i32;
        let n = panes.len() as i32;
        self.set_focus(panes[(at + delta).rem_euclid(n) as usize]);
    }

    fn set_focus(&mut self, pane: Focus) {
        self.focus = pane;
        if matches!(pane, Focus::Outcome | Focus::Lesson) {
            self.bottom = pane;
        }
    }

    /// Whether the selected scenario's lesson shows only its question: until the run of
    /// these parameters is revealed to its end (or the student unfolds it), the rule and
    /// the later sections would give the answer away.
    pub fn lesson_folded(&self) -> bool {
        !self.shown().complete && !self.states[self.current].unfolded
    }

    /// Select scenario `i` (clamped), keeping its own parameters.
    pub fn select(&mut self, i: usize) {
        let i = i.min(self.scenarios.len().saturating_sub(1));
        if i != self.current {
            self.current = i;
            self.editor = None;
            self.outcome_scroll = 0;
            self.lesson_scroll = 0;
            self.param_row = 0;
            self.refresh();
            self.flag_cursor = self.cursor_start();
        }
    }

    fn copy(&mut self) -> Effect {
        let scenario = self.scenario();
        let text = match self.result() {
            Some(RunResult {
                params,
                outcome: Ok(record),
                revealed: super::revealed::Revealed::All,
            }) => match self.copy_format {
                crate::config::CopyFormat::Markdown => {
                    crate::markdown::report(scenario, params, record, self.lang)
                }
                crate::config::CopyFormat::Text => {
                    report::record_text(scenario, params, record, self.lang)
                }
            },
            _ => {
                self.message = Some(Message::NothingToCopy);
                return Effect::Nothing;
            }
        };
        self.message = Some(Message::Copied(scenario.id));
        Effect::Copy(text)
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.help.is_some() {
            self.help = None;
            return;
        }
        let Some(pane) = self.view.layout.pane_at(x, y) else {
            return;
        };
        if self.editor.is_some() {
            return;
        }
        self.set_focus(pane);
        match pane {
            Focus::List => {
                if let Some(i) = self.view.layout.list_hit(y) {
                    self.select(i);
                }
            }
            Focus::Params => {
                if let Some(row) = self.view.layout.param_hit(y) {
                    if row != self.param_row {
                        self.param_row = row;
                        self.flag_cursor = self.cursor_start();
                    }
                }
            }
            Focus::Outcome | Focus::Lesson => {}
        }
    }
}

/// `value + delta`, within `u16`.
fn add(value: u16, delta: i32) -> u16 {
    (i32::from(value) + delta).clamp(0, i32::from(u16::MAX)) as u16
}

/// A lab on scenario `id`, in English at 100×30, for the unit tests of the TUI's modules.
impl App {
    /// What the panes may draw of the current scenario's run: the record of the current
    /// parameters and how much of it is revealed. A record of other parameters shows
    /// nothing (a knob turned since: the class predicts the new answer).
    pub fn shown(&self) -> Shown<'_> {
        self.states[self.current].shown()
    }
}

/// The options of a student's session on scenario `id`, in English.
#[cfg(test)]
pub(crate) fn test_options(id: &str) -> Options {
    Options {
        scenario: Some(id.to_string()),
        lang: Lang::En,
        presenter: false,
        theme: None,
        ascii: false,
        mouse: false,
    }
}

#[cfg(test)]
pub(crate) fn test_app(id: &str) -> App {
    App::new(&test_options(id), 4096, (100, 30))
}

#[cfg(test)]
mod tests;
