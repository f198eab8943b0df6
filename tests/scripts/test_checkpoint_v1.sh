#!/usr/bin/env bash
# Checkpoint format 1 (written before levels: fields under /fields) is still read: a run restarted from the stored
# format-1 checkpoint of tests/data/v1_wave.yaml (step 5 of 10, written by the commit before levels) ends with the same
# norms.dat rows as the same deck run straight through by this build; a new checkpoint is format 2 (/levels/0/fields).
source "$(dirname "$0")/lib.sh" "$@"
data=$src/tests/data
rows() { grep -v '^#' "$1/norms.dat"; }
run 2 run "$data/v1_wave.yaml" --quiet --set output.dir=ref > ref.log 2>&1 || { bad "straight run"; cat ref.log; }
mkdir -p old/checkpoints && cp "$data/chk_v1_wave_00000005.h5" old/checkpoints/chk_00000005.h5
rows ref | awk '$1 < 5' > old/norms.dat
run 2 restart old/checkpoints/chk_00000005.h5 --quiet > old.log 2>&1 || { bad "restart from a format-1 checkpoint"; cat old.log; }
if cmp -s <(rows ref | awk '$1 >= 5') <(rows old | awk '$1 >= 5'); then ok "format-1 checkpoint restarted: rows 5..10 bit-identical"
else bad "rows after the format-1 restart differ"; diff <(rows ref) <(rows old) | head; fi
"$py" - "ref/checkpoints/chk_00000010.h5" <<'PY' && ok "new checkpoints are format 2 with /levels/0/fields and the /fields link" || bad "format 2 layout"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert int(f.attrs["format_version"]) == 2, f.attrs["format_version"]
assert "u" in f["/levels/0/fields"] and "pi" in f["/levels/0/fields"]
assert f.get("/fields", getlink=True).path == "/levels/0/fields"
assert int(f["/levels/0"].attrs["level"]) == 0
PY
finish test_checkpoint_v1
