#!/usr/bin/env bash
# Validation of the wave module through the real command line, and the figures of
# docs/validation.md:
#   1. convergence: the default deck inputs/wave.yaml with --set overrides, on 2 MPI
#      ranks, at grid.n = [n, n, 8] for n = 16, 32, 64 (grid.xmax = [1, 1, 0.5],
#      run.t_final = 0.5): the periodic plane wave k = [1, 1, 0], and the standing
#      wave with symmetry faces in x and y. The L2 error of u is read from the last
#      row of each norms.dat and the observed orders log2(e(n)/e(2n)) are computed.
#   2. the Gaussian pulse of inputs/wave_pulse.yaml on 2 ranks (radiative faces).
#   3. the 40 largest eigenvalues of the semi-discrete evolution operator of
#      inputs/wave_eig.yaml with dissipation 0.1 (aeon eig --deck), against the
#      analytic spectrum, and the largest stable dt of each RK method.
# Then scripts/validation.py (with /usr/bin/python3: numpy, h5py, matplotlib) writes
# docs/img/convergence.png, pulse.png and spectrum.png and prints the table of errors and
# orders (also saved as RUNS/convergence.md).
#
# Usage: scripts/validation.sh [BUILD_DIR]      (default: build; built if aeon is missing)
# Environment: AEON_VALIDATION_DIR (default runs/validation), AEON_NP (default 2),
#              PYTHON (default /usr/bin/python3).
# Exit status: 0 if every measured order is within 0.3 of 4 and the spectrum matches, 1 otherwise or on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

build="${1:-build}"
runs="${AEON_VALIDATION_DIR:-runs/validation}"
np="${AEON_NP:-2}"
py="${PYTHON:-/usr/bin/python3}"
aeon="$build/aeon"

if [ ! -x "$aeon" ]; then
  echo "validation: $aeon not found; building it in $build/"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DAEON_TESTS=OFF >/dev/null
  cmake --build "$build" -j "$JOBS"
fi
"$py" -c 'import numpy, h5py, matplotlib' 2>/dev/null || {
  echo "validation: $py lacks numpy/h5py/matplotlib (Debian: apt-get install python3-numpy python3-h5py python3-matplotlib)" >&2
  exit 1
}

mkdir -p "$runs"
run() { # run OUTDIR DECK [--set ...]: one quiet run into a fresh run directory
  local out=$1 deck=$2
  shift 2
  mpirun --oversubscribe -n "$np" "$aeon" run "$deck" --quiet --force --set "output.dir=$out" "$@"
}

common=(--set grid.xmax=[1,1,0.5] --set wave.k=[1,1,0] --set run.t_final=0.5
        --set output.fields_every=0 --set output.norms_every=0)
symmetry=(--set boundary.xlo=symmetry --set boundary.xhi=symmetry
          --set boundary.ylo=symmetry --set boundary.yhi=symmetry)
for n in 16 32 64; do
  echo "validation: plane wave, periodic, n = $n"
  run "$runs/plane_n$n" inputs/wave.yaml "${common[@]}" --set "grid.n=[$n,$n,8]" --set wave.solution=plane
  echo "validation: standing wave, symmetry faces in x and y, n = $n"
  run "$runs/standing_n$n" inputs/wave.yaml "${common[@]}" "${symmetry[@]}" --set "grid.n=[$n,$n,8]" \
    --set wave.solution=standing
done

echo "validation: Gaussian pulse (inputs/wave_pulse.yaml)"
run "$runs/pulse" inputs/wave_pulse.yaml

echo "validation: spectrum of the evolution operator (inputs/wave_eig.yaml with dissipation 0.1)"
sed 's/^  dissipation: 0.0$/  dissipation: 0.1/' inputs/wave_eig.yaml > "$runs/wave_eig_ko.yaml"
grep -q "dissipation: 0.1" "$runs/wave_eig_ko.yaml"
mpirun --oversubscribe -n "$np" "$aeon" eig --deck "$runs/wave_eig_ko.yaml" --nev 40 --ncv 100 > "$runs/eig.txt"

mkdir -p docs/img
"$py" scripts/validation.py "$runs" docs/img
