#!/usr/bin/env bash
# Checkpoint formats 1 (written before levels: fields under /fields) and 2 (/levels/0/fields, Fletcher32-chunked
# fields, no field digests) are still read: a run restarted from the stored format-1 or format-2 checkpoint of
# tests/data/v1_wave.yaml (step 5 of 10; format 1 written by the commit before levels, format 2 by main before field
# digests) ends with the same norms.dat rows as the same deck run straight through by this build, and inspect
# verifies both; a new checkpoint is format 3 (/levels/0/fields, contiguous fields, field digests).
source "$(dirname "$0")/lib.sh" "$@"
data=$src/tests/data
rows() { grep -v '^#' "$1/norms.dat"; }
run 2 run "$data/v1_wave.yaml" --quiet --set output.dir=ref > ref.log 2>&1 || { bad "straight run"; cat ref.log; }
for v in 1 2; do
  mkdir -p old$v/checkpoints && cp "$data/chk_v${v}_wave_00000005.h5" old$v/checkpoints/chk_00000005.h5
  "$aeon" inspect old$v/checkpoints/chk_00000005.h5 > inspect$v.log 2>&1 && grep -q "version $v," inspect$v.log \
    && ok "format-$v checkpoint: inspect exit 0" || { bad "inspect of the format-$v checkpoint"; cat inspect$v.log; }
  rows ref | awk '$1 < 5' > old$v/norms.dat
  run 2 restart old$v/checkpoints/chk_00000005.h5 --quiet > old$v.log 2>&1 || { bad "restart from a format-$v checkpoint"; cat old$v.log; }
  if cmp -s <(rows ref | awk '$1 >= 5') <(rows old$v | awk '$1 >= 5'); then ok "format-$v checkpoint restarted: rows 5..10 bit-identical"
  else bad "rows after the format-$v restart differ"; diff <(rows ref) <(rows old$v) | head; fi
done
"$py" - "ref/checkpoints/chk_00000010.h5" <<'PY' && ok "new checkpoints are format 3: /levels/0/fields (contiguous), the /fields link, field digests" || bad "format 3 layout"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert int(f.attrs["format_version"]) == 3, f.attrs["format_version"]
d = f.attrs["field_digests"]
names = sorted(line.split()[0] for line in (d.decode() if isinstance(d, bytes) else d).splitlines())
assert names == ["pi", "u"], names
assert all(f["/levels/0/fields"][k].chunks is None for k in names)
assert "u" in f["/levels/0/fields"] and "pi" in f["/levels/0/fields"]
assert f.get("/fields", getlink=True).path == "/levels/0/fields"
assert int(f["/levels/0"].attrs["level"]) == 0
PY
finish test_checkpoint_v1
