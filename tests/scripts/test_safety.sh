#!/usr/bin/env bash
# Checks before step 1: a dt beyond the integrator's stability limit on the wave module's Fourier spectrum is refused
# (exit 2, naming time.cfl, its value and the limit, no run directory written), at the same limit `aeon eig --deck`
# computes from the operator's eigenvalues; every deck in inputs/ is accepted; time.stability: warn runs anyway;
# rk2 (unstable at every dt without dissipation) is refused only when its growth over the run is large. A grid too
# big for the node's memory is refused naming grid.n before anything is allocated. Restart's message for a checkpoint
# whose receipt chain is broken keeps the reason (it was formatted into itself).
source "$(dirname "$0")/lib.sh" "$@"
"$py" -c 'import h5py, numpy' || { bad "$py lacks h5py/numpy (scripts/install-deps.sh installs python3-h5py)"; finish safety; }
deck=$src/inputs/wave.yaml
one() { "$aeon" "$@" < /dev/null; } # one rank, no mpirun: the checks are the same on every rank count

# 1. time.cfl 0.9 with rk4 on the default deck: refused before step 1 with the limit in the message.
run2 run "$deck" --set time.cfl=0.9 --set output.dir=cfl09 > cfl.txt 2>&1
rc=$?
msg=$(grep -m1 '^aeon: error:' cfl.txt)
if [ $rc -eq 2 ] && [[ $msg == *"time.cfl = 0.9 gives dt = "*"beyond the stability limit of rk4"*"time.cfl <= 0.7071"* ]] \
  && [ ! -e cfl09 ]; then ok "cfl 0.9 with rk4 refused before step 1: $msg"
else bad "cfl 0.9: rc $rc, run directory $([ -e cfl09 ] && echo written || echo absent): ${msg:-no message}"; cat cfl.txt; fi

# 2. Every deck in inputs/ is accepted (one step, no files).
for d in "$src"/inputs/*.yaml; do
  name=$(basename "$d" .yaml)
  one run "$d" --quiet --set run.max_steps=1 --set output.dir=in_$name > in_$name.txt 2>&1 \
    && ! grep -q 'aeon: warning' in_$name.txt && ok "inputs/$name.yaml accepted without warning" \
    || { bad "inputs/$name.yaml not accepted"; cat in_$name.txt; }
done

# 3. The limit is the one `aeon eig --deck` reports for the same grid: on inputs/wave_eig.yaml rk4's bound is
# dt <= 2 sqrt(2) / max |lambda| = 0.069786 (cfl 0.8375 of dx = 1/12): 0.83 runs, 0.84 is refused at that dt
# (t_final = 10 cfl dx, so that dt is not shrunk to hit it).
eig=$src/inputs/wave_eig.yaml
one run "$eig" --quiet --set time.cfl=0.83 --set run.t_final=0.6916666666666667 --set run.max_steps=1 --set output.dir=e83 > e83.txt 2>&1 \
  && ok "wave_eig.yaml: cfl 0.83 accepted (limit 0.8375)" || { bad "cfl 0.83 refused"; cat e83.txt; }
one run "$eig" --quiet --set time.cfl=0.84 --set run.t_final=0.7 --set output.dir=e84 > e84.txt 2>&1
rc=$?
grep -q 'dt <= 0.069786[0-9]*, i.e. time.cfl <= 0.837' e84.txt && [ $rc -eq 2 ] \
  && ok "wave_eig.yaml: cfl 0.84 refused at eig's limit: $(grep -o 'dt <= [^ ]*, i.e. time.cfl <= [^ ]*' e84.txt)" \
  || { bad "cfl 0.84 (rc $rc)"; cat e84.txt; }
one eig --deck "$eig" --nev 8 --ncv 40 > eig.txt 2>&1
grep -q '^stable dt rk4 (deck): dt <= 0.069786' eig.txt && ok "aeon eig --deck agrees: $(grep -o '^stable dt rk4 (deck): dt <= [^ ]*' eig.txt)" \
  || { bad "aeon eig's rk4 bound"; grep 'stable dt' eig.txt; }

# 4. time.stability: warn runs anyway, with a warning naming the limit; off does not check.
one run "$deck" --quiet --set grid.n=16 --set time.cfl=0.9 --set time.stability=warn --set run.t_final=0.1 \
  --set output.dir=warn > warn.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^aeon: warning: .*time.cfl = 0.9 .*time.cfl <= 0.7071.*time.stability: warn' warn.txt \
  && ok "time.stability: warn: exit 0 and a warning" || { bad "time.stability: warn (rc $rc)"; cat warn.txt; }
one run "$deck" --quiet --set grid.n=16 --set time.cfl=0.9 --set time.stability=off --set run.t_final=0.1 \
  --set output.dir=off > off.txt 2>&1 && ! grep -q warning off.txt && ok "time.stability: off: no check" \
  || { bad "time.stability: off"; cat off.txt; }

# 5. rk2 without dissipation (|R(iy)| > 1 for every y): a short run is accepted, a long one refused.
one run "$deck" --quiet --set grid.n=16 --set time.integrator=rk2 --set output.dir=rk2a > rk2a.txt 2>&1 \
  && ok "rk2, 64 steps: accepted" || { bad "rk2 short run"; cat rk2a.txt; }
one run "$deck" --quiet --set grid.n=16 --set time.integrator=rk2 --set run.t_final=10 --set output.dir=rk2b > rk2b.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'rk2 is unstable at every dt on this spectrum' rk2b.txt && ok "rk2, 640 steps: refused" \
  || { bad "rk2 long run (rc $rc)"; cat rk2b.txt; }

# 6. A grid that cannot fit: refused before allocating, naming grid.n, the estimate and the memory available.
run2 run "$deck" --set grid.n=100000 --set output.dir=huge > huge.txt 2>&1
rc=$?
msg=$(grep -m1 '^aeon: error:' huge.txt)
[ $rc -eq 2 ] && [[ $msg == *"grid.n = [100000, 100000, 100000] needs about "*" GB per rank"*" available ("* ]] \
  && ! grep -q 'out of memory allocating' huge.txt && [ ! -e huge ] && ok "huge grid.n refused: $msg" \
  || { bad "huge grid.n (rc $rc)"; cat huge.txt; }

# 7. A broken receipt chain (receipt 3 changed, the metadata digest recomputed so that only the chain is wrong):
# the reason appears once, after "is damaged: ".
run2 run "$src/inputs/wave_pulse.yaml" --quiet --set grid.n=12 --set run.t_final=0.25 --set output.dir=chain \
  > chain.txt 2>&1 || { bad "run for the receipt chain"; cat chain.txt; }
ck=$(ls chain/checkpoints/chk_*.h5 | tail -1)
cp "$ck" forged.h5
"$py" - forged.h5 << 'EOF' || bad "forging receipt 3"
import hashlib, struct, sys
import h5py
with h5py.File(sys.argv[1], "r+") as f:
    r = f["receipts"]
    k = 3 * 200 + 48  # receipt 3, first byte of its detail text
    r[k] = r[k] ^ 0x01
    a = f.attrs
    s = lambda n: (a[n].decode() if isinstance(a[n], bytes) else str(a[n])).encode() + b"\0"
    reg = a["regime_rollbacks_halvings"]
    tiers, rec = bytes(f["tiers"][()]), bytes(r[()])
    nums = list(a["step_nsteps_tick"]) + [len(tiers), len(rec)] + list(reg)
    h = hashlib.sha256(b"aeon-checkpoint")
    h.update(struct.pack("<8q", *[int(v) for v in nums]))
    h.update(struct.pack("<3d", *[float(v) for v in a["t_dt_wall"]]))
    for n in ("deck", "effective_parameters", "physics"):
        h.update(s(n))
    h.update(tiers + rec)
    a.modify("meta_sha256", h.hexdigest())
EOF
one restart forged.h5 --quiet > forged.txt 2>&1
rc=$?
msg=$(grep -m1 '^aeon: error:' forged.txt)
n=$(grep -o 'is damaged' <<< "$msg" | wc -l)
if [ $rc -eq 2 ] && [ "$n" -eq 1 ] && [[ $msg == *"forged.h5' is damaged: "*[a-z]* ]] && [[ $msg != *": " ]]; then
  ok "broken receipt chain: $msg"
  [[ $msg == *receipt* ]] || echo "note: the message names no receipt (another check refused the file first)"
else bad "broken receipt chain: rc $rc, message '${msg:-none}'"; cat forged.txt; fi
finish safety
