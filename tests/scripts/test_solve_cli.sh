#!/usr/bin/env bash
# aeon solve end to end: a variable-coefficient Dirichlet Poisson problem (16^3, CG + Jacobi) on 1 and 2 ranks (the
# same iteration count and residual, converged, error at discretisation level), the PETSc backend (BoomerAMG on an
# assembled DMDA matrix) giving the same error, GMRES with the monitor on a non-symmetric problem, PETSc options
# passed through (-aeon_ksp_max_it), and bad input: a divergent solve (exit 4 with its reason), a singular problem
# with a source of non-zero mean, cg on a non-symmetric operator, PETSc options with the native backend, a deck
# typo (exit 2). Then aeon eig --deck --which SM: the 4 smallest eigenvalues of the Dirichlet Laplacian on a
# 16 x 12 x 10 box against the analytic discrete ones.
source "$(dirname "$0")/lib.sh" "$@"

# close A B REL: |A - B| <= REL |B|
close() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= r * (b < 0 ? -b : b)) }'; }

cat > p.yaml <<'YAML'
grid: {n: 16}
boundary: {xlo: dirichlet, xhi: dirichlet, ylo: dirichlet, yhi: dirichlet, zlo: dirichlet, zhi: dirichlet}
elliptic: {problem: poisson, beta_amp: 0.3, ksp_type: cg, pc: jacobi, ksp_rtol: 1e-10}
YAML
for np in 1 2; do
  run $np solve p.yaml > s$np.txt 2>&1 && ok || { bad "solve on $np ranks"; cat s$np.txt; }
done
grep -q "^solve: CONVERGED_RTOL after [0-9]* iterations" s1.txt && ok || { bad "not converged"; cat s1.txt; }
i1=$(sed -n 's/^solve: CONVERGED_RTOL after \([0-9]*\) iterations.*/\1/p' s1.txt)
i2=$(sed -n 's/^solve: CONVERGED_RTOL after \([0-9]*\) iterations.*/\1/p' s2.txt)
[ -n "$i1" ] && [ "$i1" = "$i2" ] && ok || bad "iterations differ between 1 and 2 ranks: '$i1' vs '$i2'"
r1=$(grep "^solve: residual" s1.txt) r2=$(grep "^solve: residual" s2.txt)
[ -n "$r1" ] && [ "$r1" = "$r2" ] && ok || bad "residuals differ: '$r1' vs '$r2'"
err=$(sed -n 's/^solve: error vs manufactured solution: rms [0-9.e+-]*, max \([0-9.e+-]*\)$/\1/p' s1.txt)
awk -v e="$err" 'BEGIN { exit !(e != "" && e < 4e-3 && e > 1e-4) }' && ok || bad "error '$err' not at discretisation level"

run 1 solve p.yaml --set elliptic.backend=petsc --set elliptic.petsc_pc=hypre > h.txt 2>&1 && ok || { bad "petsc hypre"; cat h.txt; }
grep -q "^solve: poisson problem on 16 x 16 x 16 cells, petsc cg + hypre (assembled, DMDA" h.txt && ok || { bad "petsc line"; cat h.txt; }
errp=$(sed -n 's/^solve: error vs manufactured solution: rms [0-9.e+-]*, max \([0-9.e+-]*\)$/\1/p' h.txt)
close "$errp" "$err" 1e-6 && ok || bad "petsc error '$errp' vs native '$err'"

run 1 solve p.yaml --set elliptic.ksp_type=gmres --set elliptic.advection=[20,0,5] --set elliptic.ksp_monitor=true \
  > g.txt 2>&1 && ok || { bad "gmres with advection"; cat g.txt; }
grep -q "^   1 KSP unpreconditioned residual norm" g.txt && grep -q "^solve: CONVERGED_RTOL" g.txt && ok \
  || { bad "gmres monitor"; cat g.txt; }

# multigrid as the preconditioner: GMRES(30) + one V-cycle reaches 1e-10 in fewer than 15 iterations, the same
# count on 1 and 2 ranks
for np in 1 2; do
  run $np solve p.yaml --set grid.n=32 --set elliptic.ksp_type=gmres --set elliptic.pc=mg > m$np.txt 2>&1 \
    && ok || { bad "gmres + mg on $np ranks"; cat m$np.txt; }
done
m1=$(sed -n 's/^solve: CONVERGED_RTOL after \([0-9]*\) iterations.*/\1/p' m1.txt)
m2=$(sed -n 's/^solve: CONVERGED_RTOL after \([0-9]*\) iterations.*/\1/p' m2.txt)
[ -n "$m1" ] && [ "$m1" -lt 15 ] && [ "$m1" = "$m2" ] && ok "gmres + mg: $m1 iterations" \
  || { bad "gmres + mg: '$m1' and '$m2' iterations"; cat m1.txt; }

# vertex-centred (elliptic.centering = vertex: 17 nodes, 15^3 unknowns): CG + multigrid on 1 and 2 ranks (same
# iterations), and PETSc PCMG on the 17^3-node DMDA (Q1, boundary rows identity) with the same error
for np in 1 2; do
  run $np solve p.yaml --set grid.n=17 --set elliptic.centering=vertex --set elliptic.pc=mg > v$np.txt 2>&1 \
    && ok || { bad "vertex cg + mg on $np ranks"; cat v$np.txt; }
done
grep -q "^solve: poisson problem on 15 x 15 x 15 vertex unknowns" v1.txt && ok || { bad "vertex line"; cat v1.txt; }
v1=$(sed -n 's/^solve: CONVERGED_RTOL after \([0-9]*\) iterations.*/\1/p' v1.txt)
v2=$(sed -n 's/^solve: CONVERGED_RTOL after \([0-9]*\) iterations.*/\1/p' v2.txt)
[ -n "$v1" ] && [ "$v1" -lt 12 ] && [ "$v1" = "$v2" ] && ok "vertex cg + mg: $v1 iterations" \
  || { bad "vertex cg + mg: '$v1' and '$v2' iterations"; cat v1.txt; }
errv=$(sed -n 's/^solve: error vs manufactured solution: rms [0-9.e+-]*, max \([0-9.e+-]*\)$/\1/p' v1.txt)
run 1 solve p.yaml --set grid.n=17 --set elliptic.centering=vertex --set elliptic.backend=petsc \
  --set elliptic.petsc_pc=mg > vp.txt 2>&1 && ok || { bad "vertex petsc mg"; cat vp.txt; }
errvp=$(sed -n 's/^solve: error vs manufactured solution: rms [0-9.e+-]*, max \([0-9.e+-]*\)$/\1/p' vp.txt)
awk -v e="$errv" 'BEGIN { exit !(e != "" && e < 8e-3 && e > 1e-4) }' && close "$errvp" "$errv" 1e-6 && ok \
  || bad "vertex errors: native '$errv', petsc '$errvp'"

# a divergent solve: exit 4 with the reason, on both ranks once
run 2 solve p.yaml --set elliptic.ksp_max_it=3 > d.txt 2>&1
rc=$?
[ $rc -eq 4 ] && grep -q "did not converge: DIVERGED_ITS after 3 iterations.*raise elliptic.ksp_max_it" d.txt && ok \
  || { bad "divergent solve: rc $rc"; cat d.txt; }
run 1 solve p.yaml --set elliptic.backend=petsc --set elliptic.petsc_pc=gamg -aeon_ksp_max_it 2 > o.txt 2>&1
rc=$?
[ $rc -eq 4 ] && grep -q "DIVERGED_ITS after 2 iterations" o.txt && ok || { bad "-aeon_ksp_max_it 2: rc $rc"; cat o.txt; }

periodic="--set boundary.xlo=periodic --set boundary.xhi=periodic --set boundary.ylo=periodic --set boundary.yhi=periodic --set boundary.zlo=periodic --set boundary.zhi=periodic"
# shellcheck disable=SC2086
expect_fail "singular problem: every face is periodic" solve p.yaml $periodic --set elliptic.rhs_shift=0.5
expect_fail "cg needs a symmetric operator, but elliptic.advection" solve p.yaml --set elliptic.advection=1
expect_fail "PETSc options ( -aeon_ksp_view) were given, but elliptic.backend is native" solve p.yaml -aeon_ksp_view
expect_fail "unknown option '--bogus'" solve p.yaml --bogus
printf 'grid: {n: 8}\nelliptic: {ksp_typ: cg}\n' > typo.yaml
expect_fail "elliptic.ksp_type" solve typo.yaml
expect_fail "boundary.xlo: the elliptic model problems take dirichlet or periodic faces only" solve p.yaml \
  --set boundary.xlo=symmetry

# shift-invert: the smallest eigenvalues of the Dirichlet Laplacian, lambda = sum_d 4 / h_d^2 sin^2(k_d pi / (2 N_d))
cat > e.yaml <<'YAML'
grid: {n: [16, 12, 10], xmax: [1, 1.25, 1.5]}
boundary: {xlo: dirichlet, xhi: dirichlet, ylo: dirichlet, yhi: dirichlet, zlo: dirichlet, zhi: dirichlet}
elliptic: {ksp_type: cg, pc: jacobi}
YAML
run 1 eig --deck e.yaml --which SM --nev 4 > ev.txt 2>&1 && ok || { bad "eig --which SM"; cat ev.txt; }
grep -q "^shift-invert: sigma = 0, [0-9]* inner Krylov iterations" ev.txt && ok || { bad "shift-invert line"; cat ev.txt; }
outer=$(sed -n 's/.* \([0-9]*\) operator applications.*/\1/p' ev.txt)
[ -n "$outer" ] && [ "$outer" -le 60 ] && ok || bad "outer iterations '$outer' > 60"
want=$($py -c "
import math
N, L = [16, 12, 10], [1, 1.25, 1.5]
f = lambda k, d: 4 * (N[d] / L[d]) ** 2 * math.sin(k * math.pi / (2 * N[d])) ** 2
print(' '.join('%.15g' % v for v in sorted(f(a, 0) + f(b, 1) + f(c, 2) for a in range(1, 4) for b in range(1, 4) for c in range(1, 4))[:4]))")
i=0
for w in $want; do
  i=$((i + 1))
  got=$(awk -v i=$i '$1 == i { print $2 }' ev.txt)
  close "$got" "$w" 1e-9 && ok || bad "eigenvalue $i: '$got', analytic $w"
done

finish test_solve_cli
