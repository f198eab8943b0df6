#!/usr/bin/env bash
# aeon check, run --dry-run, params filters and --version.
# - check refuses every deck of tests/bad_decks (run/ too) with exit 2 and the expected message, once, and writes
#   nothing; its messages are those of `aeon run` (compared line for line on a sample, and for the rank-count errors
#   of -n against runs on that many ranks); it accepts every deck of inputs/ (on 1 and 4 ranks), writing nothing.
# - its plan matches a real run: process grid, snapshots, norms rows, checkpoints and their sizes, the memory estimate.
# - run --dry-run prints exactly the params.yaml a run writes; params SECTION|KEY|PATTERN filter the table.
# - --version names the git revision (also for a source archive without .git) and the libraries.
# Usage: test_check.sh AEON_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh"
corpus=$src/tests/bad_decks
nfiles() { find "$1" -mindepth 1 | wc -l; }
errline() { grep "aeon: error:" "$1"; }

# --- bad decks: refused, the expected message once, nothing written ---
nbad=0
for deck in "$corpus"/*.yaml "$corpus"/run/*.yaml; do
  name=$(basename "$deck" .yaml) expect=$(sed -n '1s/^# expect: //p' "$deck") setarg=$(sed -n '2s/^# set: //p' "$deck")
  mkdir -p "bad/$name"
  args=("$deck"); [ -n "$setarg" ] && args+=(--set "$setarg")
  (cd "bad/$name" && "$aeon" check "${args[@]}") > "bad/$name.out" 2> "bad/$name.err"
  rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$expect" "bad/$name.err" && [ "$(grep -c 'aeon: error:' "bad/$name.err")" -eq 1 ] \
     && [ "$(nfiles "bad/$name")" -eq 0 ] && [ ! -s "bad/$name.out" ]; then nbad=$((nbad + 1))
  else bad "check $name: rc $rc, files $(nfiles "bad/$name"), want 2 and '$expect'"; cat "bad/$name.err"; fi
done
[ $nbad -ge 35 ] && ok "check refused $nbad bad decks, each with its message, writing nothing" || bad "only $nbad bad decks"

# The same message as aeon run, line for line (a sample: parser, output.fields, the two rank-count errors).
same_as_run() { # np args... (the run writes nothing either: every one is refused before any file)
  local np=$1; shift
  mkdir -p same && cd same
  "$aeon" check "$@" -n "$np" > c.out 2> c.err; local rc1=$?
  run "$np" run "$@" > r.out 2> r.err; local rc2=$?
  if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ -n "$(errline c.err)" ] && [ "$(errline c.err)" = "$(errline r.err)" ] \
     && [ "$(ls)" = "$(printf 'c.err\nc.out\nr.err\nr.out')" ]; then ok "same message as run: $(errline c.err)"
  else bad "check/run differ for '$*' on $np ranks (rc $rc1/$rc2)"; cat c.err r.err; fi
  cd .. && rm -rf same
}
same_as_run 1 "$corpus/unknown_section.yaml"
same_as_run 1 "$corpus/run/output_field_unknown.yaml"
same_as_run 3 "$src/inputs/wave.yaml" --set 'parallel.dims=[2, 1, 1]'
same_as_run 2 "$src/inputs/wave.yaml" --set grid.n=5 --set wave.solution=standing --set 'wave.k=[2, 2, 2]'

# --- every deck of inputs/ is accepted, on 1 and on 4 ranks, and nothing is written ---
for deck in "$src"/inputs/*.yaml; do
  for np in 1 4; do
    mkdir -p good && (cd good && "$aeon" check "$deck" -n $np > ../good.out 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && [ "$(nfiles good)" -eq 0 ] && grep -q "valid for $np rank" good.out; then ok "check $(basename "$deck") -n $np"
    else bad "check $deck -n $np: rc $rc, $(nfiles good) files"; cat good.out; fi
  done
done

# --- the plan against a real run on 2 ranks ---
set_plan=(--set grid.n=16 --set output.fields_every=8 --set output.norms_every=4 --set checkpoint.every=16
          --set checkpoint.keep=10 --set output.dir=planned)
"$aeon" check "$src/inputs/wave.yaml" "${set_plan[@]}" -n 2 > plan.txt 2>&1 || bad "check of the planned run"
run2 run "$src/inputs/wave.yaml" "${set_plan[@]}" > planned.txt 2>&1 || { bad "planned run"; cat planned.txt; }
grep -q "ranks     2 in a $(sed -n 's/^aeon: 2 ranks in a \(.*\) grid$/\1/p' planned.txt) grid" plan.txt \
  && ok "process grid as the run's" || { bad "process grid"; cat plan.txt planned.txt; }
$py - plan.txt planned <<'PY' && ok "snapshots, norms rows, checkpoints and sizes as planned" || bad "plan against the run"
import glob, os, re, sys
plan = open(sys.argv[1]).read(); d = sys.argv[2]
def num(pat): return int(re.search(pat, plan).group(1))
def size(pat):
    v, u = re.search(pat, plan).groups()
    return float(v) * {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}[u]
snaps, rows, cks = num(r"fields\s+(\d+) snapshots"), num(r"norms\s+(\d+) rows"), num(r"checkpts\s+(\d+) ")
h5 = sorted(glob.glob(f"{d}/fields_*.h5"))
data = [l for l in open(f"{d}/norms.dat") if not l.startswith("#")]
ck = sorted(glob.glob(f"{d}/checkpoints/chk_*.h5"))
snap_each, ck_each = size(r"snapshots of \d+ fields .*?, ([\d.]+) (\w+) each"), size(r"keep \d+, ([\d.]+) (\w+) of fields")
print(f"planned {snaps} snapshots, {rows} rows, {cks} checkpoints; found {len(h5)}, {len(data)}, {len(ck)}")
print(f"snapshot {snap_each:.0f} B planned, {os.path.getsize(h5[-1])} B on disk; checkpoint fields {ck_each:.0f} B, file {os.path.getsize(ck[-1])} B")
ok = (snaps, rows, cks) == (len(h5), len(data), len(ck)) == (9, 17, 4)
ok = ok and snap_each <= os.path.getsize(h5[-1]) <= snap_each + 64 * 1024
ok = ok and ck_each <= os.path.getsize(ck[-1])
sys.exit(0 if ok else 1)
PY
"$aeon" check "$src/inputs/wave.yaml" "${set_plan[@]}" > again.txt 2>&1
[ $? -eq 0 ] && grep -q "output    planned/ (exists and is not empty: aeon run refuses it" again.txt \
  && ok "check warns of a run directory that run would refuse" || { bad "no warning of a non-empty run directory"; cat again.txt; }
# Memory: the estimate (field sets) against what the run allocated, at 48^3 on 2 ranks (one step).
"$aeon" check "$src/inputs/wave.yaml" -n 2 > mem_plan.txt 2>&1
run2 run "$src/inputs/wave.yaml" --set run.max_steps=1 --set output.fields_every=0 --set checkpoint.at_end=false \
  --set output.dir=mem > mem_run.txt 2>&1
$py - mem_plan.txt mem_run.txt <<'PY' && ok "memory estimate within 60-100% of the measured" || bad "memory estimate"
import re, sys
def mib(f): return float(re.search(r"([\d.]+) MiB of memory on it", open(f).read()).group(1))
est, meas = mib(sys.argv[1]), mib(sys.argv[2])
print(f"memory of the largest rank: estimated {est} MiB, measured {meas} MiB ({est / meas:.2f})")
sys.exit(0 if 0.6 * meas <= est <= meas else 1)
PY

# --- run --dry-run: the effective parameters, exactly as params.yaml, and nothing written ---
mkdir -p dry && (cd dry && "$aeon" run "$src/inputs/wave.yaml" "${set_plan[@]}" --dry-run > ../dry.yaml 2> ../dry.err)
rc=$?
[ $rc -eq 0 ] && [ "$(nfiles dry)" -eq 0 ] && cmp -s dry.yaml planned/params.yaml && ok "--dry-run prints params.yaml" \
  || { bad "--dry-run: rc $rc, $(nfiles dry) files"; diff dry.yaml planned/params.yaml | head; cat dry.err; }
(cd dry && "$aeon" run "$corpus/unknown_key.yaml" --dry-run > ../dry2.out 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "unknown key 'grid.nn'" dry2.out && [ "$(nfiles dry)" -eq 0 ] && ok "--dry-run refuses a bad deck" \
  || { bad "--dry-run of a bad deck: rc $rc"; cat dry2.out; }

# --- params filters ---
"$aeon" params > all.txt
want=$(awk 'NR > 1 && $1 ~ /^grid\./' all.txt | wc -l)
"$aeon" params grid > grid.txt
[ "$(tail -n +2 grid.txt | wc -l)" -eq "$want" ] && [ "$want" -ge 4 ] && ! tail -n +2 grid.txt | grep -qv '^grid\.' \
  && head -1 grid.txt | grep -q '^key' && ok "params grid: $want rows" || { bad "params grid"; cat grid.txt; }
"$aeon" params time.cfl | tail -n +2 | awk '{print $1}' | grep -qx time.cfl && [ "$("$aeon" params time.cfl | wc -l)" -eq 2 ] \
  && ok "params KEY" || bad "params time.cfl"
n_every=$(awk 'NR > 1 && $1 ~ /every/' all.txt | wc -l)
[ "$("$aeon" params '*every*' | tail -n +2 | wc -l)" -eq "$n_every" ] && [ "$("$aeon" params every | tail -n +2 | wc -l)" -eq "$n_every" ] \
  && [ "$n_every" -ge 3 ] && ok "params '*every*' and every: $n_every rows" || bad "params patterns"
"$aeon" params output --markdown | grep -q '^| `output.dir` |' && ok "params SECTION --markdown" || bad "params output --markdown"
"$aeon" params gird > nomatch.txt 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "no parameter matches 'gird'" nomatch.txt && ok "params refuses a filter matching nothing" \
  || { bad "params gird: rc $rc"; cat nomatch.txt; }

# --- --version ---
"$aeon" --version > version.txt
rev=$(sed -n 's/^revision  \([0-9a-f]\{12\}\) (git.*/\1/p' version.txt)
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$src" && pwd -P)" ]; then # a commit of this checkout (HEAD or older)
  [ -n "$rev" ] && git -C "$src" cat-file -e "$rev^{commit}" && ok "--version: revision $rev is a commit of $src" \
    || { bad "--version: no revision of this checkout"; cat version.txt; }
fi
grep -q "^aeon [0-9.]* (.* build)$" version.txt && grep -q "^revision  " version.txt \
  && grep -q "^MPI       .*(linked" version.txt && grep -q "^HDF5      [0-9]" version.txt \
  && grep -q "^FFTW      [0-9]" version.txt && grep -q "^PETSc     " version.txt && ok "--version: libraries" \
  || { bad "--version"; cat version.txt; }
# A source archive without .git: the revision from cmake/revision.txt (as git archive fills it in), else unknown.
mkdir -p tarball/cmake && cp "$src/cmake/revision.cmake" tarball/cmake/
printf '$Format:%%H$\n' > tarball/cmake/revision.txt
cmake -DSRC="$work/tarball" -DOUT="$work/rev1.h" -P tarball/cmake/revision.cmake
echo 0123456789abcdef0123456789abcdef01234567 > tarball/cmake/revision.txt
cmake -DSRC="$work/tarball" -DOUT="$work/rev2.h" -P tarball/cmake/revision.cmake
grep -q '"unknown (no git checkout' rev1.h && grep -q '"0123456789ab (git archive)"' rev2.h \
  && ok "revision of a source archive" || { bad "revision of a source archive"; cat rev1.h rev2.h; }
finish check
