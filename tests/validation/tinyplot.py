"""A fallback line plotter with the standard library only (zlib PNG writer, 3x5 pixel digits) for machines without
matplotlib: axes with numbered ticks, up to 6 coloured curves, optional log y. Used by puncture.py."""
import math
import struct
import zlib

COLORS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]
GLYPH = {  # 3x5 bitmaps, rows top to bottom
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", "-": "000000111000000",
    "e": "000111111100111", "+": "000010111010000"}


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (3 * w * h))

    def set(self, x, y, c):
        if 0 <= x < self.w and 0 <= y < self.h:
            i = 3 * (y * self.w + x)
            self.px[i:i + 3] = bytes(c)

    def line(self, x0, y0, x1, y1, c, thick=1):
        n = max(abs(x1 - x0), abs(y1 - y0), 1)
        for k in range(n + 1):
            x, y = round(x0 + (x1 - x0) * k / n), round(y0 + (y1 - y0) * k / n)
            for dx in range(thick):
                for dy in range(thick):
                    self.set(x + dx, y + dy, c)

    def text(self, x, y, s, scale=2, c=(0, 0, 0)):
        for ch in s:
            g = GLYPH.get(ch)
            if g:
                for r in range(5):
                    for q in range(3):
                        if g[3 * r + q] == "1":
                            for a in range(scale):
                                for b in range(scale):
                                    self.set(x + q * scale + a, y + r * scale + b, c)
            x += 4 * scale

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[3 * y * self.w:3 * (y + 1) * self.w]) for y in range(self.h))

        def chunk(t, d):
            return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def fmt(v):
    return ("%.3g" % v).replace("e-0", "e-").replace("e+0", "e")


def plot(path, curves, logy=False, ylim=None, w=700, h=400):
    """curves: list of (xs, ys); writes a PNG with axes and numbered ticks (colours in order: C0, C1, ...)."""
    L, R, T, B = 90, 20, 20, 40
    xs = [x for c in curves for x in c[0]]
    ys = [y for c in curves for y in c[1] if (y > 0 or not logy) and math.isfinite(y)]
    f = (lambda y: math.log10(y)) if logy else (lambda y: y)
    x0, x1 = min(xs), max(xs)
    y0, y1 = ylim if ylim else (min(map(f, ys)), max(map(f, ys)))
    if y1 <= y0:
        y1 = y0 + 1
    cv = Canvas(w, h)
    X = lambda x: L + (x - x0) / (x1 - x0 or 1) * (w - L - R)
    Y = lambda y: h - B - (f(y) - y0) / (y1 - y0) * (h - T - B)
    cv.line(L, T, L, h - B, (0, 0, 0))
    cv.line(L, h - B, w - R, h - B, (0, 0, 0))
    for k in range(6):
        xv = x0 + (x1 - x0) * k / 5
        px = round(X(xv))
        cv.line(px, h - B, px, h - B + 5, (0, 0, 0))
        cv.text(px - 10, h - B + 10, fmt(xv))
        yv = y0 + (y1 - y0) * k / 5
        py = round(h - B - (yv - y0) / (y1 - y0) * (h - T - B))
        cv.line(L - 5, py, L, py, (0, 0, 0))
        cv.line(L + 1, py, w - R, py, (225, 225, 225))
        cv.text(4, py - 5, fmt(10 ** yv if logy else yv))
    for i, (cx, cy) in enumerate(curves):
        pts = [(X(x), Y(y)) for x, y in zip(cx, cy) if math.isfinite(y) and (y > 0 or not logy)]
        for (a, b), (c, d) in zip(pts, pts[1:]):
            if T <= b <= h - B and T <= d <= h - B:
                cv.line(round(a), round(b), round(c), round(d), COLORS[i % len(COLORS)], 2)
    cv.png(path)
