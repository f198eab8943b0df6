#!/usr/bin/python3
"""Figures and table of docs/validation.md from the runs made by scripts/validation.sh.

Usage: /usr/bin/python3 scripts/validation.py RUNS_DIR IMG_DIR

Reads RUNS_DIR/{plane,standing}_n{16,32,64}/norms.dat (the L2 error of u at the last
row), prints a Markdown table of errors and observed orders (also written to
RUNS_DIR/convergence.md), and writes IMG_DIR/convergence.png. Reads
RUNS_DIR/pulse/ (params.yaml, norms.dat, fields_*.h5) and writes IMG_DIR/pulse.png.
Reads RUNS_DIR/eig.txt (`aeon eig --deck` on the dissipative copy of inputs/wave_eig.yaml),
compares its eigenvalues with the analytic spectrum and writes IMG_DIR/spectrum.png.
Exits 1 if an observed order is more than 0.3 away from 4 or a computed eigenvalue is more
than 1e-8 (relative to the largest) from the analytic spectrum.
"""
import glob
import math
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_norms import read_norms as read_norms_table  # noqa: E402

NS = (16, 32, 64)
CASES = (("plane", "plane wave, periodic"), ("standing", "standing wave, symmetry faces in x, y"))


def read_norms(path):
    """Returns {column: numpy array} of an Aeon norms.dat (read as plot_norms.py reads it)."""
    names, rows = read_norms_table(path)
    return {c: rows[:, i] for i, c in enumerate(names)}


def read_params(path):
    """Returns {"section.key": text} from an Aeon params.yaml (two levels, one value per line)."""
    out, section = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            key, _, value = line.rstrip("\n").partition(":")
            value = value.strip()
            if not line.startswith(" "):
                section = key if value == "" else None
                if value != "":
                    out[key] = value
            else:
                out[f"{section}.{key.strip()}"] = value
    return out


def vec(text):
    return [float(v) for v in text.strip("[]").split(",")]


def convergence(runs, img):
    table, ok = [], True
    fig, ax = plt.subplots(figsize=(6.0, 4.6))
    markers = {"plane": "o", "standing": "s"}
    for case, label in CASES:
        errs = []
        for n in NS:
            norms = read_norms(os.path.join(runs, f"{case}_n{n}", "norms.dat"))
            errs.append(norms["L2_err_u"][-1])
            t_end = norms["t"][-1]
        orders = [math.log2(errs[i] / errs[i + 1]) for i in range(len(NS) - 1)]
        ok &= all(abs(p - 4.0) <= 0.3 for p in orders)
        table.append((label, errs, orders, t_end))
        dx = [1.0 / n for n in NS]
        ax.loglog(dx, errs, marker=markers[case], linewidth=1.5, label=label)
    # slope-4 reference through the plane wave's coarsest point, shifted down by 2x for legibility
    e0 = table[0][1][0] / 2.0
    dx = np.array([1.0 / NS[0], 1.0 / NS[-1]])
    ax.loglog(dx, e0 * (dx / dx[0]) ** 4, "k--", linewidth=1.0, label="slope 4 (reference)")
    ax.set_xlabel("grid spacing dx = dy (dz = 1/16 fixed)")
    ax.set_ylabel("L2 error of u at t = 0.5")
    ax.set_title("Aeon wave module, RK4 + 4th-order stencil, 2 MPI ranks")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_xticks([1.0 / n for n in NS])
    ax.set_xticklabels([f"1/{n}" for n in NS])
    ax.minorticks_off()
    fig.tight_layout()
    fig.savefig(os.path.join(img, "convergence.png"), dpi=120)
    plt.close(fig)

    lines = ["| case | " + " | ".join(f"L2 err(u), n = {n}" for n in NS) + " | order 16->32 | order 32->64 |",
             "| --- |" + " --- |" * (len(NS) + 2)]
    for label, errs, orders, _ in table:
        lines.append(f"| {label} | " + " | ".join(f"{e:.4e}" for e in errs) + " | " +
                     " | ".join(f"{p:.3f}" for p in orders) + " |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(runs, "convergence.md"), "w") as f:
        f.write(text)
    print(text, end="")
    return ok


def gaussian_u(p, x, y, z, t):
    """The exact spherical pulse of the wave module: ((r-ct)G(r-ct) + (r+ct)G(r+ct)) / 2r."""
    a, c, w = float(p["wave.amplitude"]), float(p["wave.speed"]), float(p["wave.width"])
    cx, cy, cz = vec(p["wave.center"])
    r = np.sqrt((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2)
    sm, sp = r - c * t, r + c * t
    g = lambda s: a * np.exp(-s * s / (w * w))  # noqa: E731
    with np.errstate(invalid="ignore", divide="ignore"):
        u = (sm * g(sm) + sp * g(sp)) / (2.0 * r)
    small = r < 1e-12
    u[small] = (g(sp) * (1.0 - 2.0 * (c * t) ** 2 / (w * w)))[small]
    return u


def pulse(runs, img):
    d = os.path.join(runs, "pulse")
    p = read_params(os.path.join(d, "params.yaml"))
    norms = read_norms(os.path.join(d, "norms.dat"))
    snaps = sorted(glob.glob(os.path.join(d, "fields_*.h5")))
    times = []
    for s in snaps:
        with h5py.File(s, "r") as f:
            times.append(float(f.attrs["time"]))
    mid = snaps[int(np.argmin([abs(t - 1.0) for t in times]))]
    last = snaps[-1]

    with h5py.File(last, "r") as f:
        n = f["grid"].attrs["N"]
        xmin, dxs = f["grid"].attrs["xmin"], f["grid"].attrs["dx"]
    ax_ = [xmin[i] + (np.arange(n[i]) + 0.5) * dxs[i] for i in range(3)]
    zz, yy, xx = np.meshgrid(ax_[2], ax_[1], ax_[0], indexing="ij")  # [z][y][x], like the datasets
    dv = float(np.prod(dxs))
    exact_l2 = [math.sqrt(dv * float(np.sum(gaussian_u(p, xx, yy, zz, t) ** 2))) for t in norms["t"]]

    fig = plt.figure(figsize=(13.5, 4.3))
    gs = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.35])
    extent = [xmin[0], xmin[0] + n[0] * dxs[0], xmin[1], xmin[1] + n[1] * dxs[1]]
    for k, path in enumerate((mid, last)):
        with h5py.File(path, "r") as f:
            u = f["fields/u"][0, :, :]  # the plane of cells next to z = zmin (a symmetry face)
            t, step = float(f.attrs["time"]), int(f.attrs["step"])
        ax = fig.add_subplot(gs[0, k])
        vmax = max(float(np.abs(u).max()), 1e-30)
        im = ax.imshow(u, origin="lower", extent=extent, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_title(f"u at z = {ax_[2][0]:g}, t = {t:g} ({os.path.basename(path)})", fontsize=9)
        ax.set_xlabel("x  (x = 0: symmetry, x = 2: radiative)", fontsize=8)
        ax.set_ylabel("y", fontsize=8)
        fig.colorbar(im, ax=ax, shrink=0.85)
    ax = fig.add_subplot(gs[0, 2])
    ax.semilogy(norms["t"], norms["L2_u"], label="L2 of u (Aeon, norms.dat)", linewidth=2)
    ax.semilogy(norms["t"], exact_l2, "k--", label="L2 of the free-space solution in the box", linewidth=1)
    ax.semilogy(norms["t"], np.maximum(norms["L2_err_u"], 1e-30), label="L2 of u - exact (norms.dat)",
                linewidth=1.5)
    ax.set_xlabel("t")
    ax.set_ylabel("L2 norm over the box")
    ax.set_ylim(1e-5, 0.2)
    ax.set_title("pulse leaving through the radiative faces", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.suptitle(f"inputs/wave_pulse.yaml: grid {n[0]}^3 on [0, 2]^3, Gaussian width {p['wave.width']}, "
                 f"dissipation {p['wave.dissipation']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(img, "pulse.png"), dpi=110)
    plt.close(fig)
    i_end = len(norms["t"]) - 1
    print(f"pulse: L2(u) {norms['L2_u'][0]:.4e} at t = 0, {norms['L2_u'][i_end]:.4e} at t = {norms['t'][i_end]:g} "
          f"(free-space solution in the box: {exact_l2[0]:.4e}, {exact_l2[i_end]:.4e}); "
          f"max L2 error of u {float(np.max(norms['L2_err_u'])):.4e}")


# The deck of the spectrum check: inputs/wave_eig.yaml (periodic [0,1]^3, 12 x 10 x 8 points, c = 1) with
# wave.dissipation = 0.1.
EIG_N, EIG_L, EIG_C, EIG_EPS = (12, 10, 8), (1.0, 1.0, 1.0), 1.0, 0.1


def analytic_spectrum():
    """Every eigenvalue -delta(k) +- i c sqrt(mu(k)) of the 4th-order wave operator with 6th-difference dissipation."""
    h = [L / n for L, n in zip(EIG_L, EIG_N)]
    t = np.meshgrid(*[2 * np.pi * np.arange(n) / n for n in EIG_N], indexing="ij")
    mu = sum((16 / 3 * np.sin(td / 2) ** 2 - 1 / 3 * np.sin(td) ** 2) / hd**2 for td, hd in zip(t, h))
    delta = sum(EIG_EPS * np.sin(td / 2) ** 6 / hd for td, hd in zip(t, h))
    lam = -delta + 1j * EIG_C * np.sqrt(mu)
    return np.concatenate([lam.ravel(), np.conj(lam).ravel()])


def read_eig(path):
    """Eigenvalues, the stable dt of each method and the deck's dt from the output of `aeon eig --deck`."""
    lam, dt = [], {}
    deck_dt = None
    for line in open(path):
        f = line.split()
        if len(f) == 4 and f[0].isdigit():
            lam.append(complex(float(f[1]), float(f[2])))
        elif line.startswith("stable dt ") and "dt <=" in line:
            dt[f[2].rstrip(":")] = float(line.split("dt <=")[1].split()[0])
            deck_dt = float(line.split("deck dt")[1].split()[0])
    return np.array(lam), dt, deck_dt


def spectrum(runs, img):
    lam, dt, deck_dt = read_eig(os.path.join(runs, "eig.txt"))
    exact = analytic_spectrum()
    scale = np.max(np.abs(exact))
    err = max(np.min(np.abs(exact - z)) for z in lam) / scale
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12.5, 4.6), gridspec_kw={"width_ratios": [1.25, 1]})
    ax1.plot(exact.real, exact.imag, ".", color="0.7", ms=3, label=f"analytic, all {len(exact)}")
    ax1.plot(lam.real, lam.imag, "o", mfc="none", color="C3", ms=6, label=f"aeon eig --deck, {len(lam)} largest |λ|")
    ax1.set_xlabel("Re λ")
    ax1.set_ylabel("Im λ")
    ax1.set_title("wave, periodic 12 x 10 x 8, dissipation 0.1")
    ax1.legend(loc="center left", fontsize=8)
    x, y = np.meshgrid(np.linspace(-3.2, 0.6, 400), np.linspace(-3.2, 3.2, 400))
    z = x + 1j * y
    methods = {"rk4": 1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24, "rk2": 1 + z + z**2 / 2}
    for (name, r), col in zip(methods.items(), ("C0", "C2")):
        ax2.contour(x, y, np.abs(r), levels=[1], colors=col)
        ax2.plot([], [], color=col, label=f"|R(z)| = 1, {name}")
    ax2.plot((deck_dt * lam).real, (deck_dt * lam).imag, "o", mfc="none", color="C3", ms=5,
             label=f"dt λ at the deck's dt = {deck_dt:.4g}")
    ax2.plot((dt["rk4"] * lam).real, (dt["rk4"] * lam).imag, "x", color="C0", ms=5,
             label=f"dt λ at the largest rk4 dt = {dt['rk4']:.4g}")
    ax2.set_xlabel("Re z")
    ax2.set_ylabel("Im z")
    ax2.set_aspect("equal")
    ax2.set_title("stability regions and the scaled spectrum")
    ax2.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(img, "spectrum.png"), dpi=110)
    plt.close(fig)
    print(f"spectrum: {len(lam)} eigenvalues, largest |lambda| {np.max(np.abs(lam)):.10g} (analytic {scale:.10g}), "
          f"max distance to the analytic spectrum {err:.2e} of it; stable dt rk4 {dt['rk4']:.10g}, "
          f"rk2 {dt['rk2']:.10g}; deck dt {deck_dt:.10g}")
    return err <= 1e-8


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    runs, img = sys.argv[1], sys.argv[2]
    os.makedirs(img, exist_ok=True)
    ok = convergence(runs, img)
    pulse(runs, img)
    ok_eig = spectrum(runs, img)
    print(f"validation: wrote convergence.png, pulse.png and spectrum.png in {img}")
    if not ok:
        print("validation: FAIL: an observed order is more than 0.3 away from 4", file=sys.stderr)
    if not ok_eig:
        print("validation: FAIL: a computed eigenvalue is off the analytic spectrum", file=sys.stderr)
    if not ok or not ok_eig:
        return 1
    print("validation: all observed orders within 0.3 of 4; the spectrum matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
