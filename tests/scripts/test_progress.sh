#!/usr/bin/env bash
# Progress rate and ETA after a restart count only the restarted job's steps, and the run plan printed before the
# first step says what is left. Each step is made 0.1 s slower with the test hook AEON_TEST_STEP_SLEEP, so a step can
# never take less than 0.1 s: the rate can never exceed points / 0.1 s and the ETA never fall below the steps left
# x 0.1 s, on any machine load (the old rate, steps since step 0 over the wall time since the restart, was twice that
# here). The restarted job's rate must also not exceed the first job's by more than 20% (both are dominated by the
# sleep; one-sided, since load can only slow a job: 1.02 on a quiet machine, 2.1 with the old rate).
# Usage: test_progress.sh AEON_BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh"
sleep_s=0.1 n=16 pts=$((16 * 16 * 16))
deck=$src/inputs/wave.yaml
common=(--set grid.n=$n --set output.progress_seconds=0 --set output.fields_every=0)
rate_of() { grep 'zone-updates/s' "$1" | tail -1 | awk '{for (i = 1; i <= NF; i++) if ($i == "zone-updates/s") print $(i - 1)}'; }

AEON_TEST_STEP_SLEEP=$sleep_s "$aeon" run "$deck" "${common[@]}" --set run.max_steps=32 --set output.dir=p > job1.txt 2>&1
rc=$?; [ $rc -eq 0 ] && ok "first job (32 steps)" || { bad "first job: rc $rc"; cat job1.txt; }
AEON_TEST_STEP_SLEEP=$sleep_s "$aeon" restart p/checkpoints/chk_00000032.h5 "${common[@]}" --set run.max_steps=64 > job2.txt 2>&1
rc=$?; [ $rc -eq 0 ] && ok "restarted job (steps 32 to 64)" || { bad "restarted job: rc $rc"; cat job2.txt; }

# The plan: steps to go from where each job starts.
grep -q "dt = 0.015625 (time.cfl 0.25): 32 steps to go, step 0 -> 32, t = 0 -> 0.5" job1.txt && ok "plan of the first job" \
  || { bad "plan of the first job"; grep -A8 "aeon: plan" job1.txt; }
grep -q "32 steps to go, step 32 -> 64, t = 0.5 -> 1" job2.txt && ok "plan of the restarted job" \
  || { bad "plan of the restarted job"; grep -A8 "aeon: plan" job2.txt; }
grep -q "norms     9 rows of norms.dat" job2.txt && ok "norms rows planned" || bad "norms rows of the restarted job"

r1=$(rate_of job1.txt) r2=$(rate_of job2.txt)
echo "rate: first job $r1, restarted job $r2 zone-updates/s; a step of $sleep_s s bounds it by $pts / $sleep_s"
$py - "$r1" "$r2" "$pts" "$sleep_s" <<'PY' && ok "restart rate bounded, not above the first job's by 20%" || bad "restart rate"
import sys
r1, r2, pts, s = map(float, sys.argv[1:])
bound = pts / s
print(f"restarted/first = {r2 / r1:.3f}; restarted/bound = {r2 / bound:.3f}")
sys.exit(0 if r2 <= 1.02 * bound and r1 <= 1.02 * bound and r2 / r1 <= 1.2 else 1)
PY

# ETA of the restarted job: never below (steps left) x sleep (minus the rounding to whole seconds).
$py - job2.txt "$sleep_s" <<'PY' && ok "ETA after the restart" || bad "ETA after the restart"
import re, sys
s, n = float(sys.argv[2]), 0
for line in open(sys.argv[1]):
    m = re.match(r"step\s+(\d+)/(\d+).*ETA (\d+)s", line)
    if not m:
        continue
    step, total, eta = map(int, m.groups())
    if total - step >= 10:
        n += 1
        if eta < (total - step) * s - 0.5:
            print(f"step {step}: ETA {eta}s < {(total - step) * s:.1f}s"); sys.exit(1)
print(f"{n} progress lines checked"); sys.exit(0 if n >= 10 else 1)
PY

# --quiet prints no plan (nor anything else but the receipt anchors, which go to stdout for every checkpoint).
"$aeon" run "$deck" --set grid.n=8 --set run.max_steps=2 --set output.dir=q --quiet > quiet.txt 2>&1
[ $? -eq 0 ] && [ -z "$(grep -v '^aeon: receipts anchor: ' quiet.txt)" ] && ok "--quiet prints nothing but the anchors" \
  || { bad "--quiet"; cat quiet.txt; }
finish progress
