#!/usr/bin/env bash
# Receipts outside the checkpoint: bounded checkpoint size (20,000 steps vs 200), the whole chain verified
# from RUNDIR/receipts.log + checkpoint, tampering with the log detected at restart and by inspect, forged
# chains (last receipt dropped, chain re-made from receipt k, all receipts removed) refused with a key,
# pruning that leaves a stray chk_99999999.h5 and other lineages alone, and a restart from an older
# checkpoint that starts a new lineage which --restart auto then continues (norms.dat of one history).
source "$(dirname "$0")/lib.sh" "$@"
run() { local np=$1; shift; timeout 300 "$mpiexec" --oversubscribe -n "$np" "$aeon" "$@" < /dev/null; }
forge=$src/tests/scripts/forge_receipts.py
"$py" -c 'import h5py, numpy' || { bad "$py with h5py and numpy is needed (scripts/install-deps.sh installs it)"; finish receipts; }
deck=$src/inputs/wave_pulse.yaml
tiny=(--set grid.n=[6,6,6] --set run.t_final=1e9 --set output.norms_every=0 --set output.fields_every=0)
inspect() { "$aeon" inspect "$@" > insp.out 2> insp.err; }
# refused LABEL TEXT CMD...: CMD exits 2 with TEXT in its output.
refused() {
  local label=$1 text=$2; shift 2
  "$@" > ref.out 2>&1 < /dev/null
  local rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$text" ref.out; then ok "$label: exit 2, '$(grep -m1 -- "$text" ref.out | cut -c1-160)'"
  else bad "$label: exit $rc, expected 2 and '$text'"; head -5 ref.out; fi
}
size() { stat -c %s "$1"; }

# 1. Bounded checkpoints: the last checkpoint of a 20,000-step run is no larger than that of a 200-step run
# by more than 4 kB (before, every step added 200 bytes: 4 MB here); inspect verifies the whole chain.
t0=$(date +%s%N)
run 1 run "$deck" "${tiny[@]}" --set run.max_steps=200 --set checkpoint.every=100 --set output.dir=s200 > s200.log 2>&1 || { bad "200-step run"; cat s200.log; }
run 1 run "$deck" --quiet "${tiny[@]}" --set run.max_steps=20000 --set checkpoint.every=1000 --set checkpoint.keep=2 --set output.dir=s20k > s20k.log 2>&1 || { bad "20000-step run"; cat s20k.log; }
echo "timing: the 200- and 20,000-step runs took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
a=$(size s200/checkpoints/chk_00000200.h5) b=$(size s20k/checkpoints/chk_00020000.h5)
[ $((b - a)) -le 4096 ] && ok "checkpoint after 20,000 steps $b bytes, after 200 steps $a bytes (difference $((b - a)) <= 4096)" \
  || bad "checkpoint after 20,000 steps $b bytes vs $a after 200: grows with the steps"
nlog=$(( $(size s20k/receipts.log) / 200 ))
[ "$nlog" -le 80 ] && ok "20,000 quiet steps: $nlog receipts in s20k/receipts.log" || bad "20,000 steps: $nlog receipts in the log (quiet steps not coalesced?)"
if inspect s20k/checkpoints/chk_00020000.h5 --all && grep -q "receipt chain verified: $((nlog - 1)) receipts" insp.out \
   && grep -q "steps 19001-20000 (1000 quiet)" insp.out && grep -q "^ *0  tier-put" insp.out; then
  ok "inspect verifies the whole chain: $(grep 'receipt chain verified' insp.out | cut -c1-60)"
else bad "inspect of the 20,000-step checkpoint"; cat insp.err; grep -E "verified|anchor" insp.out; fi
n=$(grep -c "^aeon: receipts anchor: s20k/checkpoints/chk_000[0-9]*.h5 step [0-9]* receipts [0-9]* head [0-9a-f]\{64\} lineage [0-9a-f]\{32\}$" s20k.log)
[ "$n" -eq 20 ] && ok "20 anchor lines on standard output (with --quiet)" || { bad "anchor lines: $n of 20"; head -3 s20k.log; }
head=$(grep -o 'head [0-9a-f]*' insp.out | head -1)
grep -q "chk_00020000.h5 step 20000 receipts [0-9]* $head" s20k.log && ok "the anchor line matches inspect's $head" || bad "anchor line vs inspect ($head)"

# 2. Tampering with the receipt log (no key): restart and inspect refuse it.
tamper_opts=("${tiny[@]}" --set checkpoint.every=20)
run 2 run "$deck" "${tamper_opts[@]}" --set run.max_steps=60 --set output.dir=t0 > t0.log 2>&1 || { bad "run for tampering"; cat t0.log; }
chk=checkpoints/chk_00000060.h5
cp -r t0 t1; printf '\x01' | dd of=t1/receipts.log bs=1 seek=$((1 * 200 + 48)) conv=notrunc status=none # receipt 1's detail
refused "log: receipt 1 edited, restart" "receipt 1 (run-start at step 0) is corrupt" run 1 restart t1/$chk --set run.max_steps=80
refused "log: receipt 1 edited, --restart auto" "no valid checkpoint in 't1/checkpoints'" run 1 run "$deck" "${tamper_opts[@]}" --set run.max_steps=80 --set output.dir=t1 --restart auto
refused "log: receipt 1 edited, inspect" "receipt 1 (run-start at step 0) is corrupt" "$aeon" inspect t1/$chk
cp -r t0 t2; truncate -s $(( ($(size t0/receipts.log) / 200 - 3) * 200 )) t2/receipts.log
refused "log: last receipts cut, restart" "receipts were removed from the log" run 1 restart t2/$chk --set run.max_steps=80
cp -r t0 t3; rm t3/receipts.log
refused "log removed, restart" "receipt log 't3/receipts.log' of checkpoint 't3/$chk' is missing" run 1 restart t3/$chk --set run.max_steps=80
cp -r t0 t4; "$py" -c "
import sys; p='t4/receipts.log'; b=bytearray(open(p,'rb').read()); n=len(b)//200-2; b[n*200+48]^=1; open(p,'wb').write(b)"
refused "log: a receipt the checkpoint also holds edited, inspect" "differ at receipt" "$aeon" inspect t4/$chk
# The untouched run still verifies and continues.
inspect t0/$chk && ok "untouched run verifies" || { bad "untouched run"; cat insp.err; }

# 3. Forgeries without the key. Unkeyed, a consistent forgery verifies (documented: not protected) except
# the removal of every receipt; with a key every one is refused by inspect and restart.
head -c 32 /dev/urandom > key.bin
head -c 8 /dev/urandom > short.bin
refused "a key of 8 bytes" "receipt key file '$PWD/short.bin' has 8 bytes" env AEON_RECEIPT_KEY_FILE=$PWD/short.bin "$mpiexec" --oversubscribe -n 1 "$aeon" run "$deck" "${tamper_opts[@]}" --set run.max_steps=4 --set output.dir=short
for keyed in 0 1; do
  d=f$keyed
  keyopt=(); [ $keyed = 1 ] && keyopt=(--set receipts.key_file=$PWD/key.bin)
  run 2 run "$deck" "${tamper_opts[@]}" "${keyopt[@]}" --set run.max_steps=60 --set output.dir=$d > $d.log 2>&1 || { bad "run $d"; cat $d.log; }
  if [ $keyed = 1 ]; then
    inspect $d/$chk --key key.bin && grep -q "HMAC-SHA-256 verified (keyed)" insp.out && ok "keyed run verifies with --key" || { bad "keyed inspect"; cat insp.err; }
    AEON_RECEIPT_KEY_FILE=$PWD/key.bin inspect $d/$chk && ok "keyed run verifies with AEON_RECEIPT_KEY_FILE" || bad "keyed inspect (env)"
    refused "keyed checkpoint without the key, inspect" "are keyed (HMAC-SHA-256): name the key file" "$aeon" inspect $d/$chk
    head -c 32 /dev/urandom > other.bin
    refused "keyed checkpoint with another key, inspect" "HMAC does not match its content" "$aeon" inspect $d/$chk --key other.bin
  fi
  for how in drop-last "remake 3" remove-all; do
    for keep in 0 1; do
      [ $keep = 1 ] && [ $keyed = 0 ] && continue
      c=$d-${how// /}-$keep; cp -r $d $c
      FORGE_KEEP_KEYED=$keep "$py" "$forge" $how $c/$chk > forge.out || { bad "forge $how"; cat forge.out; }
      label="forged ($how$([ $keep = 1 ] && echo ', key flag kept'))"
      if [ $keyed = 0 ] && [ "$how" != remove-all ]; then
        inspect $c/$chk && ok "$label, no key: verifies (not protected without a key, as documented)" || { bad "$label: the forgery itself is broken"; cat insp.err; }
      elif [ $keyed = 0 ]; then
        refused "$label, no key: inspect" "holds no receipts" "$aeon" inspect $c/$chk
        refused "$label, no key: restart" "holds no receipts" run 1 restart $c/$chk --set run.max_steps=80
      else
        text="not keyed: they were written without a key, or re-made without it"
        [ $keep = 1 ] && text="HMAC does not match its content"
        [ $keep = 1 ] && [ "$how" = remove-all ] && text="holds no receipts"
        refused "$label, keyed: inspect" "$text" "$aeon" inspect $c/$chk --key key.bin
        # restart runs the same check (one function): tried on two of the forgeries
        if [ "$how$keep" = drop-last0 ] || [ "$how$keep" = "remake 31" ]; then
          refused "$label, keyed: restart" "$text" run 1 restart $c/$chk --set run.max_steps=80
        fi
      fi
    done
  done
done
# A forged anchor: the count cut by one receipt, the head moved back, the digest recomputed (the chain itself
# is intact and keyed): the anchor's HMAC refuses it.
c=f1-anchor; cp -r f1 $c
"$py" - $c/$chk "$src/tests/scripts" << 'EOF' || bad "anchor edit"
import struct, sys
import h5py, numpy as np
sys.path.insert(0, sys.argv[2])
from forge_receipts import meta_digest
p = sys.argv[1]
with h5py.File(p, "r") as f:
    b = bytearray(f["receipts"][...].tobytes())
count, first = struct.unpack("<QQ", b[16:32])
at = 136 + (count - 2 - first) * 200  # receipt count-2, the new head
b[16:24] = struct.pack("<Q", count - 1)
b[72:104] = b[at + 160:at + 192]
del b[136 + (count - 1 - first) * 200:]
with h5py.File(p, "r+") as f:
    del f["receipts"]
    f.create_dataset("receipts", data=np.frombuffer(bytes(b), np.uint8), chunks=(len(b),), fletcher32=True)
    f.attrs.create("meta_sha256", data=np.bytes_(meta_digest(f, bytes(b))), dtype=h5py.string_dtype("utf-8", 65))
EOF
refused "anchor cut by one receipt (keyed): inspect" "does not match its HMAC" "$aeon" inspect $c/$chk --key key.bin
refused "anchor cut by one receipt (keyed): restart" "does not match its HMAC" run 1 restart $c/$chk --set run.max_steps=80

# 4. Pruning: a stray chk_99999999.h5 (text, or a valid checkpoint of another run) with keep 1 removes
# nothing real; --restart auto skips it and continues.
prune=("${tiny[@]}" --set checkpoint.every=4 --set checkpoint.keep=1)
run 2 run "$deck" "${prune[@]}" --set run.max_steps=8 --set output.dir=p > p.log 2>&1 || { bad "prune run"; cat p.log; }
echo "not a checkpoint" > p/checkpoints/chk_99999999.h5
cp f0/$chk p/checkpoints/chk_99999998.h5 # a real checkpoint of another lineage
run 2 run "$deck" "${prune[@]}" --set run.max_steps=16 --set output.dir=p --restart auto > p2.log 2>&1
rc=$?
ls p/checkpoints > p.ls
[ $rc -eq 0 ] && grep -q "restarted from step 8 " p2.log && [ "$(grep -c chk_ p.ls)" -eq 3 ] && grep -q chk_00000016.h5 p.ls \
  && grep -q chk_99999999.h5 p.ls && grep -q chk_99999998.h5 p.ls \
  && ok "keep 1 with stray chk_99999999.h5 and a foreign chk_99999998.h5: kept $(tr '\n' ' ' < p.ls)" \
  || { bad "pruning with strays (rc $rc): $(tr '\n' ' ' < p.ls)"; cat p2.log; }
run 2 run "$deck" "${prune[@]}" --set run.max_steps=20 --set output.dir=p --restart auto > p3.log 2>&1
[ $? -eq 0 ] && grep -q "restarted from step 16 " p3.log && ok "--restart auto afterwards resumes from step 16" || { bad "restart after pruning"; cat p3.log; }

# 5. Restart from an older checkpoint with a changed parameter: the newer checkpoints move aside, a new
# lineage begins, and --restart auto continues it; norms.dat holds one history.
hist=(--set grid.n=[12,10,8] --set run.t_final=1e9 --set output.fields_every=0 --set checkpoint.every=4 --set checkpoint.keep=10)
run 2 run "$deck" "${hist[@]}" --set output.norms_every=1 --set run.max_steps=24 --set output.dir=ref > ref.log 2>&1 || bad "reference run"
run 2 run "$deck" "${hist[@]}" --set output.norms_every=2 --set run.max_steps=16 --set output.dir=h > h.log 2>&1 || bad "history run"
run 2 restart h/checkpoints/chk_00000008.h5 --set output.norms_every=1 --set run.max_steps=12 > h2.log 2>&1
rc=$?
aside=$(ls -d h/checkpoints.replaced-* 2> /dev/null | head -1)
[ $rc -eq 0 ] && grep -q "they were moved to" h2.log && [ -f "$aside/chk_00000016.h5" ] && [ -f "$aside/chk_00000012.h5" ] && [ -f "$aside/receipts.log" ] \
  && ok "restart from step 8 of 16: newer checkpoints moved to $aside" || { bad "restart from an older checkpoint (rc $rc)"; cat h2.log; ls h/checkpoints "$aside"; }
run 2 run "$deck" "${hist[@]}" --set output.norms_every=1 --set run.max_steps=24 --set output.dir=h --restart auto > h3.log 2>&1
[ $? -eq 0 ] && grep -q "restarted from step 12 " h3.log && ok "--restart auto continues the new lineage (from step 12)" || { bad "--restart auto after the older restart"; cat h3.log; }
rows() { grep -v '^#' "$1/norms.dat"; }
steps=$(rows h | awk '{print $1}' | tr '\n' ' ')
want="0 2 4 6 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 "
[ "$steps" = "$want" ] && ok "norms.dat of one history: steps $steps" || bad "norms.dat steps '$steps', expected '$want'"
cmp -s <(rows h | awk '$1 >= 8') <(rows ref | awk '$1 >= 8') && ok "rows from step 8 on bit-identical to an uninterrupted run" || bad "rows differ from the uninterrupted run"
inspect h/checkpoints/chk_00000024.h5 && ok "the new lineage's last checkpoint verifies" || { bad "inspect new lineage"; cat insp.err; }
l1=$(grep -o 'lineage [0-9a-f]*' h.log | tail -1) l2=$(grep -o 'lineage [0-9a-f]*' h3.log | tail -1)
[ -n "$l1" ] && [ "$l1" != "$l2" ] && grep -q "$l2" h2.log && ok "lineage changed at the older restart and continued by --restart auto" || bad "lineages '$l1' '$l2'"
finish receipts
