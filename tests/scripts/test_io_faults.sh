#!/usr/bin/env bash
# I/O fault injection: write errors (ENOSPC, EIO) injected by an LD_PRELOAD shim (tests/faultshim) into each
# write path: checkpoint, snapshot, XDMF sidecar, norms.dat, and the out-of-core drivers' tile files; on one rank
# and on every rank, at several byte offsets. Each case must exit non-zero within 30 s with a message naming the
# file hit, without a crash; the run's newest checkpoint must verify (aeon inspect) and --restart auto must then
# finish bit-identical to an uninterrupted run (norms.dat rows and the last fields under h5diff). A tile case must
# leave no tile file behind and a rerun must succeed. Two more cases hang a write instead (a checkpoint on rank 1,
# norms.dat on rank 0) under io.watchdog_s = 12 (not less: a loaded machine slows the phases that do not hang):
# the watchdog must end the job with exit status 6 naming the phase, the file and the rank. Cases run four at a
# time (most of a case is waiting).
# Arguments: aeon binary, source tree, the fault shim library.
set -u
aeon=$1 src=$2 shim=${3:-}
mpiexec=${AEON_MPIEXEC:-mpirun}
[ -n "$shim" ] && [ -f "$shim" ] || { echo "FAIL: the fault shim library was not given or is missing: '$shim'"; exit 1; }
command -v h5diff > /dev/null || { echo "FAIL: h5diff is missing (scripts/install-deps.sh installs hdf5-tools)"; exit 1; }
work=$(mktemp -d)
main=$BASHPID
trap '[ "$BASHPID" = "$main" ] && rm -rf "$work"' EXIT
cd "$work"
pass=0 fail=0
limit=30; [ "${AEON_SANITIZE:-OFF}" = ON ] && limit=300
deck=$src/inputs/wave_pulse.yaml
# 12 steps on 2 ranks; checkpoints at steps 2, 4, ..., norms every step, snapshots at steps 0, 4, 8, 12.
common=(--quiet --set grid.n=[16,14,12] --set run.t_final=0.4 --set output.norms_every=1 --set output.fields_every=4
        --set checkpoint.every=2 --set checkpoint.keep=10)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 # the shim is preloaded before ASan
export OMPI_MCA_mpi_yield_when_idle=1 # ranks waiting on a stuck collective yield the two cores to the other cases
rows() { grep -v '^#' "$1/norms.dat"; }
last_h5() { ls "$1"/fields_*.h5 | tail -1; }
same() { cmp -s <(rows "$1") <(rows "$2") && h5diff "$(last_h5 "$1")" "$(last_h5 "$2")" /levels/0/fields /levels/0/fields > /dev/null; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
run2() { timeout -k 5 120 "$mpiexec" --oversubscribe -n 2 "$aeon" "$@" < /dev/null; }

run2 run "$deck" "${common[@]}" --set output.dir=ref > ref.log 2>&1 || { echo "FAIL: reference run"; cat ref.log; exit 1; }

# The checks of one faulted run: its exit status, the time from the fault to the end, message and crash; its marks
# (the fault landed). check_fault NAME RC END_MS LOG: writes NAME.result (one line per failed check, empty if all passed).
check_fault() {
  local n=$1 rc=$2 end=$3 log=$4 hit
  : > $n.result
  if ! ls $n.mark.rank* > /dev/null 2>&1; then echo "the fault never fired" >> $n.result; return; fi
  hit=$(awk '{print $2; exit}' $n.mark.rank*) hit=$(basename "$hit")
  [ $rc -ne 0 ] || echo "exit status 0" >> $n.result
  [ $rc -ne 124 ] && [ $rc -ne 137 ] || echo "hung (killed after 120 s)" >> $n.result
  local fired=$(date -r "$(ls $n.mark.rank* | head -1)" +%s%3N) # from the fault to the end of the job
  [ $((end - fired)) -le $((limit * 1000)) ] || echo "ended $(((end - fired) / 1000)) s after the fault (limit $limit s)" >> $n.result
  echo $((end - fired)) > $n.latency
  grep -q "^aeon: error:.*$hit" $log || echo "no 'aeon: error:' line names $hit" >> $n.result
  ! grep -Eqi "segmentation fault|signal 11|SIGSEGV|core dumped|signal 6 " $log || echo "crashed" >> $n.result
}

# A run case: NAME RANK ERRNO AFTER PATTERN [--set ...]: faulted run, inspect of the newest checkpoint, --restart auto.
sim_case() {
  local n=$1 r=$2 er=$3 after=$4 pat=$5; shift 5
  local t0=$(now_ms) rc ms newest
  AEON_FAULT_PATH="$pat" AEON_FAULT_RANK=$r AEON_FAULT_ERRNO=$er AEON_FAULT_AFTER=$after AEON_FAULT_MARK=$work/$n.mark \
    timeout -k 5 120 "$mpiexec" --oversubscribe -x LD_PRELOAD="$shim" -n 2 "$aeon" run "$deck" "${common[@]}" \
    --set output.dir=$n "$@" > $n.log 2>&1 < /dev/null
  rc=$? ms=$(( $(now_ms) - t0 ))
  check_fault $n $rc $(now_ms) $n.log
  if [ "${AEON_FAULT_HANG:-0}" = 1 ]; then # the watchdog ends a hung write: exit 6, naming phase, file and rank
    [ $rc -eq 6 ] || echo "a hang ended with exit status $rc, not 6 (the watchdog's)" >> $n.result
    grep -Eq "^aeon: error: \[rank [0-9]+\] I/O watchdog: .* of '.*${pat//\*/.*}' did not finish" $n.log \
      || echo "no watchdog message naming the phase, the file and the rank" >> $n.result
  fi
  newest=$(ls $n/checkpoints/chk_*.h5 2> /dev/null | tail -1)
  if [ -z "$newest" ]; then echo "no checkpoint before the fault" >> $n.result
  elif ! "$aeon" inspect "$newest" > $n.inspect 2>&1 < /dev/null; then echo "inspect $(basename $newest) failed" >> $n.result; fi
  run2 run "$deck" "${common[@]}" --set output.dir=$n --restart auto > $n.restart.log 2>&1 \
    || echo "--restart auto failed: $(grep -m1 'aeon: error' $n.restart.log)" >> $n.result
  same ref $n || echo "the resumed run differs from the uninterrupted one" >> $n.result
  echo "$n: $r rank(s), $er after $after bytes of $pat: exit $rc $(cat $n.latency 2> /dev/null) ms after the fault;" \
       "newest checkpoint $(basename ${newest:-none}) verifies; --restart auto bit-identical" > $n.what
}

# A tile case: NAME RANK ERRNO AFTER DRIVER-ARGS...: an out-of-core run whose tile files fail; then a clean rerun.
tile_case() {
  local n=$1 r=$2 er=$3 after=$4; shift 4
  mkdir -p $n.ooc
  local t0=$(now_ms) rc ms
  AEON_FAULT_PATH='aeon-tiles-*' AEON_FAULT_RANK=$r AEON_FAULT_ERRNO=$er AEON_FAULT_AFTER=$after AEON_FAULT_MARK=$work/$n.mark \
    timeout -k 5 120 "$mpiexec" --oversubscribe -x LD_PRELOAD="$shim" -n 2 "$aeon" "$@" --ooc $n.ooc --quiet \
    > $n.log 2>&1 < /dev/null
  rc=$? ms=$(( $(now_ms) - t0 ))
  check_fault $n $rc $(now_ms) $n.log
  [ -z "$(ls $n.ooc)" ] || echo "tile files left behind: $(ls $n.ooc | tr '\n' ' ')" >> $n.result
  run2 "$@" --ooc $n.ooc --quiet > $n.rerun.log 2>&1 || echo "the rerun without faults failed" >> $n.result
  echo "$n: $r rank(s), $er after $after bytes of tile files ($1): exit $rc $(cat $n.latency 2> /dev/null) ms after the fault" > $n.what
}

# name rank errno after pattern-or-driver: the cases (several offsets, one rank and all ranks, both errnos).
cases=(
  "sim ck1 1 ENOSPC 0 chk_00000004.h5.tmp"
  "sim ck2 0 EIO 4096 chk_00000004.h5.tmp"
  "sim ck3 all ENOSPC 20000 chk_00000006.h5.tmp"
  "sim ck4 all EIO 50000 chk_00000006.h5.tmp"
  "sim sn1 1 EIO 0 fields_000004.h5.tmp"
  "sim sn2 0 ENOSPC 2000 fields_000004.h5.tmp"
  "sim sn3 all ENOSPC 12000 fields_000008.h5.tmp"
  "sim sn4 all EIO 6000 fields_000008.h5.tmp"
  "sim xd1 0 ENOSPC 0 fields_000004.xmf.tmp"
  "sim xd2 all EIO 500 fields_000008.xmf.tmp"
  "sim no1 0 ENOSPC 1000 norms.dat"
  "sim no2 all EIO 1900 norms.dat"
  "hang wd1 1 EIO 0 chk_00000004.h5.tmp"
  "hang wd2 0 EIO 1000 norms.dat"
  "tile tf1 1 ENOSPC 0 factor --n 256 --nb 32"
  "tile tf2 all EIO 40000 factor --n 256 --nb 32"
  "tile tm1 0 EIO 8192 matmul --m 160 --k 128 --n 96 --nb 32"
  "tile tm2 all ENOSPC 30000 matmul --m 160 --k 128 --n 96 --nb 32"
)
t_all=$(now_ms)
running=0
for c in "${cases[@]}"; do
  set -- $c
  kind=$1; shift
  case $kind in
  sim) sim_case "$@" & ;;
  hang) AEON_FAULT_HANG=1 sim_case "$@" --set io.watchdog_s=12 & ;;
  tile) tile_case "$@" & ;;
  esac
  running=$((running + 1))
  if [ $running -ge 4 ]; then wait -n; running=$((running - 1)); fi
done
wait
for c in "${cases[@]}"; do
  set -- $c
  n=$2
  if [ -f $n.result ] && [ ! -s $n.result ]; then echo "ok: $(cat $n.what)"; pass=$((pass + 1))
  else echo "FAIL: $(cat $n.what 2> /dev/null || echo $n): $(tr '\n' ';' < $n.result 2> /dev/null)"; tail -4 $n.log; fail=$((fail + 1)); fi
done
echo "io faults: ${#cases[@]} cases in $(( ($(now_ms) - t_all) / 1000 )) s"
echo "test_io_faults: $pass passed, $fail failed"
[ $fail -eq 0 ]
