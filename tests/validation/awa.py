#!/usr/bin/python3
"""Analysis of the Apples-with-Apples runs (tests/validation/awa.sh, tests/scripts/test_awa.sh).

Usage:
  awa.py order COLUMN T DIR1 DIR2 [DIR3 ...]   errors of norms.dat COLUMN at time T (the row nearest T) in
                                                 runs of resolution rho, 2 rho, 4 rho ..., and the orders
                                                 log2(e(rho)/e(2 rho)); prints one line "order <o1> <o2> ..."
  awa.py linerr DIR [T]                         error of gamma_zz (linear wave along x) in the snapshot nearest
                                                 T (default: the last): prints "linerr t L2 max amplitude mean
                                                 wave phase" (amplitude: max |gamma_zz - 1|; mean: the x-average
                                                 of gamma_zz - 1; wave: the amplitude of its wave mode
                                                 exp(2 pi i (x - t)/d); phase: that mode's phase error, radians)
  awa.py linorder T DIR1 DIR2 [DIR3 ...]       the same for several resolutions, with the orders
  awa.py growth DIR [COLUMN]                     fit of log(COLUMN) (default max_ham) against t and against
                                                 log t over the second half of the run: prints
                                                 "growth rate <1/time> power <p> first <v0> last <v1>"
  awa.py report RUNS OUTDIR                      every figure and table of docs/validation.md's AwA section
                                                 from RUNS (see awa.sh), PNGs into OUTDIR, Markdown on stdout
The linear wave's exact solution: gamma_zz = 1 - A sin(2 pi (x - t)/d) (A, d from the run's params.yaml).
"""
import glob
import math
import os
import sys

import numpy as np


def read_norms(d):
    return np.atleast_1d(np.genfromtxt(os.path.join(d, "norms.dat"), names=True))


def param(d, key, default=None):
    """A scalar of the run's params.yaml (flat `section:` / `  key: value` layout)."""
    sec, name = key.split(".", 1)
    cur = None
    with open(os.path.join(d, "params.yaml")) as f:
        for line in f:
            s = line.rstrip("\n")
            if not s.strip() or s.lstrip().startswith("#"):
                continue
            if not s.startswith(" "):
                cur = s.split(":", 1)[0].strip()
                continue
            k, _, v = s.strip().partition(":")
            if cur == sec and k.strip() == name:
                return v.split("#", 1)[0].strip().strip('"')
    return default


def at_time(n, col, t):
    i = int(np.argmin(np.abs(n["t"] - t)))
    return float(n["t"][i]), float(n[col][i])


def orders(e):
    return [math.log2(e[i] / e[i + 1]) if e[i] > 0 and e[i + 1] > 0 else float("nan") for i in range(len(e) - 1)]


def snapshots(d):
    return sorted(glob.glob(os.path.join(d, "fields_*.h5")))


def gzz_error(path, amp, wl):
    """(t, L2, max, amplitude, mean, wave, phase) of gamma_zz - exact in one snapshot of a linear wave along x:
    amplitude max |gamma_zz - 1|, mean the average of gamma_zz - 1 (the zero mode), wave and phase the
    amplitude and phase error of the wave mode (exact: A and 0)."""
    import h5py
    with h5py.File(path) as f:
        t = float(f.attrs["time"])
        W = f["fields/W"][...]
        gzz = f["fields/gt_zz"][...] / W**2
        x = f["grid/x"][:]
        dx = f["/levels/0/grid"].attrs["dx"]
    exact = 1.0 - amp * np.sin(2 * np.pi * (x - t) / wl)
    e = gzz - exact[None, None, :]
    dev = (gzz - 1).mean(axis=(0, 1))
    ph = 2 * np.pi * (x - t) / wl
    s, c = -2 * float(np.mean(dev * np.sin(ph))), 2 * float(np.mean(dev * np.cos(ph)))
    return (t, math.sqrt(float(np.sum(e**2)) * float(np.prod(dx))), float(np.abs(e).max()), float(np.abs(gzz - 1).max()),
            float(dev.mean()), math.hypot(s, c), math.atan2(c, s))


def linerr(d, t=None):
    amp = float(param(d, "bssn.wave_amplitude"))
    wl = float(param(d, "bssn.wave_length", "1"))
    snaps = snapshots(d)
    if not snaps:
        raise SystemExit(f"awa.py: no fields_*.h5 in {d}")
    res = [gzz_error(p, amp, wl) for p in snaps]
    if t is None:
        return res[-1]
    return min(res, key=lambda r: abs(r[0] - t))


def growth(d, col="max_ham"):
    n = read_norms(d)
    t, v = n["t"], n[col]
    ok = (t >= 0.5 * t[-1]) & np.isfinite(v) & (v > 0)
    if ok.sum() < 3:
        return float("nan"), float("nan"), float(v[0]), float(v[-1])
    rate = np.polyfit(t[ok], np.log(v[ok]), 1)[0]
    power = np.polyfit(np.log(t[ok]), np.log(v[ok]), 1)[0]
    return float(rate), float(power), float(v[0]), float(v[-1])


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd = argv[1]
    if cmd == "order":
        col, t, dirs = argv[2], float(argv[3]), argv[4:]
        vals = [at_time(read_norms(d), col, t) for d in dirs]
        e = [v for _, v in vals]
        print("errors " + " ".join(f"{v:.6e}" for v in e) + f" at t = {vals[-1][0]:g}")
        print("order " + " ".join(f"{o:.4f}" for o in orders(e)))
        return 0
    if cmd == "linerr":
        t = float(argv[3]) if len(argv) > 3 else None
        r = linerr(argv[2], t)
        print("linerr " + " ".join(f"{v:.6e}" for v in r))
        return 0
    if cmd == "linorder":
        t, dirs = float(argv[2]), argv[3:]
        rs = [linerr(d, t) for d in dirs]
        for d, r in zip(dirs, rs):
            print(f"{d}: t = {r[0]:g} L2 {r[1]:.6e} max {r[2]:.6e} amplitude {r[3]:.6e}")
        print("order " + " ".join(f"{o:.4f}" for o in orders([r[1] for r in rs])))
        print("maxorder " + " ".join(f"{o:.4f}" for o in orders([r[2] for r in rs])))
        return 0
    if cmd == "growth":
        r = growth(argv[2], argv[3] if len(argv) > 3 else "max_ham")
        print(f"growth rate {r[0]:.6e} power {r[1]:.6e} first {r[2]:.6e} last {r[3]:.6e}")
        return 0
    if cmd == "report":
        from awa_report import report
        return report(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))
