#!/usr/bin/env bash
# Validation of a single moving puncture (issue 10): inputs/puncture_single.yaml (M = 1, Brill-Lindquist data,
# pre-collapsed lapse, 1+log + Gamma-driver eta = 2, octant [0, 16]^3, Sommerfeld outer faces with per-variable
# falloffs and the NewRad-style non-radiating part) to t = 50 M at two resolutions (dx = 0.4 and 1/3 M), plus three
# short runs to t = 4.2 M whose Hamiltonian constraint in 2 < r < 8 M (not yet reached by the outer boundary's signals,
# which need (16 - 8) / sqrt(2) = 5.7 M) gives the convergence order. Then tests/validation/puncture.py prints the
# report (Markdown: lapse at the puncture, ADM masses, constraint norms and orders; saved as RUNS/report.md) and writes
# docs/validation/puncture_*.png (needs matplotlib).
# Usage: tests/validation/puncture.sh [BUILD_DIR]    (default: build)
# Environment: PUNCTURE_DECK (default inputs/puncture_single.yaml, BSSN; inputs/puncture_ccz4.yaml is the same run
#   under CCZ4), AEON_VALIDATION_DIR (default runs/validation/<deck name>), AEON_NP (ranks per run, default 2),
#   PUNCTURE_N (long runs' grid points per direction, default "40 48"), PUNCTURE_NC (short runs', default
#   "32 40 48"), PUNCTURE_T (default 50), PYTHON (default /usr/bin/python3).
# Cost: 9.2e7 (n = 40) and 1.9e8 (n = 48) point-rhs evaluations (RK4, dt = 0.35 dx: 358 and 429 steps), 2.4e7 for
# the short runs; on the loaded 2-core development machine (about 5e4 point-rhs/s per rank) 30 and 60 minutes of
# one rank each, run side by side.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
deck="${PUNCTURE_DECK:-inputs/puncture_single.yaml}"
name=$(basename "$deck" .yaml)
name=${name/#puncture_single/puncture}  # the figures: docs/validation/<name>_*.png
runs="${AEON_VALIDATION_DIR:-runs/validation/$name}"
np="${AEON_NP:-2}"
py="${PYTHON:-/usr/bin/python3}"
aeon="$build/aeon"
mkdir -p "$runs"
for n in ${PUNCTURE_N:-40 48}; do  # dt = 5.6 M / n: norms every ~0.7 M
  mpirun --oversubscribe -n "$np" "$aeon" run "$deck" --quiet --force --set grid.n="$n" \
    --set run.t_final="${PUNCTURE_T:-50}" --set output.norms_every=$((n / 8)) --set output.dir="$runs/n$n"
done
for n in ${PUNCTURE_NC:-32 40 48}; do  # dt = 5.6 M / n: norms every 0.7 M, the same times at every n
  mpirun --oversubscribe -n "$np" "$aeon" run "$deck" --quiet --force --set grid.n="$n" --set run.t_final=4.2 \
    --set bssn.diag_max_radius=8 --set output.norms_every=$((n / 8)) --set checkpoint.at_end=false \
    --set output.dir="$runs/c$n"
done
"$py" tests/validation/puncture.py "$runs" docs/validation 16 "$name" | tee "$runs/report.md"
