#!/usr/bin/env python3
"""Figures and table of the single-puncture validation (tests/validation/puncture.sh).

Usage: puncture.py RUNS_DIR OUT_DIR [BOX [NAME]]
RUNS_DIR holds the long runs n<N>/ (to t = 50 M) and the short constraint runs c<N>/ (to t = 4.2 M, constraint norms
in 2 < r < 8 M, before signals from the outer boundary arrive), each with its norms.dat; BOX is the octant's edge
(default 16, the deck's); NAME prefixes the figures' file names (default puncture). Prints a Markdown report (lapse at the puncture, ADM masses, constraint norms outside
r = 2 M and their convergence orders) and writes OUT_DIR/NAME_lapse.png, NAME_adm.png, NAME_ham.png.
The tables need only the standard library; the figures need matplotlib (Debian's python3-matplotlib)."""
import glob
import math
import os
import sys

TIMES = (0, 2, 4, 6, 8, 10, 15, 20, 25, 30, 35, 40, 45, 50)


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


def radii(rows):
    """The ADM radii of the run (from the adm_mass_lin_r<R> columns), ascending."""
    return sorted(float(k[len("adm_mass_lin_r"):].replace("p", ".")) for k in rows[0] if k.startswith("adm_mass_lin_r"))


def col(prefix, R):
    return prefix + ("%g" % R).replace(".", "p")


def worst(rows, key, t0=0.0):
    """max |value - 1| over the rows with t >= t0."""
    return max(abs(r[key] - 1) for r in rows if r["t"] >= t0)


def main():
    root, out = sys.argv[1], sys.argv[2]
    L = float(sys.argv[3]) if len(sys.argv) > 3 else 16.0
    name = sys.argv[4] if len(sys.argv) > 4 else "puncture"
    long_runs, short_runs = runs(root, "n"), runs(root, "c")
    print("## Single moving puncture: measured figures\n")
    for n, rows in long_runs.items():
        R = radii(rows)
        Rout = R[-1]
        print("### dx = %.4g M (grid %d^3, octant [0, %g]^3), reached t = %g M\n" % (L / n, n, L, rows[-1]["t"]))
        print("| t/M | alpha at puncture | L2 H (r > 2 M) | M_H(r=%g) | M_H(r=%g) | M_ADM(r=%g) | M_lin(r=%g) | "
              "M_psi(r=%g) |" % (R[0], Rout, Rout, Rout, Rout))
        print("|---|---|---|---|---|---|---|---|")
        for t in TIMES:
            r = at(rows, t)
            if r:
                print("| %.3g | %.4f | %.3e | %.6f | %.6f | %.5f | %.5f | %.5f |" % (
                    r["t"], lapse(r), r["L2_ham_excl"], r[col("mass_hawking_r", R[0])], r[col("mass_hawking_r", Rout)],
                    r[col("adm_mass_r", Rout)], r[col("adm_mass_lin_r", Rout)], r[col("adm_mass_psi_r", Rout)]))
        late = [lapse(r) for r in rows if r["t"] >= 20]
        print("\nmax over the run of |M_H(r) - 1|: %s; of |M_lin(r=%g) - 1|: %.3e (t <= 10: %.3e); lapse at the "
              "puncture for t >= 20: %s\n" % (
                  ", ".join("%.2e (r=%g)" % (worst(rows, col("mass_hawking_r", x)), x) for x in R), Rout,
                  worst(rows, col("adm_mass_lin_r", Rout)),
                  max(abs(r[col("adm_mass_lin_r", Rout)] - 1) for r in rows if r["t"] <= 10),
                  "%.4f .. %.4f" % (min(late), max(late)) if late else "n/a"))
    if len(long_runs) >= 2:
        ns = list(long_runs)
        R = radii(long_runs[ns[0]])
        sep = " / "
        print("### All resolutions (dx = %s M; the table of docs/validation.md)\n" % sep.join("%.4g" % (L / n) for n in ns))
        print("| t/M | alpha at puncture | L2 H (r > 2 M) | M_H(r=%g) | M_H(r=%g) | M_lin(r=%g) | M_ADM(r=%g) |"
              % (R[0], R[-1], R[-1], R[-1]))
        print("|---|---|---|---|---|---|---|")
        for t in TIMES:
            r0 = at(long_runs[ns[0]], t, 0.4)
            rs = [r0] + [at(long_runs[n], r0["t"], 0.1) for n in ns[1:]]
            rs = [r for r in rs if r is not None]
            f = lambda fmt, fn: sep.join(fmt % fn(r) for r in rs)
            print("| %.3g | %s | %s | %s | %s | %s | %s |" % (
                r0["t"], f("%.3f", lapse), f("%.1e", lambda r: r["L2_ham_excl"]),
                f("%.4f", lambda r: r[col("mass_hawking_r", R[0])]), f("%.4f", lambda r: r[col("mass_hawking_r", R[-1])]),
                f("%.3f", lambda r: r[col("adm_mass_lin_r", R[-1])]), f("%.3f", lambda r: r[col("adm_mass_r", R[-1])])))
        print()
        print("### Hamiltonian constraint outside r = 2 M (L2 over the octant), long runs\n")
        print("| t/M | " + " | ".join("dx = %.4g" % (L / n) for n in ns) + " | order |")
        print("|---|" + "---|" * len(ns) + "---|")
        for t in TIMES:
            r0 = at(long_runs[ns[0]], t, 0.4)  # the coarse run's row nearest t, the others' at its time
            rs = [r0] + [at(long_runs[n], r0["t"], 0.1) for n in ns[1:]]
            if any(r is None for r in rs):
                continue
            e = [r["L2_ham_excl"] for r in rs]
            orders = [math.log(e[i] / e[i + 1]) / math.log(ns[i + 1] / ns[i]) for i in range(len(ns) - 1)]
            print("| %.3g | " % rs[0]["t"] + " | ".join("%.3e" % v for v in e) + " | "
                  + ", ".join("%.2f" % o for o in orders) + " |")
        print()
    if len(short_runs) >= 2:
        ns = list(short_runs)
        print("### Hamiltonian constraint in 2 < r < 8 M before the outer boundary's signals arrive (short runs)\n")
        print("| t/M | " + " | ".join("dx = %.4g" % (L / n) for n in ns) + " | orders |")
        print("|---|" + "---|" * len(ns) + "---|")
        for t in (0, 0.7, 1.4, 2.1, 2.8, 3.5, 4.2):
            rs = [at(short_runs[n], t, 0.05) for n in ns]
            if any(r is None for r in rs):
                continue
            e = [r["L2_ham_excl"] for r in rs]
            orders = [math.log(e[i] / e[i + 1]) / math.log(ns[i + 1] / ns[i]) for i in range(len(ns) - 1)]
            print("| %s | " % "/".join("%.3g" % r["t"] for r in rs) + " | ".join("%.3e" % v for v in e) + " | "
                  + ", ".join("%.2f" % o for o in orders) + " |")
        print()
    os.makedirs(out, exist_ok=True)
    import matplotlib  # python3-matplotlib (scripts/install-deps.sh); use /usr/bin/python3, not a pyenv shim
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figs = ((name + "_lapse.png", "lapse at the puncture (nearest point)", lapse, False),
            (name + "_ham.png", "L2 Hamiltonian constraint, r > 2 M", lambda r: r["L2_ham_excl"], True))
    for png, label, fn, logy in figs:
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
        fig.savefig(os.path.join(out, png), dpi=100)
        plt.close(fig)
    fig, axs = plt.subplots(1, 2, figsize=(12, 4.5))
    styles = ("-", "--", ":", "-.")
    for k, (n, rows) in enumerate(long_runs.items()):
        ts = [r["t"] for r in rows]
        for j, R in enumerate(radii(rows)):
            axs[0].plot(ts, [r[col("mass_hawking_r", R)] - 1 for r in rows], styles[k % 4], color="C%d" % j,
                        label="r = %g, dx = %.3g" % (R, L / n))
            axs[1].plot(ts, [r[col("adm_mass_lin_r", R)] for r in rows], styles[k % 4], color="C%d" % j,
                        label="M_lin(r=%g), dx = %.3g" % (R, L / n))
        axs[1].plot(ts, [r[col("adm_mass_r", radii(rows)[-1])] for r in rows], styles[k % 4], color="k",
                    label="M_ADM(r=%g), dx = %.3g" % (radii(rows)[-1], L / n))
    axs[0].axhspan(-0.01, 0.01, color="k", alpha=0.08)
    axs[0].set_ylim(-0.2, 0.2)
    axs[0].set_ylabel("Hawking mass of the coordinate sphere - M")
    axs[1].axhline(1.0, color="k", lw=0.5)
    axs[1].axhspan(0.99, 1.01, color="k", alpha=0.08)
    axs[1].set_ylim(0.7, 1.5)
    axs[1].set_ylabel("ADM surface integrals / M")
    for ax in axs:
        ax.set_xlabel("t / M")
        ax.legend(fontsize=7, ncol=2)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, name + "_adm.png"), dpi=100)
    plt.close(fig)
    print("wrote %s/%s_lapse.png, %s_adm.png, %s_ham.png" % (out, name, name, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
