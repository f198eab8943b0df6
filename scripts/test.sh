#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite:
#   1. Release build, every test (Check unit tests, MPI tests at 1-4 ranks, CLI tests)
#   2. gpu-compile: the kernel sources and the device check built with nvcc and hipcc (scripts/gpu-compile.sh),
#      failing if a compiler is present and the build fails; run on a device where one is present
#   3. build with -fsanitize=address,undefined, unit + MPI + CLI tests again
#   4. the deck parser's libFuzzer target for AEON_FUZZ_SECONDS (default 60); its clang build runs right after
#      stage 1, so that a source clang cannot compile fails early
# Stages can be skipped: AEON_SKIP_GPU=1, AEON_SKIP_SANITIZE=1, AEON_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-fuzz --with-hip --with-paraview --with-slurm
source scripts/env.sh
start=$(date +%s)

echo "== stage 1: Release build and full test suite"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-test -j "$JOBS"
(cd build-test && ctest --output-on-failure -j 2 --timeout 900)

if [ "${AEON_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== stage 1b: the fuzz target's clang build (fails early where clang cannot compile a source)"
  AEON_FUZZ_BUILD_ONLY=1 bash scripts/fuzz.sh
fi

if [ "${AEON_SKIP_GPU:-0}" != 1 ]; then
  echo "== stage 2: gpu-compile (nvcc, hipcc)"
  bash scripts/gpu-compile.sh build-gpu
fi

if [ "${AEON_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== stage 3: AddressSanitizer + UndefinedBehaviorSanitizer"
  # (GPU kernels are not sanitised: their compilers stay off here)
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DAEON_SANITIZE=ON -DAEON_BENCH=OFF \
        -DAEON_ENABLE_CUDA=OFF -DAEON_ENABLE_HIP=OFF >/dev/null
  cmake --build build-asan -j "$JOBS"
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # Unit tests (no MPI) run with leak detection; MPI and CLI tests without it, because Open MPI's
  # components leak at MPI_Finalize from unloaded modules that no suppression can name.
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest --output-on-failure -j 2 --timeout 1800 -L unit)
  # MPI tests two at a time (at 1 and 3 ranks); of the command-line tests (15-30x slower sanitised: 40 minutes for all of them) the
  # ones through the run, restart and output paths, one at a time. The others run in stage 1: the bad decks (the
  # parser runs sanitised in unit.test_deck and under the fuzzer), the timed kills, and the drivers' CLIs (their
  # library code runs sanitised in the mpi.test_drivers_* tests).
  # The MPI tests sanitised at 1 and 3 ranks (serial, and an uneven decomposition with interior and edge ranks),
  # and those declared for one rank count only at that count; their other runs are in stage 1. This halves the
  # stage (about 30 -> 15 minutes of test time).
  asan_mpi=$(cd build-asan && ctest -N -L mpi | awk '/Test +#/ {print $3}' |
             awk '{b=$0; sub(/\.np[0-9]+$/, "", b); n[b]++; t[NR]=$0; base[NR]=b}
                  END {for (i = 1; i <= NR; i++) if (n[base[i]] == 1 || t[i] ~ /\.np[13]$/) printf "^%s$|", t[i]}')
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 ctest --output-on-failure -j 2 --timeout 2700 -L mpi \
     -R "${asan_mpi%|}")
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 ctest --output-on-failure -j 1 --timeout 2700 \
     -R 'cli\.test_(cli|restart|bitwise_cli|checkpoint_v1)$')
fi

if [ "${AEON_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== stage 4: libFuzzer on the deck parser"
  bash scripts/fuzz.sh
fi
echo "test.sh: all stages passed in $(( $(date +%s) - start )) s"
