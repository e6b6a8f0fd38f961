#!/bin/sh
# LordNet against its local baseline on the variable-coefficient Poisson
# family (issue 13): 65^2 nodes, kappa contrast 10, f = 1, the same training
# budget and (nearly) the same parameter count for -operator_type lordnet and
# local (the local width is chosen to match lordnet's parameters). Each run
# prints the exact command, then its report rows: parameters, training time,
# held-out rel. L2 error (mean, worst) against CG + GAMG (rtol 1e-10), and
# inference vs PETSc time per sample. One rank (one core): both times are
# one-core times, and the PETSc time is also given at matched accuracy (the
# loosest rtol 10^-k within the network's error). SEEDS (default "0") lists
# the model seeds, TYPES (default "lordnet local") the operator types; the
# table ends with the median held-out error of each type over the seeds.
#
# usage: bench/lordnet_poisson.sh [BUILD_DIR] [extra options]
#        SEEDS="0 1 2" bench/lordnet_poisson.sh build > bench/results/lordnet_poisson.txt
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -ge 1 ] && shift
exe=$build/nabla-poisson
[ -x "$exe" ] || exe=$root/$exe
[ -x "$exe" ] || { echo "lordnet_poisson.sh: nabla-poisson not found in $build" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
budget="-da_grid_x 65 -da_grid_y 65 -kappa_contrast 10 -operator_train 48 -operator_test 50 -operator_batch 8 -opt_max_steps 250 -operator_lbfgs_its 120 -lordnet_width 16 -lordnet_blocks 4 -lordnet_rank 8 -lordnet_modes 16"

echo "# LordNet vs local (equal parameters), Poisson -div(kappa grad u) = 1, 65^2 nodes, contrast 10"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores (shared): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "# extra options: $*"
for type in ${TYPES:-lordnet local}; do
  for seed in ${SEEDS:-0}; do
    echo "\$ mpiexec -n 1 $build/nabla-poisson -method lordnet -operator_type $type -model_seed $seed $budget $* -output $type.h5"
    # shellcheck disable=SC2086
    mpiexec -n 1 "$exe" -method lordnet -operator_type "$type" -model_seed "$seed" $budget "$@" -output "$tmp/$type.h5" > "$tmp/out.txt" 2>&1 || { cat "$tmp/out.txt"; exit 1; }
    grep -E "^  (operator|parameters|final training MSR|training time|held-out rel|inference time|PETSc|speed-up)" "$tmp/out.txt"
    awk -F'  +' -v t="$type" '/held-out rel. L2 error vs PETSc, mean/ {print t, $3}' "$tmp/out.txt" >> "$tmp/errors.txt"
  done
done
for type in ${TYPES:-lordnet local}; do
  grep "^$type " "$tmp/errors.txt" | sort -g -k2 | awk -v t="$type" '{e[NR] = $2} END {printf "# median held-out rel. L2 error, %s: %s over %d seed(s)\n", t, e[int((NR + 1) / 2)], NR}'
done
