#!/usr/bin/env bash
# Files a scientist reads: norms.dat through numpy.genfromtxt(names=True) after a run with a restart in the middle
# (one names line, every step once), scripts/plot_norms.py drawing chosen columns to a PNG that is not blank, its
# refusals, a norms.dat of the earlier layout (free text first), and the string attributes of snapshots and
# checkpoints read by h5py as str with the /grid group in both.
source "$(dirname "$0")/lib.sh" "$@"
plot=$src/scripts/plot_norms.py
"$py" -c "import numpy, h5py, matplotlib" 2>/dev/null || { bad "$py lacks numpy, h5py or matplotlib (scripts/install-deps.sh installs them)"; finish "plot_norms"; }

deck=$src/inputs/wave.yaml
common=(--quiet --set grid.n=[12,10,8] --set run.t_final=100 --set output.fields_every=4 --set output.norms_every=1
        --set checkpoint.every=6 --set output.dir=r)
run 2 run "$deck" "${common[@]}" --set run.max_steps=9 > run.log 2>&1 || { bad "first part"; cat run.log; }
run 2 restart r/checkpoints/chk_00000006.h5 --quiet --set run.max_steps=12 >> run.log 2>&1 || { bad "restart"; cat run.log; }

"$py" - r/norms.dat <<'EOF' && ok "norms.dat through numpy.genfromtxt(names=True): 13 rows, steps 0..12 once" || bad "genfromtxt"
import sys, numpy as np
t = np.genfromtxt(sys.argv[1], names=True)
want = ("step", "t", "dt", "L2_err_u", "max_err_u", "L2_err_pi", "max_err_pi", "L2_u", "max_u")
assert t.dtype.names == want, t.dtype.names
assert list(t["step"]) == list(range(13)), t["step"]
assert np.allclose(t["t"], t["step"] * t["dt"]) and t["max_u"].min() > 0.5, t
EOF
[ "$(grep -c '^# step ' r/norms.dat)" = 1 ] && [ "$(head -1 r/norms.dat | cut -c1-9)" = "# step t " ] && ok "one names line, the first" \
  || { bad "names line"; head -5 r/norms.dat; }
grep -q "^# units: geometric (G = c = 1)" r/norms.dat && ok "units stated" || bad "norms.dat does not state the units"

"$py" "$plot" r/norms.dat -c L2_err_u -c max_u --logy -o plot.png > plot.log 2>&1 && ok "plot_norms.py ran" || { bad "plot_norms.py"; cat plot.log; }
"$py" - plot.png <<'EOF' && ok "the PNG has two curves on a white background" || bad "PNG check"
import sys, numpy as np, matplotlib.image as mi
a = mi.imread(sys.argv[1])
assert a.shape[0] >= 300 and a.shape[1] >= 500, a.shape
rgb = a[..., :3]
blue = ((rgb[..., 2] > 0.6) & (rgb[..., 0] < 0.3)).sum()      # matplotlib's first colour, C0
orange = ((rgb[..., 0] > 0.9) & (rgb[..., 1] > 0.4) & (rgb[..., 1] < 0.6) & (rgb[..., 2] < 0.2)).sum()  # C1
assert blue > 200 and orange > 200, (blue, orange)
EOF
"$py" "$plot" r/norms.dat --list | grep -qx "step t dt L2_err_u max_err_u L2_err_pi max_err_pi L2_u max_u" && ok "--list" || bad "--list"
"$py" "$plot" r/norms.dat > /dev/null && [ -s r/norms.png ] && ok "default columns and output name" || bad "defaults"
"$py" "$plot" r/norms.dat -c L2_nope -o x.png > err.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "no column 'L2_nope'" err.txt && grep -q "L2_err_u" err.txt && [ ! -e x.png ] && ok "unknown column refused" \
  || { bad "unknown column: rc $rc"; cat err.txt; }
"$py" "$plot" missing.dat > err.txt 2>&1
[ $? -eq 2 ] && grep -q "cannot read 'missing.dat'" err.txt && ok "missing file refused" || { bad "missing file"; cat err.txt; }
{ echo "# Aeon norms: physics wave, grid 12 x 10 x 8, rk4, dt 0.03125"; echo "# step t dt L2_err_u"
  echo "0 0 0.03125 0"; echo "1 0.03125 0.03125 1.5e-05"; } > old.dat
"$py" "$plot" old.dat -o old.png > /dev/null 2>&1 && [ -s old.png ] && ok "a norms.dat of the earlier layout" || bad "earlier layout"

"$py" - r/fields_000012.h5 r/checkpoints/chk_00000012.h5 <<'EOF' && ok "h5py reads every string attribute as str; /grid in snapshot and checkpoint" || bad "attributes"
import sys, h5py, numpy as np
for p in sys.argv[1:]:
    with h5py.File(p, "r") as f:
        seen = 0
        def visit(name, obj):
            global seen
            for k, v in obj.attrs.items():
                if isinstance(v, (bytes, np.bytes_)) or (isinstance(v, np.ndarray) and v.dtype.kind in "SO"):
                    raise AssertionError(f"{p}:{name or '/'}@{k} is {type(v)}, not str")
                seen += isinstance(v, str)
        visit("", f)
        f.visititems(visit)
        assert seen >= 4, (p, seen)
        g = f["grid"]
        assert list(g.attrs["N"]) == [12, 10, 8] and list(g.attrs["xmin"]) == [0, 0, 0], dict(g.attrs)
        assert list(g.attrs["dx"]) == [1 / 12, 1 / 10, 1 / 8] and g.attrs["centering"] == "cell", dict(g.attrs)
        assert f.attrs["physics"] == "wave", f.attrs["physics"]
    if "chk_" not in p:
        with h5py.File(p, "r") as f:
            assert np.array_equal(f["grid/x"][:], (np.arange(12) + 0.5) * (1 / 12)), f["grid/x"][:]
            assert np.array_equal(f["grid/z"][:], (np.arange(8) + 0.5) * (1 / 8)), f["grid/z"][:]
EOF
finish "plot_norms"
