#!/usr/bin/env python3
"""Turn a terminal capture with SGR escape codes (`tmux capture-pane -p -e`) into an SVG.

Reads the capture on stdin, writes the SVG on stdout. Each glyph is placed on the terminal's
grid by its own x coordinate, so box drawing and CJK text line up in any monospace font.
Used by scripts/screenshot.sh; only the standard library.
"""
import re
import sys
import unicodedata
from html import escape

CELL_W, CELL_H, FONT = 8.4, 17, 14
FG, BG = "#d0d0d0", "#1c1c1c"
BASE16 = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
          "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]


def colour256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


def apply_sgr(style, params):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style.clear()
        elif c == 1:
            style["bold"] = True
        elif c == 2:
            style["dim"] = True
        elif c == 4:
            style["underline"] = True
        elif c == 7:
            style["reverse"] = True
        elif c == 22:
            style.pop("bold", None)
            style.pop("dim", None)
        elif c == 24:
            style.pop("underline", None)
        elif c == 27:
            style.pop("reverse", None)
        elif 30 <= c <= 37 or 90 <= c <= 97:
            style["fg"] = BASE16[c - 30 if c < 90 else c - 90 + 8]
        elif 40 <= c <= 47 or 100 <= c <= 107:
            style["bg"] = BASE16[c - 40 if c < 100 else c - 100 + 8]
        elif c in (38, 48) and i + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                style[key] = colour256(codes[i + 2])
                i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                style[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                i += 4
        elif c == 39:
            style.pop("fg", None)
        elif c == 49:
            style.pop("bg", None)
        i += 1


def cells(line):
    """(column, char, style) for each glyph of one captured line."""
    style, col, out = {}, 0, []
    for m in re.finditer(r"\x1b\[([0-9;]*)m|\x1b[^a-zA-Z]*[a-zA-Z]|(.)", line):
        if m.group(2) is None:
            if m.group(0).endswith("m") and m.group(0).startswith("\x1b["):
                apply_sgr(style, m.group(1))
            continue
        ch = m.group(2)
        if unicodedata.combining(ch):
            continue
        out.append((col, ch, dict(style)))
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return out


def main():
    lines = sys.stdin.read().rstrip("\n").split("\n")
    cols = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rows = len(lines)
    w, h = cols * CELL_W + 16, rows * CELL_H + 16
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
           f'viewBox="0 0 {w:.0f} {h:.0f}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
           f'font-size="{FONT}">',
           f'<rect width="100%" height="100%" rx="6" fill="{BG}"/>',
           '<g transform="translate(8 8)" xml:space="preserve">']
    for row, line in enumerate(lines):
        y = row * CELL_H
        glyphs, fills = [], []
        for col, ch, st in cells(line):
            fg, bg = st.get("fg", FG), st.get("bg")
            if st.get("reverse"):
                fg, bg = st.get("bg", BG), st.get("fg", FG)
            width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if bg and bg != BG:
                if fills and fills[-1][0] == bg and fills[-1][2] == col:
                    fills[-1][2] = col + width
                else:
                    fills.append([bg, col, col + width])
            if ch != " ":
                key = (fg, bool(st.get("bold")), bool(st.get("dim")), bool(st.get("underline")))
                glyphs.append((key, col, ch))
        for bg, start, end in fills:
            svg.append(f'<rect x="{start * CELL_W:.1f}" y="{y}" width="{(end - start) * CELL_W + 0.5:.1f}" '
                       f'height="{CELL_H}" fill="{bg}"/>')
        # One <text> per run of glyphs in the same style, each glyph at its own cell.
        run = []
        for g in glyphs + [(None, 0, "")]:
            if run and g[0] != run[0][0]:
                fg, bold, dim, underline = run[0][0]
                attrs = f'fill="{fg}"' + (' font-weight="bold"' if bold else "")
                attrs += (' fill-opacity="0.6"' if dim else "") + (' text-decoration="underline"' if underline else "")
                xs = " ".join(f"{c * CELL_W:.1f}" for _, c, _ in run)
                text = escape("".join(ch for _, _, ch in run))
                svg.append(f'<text x="{xs}" y="{y + CELL_H - 4}" {attrs}>{text}</text>')
                run = []
            run.append(g)
    svg.append("</g></svg>")
    print("\n".join(svg))


if __name__ == "__main__":
    main()
