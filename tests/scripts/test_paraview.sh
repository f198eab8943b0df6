#!/usr/bin/env bash
# ParaView opens a run's field series as one time series: a wave run with snapshots every 4 steps is stopped at
# step 10 (snapshots 0 4 8 10), restarted from its checkpoint at step 9 (the snapshot of step 10 is history that the
# restart trims) and run to step 16: the collection fields.xmf lists 0 4 8 12 16. pvbatch opens it with each of
# ParaView's XDMF readers and check_paraview.py compares what ParaView shows with the deck (points, origin,
# spacing) and with h5py (times, cell arrays, values bit for bit). pvbatch runs without X (nothing is rendered).
# Needs pvbatch: FAILS without it (scripts/install-deps.sh --with-paraview installs it).
source "$(dirname "$0")/lib.sh" "$@"
check=$src/tests/scripts/check_paraview.py
command -v pvbatch > /dev/null || { bad "pvbatch not found: ParaView is needed (scripts/install-deps.sh --with-paraview)"; finish "paraview"; }

deck=$src/inputs/wave.yaml
n=(12 10 8) xmin=(-1 0 0.5) xmax=(1 2 1.5)
common=(--quiet --set "grid.n=[12,10,8]" --set "grid.xmin=[-1,0,0.5]" --set "grid.xmax=[1,2,1.5]"
        --set run.t_final=100 --set output.fields_every=4 --set output.norms_every=4 --set checkpoint.every=9
        --set output.dir=pv)
run 2 run "$deck" "${common[@]}" --set run.max_steps=10 > run.log 2>&1 || { bad "first part"; cat run.log; }
[ -f pv/fields_000010.h5 ] && [ "$(grep -c 'GridType="Uniform"' pv/fields.xmf)" = 4 ] && ok "4 snapshots before the restart" \
  || bad "before the restart: $(ls pv)"
run 2 restart pv/checkpoints/chk_00000009.h5 --quiet --set run.max_steps=16 >> run.log 2>&1 || { bad "restart"; cat run.log; }
grep -q "fields_000010" pv/fields.xmf && bad "the collection still lists step 10, after the restart from step 9" \
  || ok "the restart dropped step 10 from the collection"
"$py" "$src/tests/scripts/check_xdmf.py" pv/fields.xmf > /dev/null && ok "check_xdmf.py on the collection" || bad "check_xdmf.py"

# ParaView's view of the collection through each of its XDMF readers, saved to READER.npz (one pvbatch start).
readers=(XDMFReader Xdmf3ReaderS Xdmf3ReaderT)
env -u DISPLAY timeout 180 pvbatch --force-offscreen-rendering "$check" read pv/fields.xmf "${readers[@]}" > pv.log 2>&1 \
  && ok "pvbatch read the collection" || { bad "pvbatch"; cat pv.log; }
for reader in "${readers[@]}"; do
  if "$py" "$check" compare pv/fields.xmf $reader.npz --n "${n[@]}" --xmin "${xmin[@]}" --xmax "${xmax[@]}" \
       --steps 0 4 8 12 16 > $reader.log 2>&1; then
    ok "$reader: $(tail -1 $reader.log)"
  else
    bad "$reader"; cat $reader.log
  fi
done
finish "paraview"
