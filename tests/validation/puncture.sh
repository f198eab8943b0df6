#!/usr/bin/env bash
# Validation of a single moving puncture (issue 10): inputs/puncture_single.yaml (M = 1, Brill-Lindquist data,
# pre-collapsed lapse, 1+log + Gamma-driver eta = 2, octant [0, 10]^3, Sommerfeld outer faces) to t = 50 M at two
# resolutions, plus three short runs to t = 3 M whose Hamiltonian constraint in 2 < r < 5.5 M (not yet reached by
# the outer boundary's signals) gives the convergence order. Then tests/validation/puncture.py prints the report
# (Markdown: lapse minimum, ADM masses, constraint norms and orders; saved as RUNS/report.md) and writes
# docs/validation/puncture_*.png (needs matplotlib).
# Usage: tests/validation/puncture.sh [BUILD_DIR]    (default: build)
# Environment: AEON_VALIDATION_DIR (default runs/validation/puncture), AEON_NP (ranks per run, default 2),
#   PUNCTURE_N (long runs' grid points per direction, default "32 40"), PUNCTURE_NC (short runs', default
#   "20 30 40": rows every 0.25 M at every resolution), PUNCTURE_T (default 50), PYTHON (default /usr/bin/python3).
# Cost: 8.4e7 (n = 32) and 2.0e8 (n = 40) point-rhs evaluations (RK4, 640 and 800 steps); at the ~1e5 point-rhs/s
# one rank got on the loaded 2-core development machine, 15 and 35 minutes of CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
runs="${AEON_VALIDATION_DIR:-runs/validation/puncture}"
np="${AEON_NP:-2}"
py="${PYTHON:-/usr/bin/python3}"
aeon="$build/aeon"
deck=inputs/puncture_single.yaml
mkdir -p "$runs"
for n in ${PUNCTURE_N:-32 40}; do  # norms every ~1 M: dt = 2.5 M / n
  mpirun --oversubscribe -n "$np" "$aeon" run "$deck" --quiet --force --set grid.n="$n" \
    --set run.t_final="${PUNCTURE_T:-50}" --set output.norms_every=$((n * 2 / 5)) --set output.dir="$runs/n$n"
done
for n in ${PUNCTURE_NC:-20 30 40}; do  # dt = 2.5 M / n: norms every 0.25 M
  mpirun --oversubscribe -n "$np" "$aeon" run "$deck" --quiet --force --set grid.n="$n" --set run.t_final=3 \
    --set bssn.diag_max_radius=5.5 --set output.norms_every=$((n / 10)) --set checkpoint.at_end=false \
    --set output.dir="$runs/c$n"
done
"$py" tests/validation/puncture.py "$runs" docs/validation | tee "$runs/report.md"
