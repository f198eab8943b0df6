#!/usr/bin/env bash
# Warm starts of puncture data across runs (elliptic.warm_start: auto; docs/bowen_york.md), CI-sized: the
# calibration binary at 24^3 on 2 ranks with a private cache directory (AEON_CACHE_DIR). A first run is cold and
# writes DIR/warm/KEY.blob; a second run of the same deck reuses it (0 Newton steps, an "exact" warm-start receipt,
# the same ADM mass), and so does a BSSN run of the same data (bssn.by_warm_start: auto, its warm-start receipt in the run's log); a nearby deck (other
# momenta) starts from it and takes fewer Krylov iterations than its cold solve, with the same masses to 1e-8; a
# blob with a flipped payload byte and one of another box under this key are each warned about and ignored (a
# cold start); elliptic.warm_start_dir moves the file; off (the default) writes nothing and prints no warm-start
# line. 9 runs of aeon (cut and re-keyed files: test_tier_blob).
source "$(dirname "$0")/lib.sh" "$@"
bin=$src/inputs/elliptic/punctures_binary.yaml
export AEON_CACHE_DIR=$work/cache
solve() { run 2 solve "$bin" --set grid.n=24 --set elliptic.warm_start=auto "$@"; }
near="elliptic.punctures=[{mass: 0.483, position: [3.257, 0, 0], momentum: [0, 0.15, 0.02]}, {mass: 0.483, position: [-3.257, 0, 0], momentum: [0, -0.15, -0.02]}]"
# fig LOG WHAT: Newton steps (newton), Krylov iterations (krylov) or the ADM mass (adm) of a solve's log.
fig() {
  "$py" - "$1" "$2" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"Newton converged in (\d+) steps \((\d+) Krylov iterations\)", t)
print({"newton": m.group(1), "krylov": m.group(2), "adm": re.search(r"ADM mass ([0-9.]+)", t).group(1)}[sys.argv[2]])
PY
}
solve > cold.log 2>&1 && grep -q "warm start: nothing stored for by.n2.24x24x24" cold.log && ok "first run: cold" ||
  { bad "first run"; cat cold.log; }
blob=$(ls cache/warm/by.n2.24x24x24.*.blob 2>/dev/null)
[ -n "$blob" ] && [ "$(stat -c %s "$blob")" -gt $((24 * 24 * 24 * 8)) ] && ok "blob written: $blob" || bad "no blob"
solve > exact.log 2>&1 && grep -q "warm start: exact match" exact.log && [ "$(fig exact.log newton)" = 0 ] &&
  grep -q "warm-start.*exact: cold $(fig cold.log newton)/$(fig cold.log krylov) now 0/0" exact.log &&
  ok "second run: exact reuse, 0 Newton steps, receipt" || { bad "exact reuse"; cat exact.log; }
[ "$(fig exact.log adm)" = "$(fig cold.log adm)" ] && ok "same ADM mass" || bad "ADM mass differs"
list="[{mass: 0.483, position: [3.257, 0, 0], momentum: [0, 0.133, 0]}, {mass: 0.483, position: [-3.257, 0, 0], momentum: [0, -0.133, 0]}]"
run 2 run "$src/inputs/bowen_york_puncture.yaml" --quiet --set grid.n=24 --set grid.xmin=-12 --set grid.xmax=12 \
  --set "bssn.bowen_york=$list" --set bssn.by_warm_start=auto --set run.t_final=0.01 --set output.dir=bssn \
  > bssn.log 2>&1 && grep -q "warm start exact by.n2.24x24x24.*: 0 Newton steps" bssn.log &&
  ok "BSSN initial data: the same store (bssn.by_warm_start)" || { bad "BSSN warm start"; cat bssn.log; }
"$aeon" inspect "$(ls bssn/checkpoints/chk_*.h5 | tail -1)" --all > bssn.inspect 2>&1 &&
  grep -E "warm-start +step 0 " bssn.inspect | grep -q "by.n2.24x24x24.* exact: cold $(fig cold.log newton)/" &&
  ok "BSSN run: the warm-start receipt is in the run's log (aeon inspect)" ||
  { bad "BSSN run: no warm-start receipt in its checkpoint"; grep -i -E "warm|run-start" bssn.inspect; }
solve --set "$near" > near.log 2>&1 && grep -q "warm start: nearby match" near.log &&
  grep -q "warm-start.*nearby" near.log || { bad "nearby warm start"; cat near.log; }
AEON_CACHE_DIR=$work/offcache run 2 solve "$bin" --set grid.n=24 --set "$near" > nearcold.log 2>&1 ||
  { bad "nearby cold"; cat nearcold.log; }
echo "cold: $(fig cold.log newton) Newton / $(fig cold.log krylov) Krylov; nearby warm: $(fig near.log newton) /" \
  "$(fig near.log krylov), its cold solve: $(fig nearcold.log newton) / $(fig nearcold.log krylov)"
[ "$(fig near.log krylov)" -lt "$(fig nearcold.log krylov)" ] && ok "nearby: fewer Krylov iterations" ||
  bad "nearby: no saving"
"$py" -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(abs(a - b) > 1e-8)" "$(fig near.log adm)" \
  "$(fig nearcold.log adm)" && ok "nearby: same ADM mass as cold" || bad "nearby mass differs"
! grep -q "warm start" nearcold.log && [ ! -e offcache ] && ok "off (the default): no warm-start line, no file" ||
  bad "off printed a warm start or wrote the cache"
# corrupt blobs: each is warned about and never trusted (a cold start, then a good blob is written again)
corrupt() {
  "$py" - "$blob" "$1" <<'PY'
import sys
p, how = sys.argv[1], sys.argv[2]
b = bytearray(open(p, "rb").read())
if how == "flip": b[-1000] ^= 0x40
else: b = b[:-8]
open(p, "wb").write(b)
PY
}
for how in flip; do
  corrupt $how
  solve > $how.log 2>&1 && grep -q "nothing stored" $how.log && grep -q "warning: warm-start" $how.log &&
    [ "$(fig $how.log krylov)" = "$(fig cold.log krylov)" ] && ok "$how: warned, cold start" ||
    { bad "$how: trusted"; cat $how.log; }
done
grep -q "does not match its SHA-256" flip.log && ok "the warning says why" ||
  bad "warnings"
# a blob of another box (written to elliptic.warm_start_dir) renamed to this key (the key inside patched): the layout
# check refuses it
solve --set grid.xmin=-13 --set grid.xmax=13 --set elliptic.warm_start_dir=$work/mine > other.log 2>&1 &&
  other=$(ls mine/warm/by.n2.24x24x24.*.blob) && [ "$(ls cache/warm | wc -l)" = 1 ] && ok "elliptic.warm_start_dir" ||
  { bad "other box in warm_start_dir"; cat other.log; }
"$py" - "$other" "$blob" "$(basename "$blob" .blob)" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
k = sys.argv[3].encode()
b[16:64] = k + bytes(48 - len(k))
open(sys.argv[2], "wb").write(b)
PY
solve > layout.log 2>&1 && grep -q "made on another grid or layout" layout.log && grep -q "nothing stored" layout.log &&
  ok "another layout: refused" || { bad "layout"; cat layout.log; }
finish "warm_start"
