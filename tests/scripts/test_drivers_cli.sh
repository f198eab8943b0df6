#!/usr/bin/env bash
# aeon factor and aeon eig end to end: generated and HDF5 inputs, in core and
# out of core, L written and checked against A, the input file unchanged, the
# final summary line; and every bad input (not SPD, not square, not symmetric,
# missing file or dataset, wrong rank, tile size or budget that cannot work,
# output onto the input, bad options) refused with its message and exit 2 on
# every rank.
source "$(dirname "$0")/lib.sh" "$@"


"$py" - <<'EOF'
import h5py, numpy as np
rng = np.random.default_rng(5)
n = 300
b = rng.uniform(-1, 1, (n, n))
spd = b @ b.T + n * np.eye(n)
with h5py.File("in.h5", "w") as f:
    f["A"] = spd
    f["grp/B"] = spd - 2 * n * np.eye(n)          # symmetric, not positive definite
    f["C"] = rng.uniform(-1, 1, (100, 50))         # not square
    f["D"] = np.zeros((4, 4, 4))                   # not a matrix
    f["E"] = spd + np.triu(np.ones((n, n)), 1)      # not symmetric
    f["G"] = rng.uniform(-1, 1, (120, 120))         # general, for eig
    s = rng.uniform(-1, 1, (150, 150)); f["S"] = s + s.T
EOF
[ -s in.h5 ] && ok || { bad "could not write the HDF5 inputs (h5py)"; echo "cli drivers: $pass passed, $fail failed"; exit 1; }
before=$(md5sum in.h5)

# generated matrices, in core with --check and out of core
run2 factor --n 700 --nb 64 --check > g.txt 2>&1 && ok || { bad "factor --n"; cat g.txt; }
grep -Eq "backward error .* = [0-9.]+e-1[4-9]" g.txt && ok || { bad "backward error not below 1e-14"; cat g.txt; }
grep -Eq "^factor: N=700 nb=64 grid 1x2 in core: time [0-9.]+ s, [0-9.]+ GFLOP/s, I/O .* read \+ .* written, peak memory .* per rank \(budget" g.txt \
  && ok || { bad "factor summary line"; cat g.txt; }
run2 factor --n 700 --nb 64 --ooc "$work" --budget 512K --reproducible --output ooc.h5 > o.txt 2>&1 && ok \
  || { bad "factor --ooc"; cat o.txt; }
grep -q "out of core" o.txt && grep -Eq "I/O [1-9][0-9.]* [KMG]iB read" o.txt && ok || { bad "out-of-core summary"; cat o.txt; }
ls "$work"/aeon-tiles-* > /dev/null 2>&1 && bad "tile files left behind" || ok
# --reproducible: the same L bit for bit in core
run2 factor --n 700 --nb 64 --reproducible --output core.h5 > c.txt 2>&1 && ok || { bad "factor --reproducible"; cat c.txt; }
"$py" - <<'EOF' && ok || bad "--reproducible: out-of-core L differs from in-core L"
import h5py, numpy as np, sys
a = h5py.File("core.h5", "r")["L"][...]; b = h5py.File("ooc.h5", "r")["L"][...]
sys.exit(0 if a.shape == (700, 700) and np.array_equal(a, b) and np.abs(a).max() > 0 else 1)
EOF

# HDF5 input: L written, L L^T = A, input untouched
run2 factor --input in.h5:/A --output out.h5 --nb 64 > h.txt 2>&1 && ok || { bad "factor --input"; cat h.txt; }
"$py" - <<'EOF' && ok || bad "L L^T != A in out.h5"
import h5py, numpy as np, sys
a = h5py.File("in.h5", "r")["A"][...]; l = h5py.File("out.h5", "r")["L"][...]
sys.exit(0 if np.allclose(np.triu(l, 1), 0) and np.linalg.norm(a - l @ l.T) / np.linalg.norm(a) < 1e-14 else 1)
EOF
[ "$(md5sum in.h5)" = "$before" ] && ok || bad "input file was modified"

# bad inputs: exit 2 with a message on every rank
expect_fail "not positive definite: Cholesky failed at global column" factor --input in.h5:/grp/B --nb 64
expect_fail "is 100 x 50; Cholesky needs a square matrix" factor --input in.h5:/C
expect_fail "has no dataset '/missing'" factor --input in.h5:/missing
expect_fail "cannot open 'nothere.h5' as an HDF5 file" factor --input nothere.h5:/A
expect_fail "has 3 dimensions; a matrix needs 2" factor --input in.h5:/D
expect_fail "is not symmetric" factor --input in.h5:/E --nb 64
expect_fail "needs .* per rank in core" factor --n 4096 --nb 512 --budget 8M
expect_fail "below the minimum working set" factor --n 4096 --nb 512 --ooc "$work" --budget 8M
expect_fail "is the input file" factor --input in.h5:/A --output in.h5
expect_fail "process grid 3x3 needs 9 ranks" factor --n 100 --grid 3x3
expect_fail "not of the form PxQ" factor --n 100 --grid 2by2
expect_fail "is not a byte count" factor --n 100 --budget lots
expect_fail "give exactly one of --n" factor
expect_fail "unknown option '--frobnicate'" factor --n 10 --frobnicate
expect_fail "--nb '4' is not an integer in \[8" factor --n 100 --nb 4
expect_fail "cannot be used\|No such file" factor --n 100 --ooc /nonexistent/dir
# (a full disk is tested in tests/mpi/test_drivers_ooc.c: Open MPI itself cannot start under a small ulimit -f)
[ "$(md5sum in.h5)" = "$before" ] && ok || bad "input file was modified by a failing run"

# eig: dndrv1 and HDF5 matrices against numpy
run2 eig --operator dndrv1 --grid-size 30 --nev 4 --ncv 20 > e.txt 2>&1 && ok || { bad "eig dndrv1"; cat e.txt; }
grep -Eq "^eig: dndrv1 n=900 nev=4 which=LM ncv=20 tol=1e-10: [0-9]+ operator applications, .*GFLOP/s.*peak memory" e.txt \
  && ok || { bad "eig summary line"; cat e.txt; }
run2 eig --operator dndrv1 --grid-size 30 --nev 4 --ncv 24 --block-size 2 > b.txt 2>&1 && ok || { bad "eig block"; cat b.txt; }
grep -Eq "^eig: dndrv1 n=900 nev=4 which=LM ncv=24 block_size=2 tol=1e-10: [0-9]+ operator applications" b.txt \
  && ok || { bad "eig block summary line"; cat b.txt; }
run2 eig --input in.h5:/S --symmetric --nev 3 --which SR --nb 32 > s.txt 2>&1 && ok || { bad "eig symmetric"; cat s.txt; }
run2 eig --input in.h5:/G --nev 5 --which LM --ncv 30 --nb 32 > n.txt 2>&1 && ok || { bad "eig general"; cat n.txt; }
"$py" - <<'EOF' && ok || bad "eig eigenvalues differ from numpy"
import h5py, numpy as np, sys
f = h5py.File("in.h5", "r")
def got(path, k):
    rows = [l.split() for l in open(path) if l.strip() and l.split()[0].isdigit()]
    return np.array([float(r[1]) + 1j * float(r[2]) for r in rows[:k]])
s = np.sort(np.linalg.eigvalsh(f["S"][...]))[:3]
g = np.linalg.eigvals(f["G"][...]); g = g[np.lexsort((-g.imag, -np.abs(g)))][:5]
ok = np.allclose(got("s.txt", 3), s, rtol=1e-10) and np.allclose(got("n.txt", 5), g, rtol=1e-10)
sys.exit(0 if ok else 1)
EOF
expect_fail "eigenvalues need a square matrix" eig --input in.h5:/C
expect_fail "is not symmetric" eig --input in.h5:/E --symmetric
expect_fail "has no dataset '/nope'" eig --input in.h5:/nope
expect_fail "which = 'XX'" eig --operator dndrv1 --which XX
expect_fail "must be at least nev + 2" eig --operator dndrv1 --grid-size 10 --nev 10 --ncv 11
expect_fail "must be at least nev + 2 x block size = 12 (nev 4, block size 4)" eig --operator dndrv1 --grid-size 10 --ncv 11 --block-size 4
expect_fail "block size 6 is too large for the operator size 100" eig --operator dndrv1 --grid-size 10 --ncv 96 --block-size 6
expect_fail "--block-size '0' is not an integer" eig --operator dndrv1 --block-size 0
expect_fail "unknown operator 'laplace'" eig --operator laplace
expect_fail "--nev '0' is not an integer" eig --operator dndrv1 --nev 0
[ "$(md5sum in.h5)" = "$before" ] && ok || bad "input file was modified by eig"

finish "cli drivers"
