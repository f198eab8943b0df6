#!/usr/bin/env bash
# A single moving puncture, CI-sized: inputs/puncture_single.yaml (BSSN) and inputs/puncture_ccz4.yaml (CCZ4), each
# coarse (octant [0, 16]^3 at dx = 2/3, lapse starting at 1 so that its collapse shows) to t = 4.2 M on 2 ranks: the
# lapse minimum (at the puncture) falls monotonically below 0.9, every norms.dat value stays finite, the ADM masses
# (conformal flux and its linearisation about the conformal metric at r = 6, 8, 10, 12, the 1/r extrapolation of the
# ADM integrals) are within 1e-2 of M = 1 at t = 0 and, the Hawking masses of the spheres, over the whole run (the
# checks of the t = 50 M validation at early times; M_lin leaves 1e-2 by t = 4 M here, where the lapse starts at 1);
# the ADM integral at r = 8 is (1 + 1/16)^3 to 1e-2 (its finite-radius value for Brill-Lindquist data); the
# Hamiltonian constraint outside r = 2 M is below its whole-grid norm. Refusals naming the key: a negative mass, a
# puncture outside the grid, two at one place, periodic faces, an ADM radius that leaves the grid.
source "$(dirname "$0")/lib.sh" "$@"
# check DECK NAME: the coarse run of DECK and the checks of its norms.dat.
check() {
  local deck=$1 name=$2
  run 2 run "$deck" --quiet --set grid.n=24 --set run.t_final=4.2 --set bssn.initial_lapse=one \
    --set output.norms_every=3 --set output.dir=$name > $name.log 2>&1 && ok "$name: coarse single-puncture run to t = 4.2" \
    || { bad "$name: run"; cat $name.log; }
  "$py" - $name/norms.dat <<'PY' && ok "$name: lapse collapses, values finite, ADM masses near 1" || bad "$name: norms.dat checks"
import math, sys
lines = open(sys.argv[1]).read().splitlines()
names = lines[0][2:].split()
rows = [dict(zip(names, map(float, l.split()))) for l in lines if not l.startswith("#")]
assert all(math.isfinite(v) for r in rows for v in r.values()), "non-finite value in norms.dat"
a0, a1 = 1 / rows[0]["max_inv_alpha"], 1 / rows[-1]["max_inv_alpha"]
print("alpha_min %.4f at t=0 -> %.4f at t=%g" % (a0, a1, rows[-1]["t"]))
amins = [1 / r["max_inv_alpha"] for r in rows]
assert a0 > 0.99 and a1 < 0.9 and all(b <= a for a, b in zip(amins, amins[1:])), amins
r0 = rows[0]
for k in ["adm_mass_%s_r%d" % (m, R) for m in ("psi", "lin") for R in (6, 8, 10, 12)] + ["adm_mass_inf"]:
    print("%s at t=0: %.6f" % (k, r0[k]))
    assert abs(r0[k] - 1) < 1e-2, (k, r0[k])
for k in ["mass_hawking_r%d" % R for R in (6, 8, 10, 12)]:
    dev = max(abs(r[k] - 1) for r in rows)
    print("max |%s - 1| to t = %g: %.3e" % (k, rows[-1]["t"], dev))
    assert dev < 1e-2, (k, dev)
assert abs(r0["adm_mass_r8"] - (1 + 1 / 16) ** 3) < 1e-2, r0["adm_mass_r8"]
assert r0["L2_ham_excl"] < r0["L2_ham"], (r0["L2_ham_excl"], r0["L2_ham"])
PY
}
check "$src/inputs/puncture_single.yaml" bssn
check "$src/inputs/puncture_ccz4.yaml" ccz4  # the same run under CCZ4 (kappa1 = 2)
deck=$src/inputs/puncture_single.yaml
expect_fail "mass = -1: a puncture's mass must be finite and > 0" run "$deck" --set "bssn.punctures=[{mass: -1}]" --set output.dir=x
expect_fail "is outside the grid: x must lie in" run "$deck" \
  --set "bssn.punctures=[{mass: 1, position: [17, 0, 0]}]" --set output.dir=x
expect_fail "are at the same position" run "$deck" \
  --set "bssn.punctures=[{mass: 1, position: [1.1, 1.1, 1.1]}, {mass: 2, position: [1.1, 1.1, 1.1]}]" \
  --set output.dir=x
expect_fail "bssn.initial_data: punctures cannot run with periodic boundaries" run "$deck" \
  --set boundary.xlo=periodic --set boundary.xhi=periodic --set output.dir=x
expect_fail "adm_radius.1. = 15.8 about (0, 0, 0): the sphere" run "$deck" --set "bssn.adm_radius=[4, 15.8]" \
  --set output.dir=x
[ ! -e x ] && ok "nothing written by the refused runs" || bad "a refused run wrote x/"
finish "puncture"
