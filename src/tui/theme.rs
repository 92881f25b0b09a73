//! Named styles: every colour the lab uses is chosen here, once per theme.
//!
//! Three themes: `dark` and `light` for the usual terminal backgrounds (light avoids yellow and
//! cyan, which wash out on white and on projectors), and `mono`, which uses no colour at all,
//! only bold, reversed, underline and dim (for `NO_COLOR`, and for black-and-white
//! projectors). Every status also has a word or a glyph, so no theme relies on colour alone.

pub use crate::config::ThemeName;
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
    /// A call argument a knob changed from the scenario's defaults (underlined too, so it
    /// shows without colour).
    pub changed: Style,
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

    /// For a dark room or terminal: light text on a near-black background the theme paints
    /// itself, so a projector shows the same contrast whatever the terminal's own colours.
    /// Every colour is RGB, so its contrast can be computed (see the tests: at least 4.5:1).
    fn dark() -> Theme {
        const BG: Color = Color::Rgb(28, 28, 28);
        const TEXT: Color = Color::Rgb(228, 228, 228);
        const GREY: Color = Color::Rgb(168, 168, 168);
        const RULE: Color = Color::Rgb(138, 138, 138);
        const CYAN: Color = Color::Rgb(95, 215, 255);
        const YELLOW: Color = Color::Rgb(255, 215, 95);
        const GREEN: Color = Color::Rgb(95, 215, 95);
        const RED: Color = Color::Rgb(255, 110, 110);
        const MAGENTA: Color = Color::Rgb(255, 135, 255);
        const ORANGE: Color = Color::Rgb(255, 160, 40);
        const WHITE: Color = Color::Rgb(255, 255, 255);
        const BLACK: Color = Color::Rgb(0, 0, 0);
        let fg = |c: Color| Style::new().fg(c).bg(BG);
        let on = |f: Color, b: Color| Style::new().fg(f).bg(b).add_modifier(Modifier::BOLD);
        let bold = Modifier::BOLD;
        Theme {
            name: ThemeName::Dark,
            text: fg(TEXT),
            dim: fg(GREY),
            title: on(BLACK, CYAN),
            border: fg(RULE),
            focus: fg(CYAN).add_modifier(bold),
            selected: on(BLACK, CYAN),
            selected_idle: on(BG, TEXT),
            heading: fg(YELLOW).add_modifier(bold),
            ok: fg(GREEN).add_modifier(bold),
            errno: fg(RED).add_modifier(bold),
            signal: fg(MAGENTA).add_modifier(bold),
            timeout: fg(YELLOW).add_modifier(bold),
            // Orange: apart from the green OK, the red errno and the magenta signal.
            warning: fg(ORANGE).add_modifier(bold),
            blame: on(BLACK, RED).add_modifier(Modifier::UNDERLINED),
            changed: on(BLACK, YELLOW).add_modifier(Modifier::UNDERLINED),
            call: fg(WHITE).add_modifier(bold),
            key: fg(CYAN).add_modifier(bold),
            message: fg(YELLOW),
            editor: on(BLACK, TEXT),
            error: fg(RED).add_modifier(bold),
            zone_ok: fg(GREEN),
            zone_bus: fg(MAGENTA),
            zone_segv: fg(RED),
            pointer: fg(WHITE).add_modifier(bold),
            big_ok: fg(GREEN).add_modifier(bold),
            big_errno: fg(RED).add_modifier(bold),
            big_signal: fg(MAGENTA).add_modifier(bold),
            big_idle: fg(WHITE).add_modifier(bold),
            big_warning: fg(ORANGE).add_modifier(bold),
        }
    }

    /// For a light room: dark text on white the theme paints itself (a light theme on a dark
    /// terminal would otherwise be black on black). No yellow or cyan, which wash out on
    /// white; every colour at least 4.5:1 against white.
    fn light() -> Theme {
        const BG: Color = Color::Rgb(255, 255, 255);
        const TEXT: Color = Color::Rgb(28, 28, 28);
        const GREY: Color = Color::Rgb(88, 88, 88);
        const RULE: Color = Color::Rgb(110, 110, 110);
        const BLUE: Color = Color::Rgb(0, 60, 160);
        const MAGENTA: Color = Color::Rgb(135, 0, 135);
        const GREEN: Color = Color::Rgb(0, 120, 0);
        const RED: Color = Color::Rgb(175, 0, 0);
        const ORANGE: Color = Color::Rgb(160, 70, 0);
        const BLACK: Color = Color::Rgb(0, 0, 0);
        let fg = |c: Color| Style::new().fg(c).bg(BG);
        let on = |f: Color, b: Color| Style::new().fg(f).bg(b).add_modifier(Modifier::BOLD);
        let bold = Modifier::BOLD;
        Theme {
            name: ThemeName::Light,
            text: fg(TEXT),
            dim: fg(GREY),
            title: on(BG, BLUE),
            border: fg(RULE),
            focus: fg(BLUE).add_modifier(bold),
            selected: on(BG, BLUE),
            selected_idle: on(BG, TEXT),
            heading: fg(MAGENTA).add_modifier(bold),
            ok: fg(GREEN).add_modifier(bold),
            errno: fg(RED).add_modifier(bold),
            signal: fg(MAGENTA).add_modifier(bold),
            timeout: fg(BLUE).add_modifier(bold),
            // Dark orange: readable on white, unlike yellow.
            warning: fg(ORANGE).add_modifier(bold),
            blame: on(BG, RED).add_modifier(Modifier::UNDERLINED),
            changed: on(BG, ORANGE).add_modifier(Modifier::UNDERLINED),
            call: fg(BLACK).add_modifier(bold),
            key: fg(BLUE).add_modifier(bold),
            message: fg(MAGENTA),
            editor: on(BG, TEXT),
            error: fg(RED).add_modifier(bold),
            zone_ok: fg(GREEN),
            zone_bus: fg(MAGENTA),
            zone_segv: fg(RED),
            pointer: fg(BLACK).add_modifier(bold),
            big_ok: fg(GREEN).add_modifier(bold),
            big_errno: fg(RED).add_modifier(bold),
            big_signal: fg(MAGENTA).add_modifier(bold),
            big_idle: fg(BLACK).add_modifier(bold),
            big_warning: fg(ORANGE).add_modifier(bold),
        }
    }

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
            changed: m(Modifier::UNDERLINED | Modifier::BOLD),
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
            // Not reversed: the big letters' pixels are block characters, and reversing
            // them draws a ragged box of holes; "OK, BUT" is its own word already.
            big_warning: m(Modifier::BOLD),
        }
    }
}

/// How many colours the terminal shows, read from the environment: `NO_COLOR` (none),
/// `COLORTERM` (`truecolor`, `24bit`) and `TERM` (`*-256color`, `*-direct`; any other is
/// taken for 16 colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// No colour at all: only bold, reversed, underline…
    None,
    /// The 16 ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit RGB, as the themes are written.
    TrueColor,
}

/// Whether `NO_COLOR` is set (to anything but the empty string, as no-color.org says).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Depth {
    /// What the terminal says it shows (`COLORTERM`, `TERM`), `NO_COLOR` aside.
    pub fn of_terminal() -> Depth {
        let var = |name: &str| std::env::var(name).unwrap_or_default().to_ascii_lowercase();
        if matches!(var("COLORTERM").as_str(), "truecolor" | "24bit") {
            return Depth::TrueColor;
        }
        let term = var("TERM");
        if term.ends_with("-direct") {
            Depth::TrueColor
        } else if term.contains("256color") {
            Depth::Ansi256
        } else if term == "dumb" {
            Depth::None
        } else {
            Depth::Ansi16
        }
    }
}

/// The terminal's writer, with every colour of a frame brought to what the terminal shows:
/// RGB to the nearest of 256 or 16 colours, or, for [`Depth::None`], no colour at all, not
/// even the "default colour" resets ratatui writes after each frame (bold, reversed and
/// underline stay). One place for every colour, whichever widget chose it. A frame is held
/// until ratatui flushes it, so no escape sequence is cut in two.
pub struct Palette<W: std::io::Write> {
    inner: W,
    depth: Depth,
    frame: Vec<u8>,
}

impl<W: std::io::Write> Palette<W> {
    /// `inner` at `depth`.
    pub fn new(inner: W, depth: Depth) -> Self {
        Palette {
            inner,
            depth,
            frame: Vec::new(),
        }
    }
}

impl<W: std::io::Write> std::io::Write for Palette<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.depth == Depth::TrueColor {
            return self.inner.write(buf);
        }
        self.frame.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.frame.is_empty() {
            let frame = std::mem::take(&mut self.frame);
            self.inner.write_all(&recolour(&frame, self.depth))?;
        }
        self.inner.flush()
    }
}

/// `bytes` with each SGR sequence (`ESC [ … m`) rewritten by [`sgr_at`].
pub fn recolour(bytes: &[u8], depth: Depth) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\x1b[") {
            let params = &bytes[i + 2..];
            let len = params
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            if params.get(len) == Some(&b'm') && len > 0 {
                let text = String::from_utf8_lossy(&params[..len]);
                if let Some(kept) = sgr_at(&text, depth) {
                    out.extend_from_slice(format!("\x1b[{kept}m").as_bytes());
                }
                i += 2 + len + 1;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// An SGR's parameters at `depth`, or `None` when nothing is left of them (an empty
/// `ESC[m` would reset bold and reversed too).
fn sgr_at(params: &str, depth: Depth) -> Option<String> {
    let p: Vec<u16> = params.split(';').map(|n| n.parse().unwrap_or(0)).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let n = p[i];
        match n {
            38 | 48 | 58 => {
                let (rgb, used) = match p.get(i + 1) {
                    Some(2) if i + 4 < p.len() => (Some((p[i + 2], p[i + 3], p[i + 4])), 5),
                    Some(5) if i + 2 < p.len() => (Some(indexed_rgb(p[i + 2])), 3),
                    _ => (None, 1),
                };
                i += used;
                let Some((r, g, b)) = rgb else { continue };
                let (r, g, b) = (r.min(255) as u8, g.min(255) as u8, b.min(255) as u8);
                match depth {
                    Depth::None => {}
                    Depth::TrueColor => out.push(format!("{n};2;{r};{g};{b}")),
                    Depth::Ansi256 => out.push(format!("{n};5;{}", nearest_256(r, g, b))),
                    // No 16-colour form of an underline colour: the terminal's own is kept.
                    Depth::Ansi16 if n == 58 => {}
                    Depth::Ansi16 => {
                        let k = nearest_16(r, g, b);
                        let base = if n == 38 { 30 } else { 40 };
                        out.push(if k < 8 { base + k } else { base + 60 + k - 8 }.to_string());
                    }
                }
                continue;
            }
            30..=37 | 39 | 40..=47 | 49 | 59 | 90..=97 | 100..=107 if depth == Depth::None => {}
            _ => out.push(n.to_string()),
        }
        i += 1;
    }
    (!out.is_empty()).then(|| out.join(";"))
}

/// The 16 ANSI colours as xterm draws them.
const ANSI16: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// The RGB of xterm's colour `n`.
fn indexed_rgb(n: u16) -> (u16, u16, u16) {
    let level = |v: u16| if v == 0 { 0 } else { 55 + 40 * v };
    match n {
        0..=15 => {
            let (r, g, b) = ANSI16[usize::from(n)];
            (r.into(), g.into(), b.into())
        }
        16..=231 => {
            let n = n - 16;
            (level(n / 36), level(n / 6 % 6), level(n % 6))
        }
        _ => {
            let v = 8 + 10 * (n.min(255) - 232);
            (v, v, v)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u16, u16, u16)) -> u32 {
    let d = |x: u8, y: u16| (i32::from(x) - i32::from(y)).unsigned_abs().pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

/// The xterm colour (16–255: the cube and the greys, which every 256-colour terminal draws
/// alike) nearest to an RGB colour.
fn nearest_256(r: u8, g: u8, b: u8) -> u16 {
    (16..=255)
        .min_by_key(|n| distance((r, g, b), indexed_rgb(*n)))
        .unwrap_or(16)
}

/// The ANSI colour (0–15) of an RGB colour: by hue, not by distance (the nearest of 16 to
/// a light red is a grey). A grey goes to black, grey, white or bright white by its
/// lightness; a colour keeps the channels above 60% of its strongest, bright when that is
/// above 200.
fn nearest_16(r: u8, g: u8, b: u8) -> u16 {
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    if max - min < 30 {
        return match max {
            0..=63 => 0,
            64..=159 => 8,
            160..=223 => 7,
            _ => 15,
        };
    }
    let on = |c: u8| u16::from(u32::from(c) * 10 > u32::from(max) * 6);
    let bits = on(r) | on(g) << 1 | on(b) << 2;
    if max > 200 {
        bits + 8
    } else {
        bits
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
            t.changed,
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

    /// The big word is drawn in block pixels: reversed, each pixel becomes a hole in a
    /// ragged box. No big style reverses, in any theme.
    #[test]
    fn no_big_word_is_reversed() {
        for name in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
            let t = Theme::named(name);
            for s in [
                t.big_ok,
                t.big_errno,
                t.big_signal,
                t.big_idle,
                t.big_warning,
            ] {
                assert!(!s.add_modifier.contains(Modifier::REVERSED), "{name:?}");
            }
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

    /// The WCAG relative luminance of an RGB colour.
    fn luminance(c: Color) -> f64 {
        let Color::Rgb(r, g, b) = c else {
            panic!("{c:?} is not RGB: its contrast cannot be computed");
        };
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// The WCAG contrast ratio of two colours.
    fn contrast(a: Color, b: Color) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn dark_and_light_paint_their_background_and_every_text_style_is_readable() {
        for name in [ThemeName::Dark, ThemeName::Light] {
            let t = Theme::named(name);
            let bg = t.text.bg.expect("the theme paints its background");
            let styles = [
                ("text", t.text),
                ("dim", t.dim),
                ("title", t.title),
                ("border", t.border),
                ("focus", t.focus),
                ("selected", t.selected),
                ("selected_idle", t.selected_idle),
                ("heading", t.heading),
                ("ok", t.ok),
                ("errno", t.errno),
                ("signal", t.signal),
                ("timeout", t.timeout),
                ("warning", t.warning),
                ("blame", t.blame),
                ("changed", t.changed),
                ("call", t.call),
                ("key", t.key),
                ("message", t.message),
                ("editor", t.editor),
                ("error", t.error),
                ("zone_ok", t.zone_ok),
                ("zone_bus", t.zone_bus),
                ("zone_segv", t.zone_segv),
                ("pointer", t.pointer),
                ("big_ok", t.big_ok),
                ("big_errno", t.big_errno),
                ("big_signal", t.big_signal),
                ("big_idle", t.big_idle),
                ("big_warning", t.big_warning),
            ];
            for (what, s) in styles {
                let fg = s.fg.unwrap_or_else(|| panic!("{name:?} {what}: no colour"));
                let ratio = contrast(fg, s.bg.unwrap_or(bg));
                assert!(ratio >= 4.5, "{name:?} {what}: {ratio:.2}:1");
                assert!(
                    !s.add_modifier.contains(Modifier::DIM),
                    "{name:?} {what}: dim text washes out on a projector"
                );
            }
        }
    }

    #[test]
    fn colours_fall_back_to_what_the_terminal_shows() {
        let frame = b"\x1b[38;2;255;110;110;48;2;28;28;28mE\x1b[1;7mX\x1b[39m\x1b[49m\x1b[0m";
        let at = |d| String::from_utf8(recolour(frame, d)).unwrap();
        assert_eq!(
            at(Depth::TrueColor),
            String::from_utf8(frame.to_vec()).unwrap()
        );
        assert_eq!(
            at(Depth::Ansi256),
            "\x1b[38;5;203;48;5;234mE\x1b[1;7mX\x1b[39m\x1b[49m\x1b[0m"
        );
        assert_eq!(
            at(Depth::Ansi16),
            "\x1b[91;40mE\x1b[1;7mX\x1b[39m\x1b[49m\x1b[0m"
        );
        // No colour: bold and reversed stay, colours and their resets go, and no bare
        // `ESC[m` is left to reset the bold.
        assert_eq!(at(Depth::None), "E\x1b[1;7mX\x1b[0m");
    }
}
