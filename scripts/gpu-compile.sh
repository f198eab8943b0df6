#!/usr/bin/env bash
# GPU compile check: builds the kernel sources (*.cu: the wave point kernel on aeon/stencil.h) and the
# device-against-host check tests/gpu/gpu_check.cu with every GPU compiler present, nvcc (on PATH or in
# /usr/local/cuda/bin) and hipcc, forcing AEON_ENABLE_CUDA/HIP=ON in the build directory BUILD (default
# build-gpu). Fails if a compiler is present and its build fails, or if neither is present (hipcc comes
# from scripts/install-deps.sh --with-hip). Then runs each check: exit 0 (device equals host bit for bit)
# passes, 2 (no device here) counts as compiled only, anything else fails.
# Usage: scripts/gpu-compile.sh [BUILD]     Env: AEON_GPU_REQUIRE="cuda hip" makes a missing compiler fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
build=${1:-build-gpu}

nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
hipcc=$(command -v hipcc || true)
for req in ${AEON_GPU_REQUIRE:-}; do
  case $req in
    cuda) [ -n "$nvcc" ] || { echo "gpu-compile: AEON_GPU_REQUIRE has cuda but no nvcc was found" >&2; exit 1; } ;;
    hip) [ -n "$hipcc" ] || { echo "gpu-compile: AEON_GPU_REQUIRE has hip but no hipcc was found" >&2; exit 1; } ;;
    *) echo "gpu-compile: unknown AEON_GPU_REQUIRE entry '$req' (cuda, hip)" >&2; exit 2 ;;
  esac
done
if [ -z "$nvcc" ] && [ -z "$hipcc" ]; then
  echo "gpu-compile: neither nvcc nor hipcc found (bash scripts/install-deps.sh --with-hip installs hipcc)" >&2
  exit 1
fi

args=(-DCMAKE_BUILD_TYPE=Release -DAEON_BENCH=OFF -DAEON_TESTS=ON)
targets=()
if [ -n "$nvcc" ]; then
  args+=(-DAEON_ENABLE_CUDA=ON -DCMAKE_CUDA_COMPILER="$nvcc")
  targets+=(aeon_kernels aeon_gpu_check_cuda)
else
  args+=(-DAEON_ENABLE_CUDA=OFF)
fi
if [ -n "$hipcc" ]; then
  args+=(-DAEON_ENABLE_HIP=ON -DAEON_HIPCC="$hipcc")
  targets+=(aeon_kernels_hip aeon_gpu_check_hip)
else
  args+=(-DAEON_ENABLE_HIP=OFF)
fi
echo "gpu-compile: nvcc=${nvcc:-none} hipcc=${hipcc:-none} in $build"
mkdir -p "$build"
log=$build/gpu-compile-configure.log
cmake -S . -B "$build" "${args[@]}" >"$log" 2>&1 || { cat "$log"; exit 1; }
grep -E "^--   (CUDA|HIP):" "$log"
cmake --build "$build" -j "$JOBS" --target "${targets[@]}"

run_check() { # NAME EXECUTABLE
  local rc=0
  "$2" || rc=$?
  case $rc in
    0) echo "gpu-compile: $1: compiled, and device results equal the host's" ;;
    2) echo "gpu-compile: $1: compiled and linked (no device here to run on)" ;;
    *) echo "gpu-compile: $1: device check FAILED (exit $rc)" >&2; return 1 ;;
  esac
}
[ -n "$nvcc" ] && run_check cuda "$build/aeon_gpu_check_cuda"
[ -n "$hipcc" ] && run_check hip "$build/hip/aeon_gpu_check_hip"
echo "gpu-compile: passed"
