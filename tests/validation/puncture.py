#!/usr/bin/env python3
"""Figures and table of the single-puncture validation (tests/validation/puncture.sh).

Usage: puncture.py RUNS_DIR OUT_DIR
RUNS_DIR holds the long runs n<N>/ (to t = 50 M) and the short constraint runs c<N>/ (to t = 3 M, constraint norms
in 2 < r < 5.5 M, before signals from the outer boundary at 10 M arrive), each with its norms.dat. Prints a Markdown
report (lapse minimum, ADM masses, constraint norms and their convergence orders) and writes OUT_DIR/puncture_lapse.png, puncture_adm.png, puncture_ham.png. The table needs only the standard library."""
import glob
import math
import os
import sys


def read(path):
    """norms.dat as a list of dicts (column names from its first line)."""
    with open(path) as f:
        lines = f.read().splitlines()
    names = lines[0][2:].split()
    return [dict(zip(names, map(float, l.split()))) for l in lines if l and not l.startswith("#")]


def runs(root, prefix):
    """{n: rows} of the runs RUNS_DIR/<prefix><n>/norms.dat, by grid points n."""
    out = {}
    for d in glob.glob(os.path.join(root, prefix + "[0-9]*")):
        p = os.path.join(d, "norms.dat")
        if os.path.isfile(p):
            rows = read(p)
            if rows:
                out[int(os.path.basename(d)[len(prefix):])] = rows
    return dict(sorted(out.items()))


def at(rows, t, tol=0.5):
    """The row nearest time t (None if none is within tol of it)."""
    r = min(rows, key=lambda r: abs(r["t"] - t))
    return r if abs(r["t"] - t) <= tol else None


def lapse(r):
    return 1.0 / r["max_inv_alpha"]


def main():
    root, out = sys.argv[1], sys.argv[2]
    long_runs, short_runs = runs(root, "n"), runs(root, "c")
    L = 10.0  # the deck's box [0, 10]^3
    print("## Single moving puncture: measured figures\n")
    for n, rows in long_runs.items():
        print("### dx = %.4g M (grid %d^3, octant [0, 10]^3), reached t = %g M\n" % (L / n, n, rows[-1]["t"]))
        print("| t/M | alpha_min | L2 ham (r > 2) | M_psi(r=4) | M_psi(r=8) | M_ADM(r=8) | M_ADM extrapolated |")
        print("|---|---|---|---|---|---|---|")
        for t in (0, 1, 2, 5, 10, 15, 20, 25, 30, 40, 50):
            r = at(rows, t)
            if r:
                print("| %g | %.4f | %.3e | %.5f | %.5f | %.5f | %.5f |" % (
                    r["t"], lapse(r), r["L2_ham_excl"], r["adm_mass_psi_r4"], r["adm_mass_psi_r8"], r["adm_mass_r8"],
                    r["adm_mass_inf"]))
        dev = max(abs(r["adm_mass_psi_r8"] - 1) for r in rows)
        print("\nlargest |M_psi(r=8) - 1| over the run: %.3e; alpha_min range after t = 10: %s\n" % (
            dev, ", ".join("%.4f" % v for v in (min(lapse(r) for r in rows if r["t"] >= 10),
                                                  max(lapse(r) for r in rows if r["t"] >= 10)))
            if rows[-1]["t"] >= 10 else "n/a"))
    if len(short_runs) >= 2:
        ns = list(short_runs)
        print("### Hamiltonian constraint in 2 < r < 5.5 M (before the outer boundary's signals arrive)\n")
        print("| t/M | " + " | ".join("L2 ham, dx = %.4g" % (L / n) for n in ns) + " | orders |")
        print("|---|" + "---|" * len(ns) + "---|")
        for t in (0, 0.5, 1, 1.5, 2, 2.5, 3):
            rs = [at(short_runs[n], t, 0.13) for n in ns]
            if any(r is None for r in rs):
                continue
            e = [r["L2_ham_excl"] for r in rs]
            orders = [math.log(e[i] / e[i + 1]) / math.log(ns[i + 1] / ns[i]) for i in range(len(ns) - 1)]
            print("| %s | " % "/".join("%.3g" % r["t"] for r in rs) + " | ".join("%.3e" % v for v in e) + " | " + ", ".join("%.2f" % o for o in orders)
                  + " |")
        print()
    os.makedirs(out, exist_ok=True)
    import matplotlib  # python3-matplotlib (scripts/install-deps.sh); use /usr/bin/python3, not a pyenv shim
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figs = (("puncture_lapse.png", "lapse minimum (at the puncture)", lambda r: lapse(r), False),
            ("puncture_ham.png", "L2 Hamiltonian constraint, r > 2 M", lambda r: r["L2_ham_excl"], True))
    for name, label, fn, logy in figs:
        fig, ax = plt.subplots(figsize=(7, 4))
        for n, rows in long_runs.items():
            ax.plot([r["t"] for r in rows], [fn(r) for r in rows], label="dx = %.3g M" % (L / n))
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("t / M")
        ax.set_ylabel(label)
        ax.legend()
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(out, name), dpi=100)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 4))
    for n, rows in long_runs.items():
        ts = [r["t"] for r in rows]
        ax.plot(ts, [r["adm_mass_psi_r8"] for r in rows], label="M_psi(r=8), dx = %.3g" % (L / n))
        ax.plot(ts, [r["adm_mass_inf"] for r in rows], "--", label="M_ADM extrapolated, dx = %.3g" % (L / n))
    ax.axhline(1.0, color="k", lw=0.5)
    ax.set_ylim(0.2, 1.5)
    ax.set_xlabel("t / M")
    ax.set_ylabel("ADM mass / M")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "puncture_adm.png"), dpi=100)
    plt.close(fig)
    print("wrote %s/puncture_lapse.png, puncture_adm.png, puncture_ham.png" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
