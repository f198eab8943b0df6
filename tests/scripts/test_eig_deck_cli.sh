#!/usr/bin/env bash
# aeon eig --deck end to end: the spectrum of inputs/wave_eig.yaml's evolution
# operator (periodic 12 x 10 x 8 wave) on 1 and 2 ranks, the largest |lambda|
# against the analytic 40.5298, the stable-dt lines (rk4: 2 sqrt(2) /
# max |lambda|, next to the deck's dt = 0.25 / 12 with the ratio; rk2 flagged
# unstable at every dt), the same number of operator applications on any rank
# count; a deck with symmetry and radiative faces; and every bad input
# (--deck with --input or --operator, a missing deck file, a bad deck, a mesh
# too big for the vector layout or for the budget, a grid too small for the
# ranks, --symmetric) refused with its message and exit 2 on every rank.
source "$(dirname "$0")/lib.sh" "$@"


# close A B REL: |A - B| <= REL |B|
close() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= r * (b < 0 ? -b : b)) }'; }

deck=$src/inputs/wave_eig.yaml
for np in 1 2; do
  run $np eig --deck "$deck" --nev 8 --ncv 40 > e$np.txt 2>&1 && ok || { bad "eig --deck on $np ranks"; cat e$np.txt; }
done
grep -Eq "^eig: wave evolution n=1920 nev=8 which=LM ncv=40 tol=1e-10: [0-9]+ operator applications, .*GFLOP/s.*peak memory" \
  e2.txt && ok || { bad "eig --deck summary line"; cat e2.txt; }
a1=$(grep -o "[0-9]* operator applications" e1.txt) a2=$(grep -o "[0-9]* operator applications" e2.txt)
[ -n "$a1" ] && [ "$a1" = "$a2" ] && ok || bad "operator applications differ between 1 and 2 ranks: '$a1' vs '$a2'"
lmax=$(sed -n 's/^max |lambda| = \([0-9.e+-]*\);.*/\1/p' e2.txt)
close "$lmax" 40.5298244095 1e-8 && ok || { bad "max |lambda| '$lmax', analytic 40.5298244095"; cat e2.txt; }
grep -q "^stable dt: a necessary condition from these 8 eigenvalues, |R(dt lambda)| <= 1" e2.txt \
  && ok || { bad "no 'necessary condition' line"; cat e2.txt; }
dt4=$(sed -n 's/^stable dt rk4 (deck): dt <= \([0-9.e+-]*\) .*/\1/p' e2.txt)
close "$dt4" "$(awk -v l="$lmax" 'BEGIN { printf "%.15g", 2 * sqrt(2) / l }')" 1e-6 \
  && ok || { bad "rk4 stable dt '$dt4', want 2 sqrt(2) / $lmax"; cat e2.txt; }
grep -Eq "^stable dt rk4 \(deck\): dt <= [0-9.e-]+ \(cfl 0\.837[0-9]*\); deck dt 0\.0208333333.? \(cfl 0\.25\) is 0\.298[0-9]* of it; max \|R\(deck dt lambda\)\| = 0\.99[0-9]*$" \
  e2.txt && ok || { bad "rk4 stable dt line (deck dt, cfl, ratio)"; cat e2.txt; }
grep -Eq "^stable dt rk2: .* \(\|R\| > 1 already at half that dt: unstable at every dt" e2.txt \
  && ok || { bad "rk2 not flagged unstable on the imaginary axis"; cat e2.txt; }

# symmetry and radiative faces with dissipation: converges, every eigenvalue damped, a real rk2 bound
cat > pulse.yaml <<'EOF'
physics: wave
grid: {n: 16, xmin: [0, 0, 0], xmax: [2, 2, 2]}
boundary: {xlo: symmetry, ylo: symmetry, zlo: symmetry, xhi: radiative, yhi: radiative, zhi: radiative}
wave: {solution: gaussian, width: 0.25, dissipation: 0.1}
EOF
run 2 eig --deck pulse.yaml > p.txt 2>&1 && ok || { bad "eig --deck with radiative faces"; cat p.txt; }
grep -q "^eig: wave evolution n=$((2 * 19 * 19 * 19)) nev=4" p.txt && ok || { bad "radiative ghosts not in the operator"; cat p.txt; }
grep -Eq "^max \|lambda\| = .*; largest real part = -" p.txt && ok || { bad "radiative + dissipation: not damped"; cat p.txt; }
grep -Eq "^stable dt rk2: dt <= [0-9.e-]+ \(cfl 0\.[1-9]" p.txt && ! grep -q "stable dt rk2.*unstable at every dt" p.txt \
  && ok || { bad "rk2 bound with dissipation"; cat p.txt; }

# bad input
printf 'physics: wave\ngrid: {n: [2048, 2048, 1024]}\n' > huge.yaml
printf 'physics: wave\ngrid: {n: 200}\n' > big.yaml
printf 'physics: wave\ngrid: {n: [4, 8, 8]}\nparallel: {dims: [2, 1, 1]}\n' > thin.yaml
printf 'physics: wave\ngird: {n: 8}\n' > typo.yaml
expect_fail "eig: --operator and --deck cannot be used together; give exactly one of --input FILE:/DATASET, --operator dndrv1 or --deck DECK" \
  eig --operator dndrv1 --deck "$deck"
expect_fail "eig: --input and --deck cannot be used together" eig --deck "$deck" --input in.h5:/A
expect_fail "eig: give exactly one of --input FILE:/DATASET, --operator dndrv1 or --deck DECK" eig --nev 3
expect_fail "cannot read deck 'nothere.yaml': No such file or directory" eig --deck nothere.yaml
expect_fail "eig: --deck needs a value" eig --deck
expect_fail "typo.yaml:2:1: unknown section 'gird'" eig --deck typo.yaml
expect_fail "the deck's mesh is too big for the eigensolver's vector layout: 4294967296 unknowns (2 variables x 2147483648 evolved points) on the largest of 2 ranks, more than the 2147483647 rows" \
  eig --deck huge.yaml
expect_fail "eig: the evolution operator of 'big.yaml' needs about .* per rank (7 field sets of 2 variables .*), more than the budget of 64.00 MiB" \
  eig --deck big.yaml --budget 64M
expect_fail "grid.n\[0\] = 4 is too small for 2 ranks in x with 3 ghost layers" eig --deck thin.yaml
expect_fail "eig: --symmetric applies to --input only" eig --deck "$deck" --symmetric

finish "cli eig --deck"
