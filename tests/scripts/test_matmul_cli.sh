#!/usr/bin/env bash
# aeon matmul end to end: generated and HDF5 operands, in core and out of
# core (several blocks under a small budget), C written and checked against
# numpy, the out-of-core C identical bit for bit to the in-core one, the input
# file unchanged, no tile files left, the final summary line; and every bad
# input (shapes that do not conform, missing file or dataset, not a matrix,
# budget too small in core and out of core, output onto an input, bad options)
# refused with its message and exit 2 on every rank.
source "$(dirname "$0")/lib.sh" "$@"


"$py" - <<'EOF'
import h5py, numpy as np
rng = np.random.default_rng(7)
with h5py.File("in.h5", "w") as f:
    f["A"] = rng.uniform(-1, 1, (300, 200))
    f["grp/B"] = rng.uniform(-1, 1, (200, 250))
    f["B2"] = rng.uniform(-1, 1, (190, 250))        # does not conform with A
    f["D"] = np.zeros((4, 4, 4))                   # not a matrix
EOF
[ -s in.h5 ] && ok || { bad "could not write the HDF5 inputs (h5py)"; echo "cli matmul: $pass passed, $fail failed"; exit 1; }
before=$(md5sum in.h5)

# generated matrices: in core and out of core (several blocks) give the same C bit for bit (--reproducible)
summary="^matmul: 700x500x600 nb=64 grid 1x2 %s: time [0-9.]+ s, [0-9.]+ GFLOP/s, I/O .* read \+ .* written, peak memory .* per rank \(budget"
run2 matmul --m 700 --k 500 --n 600 --nb 64 --alpha 1.5 --beta -0.5 --reproducible --output gc.h5 > g.txt 2>&1 && ok || { bad "matmul in core"; cat g.txt; }
grep -Eq "$(printf "$summary" "in core")" g.txt && ok || { bad "in-core summary line"; cat g.txt; }
run2 matmul --m 700 --k 500 --n 600 --nb 64 --alpha 1.5 --beta -0.5 --reproducible --ooc "$work" --budget 512K \
  --output go.h5 > o.txt 2>&1 \
  && ok || { bad "matmul --ooc"; cat o.txt; }
grep -Eq "$(printf "$summary" "out of core")" o.txt && grep -Eq "I/O [1-9][0-9.]* [KMG]iB read" o.txt && ok || { bad "out-of-core summary"; cat o.txt; }
grep -Eq "^matmul: C in [0-9]+ block\(s\)" o.txt && ! grep -q "C in 1 block" o.txt && ok || { bad "out of core in one block"; cat o.txt; }
ls "$work"/aeon-tiles-* > /dev/null 2>&1 && bad "tile files left behind" || ok
"$py" - <<'EOF' && ok || bad "out-of-core C differs from in-core C"
import h5py, numpy as np, sys
a = h5py.File("gc.h5", "r")["C"][...]; b = h5py.File("go.h5", "r")["C"][...]
sys.exit(0 if a.shape == (700, 600) and np.array_equal(a, b) and np.abs(a).max() > 0 else 1)
EOF

# HDF5 operands, 4 ranks on a 2x2 grid and 2 ranks out of core: C = 2 A B against numpy
"$mpiexec" --oversubscribe -n 4 "$aeon" matmul --a in.h5 --b in.h5:/grp/B --alpha 2 --nb 32 --output h.h5:/res/C > h.txt 2>&1 \
  && ok || { bad "matmul --a --b"; cat h.txt; }
grep -q "grid 2x2 in core" h.txt && ok || { bad "2x2 summary"; cat h.txt; }
run2 matmul --a in.h5:/A --b in.h5:/grp/B --alpha 2 --nb 32 --ooc "$work" --budget 256K --output ho.h5:/res/C > ho.txt 2>&1 \
  && ok || { bad "matmul --a --b --ooc"; cat ho.txt; }
"$py" - <<'EOF' && ok || bad "C != 2 A B in h.h5 / ho.h5"
import h5py, numpy as np, sys
f = h5py.File("in.h5", "r"); ref = 2 * f["A"][...] @ f["grp/B"][...]
ok = True
for name in ("h.h5", "ho.h5"):
    c = h5py.File(name, "r")["res/C"][...]
    ok = ok and c.shape == ref.shape and np.abs(c - ref).max() / np.abs(ref).max() < 1e-14
sys.exit(0 if ok else 1)
EOF
[ "$(md5sum in.h5)" = "$before" ] && ok || bad "input file was modified"

# bad inputs: exit 2 with a message on every rank
expect_fail "shapes do not conform: A is 300 x 200 but B is 190 x 250" matmul --a in.h5:/A --b in.h5:/B2
expect_fail "--k 20 does not match the rows of B (200)" matmul --m 30 --k 20 --b in.h5:/grp/B
expect_fail "has no dataset '/missing'" matmul --a in.h5:/missing --b in.h5:/grp/B
expect_fail "cannot open 'nothere.h5' as an HDF5 file" matmul --a nothere.h5 --b in.h5:/grp/B
expect_fail "has 3 dimensions; a matrix needs 2" matmul --a in.h5:/D --b in.h5:/grp/B
expect_fail "--k 150 does not match the columns of A (200)" matmul --a in.h5:/A --b in.h5:/grp/B --k 150
expect_fail "give --n" matmul --m 10 --k 10
expect_fail "needs .* per rank in core, more than the budget" matmul --m 4096 --k 4096 --n 4096 --nb 512 --budget 8M
expect_fail "below the minimum working set of the out-of-core product" matmul --m 4096 --k 4096 --n 4096 --nb 512 --ooc "$work" --budget 8M
expect_fail "is an input file" matmul --a in.h5:/A --b in.h5:/grp/B --output in.h5:/C
expect_fail "process grid 3x3 needs 9 ranks" matmul --m 10 --k 10 --n 10 --grid 3x3
expect_fail "is not a byte count" matmul --m 10 --k 10 --n 10 --budget lots
expect_fail "unknown option '--frobnicate'" matmul --m 10 --k 10 --n 10 --frobnicate
expect_fail "--nb '4' is not an integer in \[8" matmul --m 10 --k 10 --n 10 --nb 4
expect_fail "--alpha 'x' is not a number" matmul --m 10 --k 10 --n 10 --alpha x
expect_fail "cannot be used\|No such file" matmul --m 100 --k 100 --n 100 --ooc /nonexistent/dir
[ "$(md5sum in.h5)" = "$before" ] && ok || bad "input file was modified by a failing run"

finish "cli matmul"
