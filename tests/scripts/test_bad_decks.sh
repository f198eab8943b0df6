#!/usr/bin/env bash
# Every deck in tests/bad_decks/ must stop `aeon run` on 2 ranks with exit status 2,
# print the expected message once (rank 0), and create no output at all.
# Usage: test_bad_decks.sh AEON_BINARY SOURCE_DIR
set -u
aeon=$1 src=$2
mpiexec=${AEON_MPIEXEC:-mpirun}
corpus=$src/tests/bad_decks
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

check() { # name expected_substring deck_path [--set arg]
  local name=$1 expect=$2; shift 2
  local dir=$work/$name
  mkdir -p "$dir"
  (cd "$dir" && timeout 120 "$mpiexec" --oversubscribe -n 2 "$aeon" run "$@" --set "output.dir=$dir/run" >out.txt 2>err.txt)
  local rc=$?
  local nmsg
  nmsg=$(grep -c "aeon: error:" "$dir/err.txt")
  if [ $rc -ne 2 ]; then
    echo "FAIL $name: exit status $rc (want 2)"; cat "$dir/err.txt"; fail=$((fail+1)); return
  fi
  if ! grep -qF -- "$expect" "$dir/err.txt"; then
    echo "FAIL $name: message does not contain '$expect':"; cat "$dir/err.txt"; fail=$((fail+1)); return
  fi
  if [ "$nmsg" -ne 1 ]; then
    echo "FAIL $name: $nmsg error messages (want exactly 1)"; cat "$dir/err.txt"; fail=$((fail+1)); return
  fi
  if [ -e "$dir/run" ]; then
    echo "FAIL $name: output directory was created"; fail=$((fail+1)); return
  fi
  pass=$((pass+1))
}

for deck in "$corpus"/*.yaml "$corpus"/run/*.yaml; do  # run/: refused when the simulation is built, not by the parser
  name=$(basename "$deck" .yaml)
  expect=$(sed -n '1s/^# expect: //p' "$deck")
  setarg=$(sed -n '2s/^# set: //p' "$deck")
  if [ -n "$setarg" ]; then check "$name" "$expect" "$deck" --set "$setarg"
  else check "$name" "$expect" "$deck"; fi
done
# A deck that does not exist, and a directory given as a deck.
check missing_file "cannot read deck" "$work/no_such_deck.yaml"
check directory "cannot read deck" "$corpus"
# Bad command-line flags.
check bad_flag "unknown option '--frobnicate'" "$src/inputs/wave.yaml" --frobnicate
check set_without_value "expected KEY=VALUE" "$src/inputs/wave.yaml" --set grid.n
echo "bad decks: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -ge 24 ]
