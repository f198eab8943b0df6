#!/usr/bin/env bash
# The aeon command line: help, version, params, a real run's files, refusal to
# overwrite a run directory, --force, and the 2-rank default deck finishing.
source "$(dirname "$0")/lib.sh" "$@"

"$aeon" --help | grep -q "usage: aeon" && ok || bad "--help"
"$aeon" --version | grep -Eq "^aeon [0-9]+\.[0-9]+\.[0-9]+" && ok || bad "--version"
"$aeon" params > params.txt && grep -q "grid.n" params.txt && grep -q "wave.dissipation" params.txt && ok || bad "params"
"$aeon" params --markdown | grep -q "^| " && ok || bad "params --markdown"
"$aeon" frobnicate 2>err.txt; [ $? -eq 2 ] && grep -q "unknown command 'frobnicate'" err.txt && ok || bad "unknown command"
"$aeon" 2>/dev/null; [ $? -eq 2 ] && ok || bad "no command"

deck=$src/inputs/wave.yaml
args=(--set grid.n=12 --set run.t_final=0.05 --set output.fields_every=2 --set output.dir=run1)
"$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" "${args[@]}" > out.txt 2>&1 && ok || { bad "2-rank run"; cat out.txt; }
grep -q "output in run1/" out.txt && ok || bad "run does not print where its output went"
grep -q "time per task" out.txt && ok || bad "no timing table"
grep -q "ranks in a" out.txt && ok || bad "no binding report"
for f in deck.yaml params.yaml norms.dat fields_000000.h5 fields_000000.xmf; do
  [ -s "run1/$f" ] && ok || bad "missing run1/$f"
done
cmp -s "$deck" run1/deck.yaml && ok || bad "deck.yaml is not the deck as given"
nrows=$(grep -vc '^#' run1/norms.dat); [ "$nrows" -ge 2 ] && ok || bad "norms.dat has $nrows rows"
grep -q "^# step t dt L2_err_u max_err_u" run1/norms.dat && ok || bad "norms.dat header"
before=$(md5sum run1/norms.dat)
"$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" "${args[@]}" > out2.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "already exists" out2.txt && ok || bad "existing run directory was not refused (rc $rc)"
[ "$(md5sum run1/norms.dat)" = "$before" ] && ok || bad "refused run changed earlier output"
"$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" "${args[@]}" --force --quiet > out3.txt 2>&1 && ok || bad "--force"
/usr/bin/python3 "$src/tests/scripts/check_xdmf.py" run1/fields_000000.xmf > /dev/null && ok || bad "XDMF sidecar does not match its HDF5 file"
finish "cli"
