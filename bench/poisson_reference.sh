#!/bin/sh
# Poisson reference solver (solvers/poisson.c): Krylov iterations, wall time
# and discrete error against the manufactured solution from 33^2 to 513^2
# nodes on 1, 2 and 4 ranks with the default solver (CG + GAMG, rtol 1e-10),
# then the alternatives that the default was chosen against.
# Each number is printed under the exact command that reproduces it (run
# from the repository root; the program is the test program, built with
# -DNABLA_TESTS=ON, until nabla-poisson exists). Wall times are of one run
# (KSPSolve including the preconditioner's set-up) on a shared machine.
#
# usage: bench/poisson_reference.sh [BUILD_DIR]     (default: build)
#        bench/poisson_reference.sh build > bench/results/poisson_reference.txt
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
exe=$build/tests/solvers/test_poisson
[ -x "$root/$exe" ] || [ -x "$exe" ] || { echo "poisson_reference.sh: $exe not found; configure with -DNABLA_TESTS=ON and build" >&2; exit 1; }
[ -x "$exe" ] || exe=$root/$exe
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # ranks nodes [options]: the command, then its numbers
  np=$1 n=$2
  shift 2
  echo "\$ mpiexec -n $np $exe -test_mode solve -da_grid_x $n -da_grid_y $n${*:+ $*}"
  if mpiexec -n "$np" "$exe" -test_mode solve -da_grid_x "$n" -da_grid_y "$n" "$@" > "$tmp/out.txt" 2>&1; then
    awk -F'  +' '/  grid/ {g=$3} /  ranks/ {r=$3} /  solver/ {s=$3} /Krylov iterations/ {k=$3} /wall time/ {w=$3} /vs exact/ {e=$3}
                 END {printf "  %s, ranks %s, %s: %s iterations, %s s, rel. L2 error vs u* %s\n", g, r, s, k, w, e}' "$tmp/out.txt"
  else
    echo "  failed: $(grep -m1 -E 'ERROR: [A-Z][a-z]' "$tmp/out.txt" | sed 's/.*ERROR: //') / $(grep -m1 -E 'ERROR: (Ratio|Grid|The )' "$tmp/out.txt" | sed 's/.*ERROR: //')"
  fi
}

echo "# Poisson reference: -div(kappa grad u) = f on [0,1]^2, manufactured u*, five-point scheme on n x n nodes"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), nabla $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?');" \
  "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## 1. default solver (CG + GAMG, rtol 1e-10): iterations against the grid, 1, 2, 4 ranks"
for np in 1 2 4; do
  for n in 33 65 129 257 513; do run "$np" "$n"; done
done
echo
echo "## 2. a grid that is not 2^k + 1 (any n works)"
run 1 100
run 4 100
echo
echo "## 3. the alternatives"
for n in 33 129 513; do
  run 1 "$n" -pc_type hypre
  run 1 "$n" -pc_type mg -pc_mg_levels 4 -pc_mg_galerkin pmat
  run 1 "$n" -pc_type icc
done
run 4 513 -pc_type hypre
run 4 513 -pc_type mg -pc_mg_levels 4 -pc_mg_galerkin pmat
run 1 100 -pc_type mg -pc_mg_levels 4 -pc_mg_galerkin pmat
echo
echo "## 4. refinement study: errors and observed orders (log2 of successive error ratios), 2 ranks,"
echo "##    and the 2-rank solution against each rank's own one-rank solve at the finest grid"
echo "\$ mpiexec -n 2 $exe -test_grids 17,33,65,129,257,513"
mpiexec -n 2 "$exe" -test_grids 17,33,65,129,257,513 | sed 's/^/  /'
