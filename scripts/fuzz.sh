#!/usr/bin/env bash
# Fuzzes the deck parser: configures a clang build in build-fuzz/ (AEON_FUZZ=ON),
# builds fuzz_deck, and runs it for ${AEON_FUZZ_SECONDS:-60} seconds with leak
# detection on a copy of tests/fuzz/corpus (the repository's seeds are never
# modified). Fails if the fuzzer finds a crash, a leak, or a sanitizer error;
# the input that did it is left in build-fuzz/fuzz-artifacts/.
# AEON_FUZZ_BUILD_ONLY=1 only builds (scripts/test.sh does that right after its first stage, so that a source
# clang cannot compile fails the suite early rather than after the sanitiser stage).
# Usage: scripts/fuzz.sh            (environment: AEON_FUZZ_SECONDS, AEON_FUZZ_BUILD_DIR, AEON_FUZZ_BUILD_ONLY)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${AEON_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${AEON_FUZZ_SECONDS:-60}"

command -v clang >/dev/null || { echo "fuzz.sh: clang not found (scripts/install-deps.sh --with-fuzz)" >&2; exit 2; }

cmake -S "$root" -B "$build" -DAEON_FUZZ=ON -DCMAKE_C_COMPILER=clang \
  -DAEON_TESTS=OFF -DAEON_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_deck -j "$(nproc)"
if [ "${AEON_FUZZ_BUILD_ONLY:-0}" = 1 ]; then echo "fuzz.sh: fuzz_deck built (clang)"; exit 0; fi

bin="$build/tests/fuzz/fuzz_deck"
corpus="$build/fuzz-corpus/deck"
artifacts="$build/fuzz-artifacts"
rm -rf "$corpus"
mkdir -p "$corpus" "$artifacts"
cp "$root"/tests/fuzz/corpus/* "$corpus"/

echo "fuzz.sh: running fuzz_deck for ${seconds}s on $corpus"
if ! "$bin" -max_total_time="$seconds" -detect_leaks=1 -print_final_stats=1 \
     -dict="$root/tests/fuzz/deck.dict" -artifact_prefix="$artifacts/" "$corpus"; then
  echo "fuzz.sh: FAILED: fuzz_deck found a problem; reproducer(s) in $artifacts:" >&2
  ls -l "$artifacts" >&2
  exit 1
fi
echo "fuzz.sh: fuzz_deck ran ${seconds}s without failures"
