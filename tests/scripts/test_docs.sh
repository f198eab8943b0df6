#!/usr/bin/env bash
# The doc test: every fenced ```sh or ```bash block of README.md and docs/user-guide.md is run, in order, in a
# scratch copy of the repository's layout (build/aeon is the binary under test; scripts/, tests/, docs/ are the
# source tree's), one scratch directory per document so that a block may use what an earlier one wrote. A block
# fails the test when it exits non-zero (each runs under bash -e -o pipefail, after `source scripts/env.sh`).
# Blocks that cannot run here (set-up that rebuilds everything, Slurm submission, installs, long runs, ParaView)
# carry `no-test` in their info string (```sh no-test) or the line <!-- no-test --> just before them; a block that
# would run scripts/quickstart.sh, scripts/test.sh or scripts/install-deps.sh must be marked, or the test fails.
# To keep it short, inputs/wave.yaml is a scaled copy: 16^3 points instead of 48^3 and time.cfl 0.25 / 3, so dt,
# the step numbers and the file names the documents show are those of the real deck (27x less work per step).
# Usage: test_docs.sh AEON_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh"

# The scratch layout of one document.
sandbox() {
  local d=$1
  mkdir -p "$d/build" "$d/inputs"
  ln -s "$aeon" "$d/build/aeon"
  for x in scripts tests docs jobs; do ln -s "$src/$x" "$d/$x"; done
  cp "$src"/inputs/*.yaml "$d/inputs/"
  sed -i -e 's/^  n: \[48, 48, 48\]$/  n: [16, 16, 16]/' -e 's/^  cfl: 0\.25$/  cfl: 0.083333333333333333/' "$d/inputs/wave.yaml"
  [ "$(grep -c -e '^  n: \[16, 16, 16\]$' -e '^  cfl: 0.0833' "$d/inputs/wave.yaml")" -eq 2 ] \
    || { bad "inputs/wave.yaml no longer has grid.n [48, 48, 48] and time.cfl 0.25: update the scaling here"; return 1; }
}

# Writes the runnable blocks of a Markdown file as DIR/block_NNN.sh (NNN: the line of the opening fence).
extract() {
  $py - "$1" "$2" <<'PY'
import re, sys
path, out = sys.argv[1], sys.argv[2]
lines = open(path).read().split("\n")
i, n = 0, 0
while i < len(lines):
    m = re.match(r"^```(\S*)(.*)$", lines[i])
    if not m:
        i += 1
        continue
    info, rest, start = m.group(1), m.group(2), i
    j = i + 1
    while j < len(lines) and not lines[j].startswith("```"):
        j += 1
    prev = next((lines[k].strip() for k in range(start - 1, -1, -1) if lines[k].strip()), "")
    skip = "no-test" in rest or "no-test" in info or prev == "<!-- no-test -->"
    if info in ("sh", "bash") and not skip:
        with open(f"{out}/block_{start + 1:04d}.sh", "w") as f:
            f.write("\n".join(lines[start + 1:j]) + "\n")
        n += 1
    i = j + 1
print(n)
PY
}

total=0
for doc in README.md docs/user-guide.md; do
  name=$(basename "$doc" .md)
  box=$work/$name blocks=$work/blocks_$name
  mkdir -p "$blocks"
  sandbox "$box" || continue
  n=$(extract "$src/$doc" "$blocks")
  echo "$doc: $n blocks to run"
  [ "$n" -ge 1 ] || bad "$doc: no runnable block found"
  for b in "$blocks"/block_*.sh; do
    [ -e "$b" ] || continue
    line=$(basename "$b" .sh | sed 's/^block_0*//')
    if grep -qE 'quickstart\.sh|scripts/test\.sh|install-deps\.sh' "$b"; then
      bad "$doc:$line rebuilds everything: mark it \`\`\`sh no-test"; continue
    fi
    t0=$SECONDS
    (cd "$box" && source scripts/env.sh && timeout 300 bash -e -o pipefail "$b") > "$b.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok "$doc:$line ($((SECONDS - t0)) s)"; total=$((total + 1))
    else bad "$doc:$line exited $rc"; sed 's/^/    | /' "$b"; tail -20 "$b.log"; fi
  done
done
[ $total -ge 3 ] || bad "only $total blocks ran"
finish docs
