#!/usr/bin/env bash
# The Apples-with-Apples testbeds of the BSSN module, shortened for CI (the full-length runs are
# tests/validation/awa.sh): the decks inputs/awa_*.yaml as shipped (rho = 1) and refined (rho = 2),
#   - gauge wave (A = 0.01) along x, BSSN and CCZ4: err_gxx (L2 and max) at t = 1 converges at order 3.6 .. 4.4;
#   - linear wave (A = 1e-8) along x at dx = 1/25 and 1/50 (at rho >= 2 its error is near round-off for t <~ 10):
#     the error of gamma_zz in the snapshot at t = 2 converges at 3.6 .. 4.4;
#   - robust stability (noise 1e-10, varying along x only) to t = 5: max |ham| stays below 5e-4 and grows not
#     faster than a power law t^p, p <= 1.5, over the second half (an exponential mode would show as a
#     steepening p; here max|ham| stays at its initial 3.5e-6: p ~ 0);
#   - the decks' one point in y and z (thinner than grid.ghost, wrapped by the exchange) against 4 x 4 points
#     in the same box: norms.dat bit-identical, on 1 and 2 ranks; a thin direction split over ranks is refused.
# Runs are on 1 rank unless said (the MPI side is tests/mpi/test_bssn_awa.c and test_exchange.c).
source "$(dirname "$0")/lib.sh" "$@"
awa=$src/tests/validation/awa.py
"$py" -c "import numpy, h5py" 2>/dev/null || { bad "$py lacks numpy or h5py (scripts/install-deps.sh installs them)"; finish "awa"; }
quiet=(--quiet --set checkpoint.at_end=false --set output.progress_seconds=0)

# run_case NP DIR DECK ARGS...: one run into DIR.
run_case() {
  local np=$1 dir=$2 deck=$3; shift 3
  run "$np" run "$src/inputs/$deck" "${quiet[@]}" --set output.dir="$dir" "$@" > "$dir.log" 2>&1 \
    || { bad "$dir: aeon run failed"; cat "$dir.log"; }
}

# in_range VALUE LO HI: VALUE within [LO, HI].
in_range() { "$py" -c "import sys; v=float(sys.argv[1]); sys.exit(0 if $2 <= v <= $3 else 1)" "$1"; }

# check_orders LABEL OUTPUT: every number on the "order" line of OUTPUT within 3.6 .. 4.4.
check_orders() {
  local label=$1 out=$2 o good=1
  echo "$out"
  for o in $(echo "$out" | awk '/^(order|maxorder) /{for (i = 2; i <= NF; i++) print $i}'); do
    in_range "$o" 3.6 4.4 || good=0
  done
  [ -n "$(echo "$out" | grep '^order ')" ] && [ $good = 1 ] && ok "$label: orders $(echo "$out" | grep '^order ' | cut -d' ' -f2-)" \
    || bad "$label: order outside 3.6 .. 4.4"
}

gw=(--set run.t_final=1 --set output.norms_every=0)
for form in bssn ccz4; do
  run_case 1 gw_${form}_1 awa_gauge_wave.yaml "${gw[@]}" --set bssn.formulation=$form
  run_case 1 gw_${form}_2 awa_gauge_wave.yaml "${gw[@]}" --set bssn.formulation=$form --set grid.n=[100,1,1]
  for col in L2_err_gxx max_err_gxx; do
    check_orders "gauge wave $form $col t=1" "$("$py" "$awa" order $col 1 gw_${form}_1 gw_${form}_2 2>&1)"
  done
done

# The linear wave: one snapshot at the last step (t = 2). y and z are one point 0.08 wide, so dt = dx/4 at both.
lw=(--set run.t_final=2 --set output.norms_every=0 --set "output.fields=[W,gt_zz]")
run_case 1 lw_1 awa_linear_wave.yaml "${lw[@]}" --set output.fields_every=200 --set grid.n=[25,1,1]
run_case 1 lw_2 awa_linear_wave.yaml "${lw[@]}" --set output.fields_every=400
check_orders "linear wave gamma_zz t=2" "$("$py" "$awa" linorder 2 lw_1 lw_2 2>&1)"

# Robust stability, short: 500 steps at rho = 1.
run_case 1 rs awa_robust_stability.yaml --set run.t_final=5 --set output.norms_every=25
out=$("$py" "$awa" growth rs max_ham 2>&1)
echo "robust stability: $out"
power=$(echo "$out" | awk '/^growth/{print $5}') last=$(echo "$out" | awk '/^growth/{print $9}')
in_range "$last" 0 5e-4 && ok "robust stability: max|ham| at t = 5 is $last" || bad "robust stability: max|ham| at t = 5 is $last"
in_range "$power" -1 1.5 && ok "robust stability: max|ham| ~ t^$power" || bad "robust stability: max|ham| ~ t^$power, p > 1.5"

# One point in y and z against 4 x 4 (the same box, so the same L2 weights): bit-identical norms.dat, 1 and 2 ranks.
th=(--set run.t_final=1 --set output.norms_every=20)
run_case 1 thin_1 awa_gauge_wave.yaml "${th[@]}"
run_case 2 thin_2 awa_gauge_wave.yaml "${th[@]}"
run_case 1 four_1 awa_gauge_wave.yaml "${th[@]}" --set grid.n=[50,4,4]
for d in thin_2 four_1; do
  if [ "$(grep -vc '^#' $d/norms.dat)" = 11 ] && cmp -s <(grep -v '^#' thin_1/norms.dat) <(grep -v '^#' $d/norms.dat); then
    ok "gauge wave [50,1,1] on 1 rank = $d: norms.dat bit-identical (11 rows)"
  else bad "gauge wave [50,1,1] on 1 rank differs from $d"; fi
done
run 2 run "$src/inputs/awa_gauge_wave.yaml" "${quiet[@]}" --set output.dir=thin_split --set "parallel.dims=[1,2,1]" \
  > thin_split.log 2>&1 && bad "a thin y split over 2 ranks was accepted"
grep -q "grid.n\[1\] = 1 is too small for 2 ranks in y with 3 ghost layers" thin_split.log \
  && ok "a thin y split over 2 ranks is refused" || { bad "thin y over 2 ranks: wrong message"; cat thin_split.log; }

# Restart of a BSSN run (CCZ4 with its default damping, and BSSN): 20 steps + checkpoint on 1 rank, restarted on
# 2 ranks to step 40, equals the straight run bit for bit (a checkpoint lists every key, defaults included).
for form in bssn ccz4; do
  rs_args=(--set run.t_final=0.2 --set output.norms_every=4 --set bssn.formulation=$form)
  run_case 1 rst_ref_$form awa_gauge_wave.yaml "${rs_args[@]}"
  run_case 1 rst_$form awa_gauge_wave.yaml "${rs_args[@]}" --set run.max_steps=20 --set checkpoint.at_end=true
  chk=rst_$form/checkpoints/chk_00000020.h5
  run 2 restart "$chk" --quiet --set run.max_steps=1000000 > rst_$form.restart.log 2>&1 \
    || { bad "bssn restart ($form) refused or failed"; cat rst_$form.restart.log; }
  if cmp -s <(grep -v '^#' rst_ref_$form/norms.dat) <(grep -v '^#' rst_$form/norms.dat); then
    ok "$form restart 1 -> 2 ranks at step 20: norms.dat bit-identical"
  else bad "$form restart: norms.dat differs from the straight run"; fi
done

finish "awa"
