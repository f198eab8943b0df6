#!/usr/bin/env bash
# Checkpoints under faults: SIGKILL of every rank at random moments (20 trials, resumed with --restart auto
# on 2 or 3 ranks, bit-identical every time), a corpus of damaged and foreign checkpoint files (restart
# and inspect agree on every file: both refuse each damaged one with exit status 2 and one message naming
# it; chunk-index flips, fields substituted with consistent checksums, a FIFO, a directory named like a
# checkpoint), --restart auto falling back past a damaged newest checkpoint (and past a directory and a
# FIFO named like newer checkpoints), and a full disk (file-size limit) while a checkpoint is being written.
set -u
aeon=$1 src=$2
mpiexec=${AEON_MPIEXEC:-mpirun}
py=/usr/bin/python3
damage=$src/tests/scripts/damage_checkpoint.py
if ! "$py" -c 'import h5py, numpy' 2> /dev/null || ! command -v h5diff > /dev/null; then
  echo "FAIL: needs $py with h5py and numpy, and h5diff (scripts/install-deps.sh installs python3-h5py," \
       "python3-numpy and hdf5-tools)"
  exit 1 # a missing prerequisite fails, never skips
fi
work=$(mktemp -d)
main=$BASHPID
trap '[ "$BASHPID" = "$main" ] && rm -rf "$work"' EXIT # the main shell only, never a subshell
cd "$work"
pass=0 fail=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
run() { local np=$1; shift; timeout -k 5 120 "$mpiexec" --oversubscribe -n "$np" "$aeon" "$@" < /dev/null; }
deck=$src/inputs/wave_pulse.yaml
# 48 steps; norms every step; field snapshots at step 0 and at the last step only.
common=(--set grid.n=[20,18,16] --set run.t_final=1.2 --set output.fields_every=1000 --set output.norms_every=1)
rows() { grep -v '^#' "$1/norms.dat"; }
last_h5() { ls "$1"/fields_*.h5 | tail -1; }
same() { cmp -s <(rows "$1") <(rows "$2") && h5diff "$(last_h5 "$1")" "$(last_h5 "$2")" /levels/0/fields /levels/0/fields > /dev/null; }
same_run() { # dirA dirB label
  if same "$1" "$2"; then ok "$3: norms.dat and fields bit-identical"; else bad "$3: results differ"; fi
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
first_err() { grep -m1 '^aeon: error:' "$1"; }

# ---------------------------------------------------------------------------------------------------
# 1. SIGKILL of every rank at a pseudo-random moment, then --restart auto.
t0=$(now_ms)
# (one receipt per step, not coalesced: the corpus below edits receipt 3)
run 2 run "$deck" --quiet "${common[@]}" --set receipts.quiet_steps=1 --set output.dir=ref > ref.log 2>&1 || { bad "reference run"; cat ref.log; }
t_ref=$(( $(now_ms) - t0 ))
nsteps=$(rows ref | tail -1 | awk '{print $1}')
# The same run checkpointing every step: its wall time (and when the first checkpoint write starts) sets the
# window the kills are spread over.
kill_opts=("${common[@]}" --set checkpoint.every=1 --set checkpoint.keep=2)
t0=$(now_ms) t_first=
"$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" --quiet "${kill_opts[@]}" --set output.dir=every1 > every1.log 2>&1 < /dev/null &
mp=$!
while kill -0 $mp 2> /dev/null; do
  [ -z "$t_first" ] && compgen -G "every1/checkpoints/chk_*" > /dev/null && t_first=$(( $(now_ms) - t0 ))
  sleep 0.005
done
wait $mp || { bad "run checkpointing every step"; cat every1.log; }
t_ck=$(( $(now_ms) - t0 ))
t_first=${t_first:-0}
same_run ref every1 "checkpoint every step vs none ($nsteps steps)"
lo=$(( t_first * 9 / 10 )) hi=$(( t_ck * 105 / 100 ))
echo "timing: reference run $(secs $t_ref) s; checkpointing every step $(secs $t_ck) s, first write at $(secs $t_first) s;" \
     "kills spread over $(secs $lo)-$(secs $hi) s"

# Kills every aeon rank of the run started as 'timeout mpirun' with pid $1 (only this test's ranks: other
# tests may be running aeon beside it); 1 if that run had already ended.
kill_ranks() {
  local i mpi
  for i in $(seq 1 300); do
    kill -0 "$1" 2> /dev/null || return 1
    mpi=$(pgrep -P "$1" | head -1)
    if [ -n "$mpi" ] && pkill -KILL -x aeon -P "$mpi"; then
      sleep 0.01; pkill -KILL -x aeon -P "$mpi" # any rank that was still being started
      return 0
    fi
    sleep 0.01
  done
  return 1
}
# The pids of the aeon ranks of that run, once both are started (empty before).
rank_pids() {
  local mpi
  mpi=$(pgrep -P "$1" | head -1)
  [ -n "$mpi" ] && pgrep -x aeon -P "$mpi" | tr '\n' ' '
}
ntrials=20 during=0 after=0 passed_trials=0
limit=60; [ "${AEON_SANITIZE:-OFF}" = ON ] && limit=900 # a sanitised run is 15-30x slower
for i in $(seq 1 $ntrials); do
  d=kill$i np=$((2 + (i + 1) % 2)) # restart on 2 and 3 ranks, alternately
  k=$(( 1 + (i * 7 + 3) % (nsteps - 2) )) # the step whose checkpoint write the kill aims at
  timeout -k 5 $limit "$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" --quiet "${kill_opts[@]}" --set output.dir=$d \
    > $d.log 2>&1 < /dev/null &
  mp=$!
  # The ranks' pids first, then a busy-wait (no fork per check) until the step-k checkpoint is being written,
  # and a kill at once (the shell's own kill: no fork between seeing the .tmp and the signal).
  target=$d/checkpoints/chk_$(printf %08d $k).h5
  t0=$(now_ms) pids=
  while kill -0 $mp 2> /dev/null; do
    pids=$(rank_pids $mp)
    [ "$(wc -w <<< "$pids")" -ge 2 ] && break
    sleep 0.01
  done
  while kill -0 $mp 2> /dev/null && [ ! -e $target.tmp ] && [ ! -e $target ]; do :; done
  delay=$(( $(now_ms) - t0 ))
  how="killed at the write of step $k"
  # shellcheck disable=SC2086 # two pids
  if [ -n "$pids" ] && kill -KILL $pids 2> /dev/null; then kill_ranks $mp > /dev/null # and any straggler
  elif ! kill_ranks $mp; then how="kill came after the run had finished"; after=$((after + 1)); fi
  wait $mp 2> /dev/null
  tmp=$(cd $d/checkpoints 2> /dev/null && ls *.tmp 2> /dev/null | tr '\n' ' ')
  if [ -n "$tmp" ]; then during=$((during + 1)); how="$how during a checkpoint write (${tmp% })"; fi
  run $np run "$deck" "${kill_opts[@]}" --set output.dir=$d --restart auto > $d.restart.log 2>&1
  rc=$?
  from=$(grep -o 'restarted from step [0-9]*' $d.restart.log | head -1)
  from=${from:-"fresh start (no checkpoint)"}
  what="kill trial $i after $(secs $delay) s ($how); --restart auto on $np ranks: ${from#restarted }"
  if [ $rc -eq 0 ] && same ref $d; then ok "$what: bit-identical"; passed_trials=$((passed_trials + 1))
  else bad "$what: exit status $rc or results differ"; tail -40 $d.restart.log; fi
done
echo "kill test: $passed_trials of $ntrials trials bit-identical; $during kills landed during a checkpoint write" \
     "(.tmp present); $after kills came after the run had finished"
[ $after -lt $ntrials ] || bad "no kill landed while the run was going"
# The trials must test what they are for: a kill while a checkpoint is being written.
[ $during -ge 3 ] && ok "$during of $ntrials kills landed during a checkpoint write (at least 3 needed)" \
  || bad "only $during of $ntrials kills landed during a checkpoint write (at least 3 needed)"

# ---------------------------------------------------------------------------------------------------
# 2. Damaged and foreign files: restart and inspect refuse each with exit status 2 (and accept the few
# that are valid: the same values in another HDF5 layout).
good=$(ls ref/checkpoints/chk_*.h5 | tail -1)
other=$(ls every1/checkpoints/chk_*.h5 | head -1) # the same run one step earlier
"$aeon" inspect "$good" > good.inspect 2>&1 && ok "the good checkpoint $(basename "$good") verifies" || bad "inspect of good checkpoint"
mkdir -p corpus/checkpoints # a run directory of its own for the damaged files
cp ref/deck.yaml ref/params.yaml corpus/
"$py" "$damage" corpus "$good" "$other" ref/fields_000000.h5 corpus/checkpoints > cases.txt || bad "damage_checkpoint.py corpus"
nrefuse=0 naccept=0
while IFS=$'\t' read -r name what expect; do
  f=corpus/checkpoints/$name.h5
  timeout -k 5 60 "$mpiexec" --oversubscribe -n 2 "$aeon" restart "$f" --quiet > c.out 2> c.err < /dev/null
  rc=$?
  nerr=$(grep -c '^aeon: error:' c.err)
  msg=$(first_err c.err)
  timeout -k 5 60 "$aeon" inspect "$f" > i.out 2> i.err < /dev/null
  irc=$?
  nierr=$(grep -c '^aeon: error:' i.err)
  imsg=$(grep -m1 '^aeon: error:' i.err)
  label="corpus $name ($what)"
  if [ "$expect" = accept ]; then
    naccept=$((naccept + 1))
    [ $rc -eq 0 ] && ok "$label: restart accepts it" || { bad "$label: restart exit $rc: ${msg:-none}"; head -5 c.err; }
    [ $irc -eq 0 ] && ok "$label: inspect accepts it" || bad "$label: inspect exit $irc: ${imsg:-none}"
    continue
  fi
  nrefuse=$((nrefuse + 1))
  if [ $rc -eq 2 ] && [ "$nerr" -eq 1 ] && [[ $msg == *"$f"* ]]; then ok "$label: restart exit 2: $msg"
  else bad "$label: restart exit $rc, $nerr error lines, first: ${msg:-none}"; head -5 c.err; fi
  if [ $irc -eq 2 ] && [ "$nierr" -eq 1 ] && { [ "$name" != receipt3 ] || grep -q 'receipt 3' i.err; } &&
     [[ $imsg == *"$f"* ]]; then ok "$label: inspect exit 2: $imsg"
  else bad "$label: inspect exit $irc, $nierr error lines$([ "$name" = receipt3 ] && echo ', must name receipt 3'): $(grep -v '^ *[0-9]' i.err | tr '\n' ' ')"; fi
done < cases.txt
echo "corpus: $nrefuse damaged or foreign files, $naccept valid variants"
[ "$(wc -l < cases.txt)" -eq 33 ] || bad "expected 33 corpus cases, got $(wc -l < cases.txt)"
[ "$(grep -c '^index-.*refuse$' cases.txt)" -ge 8 ] || bad "fewer than 8 chunk-index flips change what is read"

# ---------------------------------------------------------------------------------------------------
# 3. --restart auto skips a damaged newest checkpoint and resumes from the previous one.
fb_opts=("${common[@]}" --set checkpoint.every=8)
run 2 run "$deck" --quiet "${fb_opts[@]}" --set output.dir=fb --set run.max_steps=16 > fb.log 2>&1 || bad "first 16 steps"
newest=fb/checkpoints/chk_00000016.h5
if [ -f fb/checkpoints/chk_00000008.h5 ] && [ -f $newest ]; then
  echo "damaged $newest: $("$py" "$damage" flip $newest)"
  mkdir fb/checkpoints/chk_99999999.h5 && mkfifo fb/checkpoints/chk_99999998.h5 # neither is a checkpoint
  run 2 run "$deck" "${fb_opts[@]}" --set output.dir=fb --restart auto > fb2.log 2>&1
  rc=$?
  warn=$(grep -m1 '^aeon: warning:' fb2.log)
  [ $rc -eq 0 ] && [[ $warn == *"$newest"* ]] && grep -q 'restarted from step 8 ' fb2.log \
    && ok "--restart auto: '$warn', resumed from step 8" || { bad "--restart auto fallback (exit $rc)"; cat fb2.log; }
  ! grep -q 'chk_9999999' fb2.log && ok "--restart auto: a directory and a FIFO named like checkpoints are not listed" \
    || bad "--restart auto named a directory or FIFO: $(grep chk_9999999 fb2.log)"
  same_run ref fb "--restart auto past a damaged newest checkpoint"
else bad "no checkpoints at steps 8 and 16: $(ls fb/checkpoints)"; fi

# ---------------------------------------------------------------------------------------------------
# 4. Full disk while a checkpoint is written: a file-size limit (ulimit -f, SIGXFSZ ignored) on the ranks
# that holds the checkpoint of step 8 but not that of step 16. (The limit is set inside each rank, not on
# mpirun, and shared memory is kept out of MPI's transport: both create files larger than the limit.)
# Checkpoints of equal content have equal sizes (contiguous fields, bounded receipts), so the run continues
# from step 8 with one receipt per step (receipts.quiet_steps=1): the checkpoint of step 16 then holds about
# ten receipts (2 KB) more than that of step 8, which was written with quiet steps coalesced.
disk_opts=(--quiet "${common[@]}" --set checkpoint.every=8 --set checkpoint.keep=10 --set output.dir=disk)
more=(--restart auto --set receipts.quiet_steps=1)
first8() { run 2 run "$deck" "${disk_opts[@]}" --set run.max_steps=8 > "$1" 2>&1 || bad "the first 8 steps ($1)"; }
first8 disk0.log
run 2 run "$deck" "${disk_opts[@]}" "${more[@]}" >> disk0.log 2>&1 || bad "unlimited run for the checkpoint sizes"
s1=$(stat -c %s disk/checkpoints/chk_00000008.h5 2> /dev/null || echo 0)
s2=$(stat -c %s disk/checkpoints/chk_00000016.h5 2> /dev/null || echo 0)
# What the pre-check expects of the first checkpoint, which has no earlier one to go by: the raw field data plus the
# blobs and 4096 bytes (src/io/checkpoint.c, expected_size); HDF5's own structures make the file larger.
est=$("$py" - disk/checkpoints/chk_00000008.h5 << 'EOF'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as f:
    g, a = f["/levels/0/fields"], f.attrs
    raw = sum(8 * int(np.prod(g[k].shape)) for k in g)
    print(raw + f["tiers"].shape[0] + f["receipts"].shape[0] + len(a["deck"]) + len(a["effective_parameters"]) + 4096)
EOF
)
est=${est:-0}
rm -rf disk
blocks=$(( (s1 + 1023) / 1024 )) # the smallest limit that holds the first checkpoint
first8 disk1.log
if [ $((blocks * 1024)) -ge "$s1" ] && [ $((blocks * 1024)) -lt "$s2" ]; then
  echo "full disk: checkpoints of steps 8 and 16 are $s1 and $s2 bytes; file-size limit $blocks KiB"
  OMPI_MCA_btl=self,tcp timeout -k 5 30 "$mpiexec" --oversubscribe -n 2 \
    bash -c 'trap "" XFSZ; ulimit -f "$0" && exec "$@"' "$blocks" "$aeon" run "$deck" "${disk_opts[@]}" "${more[@]}" > disk.log 2>&1 < /dev/null
  rc=$?
  prev=disk/checkpoints/chk_00000008.h5
  msg=$(first_err disk.log)
  if [ $rc -eq 1 ] && [[ $msg == *"the previous checkpoint is still valid"* && $msg == *"$prev"* ]]; then
    ok "full disk: exit 1: $msg"
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then bad "full disk: the run hung while writing a checkpoint (killed by timeout after 30 s); ${msg:-no error message}"
  else bad "full disk: exit $rc, message: ${msg:-none}"; tail -5 disk.log; fi
  "$aeon" inspect $prev > /dev/null 2>&1 && ok "full disk: the previous checkpoint $prev still verifies" || bad "full disk: $prev does not verify"
  nbad=0
  for c in disk/checkpoints/chk_*.h5; do "$aeon" inspect "$c" > /dev/null 2>&1 || { nbad=$((nbad + 1)); echo "  damaged: $c"; }; done
  [ $nbad -eq 0 ] && ok "full disk: every chk_*.h5 left verifies ($(cd disk/checkpoints && ls chk_*.h5 | tr '\n' ' '))" \
    || bad "full disk: $nbad damaged chk_*.h5 left"
  # The failing rank aborts the job (other ranks may be inside HDF5), so the partial .tmp is removed by
  # the next start, which continues from the newest valid checkpoint.
  left=$(cd disk/checkpoints && ls *.tmp 2> /dev/null | tr '\n' ' ')
  [ -n "$left" ] && echo "note: full disk: ${left% } left by the aborted run"
  timeout 120 "$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" "${disk_opts[@]}" "${more[@]}" > disk2.log 2>&1
  rc2=$?
  left=$(cd disk/checkpoints && ls *.tmp 2> /dev/null | tr '\n' ' ')
  [ $rc2 -eq 0 ] && [ -z "$left" ] && "$aeon" inspect "$(ls disk/checkpoints/chk_*.h5 | tail -1)" --all | grep -q "restart .*from step 8" \
    && ok "full disk: the next run removed the partial file and continued from step 8" \
    || { bad "full disk: continuing after the failure (rc $rc2, left '$left')"; tail -5 disk2.log; }
else bad "full disk: cannot choose a limit between $s1 and $s2 bytes"; fi

# 4b. The disk fills up part-way through a write: a file-size limit halfway between the pre-check's estimate of the
# first checkpoint (step 8, no earlier one) and its real size. The pre-check passes and a write inside HDF5 fails:
# the run must stop within 30 s with a message naming the checkpoint and no crash; the next run (no limit) starts
# afresh and finishes bit-identical to the reference.
pw_opts=(--quiet "${common[@]}" --set checkpoint.every=8 --set checkpoint.keep=10 --set output.dir=partway)
blocks=$(( (est + s1) / 2 / 1024 ))
if [ "$est" -gt 0 ] && [ $((blocks * 1024)) -gt "$est" ] && [ $((blocks * 1024)) -lt "$s1" ]; then
  echo "full disk part-way: first checkpoint $s1 bytes, pre-check estimate $est bytes; file-size limit $blocks KiB"
  t0=$(now_ms)
  OMPI_MCA_btl=self,tcp timeout -k 5 30 "$mpiexec" --oversubscribe -n 2 \
    bash -c 'trap "" XFSZ; ulimit -f "$0" && exec "$@"' "$blocks" "$aeon" run "$deck" "${pw_opts[@]}" > pw.log 2>&1 < /dev/null
  rc=$? ms=$(( $(now_ms) - t0 ))
  msg=$(first_err pw.log)
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then bad "full disk part-way: hung (killed by timeout after 30 s); ${msg:-no message}"
  elif [ $rc -ne 0 ] && [[ $msg == *chk_00000008.h5* ]] && [[ $msg != *"would exceed the file-size limit"* ]] \
    && ! grep -qiE 'segmentation fault|signal 11|SIGSEGV' pw.log; then
    ok "full disk part-way: exit $rc after $(secs $ms) s: $msg"
  else bad "full disk part-way: exit $rc, message: ${msg:-none} (the pre-check must pass, the write fail)"; tail -5 pw.log; fi
  timeout 120 "$mpiexec" --oversubscribe -n 2 "$aeon" run "$deck" "${pw_opts[@]}" --restart auto > pw2.log 2>&1 < /dev/null
  rc2=$?
  [ $rc2 -eq 0 ] && same ref partway && ok "full disk part-way: the next run finished bit-identical to the reference" \
    || { bad "full disk part-way: the next run (exit $rc2) or its results"; tail -5 pw2.log; }
else bad "full disk part-way: no limit between the estimate $est and the size $s1 of the first checkpoint"; fi

echo "checkpoint faults: $pass passed, $fail failed"
[ $fail -eq 0 ]
