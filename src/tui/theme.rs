//! Named styles: every colour the lab uses is chosen here, once per theme.
//!
//! Three themes: `dark` and `light` for the usual terminal backgrounds (light avoids yellow and
//! cyan, which wash out on white and on projectors), and `mono`, which uses no colour at all,
//! only bold, reversed, underline and dim (for `NO_COLOR`, and for black-and-white
//! projectors). Every status also has a word or a glyph, so no theme relies on colour alone.

use ratatui::style::{Color, Modifier, Style};

/// The styles of one theme, by what they mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Which theme this is.
    pub name: ThemeName,
    /// Ordinary text.
    pub text: Style,
    /// Secondary text: docs, engine-added steps, knobs this scenario keeps fixed.
    pub dim: Style,
    /// The title bar.
    pub title: Style,
    /// A pane's border when it does not have the focus.
    pub border: Style,
    /// The focused pane's border and title.
    pub focus: Style,
    /// The selected row of the focused pane.
    pub selected: Style,
    /// The selected row of a pane without the focus.
    pub selected_idle: Style,
    /// Topic headings in the scenario list.
    pub heading: Style,
    /// A success.
    pub ok: Style,
    /// A call that failed with an errno.
    pub errno: Style,
    /// A signal.
    pub signal: Style,
    /// A timeout, or a run that could not happen.
    pub timeout: Style,
    /// "OK, but…": every call succeeded, and the run did something not meant (its own
    /// colour: neither the green of OK nor the red of an errno).
    pub warning: Style,
    /// The argument the rule points at, after a run.
    pub blame: Style,
    /// The mmap call itself in the call pane.
    pub call: Style,
    /// Key caps in the footer and the help.
    pub key: Style,
    /// Messages in the status line.
    pub message: Style,
    /// The inline value editor.
    pub editor: Style,
    /// A value that did not parse.
    pub error: Style,
    /// Page map: pages backed by the file (or zero-filled anonymous pages).
    pub zone_ok: Style,
    /// Page map: mapped pages past the end of the file.
    pub zone_bus: Style,
    /// Page map: not mapped.
    pub zone_segv: Style,
    /// Page map: the pointer and the access.
    pub pointer: Style,
    /// The huge outcome word in presenter mode, by outcome.
    pub big_ok: Style,
    /// See [`Theme::big_ok`].
    pub big_errno: Style,
    /// See [`Theme::big_ok`].
    pub big_signal: Style,
    /// Before any run, in presenter mode.
    pub big_idle: Style,
    /// Presenter mode's huge "OK, BUT".
    pub big_warning: Style,
}

impl Theme {
    /// The theme called `name`.
    pub fn named(name: ThemeName) -> Theme {
        match name {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::Mono => Theme::mono(),
        }
    }

    fn dark() -> Theme {
        let fg = |c: Color| Style::new().fg(c);
        Theme {
            name: ThemeName::Dark,
            text: Style::new(),
            dim: fg(Color::DarkGray),
            title: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            border: fg(Color::DarkGray),
            focus: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            selected_idle: Style::new().add_modifier(Modifier::REVERSED),
            heading: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ok: fg(Color::LightGreen).add_modifier(Modifier::BOLD),
            errno: fg(Color::LightRed).add_modifier(Modifier::BOLD),
            signal: fg(Color::LightMagenta).add_modifier(Modifier::BOLD),
            timeout: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            // Orange: apart from the green OK, the red errno and the magenta signal.
            warning: fg(Color::Rgb(255, 160, 40)).add_modifier(Modifier::BOLD),
            blame: Style::new()
                .fg(Color::Black)
                .bg(Color::LightRed)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            call: fg(Color::White).add_modifier(Modifier::BOLD),
            key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            message: fg(Color::Yellow),
            editor: Style::new()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
            error: fg(Color::LightRed).add_modifier(Modifier::BOLD),
            zone_ok: fg(Color::Green),
            zone_bus: fg(Color::LightMagenta),
            zone_segv: fg(Color::LightRed),
            pointer: fg(Color::White).add_modifier(Modifier::BOLD),
            big_ok: fg(Color::LightGreen).add_modifier(Modifier::BOLD),
            big_errno: fg(Color::LightRed).add_modifier(Modifier::BOLD),
            big_signal: fg(Color::LightMagenta).add_modifier(Modifier::BOLD),
            big_idle: fg(Color::White).add_modifier(Modifier::BOLD),
            big_warning: fg(Color::Rgb(255, 160, 40)).add_modifier(Modifier::BOLD),
        }
    }

    fn light() -> Theme {
        let fg = |c: Color| Style::new().fg(c);
        Theme {
            name: ThemeName::Light,
            text: fg(Color::Black),
            dim: fg(Color::DarkGray),
            title: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            border: fg(Color::Gray),
            focus: fg(Color::Blue).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            selected_idle: Style::new().add_modifier(Modifier::REVERSED),
            heading: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            ok: fg(Color::Green).add_modifier(Modifier::BOLD),
            errno: fg(Color::Red).add_modifier(Modifier::BOLD),
            signal: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            timeout: fg(Color::Blue).add_modifier(Modifier::BOLD),
            // Dark orange: readable on white, unlike yellow.
            warning: fg(Color::Rgb(160, 70, 0)).add_modifier(Modifier::BOLD),
            blame: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            call: fg(Color::Black).add_modifier(Modifier::BOLD),
            key: fg(Color::Blue).add_modifier(Modifier::BOLD),
            message: fg(Color::Magenta),
            editor: Style::new()
                .fg(Color::White)
                .bg(Color::Black)
                .add_modifier(Modifier::BOLD),
            error: fg(Color::Red).add_modifier(Modifier::BOLD),
            zone_ok: fg(Color::Green),
            zone_bus: fg(Color::Magenta),
            zone_segv: fg(Color::Red),
            pointer: fg(Color::Black).add_modifier(Modifier::BOLD),
            big_ok: fg(Color::Green).add_modifier(Modifier::BOLD),
            big_errno: fg(Color::Red).add_modifier(Modifier::BOLD),
            big_signal: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            big_idle: fg(Color::Black).add_modifier(Modifier::BOLD),
            big_warning: fg(Color::Rgb(160, 70, 0)).add_modifier(Modifier::BOLD),
        }
    }

    /// No colour anywhere: `fg` and `bg` stay `Reset`, only modifiers mark things.
    fn mono() -> Theme {
        let m = |m: Modifier| Style::new().add_modifier(m);
        Theme {
            name: ThemeName::Mono,
            text: Style::new(),
            dim: m(Modifier::DIM),
            title: m(Modifier::REVERSED | Modifier::BOLD),
            border: Style::new(),
            focus: m(Modifier::BOLD),
            selected: m(Modifier::REVERSED | Modifier::BOLD),
            selected_idle: m(Modifier::UNDERLINED),
            heading: m(Modifier::BOLD | Modifier::UNDERLINED),
            ok: m(Modifier::BOLD),
            errno: m(Modifier::BOLD | Modifier::REVERSED),
            signal: m(Modifier::BOLD | Modifier::UNDERLINED),
            timeout: m(Modifier::BOLD),
            warning: m(Modifier::BOLD | Modifier::ITALIC),
            blame: m(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::BOLD),
            call: m(Modifier::BOLD),
            key: m(Modifier::BOLD),
            message: m(Modifier::BOLD),
            editor: m(Modifier::REVERSED),
            error: m(Modifier::BOLD | Modifier::UNDERLINED),
            zone_ok: Style::new(),
            zone_bus: m(Modifier::BOLD),
            zone_segv: m(Modifier::BOLD | Modifier::UNDERLINED),
            pointer: m(Modifier::BOLD),
            big_ok: m(Modifier::BOLD),
            big_errno: m(Modifier::BOLD),
            big_signal: m(Modifier::BOLD),
            big_idle: m(Modifier::BOLD),
            big_warning: m(Modifier::BOLD | Modifier::REVERSED),
        }
    }
}

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background (no yellow or cyan: they wash out on white).
    Light,
    /// No colour at all: bold, reversed, underline and symbols only.
    Mono,
}

impl ThemeName {
    /// The next theme for the `t` key: dark, light, mono, dark…
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Mono,
            ThemeName::Mono => ThemeName::Dark,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour() {
        let t = Theme::named(ThemeName::Mono);
        let all = [
            t.text,
            t.dim,
            t.title,
            t.border,
            t.focus,
            t.selected,
            t.selected_idle,
            t.heading,
            t.ok,
            t.errno,
            t.signal,
            t.timeout,
            t.warning,
            t.big_warning,
            t.blame,
            t.call,
            t.key,
            t.message,
            t.editor,
            t.error,
            t.zone_ok,
            t.zone_bus,
            t.zone_segv,
            t.pointer,
            t.big_ok,
            t.big_errno,
            t.big_signal,
            t.big_idle,
        ];
        for s in all {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }

    #[test]
    fn cycling_visits_every_theme() {
        let mut t = ThemeName::Dark;
        t = t.next();
        assert_eq!(t, ThemeName::Light);
        t = t.next();
        assert_eq!(t, ThemeName::Mono);
        assert_eq!(t.next(), ThemeName::Dark);
    }
}
