#!/usr/bin/env bash
# Vectorisation check: compiles each C file with gcc -O3 -march=x86-64-v2 -fopt-info-vec-optimized
# and fails unless every line carrying a comment that opens with "vectorised:" (the `for` line of an inner loop)
# is reported "loop vectorized", and each file has at least one such line.
# Usage: check_vectorised.sh CC "CFLAGS" FILE.c...
set -euo pipefail
cc=$1 flags=$2
shift 2
fail=0
for src in "$@"; do
  mapfile -t lines < <(grep -n '/\* vectorised:' "$src" | cut -d: -f1)
  if [ ${#lines[@]} -eq 0 ]; then
    echo "FAIL $src: no line marked 'vectorised:'"
    fail=1
    continue
  fi
  # shellcheck disable=SC2086
  if ! report=$("$cc" $flags -O3 -march=x86-64-v2 -fopt-info-vec-optimized -c "$src" -o /dev/null 2>&1); then
    echo "FAIL $src: does not compile:"
    echo "$report"
    fail=1
    continue
  fi
  name=$(basename "$src")
  for n in "${lines[@]}"; do
    hit=$(grep -E "(^|/)$name:$n:[0-9]+: optimized: loop vectorized" <<<"$report" | head -1 || true)
    if [ -n "$hit" ]; then
      echo "ok   $name:$n  ${hit#*optimized: }   ($(sed -n "${n}p" "$src" | sed 's/^ *//' | cut -c1-70))"
    else
      echo "FAIL $name:$n not vectorised: $(sed -n "${n}p" "$src" | sed 's/^ *//')"
      grep -E "(^|/)$name:$n:" <<<"$report" || true
      fail=1
    fi
  done
done
exit $fail
