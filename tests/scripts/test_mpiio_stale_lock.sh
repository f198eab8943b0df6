#!/usr/bin/env bash
# A stale MPI-IO lock left by a killed job must not hang the next one. Open MPI's OMPIO keeps one named
# semaphore per file name in /dev/shm (sem.OMPIO_<basename>); a job SIGKILLed while holding it leaves it at
# zero, and the next job opening a file of that name (the checkpoint a restart rewrites) waited forever. Aeon
# selects ROMIO before MPI_Init (aeon_mpi_preinit) unless the user set OMPI_MCA_io. This test plants such a
# locked semaphore (a zeroed sem_t) for the checkpoint the run writes and expects the run to finish, with the
# launcher's default MPI-IO choice (OMPI_MCA_io unset, as a user has it).
source "$(dirname "$0")/lib.sh" "$@"
name=chk_00000007.h5.tmp sem=/dev/shm/sem.OMPIO_chk_00000007.h5.tmp
trap 'rm -f "$sem"; rm -rf "$work"' EXIT
head -c 32 /dev/zero > "$sem" || bad "cannot plant $sem"
env -u OMPI_MCA_io timeout -k 5 60 "$mpiexec" --oversubscribe -n 2 "$aeon" run "$src/inputs/wave_pulse.yaml" --quiet \
  --set grid.n=[12,12,12] --set run.max_steps=7 --set checkpoint.every=7 --set output.fields_every=1000 \
  --set output.dir=r > r.log 2>&1 < /dev/null
rc=$?
if [ $rc -eq 0 ] && [ -f r/checkpoints/chk_00000007.h5 ]; then ok "a stale locked OMPIO semaphore for $name does not block the checkpoint write"
else bad "run with a stale OMPIO semaphore for $name: exit $rc (124: hung until the 60 s timeout)"; tail -5 r.log; fi
[ -e "$sem" ] && ok "the planted semaphore was not touched (MPI-IO went through ROMIO)" || bad "the run opened and removed $sem (OMPIO in use)"
finish test_mpiio_stale_lock
