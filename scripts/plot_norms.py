#!/usr/bin/env python3
"""Draws columns of an Aeon norms.dat to a PNG (matplotlib, no display needed).

Usage: plot_norms.py NORMS.DAT [-c COLUMN ...] [-x COLUMN] [-o OUT.png] [--logy] [--list]

  -c COLUMN  a column to draw (repeat for several; default: every L2_* column)
  -x COLUMN  the horizontal axis (default: t)
  -o FILE    the image to write (default: NORMS.DAT with .png instead of .dat)
  --logy     logarithmic vertical axis (zeros and negative values are left out)
  --list     print the column names and exit

norms.dat's first line names the columns, so numpy.genfromtxt(path, names=True)
reads it too; files of earlier versions (free-text lines first, the names last)
are read as well. Values are in geometric units (G = c = 1).
Exits 0 on success, 2 on a usage error (an unknown column, an unreadable file).
"""
import argparse
import os
import sys


def fail(msg):
    print(f"plot_norms: error: {msg}", file=sys.stderr)
    sys.exit(2)


def is_number(word):
    try:
        float(word)
        return True
    except ValueError:
        return False


def read_norms(path):
    """Returns (names, rows) where rows is a 2D numpy array, one column per name."""
    import numpy as np

    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail(f"cannot read '{path}': {e.strerror}")
    comments = [ln[1:].split() for ln in lines if ln.startswith("#")]
    data = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    if not data:
        fail(f"'{path}' has no rows")
    ncol = len(data[0].split())
    # The names line is the first comment line of ncol words none of which is a number (the first line
    # since the genfromtxt-friendly layout; before it, the last header line).
    names = next((c for c in comments if len(c) == ncol and not any(map(is_number, c))), None)
    if names is None:
        fail(f"'{path}' has no line of {ncol} column names")
    try:
        rows = np.loadtxt(data, ndmin=2)
    except ValueError as e:
        fail(f"'{path}': {e}")
    return names, rows


def main():
    ap = argparse.ArgumentParser(description="Draws columns of an Aeon norms.dat to a PNG.")
    ap.add_argument("norms")
    ap.add_argument("-c", "--column", action="append", default=[])
    ap.add_argument("-x", default="t")
    ap.add_argument("-o", "--output")
    ap.add_argument("--logy", action="store_true")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()

    names, rows = read_norms(a.norms)
    if a.list:
        print(" ".join(names))
        return
    cols = a.column or [n for n in names if n.startswith("L2_")]
    if not cols:
        fail("no column chosen and no L2_* column in the file; choose with -c (columns: %s)" % " ".join(names))
    for c in [a.x] + cols:
        if c not in names:
            fail(f"no column '{c}' in '{a.norms}' (columns: {' '.join(names)})")
    out = a.output or os.path.splitext(a.norms)[0] + ".png"

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = rows[:, names.index(a.x)]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    for c in cols:
        y = rows[:, names.index(c)]
        keep = y > 0 if a.logy else slice(None)
        ax.plot(x[keep], y[keep], label=c)
    if a.logy:
        ax.set_yscale("log")
    ax.set_xlabel(a.x + (" (geometric units, G = c = 1)" if a.x == "t" else ""))
    ax.set_title(os.path.abspath(a.norms), fontsize=8)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    try:
        fig.savefig(out)
    except OSError as e:
        fail(f"cannot write '{out}': {e.strerror}")
    print(f"plot_norms: wrote {out} ({len(cols)} column(s), {rows.shape[0]} rows)")


if __name__ == "__main__":
    main()
