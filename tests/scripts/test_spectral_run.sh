#!/usr/bin/env bash
# Spectral diagnostics of `aeon run` (spectral.loom_every, spectral.poisson_every) end to end: the same deck twice
# (the second plan is a wisdom hit from the per-user cache file, as its fft-plan receipt says), the wisdom in the
# checkpoints (/fftw_wisdom), a restart with the cache file removed (hit: wisdom from the checkpoint; loom.dat
# continues without duplicate rows), a checkpoint whose wisdom was altered (warned, ignored, plans measured
# again, the restart works), and bad decks.
source "$(dirname "$0")/lib.sh" "$@"
export XDG_CACHE_HOME=$work/cache
deck=$src/inputs/wave.yaml
common=(--quiet --set grid.n=16 --set run.t_final=0.25 --set output.fields_every=0 --set output.norms_every=4
        --set spectral.loom_every=4 --set spectral.poisson_every=4 --set checkpoint.every=8)
plan_receipt() { "$aeon" inspect "$1" --all | grep "fft-plan" | tail -1; }
cache=$XDG_CACHE_HOME/aeon/fftw-wisdom

# First run: measured, the cache file written.
run2 run "$deck" "${common[@]}" --set output.dir=a > a.log 2>&1 || { bad "first run"; cat a.log; }
ck_a=$(ls a/checkpoints/chk_*.h5 | tail -1)
ra=$(plan_receipt "$ck_a")
echo "first run:  $ra"
[[ $ra == *"fft 16x16x16 p2 measure: plan "*"miss, measured, saved"* ]] && [ -s "$cache" ] \
  && ok "first run: fft-plan receipt says miss, measured; wisdom cache file written" || bad "first run receipt '$ra'"

# Second run of the same deck: a wisdom hit from the cache file.
run2 run "$deck" "${common[@]}" --set output.dir=b > b.log 2>&1 || { bad "second run"; cat b.log; }
rb=$(plan_receipt "$(ls b/checkpoints/chk_*.h5 | tail -1)")
echo "second run: $rb"
[[ $rb == *"hit, wisdom from cache file"* ]] && ok "second run: fft-plan receipt says hit (cache file)" || bad "second run receipt '$rb'"

# The outputs: a single mode k = 2 pi (1, 1, 0) has all its energy in band 0; the Poisson check is at round-off.
$py - b <<'EOF' && ok "loom.dat: energy 1/4 in band 0, dominant 0; poisson_check.dat: errors < 1e-12" || bad "loom/poisson outputs"
import sys, numpy as np
d = sys.argv[1]
L = np.loadtxt(d + "/loom.dat", ndmin=2)
P = np.loadtxt(d + "/poisson_check.dat", ndmin=2)
print("loom rows", len(L), "E0", L[:, 2].min(), L[:, 2].max(), "others max", L[:, 3:-1].max(), "| poisson max err", P[:, 2].max())
assert len(L) >= 5 and np.all(abs(L[:, 2] - 0.25) < 1e-3) and L[:, 3:-1].max() < 1e-20 and np.all(L[:, -1] == 0)
assert len(P) == len(L) and P[:, 2].max() < 1e-12 and list(P[:, 0]) == list(L[:, 0])
EOF
h5ls "$ck_a" | grep -q "^fftw_wisdom" && ok "checkpoint holds /fftw_wisdom" || bad "no /fftw_wisdom in $ck_a"

# Restart from step 8 with the cache file removed: the wisdom comes from the checkpoint (a hit), rows continue.
rows_b=$(grep -vc '^#' b/loom.dat)
rm -rf "$XDG_CACHE_HOME"
run2 restart b/checkpoints/chk_00000008.h5 --set run.max_steps=1000000 --quiet > r.log 2>&1 || { bad "restart"; cat r.log; }
rr=$(plan_receipt "$(ls b/checkpoints/chk_*.h5 | tail -1)")
echo "restart:    $rr"
[[ $rr == *"hit, wisdom from checkpoint"* ]] && ok "restart without the cache file: fft-plan receipt says hit (checkpoint)" \
  || bad "restart receipt '$rr'"
[ -s "$cache" ] && ok "the checkpoint's wisdom rewrote the missing cache file" || bad "cache file not rewritten"
[ "$(grep -vc '^#' b/loom.dat)" = "$rows_b" ] && [ "$(grep -v '^#' b/loom.dat | awk '{print $1}' | sort | uniq -d)" = "" ] \
  && ok "loom.dat continues after the restart without duplicate rows" || { bad "loom.dat rows after restart"; cat b/loom.dat; }

# A checkpoint whose wisdom was altered (its SHA-256 no longer matches): warned, ignored, measured; the restart runs.
cp a/checkpoints/chk_00000008.h5 bad.h5 && mkdir -p c/checkpoints && mv bad.h5 c/checkpoints/chk_00000008.h5
$py - c/checkpoints/chk_00000008.h5 <<'EOF' || bad "altering the wisdom"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    w = f["fftw_wisdom"][...]
    w[len(w) // 2] ^= 1
    f["fftw_wisdom"][...] = w
EOF
rm -rf "$XDG_CACHE_HOME"
run2 restart c/checkpoints/chk_00000008.h5 --set run.max_steps=12 > c.log 2>&1
rc=$?
rc_=$(plan_receipt c/checkpoints/chk_00000012.h5)
echo "damaged:    $rc_"
[ $rc -eq 0 ] && grep -q "FFTW wisdom in checkpoint .* is damaged" c.log && [[ $rc_ == *"miss, measured"* ]] \
  && ok "altered wisdom in a checkpoint: warned, ignored, plans measured, restart finished" || { bad "altered wisdom (rc $rc)"; cat c.log; }

# Bad decks.
expect_fail "spectral.loom_field = 'nope' is not an evolved variable of physics wave" run "$deck" "${common[@]}" \
  --set output.dir=e1 --set spectral.loom_field=nope
expect_fail "the box is neither periodic nor reflection-symmetric" run "$src/inputs/wave_pulse.yaml" --quiet \
  --set grid.n=12 --set output.dir=e2 --set spectral.poisson_every=2
[ ! -e e1 ] && [ ! -e e2 ] && ok "refused decks wrote nothing" || bad "a refused deck left a run directory"
expect_fail "the loom's band spectra need a periodic box" check "$src/inputs/wave_pulse.yaml" \
  --set boundary.xhi=symmetry --set boundary.yhi=symmetry --set boundary.zhi=symmetry \
  --set spectral.loom_every=2
finish test_spectral_run
