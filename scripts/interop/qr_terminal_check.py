#!/usr/bin/env python3
"""Check that the QR code `jigap ticket show` draws in a terminal scans, on light and dark
terminals, with an independent reader (zxing-cpp).

The terminal text is rendered to an image the way a terminal would: every character cell is
two square pixels tall (the half blocks ▀ ▄ █ paint the upper, lower or both halves in the
foreground colour, the rest is background), ANSI colour codes (SGR 30-37, 90-97, 38;5;N and the
background forms) set the colours, and text without colours takes the terminal theme's own.
Around the printed lines the terminal's background shows. zxing-cpp then reads the image with
inverted-code detection off, as many phone scanners behave.

Expected: the default output (explicit black-on-white colours) scans on both themes; so does
--invert with colours; with NO_COLOR the default scans on a light theme and --invert on a dark
one, and each of those fails on the other theme (the negative control that shows the rendering
is what is tested). Usage: qr_terminal_check.py PATH/TO/jigap
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import zxingcpp
from eth_account import Account
from PIL import Image

JIGAP = sys.argv[1]
PIN = "123456\n"
THEMES = {"light": ((0, 0, 0), (255, 255, 255)), "dark": ((229, 229, 229), (30, 30, 30))}
# xterm's 16 colours, as a terminal theme might set them (only black and white matter here).
BASIC = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
         (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
         (255, 0, 255), (0, 255, 255), (255, 255, 255)]
checks = 0


def check(cond, what):
    global checks
    if not cond:
        sys.exit(f"FAILED: {what}")
    checks += 1


def jigap(args, stdin="", env=None, json_out=True):
    r = subprocess.run([JIGAP, *(["--json"] if json_out else []), *args], input=stdin, capture_output=True,
                       text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"jigap {' '.join(args)} failed: {r.stderr}")
    return json.loads(r.stdout) if json_out else r.stdout


def xterm256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return steps[n // 36], steps[n // 6 % 6], steps[n % 6]
    g = 8 + (n - 232) * 10
    return g, g, g


def render(text, theme, px=6, margin_cells=6):
    """The image a terminal with `theme` shows for `text`: the lines above the pass text,
    blank ones included (the quiet zone may be drawn with spaces on a coloured background)."""
    fg0, bg0 = THEMES[theme]
    rows = []
    lines = text.split("\n")
    for line in lines[:next(i for i, l in enumerate(lines) if l.startswith("JGTP:"))]:
        cells, fg, bg, i = [], fg0, bg0, 0
        while i < len(line):
            m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
            if m:
                codes = [int(c) for c in m.group(1).split(";") if c] or [0]
                k = 0
                while k < len(codes):
                    c = codes[k]
                    if c == 0:
                        fg, bg = fg0, bg0
                    elif c in (38, 48) and k + 2 < len(codes) and codes[k + 1] == 5:
                        if c == 38:
                            fg = xterm256(codes[k + 2])
                        else:
                            bg = xterm256(codes[k + 2])
                        k += 2
                    elif 30 <= c <= 37:
                        fg = BASIC[c - 30]
                    elif 90 <= c <= 97:
                        fg = BASIC[c - 90 + 8]
                    elif 40 <= c <= 47:
                        bg = BASIC[c - 40]
                    elif 100 <= c <= 107:
                        bg = BASIC[c - 100 + 8]
                    k += 1
                i += len(m.group(0))
                continue
            ch = line[i]
            top, bottom = {"█": (fg, fg), "▀": (fg, bg), "▄": (bg, fg)}.get(ch, (bg, bg))
            cells.append((top, bottom))
            i += 1
        rows.append(cells)
    width = max(len(r) for r in rows) + 2 * margin_cells
    height = 2 * (len(rows) + 2 * margin_cells)
    img = Image.new("RGB", (width * px, height * px), bg0)
    for y, cells in enumerate(rows):
        for x, (top, bottom) in enumerate(cells):
            for half, colour in ((0, top), (1, bottom)):
                x0, y0 = (x + margin_cells) * px, (2 * (y + margin_cells) + half) * px
                img.paste(colour, (x0, y0, x0 + px, y0 + px))
    return img


def decode(img):
    found = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [b.text for b in found]


def quiet_zone(text):
    """Light modules left of and above the first dark one, in the plain (dark-as-blocks) text."""
    grid = []
    for line in text.split("\n")[:-1]:
        if line.startswith("JGTP:"):
            break
        grid.append([ch in "█▀" for ch in line])
        grid.append([ch in "█▄" for ch in line])
    top = next(y for y, row in enumerate(grid) if any(row))
    left = min(row.index(True) for row in grid if any(row))
    return top, left


with tempfile.TemporaryDirectory() as tmp:
    def write(name, text):
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    issuer = Account.create()
    key = write("issuer.key", "0x" + issuer.key.hex().removeprefix("0x"))
    holder = os.path.join(tmp, "holder")
    jigap(["vault", "init", "--dir", holder, "--kdf", "fast"], PIN)
    jigap(["ticket", "trust", "--dir", holder, "--issuer",
           jigap(["ticket", "issuer-id", "--key-file", key])["identity"]], PIN)
    holder_id = jigap(["ticket", "holder-id", "--dir", holder], PIN)["holder_id"]
    now = int(time.time())
    event = write("event.json", json.dumps({"id": "QR-1", "name": "QR check", "venue": "Terminal",
                                            "doors_open": now - 600, "start": now, "end": now + 3600}))
    g = jigap(["ticket", "grant", "--key-file", key, "--chain-id", "1", "--contract",
               "0x5FbDB2315678afecb367f032d93F642f64180aa3", "--event", event, "--token-id", "1",
               "--holder", holder_id, "--general-admission", "--section", "Floor",
               "--registry", os.path.join(tmp, "registry.json")])
    jigap(["ticket", "import", "--dir", holder, "--grant", g["grant"]], PIN)

    plain = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    no_color = dict(plain, NO_COLOR="1")
    expect = [
        # (environment, extra flags, name, themes it must scan on, themes it must not)
        (plain, [], "default (colours)", ["light", "dark"], []),
        (plain, ["--invert"], "--invert (colours)", ["light", "dark"], []),
        (no_color, [], "NO_COLOR", ["light"], ["dark"]),
        (no_color, ["--invert"], "NO_COLOR --invert", ["dark"], ["light"]),
    ]
    for env, flags, name, scans, fails in expect:
        out = jigap(["ticket", "show", "--dir", holder, "--ticket", g["ticket"], *flags], PIN, env=env,
                    json_out=False)
        shown = next(l for l in out.split("\n") if l.startswith("JGTP:"))
        check(("\x1b[" in out) == (env is plain), f"{name}: colour codes only when colours are on")
        for theme in scans:
            got = decode(render(out, theme))
            check(got == [shown], f"{name} on a {theme} terminal: zxing-cpp reads the pass ({got})")
        for theme in fails:
            got = decode(render(out, theme))
            check(got == [], f"{name} on a {theme} terminal is inverted and unread ({got})")
        if env is no_color and not flags:
            top, left = quiet_zone(out)
            check(top >= 4 and left >= 4, f"a quiet zone of 4 modules (top {top}, left {left})")

print(f"terminal QR: {checks} checks passed (rendered with Pillow, read with zxing-cpp)")
