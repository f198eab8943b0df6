#!/usr/bin/env bash
# Installs what is missing, builds Aeon (Release) in build/, and runs the default deck
# on 2 MPI ranks. The run writes into runs/wave/ (replaced on every quickstart).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/env.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DAEON_TESTS=OFF >/dev/null
cmake --build build -j "$JOBS"
mkdir -p runs
mpirun --oversubscribe -n 2 build/aeon run inputs/wave.yaml --set output.dir=runs/wave --force
echo "quickstart: output of the default deck is in $(pwd)/runs/wave/ (norms.dat, fields_*.h5; open fields.xmf in ParaView/VisIt)"
