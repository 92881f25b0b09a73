//! The frame's bars around the panes: the title bar (where the lessons are, the lab's
//! settings), the status line, the footer of keys.

use super::course;
use super::text;
use crate::strings::{self, t, S};
use crate::tui::app::{App, Message};
use crate::tui::event::{footer, Mode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The title bar: where we are in the lessons, and the lab's settings.
pub(super) fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, app.theme.title);
    // A run still being stepped through has not run yet.
    let done = app
        .states
        .iter()
        .filter_map(|s| s.result.as_ref())
        .filter(|r| match &r.outcome {
            Ok(record) => record.run.held.is_none(),
            Err(_) => true,
        })
        .count();
    let theme = match app.theme.name {
        crate::tui::ThemeName::Dark => S::ThemeDark,
        crate::tui::ThemeName::Light => S::ThemeLight,
        crate::tui::ThemeName::Mono => S::ThemeMono,
    };
    // The counters first, then the demo's step, then the settings; what does not fit beside
    // the title goes from the end (theme, language, page size, then the demo's step, which
    // has its own line). The counters stay.
    let mut parts = course::header_extra(app);
    let demo = app.demo_position().is_some();
    parts.insert(
        parts.len() - usize::from(demo),
        strings::run_count(done, app.scenarios.len(), app.lang),
    );
    parts.push(format!("{} {}", t(S::PageSize, app.lang), app.page));
    parts.push(t(S::LangName, app.lang).to_string());
    parts.push(t(theme, app.lang).to_string());
    let joined = |parts: &[String]| format!(" {} ", parts.join(" · "));
    // The settings and the demo's step only beside the whole title with its id; the
    // counters beside 30 cells of it.
    let title = text::width(&format!(
        " {}/{} {} · {}",
        app.scenario().order(),
        app.scenarios.len(),
        app.scenario().id,
        app.lesson().title
    )) + 1;
    let counters = parts.len() - 3 - usize::from(demo);
    let mut keep = parts.len();
    while keep > counters && (area.width as usize) < text::width(&joined(&parts[..keep])) + title {
        keep -= 1;
    }
    let right = joined(&parts[..keep]);
    let (left, show_right) = header_left(app, area.width, text::width(&right));
    let rw = text::width(&right) as u16;
    let left_w = if show_right {
        area.width - rw
    } else {
        area.width
    };
    buf.set_stringn(
        area.x,
        area.y,
        text::truncate(&left, left_w as usize),
        left_w as usize,
        app.theme.title,
    );
    if show_right {
        buf.set_stringn(
            area.right() - rw,
            area.y,
            &right,
            rw as usize,
            app.theme.title,
        );
    }
}

/// The left of the title bar, and whether the settings on the right fit beside it (when 30
/// cells are left for the title, as always). When room is short the lab's name goes first,
/// then the id is shortened, then left out; the scenario's number and title stay (a class
/// reads the title), and only a title that does not fit alone is truncated, never while the
/// id is shown.
pub(super) fn header_left(app: &App, width: u16, right: usize) -> (String, bool) {
    let s = app.scenario();
    let title = &app.lesson().title;
    let number = format!("{}/{}", s.order(), app.scenarios.len());
    let show_right = width as usize >= right + 30;
    let room = if show_right {
        width as usize - right
    } else {
        width as usize
    };
    let with_id = |id: &str| format!(" {number} {id} · {title}");
    let keep = room.saturating_sub(text::width(&with_id("")));
    let candidates = [
        Some(format!(" mmap-lab · {number} {} · {title}", s.id)),
        Some(with_id(s.id)),
        // The id shortened to what the rest leaves (at least four letters and `…`).
        (keep >= 5).then(|| with_id(&text::truncate(s.id, keep))),
        Some(format!(" {number} {title}")),
    ];
    let fits = candidates
        .into_iter()
        .flatten()
        .find(|c| text::width(c) <= room);
    (
        fits.unwrap_or_else(|| format!(" {number} {title}")),
        show_right,
    )
}

/// The status message as text in the current language.
pub fn message_text(app: &App, m: &Message) -> String {
    let lang = app.lang;
    match m {
        Message::Copied(id) => strings::copied(id, lang),
        Message::NothingToCopy => t(S::NothingToCopy, lang).to_string(),
        Message::Ime => t(S::ImeHint, lang).to_string(),
        Message::NotAKnob(key) => strings::not_a_knob(*key, lang),
        Message::Reset => t(S::ResetDone, lang).to_string(),
        Message::AlreadyRunning => t(S::AlreadyRunning, lang).to_string(),
        Message::NoStepping { off, witness } => {
            let why = mmap_lab_engine::engine::record::witness_why(off.as_ref(), witness, lang);
            strings::no_stepping(&why, lang)
        }
        Message::PressE => t(S::PressE, lang).to_string(),
        Message::Refused(err) => strings::param_error(err, lang),
        Message::Course(note) => crate::tui::course::note_text(note, lang),
    }
}

/// The status line: the message, or the run in progress.
/// How long a run goes on, after which run of a repeated experiment is going on when the
/// worker said so: `run 37 of 1000 · running 1.2 s`.
pub fn running_text(app: &App, r: &crate::tui::app::Running) -> String {
    let time = strings::running_for(r.elapsed.as_millis(), app.lang);
    match app.progress {
        Some((ticket, run, of)) if ticket == r.ticket => {
            format!("{} · {time}", strings::run_of(run, of, app.lang))
        }
        _ => time,
    }
}

pub(super) fn render_message(app: &App, area: Rect, buf: &mut Buffer) {
    let text = match (&app.message, &app.running) {
        (Some(m), _) => message_text(app, m),
        // A stepped run held at a stop is not running: its line in the call pane says so.
        (None, Some(r)) if r.stepping.as_ref().is_none_or(|s| s.stops == 0) => format!(
            "{} {} · {}",
            app.glyphs.spinner[app.frame % app.glyphs.spinner.len()],
            app.scenarios[r.scenario].id,
            running_text(app, r)
        ),
        (None, _) => return,
    };
    buf.set_stringn(
        area.x + 1,
        area.y,
        text::truncate(&text, area.width.saturating_sub(2) as usize),
        area.width.saturating_sub(1) as usize,
        app.theme.message,
    );
}

/// The footer: the keys that matter where the focus is, `? help` last. Without a status line
/// a message takes the footer's place until the next key.
pub(super) fn render_footer(app: &App, area: Rect, with_message: bool, buf: &mut Buffer) {
    if with_message {
        if let Some(m) = &app.message {
            let help = crate::tui::event::help_command();
            let tail = format!("  {} {}", key_label(app, help), t(help.text, app.lang));
            let tw = text::width(&tail);
            let room = (area.width as usize).saturating_sub(tw + 1);
            let line = Line::from(vec![
                Span::styled(
                    format!(" {}", text::truncate(&message_text(app, m), room)),
                    app.theme.message,
                ),
                Span::styled(tail, app.theme.dim),
            ]);
            buf.set_line(area.x, area.y, &line, area.width);
            return;
        }
    }
    let mode: Mode = app.mode();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let commands = footer(mode, app.focus);
    let last = commands.len().saturating_sub(1);
    let width_of = |c: &crate::tui::event::Command| {
        text::width(key_label(app, c)) + 1 + text::width(t(c.text, app.lang)) + 2
    };
    // Keep `? help` and `r run` whatever happens: drop the other hints that do not fit.
    let kept = |i: usize| {
        i == last
            || commands[i]
                .bindings
                .iter()
                .any(|b| b.action == crate::tui::event::Action::Run)
    };
    let mut reserved: usize = (0..commands.len())
        .filter(|&i| kept(i))
        .map(|i| width_of(commands[i]))
        .sum();
    for (i, c) in commands.iter().enumerate() {
        let w = width_of(c);
        if kept(i) {
            reserved = reserved.saturating_sub(w);
        } else if used + w + reserved > area.width as usize {
            continue;
        }
        spans.push(Span::styled(key_label(app, c).to_string(), app.theme.key));
        spans.push(Span::styled(
            format!(" {}  ", t(c.text, app.lang)),
            app.theme.dim,
        ));
        used += w;
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// The keys of a command as shown: arrows, or their names with `--ascii`.
pub fn key_label(app: &App, c: &crate::tui::event::Command) -> &'static str {
    if app.ascii {
        c.ascii_keys
    } else {
        c.keys
    }
}
