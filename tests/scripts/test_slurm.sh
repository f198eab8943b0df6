#!/usr/bin/env bash
# The job scripts on a real one-node Slurm (slurm-wlm and munge from Debian: scripts/install-deps.sh
# --with-slurm). The test starts its own munged, slurmctld and slurmd on loopback (own slurm.conf,
# ports, state and spool directories in the scratch directory) and stops them at the end. Then:
#   requeue: jobs/aeon.slurm (srun) is signalled with SIGUSR1 before its time limit, as
#            --signal=B:USR1@N does; aeon checkpoints and exits 3, the job requeues itself, is
#            released at once (scontrol update StartTime=now instead of the 120 s requeue delay),
#            continues with --restart auto and finishes bit-identical to an uninterrupted run;
#   stop:    touch RUNDIR/STOP in a job launched with mpirun: checkpoint, exit 5, no requeue, the
#            log says so;
#   CPUs:    jobs/submit refuses a job asking for more CPUs than the node has, naming the counts.
# Where Slurm cannot start, the test fails with the reason, unless AEON_SKIP_SLURM=1 (exit 77).
source "$(dirname "$0")/lib.sh" "$@"

skip_or_fail() {
  echo "test_slurm: $*"
  if [ "${AEON_SKIP_SLURM:-0}" = 1 ]; then echo "test_slurm: skipped (AEON_SKIP_SLURM=1)"; exit 77; fi
  echo "test_slurm: install Slurm and munge with 'bash scripts/install-deps.sh --with-slurm', or set AEON_SKIP_SLURM=1 to skip"
  exit 1
}
for t in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo h5diff; do
  command -v $t > /dev/null || skip_or_fail "'$t' not found"
done

# --- a private one-node cluster -------------------------------------------------------------------
T=$work/cluster
mkdir -p $T/munge $T/state $T/spool $T/log
chmod 700 $T/munge
export SLURM_CONF=$T/slurm.conf
stop_cluster() {
  scancel -u "$(id -un)" > /dev/null 2>&1
  local f p
  for f in $T/slurmd.pid $T/slurmctld.pid $T/munge/pid; do
    p=$(cat $f 2> /dev/null) || continue
    kill $p 2> /dev/null
    for _ in $(seq 1 50); do kill -0 $p 2> /dev/null || break; sleep 0.1; done
    kill -KILL $p 2> /dev/null
  done
}
trap 'stop_cluster; rm -rf "$work"' EXIT
read -r p1 p2 <<< "$($py -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')"
node=$(hostname -s)
ncpu=$(nproc)
np=$((ncpu < 2 ? ncpu : 2))
dd if=/dev/urandom of=$T/munge/key bs=1024 count=1 status=none && chmod 400 $T/munge/key
munged -f --socket=$T/munge/sock --key-file=$T/munge/key --pid-file=$T/munge/pid --log-file=$T/munge/log \
  --seed-file=$T/munge/seed || skip_or_fail "munged did not start: $(tail -3 $T/munge/log 2> /dev/null)"
cat > $SLURM_CONF << EOF
ClusterName=aeontest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$p1
SlurmdPort=$p2
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
KillWait=10
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$ncpu RealMemory=100 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f $SLURM_CONF || skip_or_fail "slurmctld did not start: $(tail -3 $T/log/slurmctld.log 2> /dev/null)"
slurmd -f $SLURM_CONF -N $node || skip_or_fail "slurmd did not start: $(tail -3 $T/log/slurmd.log 2> /dev/null)"
for _ in $(seq 1 300); do [ "$(sinfo -h -o %T 2> /dev/null)" = idle ] && break; sleep 0.1; done
state=$(sinfo -h -o %T 2>&1)
[ "$state" = idle ] || skip_or_fail "the node is not idle 30 s after start ($state); $(tail -3 $T/log/slurmctld.log)"
ok "one-node Slurm up on 127.0.0.1:$p1/$p2 ($node, $ncpu CPUs)"

# --- helpers ---------------------------------------------------------------------------------------
ln -s "$src/jobs" jobs
export AEON=$aeon
rows() { grep -v '^#' "$1/norms.dat" 2> /dev/null; }
last_h5() { ls "$1"/fields_*.h5 | tail -1; }
# deck [MAX_STEPS]: writes job.yaml, the pulse deck on a small grid, ending at MAX_STEPS or else so far
# away (t = 40000, the 1e6-step default cap: minutes even on a fast machine) that the job is still
# running when the test signals or stops it.
deck() {
  sed -e "s/^  t_final: .*/  t_final: 40000${1:+\n  max_steps: $1}/" -e 's/^  n: 40/  n: [20, 18, 16]/' \
    -e 's/^  norms_every: .*/  norms_every: 2/' -e 's/^  fields_every: .*/  fields_every: 100000/' \
    "$src/inputs/wave_pulse.yaml" > job.yaml
}
jstate() { scontrol show job "$1" 2> /dev/null | sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" | head -1; }
# wait_for WHAT SECONDS COMMAND...: polls COMMAND every 0.2 s; fails the test when it never succeeds.
wait_for() {
  local what=$1 n=$(($2 * 5)); shift 2
  for _ in $(seq 1 $n); do "$@" && return 0; sleep 0.2; done
  bad "$what: not within $((n / 5)) s"
  return 1
}
# Slurm may show a started job as CONFIGURING for a while (until its node reports it ready): the rows
# written by aeon are the proof that it runs.
running_with_rows() {
  case $(jstate $1 JobState) in RUNNING | CONFIGURING) [ "$(rows $2 | wc -l)" -ge 3 ] ;; *) return 1 ;; esac
}
pending_after_requeue() { [ "$(jstate $1 JobState)" = PENDING ] && [ "$(jstate $1 Restarts)" = 1 ]; }
ended() { case $(jstate $1 JobState) in COMPLETED | FAILED | CANCELLED | TIMEOUT) return 0 ;; esac; return 1; }

# --- requeue: signal before the time limit, checkpoint, requeue, continue, bit-identical ------------
deck
j=$(OUT=$work/runA jobs/submit --parsable -n $np -t 10 --output=$work/jobA.out jobs/aeon.slurm job.yaml 2>&1)
[[ $j =~ ^[0-9]+$ ]] || { bad "submission: $j"; exit 1; }
if wait_for "job $j running with norms rows" 120 running_with_rows $j runA; then
  scancel --batch --signal=USR1 $j
  if wait_for "job $j requeued (PENDING, Restarts=1)" 60 pending_after_requeue $j; then
    ck=$(ls runA/checkpoints/chk_*.h5 | tail -1)
    s=$(basename "$ck" .h5); s=$((10#${s#chk_}))
    grep -q "aeon: run stopped at step $s, .*signal SIGUSR1 (time limit); checkpoint written, continue with --restart auto" jobA.out &&
      grep -q "aeon.slurm: checkpoint written before the time limit (signal USR1); continuing in a new job" jobA.out &&
      ok "job $j: SIGUSR1, checkpoint at step $s, exit 3, requeued ($(jstate $j Reason) $(jstate $j StartTime))" ||
      { bad "job $j: log after the signal"; cat jobA.out; }
    end=$((s + 10))
    deck $end # the continued job ends 10 steps after the stop
    # slurmd revokes the old credential of job $j at the requeue and refuses ("Job credential revoked")
    # a new one made within the same second (the 120 s requeue delay normally covers this): wait 2 s.
    sleep 2
    scontrol update JobId=$j StartTime=now
    if wait_for "requeued job $j finished" 120 ended $j; then
      st=$(jstate $j JobState) ex=$(jstate $j ExitCode)
      [ "$st" = COMPLETED ] && [ "$ex" = 0:0 ] && grep -q "aeon.slurm: job $j (restart 1)" jobA.out &&
        grep -q "aeon: restarted from step $s " jobA.out &&
        grep -q "aeon: run finished at step $end" jobA.out && ok "job $j: continued with --restart auto to step $end, $st $ex" ||
        { bad "job $j after requeue: $st $ex"; cat jobA.out; }
      run $np run job.yaml --quiet --set output.dir=ref > ref.log 2>&1 || { bad "reference run"; cat ref.log; }
      [ "$(rows ref | wc -l)" -ge $((end / 2)) ] && cmp -s <(rows ref) <(rows runA) &&
        h5diff "$(last_h5 ref)" "$(last_h5 runA)" /levels/0/fields /levels/0/fields > /dev/null &&
        ok "signalled, requeued and continued job bit-identical to an uninterrupted run (norms.dat rows, last fields)" ||
        bad "requeued job differs from the uninterrupted run"
      "$aeon" inspect "$(ls runA/checkpoints/chk_*.h5 | tail -1)" --all > A.inspect 2>&1
      irc=$?
      [ $irc -eq 0 ] && grep -E "^ +[0-9]+ +signal +step $s " A.inspect | grep -q "signal SIGUSR1 (time limit)" &&
        ok "final checkpoint verifies and keeps the signal receipt of step $s" ||
        { bad "inspect of the final checkpoint: exit $irc, signal receipt of step $s"; grep -i signal A.inspect; }
    fi
  fi
fi

# --- deliberate stop: STOP file, mpirun launcher, no requeue -----------------------------------------
deck
j=$(OUT=$work/runB LAUNCH=mpirun jobs/submit --parsable -n $np -t 10 --output=$work/jobB.out jobs/aeon.slurm job.yaml 2>&1)
[[ $j =~ ^[0-9]+$ ]] || { bad "submission: $j"; exit 1; }
if ! wait_for "job $j running with norms rows" 120 running_with_rows $j runB; then
  scontrol show job $j | head -20; cat jobB.out 2> /dev/null | tail -20
else
  touch runB/STOP
  if wait_for "job $j ended after the STOP file" 60 ended $j; then
    sleep 1 # a requeue would show now
    st=$(jstate $j JobState) ex=$(jstate $j ExitCode) rs=$(jstate $j Restarts)
    [ "$st" = FAILED ] && [ "$ex" = 5:0 ] && [ "$rs" = 0 ] && [ ! -e runB/STOP ] &&
      grep -q "aeon: run stopped at step [0-9]*, .*stop requested by file STOP in the run directory (removed); checkpoint written, not to be continued" jobB.out &&
      grep -q "aeon.slurm: stopped on request (STOP file or SIGUSR2): checkpoint written, not requeued" jobB.out &&
      ok "job $j: STOP file, checkpoint, exit 5, not requeued ($st $ex, Restarts=$rs), and the log says so" ||
      { bad "job $j after STOP: $st $ex Restarts=$rs"; cat jobB.out; }
  fi
fi

# --- a request larger than the node is refused before it can sit PENDING --------------------------
before=$(squeue -h | wc -l)
jobs/submit -n $((ncpu * 2)) jobs/aeon.slurm job.yaml > big.out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "asks for $((ncpu * 2)) tasks x 1 CPUs" big.out && grep -q "^ *$node $ncpu " big.out &&
  [ "$(squeue -h | wc -l)" = "$before" ] && ok "jobs/submit refuses $((ncpu * 2)) tasks on a $ncpu-CPU node and names the counts" ||
  { bad "jobs/submit with too many tasks: exit $rc"; cat big.out; }
bash -n "$src/jobs/wave.slurm" && bash -n "$src/jobs/aeon.slurm" && bash -n "$src/jobs/submit" && bash -n "$src/jobs/aeon-mpirun" &&
  ok "job scripts parse" || bad "job script syntax"
finish test_slurm
