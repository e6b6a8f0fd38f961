#!/bin/sh
# Strong scaling of one lm iteration's parts on Burgers (Raissi's 8 x 20
# network, P = 3021; 10,000 collocation points; hard conditions; no Adam):
# the residual Jacobian (NbGraphJacobian), J moved to the 2-D layout and
# J^T J formed (NbLSQForm: PDGEMR2D, PDSYRK), a damped Cholesky solve
# (NbLSQSolve: PDPOTRF, PDPOTRS), seconds per call (max over ranks) on each
# rank count of BENCH_RANKS (default "1 2"), BENCH_LSQ lm iterations (default 2).
#   bench/lsq_scaling.sh [build-dir] [ranks, unused] [extra nabla-burgers options]
set -eu
bench_steps=0
. "$(dirname "$0")/common.sh"
lsq=${BENCH_LSQ:-2}
bench_header "one lm iteration's parts vs ranks: nabla-burgers -method pinn -pinn_bc hard -pinn_adam_steps 0 -pinn_optimizer lm -pinn_optimizer_steps $lsq -log_view" "$@"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: times are indicative only)"
printf '%-6s %12s %12s %12s %12s\n' ranks jacobian_s form_s solve_s grid
for n in ${BENCH_RANKS:-1 2}; do
  log="$tmp/np$n.log"
  # shellcheck disable=SC2086
  if ! mpiexec -n "$n" "$build/nabla-burgers" -method pinn -pinn_bc hard -pinn_adam_steps 0 -pinn_optimizer lm -pinn_optimizer_steps "$lsq" -opt_view -log_view -output "$tmp/np$n.h5" "$@" > "$log" 2>&1; then
    echo "$n ranks: FAILED"; tail -5 "$log"; continue
  fi
  ev() { awk -v e="$1" '$1 == e && $2 > 0 {printf "%.3e", $4 / $2; f = 1} END {if (!f) printf "-"}' "$log"; }
  printf '%-6s %12s %12s %12s %12s\n' "$n" "$(ev NbGraphJacobian)" "$(ev NbLSQForm)" "$(ev NbLSQSolve)" "$(grep -m1 'BLACS grid' "$log" | sed 's/.* on a \([0-9]* x [0-9]*\) BLACS.*/\1/; s/ //g')"
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$tmp"
