#!/bin/sh
# Burgers PINN with every collocation sampler at equal budgets (issue 4's
# comparison): relative L2 error against the PETSc reference and the exact
# (Cole-Hopf) solution, and wall time, one line per sampler.
#   bench/pinn_samplers.sh [build-dir] [ranks] [extra nabla-burgers options]
# Default budget: Raissi et al. (2019)'s network and points with
# BENCH_ADAM Adam steps (default 10000) then up to BENCH_LBFGS L-BFGS
# iterations (default 10000). Output: a table on stdout; redirect it to
# bench/results/pinn_samplers.txt.
set -eu
bench_steps=10000
. "$(dirname "$0")/common.sh"
samplers=${BENCH_SAMPLERS:-"uniform rad rar aas"}
bench_header "nabla-burgers -method pinn, nu = 0.01/pi, t in [0, 1]; $adam Adam + <= $lbfgs L-BFGS; $ranks ranks" "$@"
printf '%-8s %12s %12s %12s %10s %s\n' sampler err_vs_ref err_vs_exact max_err train_s steps
for s in $samplers; do
  mpiexec -n "$ranks" "$build/nabla-burgers" -method pinn -pinn_sampler "$s" -pinn_adam_steps "$adam" \
    -pinn_lbfgs_steps "$lbfgs" -output "$tmp/$s.h5" "$@" > "$tmp/$s.log" 2>&1 || { echo "$s: FAILED"; tail -5 "$tmp/$s.log"; continue; }
  get() { grep "$1" "$tmp/$s.log" | awk '{print $NF}'; }
  printf '%-8s %12s %12s %12s %10s %s\n' "$s" "$(get 'PINN rel. L2 error vs reference, all frames')" "$(get 'PINN rel. L2 error vs exact, all frames')" \
    "$(get 'PINN max abs. error vs reference')" "$(get 'PINN training wall time')" "$(grep 'PINN training steps' "$tmp/$s.log" | sed 's/.*steps *//')"
done
rm -rf "$tmp"
