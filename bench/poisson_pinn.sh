#!/bin/sh
# Poisson PINN (nabla-poisson -method pinn) at its defaults: 8 x 20 tanh,
# 10,000 collocation points, BENCH_ADAM Adam steps (default 10000) then up to
# BENCH_LBFGS L-BFGS iterations (default 10000), 65^2 reference grid; for
# every seed in BENCH_SEEDS (default "0 1 2") with the boundary conditions
# built into the output (-pinn_bc hard, the default) and as penalty terms
# (-pinn_bc soft). One line per run: relative L2 error against the exact
# (manufactured) solution and against the PETSc reference (all frames; the
# problem is steady, so one), max abs. error vs reference, final loss,
# training wall time; then per bc the median and min-max over the seeds.
# Target: median error vs exact <= 1e-3 at the default budget.
#   bench/poisson_pinn.sh [build-dir] [ranks] [extra nabla-poisson options]
# Redirect stdout to bench/results/poisson_pinn.txt. BENCH_BCS (default
# "hard soft") narrows the bc settings; BENCH_LOGDIR keeps every run's log.
set -eu
bench_steps=10000
. "$(dirname "$0")/common.sh"
seeds=${BENCH_SEEDS:-0 1 2}
bcs=${BENCH_BCS:-hard soft}
logdir=${BENCH_LOGDIR:-$tmp}
mkdir -p "$logdir"
steps=""
[ "$adam" = 10000 ] || steps="$steps -pinn_adam_steps $adam"
[ "$lbfgs" = 10000 ] || steps="$steps -pinn_lbfgs_steps $lbfgs"
bench_header "nabla-poisson -method pinn, defaults (8 x 20 tanh, 10000 points, 65 x 65 reference); $adam Adam + <= $lbfgs L-BFGS; $ranks ranks" "$@"
echo "# nabla $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: wall times are indicative only)"
echo "# command: mpiexec -n $ranks $build/nabla-poisson -method pinn -pinn_seed S [-pinn_bc soft]$steps${*:+ $*}"
echo
printf '%-4s %4s %12s %12s %12s %11s %10s %s\n' bc seed err_vs_exact err_vs_ref max_err final_loss train_s steps
for bc in $bcs; do
  bcopt=""
  [ "$bc" = hard ] || bcopt="-pinn_bc $bc"
  for s in $seeds; do
    log="$logdir/$bc.$s.log"
    # shellcheck disable=SC2086
    if ! mpiexec -n "$ranks" "$build/nabla-poisson" -method pinn -pinn_seed "$s" $bcopt $steps -output "$tmp/$bc.$s.h5" "$@" > "$log" 2>&1; then
      echo "$bc seed $s: FAILED"; tail -5 "$log"; continue
    fi
    get() { grep "  $1" "$log" | head -1 | awk '{print $NF}'; }
    printf '%-4s %4s %12s %12s %12s %11s %10s %s\n' "$bc" "$s" "$(get 'PINN rel. L2 error vs exact, all frames')" \
      "$(get 'PINN rel. L2 error vs reference, all frames')" "$(get 'PINN max abs. error vs reference')" "$(get 'PINN final loss')" \
      "$(get 'PINN training wall time')" "$(grep 'PINN training steps' "$log" | sed 's/.*steps *//')" | tee -a "$tmp/rows"
    [ -n "${refline:-}" ] || refline=$(grep '  rel. L2 error of u vs exact' "$log" | sed 's/^ *//; s/  */ /g')
  done
done
# median and min-max of column $2 over the rows of bc $1
stats() { awk -v bc="$1" '$1 == bc {print $'"$2"'}' "$tmp/rows" | sort -g | awk '{a[NR]=$1} END {if (NR) printf "%s (%s to %s)", (NR%2) ? a[(NR+1)/2] : sprintf("%.3e", (a[NR/2]+a[NR/2+1])/2), a[1], a[NR]}'; }
echo
echo "# over seeds $seeds: median (min-max)"
printf '%-4s %-36s %-36s %s\n' bc err_vs_exact err_vs_ref train_s
for bc in $bcs; do
  [ -f "$tmp/rows" ] && grep -q "^$bc " "$tmp/rows" || continue
  printf '%-4s %-36s %-36s %s\n' "$bc" "$(stats "$bc" 3)" "$(stats "$bc" 4)" "$(stats "$bc" 7)"
done
echo "# reference (PETSc, five-point scheme): ${refline:-?}"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$tmp"
