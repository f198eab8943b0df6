#!/usr/bin/python3
"""Plots the in-core Cholesky rate against N from bench_cholesky's JSON lines.

Usage: /usr/bin/python3 bench/plot_cholesky.py IN.jsonl OUT.png

Each run of bench_cholesky contributes its `dgemm` line (n = the --dgemm-n size, the machine's rate),
its Aeon `cholesky` line and its ScaLAPACK lines (the best block size is kept); a run is the lines
between two `env` lines. Prints one table row per N.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def runs(path):
    """Splits the JSON lines into runs (each starts with an `env` line)."""
    out, cur = [], None
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        if d.get("bench") == "env":
            cur = {"scalapack": 0.0}
            out.append(cur)
        elif cur is None:
            continue
        elif d.get("bench") == "dgemm" and "dgemm" not in cur:
            cur["dgemm"] = d["gflops"]
        elif d.get("bench") == "cholesky" and d.get("impl") == "aeon":
            cur["n"], cur["aeon"] = d["n"], d["gflops"]
        elif d.get("bench") == "cholesky" and d.get("impl") == "scalapack_pdpotrf":
            cur["scalapack"] = max(cur["scalapack"], d["gflops"])
    return [r for r in out if "aeon" in r and "dgemm" in r]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rs = sorted(runs(sys.argv[1]), key=lambda r: r["n"])
    print("| N | DGEMM | Aeon | fraction of DGEMM | ScaLAPACK (best nb) | Aeon / ScaLAPACK |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rs:
        print(f"| {r['n']} | {r['dgemm']:.1f} | {r['aeon']:.1f} | {r['aeon'] / r['dgemm']:.2f} | "
              f"{r['scalapack']:.1f} | {r['aeon'] / r['scalapack']:.2f} |")
    n = [r["n"] for r in rs]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(n, [r["dgemm"] for r in rs], "k--", label="DGEMM 2048³ (both ranks, same run)")
    ax.plot(n, [r["aeon"] for r in rs], "o-", color="C3", label="Aeon in-core Cholesky (nb 256, lookahead 1)")
    ax.plot(n, [r["scalapack"] for r in rs], "s-", color="C0", label="ScaLAPACK pdpotrf (best nb)")
    ax.set_xlabel("N")
    ax.set_ylabel("GFLOP/s (2 ranks, 1x2 grid)")
    ax.set_ylim(0, max(r["dgemm"] for r in rs) * 1.1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)
    print(f"plot_cholesky: wrote {sys.argv[2]}")


if __name__ == "__main__":
    main()
