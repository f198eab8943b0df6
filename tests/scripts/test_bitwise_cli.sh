#!/usr/bin/env bash
# The same deck run by `aeon run` on 1, 2, 3 and 4 ranks writes bit-identical
# norms.dat and bit-identical HDF5 field datasets (h5diff with no tolerance).
source "$(dirname "$0")/lib.sh" "$@"
for np in 1 2 3 4; do
  "$mpiexec" --oversubscribe -n $np "$aeon" run "$src/inputs/wave_pulse.yaml" --quiet \
    --set grid.n=[20,18,16] --set run.t_final=0.4 --set output.fields_every=100 --set output.dir=np$np \
    > log$np.txt 2>&1 || { echo "FAIL: run on $np ranks"; cat log$np.txt; fail=1; }
done
last=$(ls np1/fields_*.h5 | tail -1); last=$(basename "$last")
for np in 2 3 4; do
  if cmp -s <(grep -v '^#' np1/norms.dat) <(grep -v '^#' np$np/norms.dat); then echo "norms.dat 1 vs $np ranks: bit-identical"
  else echo "FAIL: norms.dat differs between 1 and $np ranks"; fail=1; fi
  for v in u pi; do
    if h5diff np1/$last np$np/$last /levels/0/fields/$v /levels/0/fields/$v > /dev/null; then echo "fields/$v 1 vs $np ranks: bit-identical"
    else echo "FAIL: /fields/$v differs between 1 and $np ranks"; fail=1; fi
  done
done
exit $fail
