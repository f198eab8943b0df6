# Shared set-up of the command-line tests (sourced by tests/scripts/test_*.sh with the test's arguments):
# aeon=$1 (the binary), src=$2 (the source tree), a scratch directory that is the working directory and is removed
# on exit, pass/fail counters, and helpers to run aeon under MPI and to expect a refusal.
set -u
aeon=$1 src=$2
mpiexec=${AEON_MPIEXEC:-mpirun}
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
pass=0 fail=0
# ok [WHAT]: counts a passed check (and prints WHAT when given).
ok() { pass=$((pass+1)); [ $# -eq 0 ] || echo "ok: $*"; }
# bad WHAT: counts and prints a failed check.
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
# run NP ARGS...: aeon ARGS on NP ranks.
run() { local np=$1; shift; "$mpiexec" --oversubscribe -n "$np" "$aeon" "$@"; }
# run2 ARGS...: aeon ARGS on 2 ranks.
run2() { run 2 "$@"; }
# expect_fail TEXT ARGS...: exit status 2 on 2 ranks and TEXT in the message, printed once.
expect_fail() {
  local text=$1; shift
  run2 "$@" > out.txt 2>&1
  local rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$text" out.txt && [ "$(grep -c 'aeon: error' out.txt)" -eq 1 ]; then ok
  else bad "'$*': rc $rc, expected 2 and '$text'"; cat out.txt; fi
}
# finish NAME: prints the tally and exits 0 only when nothing failed.
finish() { echo "$1: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit; }
