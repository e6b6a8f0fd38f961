#!/bin/sh
# Burgers inverse problem (issue 4's targets): nu and lambda identified from
# -pinn_data_points 2000 observations of the PETSc reference (random nodes of
# 100 frames after t = 0), clean and with 1% Gaussian noise; default network,
# points and budget (BENCH_ADAM Adam steps, then <= BENCH_LBFGS L-BFGS).
#   bench/pinn_inverse.sh [build-dir] [ranks] [extra nabla-burgers options]
# Redirect stdout to bench/results/pinn_inverse.txt.
set -eu
bench_steps=10000
. "$(dirname "$0")/common.sh"
bench_header "nabla-burgers -method pinn -pinn_inverse, true nu = 0.01/pi, lambda = 1; $adam Adam + <= $lbfgs L-BFGS; $ranks ranks" "$@"
printf '%-6s %12s %12s %12s %12s %12s %10s\n' noise nu nu_relerr lambda lambda_err u_err_vs_ref train_s
for noise in 0 0.01; do
  log="$tmp/$noise.log"
  if ! mpiexec -n "$ranks" "$build/nabla-burgers" -method pinn -pinn_inverse -pinn_noise "$noise" -burgers_frames 101 \
      -pinn_data_points 2000 -pinn_adam_steps "$adam" -pinn_lbfgs_steps "$lbfgs" -output "$tmp/$noise.h5" "$@" > "$log" 2>&1; then
    echo "noise $noise: FAILED"; tail -5 "$log"; continue
  fi
  get() { grep "$1" "$log" | awk '{print $NF}'; }
  printf '%-6s %12s %12s %12s %12s %12s %10s\n' "$noise" "$(get 'identified nu  ')" "$(get 'identified nu, rel. error')" \
    "$(get 'identified lambda  ')" "$(get 'identified lambda, rel. error')" "$(get 'PINN rel. L2 error vs reference, all frames')" "$(get 'PINN training wall time')"
done
rm -rf "$tmp"
