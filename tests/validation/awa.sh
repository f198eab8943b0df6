#!/usr/bin/env bash
# The Apples-with-Apples testbeds of the BSSN module at full length (Alcubierre et al. 2004, CQG 21, 589),
# at rho = 1, 2, 4 (dx = 1/(50 rho)), from the decks inputs/awa_*.yaml, then the tables and figures of
# docs/validation.md's AwA section (tests/validation/awa.py report -> docs/validation/awa_*.png).
# Runs (each NAME_rhoR in the runs directory, its exit status in NAME_rhoR.rc):
#   robust      robust stability: noise 1e-10/rho^2, dt = dx/2, harmonic slicing, to T_RS (1000); AwA's 1D
#               variant (one point in y and z, as every case here); robust_3d: 4 x 4 points in y, z (16x the cost)
#   lin_x       linear wave A = 1e-8 along x, to T_LIN1D (1000), snapshots of W, gt_zz every t = 1
#   lin_diag    linear wave, diagonal, to T_LIN2D (100)
#   gw_x        gauge wave A = 0.01 along x, to T_GW1D (1000) (the deck's bssn.k_hamiltonian: 1)
#   gw_diag     gauge wave A = 0.01, diagonal, to T_GW2D (100)
#   gw_x_k0     gw_x with BSSN's own K equation (bssn.k_hamiltonian 0): fails (docs/validation.md)
#   gw01_bssn   gauge wave A = 0.1 along x (BSSN, k_hamiltonian 1), to T_GW01 (1000): when and how it fails
#   gw01_k0     the same with k_hamiltonian 0
#   gw01_ccz4   the same with CCZ4 (kappa1 = 0.1, kappa3 = 0.5, k_hamiltonian 0)
#   gw_x_ko, gw01_ko  gw_x_k0 and gw01_bssn with Kreiss-Oliger dissipation 0.1
# (kappa3 multiplies only shift terms, so it changes nothing at zero shift: no case for it)
# Not run by ctest (1D cases, one point in y and z: up to ~25 min at rho = 4 on a shared core; the diagonal
# ones ~30 min at rho = 2 to t = 100 on one rank, ~65 min at rho = 4 on two: AWA_NP=2); tests/scripts/test_awa.sh is the CI-sized version.
#
# Usage: tests/validation/awa.sh [report] [BUILD_DIR]    (default: build; report: only the report)
# Environment: AWA_RUNS (default runs/awa), AWA_RHOS ("1 2 4"), AWA_CASES (all of the above),
#   AWA_PAR (runs at once, default 2), AWA_NP (ranks per run, default 1), T_RS, T_LIN1D, T_LIN2D,
#   T_GW1D, T_GW2D, T_GW01 (final times), AWA_NICE (nice level, default 10), AWA_REPORT (1: write
#   the report after the runs).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
only_report=0
if [ "${1:-}" = report ]; then only_report=1; shift; fi
build="${1:-build}"
runs="${AWA_RUNS:-runs/awa}"
rhos="${AWA_RHOS:-1 2 4}"
cases="${AWA_CASES:-robust lin_x lin_diag gw_x gw_x_k0 gw_x_ko gw_diag gw01_bssn gw01_k0 gw01_ccz4 gw01_ko}"
par="${AWA_PAR:-2}" np="${AWA_NP:-1}" nicelevel="${AWA_NICE:-10}"
py=/usr/bin/python3
aeon="$(pwd)/$build/aeon"
src=$(pwd)
export LD_LIBRARY_PATH="$(dirname "$aeon")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"  # a copied build dir uses its own libaeon
mkdir -p "$runs"

# line CASE RHO: the deck and --set overrides of one run (one line, words without spaces).
line() {
  local c=$1 r=$2 n1=$((50 * $2)) t deck extra=""
  local every=$((200 * r))           # norms every t = 1 at dt = dx/4
  case $c in
    robust) deck=awa_robust_stability.yaml t=${T_RS:-1000} every=$((100 * r))
            extra="--set bssn.noise=$("$py" -c "print(1e-10/$r**2)") --set grid.n=[$n1,1,1]" ;;
    robust_3d) deck=awa_robust_stability.yaml t=${T_RS:-1000} every=$((100 * r))
            extra="--set bssn.noise=$("$py" -c "print(1e-10/$r**2)") --set grid.n=[$n1,4,4]" ;;
    robust_ccz4) deck=awa_robust_stability.yaml t=${T_RS:-1000} every=$((100 * r))
            extra="--set bssn.noise=$("$py" -c "print(1e-10/$r**2)") --set grid.n=[$n1,1,1] --set bssn.formulation=ccz4" ;;
    lin_x) deck=awa_linear_wave.yaml t=${T_LIN1D:-1000}
           extra="--set grid.n=[$n1,1,1] --set output.fields=[W,gt_zz] --set output.fields_every=$every" ;;
    lin_diag) deck=awa_linear_wave_diag.yaml t=${T_LIN2D:-100} extra="--set grid.n=[$n1,$n1,1]" ;;
    gw_x) deck=awa_gauge_wave.yaml t=${T_GW1D:-1000} extra="--set grid.n=[$n1,1,1]" ;;
    gw_diag) deck=awa_gauge_wave_diag.yaml t=${T_GW2D:-100} extra="--set grid.n=[$n1,$n1,1]" ;;
    gw_x_k0) deck=awa_gauge_wave.yaml t=${T_GW1D:-1000} extra="--set grid.n=[$n1,1,1] --set bssn.k_hamiltonian=0" ;;
    gw01_bssn) deck=awa_gauge_wave.yaml t=${T_GW01:-1000} extra="--set grid.n=[$n1,1,1] --set bssn.wave_amplitude=0.1" ;;
    gw01_k0) deck=awa_gauge_wave.yaml t=${T_GW01:-1000}
             extra="--set grid.n=[$n1,1,1] --set bssn.wave_amplitude=0.1 --set bssn.k_hamiltonian=0" ;;
    gw_x_ko) deck=awa_gauge_wave.yaml t=${T_GW1D:-1000}
             extra="--set grid.n=[$n1,1,1] --set bssn.dissipation=0.1 --set bssn.k_hamiltonian=0" ;;
    gw01_ko) deck=awa_gauge_wave.yaml t=${T_GW01:-1000}
             extra="--set grid.n=[$n1,1,1] --set bssn.wave_amplitude=0.1 --set bssn.dissipation=0.1" ;;
    gw01_ccz4) deck=awa_gauge_wave.yaml t=${T_GW01:-1000}
               extra="--set grid.n=[$n1,1,1] --set bssn.wave_amplitude=0.1 --set bssn.formulation=ccz4 --set bssn.k_hamiltonian=0" ;;
    *) echo "awa.sh: unknown case $c" >&2; return 1 ;;
  esac
  echo "$c $r inputs/$deck --set run.t_final=$t --set output.norms_every=$every $extra"
}

# one CASE RHO DECK ARGS...: a run, its log and exit status.
one() {
  local c=$1 r=$2 deck=$3; shift 3
  local d="$runs/${c}_rho$r"
  rm -rf "$d"
  local t0=$(date +%s)
  nice -n "$nicelevel" mpirun --oversubscribe -n "$np" "$aeon" run "$src/$deck" --quiet --force \
    --set output.dir="$d" --set checkpoint.at_end=false --set faults.max_retries=2 "$@" > "$d.log" 2>&1
  local rc=$?
  echo $rc > "$d.rc"
  echo "$(date -u +%H:%M:%S) ${c}_rho$r: exit $rc after $(( $(date +%s) - t0 )) s"
}
export -f one
export runs np nicelevel aeon src

if [ $only_report = 0 ]; then
  for r in $rhos; do for c in $cases; do line "$c" "$r"; done; done \
    | xargs -P "$par" -L 1 bash -c 'one "$@"' _
fi
if [ "${AWA_REPORT:-1}" = 1 ]; then
  mkdir -p docs/validation
  "$py" tests/validation/awa.py report "$runs" docs/validation > "$runs/awa.md" && cat "$runs/awa.md"
fi
