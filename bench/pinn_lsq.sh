#!/bin/sh
# Second-order training after Adam on 1-D Burgers with hard conditions
# (-pinn_bc hard): L-BFGS (TAO, the default) against Levenberg-Marquardt
# and Gauss-Newton (-pinn_optimizer lm|gn, ScaLAPACK dense solves), from the
# same Adam phase (same seed, same points). One line per optimizer: relative
# L2 error against the exact (Cole-Hopf) solution over all frames, final
# loss, training wall time, steps; then, from -log_view, the cost of the
# parts of a gn/lm iteration: the residual Jacobian (reverse mode, one sweep
# per row), a forward pass of all points (what one tangent pass of forward
# mode over the parameters would cost at least: P of them per Jacobian),
# and the dense solves.
#   bench/pinn_lsq.sh [build-dir] [ranks] [extra nabla-burgers options]
# BENCH_ADAM Adam steps (default 10000), BENCH_LBFGS L-BFGS iterations
# (default 10000), BENCH_LSQ gn/lm iterations (default 500), BENCH_OPTS
# (default "lbfgs lm gn"), BENCH_GN gn's damping (default 1e-8).
# Redirect stdout to bench/results/pinn_lsq.txt.
set -eu
bench_steps=10000
. "$(dirname "$0")/common.sh"
lsq=${BENCH_LSQ:-500}
opts=${BENCH_OPTS:-lbfgs lm gn}
gndamp=${BENCH_GN:-1e-8}
bench_header "nabla-burgers -method pinn -pinn_bc hard; $adam Adam, then $lbfgs L-BFGS or $lsq gn/lm; $ranks ranks" "$@"
echo "# nabla $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'); OpenBLAS core ${OPENBLAS_CORETYPE:-auto}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: wall times are indicative only)"
echo "# command: mpiexec -n $ranks $build/nabla-burgers -method pinn -pinn_bc hard -pinn_adam_steps $adam {-pinn_lbfgs_steps $lbfgs | -pinn_optimizer lm -pinn_optimizer_steps $lsq | -pinn_optimizer gn -opt_gn_damping $gndamp -pinn_optimizer_steps $lsq} -log_view${*:+ $*}"
echo
printf '%-6s %12s %11s %9s %-22s %12s %12s %12s %12s\n' opt err_vs_exact final_loss train_s steps jacobian_s forward_s form_s solve_s
for o in $opts; do
  log="$tmp/$o.log"
  case $o in
  lbfgs) oo="-pinn_lbfgs_steps $lbfgs" ;;
  gn) oo="-pinn_optimizer gn -opt_gn_damping $gndamp -pinn_optimizer_steps $lsq" ;;
  *) oo="-pinn_optimizer $o -pinn_optimizer_steps $lsq" ;;
  esac
  # shellcheck disable=SC2086
  if ! mpiexec -n "$ranks" "$build/nabla-burgers" -method pinn -pinn_bc hard -pinn_adam_steps "$adam" $oo -log_view -output "$tmp/$o.h5" "$@" > "$log" 2>&1; then
    echo "$o: FAILED"; tail -5 "$log"; continue
  fi
  get() { grep "  $1" "$log" | head -1 | awk '{print $NF}'; }
  # mean seconds per call of a -log_view event (max over ranks)
  ev() { awk -v e="$1" '$1 == e && $2 > 0 {printf "%.3e", $4 / $2; f = 1} END {if (!f) printf "-"}' "$log"; }
  printf '%-6s %12s %11s %9s %-22s %12s %12s %12s %12s\n' "$o" "$(get 'PINN rel. L2 error vs exact, all frames')" "$(get 'PINN final loss')" \
    "$(get 'PINN training wall time')" "$(grep 'PINN training steps' "$log" | sed 's/.*steps *//; s/ /_/g')" "$(ev NbGraphJacobian)" "$(ev NbGraphResidual)" "$(ev NbLSQForm)" "$(ev NbLSQSolve)"
  [ -n "${refline:-}" ] || refline=$(grep '  rel. L2 error of u vs exact' "$log" | sed 's/^ *//; s/  */ /g')
  [ -n "${net:-}" ] || net=$(grep '  PINN network' "$log" | sed 's/^ *//; s/  */ /g')
done
echo "# ${net:-?}; jacobian_s: one Jacobian of all points (reverse mode); forward_s: one forward pass of all points"
echo "# (forward mode over the P parameters would take at least P of those per Jacobian); form_s: J moved to the"
echo "# 2-D layout and J^T J formed (PDGEMR2D, PDSYRK); solve_s: one damped solve (PDPOTRF, PDPOTRS)"
echo "# reference (PETSc): ${refline:-?}"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$tmp"
