#!/usr/bin/env bash
# In-core Cholesky rate against N: bench_cholesky on 2 ranks (grid 1x2) for N = 2048 ... 12288, Aeon next to
# ScaLAPACK's pdpotrf (block sizes 64, 128, 256; the best is plotted) and the machine's DGEMM rate of the same
# run, then bench/plot_cholesky.py draws docs/img/cholesky.png from the JSON lines.
#
# Usage: bench/cholesky_scaling.sh [BUILD_DIR] [OUT.jsonl]   (defaults: build, runs/cholesky_scaling.jsonl)
# Environment: AEON_BENCH_MPIRUN_ARGS (default: --mca btl_vader_single_copy_mechanism cma, Open MPI's
# single-copy shared memory, which scripts/env.sh turns off), AEON_BENCH_NS (default "2048 4096 6144 8192 12288").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
build=${1:-build}
out=${2:-runs/cholesky_scaling.jsonl}
mkdir -p "$(dirname "$out")"
: > "$out"
read -r -a extra <<< "${AEON_BENCH_MPIRUN_ARGS:---mca btl_vader_single_copy_mechanism cma}"
for n in ${AEON_BENCH_NS:-2048 4096 6144 8192 12288}; do
  echo "cholesky_scaling: N = $n" >&2
  mpirun -n 2 "${extra[@]}" -x OPENBLAS_CORETYPE "$build/bench/bench_cholesky" --n "$n" >> "$out"
done
/usr/bin/python3 bench/plot_cholesky.py "$out" docs/img/cholesky.png
