"""The AwA section of docs/validation.md from the runs of tests/validation/awa.sh (called as `awa.py report`).

RUNS holds one directory per run, NAME_rhoR (R = 1, 2, 4) with NAME one of
  robust (and robust_ccz4), lin_x, lin_diag, gw_x, gw_x_k0, gw_x_ko, gw_diag, gw01_bssn, gw01_k0, gw01_ccz4,
  gw01_ko
plus NAME_rhoR.rc (the exit status of aeon run). Missing runs are skipped. Writes
OUTDIR/awa_*.png and prints the Markdown tables on stdout.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from awa import at_time, growth, linerr, orders, read_norms, snapshots, gzz_error, param  # noqa: E402

RHOS = (1, 2, 4)


def runs(root, name):
    out = []
    for r in RHOS:
        d = os.path.join(root, f"{name}_rho{r}")
        if os.path.exists(os.path.join(d, "norms.dat")):
            out.append((r, d))
    return out


def rc(d):
    try:
        with open(d + ".rc") as f:
            return int(f.read().strip() or -1)
    except (OSError, ValueError):
        return None


def fmt(v):
    return "-" if v is None or not np.isfinite(v) else f"{v:.3e}"


def fo(v):
    return "-" if v is None or not np.isfinite(v) else f"{v:.2f}"


def order_table(title, rs, col, times, md):
    md.append(f"\n{title}\n")
    md.append("| t | " + " | ".join(f"rho = {r}" for r, _ in rs) + " | orders |")
    md.append("| --- " * (len(rs) + 2) + "|")
    res = {}
    for t in times:
        vals = []
        for _, d in rs:
            n = read_norms(d)
            tt, v = at_time(n, col, t)
            vals.append(v if abs(tt - t) <= 0.01 * t else None)
        good = []
        for v in vals:  # the resolutions that reached t, from the coarsest on
            if v is None:
                break
            good.append(v)
        od = orders(good)
        res[t] = (vals, od)
        md.append(f"| {t:g} | " + " | ".join(fmt(v) for v in vals) + " | " + ", ".join(fo(o) for o in od) + " |")
    return res


def plot_err(rs, col, path, title, scale=True):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for r, d in rs:
        n = read_norms(d)
        y = n[col] * (r**4 if scale else 1)
        ax.semilogy(n["t"], y, label=f"rho = {r}" + (r" ($\times \rho^4$)" if scale else ""))
    ax.set_xlabel("t")
    ax.set_ylabel(col)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(root, outdir):
    os.makedirs(outdir, exist_ok=True)
    md = []
    # gauge wave A = 0.01
    for name, label in (("gw_x", "Gauge wave A = 0.01 along x"),
                        ("gw_x_k0", "Gauge wave A = 0.01 along x, k_hamiltonian 0"),
                        ("gw_x_ko", "Gauge wave A = 0.01 along x, k_hamiltonian 0, KO 0.1"),
                        ("gw_diag", "Gauge wave A = 0.01, diagonal")):
        rs = runs(root, name)
        if not rs:
            continue
        for col in ("L2_err_gxx", "max_err_gxx"):
            order_table(f"**{label}**: `{col}` (gamma_xx minus the exact solution)", rs, col, (1, 10, 100, 1000), md)
        ends = ", ".join(f"rho = {r}: t = {read_norms(d)['t'][-1]:g} (exit {rc(d)})" for r, d in rs)
        md.append(f"\nLast row: {ends}.")
        plot_err(rs, "L2_err_gxx", os.path.join(outdir, f"awa_{name}.png"), label + r": L2 err gxx $\times\rho^4$")
    # linear wave along x: gamma_zz from snapshots
    rs = runs(root, "lin_x")
    if rs:
        md.append("\n**Linear wave A = 1e-8 along x**: error of gamma_zz (L2) from the snapshots\n")
        times = (1, 2, 5, 10)
        md.append("| t | " + " | ".join(f"rho = {r}" for r, _ in rs) + " | orders |")
        md.append("| --- " * (len(rs) + 2) + "|")
        for t in times:
            vals = [linerr(d, t)[1] for _, d in rs]
            md.append(f"| {t:g} | " + " | ".join(fmt(v) for v in vals) + " | " + ", ".join(fo(o) for o in orders(vals)) + " |")
        md.append("\nPhase error of the wave mode (radians; the x-average of gamma_zz - 1 left out):\n")
        md.append("| t | " + " | ".join(f"rho = {r}" for r, _ in rs) + " | orders |")
        md.append("| --- " * (len(rs) + 2) + "|")
        for t in (1, 10, 100, 1000):
            got = [linerr(d, t) for _, d in rs]
            vals = [abs(g[6]) if abs(g[0] - t) < 0.5 else float("nan") for g in got]
            md.append(f"| {t:g} | " + " | ".join(fmt(v) for v in vals) + " | " + ", ".join(fo(o) for o in orders(vals)) + " |")
        fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
        md.append("\nAmplitude max |gamma_zz - 1| relative to A, and its parts (wave mode, x-average):\n")
        for r, d in rs:
            amp = float(param(d, "bssn.wave_amplitude"))
            wl = float(param(d, "bssn.wave_length", "1"))
            res = np.array([gzz_error(p, amp, wl) for p in snapshots(d)])
            line = ax[0].plot(res[:, 0], res[:, 3] / amp, label=f"rho = {r}: max |gamma_zz - 1|")[0]
            ax[0].plot(res[:, 0], res[:, 5] / amp, "--", color=line.get_color(), label=f"rho = {r}: wave mode")
            ax[1].semilogy(res[:, 0], np.abs(res[:, 6]) * r**4, label=f"rho = {r}")
            md.append(f"- rho = {r}: t = {res[-1, 0]:g}, amplitude {res[-1, 3] / amp:.6f} A "
                      f"(at t = 0: {res[0, 3] / amp:.6f} A), wave mode {res[-1, 5] / amp:.6f} A, x-average "
                      f"{res[-1, 4] / amp:+.3e} A, L2 error {res[-1, 1]:.3e}")
        ax[0].set_xlabel("t"), ax[0].set_ylabel("amplitude / A"), ax[0].legend()
        ax[1].set_xlabel("t"), ax[1].set_ylabel(r"phase error of the wave mode $\times \rho^4$"), ax[1].legend()
        fig.suptitle("AwA linear wave along x")
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "awa_lin_x.png"), dpi=110)
        plt.close(fig)
    rs = runs(root, "lin_diag")
    if rs:
        order_table("**Linear wave A = 1e-8, diagonal**: `L2_err_gxx`", rs, "L2_err_gxx", (1, 5, 10, 100), md)
        plot_err(rs, "L2_err_gxx", os.path.join(outdir, "awa_lin_diag.png"), r"AwA linear wave, diagonal: L2 err gxx $\times\rho^4$")
    # robust stability
    for name in ("robust", "robust_ccz4"):
        rs = runs(root, name)
        if not rs:
            continue
        md.append(f"\n**Robust stability** (`{name}`): max |ham| and its growth over the second half of each run\n")
        md.append("| rho | t reached | max ham at t = 0 | max ham at the end | fitted rate (1/time) | fitted power of t |")
        md.append("| --- | --- | --- | --- | --- | --- |")
        fig, ax = plt.subplots(figsize=(7, 4.2))
        for r, d in rs:
            n = read_norms(d)
            rate, power, v0, v1 = growth(d)
            md.append(f"| {r} | {n['t'][-1]:g} | {fmt(v0)} | {fmt(v1)} | {rate:.2e} | {power:.2f} |")
            ax.loglog(n["t"][1:], n["max_ham"][1:], label=f"rho = {r}")
        ax.set_xlabel("t"), ax.set_ylabel("max |ham|"), ax.legend(), ax.set_title(f"AwA robust stability ({name})")
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, f"awa_{name}.png"), dpi=110)
        plt.close(fig)
    # gauge wave A = 0.1
    big = [(n, runs(root, n)) for n in ("gw01_bssn", "gw01_k0", "gw01_ccz4", "gw01_ko")]
    if any(rs for _, rs in big):
        md.append("\n**Gauge wave A = 0.1**: how far each run got\n")
        md.append("| run | rho | exit | t reached | L2 err gxx at t = 10 | at t = 100 | last L2 err gxx | last max ham |")
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        fig, ax = plt.subplots(figsize=(7, 4.2))
        for name, rs in big:
            for r, d in rs:
                n = read_norms(d)
                fin = np.isfinite(n["L2_err_gxx"])
                last = n[fin][-1] if fin.any() else n[-1]
                e10 = at_time(n, "L2_err_gxx", 10)[1] if n["t"][-1] >= 10 else None
                e100 = at_time(n, "L2_err_gxx", 100)[1] if n["t"][-1] >= 100 else None
                md.append(f"| {name} | {r} | {rc(d)} | {last['t']:g} | {fmt(e10)} | {fmt(e100)} | "
                          f"{fmt(last['L2_err_gxx'])} | {fmt(last['max_ham'])} |")
                ax.semilogy(n["t"], n["L2_err_gxx"], label=f"{name} rho = {r}")
        ax.set_xlabel("t"), ax.set_ylabel("L2 err gxx"), ax.legend(), ax.set_title("AwA gauge wave A = 0.1")
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "awa_gw01.png"), dpi=110)
        plt.close(fig)
    print("\n".join(md))
    return 0
