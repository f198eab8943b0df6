#!/usr/bin/env bash
# Installs the Debian packages Aeon needs, only those missing. Idempotent.
# Usage: scripts/install-deps.sh [--with-fuzz] [--with-hip] [--with-paraview] [--with-slurm] [--quiet]
#   --with-slurm: Slurm (slurmctld, slurmd, client commands) and munge, for the one-node Slurm test
#   (tests/scripts/test_slurm.sh starts its own munged, slurmctld and slurmd on loopback; the packages'
#   own services are not used).
#   --with-hip: Debian's ROCm 5.2 HIP compiler for the GPU compile check (hipcc pulls in clang-15, lld-15
#   and libamdhip64-dev; rocm-device-libs holds the bitcode libraries --offload-arch=gfx90a links).
#   No AMD GPU is needed to compile. nvcc is not a Debian package here: install the CUDA toolkit separately.
#   --with-paraview: ParaView 5.11 (pvbatch and its Python modules) for the test that opens a run's XDMF time series
#   in ParaView (cli.test_paraview; it renders nothing, so no X server is needed).
set -euo pipefail

PKGS=(build-essential cmake pkg-config git
      libopenmpi-dev openmpi-bin
      libhdf5-openmpi-dev hdf5-tools
      petsc-dev
      libfftw3-dev libfftw3-mpi-dev
      libhwloc-dev libyaml-dev check
      libssl-dev libopenblas-dev liblapacke-dev libscalapack-openmpi-dev libarpack2-dev
      python3 python3-numpy python3-h5py python3-matplotlib)
FUZZ_PKGS=(clang libclang-rt-14-dev)
HIP_PKGS=(hipcc rocm-device-libs libamdhip64-dev)
PARAVIEW_PKGS=(paraview python3-paraview)
SLURM_PKGS=(slurmctld slurmd slurm-client munge)

want=("${PKGS[@]}")
for a in "$@"; do
  case "$a" in
    --with-fuzz) want+=("${FUZZ_PKGS[@]}") ;;
    --with-hip) want+=("${HIP_PKGS[@]}") ;;
    --with-paraview) want+=("${PARAVIEW_PKGS[@]}") ;;
    --with-slurm) want+=("${SLURM_PKGS[@]}") ;;
    --quiet) ;;
    *) echo "install-deps.sh: unknown option '$a' (known: --with-fuzz, --with-hip, --with-paraview, --with-slurm, --quiet)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

echo "install-deps: missing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install-deps: not root and no password-less sudo." >&2
    echo "  Ask an administrator to run:" >&2
    echo "    apt-get update && apt-get install -y ${missing[*]}" >&2
    echo "  or run this script as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} packages"
