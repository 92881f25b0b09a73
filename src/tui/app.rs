//! The lab's state, and the one place it changes: [`App::apply`] for actions and
//! [`App::handle`] for events. Nothing here touches the terminal or runs an experiment:
//! both come back as an [`Effect`] for the main loop to carry out, so every state change is
//! testable without a terminal and without a kernel.

use super::border::Glyphs;
use super::event::{action_for, mouse_action, Action, AppEvent, Mode};
use super::state::{Focus, Layout, Options};
use super::theme::Theme;
use super::theme::ThemeName;
use crate::report;
use crossterm::event::KeyEventKind;
use mmap_lab_engine::blame::{self, Call};
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
}

/// A finished run of one scenario.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The parameters it ran with.
    pub params: Params,
    /// The record, or why the lab could not run it.
    pub outcome: Result<Box<Record>, String>,
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
    /// Knobs the last run's outcome points at (empty when stale).
    pub blame: Vec<Key>,
    /// Whether the shown result ran with the current parameters.
    pub fresh: bool,
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
    /// Their lessons, parsed once: `[English, Chinese]`.
    pub lessons: Vec<[Lesson; 2]>,
    /// The selected scenario.
    pub current: usize,
    /// Each scenario's parameters (edits are kept when moving between scenarios).
    pub params: Vec<Params>,
    /// Each scenario's last run.
    pub results: Vec<Option<RunResult>>,
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
    /// Scenarios whose whole lesson the student unfolded before running them (Space in the
    /// lesson pane); a run unfolds it too.
    pub unfolded: Vec<bool>,
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
        let params = scenarios.iter().map(|s| (s.defaults)(page)).collect();
        let lessons = scenarios
            .iter()
            .map(|s| [s.lesson(Lang::En), s.lesson(Lang::Zh)])
            .collect();
        let results = vec![None; scenarios.len()];
        let n = scenarios.len();
        let unfolded = vec![false; scenarios.len()];
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
                fresh: false,
                layout: Layout::default(),
            },
            measure,
            scenarios,
            lessons,
            current,
            params,
            results,
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
            unfolded,
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
            message: None,
            course: super::course::Course::new(n),
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
        &self.params[self.current]
    }

    /// The selected scenario's lesson in the current language.
    pub fn lesson(&self) -> &Lesson {
        &self.lessons[self.current][match self.lang {
            Lang::En => 0,
            Lang::Zh => 1,
        }]
    }

    /// The selected scenario's last run.
    pub fn result(&self) -> Option<&RunResult> {
        self.results[self.current].as_ref()
    }

    /// The selected scenario's last record, when the run happened.
    pub fn record(&self) -> Option<&Record> {
        self.result()
            .and_then(|r| r.outcome.as_ref().ok())
            .map(|r| &**r)
    }

    /// Whether the selected scenario is running now.
    pub fn running_here(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| r.scenario == self.current)
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
        let params = &self.params[self.current];
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
        let result = self.results[self.current].as_ref();
        self.view.fresh = result.is_some_and(|r| &r.params == params);
        self.view.after = match (result, &self.view.pagemap) {
            (
                Some(RunResult {
                    outcome: Ok(record),
                    ..
                }),
                Some(map),
            ) if self.view.fresh && map.copy_window.is_none() => {
                AfterRun::from_run(&record.run).map(|a| a.with_plan_pages(map))
            }
            _ => None,
        };
        self.view.blame = match result {
            Some(RunResult {
                params: ran,
                outcome: Ok(record),
            }) if self.view.fresh => blame::blame(ran, record.run.page_size, &record.run.outcome),
            _ => Vec::new(),
        };
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
            AppEvent::Terminate => Effect::Quit,
        };
        if matches!(effect, Effect::Quit) {
            self.persist();
        }
        self.refresh();
        effect
    }

    /// Store a run that came back, if it is the one we are waiting for.
    fn finish(&mut self, ticket: u64, result: Result<Box<Record>, String>) {
        let Some(running) = self.running.take_if(|r| r.ticket == ticket) else {
            return;
        };
        if let Ok(record) = &result {
            self.judge(running.scenario, record);
            self.record_course_run(running.scenario, &running.params);
        }
        let persist = result.is_ok();
        if running.scenario == self.current {
            self.outcome_scroll = 0;
            self.bottom = Focus::Outcome;
        }
        self.results[running.scenario] = Some(RunResult {
            params: running.params,
            outcome: result,
        });
        if persist {
            self.persist();
        }
    }

    /// Carry out one action. The one place the state changes.
    pub fn apply(&mut self, action: Action) -> Effect {
        let effect = self.apply_inner(action);
        self.refresh();
        effect
    }

    fn apply_inner(&mut self, action: Action) -> Effect {
        if let Some(effect) = super::filter::apply(self, action) {
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
            Action::Run => return self.start_run(),
            Action::Left => self.turn(-1),
            Action::Right => self.turn(1),
            Action::Toggle => self.toggle(),
            Action::Edit => self.open_editor(),
            Action::Reset => {
                self.params[self.current] = (self.scenario().defaults)(self.page);
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
            Action::Filter => super::filter::open(self),
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

    /// Whether the selected scenario's lesson shows only its question: until it has run in
    /// this session (or the student unfolds it), the rule would give the answer away.
    pub fn lesson_folded(&self) -> bool {
        self.results[self.current].is_none()
            && !self.unfolded.get(self.current).copied().unwrap_or(false)
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

    fn start_run(&mut self) -> Effect {
        if self.running.is_some() {
            self.message = Some(Message::AlreadyRunning);
            return Effect::Nothing;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let params = self.params[self.current].clone();
        self.running = Some(Running {
            ticket,
            scenario: self.current,
            params: params.clone(),
            started: Instant::now(),
            elapsed: Duration::ZERO,
        });
        Effect::StartRun(Box::new(RunRequest {
            ticket,
            scenario: self.scenario(),
            params,
            lang: self.lang,
        }))
    }

    fn copy(&mut self) -> Effect {
        let scenario = self.scenario();
        let text = match self.result() {
            Some(RunResult {
                params,
                outcome: Ok(record),
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

    /// Whether the selected key may be changed here; says why not otherwise.
    fn editable(&mut self) -> Option<Key> {
        if self.focus != Focus::Params {
            return None;
        }
        let key = self.selected_key()?;
        if self.scenario().accepts(key) {
            Some(key)
        } else {
            self.message = Some(Message::NotAKnob(key));
            None
        }
    }

    /// Store a typed value under `key`; a refusal becomes the status message.
    fn set(&mut self, key: Key, value: Value) {
        if let Err(err) = self.params[self.current].assign(key, value) {
            self.message = Some(Message::Refused(err));
        }
    }

    /// Where the cursor starts on the selected row: on the current choice.
    fn cursor_start(&self) -> usize {
        self.selected_key()
            .map_or(0, |key| key.choice_index(&self.params[self.current]))
    }

    /// ←/→ on the selected parameter: flags move the cursor over their names, other knobs
    /// step as the knob table says; a knob that can only be typed says so.
    fn turn(&mut self, delta: i32) {
        let Some(key) = self.editable() else { return };
        if let KeyKind::Flags(set) = key.kind() {
            let n = set.len() as i32;
            self.flag_cursor = (self.flag_cursor as i32 + delta).rem_euclid(n) as usize;
            return;
        }
        let direction = if delta > 0 {
            Direction::Next
        } else {
            Direction::Previous
        };
        match key.step(&self.params[self.current], direction, self.page) {
            Some(value) => {
                self.set(key, value);
                if let KeyKind::Choice(_) = key.kind() {
                    self.flag_cursor = self.cursor_start();
                }
            }
            None => self.message = Some(Message::PressE),
        }
    }

    /// Space on the selected parameter.
    fn toggle(&mut self) {
        if self.focus == Focus::Lesson {
            if let Some(u) = self.unfolded.get_mut(self.current) {
                *u = true;
            }
            return;
        }
        let Some(key) = self.editable() else { return };
        match key.toggle(&self.params[self.current], self.flag_cursor) {
            Some(value) => {
                self.set(key, value);
                if !matches!(key.kind(), KeyKind::Flags(_)) {
                    self.flag_cursor = self.cursor_start();
                }
            }
            None => self.message = Some(Message::PressE),
        }
    }

    fn open_editor(&mut self) {
        let Some(key) = self.editable() else { return };
        self.editor = Some(Editor {
            key,
            text: self.params[self.current].get(key),
            selected: true,
            error: None,
        });
    }

    fn apply_editor(&mut self) {
        let Some(ed) = self.editor.take() else { return };
        // The editor only opens on a knob the scenario takes (`editable`): parse and store.
        match self.params[self.current].set(ed.key, &ed.text) {
            Ok(()) => self.flag_cursor = self.cursor_start(),
            // Refused in place: the editor stays open with the text and the reason, the text
            // no longer selected, so the student corrects it rather than retyping it.
            Err(err) => {
                self.editor = Some(Editor {
                    error: Some(err),
                    selected: false,
                    ..ed
                })
            }
        }
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
#[cfg(test)]
pub(crate) fn test_app(id: &str) -> App {
    App::new(
        &Options {
            scenario: Some(id.to_string()),
            lang: Lang::En,
            presenter: false,
            theme: None,
            ascii: false,
            mouse: false,
        },
        4096,
        (100, 30),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: &str) -> App {
        test_app(id)
    }

    fn select_key(app: &mut App, key: Key) {
        app.apply(Action::NextPane);
        assert_eq!(app.focus, Focus::Params);
        let row = app.view.keys.iter().position(|k| *k == key).unwrap();
        for _ in 0..row {
            app.apply(Action::Down);
        }
        assert_eq!(app.selected_key(), Some(key));
    }

    #[test]
    fn typing_a_value_applies_it_or_refuses_it_in_place() {
        let mut a = app("unaligned-offset");
        select_key(&mut a, Key::Offset);
        a.apply(Action::Edit);
        assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some("1000"));
        for _ in 0..4 {
            a.apply(Action::EditBackspace);
        }
        for c in "12x".chars() {
            a.apply(Action::EditChar(c));
        }
        a.apply(Action::EditApply);
        let ed = a.editor.as_ref().expect("the editor stays open");
        assert_eq!(ed.text, "12x");
        assert!(matches!(ed.error, Some(ParamError::BadValue { .. })));
        assert_eq!(a.current_params().offset, 1000);
        for _ in 0..3 {
            a.apply(Action::EditBackspace);
        }
        for c in "4K".chars() {
            a.apply(Action::EditChar(c));
        }
        a.apply(Action::EditApply);
        assert!(a.editor.is_none());
        assert_eq!(a.current_params().offset, 4096);
        assert!(a.view.calls.iter().any(|c| c.text().ends_with("fd, 4096)")));
    }

    #[test]
    fn the_old_value_is_selected_typing_replaces_it_and_ctrl_u_clears() {
        let mut a = app("unaligned-offset");
        select_key(&mut a, Key::Offset);
        a.apply(Action::Edit);
        assert!(a.editor.as_ref().is_some_and(|e| e.selected));
        a.apply(Action::EditChar('4'));
        assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some("4"));
        a.apply(Action::EditChar('K'));
        a.apply(Action::EditClear);
        assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some(""));
        a.apply(Action::EditChar('8'));
        a.apply(Action::EditCancel);
        assert!(a.editor.is_none());
        assert_eq!(a.current_params().offset, 1000, "Esc applies nothing");
        // Backspace on the selection clears it; a refused value stays, unselected.
        a.apply(Action::Edit);
        a.apply(Action::EditBackspace);
        assert_eq!(a.editor.as_ref().map(|e| e.text.as_str()), Some(""));
        for c in "4x".chars() {
            a.apply(Action::EditChar(c));
        }
        a.apply(Action::EditApply);
        let ed = a.editor.as_ref().expect("refused: the editor stays open");
        assert_eq!((ed.text.as_str(), ed.selected), ("4x", false));
        assert!(ed.error.is_some());
        a.apply(Action::EditBackspace);
        a.apply(Action::EditChar('K'));
        a.apply(Action::EditApply);
        assert!(a.editor.is_none());
        assert_eq!(a.current_params().offset, 4096);
    }

    #[test]
    fn arrows_step_numbers_by_pages_and_cycle_choices() {
        let mut a = app("unaligned-offset");
        select_key(&mut a, Key::Offset);
        a.apply(Action::Right);
        assert_eq!(a.current_params().offset, 4096);
        a.apply(Action::Left);
        a.apply(Action::Left);
        assert_eq!(a.current_params().offset, -4096);
        let mut a = app("playground");
        select_key(&mut a, Key::File);
        a.apply(Action::Right);
        assert_eq!(a.current_params().get(Key::File), "new");
        a.apply(Action::Left);
        a.apply(Action::Left);
        assert_eq!(a.current_params().get(Key::File), "sealed-memfd");
    }

    #[test]
    fn space_toggles_the_flag_under_the_cursor() {
        let mut a = app("rdonly-prot-write");
        select_key(&mut a, Key::Flags);
        a.apply(Action::Right); // MAP_PRIVATE
        a.apply(Action::Toggle);
        assert_eq!(a.current_params().get(Key::Flags), "MAP_PRIVATE");
        a.apply(Action::Toggle);
        assert_eq!(a.current_params().get(Key::Flags), "0");
    }

    #[test]
    fn a_fixed_knob_says_so_and_does_not_change() {
        let mut a = app("unaligned-offset");
        select_key(&mut a, Key::Prot);
        let before = a.current_params().clone();
        a.apply(Action::Toggle);
        a.apply(Action::Edit);
        assert_eq!(a.current_params(), &before);
        assert!(a.editor.is_none());
        assert_eq!(a.message, Some(Message::NotAKnob(Key::Prot)));
    }

    #[test]
    fn runs_come_back_through_their_ticket() {
        let mut a = app("zero-length");
        let Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run started");
        };
        assert!(matches!(a.apply(Action::Run), Effect::Nothing));
        assert_eq!(a.message, Some(Message::AlreadyRunning));
        a.handle(AppEvent::RunFinished {
            ticket: req.ticket + 7,
            result: Err("stale".into()),
        });
        assert!(a.running.is_some());
        a.handle(AppEvent::RunFinished {
            ticket: req.ticket,
            result: Err("engine failed".into()),
        });
        assert!(a.running.is_none());
        assert!(a.result().is_some());
    }

    #[test]
    fn esc_closes_the_help_and_never_quits() {
        let mut a = app("unaligned-offset");
        a.apply(Action::Help);
        assert!(matches!(a.apply(Action::Close), Effect::Nothing));
        assert!(a.help.is_none());
        // Once more, and again: the main screen stays.
        assert!(matches!(a.apply(Action::Close), Effect::Nothing));
        assert!(matches!(a.apply(Action::Close), Effect::Nothing));
    }

    #[test]
    fn back_closes_help_then_editor_then_quits() {
        let mut a = app("unaligned-offset");
        a.apply(Action::Help);
        assert!(matches!(a.apply(Action::Back), Effect::Nothing));
        assert!(a.help.is_none());
        assert!(matches!(a.apply(Action::Back), Effect::Quit));
    }

    #[test]
    fn clicks_select_and_the_wheel_scrolls_only_with_mouse_on() {
        use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
        let click = |column, row| {
            AppEvent::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        let mut a = app("unaligned-offset");
        // 100×30 is the compact layout: the list's rows start under its title rule, with
        // the topic "Arguments" first, then munmap-shifted-pointer.
        a.handle(click(5, 3));
        assert_eq!(
            a.scenario().id,
            "unaligned-offset",
            "mouse is off by default"
        );
        a.mouse = true;
        a.handle(click(5, 3));
        assert_eq!(a.scenario().id, "munmap-shifted-pointer");
        a.apply(Action::NextPane);
        a.apply(Action::Down);
        a.apply(Action::PrevPane);
        assert_eq!(a.param_row, 1);
        // The form's first row sits under its title rule.
        a.handle(click(40, 2));
        assert_eq!(a.focus, Focus::Params);
        assert_eq!(a.param_row, 0);
        a.handle(AppEvent::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 5,
            row: 5,
            modifiers: KeyModifiers::NONE,
        }));
        assert_eq!(a.focus, Focus::List);
        assert_ne!(a.scenario().id, "munmap-shifted-pointer");
    }

    #[test]
    fn copy_needs_a_run_and_says_what_it_did() {
        let mut a = app("zero-length");
        assert!(matches!(a.apply(Action::Copy), Effect::Nothing));
        assert_eq!(a.message, Some(Message::NothingToCopy));
        let Effect::StartRun(req) = a.apply(Action::Run) else {
            panic!("no run started");
        };
        // The smallest record the JSON contract allows.
        let record: Record = serde_json::from_str(
            r#"{"scenario": "zero-length", "params": {}, "page_size": 4096,
                "privileged": false, "steps": [], "outcome": {"kind": "ok"},
                "elapsed_us": 1}"#,
        )
        .expect("a minimal record");
        a.handle(AppEvent::RunFinished {
            ticket: req.ticket,
            result: Ok(Box::new(record)),
        });
        let Effect::Copy(text) = a.apply(Action::Copy) else {
            panic!("nothing copied");
        };
        assert!(text.contains("zero-length"));
        assert_eq!(a.message, Some(Message::Copied("zero-length")));
    }

    #[test]
    fn the_copy_carries_the_warnings_and_the_command_that_reproduces_the_run() {
        for format in [
            crate::config::CopyFormat::Markdown,
            crate::config::CopyFormat::Text,
        ] {
            let mut a = app("munmap-shifted-pointer");
            a.copy_format = format;
            let scenario = a.scenario();
            a.params[a.current] = mmap_lab_engine::prepare(scenario, &["munmap_shift=4096".into()])
                .expect("a valid knob");
            a.refresh();
            let Effect::StartRun(req) = a.apply(Action::Run) else {
                panic!("no run started");
            };
            let record: Record = serde_json::from_str(
                r#"{"scenario": "munmap-shifted-pointer", "params": {}, "page_size": 4096,
                    "privileged": false, "steps": [], "elapsed_us": 1,
                    "outcome": {"kind": "ok", "warnings": [{"kind": "munmap-missed",
                        "step": 0, "addr": 4096, "bytes": 4096, "left_mapped": 4096}]}}"#,
            )
            .expect("a record");
            let warning = record.run.warnings[0].sentence(a.lang);
            a.handle(AppEvent::RunFinished {
                ticket: req.ticket,
                result: Ok(Box::new(record)),
            });
            let Effect::Copy(text) = a.apply(Action::Copy) else {
                panic!("nothing copied");
            };
            assert!(
                text.contains("⚠ OK, but…") && text.contains(&warning),
                "{text}"
            );
            assert!(
                text.contains("mmap-lab run munmap-shifted-pointer --set munmap_shift=4096"),
                "{text}"
            );
        }
    }

    #[test]
    fn presenter_mode_keeps_the_focus_on_a_visible_pane() {
        let mut a = app("out-of-bounds");
        assert_eq!(a.focus, Focus::List);
        a.apply(Action::TogglePresenter);
        assert_eq!(a.focus, Focus::Params);
        a.apply(Action::NextPane);
        assert_eq!(a.focus, Focus::Outcome);
        a.apply(Action::NextPane);
        assert_eq!(a.focus, Focus::Params);
        a.apply(Action::NextScenario);
        assert_eq!(a.scenario().id, "mmap-copy");
    }
}
