#!/usr/bin/env bash
# Signals under plain mpirun (no batch system): SIGUSR1 to mpirun, SIGTERM to the jobs/aeon-mpirun
# wrapper, SIGINT to one rank (time-limit stops: checkpoint, exit 3, a `signal` receipt naming the
# signal), SIGUSR2 to mpirun and the file RUNDIR/STOP (deliberate stops: checkpoint, exit 5, STOP
# removed). Each stopped run, continued with --restart auto to a common step, is bit-identical to an
# uninterrupted run to that step (norms.dat rows and the last fields).
source "$(dirname "$0")/lib.sh" "$@"
deck=$src/inputs/wave_pulse.yaml
# t_final is far away: every run below ends by its signal, never by reaching the end.
common=(--set grid.n=[20,18,16] --set run.t_final=40000 --set output.fields_every=100000 --set output.norms_every=2)
step=0
rows() { grep -v '^#' "$1/norms.dat"; }
last_h5() { ls "$1"/fields_*.h5 | tail -1; }

# One run directory, stopped five times and continued each time with --restart auto:
# start [LAUNCHER...]: continues the run in run/ in the background (pid in $lp) and waits until it has taken a
# few more steps (so every rank has installed its handlers).
d=run
start() {
  local before; before=$(rows $d 2>/dev/null | wc -l)
  "${@:-$mpiexec}" --oversubscribe -n 2 "$aeon" run "$deck" "${common[@]}" --set output.dir=$d --restart auto > seg.log 2>&1 &
  lp=$!
  for _ in $(seq 1 600); do
    [ "$(rows $d 2>/dev/null | wc -l)" -ge $((before + 3)) ] && return 0
    kill -0 $lp 2>/dev/null || break
    sleep 0.1
  done
  bad "the run did not continue within 60 s"; cat seg.log; kill -KILL $lp 2>/dev/null
  return 1
}
# stopped NAME RC WHY: the run (pid $lp) exited RC, its final line has WHY, its newest checkpoint verifies and
# has a `signal` receipt with WHY (aeon inspect).
stopped() {
  local name=$1 want=$2 why=$3 rc
  wait $lp; rc=$?
  cat seg.log >> $name.log
  local ck; ck=$(ls $d/checkpoints/chk_*.h5 2>/dev/null | tail -1)
  if [ "$rc" -ne "$want" ] || [ -z "$ck" ]; then bad "$name: exit status $rc (expected $want), checkpoint '$ck'"; cat seg.log; return; fi
  step=$(basename "$ck" .h5); step=$((10#${step#chk_}))
  local final; final=$(grep '^aeon: run ' seg.log | tail -1)
  case $final in
    "aeon: run stopped at step $step, "*"$why"*) ok "$name: exit $rc at step $step; final line: ${final#aeon: run stopped at step $step, }" ;;
    *) bad "$name: final line '$final' does not say '$why' at step $step" ;;
  esac
  "$aeon" inspect "$ck" --all > $name.inspect 2>&1
  local irc=$?
  if [ $irc -eq 0 ] && grep -E "^ +[0-9]+ +signal +step $step " $name.inspect | grep -qF "$why"; then ok "$name: checkpoint verifies, signal receipt at step $step says '$why'"
  else bad "$name: inspect exit $irc, no signal receipt '$why' at step $step"; grep -i signal $name.inspect; fi
}

start && { kill -USR1 $lp; stopped usr1 3 "signal SIGUSR1 (time limit)"; }
start env MPIRUN="$mpiexec" bash "$src/jobs/aeon-mpirun" && { kill -TERM $lp; stopped term 3 "signal SIGUSR1 (time limit)"; }
grep -q "aeon-mpirun: SIGTERM received" term.log && ok "aeon-mpirun said it mapped SIGTERM" || bad "aeon-mpirun: no message"
if start; then
  r=$(pgrep -P $lp -x aeon | head -1)
  [ -n "$r" ] && kill -INT "$r"
  stopped int 3 "signal SIGINT (interrupt)"
fi
start && { kill -USR2 $lp; stopped usr2 5 "stop requested by signal SIGUSR2"; }
start && { touch $d/STOP; stopped file 5 "stop requested by file STOP in the run directory"; }
[ ! -e $d/STOP ] && ok "STOP removed once acted on" || bad "STOP still there"

# Continued to a step past the last stop: bit-identical to one uninterrupted run.
end=$((step + 6))
run2 run "$deck" "${common[@]}" --quiet --set output.dir=ref --set run.max_steps=$end > ref.log 2>&1 || { bad "reference run"; cat ref.log; }
run2 run "$deck" "${common[@]}" --quiet --set output.dir=$d --set run.max_steps=$end --restart auto > last.log 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(rows ref | wc -l)" -gt 10 ] && cmp -s <(rows ref) <(rows $d) \
   && h5diff "$(last_h5 ref)" "$(last_h5 $d)" /levels/0/fields /levels/0/fields > /dev/null; then
  ok "stopped 5 times, continued to step $end: norms.dat and fields bit-identical to the uninterrupted run"
else bad "continued run (exit $rc) differs from the uninterrupted one"; cat last.log; fi
finish test_signals
